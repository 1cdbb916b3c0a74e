"""Building blocks shared by the parsers for health, youth justice, indicator and reference data.

Every parser here takes a frame of strings from reading.py (indexed by 1-based data row
number) and returns a `ParseResult`: canonical `records` (with `source_row`), `errors` (one
row per problem: row, field, reason, message, value) and a `Summary`. A row with any error
is rejected whole; `rows_read == rows_rejected + rows_loaded + duplicates` always holds.

Messages are plain English and say what to fix. They never contain a cell value: the value
goes in the `value` column (blank where the value itself may be personal data).
"""

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ingest.taxonomy import normalise_offence_code

from .columns import heading_key
from .errors import ReadError

ERROR_COLUMNS = ("row", "field", "reason", "message", "value")


@dataclass(frozen=True)
class Summary:
    rows_read: int
    rows_rejected: int
    rows_loaded: int
    duplicates: int  # rows not loaded because they repeat another row (rule per parser)
    by_category: dict[str, float] = field(default_factory=dict)
    period_start: dt.date | None = None
    period_end: dt.date | None = None


@dataclass
class ParseResult:
    records: pd.DataFrame
    errors: pd.DataFrame
    summary: Summary


# --- columns -----------------------------------------------------------------------------


def loose_key(heading: object) -> str:
    """heading_key that also treats underscores as spaces: 'Age_group' == 'age group'."""
    return heading_key(str(heading).replace("_", " "))


def find_column(frame: pd.DataFrame, *names: str) -> str | None:
    """The first of `names` present among the frame's headings (loosely matched)."""
    by_key = {loose_key(c): c for c in frame.columns}
    for name in names:
        if loose_key(name) in by_key:
            return by_key[loose_key(name)]
    return None


def missing_columns_error(what: str, missing: Sequence[str], hint: str = "") -> ReadError:
    names = ", ".join(repr(m) for m in missing)
    return ReadError(
        "missing_columns",
        f"This does not look like {what}: it has no {names} column. {hint}".rstrip()
        + (" " if hint else "")
        + "Check that you chose the right kind of data and the right sheet.",
        {"missing": list(missing)},
    )


def per_distinct(values: pd.Series, convert) -> pd.Series:
    """convert(distinct values) mapped back onto every row: extracts repeat their values
    (dates, codes, labels), so string work is done once per distinct value. <NA> stays <NA>.
    """
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    converted = convert(pd.Series(uniques, dtype=values.dtype if len(uniques) else "string"))
    out = converted.reindex(codes)
    return out.set_axis(values.index)


def text(values: pd.Series) -> pd.Series:
    """Stripped text with blanks as <NA>."""

    def strip(distinct: pd.Series) -> pd.Series:
        stripped = distinct.astype("string").str.strip()
        return stripped.mask(stripped == "")

    return per_distinct(values.astype("string"), strip)


def blank(index: pd.Index) -> pd.Series:
    return pd.Series(pd.NA, index=index, dtype="string")


def column_text(frame: pd.DataFrame, column: str | None) -> pd.Series:
    return blank(frame.index) if column is None else text(frame[column])


# --- errors ------------------------------------------------------------------------------


class Problems:
    """Collects row errors. `rows` gives each record's source row (file row number)."""

    def __init__(self, rows: pd.Series):
        self._rows = rows
        self._parts: list[pd.DataFrame] = []

    def add(
        self,
        mask: pd.Series,
        field_name: str,
        reason: str,
        message: str,
        values: pd.Series | None = None,
    ) -> None:
        mask = mask.fillna(False).astype(bool)
        if not mask.any():
            return
        shown = "" if values is None else values[mask].astype("string").fillna("").to_numpy()
        self._parts.append(
            pd.DataFrame(
                {
                    "row": self._rows[mask].to_numpy(),
                    "field": field_name,
                    "reason": reason,
                    "message": message,
                    "value": shown,
                }
            )
        )

    def extend(self, errors: pd.DataFrame) -> None:
        if len(errors):
            self._parts.append(errors[list(ERROR_COLUMNS)])

    def rejected(self) -> pd.Series:
        """Per record: does its source row have any problem?"""
        rows = self.frame()["row"]
        return self._rows.isin(rows)

    def frame(self) -> pd.DataFrame:
        if not self._parts:
            return pd.DataFrame({c: pd.Series(dtype="object") for c in ERROR_COLUMNS})
        errors = pd.concat(self._parts, ignore_index=True)
        errors["row"] = errors["row"].astype("int64")
        errors = errors.drop_duplicates()  # a wide row's cell problems, once per field
        return errors.sort_values(["row", "field"], kind="stable", ignore_index=True)[
            list(ERROR_COLUMNS)
        ]


def require_value(problems: Problems, values: pd.Series, field_name: str, what: str) -> None:
    problems.add(
        values.isna(), field_name, "missing_value", f"{what} is blank. Fill it in.", values
    )


# --- dates -------------------------------------------------------------------------------

# Tried in turn on the values not yet parsed; each is strict (no partial dates, hours 0-23,
# real calendar days) and parsed in C, so a column costs a few passes at most.
DATE_FORMATS_TRIED = (
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d",
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%d %H:%M:%S.%f",
    "%Y-%m-%dT%H:%M:%S.%f",
    "%Y-%m-%dT%H:%M:%SZ",
)
# An Excel date serial: days since 1899-12-30, read only from 1970 to 2099.
_SERIAL = r"\d{5}(?:\.\d+)?"
_SERIAL_RANGE = (25569, 73051)
_EXCEL_EPOCH = pd.Timestamp("1899-12-30")

DATE_FORMATS = "a date as YYYY-MM-DD or DD/MM/YYYY (a time after it is optional)"


def parse_datetimes(raw: pd.Series) -> pd.Series:
    """ISO, dd/mm/yyyy (each with an optional time) or an Excel serial -> datetime64[s].

    Blank and unparseable values (including impossible dates such as 31/02/2024) are NaT.
    """
    return per_distinct(raw.astype("string").str.strip(), _parse_distinct_datetimes).astype(
        "datetime64[s]"
    )


def _formats_by_likelihood(values: np.ndarray) -> list[str]:
    """The formats in order of how many of a small sample each reads (most first)."""
    sample = pd.Series(values[:50])
    hits = {
        form: int(pd.to_datetime(sample, format=form, errors="coerce").notna().sum())
        for form in DATE_FORMATS_TRIED
    }
    return sorted(DATE_FORMATS_TRIED, key=lambda form: -hits[form])


def _parse_distinct_datetimes(distinct: pd.Series) -> pd.Series:
    values = distinct.to_numpy(dtype=object, na_value=None)
    parsed = np.full(len(values), np.datetime64("NaT"), dtype="datetime64[s]")
    todo = np.flatnonzero(pd.notna(values))
    for form in _formats_by_likelihood(values[todo]):
        if not len(todo):
            break
        attempt = pd.to_datetime(pd.Series(values[todo]), format=form, errors="coerce")
        found = attempt.notna().to_numpy()
        parsed[todo[found]] = attempt[found].to_numpy(dtype="datetime64[s]")
        todo = todo[~found]
    if len(todo):
        rest = pd.Series(values[todo], dtype="string")
        serial = pd.to_numeric(rest.where(rest.str.fullmatch(_SERIAL)), errors="coerce")
        serial = serial.where((serial >= _SERIAL_RANGE[0]) & (serial < _SERIAL_RANGE[1]))
        days = (_EXCEL_EPOCH + pd.to_timedelta(serial.astype("float64"), unit="D")).dt.round("s")
        found = days.notna().to_numpy()
        parsed[todo[found]] = days[found].to_numpy(dtype="datetime64[s]")
    return pd.Series(parsed, index=distinct.index)


def check_dates(
    problems: Problems,
    raw: pd.Series,
    field_name: str,
    today: dt.date,
    *,
    required: bool = True,
) -> pd.Series:
    """Parse a date column, recording blank (if required), unparseable and future dates."""
    parsed = parse_datetimes(raw)
    if required:
        require_value(problems, raw, field_name, field_name)
    problems.add(
        raw.notna() & parsed.isna(),
        field_name,
        "unparseable_date",
        f"{field_name} is not {DATE_FORMATS}.",
        raw,
    )
    future = parsed.dt.normalize() > pd.Timestamp(today)
    problems.add(
        future, field_name, "future_date", f"{field_name} is in the future. Correct it.", raw
    )
    return parsed


def financial_year_of(dates: pd.Series) -> pd.Series:
    """2023-04-01 -> '2023/24'; 2024-03-31 -> '2023/24'."""
    start = (dates.dt.year - (dates.dt.month < 4).astype("Int64")).astype("Int64")
    label = start.astype("string") + "/" + ((start + 1) % 100).astype("string").str.zfill(2)
    return label.astype("string")


_FY = re.compile(r"^(?:fy\s*)?(\d{4})\s*(?:/|-|–|to)\s*(\d{4}|\d{2})$", re.IGNORECASE)


def parse_financial_years(raw: pd.Series) -> tuple[pd.Series, pd.Series]:
    """'2023/24', '2023-24', '2023/2024', 'FY 2023/24' -> ('2023/24', 2023); else <NA>."""
    parts = raw.astype("string").str.strip().str.extract(_FY)
    first = pd.to_numeric(parts[0], errors="coerce").astype("Int64")
    second = pd.to_numeric(parts[1], errors="coerce").astype("Int64")
    ok = (second == (first + 1) % 100) | (second == first + 1)
    start = first.where(ok.fillna(False))
    label = start.astype("string") + "/" + ((start + 1) % 100).astype("string").str.zfill(2)
    return label.astype("string"), start


def check_future_years(
    problems: Problems, start_year: pd.Series, raw: pd.Series, field_name: str, today: dt.date
) -> None:
    """A financial year that starts (1 April) after today is an error."""
    future = start_year > (today.year if today.month >= 4 else today.year - 1)
    problems.add(
        future, field_name, "future_year", f"{field_name} is in the future. Correct it.", raw
    )


def financial_year_bounds(start_year: pd.Series, quarter: pd.Series | None = None):
    """(first day, last day) of a financial year, or of quarter 1-4 of it (Q1 = Apr-Jun)."""
    q = pd.Series(pd.NA, index=start_year.index, dtype="Int64") if quarter is None else quarter
    # Months since 1970-01: April of the start year, plus three per quarter after the first.
    first = (start_year - 1970) * 12 + 3 + 3 * (q.fillna(1) - 1)
    first = first.to_numpy(dtype="float64", na_value=np.nan)
    after = first + np.where(q.notna(), 3, 12)
    day = np.timedelta64(1, "D")
    return (
        pd.Series(first.astype("datetime64[M]").astype("datetime64[s]"), index=q.index),
        pd.Series((after.astype("datetime64[M]") - day).astype("datetime64[s]"), index=q.index),
    )


def bounds(start: pd.Series, end: pd.Series | None = None) -> tuple[dt.date | None, ...]:
    """(earliest start, latest end) as dates, or None for an empty or all-blank column."""
    end = start if end is None else end
    first, last = start.dropna().min(), end.dropna().max()
    return (
        None if pd.isna(first) else pd.Timestamp(first).date(),
        None if pd.isna(last) else pd.Timestamp(last).date(),
    )


# --- values ------------------------------------------------------------------------------


def parse_numbers(raw: pd.Series) -> pd.Series:
    """' 1,234 ' -> 1234.0; '-00' -> 0.0 (spreadsheet zero); blank or text -> <NA>."""

    def read(distinct: pd.Series) -> pd.Series:
        cleaned = distinct.str.strip().str.replace(",", "", regex=False)
        return pd.to_numeric(cleaned, errors="coerce").astype("Float64")

    return per_distinct(raw.astype("string"), read).astype("Float64")


_SEX = {
    "m": "male", "male": "male", "males": "male", "man": "male", "1": "male",
    "f": "female", "female": "female", "females": "female", "woman": "female", "2": "female",
    "persons": "persons", "person": "persons", "all persons": "persons", "all": "persons",
    "total": "persons", "p": "persons",
    "other": "other", "indeterminate": "other", "x": "other", "9": "other",
    "unknown": "unknown", "not known": "unknown", "not stated": "unknown", "u": "unknown",
    "0": "unknown",
}  # fmt: skip
# NHS Data Dictionary PERSON STATED GENDER CODE: 1 male, 2 female, 9 indeterminate, 0 not known.


def normalise_sex(raw: pd.Series) -> pd.Series:
    """male / female / persons / other / unknown; <NA> for blank or unrecognised."""
    return per_distinct(
        raw.astype("string"), lambda d: d.str.casefold().str.strip().map(_SEX)
    ).astype("string")


_AREA_LEVELS = {
    "E01": "lsoa", "W01": "lsoa", "E02": "msoa", "W02": "msoa", "E05": "ward", "W05": "ward",
    "E06": "local_authority", "E07": "local_authority", "E08": "local_authority",
    "E09": "local_authority", "W06": "local_authority", "E10": "county", "E12": "region",
    "E22": "csp", "W14": "csp", "E23": "pfa", "W15": "pfa", "E92": "country",
    "W92": "country",
}  # fmt: skip
# ONS GSS code prefixes (LA -> CSP -> PFA codes as in LAD19_CSP19_PFA19_EW_LU.csv).
AREA_LEVELS = tuple(dict.fromkeys(_AREA_LEVELS.values()))


def area_levels(codes: pd.Series) -> pd.Series:
    """ONS area code -> 'lsoa', 'ward', 'local_authority', ... ; <NA> if not a known code."""

    def level(distinct: pd.Series) -> pd.Series:
        upper = distinct.str.upper()
        well_formed = upper.str.fullmatch(r"[EW]\d{8}").fillna(False)
        return upper.str[:3].map(_AREA_LEVELS).where(well_formed)

    return per_distinct(codes.astype("string"), level).astype("string")


def check_area_codes(
    problems: Problems, codes: pd.Series, field_name: str, levels: Iterable[str] | None = None
) -> pd.Series:
    """Record codes that are not ONS codes (of one of `levels`); return each code's level."""
    level = area_levels(codes)
    allowed = tuple(levels) if levels else AREA_LEVELS
    problems.add(
        codes.notna() & ~level.isin(allowed).fillna(False),
        field_name,
        "unknown_area_code",
        f"{field_name} is not an ONS code of a "
        f"{' or '.join(a.replace('_', ' ') for a in allowed)} (such as E01014399).",
        codes,
    )
    return level


_DISTRICT = r"[A-Z]{1,2}\d[A-Z\d]?"
_FULL_POSTCODE = rf"{_DISTRICT}\s*\d[A-Z]{{2}}"


def check_postcode_districts(problems: Problems, raw: pd.Series, field_name: str) -> pd.Series:
    """Outward codes such as 'BH1' or 'SW1A', upper case without spaces.

    A full unit postcode is personal data: the row is rejected and its value not repeated.
    """
    upper = per_distinct(
        raw.astype("string"), lambda d: d.str.upper().str.replace(r"\s+", " ", regex=True)
    ).astype("string")
    full = per_distinct(upper, lambda d: d.str.fullmatch(_FULL_POSTCODE)).fillna(False)
    problems.add(
        full,
        field_name,
        "full_postcode",
        f"{field_name} holds a full postcode. Give only the outward code (such as BH1): "
        "a full postcode can identify a person.",
    )
    district = per_distinct(upper, lambda d: d.str.fullmatch(_DISTRICT)).fillna(False)
    bad = raw.notna() & ~full & ~district
    problems.add(
        bad,
        field_name,
        "bad_postcode_district",
        f"{field_name} is not an outward postcode (the part before the space, such as BH1).",
        raw,
    )
    return upper.where(~full & ~bad).astype("string")


def check_lsoa_codes(problems: Problems, raw: pd.Series, field_name: str) -> pd.Series:
    upper = per_distinct(raw.astype("string"), lambda d: d.str.upper()).astype("string")
    lsoa = per_distinct(upper, lambda d: d.str.fullmatch(r"[EW]01\d{6}")).fillna(False)
    bad = raw.notna() & ~lsoa
    problems.add(
        bad,
        field_name,
        "bad_lsoa_code",
        f"{field_name} is not an LSOA code (E01 or W01 and six digits, such as E01014399).",
        raw,
    )
    return upper.where(~bad).astype("string")


# --- finishing ---------------------------------------------------------------------------


def counts(values: pd.Series) -> dict[str, int]:
    return {str(k): int(v) for k, v in values.dropna().value_counts().sort_index().items()}


def sums(values: pd.Series, by: pd.Series) -> dict[str, float]:
    totals = values.groupby(by.astype("string"), dropna=True).sum().sort_index()
    return {str(k): (int(v) if float(v).is_integer() else float(v)) for k, v in totals.items()}


def fold_keyed(
    records: pd.DataFrame,
    key: Sequence[str],
    value: str,
    problems: Problems,
    what: str,
) -> pd.DataFrame:
    """Aggregates have one value per key: fold repeats, reject contradictions.

    A later row with the same key AND value is a duplicate (dropped). Rows whose key repeats
    with DIFFERENT values are all rejected: which one is right cannot be known. Records must
    already be valid.
    """
    if records.empty:
        return records
    group = records.groupby(list(key), dropna=False, sort=False).ngroup()
    values = records[value].astype("string").fillna("\x00")
    conflicting = group.map(values.groupby(group).nunique()) > 1
    rows = Problems(records["source_row"])
    rows.add(
        conflicting,
        value,
        "conflicting_values",
        f"Another row has the same {what} but a different value. Keep only the right row.",
        records[value],
    )
    problems.extend(rows.frame())
    return records[~conflicting & ~group.duplicated(keep="first")]


def finish(
    frame_rows: int,
    records: pd.DataFrame,
    problems: Problems,
    columns: Sequence[str],
    *,
    key: Sequence[str] | None = None,
    value: str | None = None,
    what: str = "",
    same_record: Sequence[str] | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, int]]:
    """Drop rejected rows and fold repeats: (loaded, errors, counts for the summary).

    `key`/`value`: an aggregate's key and value (see fold_keyed). `same_record`: columns that
    together identify a record (an identifier first): a valid row equal to an earlier one on
    all of them is a duplicate; a row with a blank identifier is never folded.
    Counts are of FILE rows (a wide row may load as several records): a row is rejected if
    it has any error, a duplicate if all its records repeat earlier ones.
    """
    valid = records[~records["source_row"].isin(problems.frame()["row"])]
    if same_record:
        repeat = valid.duplicated(subset=list(same_record), keep="first")
        valid = valid[~(repeat & valid[same_record[0]].notna())]
    if key is not None and value is not None:
        valid = fold_keyed(valid, key, value, problems, what)
    errors = problems.frame()
    valid = valid[~valid["source_row"].isin(errors["row"])]
    loaded = valid[list(columns)].reset_index(drop=True)
    rejected = int(errors["row"].nunique())
    loaded_rows = int(loaded["source_row"].nunique())
    return (
        loaded,
        errors,
        {
            "rows_read": frame_rows,
            "rows_rejected": rejected,
            "rows_loaded": loaded_rows,
            "duplicates": frame_rows - rejected - loaded_rows,
        },
    )


def label_key(label: object) -> str:
    """Labels compared ignoring case, spacing and dash style ('–' == '-')."""
    return " ".join(re.sub(r"[‐-―−]", "-", str(label)).split()).casefold()


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


def taxonomy_codes(taxonomy) -> dict[str, str]:
    """normalise_offence_code(spelling) -> the taxonomy's code, for codes and their aliases.

    Built here rather than with Taxonomy.resolve_code, which upper-cases the code it is
    given and so misses the one mixed-case code ("UK Finance")."""
    codes = {normalise_offence_code(c): c for c in taxonomy.offences.index}
    aliases = taxonomy.aliases
    return codes | {
        normalise_offence_code(a): c for a, c in zip(aliases["alias"], aliases["code"], strict=True)
    }
