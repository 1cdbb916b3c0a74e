"""Free or coded values mapped to a small vocabulary (classify), and age bands."""

import re
from collections.abc import Mapping, Sequence

import pandas as pd

from .text import label_key


def classify(
    raw: pd.Series,
    rules: Sequence[tuple[str, str]],
    *,
    blank_as: str,
    fallback: str,
    codes: Mapping[str, str] | None = None,
) -> tuple[pd.Series, pd.Series]:
    """Map free or coded values to a small vocabulary: (category, unrecognised?).

    In order: a provider code from `codes` (exact, ignoring case and spaces); the vocabulary
    word itself ('blunt_object', 'blunt object'); the first rule whose regex is found in the
    value. Blank -> `blank_as`; anything else -> `fallback`, flagged as unrecognised. Only
    the distinct values are examined, so this is cheap on big frames.
    """
    vocabulary = {name for name, _ in rules} | {blank_as, fallback}
    by_code = {label_key(k): v for k, v in (codes or {}).items()}
    compiled = [(name, re.compile(pattern)) for name, pattern in rules]

    def one(value: str) -> str | None:
        key = label_key(value)
        if key in by_code:
            return by_code[key]
        if key.replace(" ", "_") in vocabulary:
            return key.replace(" ", "_")
        return next((name for name, rule in compiled if rule.search(key)), None)

    mapping = {value: one(value) for value in raw.dropna().unique()}
    found = raw.map(mapping).astype("string")
    unrecognised = raw.notna() & found.isna()
    category = found.fillna(fallback).mask(raw.isna(), blank_as).astype("string")
    return category, unrecognised


_AGE_RANGE = re.compile(r"^(\d{1,3}) ?(?:-|to) ?(\d{1,3})$")
_AGE_OPEN = re.compile(r"^(\d{1,3}) ?(?:\+|plus|and over|or over|and above|or older)$")
_AGE_UNDER = re.compile(r"^(?:under|<|less than) ?(\d{1,3})$")
_AGE_WORDS = re.compile(r"\b(?:aged?|years?|yrs?|old)\b")


def _age_band(label: str) -> tuple[str, int, int | None] | None:
    key = " ".join(_AGE_WORDS.sub(" ", label_key(label)).split())
    if key in {"all", "all ages", "total"}:
        return "all", 0, None
    if match := _AGE_RANGE.match(key):
        low, high = int(match.group(1)), int(match.group(2))
        return (f"{low}-{high}", low, high) if low <= high else None
    if match := _AGE_OPEN.match(key):
        return f"{match.group(1)}+", int(match.group(1)), None
    if (match := _AGE_UNDER.match(key)) and int(match.group(1)) > 0:
        high = int(match.group(1)) - 1
        return (f"0-{high}" if high else "0"), 0, high
    if key.isdigit():
        return key.lstrip("0") or "0", int(key), int(key)
    return None


def parse_age_bands(raw: pd.Series) -> pd.DataFrame:
    """'0-4 years' -> 0-4; '85+ years', '85 and over' -> 85+; 'Aged 10 to 14' -> 10-14;
    'under 18' -> 0-17; '7' -> 7; 'All ages' -> all. Columns age_band, age_min, age_max
    (age_max <NA> when open-ended); <NA> age_band where the label is not an age band."""
    rows = [(v, *(_age_band(v) or (None, None, None))) for v in raw.dropna().unique()]
    table = pd.DataFrame(rows, columns=["raw", "age_band", "age_min", "age_max"])
    out = table.set_index("raw").reindex(raw.to_numpy()).set_axis(raw.index)
    return pd.DataFrame(
        {
            "age_band": out["age_band"].astype("string"),
            "age_min": out["age_min"].astype("Int64"),
            "age_max": out["age_max"].astype("Int64"),
        },
        index=raw.index,
    )
