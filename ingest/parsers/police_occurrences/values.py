"""Column values: a column as codes into its distinct texts (Distinct), the row errors found
in them (RowErrors), and the vocabularies read from a distinct text (outcome, location
type, ethnicity basis, age)."""

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd

from .fields import ERROR_COLUMNS, ERROR_REASONS, MAX_AGE, OFFICER_DEFINED, SELF_DEFINED

_SELF_CODE = re.compile(r"^(?:[WMABO]\d|NS)$")  # Census 16+1 / 18+1 codes
_IC_CODE = re.compile(r"^IC\d$")
# (location type, words any of which in the description means it); first match wins, so
# "public house" is licensed premises before "house" makes it a dwelling.
_LOCATION_WORDS = tuple(
    (kind, tuple(words.split("|")))
    for kind, words in (
        ("licensed_premises", "licensed|pub|public house|bar|club|nightclub"),
        ("dwelling", "dwelling|home|house|residential|residence|flat|domestic|private"),
        ("education", "school|college|university|education"),
        (
            "commercial",
            "shop|retail|store|supermarket|commercial|business|office|restaurant|takeaway|"
            "hotel|premises",
        ),
        (
            "public_place",
            "public|street|road|park|open space|car park|highway|footpath|alley|bus|train|"
            "station|town centre|beach|outdoor|transport|pavement|square",
        ),
    )
)
_OUTCOME = re.compile(r"(?i)^(?:outcome|oc|o)?\s*(\d{1,2}[a-c]?)(?![\w/.:])")


@dataclass(frozen=True)
class Distinct:
    """A column as integer codes into its distinct stripped texts ('' for blank)."""

    codes: np.ndarray
    values: pd.Series  # object dtype, RangeIndex

    @classmethod
    def of(cls, raw: pd.Series) -> "Distinct":
        if isinstance(raw.dtype, pd.CategoricalDtype):  # reading.coded: found already
            codes, uniques = raw.cat.codes.to_numpy(), raw.cat.categories.to_numpy(object)
        else:
            codes, uniques = pd.factorize(raw.to_numpy(dtype=object))
        texts = pd.Series(np.asarray(uniques, dtype=object)).astype(str).str.strip()
        values = pd.concat([texts, pd.Series([""])], ignore_index=True).astype(object)
        return cls(np.where(codes < 0, len(uniques), codes), values)

    def spread(
        self, per_value: pd.Series | pd.api.extensions.ExtensionArray | np.ndarray, index: pd.Index
    ) -> pd.Series:
        array = per_value.array if isinstance(per_value, pd.Series) else per_value
        return pd.Series(array.take(self.codes), index=index)

    def text(self, index: pd.Index) -> pd.Series:
        return self.spread(self.values.mask(self.values == "").astype("string"), index)

    @cached_property
    def counts(self) -> np.ndarray:
        """Rows per distinct value."""
        return np.bincount(self.codes, minlength=len(self.values))

    def rows(self, per_value: pd.Series | np.ndarray) -> int:
        """How many rows have a distinct value for which `per_value` is True."""
        return int(self.counts[np.asarray(per_value, dtype=bool)].sum())


class RowErrors:
    def __init__(self, index: pd.Index):
        self.rows = index.to_numpy()
        self.parts: list[pd.DataFrame] = []

    def add(self, mask, field_name: str, reason: str, values: pd.Series) -> None:
        mask = np.asarray(mask, dtype=bool)
        if mask.any():
            message = ERROR_REASONS[reason].format(field=field_name)
            shown = values.fillna("").astype(str).to_numpy()[mask]
            part = {"row": self.rows[mask], "field": field_name, "reason": reason}
            self.parts.append(pd.DataFrame({**part, "message": message, "value": shown}))

    def frame(self) -> pd.DataFrame:
        if not self.parts:
            empty = {c: pd.Series(dtype=str) for c in ERROR_COLUMNS}
            return pd.DataFrame({**empty, "row": pd.Series(dtype="int64")})[list(ERROR_COLUMNS)]
        errors = pd.concat(self.parts, ignore_index=True)
        return errors.sort_values(["row", "field"], kind="stable", ignore_index=True)


def parse_ages(values: pd.Series) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Distinct texts -> (age as Int64, not a number, impossible)."""
    number = pd.to_numeric(values.where(values != ""), errors="coerce")
    not_number = (values != "") & number.isna()
    impossible = number.notna() & ((number % 1 != 0) | (number < 0) | (number > MAX_AGE))
    return number.where(~impossible).astype("Int64"), not_number, impossible


def lookup(values: pd.Series, table: Mapping[str, object]) -> pd.Series:
    return values.str.lower().str.replace(r"\s+", " ", regex=True).map(table)


def outcome_of(text: str) -> str | None:
    """'22', 'OC22', 'outcome 22 - diversion...' -> 'Outcome 22'; other wording as given."""
    found = _OUTCOME.match(text)
    return f"Outcome {found.group(1).upper()}" if found else (text or None)


def location_type_of(text: str) -> str | None:
    if not text:
        return None
    words = f" {' '.join(re.findall(r'[a-z]+', text.lower()))} "
    for kind, triggers in _LOCATION_WORDS:
        if any(f" {t} " in words for t in triggers):
            return kind
    return "other"


def ethnicity_basis_of(code: str) -> str | None:
    squeezed = code.replace(" ", "").upper()
    if _SELF_CODE.match(squeezed):
        return SELF_DEFINED
    return OFFICER_DEFINED if _IC_CODE.match(squeezed) else None


def financial_year(dates: pd.Series) -> pd.Series:
    start = (dates.dt.year - (dates.dt.month < 4).astype(int)).astype("Int64")
    codes, years = pd.factorize(start)
    labels = pd.array([f"{y}/{(y + 1) % 100:02d}" for y in years] + [pd.NA], dtype="string")
    return pd.Series(labels.take(np.where(codes < 0, len(years), codes)), index=dates.index)
