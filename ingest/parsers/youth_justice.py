"""Youth justice data -> canonical records + validation, in one of two layouts.

The layout is decided by the columns:

  cohort     one row per child's offence: "Child reference" (pseudonymised), "Age" (10-17),
             "Offence date"; optional "First time entrant", "Outcome" (e.g. "Outcome 22"),
             "Knife possession", "Local authority code". Flags are Y/N.
  aggregate  one row per measure: "Financial year", "Local authority code", "Measure",
             "Value". Measures are normalised: first_time_entrants, reoffending_rate,
             outcome22_diversions, knife_possession; any other name is kept in snake case
             and listed in the summary.

Cohort rows are rejected for an age outside 10-17 (the youth justice system's ages), an
unparseable or future offence date, an unknown outcome number or an unreadable flag.
A cohort row identical on every field to an earlier one (same child, offence date, outcome
and flags) is a duplicate. Aggregate rows are rejected for an unparseable or future year, a
code that is not a local authority (or county / CSP, for services covering several
authorities), or a value that is not a number, negative, or a rate over 100. Repeated
(year, area, measure) rows fold when the values agree and are all rejected when they do not.
"""

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
    check_dates,
    check_future_years,
    column_text,
    counts,
    financial_year_bounds,
    financial_year_of,
    find_column,
    finish,
    label_key,
    missing_columns_error,
    parse_financial_years,
    parse_numbers,
    require_value,
)

SOURCE_KEY = "youth_justice"
CHILD, AGE, OFFENCE_DATE = "Child reference", "Age", "Offence date"
FTE, OUTCOME, KNIFE = "First time entrant", "Outcome", "Knife possession"
YEAR, AREA, MEASURE, VALUE = "Financial year", "Local authority code", "Measure", "Value"
COHORT_REQUIRED = (CHILD, AGE, OFFENCE_DATE)
COHORT_OPTIONAL = (FTE, OUTCOME, KNIFE, AREA)
AGGREGATE_REQUIRED = (YEAR, AREA, MEASURE, VALUE)
REQUIRED_COLUMNS: tuple[str, ...] = ()  # depends on the layout, checked by parse()
OPTIONAL_COLUMNS = tuple(dict.fromkeys((*COHORT_REQUIRED, *COHORT_OPTIONAL, *AGGREGATE_REQUIRED)))
COHORT_COLUMNS = (
    "source_row",
    "child_reference",
    "age",
    "first_time_entrant",
    "offence_date",
    "outcome",
    "outcome_code",
    "knife_possession",
    "local_authority_code",
    "financial_year",
)
AGGREGATE_COLUMNS = (
    "source_row",
    "financial_year",
    "local_authority_code",
    "area_level",
    "measure",
    "measure_label",
    "value",
)
MEASURES = {
    "first_time_entrants": (
        "first time entrants", "first-time entrants", "fte", "ftes", "first time entrants (fte)",
        "first time entrants to the youth justice system",
    ),
    "reoffending_rate": (
        "reoffending rate", "re-offending rate", "reoffending", "proven reoffending rate",
        "reoffending rate (%)", "re-offending",
    ),
    "outcome22_diversions": (
        "outcome 22", "outcome22", "oc22", "outcome 22 diversions", "outcome 22 diversion",
        "outcome 22 (diversion)",
    ),
    "knife_possession": (
        "knife possession", "knife possession offences", "knife or offensive weapon possession",
        "possession of a knife or offensive weapon",
    ),
}  # fmt: skip
_MEASURE_BY_LABEL = {label_key(m): m for m in MEASURES} | {
    label_key(alias): measure for measure, aliases in MEASURES.items() for alias in aliases
}
_OUTCOME = re.compile(r"^(?:(?:outcome|oc) ?(?:type )?)?(\d{1,2})\b")
RATES = ("reoffending_rate",)
__all__ = ["ERROR_COLUMNS", "YouthJusticeParse", "YouthJusticeSummary", "parse"]

_TRUE = {"y", "yes", "true", "t", "1", "x", "flagged"}
_FALSE = {"n", "no", "false", "f", "0", "not flagged"}


def parse_flags(problems: Problems, raw: pd.Series, field_name: str) -> pd.Series:
    """Y/N, yes/no, true/false, 1/0 -> boolean; blank -> <NA>; anything else is an error."""
    key = raw.str.casefold()
    flags = pd.Series(pd.NA, index=raw.index, dtype="boolean")
    flags[key.isin(_TRUE).fillna(False)] = True
    flags[key.isin(_FALSE).fillna(False)] = False
    problems.add(
        raw.notna() & flags.isna(),
        field_name,
        "bad_flag",
        f"{field_name} must be Y or N (yes/no, true/false or 1/0 also work), or blank.",
        raw,
    )
    return flags


@dataclass(frozen=True)
class YouthJusticeSummary(Summary):
    # by_category: cohort -> first_time_entrants (distinct children), outcome22_diversions
    # and knife_possession (rows); aggregate -> rows per measure.
    layout: str = ""
    children: int = 0  # cohort: distinct child references loaded
    first_time_entrants_by_year: dict[str, int] = field(default_factory=dict)
    other_measures: tuple[str, ...] = ()  # aggregate: measures not in MEASURES


@dataclass
class YouthJusticeParse(ParseResult):
    summary: YouthJusticeSummary
    layout: str  # "cohort" or "aggregate"


def _columns(frame: pd.DataFrame, names) -> dict[str, str | None]:
    return {name: find_column(frame, name) for name in names}


def _layout(frame: pd.DataFrame) -> str:
    if find_column(frame, CHILD):
        missing = [n for n in COHORT_REQUIRED if find_column(frame, n) is None]
        layout = "cohort"
    else:
        missing = [n for n in AGGREGATE_REQUIRED if find_column(frame, n) is None]
        layout = "aggregate"
    if missing:
        raise missing_columns_error(
            f"youth justice {'cohort records' if layout == 'cohort' else 'aggregates'}",
            missing,
            "Youth justice data is either one row per child (Child reference, Age, Offence "
            "date) or one row per measure (Financial year, Local authority code, Measure, "
            "Value).",
        )
    return layout


def _outcomes(problems: Problems, raw: pd.Series) -> pd.Series:
    number = pd.to_numeric(raw.str.casefold().str.extract(_OUTCOME)[0], errors="coerce")
    bad = (number < 1) | (number > 22)
    problems.add(
        bad,
        OUTCOME,
        "unknown_outcome",
        "Outcome number must be a Home Office outcome type, 1 to 22.",
        raw,
    )
    return number.where(~bad.fillna(False)).astype("Int64")


def _cohort(frame: pd.DataFrame, today: dt.date):
    raw = {n: column_text(frame, c) for n, c in _columns(frame, OPTIONAL_COLUMNS).items()}
    problems = Problems(frame.index.to_series())
    require_value(problems, raw[CHILD], CHILD, CHILD)
    age = parse_numbers(raw[AGE])
    require_value(problems, raw[AGE], AGE, AGE)
    problems.add(
        raw[AGE].notna() & (age.isna() | (age.round() != age)),
        AGE, "unparseable_age",
        "Age is not a whole number of years: give it as a number such as 15.", raw[AGE],
    )  # fmt: skip
    problems.add(
        (age < 10) | (age > 17),
        AGE,
        "age_out_of_range",
        "Age must be 10 to 17: the ages dealt with by the youth justice system.",
        raw[AGE],
    )
    offence = check_dates(problems, raw[OFFENCE_DATE], OFFENCE_DATE, today).dt.normalize()
    area = raw[AREA].str.upper()
    check_area_codes(problems, area, AREA, ("local_authority", "county", "csp"))
    records = pd.DataFrame(
        {
            "source_row": frame.index.to_numpy(),
            "child_reference": raw[CHILD],
            "age": age.where(age.round() == age).astype("Int64"),
            "first_time_entrant": parse_flags(problems, raw[FTE], FTE),
            "offence_date": offence,
            "outcome": raw[OUTCOME],
            "outcome_code": _outcomes(problems, raw[OUTCOME]),
            "knife_possession": parse_flags(problems, raw[KNIFE], KNIFE),
            "local_authority_code": area,
            "financial_year": financial_year_of(offence),
        },
        index=frame.index,
    )
    return records, problems


def _measures(raw: pd.Series) -> pd.Series:
    keys = raw.map(label_key, na_action="ignore")
    snake = keys.str.replace(r"[^a-z0-9]+", "_", regex=True).str.strip("_")
    return keys.map(_MEASURE_BY_LABEL).fillna(snake).astype("string")


def _aggregate(frame: pd.DataFrame, today: dt.date):
    raw = {n: column_text(frame, c) for n, c in _columns(frame, AGGREGATE_REQUIRED).items()}
    problems = Problems(frame.index.to_series())
    year, start_year = parse_financial_years(raw[YEAR])
    check_future_years(problems, start_year, raw[YEAR], YEAR, today)
    problems.add(
        year.isna(), YEAR, "unparseable_year",
        "Financial year is not in the form 2023/24: correct it.", raw[YEAR],
    )  # fmt: skip
    area = raw[AREA].str.upper()
    require_value(problems, area, AREA, AREA)
    level = check_area_codes(problems, area, AREA, ("local_authority", "county", "csp"))
    require_value(problems, raw[MEASURE], MEASURE, MEASURE)
    measure = _measures(raw[MEASURE])
    value = parse_numbers(raw[VALUE])
    problems.add(
        raw[VALUE].isna() | value.isna(),
        VALUE, "bad_value", "Value is not a number: give a figure such as 54.", raw[VALUE],
    )  # fmt: skip
    problems.add(
        value < 0,
        VALUE,
        "bad_value",
        "Value is negative: counts and rates cannot be below 0.",
        raw[VALUE],
    )
    problems.add(
        measure.isin(RATES) & (value > 100),
        VALUE, "bad_value",
        "A rate is a percentage: correct a value over 100 (give 31.5 for 31.5%).", raw[VALUE],
    )  # fmt: skip
    records = pd.DataFrame(
        {
            "source_row": frame.index.to_numpy(),
            "financial_year": year,
            "local_authority_code": area,
            "area_level": level,
            "measure": measure,
            "measure_label": raw[MEASURE],
            "value": value,
            "_start_year": start_year,
        },
        index=frame.index,
    )
    return records, problems


def _cohort_summary(loaded: pd.DataFrame) -> dict:
    fte = loaded[loaded["first_time_entrant"].fillna(False)]
    by_year = fte.drop_duplicates(["child_reference", "financial_year"])
    return {
        "by_category": {
            "first_time_entrants": int(fte["child_reference"].nunique()),
            "outcome22_diversions": int((loaded["outcome_code"] == 22).sum()),
            "knife_possession": int(loaded["knife_possession"].fillna(False).sum()),
        },
        "children": int(loaded["child_reference"].nunique()),
        "first_time_entrants_by_year": counts(by_year["financial_year"]),
    }


def parse(frame: pd.DataFrame, *, today: dt.date | None = None) -> YouthJusticeParse:
    """Parse youth justice data read by reading.py (strings, indexed by data row number)."""
    layout = _layout(frame)
    if layout == "cohort":
        records, problems = _cohort(frame, today or dt.date.today())
        same = [c for c in COHORT_COLUMNS if c != "source_row"]
        loaded, errors, row_counts = finish(
            len(frame), records, problems, COHORT_COLUMNS, same_record=same
        )
        period = bounds(loaded["offence_date"])
        extra = _cohort_summary(loaded)
    else:
        records, problems = _aggregate(frame, today or dt.date.today())
        loaded, errors, row_counts = finish(
            len(frame), records, problems, [*AGGREGATE_COLUMNS, "_start_year"],
            key=["financial_year", "local_authority_code", "measure"], value="value",
            what="financial year, area and measure",
        )  # fmt: skip
        period = bounds(*financial_year_bounds(loaded.pop("_start_year")))
        known = loaded["measure"].isin(list(MEASURES))
        extra = {
            "by_category": counts(loaded["measure"]),
            "other_measures": tuple(sorted(loaded.loc[~known, "measure"].unique())),
        }
    summary = YouthJusticeSummary(
        **row_counts, period_start=period[0], period_end=period[1], layout=layout, **extra
    )
    return YouthJusticeParse(loaded, errors, summary, layout)
