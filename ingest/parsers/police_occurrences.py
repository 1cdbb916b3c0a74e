"""A force's depersonalised occurrence-level extract -> canonical records + validation.

Headings differ by force: mapping.py proposes which heading holds each canonical field,
the analyst confirms, and `parse(frame, mapping=...)` applies it. Without a mapping the
headings must be the canonical field names (the downloadable template). The fields, their
formats and these rules are written up for uploaders in
ingest/templates_data/police_occurrences_field_guide.md.

What counts as one occurrence (decided here, reported in every parse):
  - One row per occurrence_ref. A reference repeated in the file (an extract appended to,
    or re-run after an update) is one occurrence: the LAST valid row in file order is kept,
    on the reasoning that later rows carry the later state (classification, outcome). Each
    dropped row is listed in `duplicates` beside the row kept and both offence codes, and
    `summary.duplicates_other_offence` counts those whose code differed, which is the sign
    of a file written one row per offence rather than per occurrence.

A row is rejected (listed in `errors`, not loaded) for: a blank occurrence_ref, date or
offence code; a date that cannot be read or is before 1900 or after today; recorded before
committed; an offence code not in the taxonomy (aliases and "37/2" spellings resolve); an
age that is not a whole number from 0 to 120; a committed_time that is not a time; an
lsoa_code not shaped like one. A blank LSOA is loaded but cannot be placed in an area.

Values (all normalised over a column's DISTINCT values via pandas.factorize, then spread
back to the rows: a 1,000,000-row file has a few thousand distinct dates and a handful of
flag spellings, so the cost follows those and not the rows):
  - Dates: ISO yyyy-mm-dd, UK dd/mm/yyyy (or - or .), dd-Mon-yyyy, each with an optional
    time (as Excel and databases write them), and Excel serial day numbers. Day first,
    always: 05/04/2023 is 5 April. When no committed_time column is mapped and the
    committed dates carry times that are not all midnight, the time is taken from them.
  - Flags: Y/Yes/1/True/T or N/No/0/False/F in any case; anything else (blank included)
    is unknown, loaded as False and counted in `summary.flag_unknown`.
  - Ethnicity: the code exactly as given, never recoded or guessed. Its basis comes from
    the file's basis column where that says self- or officer-defined; otherwise from the
    code: Census codes (W1, A9, M3, NS...: the 16+1 and 18+1 lists) are self-defined,
    IC0-IC9 officer-defined, anything else has no basis.
"""

import datetime as dt
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ingest.taxonomy import load_taxonomy

from .columns import heading_key, select_columns
from .errors import ReadError

SOURCE_KEY = "police_occurrences"


def _split(text: str) -> tuple[str, ...]:
    """'a|b c|d' -> ('a', 'b c', 'd'): word lists kept short on the page."""
    return tuple(text.split("|"))


FLAGS = ("domestic_abuse", "knife", "firearm", "alcohol", "drugs", "hate")
# What a file supplies, in the template's column order.
FIELDS = (
    *_split("occurrence_ref|committed_date|committed_time|recorded_date|offence_code|"
            "offence_description|lsoa_code|ward_code|beat|location_type"),
    *FLAGS,
    *_split("victim_age|victim_sex|victim_ethnicity|victim_ethnicity_basis|suspect_age|"
            "suspect_sex|suspect_ethnicity|suspect_ethnicity_basis|outcome"),
)  # fmt: skip
REQUIRED_FIELDS = ("occurrence_ref", "committed_date", "recorded_date", "offence_code", "lsoa_code")
OPTIONAL_FIELDS = tuple(f for f in FIELDS if f not in REQUIRED_FIELDS)
DERIVED = _split(
    "public_place|category|offence_group|offence_subgroup|weapon_type|non_recent|financial_year"
)
CANONICAL_COLUMNS = ("source_row", *FIELDS, *DERIVED)
ERROR_COLUMNS = ("row", "field", "reason", "message", "value")
DUPLICATE_COLUMNS = ("row", "kept_row", "occurrence_ref", "offence_code", "kept_offence_code")

LOCATION_TYPES = _split("public_place|licensed_premises|commercial|education|dwelling|other")
PUBLIC_LOCATION_TYPES = frozenset({"public_place", "licensed_premises"})
SEXES = ("male", "female", "other", "unknown")
SELF_DEFINED, OFFICER_DEFINED = "self-defined", "officer-defined"
MAX_AGE = 120
NON_RECENT_DAYS = 365
EARLIEST_YEAR = 1900
MISSING_SHARE_FIELDS = _split(
    "victim_ethnicity|suspect_ethnicity|victim_age|suspect_age|victim_sex|suspect_sex|"
    "lsoa_code|location_type|committed_time"
)
WHAT = "a police occurrence extract"
# Why a row is rejected: reason -> message ({field} is the canonical field). Messages never
# hold the value (that is in the error's own `value` column, for the uploader's download).
ERROR_REASONS = {
    "missing_value": "{field} is blank.",
    "unparseable_date": "{field} is not a date from 1900 on (yyyy-mm-dd or dd/mm/yyyy, "
    "optionally with a time).",
    "future_date": "{field} is after today.",
    "recorded_before_committed": "{field} is before committed_date.",
    "unparseable_time": "{field} is not a time of day (HH:MM).",
    "unknown_offence_code": "{field} is not a Home Office offence code the platform knows.",
    "bad_lsoa_code": "{field} is not an LSOA code (E01 or W01 and six digits).",
    "unparseable_age": "{field} is not a number of years.",
    "impossible_age": f"{{field}} is an impossible age (not a whole number from 0 to {MAX_AGE}).",
}


def _spellings(text: str, meaning: object) -> dict[str, object]:
    """'a|b c' -> {'a': meaning, 'b c': meaning}: lower-case spellings, one meaning."""
    return dict.fromkeys(_split(text), meaning)


TRUE_VALUES = frozenset(_split("y|yes|1|true|t"))
FALSE_VALUES = frozenset(_split("n|no|0|false|f"))
SEX_VALUES = {
    **_spellings("m|male|man|boy", "male"),
    **_spellings("f|female|woman|girl", "female"),
    **_spellings("x|other|non-binary|nonbinary|indeterminate|i", "other"),
    **_spellings("u|unknown|not known|nk|not stated|ns|not recorded", "unknown"),
}
BASIS_VALUES = {
    **_spellings("sde|self|self defined|self-defined|selfdefined|16+1|18+1", SELF_DEFINED),
    **_spellings(
        "ode|officer|officer defined|officer-defined|officerdefined|ic|ic code|visual|"
        "observed|perceived",
        OFFICER_DEFINED,
    ),
}
_SELF_CODE = re.compile(r"^(?:[WMABO]\d|NS)$")  # Census 16+1 / 18+1 codes
_IC_CODE = re.compile(r"^IC\d$")
LSOA_PATTERN = r"^[EW]01\d{6}$"
# (location type, words any of which in the description means it); first match wins, so
# "public house" is licensed premises before "house" makes it a dwelling.
_LOCATION_WORDS = tuple(
    (kind, _split(words))
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
_MONTHS = {m: i for i, m in enumerate(_split("jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec"), 1)}
_TIME_PART = r"(?:[T ](?P<hour>\d{1,2}):(?P<minute>\d{2})(?::\d{2}(?:\.\d+)?)?)?"
_DATE_PATTERNS = (
    rf"^(?P<year>\d{{4}})-(?P<month>\d{{1,2}})-(?P<day>\d{{1,2}}){_TIME_PART}(?:Z|[+-]\d\d:?\d\d)?$",
    rf"^(?P<day>\d{{1,2}})[/.-](?P<month>\d{{1,2}})[/.-](?P<year>\d{{4}}){_TIME_PART}$",
    rf"^(?P<day>\d{{1,2}})[- ](?P<month>[A-Za-z]{{3}})[A-Za-z]*[- ](?P<year>\d{{4}}){_TIME_PART}$",
)
# (strftime layout, the shape that shows it): parsed by pandas in C, see parse_datetimes.
_FAST_LAYOUTS = (
    ("%Y-%m-%d", r"\d{4}-\d\d-\d\d"),
    ("%Y-%m-%d %H:%M:%S", r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d"),
    ("%Y-%m-%d %H:%M", r"\d{4}-\d\d-\d\d \d\d:\d\d"),
    ("%Y-%m-%dT%H:%M:%S", r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d"),
    ("%d/%m/%Y", r"\d\d/\d\d/\d{4}"),
    ("%d/%m/%Y %H:%M", r"\d\d/\d\d/\d{4} \d\d:\d\d"),
    ("%d/%m/%Y %H:%M:%S", r"\d\d/\d\d/\d{4} \d\d:\d\d:\d\d"),
)
_PROBE = 20
_EXCEL_SERIAL = r"^(?P<days>\d{5})(?P<fraction>\.\d+)?$"
_EXCEL_EPOCH = pd.Timestamp("1899-12-30")  # Excel's 1900 date system, leap-year bug included
_TIME = (
    r"^(?:\d{4}-\d\d-\d\d[T ]|\d{1,2}/\d{1,2}/\d{4} )?(?P<hour>\d{1,2}):?(?P<minute>\d{2})"
    r"(?::\d{2}(?:\.\d+)?)?$"
)


@dataclass(frozen=True)
class OccurrenceSummary:
    rows_read: int
    rows_rejected: int
    rows_loaded: int
    duplicates: int  # rows not loaded because a later row had the same occurrence_ref
    duplicate_refs: int  # distinct references that were repeated
    duplicates_other_offence: int  # of `duplicates`, those with another offence code
    non_recent: int  # loaded records recorded NON_RECENT_DAYS or more after committed
    period_start: dt.date | None  # earliest and latest committed_date loaded
    period_end: dt.date | None
    fields_supplied: tuple[str, ...] = ()  # canonical fields the file had a column for
    by_category: dict[str, int] = field(default_factory=dict)
    by_financial_year: dict[str, int] = field(default_factory=dict)
    missing_shares: dict[str, float] = field(default_factory=dict)  # blank or no column
    flag_unknown: dict[str, int] = field(default_factory=dict)  # blank/unreadable -> False
    unrecognised: dict[str, int] = field(default_factory=dict)  # values read as unknown
    ethnicity_basis: dict[str, int] = field(default_factory=dict)  # "victim self-defined": n


@dataclass
class OccurrenceParse:
    records: pd.DataFrame  # CANONICAL_COLUMNS, one row per occurrence
    errors: pd.DataFrame  # ERROR_COLUMNS, one row per problem (a row may have several)
    duplicates: pd.DataFrame  # DUPLICATE_COLUMNS, the repeated-reference rows not loaded
    summary: OccurrenceSummary


@dataclass(frozen=True)
class _Distinct:
    """A column as integer codes into its distinct stripped texts ('' for blank)."""

    codes: np.ndarray
    values: pd.Series  # object dtype, RangeIndex

    @classmethod
    def of(cls, raw: pd.Series) -> "_Distinct":
        codes, uniques = pd.factorize(raw)
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


class _Errors:
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


def select_fields(frame: pd.DataFrame, mapping: Mapping[str, str] | None = None) -> pd.DataFrame:
    """The file's columns renamed to canonical fields, in FIELDS order.

    `mapping` is canonical field -> the file's heading (headings match ignoring case and
    runs of spaces). Raises ReadError("missing_columns") for required fields with no column
    and for mapped headings the file does not have (a saved mapping that no longer fits)."""
    if mapping is None:
        selected = select_columns(frame, REQUIRED_FIELDS, OPTIONAL_FIELDS, WHAT)
        return selected[[f for f in FIELDS if f in selected.columns]]
    by_key = {heading_key(c): c for c in frame.columns}
    wanted = {f: h for f, h in mapping.items() if f in FIELDS and h}
    absent = {f: h for f, h in wanted.items() if heading_key(h) not in by_key}
    unmapped = [f for f in REQUIRED_FIELDS if f not in wanted]
    if absent or unmapped:
        problems = [f"no column is chosen for {', '.join(unmapped)}"] if unmapped else []
        problems += [
            f"the column {h!r} chosen for {f} is not in this file" for f, h in absent.items()
        ]
        raise ReadError(
            "missing_columns",
            f"The column mapping does not fit {WHAT}: {'; '.join(problems)}. Check the mapping "
            "and the file (its headings may have changed since the mapping was saved).",
            {"missing": unmapped + list(absent)},
        )
    fields = [f for f in FIELDS if f in wanted]
    return frame[[by_key[heading_key(wanted[f])] for f in fields]].set_axis(fields, axis=1)


def parse_datetimes(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Distinct texts -> (datetime64 or NaT, whether the text gave a time).

    The layouts most extracts use go through pandas' C parser, a layout at a time, once a
    probe of the values still unread shows it; whatever is left takes the general path."""
    parsed = pd.Series(pd.NaT, index=values.index, dtype="datetime64[us]")
    has_time = pd.Series(False, index=values.index)
    todo = values != ""
    for layout, shape in _FAST_LAYOUTS:
        rest = values[todo]
        if rest.empty:
            break
        if rest.head(_PROBE).str.fullmatch(shape).any():
            done = pd.to_datetime(rest, format=layout, errors="coerce").dropna()
            parsed[done.index], has_time[done.index] = done, "%H" in layout
            todo[done.index] = False
    rest = values[todo]
    if not rest.empty:
        general, general_time = _parse_general(rest)
        parsed[rest.index], has_time[rest.index] = general, general_time
    plausible = (parsed.dt.year >= EARLIEST_YEAR).fillna(False)
    return parsed.where(plausible), has_time & plausible


def _parse_general(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Every accepted layout, by regular expression: slower, for the unusual."""
    parts = pd.DataFrame(
        index=values.index, columns=["year", "month", "day", "hour", "minute"], dtype=float
    )
    for pattern in _DATE_PATTERNS:
        todo = parts["year"].isna()
        found = values[todo].str.extract(pattern).dropna(subset=["year"])
        if not found.empty:
            names = found["month"].str.lower().map(_MONTHS).astype(float)
            found = found[parts.columns].apply(pd.to_numeric, errors="coerce")
            parts.loc[found.index] = found.assign(month=found["month"].fillna(names))
    time = parts[["hour", "minute"]].fillna(0)
    parsed = pd.to_datetime(parts[["year", "month", "day"]].join(time), errors="coerce")
    parsed = parsed.where(time["hour"] < 24).astype("datetime64[us]")
    has_time = parts["hour"].notna() & parsed.notna()
    serial = values.str.extract(_EXCEL_SERIAL).dropna(subset=["days"])
    if not serial.empty:
        days = serial["days"].astype(float) + pd.to_numeric(serial["fraction"]).fillna(0)
        parsed[serial.index] = (_EXCEL_EPOCH + pd.to_timedelta(days, unit="D")).dt.round("min")
        has_time[serial.index] = serial["fraction"].notna()
    return parsed, has_time


def _hhmm(stamps: pd.Series) -> pd.Series:
    return stamps.dt.strftime("%H:%M").astype("string")


def parse_times(values: pd.Series) -> pd.Series:
    """Distinct texts -> 'HH:MM' strings, NA where not a time (blank included)."""
    found = values.str.extract(_TIME).apply(pd.to_numeric)
    ok = (found["hour"] < 24) & (found["minute"] < 60)
    times = found["hour"].map("{:02.0f}".format) + ":" + found["minute"].map("{:02.0f}".format)
    times = times.where(ok).astype("string")
    fraction = pd.to_numeric(values.where(values.str.fullmatch(r"0?\.\d+|0")), errors="coerce")
    from_fraction = _hhmm(pd.Timestamp(0) + pd.to_timedelta(fraction, unit="D").dt.round("min"))
    return times.fillna(from_fraction.where(fraction < 1))


def _parse_ages(values: pd.Series) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Distinct texts -> (age as Int64, not a number, impossible)."""
    number = pd.to_numeric(values.where(values != ""), errors="coerce")
    not_number = (values != "") & number.isna()
    impossible = number.notna() & ((number % 1 != 0) | (number < 0) | (number > MAX_AGE))
    return number.where(~impossible).astype("Int64"), not_number, impossible


def _lookup(values: pd.Series, table: Mapping[str, object]) -> pd.Series:
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


class _Reader:
    """Normalises the columns of one selected frame, collecting errors and counts."""

    def __init__(self, frame: pd.DataFrame, today: dt.date):
        self.frame, self.index, self.today = frame, frame.index, pd.Timestamp(today)
        self.errors = _Errors(frame.index)
        self.unrecognised: dict[str, int] = {}
        self.flag_unknown: dict[str, int] = {}
        self._distinct: dict[str, _Distinct] = {}
        self._text: dict[str, pd.Series] = {}

    def distinct(self, name: str) -> _Distinct:
        if name not in self._distinct:
            raw = self.frame[name] if name in self.frame else pd.Series("", index=self.index)
            self._distinct[name] = _Distinct.of(raw)
        return self._distinct[name]

    def raw(self, name: str) -> pd.Series:
        if name not in self._text:
            self._text[name] = self.distinct(name).text(self.index)
        return self._text[name]

    def per_value(self, name: str, convert: Callable[[pd.Series], pd.Series]) -> pd.Series:
        column = self.distinct(name)
        return column.spread(convert(column.values), self.index)

    def count_unrecognised(self, name: str, result: pd.Series) -> None:
        if name in self.frame:
            self.unrecognised[name] = int((result.isna() & self.raw(name).notna()).sum())

    def required_text(self, name: str) -> pd.Series:
        text = self.raw(name)
        self.errors.add(text.isna(), name, "missing_value", text)
        return text

    def date(self, name: str) -> tuple[pd.Series, pd.Series]:
        column = self.distinct(name)
        parsed, has_time = parse_datetimes(column.values)
        stamps = column.spread(parsed, self.index)
        text = self.raw(name)
        bad, future = stamps.isna() & text.notna(), stamps.dt.normalize() > self.today
        self.errors.add(text.isna(), name, "missing_value", text)
        self.errors.add(bad, name, "unparseable_date", text)
        self.errors.add(future, name, "future_date", text)
        return stamps.mask(future), column.spread(has_time.to_numpy(), self.index)

    def committed_time(self, committed: pd.Series, has_time: pd.Series) -> pd.Series:
        if "committed_time" in self.frame:
            times = self.per_value("committed_time", parse_times)
            text = self.raw("committed_time")
            bad = times.isna() & text.notna()
            self.errors.add(bad, "committed_time", "unparseable_time", text)
            return times
        stamped = committed.where(has_time.astype(bool))
        if (stamped.notna() & (stamped.dt.normalize() != stamped)).any():
            return _hhmm(stamped)  # times in the date column, not all midnight: real ones
        return pd.Series(pd.NA, index=self.index, dtype="string")

    def offence(self) -> pd.DataFrame:
        taxonomy = load_taxonomy()
        column = self.distinct("offence_code")
        codes = column.values.map(lambda c: taxonomy.resolve_code(c) if c else None)
        columns = ["offence_group", "offence_subgroup", "category", "weapon_type"]
        known = taxonomy.offences[columns].replace("", pd.NA)
        per_code = known.reindex(codes.fillna("").to_numpy()).astype("string")
        per_code["offence_code"] = pd.array(codes.to_numpy(), dtype="string")
        offence = pd.DataFrame({c: column.spread(per_code[c], self.index) for c in per_code})
        text = self.required_text("offence_code")
        unknown = offence["offence_code"].isna() & text.notna()
        self.errors.add(unknown, "offence_code", "unknown_offence_code", text)
        return offence

    def lsoa(self) -> pd.Series:
        column = self.distinct("lsoa_code")
        upper = column.values.str.upper()
        bad = (upper != "") & ~upper.str.match(LSOA_PATTERN)
        codes = column.spread(upper.mask(upper == "").astype("string"), self.index)
        self.errors.add(
            column.spread(bad.to_numpy(), self.index), "lsoa_code", "bad_lsoa_code", codes
        )
        return codes

    def age(self, name: str) -> pd.Series:
        column = self.distinct(name)
        age, not_number, impossible = _parse_ages(column.values)
        text = self.raw(name)
        self.errors.add(
            column.spread(not_number.to_numpy(), self.index), name, "unparseable_age", text
        )
        self.errors.add(
            column.spread(impossible.to_numpy(), self.index), name, "impossible_age", text
        )
        return column.spread(age, self.index)

    def flag(self, name: str) -> pd.Series:
        table = {**dict.fromkeys(TRUE_VALUES, True), **dict.fromkeys(FALSE_VALUES, False)}
        values = self.per_value(name, lambda v: _lookup(v, table).astype("boolean"))
        self.flag_unknown[name] = int(values.isna().sum())
        self.count_unrecognised(name, values)
        return values.fillna(False).astype(bool)

    def vocabulary(self, name: str, convert: Callable[[pd.Series], pd.Series]) -> pd.Series:
        values = self.per_value(name, lambda v: convert(v).astype("string"))
        self.count_unrecognised(name, values)
        return values

    def basis(self, person: str) -> tuple[pd.Series, pd.Series]:
        code, given = f"{person}_ethnicity", f"{person}_ethnicity_basis"
        ethnicity = self.raw(code)
        detected = self.per_value(code, lambda v: v.map(ethnicity_basis_of)).astype("string")
        stated = self.vocabulary(given, lambda v: _lookup(v, BASIS_VALUES))
        return ethnicity, stated.fillna(detected).where(ethnicity.notna())


def _financial_year(dates: pd.Series) -> pd.Series:
    start = (dates.dt.year - (dates.dt.month < 4).astype(int)).astype("Int64")
    codes, years = pd.factorize(start)
    labels = pd.array([f"{y}/{(y + 1) % 100:02d}" for y in years] + [pd.NA], dtype="string")
    return pd.Series(labels.take(np.where(codes < 0, len(years), codes)), index=dates.index)


def _canonical(frame: pd.DataFrame, today: dt.date) -> tuple[pd.DataFrame, _Reader]:
    read = _Reader(frame, today)
    committed, has_time = read.date("committed_date")
    recorded, _ = read.date("recorded_date")
    before = (recorded.dt.normalize() < committed.dt.normalize()).fillna(False)
    read.errors.add(before, "recorded_date", "recorded_before_committed", read.raw("recorded_date"))
    location = read.vocabulary("location_type", lambda v: v.map(location_type_of))
    ages = {f"{p}_age": read.age(f"{p}_age") for p in ("victim", "suspect")}
    records = pd.DataFrame(
        {
            "source_row": frame.index.to_numpy(),
            "occurrence_ref": read.required_text("occurrence_ref"),
            "committed_date": committed.dt.normalize(),
            "committed_time": read.committed_time(committed, has_time),
            "recorded_date": recorded.dt.normalize(),
            **read.offence(),
            "offence_description": read.raw("offence_description"),
            "lsoa_code": read.lsoa(),
            "ward_code": read.raw("ward_code"),
            "beat": read.raw("beat"),
            "location_type": location,
            "public_place": location.isin(PUBLIC_LOCATION_TYPES).fillna(False).astype(bool),
            **{name: read.flag(name) for name in FLAGS},
            **ages,
            "outcome": read.per_value("outcome", lambda v: v.map(outcome_of)).astype("string"),
        },
        index=frame.index,
    )
    for person in ("victim", "suspect"):
        records[f"{person}_sex"] = read.vocabulary(
            f"{person}_sex", lambda v: _lookup(v, SEX_VALUES)
        )
        ethnicity, basis = read.basis(person)
        records[f"{person}_ethnicity"], records[f"{person}_ethnicity_basis"] = ethnicity, basis
    delay = (records["recorded_date"] - records["committed_date"]).dt.days
    records["non_recent"] = (delay >= NON_RECENT_DAYS).fillna(False).astype(bool)
    records["financial_year"] = _financial_year(records["committed_date"])
    return records[list(CANONICAL_COLUMNS)], read


def _fold_duplicates(
    records: pd.DataFrame, ref_codes: np.ndarray
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Keep the last row of each occurrence_ref (in file order); `ref_codes` are the
    references' factorize codes, integers being far quicker to compare than text."""
    dropped = pd.Series(ref_codes, index=records.index).duplicated(keep="last")
    folded = records.loc[dropped, ["source_row", "occurrence_ref", "offence_code"]]
    folded = _point_to_kept(folded.rename(columns={"source_row": "row"}), records[~dropped])
    return records[~dropped], folded


def _point_to_kept(folded: pd.DataFrame, kept: pd.DataFrame) -> pd.DataFrame:
    """The folded rows, each beside the row kept for its reference."""
    kept = kept.set_index("occurrence_ref")
    refs = folded["occurrence_ref"].to_numpy()
    return folded.assign(
        kept_row=kept["source_row"].reindex(refs).to_numpy(),
        kept_offence_code=kept["offence_code"].reindex(refs).to_numpy(),
    )[list(DUPLICATE_COLUMNS)].reset_index(drop=True)


def _counts(values: pd.Series) -> dict[str, int]:
    return {str(k): int(v) for k, v in values.value_counts().sort_index().items()}


@dataclass(frozen=True)
class _Tally:
    """What the summary counts over every row read, rejected rows included."""

    rows_read: int
    rows_rejected: int
    fields: tuple[str, ...]
    flag_unknown: dict[str, int]
    unrecognised: dict[str, int]


def _summary(loaded: pd.DataFrame, folded: pd.DataFrame, tally: _Tally) -> OccurrenceSummary:
    n = len(loaded)
    missing = {
        f: round(float(loaded[f].isna().mean()), 4) if n and f in tally.fields else 1.0
        for f in MISSING_SHARE_FIELDS
    }
    basis = {
        f"{p} {b}": int((loaded[f"{p}_ethnicity_basis"] == b).sum())
        for p in ("victim", "suspect")
        for b in (SELF_DEFINED, OFFICER_DEFINED)
    }
    committed = loaded["committed_date"]
    return OccurrenceSummary(
        rows_read=tally.rows_read,
        rows_rejected=tally.rows_rejected,
        rows_loaded=n,
        duplicates=len(folded),
        duplicate_refs=int(folded["occurrence_ref"].nunique()),
        duplicates_other_offence=int((folded["offence_code"] != folded["kept_offence_code"]).sum()),
        non_recent=int(loaded["non_recent"].sum()),
        period_start=committed.min().date() if n else None,
        period_end=committed.max().date() if n else None,
        fields_supplied=tally.fields,
        by_category=_counts(loaded["category"]),
        by_financial_year=_counts(loaded["financial_year"]),
        missing_shares=missing,
        flag_unknown=tally.flag_unknown,
        unrecognised={k: v for k, v in tally.unrecognised.items() if v},
        ethnicity_basis=basis,
    )


def parse(
    frame: pd.DataFrame,
    *,
    mapping: Mapping[str, str] | None = None,
    today: dt.date | None = None,
) -> OccurrenceParse:
    """Parse one extract read by reading.py (strings, indexed by data row number).

    `mapping`: canonical field -> the file's heading (see mapping.py); None when the
    headings are already the canonical names. `today` bounds dates (default: today)."""
    frame = select_fields(frame, mapping)
    records, read = _canonical(frame, today or dt.date.today())
    errors = read.errors.frame()
    is_valid = ~records["source_row"].isin(errors["row"]).to_numpy()
    valid = records[is_valid]
    loaded, folded = _fold_duplicates(valid, read.distinct("occurrence_ref").codes[is_valid])
    tally = _Tally(
        rows_read=len(frame),
        rows_rejected=len(records) - len(valid),
        fields=tuple(frame.columns),
        flag_unknown={f: read.flag_unknown[f] for f in FLAGS if f in frame},
        unrecognised=read.unrecognised,
    )
    return OccurrenceParse(
        loaded.reset_index(drop=True),
        errors[list(ERROR_COLUMNS)],
        folded,
        _summary(loaded, folded, tally),
    )


def combine(parts: Sequence[OccurrenceParse]) -> OccurrenceParse:
    """One result for a file parsed chunk by chunk (reading.open_table streams a large file
    in chunks, numbering rows across them): the duplicate rule is applied again across
    the chunks, so the result equals parsing the whole file at once."""
    records = pd.concat([p.records for p in parts], ignore_index=True)
    loaded, folded = _fold_duplicates(records, pd.factorize(records["occurrence_ref"])[0])
    earlier = pd.concat([p.duplicates[["row", "occurrence_ref", "offence_code"]] for p in parts])
    folded = _point_to_kept(pd.concat([earlier, folded[earlier.columns]]), loaded)
    summaries = [p.summary for p in parts]
    tally = _Tally(
        rows_read=sum(s.rows_read for s in summaries),
        rows_rejected=sum(s.rows_rejected for s in summaries),
        fields=summaries[0].fields_supplied,
        flag_unknown=_added(s.flag_unknown for s in summaries),
        unrecognised=_added(s.unrecognised for s in summaries),
    )
    errors = pd.concat([p.errors for p in parts], ignore_index=True)
    folded = folded.sort_values("row", ignore_index=True)
    return OccurrenceParse(
        loaded.reset_index(drop=True), errors, folded, _summary(loaded, folded, tally)
    )


def _added(counts: Iterable[dict[str, int]]) -> dict[str, int]:
    total: dict[str, int] = {}
    for count in counts:
        for key, value in count.items():
            total[key] = total.get(key, 0) + value
    return total
