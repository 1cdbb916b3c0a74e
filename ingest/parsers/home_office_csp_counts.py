"""Home Office police recorded crime open data tables -> canonical counts (comparators).

Two tables, told apart by the columns:
  csp  the CSP table: "Financial Year", "Financial Quarter", "Force Name", "CSP Name",
       "Offence Description", "Offence Group", "Offence Subgroup", "Offence Code",
       "Offence Count" (published as ODS; read through reading.py like any upload).
  pfa  the police force area table (prc-pfa-mar2013-onwards-tables), with no "CSP Name" and
       the count in "Number of Offences"; area_name is then the force name.

What the published tables do, and what the parser does about it:
  - Counts are spreadsheet text: " 2 ", "-00 " for zero, and genuinely negative Home Office
    adjustments ("-45"). They are stripped and read as integers; negatives are kept.
  - Offence codes are read as text and normalised to the taxonomy's spelling ("4/3" ->
    "4.3"; the split homicide codes to "1/4.1/4.10/4.2"). A code the taxonomy does not
    know (a newer Home Office code) still loads, with in_taxonomy False, and is listed.
  - Every force-quarter has four "Homicide" rows with the same code and different counts
    (the four homicide offences with their labels collapsed): rows are never de-duplicated
    on their text, so `duplicates` is always 0 and totals are sums over rows.
  - Fraud rows (Action Fraud, CIFAS, UK Finance...) come with their own "force" names.

Rows are rejected for an unreadable or future financial year, a quarter other than 1-4, a
blank force, CSP or code, or a count that is not a whole number.
"""

import datetime as dt
from dataclasses import dataclass, field

import pandas as pd

from ingest.taxonomy import load_taxonomy, normalise_offence_code

from .common import (
    ERROR_COLUMNS,
    ParseResult,
    Problems,
    Summary,
    bounds,
    check_future_years,
    column_text,
    financial_year_bounds,
    find_column,
    finish,
    missing_columns_error,
    parse_financial_years,
    parse_numbers,
    require_value,
    sums,
    taxonomy_codes,
)

SOURCE_KEY = "home_office_csp_counts"
YEAR, QUARTER, FORCE, CSP = "Financial Year", "Financial Quarter", "Force Name", "CSP Name"
DESCRIPTION, GROUP, SUBGROUP = "Offence Description", "Offence Group", "Offence Subgroup"
CODE, COUNT, PFA_COUNT = "Offence Code", "Offence Count", "Number of Offences"
REQUIRED_COLUMNS = (YEAR, FORCE, DESCRIPTION, GROUP, SUBGROUP, CODE)
OPTIONAL_COLUMNS = (QUARTER, CSP, COUNT, PFA_COUNT)  # one of the two counts is needed
CANONICAL_COLUMNS = (
    "source_row",
    "financial_year",
    "quarter",
    "area_level",
    "area_name",
    "force_name",
    "offence_code",
    "in_taxonomy",
    "offence_description",
    "offence_group",
    "offence_subgroup",
    "count",
)
__all__ = ["ERROR_COLUMNS", "HomeOfficeCountsSummary", "parse"]


@dataclass(frozen=True)
class HomeOfficeCountsSummary(Summary):
    # by_category: offence count summed by offence group
    area_level: str = ""
    total: int = 0
    by_financial_year: dict[str, int] = field(default_factory=dict)
    by_area: dict[str, int] = field(default_factory=dict)
    codes_not_in_taxonomy: tuple[str, ...] = ()
    negative_rows: int = 0  # Home Office adjustments, loaded as published


@dataclass
class HomeOfficeCountsParse(ParseResult):
    summary: HomeOfficeCountsSummary
    area_level: str  # "csp" or "pfa"


def _columns(frame: pd.DataFrame) -> dict[str, str | None]:
    found = {name: find_column(frame, name) for name in (*REQUIRED_COLUMNS, QUARTER, CSP)}
    found[COUNT] = find_column(frame, COUNT, PFA_COUNT)
    missing = [n for n in (*REQUIRED_COLUMNS, COUNT) if found[n] is None]
    if missing:
        raise missing_columns_error(
            "a Home Office recorded crime table (by CSP or by police force area)",
            [PFA_COUNT if name == COUNT else name for name in missing]
            if found[CSP] is None
            else missing,
        )
    return found


def _codes(raw: pd.Series) -> tuple[pd.Series, pd.Series]:
    known_codes = taxonomy_codes(load_taxonomy())
    distinct = {v: normalise_offence_code(v) for v in raw.dropna().unique()}
    resolved = {v: known_codes.get(code) for v, code in distinct.items()}
    code = raw.map({v: resolved[v] or distinct[v] for v in distinct}).astype("string")
    known = raw.map({v: resolved[v] is not None for v in distinct}).astype("boolean")
    return code, known


def _canonical(frame: pd.DataFrame, columns: dict[str, str | None], today: dt.date):
    raw = {name: column_text(frame, column) for name, column in columns.items()}
    level = "csp" if columns[CSP] else "pfa"
    problems = Problems(frame.index.to_series())
    year, start_year = parse_financial_years(raw[YEAR])
    check_future_years(problems, start_year, raw[YEAR], YEAR, today)
    problems.add(
        year.isna(), YEAR, "unparseable_year",
        "Financial Year is not in the form 2017/18: correct it.", raw[YEAR],
    )  # fmt: skip
    quarter = pd.to_numeric(raw[QUARTER], errors="coerce").astype("Int64")
    problems.add(
        raw[QUARTER].notna() & ~quarter.isin([1, 2, 3, 4]).fillna(False), QUARTER,
        "bad_quarter", "Financial Quarter must be 1, 2, 3 or 4 (or blank for a whole year).",
        raw[QUARTER],
    )  # fmt: skip
    for name in (FORCE, CODE, *((CSP,) if level == "csp" else ())):
        require_value(problems, raw[name], name, name)
    count = parse_numbers(raw[COUNT])
    problems.add(
        count.isna() | (count.round() != count), str(columns[COUNT]), "bad_count",
        "The count is not a whole number: give the number of offences, such as 12.", raw[COUNT],
    )  # fmt: skip
    code, in_taxonomy = _codes(raw[CODE])
    records = pd.DataFrame(
        {
            "source_row": frame.index.to_numpy(),
            "financial_year": year,
            "quarter": quarter.where(quarter.isin([1, 2, 3, 4]).fillna(False)),
            "area_level": level,
            "area_name": raw[CSP] if level == "csp" else raw[FORCE],
            "force_name": raw[FORCE],
            "offence_code": code,
            "in_taxonomy": in_taxonomy,
            "offence_description": raw[DESCRIPTION],
            "offence_group": raw[GROUP],
            "offence_subgroup": raw[SUBGROUP],
            "count": count.where(count.round() == count).astype("Int64"),
            "_start_year": start_year,
        },
        index=frame.index,
    )
    return records, problems, level


def parse(frame: pd.DataFrame, *, today: dt.date | None = None) -> HomeOfficeCountsParse:
    """Parse a Home Office PRC table read by reading.py (strings, indexed by data row)."""
    records, problems, level = _canonical(frame, _columns(frame), today or dt.date.today())
    loaded, errors, row_counts = finish(
        len(frame), records, problems, [*CANONICAL_COLUMNS, "_start_year"]
    )
    period = bounds(*financial_year_bounds(loaded.pop("_start_year"), loaded["quarter"]))
    summary = HomeOfficeCountsSummary(
        **row_counts,
        by_category=sums(loaded["count"], loaded["offence_group"]),
        period_start=period[0],
        period_end=period[1],
        area_level=level,
        total=int(loaded["count"].sum()),
        by_financial_year=sums(loaded["count"], loaded["financial_year"]),
        by_area=sums(loaded["count"], loaded["area_name"]),
        codes_not_in_taxonomy=tuple(
            sorted(loaded.loc[~loaded["in_taxonomy"], "offence_code"].unique())
        ),
        negative_rows=int((loaded["count"] < 0).sum()),
    )
    return HomeOfficeCountsParse(loaded, errors, summary, level)
