"""Any aggregate measure by period and area, from any organisation -> canonical records.

Fire service deliberate fires, MARAC cases, school exclusions, probation caseload,
resident-survey perception by ward...: columns "Period", "Area code", "Measure", "Value",
"Unit"; optional "Definition", "Source", "Area name", and the measure's name and definition in
Welsh ("Measure (Welsh)" or "Mesur", "Definition (Welsh)" or "Diffiniad") for pages read in
Welsh.

Period forms (period_start and period_end are the first and last day covered):
  financial year   2023/24, 2023-24, FY2023/24       -> 2023-04-01 .. 2024-03-31
  financial qtr    2023/24 Q1, Q1 2023/24            -> 2023-04-01 .. 2023-06-30
  calendar qtr     2023 Q1, Q1 2023, 2023-Q1         -> 2023-01-01 .. 2023-03-31
  month            2023-04, 04/2023, Apr 2023, April 2023
  calendar year    2023
  day              2023-04-01, 01/04/2023 or an Excel date
"2010-11" is read as the financial year 2010/11, not November 2010: a dash between a year
and the next year's last two digits is a financial year.

area_level comes from the ONS code prefix: E01/W01 lsoa, E05/W05 ward, E06/E07/E08/E09/W06
local_authority (also msoa, county, csp, pfa, region and country). Suppressed values ("*",
"c", "x", "..", "<5", "[c]") load with value <NA> and suppressed = True. A value written with
"%" and no unit takes the unit "%".

Rows are rejected for an unparseable or future period, a code that is not an ONS area
code, a blank measure or unit, or a value that is not a number. Repeated (period, area,
measure) rows fold when the values agree and are all rejected when they do not.
"""

import calendar
import datetime as dt
import re
from dataclasses import dataclass, field

import pandas as pd

from .common import (
    ERROR_COLUMNS,
    ParseResult,
    Problems,
    Summary,
    bounds,
    check_area_codes,
    column_text,
    counts,
    find_column,
    finish,
    label_key,
    missing_columns_error,
    parse_datetimes,
    parse_numbers,
    require_value,
)

SOURCE_KEY = "indicator"
PERIOD, AREA, MEASURE, VALUE, UNIT = "Period", "Area code", "Measure", "Value", "Unit"
DEFINITION, SOURCE, AREA_NAME = "Definition", "Source", "Area name"
MEASURE_CY, DEFINITION_CY = "Measure (Welsh)", "Definition (Welsh)"
# Other headings a bilingual supplier may give the Welsh columns.
ALIASES = {MEASURE_CY: ("Measure cy", "Mesur"), DEFINITION_CY: ("Definition cy", "Diffiniad")}
REQUIRED_COLUMNS = (PERIOD, AREA, MEASURE, VALUE, UNIT)
OPTIONAL_COLUMNS = (DEFINITION, SOURCE, AREA_NAME, MEASURE_CY, DEFINITION_CY)
CANONICAL_COLUMNS = (
    "source_row",
    "period_start",
    "period_end",
    "area_code",
    "area_level",
    "area_name",
    "measure",
    "value",
    "suppressed",
    "unit",
    "definition",
    "source",
    "measure_cy",
    "definition_cy",
)
SUPPRESSED = {"*", "c", "x", "..", "-", "[c]", "[x]", "[z]", "suppressed", "n/a", "na"}
__all__ = ["ERROR_COLUMNS", "IndicatorSummary", "parse", "period_bounds"]

_MONTHS = {m.casefold(): i for i, m in enumerate(calendar.month_name) if m} | {
    m.casefold(): i for i, m in enumerate(calendar.month_abbr) if m
} | {"sept": 9}  # fmt: skip
_Y = r"(\d{4})"
_FY = rf"{_Y} ?(?:/|-|to) ?(\d{{2}}|\d{{4}})"
_PATTERNS = (
    ("fy_quarter", re.compile(rf"^(?:fy ?)?{_FY} ?q([1-4])$")),
    ("quarter_fy", re.compile(rf"^q([1-4]) ?(?:fy ?)?{_FY}$")),
    ("fy", re.compile(rf"^(?:fy ?)?{_FY}$")),
    ("quarter", re.compile(rf"^{_Y} ?-? ?q([1-4])$")),
    ("q_year", re.compile(rf"^q([1-4]) ?-? ?{_Y}$")),
    ("month", re.compile(rf"^{_Y}-(\d{{1,2}})$")),
    ("month_slash", re.compile(rf"^(\d{{1,2}})/{_Y}$")),
    ("month_name", re.compile(rf"^([a-z]{{3,9}})\.? {_Y}$")),
    ("year", re.compile(rf"^{_Y}$")),
)


@dataclass(frozen=True)
class IndicatorSummary(Summary):
    # by_category: rows per measure
    by_area_level: dict[str, int] = field(default_factory=dict)
    suppressed: int = 0
    measures: tuple[str, ...] = ()


@dataclass
class IndicatorParse(ParseResult):
    summary: IndicatorSummary


def _month(year: int, month: int) -> tuple[dt.date, dt.date] | None:
    if not 1 <= month <= 12:
        return None
    return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])


def _span(first: tuple[dt.date, dt.date] | None, months: int):
    if first is None:
        return None
    start = first[0]
    last_month = (start.month - 1 + months - 1) % 12 + 1
    last_year = start.year + (start.month - 1 + months - 1) // 12
    return start, _month(last_year, last_month)[1]


def _financial(first: str, second: str, quarter: int | None):
    start_year, end = int(first), int(second)
    if end not in (start_year + 1, (start_year + 1) % 100):
        return None
    if quarter is None:
        return _span(_month(start_year, 4), 12)
    month = 4 + 3 * (quarter - 1)
    return _span(_month(start_year + (month > 12), (month - 1) % 12 + 1), 3)


def _period(value: str) -> tuple[dt.date, dt.date] | None:
    key = label_key(value)
    for kind, pattern in _PATTERNS:
        match = pattern.match(key)
        if not match:
            continue
        g = match.groups()
        if kind == "fy_quarter":
            return _financial(g[0], g[1], int(g[2]))
        if kind == "quarter_fy":
            return _financial(g[1], g[2], int(g[0]))
        if kind == "fy":
            # "2023-04" is a month, "2023-24" a financial year: try the year reading first.
            found = _financial(g[0], g[1], None)
            if found or "/" in key:
                return found
            continue
        if kind in ("quarter", "q_year"):
            year, quarter = (g[0], g[1]) if kind == "quarter" else (g[1], g[0])
            return _span(_month(int(year), 3 * int(quarter) - 2), 3)
        if kind == "month":
            return _month(int(g[0]), int(g[1]))
        if kind == "month_slash":
            return _month(int(g[1]), int(g[0]))
        if kind == "month_name":
            return _month(int(g[1]), _MONTHS[g[0]]) if g[0] in _MONTHS else None
        return _span(_month(int(g[0]), 1), 12)
    return None


def period_bounds(raw: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Period labels -> (period_start, period_end) as datetime64; NaT where unreadable."""
    day = parse_datetimes(raw).dt.normalize()
    spans = {v: _period(v) for v in raw[day.isna()].dropna().unique()}
    start = raw.map({v: s[0] for v, s in spans.items() if s})
    end = raw.map({v: s[1] for v, s in spans.items() if s})
    as_time = lambda s: pd.to_datetime(s, errors="coerce").astype("datetime64[s]")  # noqa: E731
    return day.fillna(as_time(start)), day.fillna(as_time(end))


def _values(problems: Problems, raw: pd.Series):
    key = raw.str.casefold()
    suppressed = (key.isin(SUPPRESSED) | key.str.fullmatch(r"<\s*\d+")).fillna(False)
    percent = raw.str.endswith("%").fillna(False)
    value = parse_numbers(raw.str.rstrip("%"))
    problems.add(
        ~suppressed & value.isna(),
        VALUE,
        "bad_value",
        "Value is not a number (or a suppression mark such as * or <5).",
        raw,
    )
    return value.mask(suppressed), suppressed.astype("boolean"), percent


def _canonical(frame: pd.DataFrame, today: dt.date, source: str | None):
    names = (*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS)
    raw = {name: column_text(frame, find_column(frame, name, *ALIASES.get(name, ())))
           for name in names}
    problems = Problems(frame.index.to_series())
    start, end = period_bounds(raw[PERIOD])
    problems.add(
        start.isna(),
        PERIOD,
        "unparseable_period",
        "Period is not a financial year (2023/24), quarter (2023/24 Q1 or 2023 Q1), month "
        "(2023-04 or Apr 2023), year (2023) or date.",
        raw[PERIOD],
    )
    problems.add(
        start > pd.Timestamp(today), PERIOD, "future_period",
        "Period starts in the future. Correct it.", raw[PERIOD],
    )  # fmt: skip
    area = raw[AREA].str.upper()
    require_value(problems, area, AREA, AREA)
    level = check_area_codes(problems, area, AREA)
    measure = raw[MEASURE].str.replace(r"\s+", " ", regex=True)
    require_value(problems, measure, MEASURE, MEASURE)
    value, suppressed, percent = _values(problems, raw[VALUE])
    unit = raw[UNIT].fillna(pd.Series("%", index=frame.index).where(percent))
    require_value(problems, unit, UNIT, "Unit (such as count, rate per 1,000 or %)")
    records = pd.DataFrame(
        {
            "source_row": frame.index.to_numpy(),
            "period_start": start,
            "period_end": end,
            "area_code": area,
            "area_level": level,
            "area_name": raw[AREA_NAME],
            "measure": measure,
            "value": value,
            "suppressed": suppressed,
            "unit": unit.astype("string"),
            "definition": raw[DEFINITION],
            "source": raw[SOURCE].fillna(source) if source else raw[SOURCE],
            "measure_cy": raw[MEASURE_CY].str.replace(r"\s+", " ", regex=True),
            "definition_cy": raw[DEFINITION_CY],
        },
        index=frame.index,
    )
    return records, problems


def parse(
    frame: pd.DataFrame, *, today: dt.date | None = None, source: str | None = None
) -> IndicatorParse:
    """Parse indicator data read by reading.py (strings, indexed by data row number).

    `source` fills blank (or absent) Source cells, e.g. "Dorset & Wiltshire Fire and Rescue".
    """
    missing = [name for name in REQUIRED_COLUMNS if find_column(frame, name) is None]
    if missing:
        raise missing_columns_error("indicator data (a measure by period and area)", missing)
    records, problems = _canonical(frame, today or dt.date.today(), source)
    loaded, errors, row_counts = finish(
        len(frame), records, problems, CANONICAL_COLUMNS,
        key=["period_start", "period_end", "area_code", "measure"], value="value",
        what="period, area and measure",
    )  # fmt: skip
    period_start, period_end = bounds(loaded["period_start"], loaded["period_end"])
    summary = IndicatorSummary(
        **row_counts,
        by_category=counts(loaded["measure"]),
        period_start=period_start,
        period_end=period_end,
        by_area_level=counts(loaded["area_level"]),
        suppressed=int(loaded["suppressed"].sum()),
        measures=tuple(sorted(loaded["measure"].unique())),
    )
    return IndicatorParse(loaded, errors, summary)
