"""ONS mid-year population estimates -> canonical long records + validation.

Two layouts, told apart by the columns:
  long  "Area code", "Year", "Age band", "Sex", "Population": one row per estimate.
  wide  an area code column ("Area code" or an ONS code heading such as LSOA11CD), an age
        column ("Age band", "Age group"), "Sex", and one column per year ("2016" or
        "Mid-2016"), as in ONS / Nomis extracts pivoted by year. Any other column is
        ignored and listed in `ignored_columns`: in particular a derived multi-year total
        such as "2016_20" (the 5-year sum in West Sussex's lsoa_mye_16_20.csv), which is not
        an estimate and must not be read as one.

Canonical records are long: area_code, area_level, year, age_band ("0-4" ... "85+", or
"all"), age_min, age_max (<NA> for an open band), sex (male, female or persons),
population. A wide file row loads as one record per year; the row counts in the summary are
of file rows (a row with any error is rejected whole), `records_loaded` of records.

Rows are rejected for a code that is not an ONS area code, an age band that is not a
range, a sex other than male/female/persons, a year whose mid-year (30 June) is in the
future, or a population that is not a number of 0 or more. Repeated (area, year, age band,
sex) estimates fold when they agree and are all rejected when they do not.
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
    check_area_codes,
    counts,
    find_column,
    finish,
    loose_key,
    missing_columns_error,
    normalise_sex,
    parse_age_bands,
    parse_numbers,
    require_value,
    sums,
    text,
)

SOURCE_KEY = "population"
AREA, YEAR, AGE, SEX, POPULATION = "Area code", "Year", "Age band", "Sex", "Population"
AGE_ALTERNATIVES = (AGE, "Age group", "Age")
LONG_COLUMNS = (AREA, YEAR, AGE, SEX, POPULATION)
REQUIRED_COLUMNS = (SEX,)  # the rest depends on the layout, checked by parse()
OPTIONAL_COLUMNS = (AREA, YEAR, AGE, "Age group", POPULATION)
CANONICAL_COLUMNS = (
    "source_row",
    "area_code",
    "area_level",
    "year",
    "age_band",
    "age_min",
    "age_max",
    "sex",
    "population",
)
SEXES = ("male", "female", "persons")
_YEAR_HEADING = re.compile(r"^(?:mid ?-? ?)?(\d{4})$")
_ONS_CODE_HEADING = re.compile(r"^(lsoa|msoa|oa|wd|ward|lad|ltla|utla|la|cty|csp|pfa)\d{2} ?cd$")
__all__ = ["ERROR_COLUMNS", "PopulationParse", "PopulationSummary", "parse"]


@dataclass(frozen=True)
class PopulationSummary(Summary):
    # by_category: total population by year ("2016": 846888, ...)
    layout: str = ""
    records_loaded: int = 0
    areas: int = 0
    by_area_level: dict[str, int] = field(default_factory=dict)  # distinct areas per level
    years: tuple[int, ...] = ()
    age_bands: tuple[str, ...] = ()
    ignored_columns: tuple[str, ...] = ()


@dataclass
class PopulationParse(ParseResult):
    summary: PopulationSummary
    layout: str  # "long" or "wide"


def _area_column(frame: pd.DataFrame) -> str | None:
    named = find_column(frame, AREA, "Geography code")
    codes = [c for c in frame.columns if _ONS_CODE_HEADING.match(loose_key(c))]
    return named or (codes[0] if codes else None)


def _year_columns(frame: pd.DataFrame) -> dict[str, int]:
    found = {c: _YEAR_HEADING.match(loose_key(c)) for c in frame.columns}
    return {c: int(m.group(1)) for c, m in found.items() if m}


def _layout(frame: pd.DataFrame) -> tuple[str, dict[str, str], dict[str, int]]:
    columns = {AREA: _area_column(frame), AGE: find_column(frame, *AGE_ALTERNATIVES),
               SEX: find_column(frame, SEX, "Gender")}  # fmt: skip
    years = _year_columns(frame)
    if find_column(frame, POPULATION) and find_column(frame, YEAR):
        layout = "long"
        columns |= {YEAR: find_column(frame, YEAR), POPULATION: find_column(frame, POPULATION)}
    elif years:
        layout = "wide"
    else:
        raise missing_columns_error(
            "population estimates",
            [YEAR, POPULATION],
            "Give one row per estimate (Area code, Year, Age band, Sex, Population) or one "
            "column per year (such as 2019, 2020).",
        )
    missing = [name for name, column in columns.items() if column is None]
    if missing:
        raise missing_columns_error("population estimates", missing)
    return layout, columns, years


def _long(frame: pd.DataFrame, layout: str, columns: dict[str, str], years: dict[str, int]):
    """One row per (file row, year) with strings: source_row, area, age, sex, year, value,
    and the heading its value came from (for error reports)."""
    base = pd.DataFrame(
        {"source_row": frame.index.to_numpy(), "area": text(frame[columns[AREA]]),
         "age": text(frame[columns[AGE]]), "sex": text(frame[columns[SEX]])}
    )  # fmt: skip
    if layout == "long":
        return base.assign(
            year=text(frame[columns[YEAR]]).to_numpy(),
            value=text(frame[columns[POPULATION]]).to_numpy(),
            year_heading=str(columns[YEAR]),
            value_heading=str(columns[POPULATION]),
        )
    values = frame[list(years)].set_axis(base.index)
    wide = pd.concat([base, values], axis=1)
    long = wide.melt(
        id_vars=list(base.columns), value_vars=list(years), var_name="value_heading",
        value_name="value",
    )  # fmt: skip
    long["year"] = long["value_heading"].map(years).astype("string")
    long["value"] = text(long["value"])
    long["year_heading"] = long["value_heading"] = long["value_heading"].astype(str)
    return long.sort_values(["source_row", "year"], kind="stable", ignore_index=True)


def _add_by_heading(problems: Problems, bad: pd.Series, headings: pd.Series, *args) -> None:
    """Report each problem under the heading of the column it came from."""
    bad = bad.fillna(False).astype(bool)
    for heading in headings[bad].unique():
        problems.add(bad & (headings == heading), str(heading), *args)


def _canonical(long: pd.DataFrame, today: dt.date):
    problems = Problems(long["source_row"])
    area = long["area"].str.upper()
    require_value(problems, area, AREA, AREA)
    level = check_area_codes(problems, area, AREA)
    year = pd.to_numeric(long["year"], errors="coerce").astype("Int64")
    _add_by_heading(
        problems, year.isna() | (year < 1900), long["year_heading"], "unparseable_year",
        "Year is not a year: give it as four digits, such as 2020.", long["year"],
    )  # fmt: skip
    mid_year = pd.to_datetime(
        pd.DataFrame({"year": year.clip(1900, 9999), "month": 6, "day": 30}), errors="coerce"
    )
    _add_by_heading(
        problems, mid_year > pd.Timestamp(today), long["year_heading"], "future_year",
        "The year's mid-year point (30 June) is in the future. Correct the year.", long["year"],
    )  # fmt: skip
    bands = parse_age_bands(long["age"])
    problems.add(
        bands["age_band"].isna(), AGE, "unknown_age_band",
        "Age band is not an age range such as 0-4, 85+ or All ages.", long["age"],
    )  # fmt: skip
    population = parse_numbers(long["value"])
    _add_by_heading(
        problems, long["value"].isna() | population.isna() | (population < 0),
        long["value_heading"], "bad_population",
        "Population is not a number of 0 or more: give the estimate, such as 1532.",
        long["value"],
    )  # fmt: skip
    sex = normalise_sex(long["sex"])
    problems.add(
        ~sex.isin(SEXES).fillna(False), SEX, "unknown_sex",
        "Sex is not Male, Female or Persons.", long["sex"],
    )  # fmt: skip
    records = pd.DataFrame(
        {
            "source_row": long["source_row"],
            "area_code": area,
            "area_level": level,
            "year": year,
            **{c: bands[c] for c in ("age_band", "age_min", "age_max")},
            "sex": sex,
            "population": population,
        }
    )
    return records, problems


def parse(frame: pd.DataFrame, *, today: dt.date | None = None) -> PopulationParse:
    """Parse population estimates read by reading.py (strings, indexed by data row number)."""
    layout, columns, years = _layout(frame)
    long = _long(frame, layout, columns, years)
    records, problems = _canonical(long, today or dt.date.today())
    loaded, errors, row_counts = finish(
        len(frame), records, problems, CANONICAL_COLUMNS,
        key=["area_code", "year", "age_band", "sex"], value="population",
        what="area, year, age band and sex",
    )  # fmt: skip
    used = {*columns.values(), *(years if layout == "wide" else ())}
    year_values = sorted(int(y) for y in loaded["year"].unique())
    areas = loaded.drop_duplicates("area_code")
    summary = PopulationSummary(
        **row_counts,
        by_category=sums(loaded["population"], loaded["year"]),
        period_start=dt.date(year_values[0], 6, 30) if year_values else None,
        period_end=dt.date(year_values[-1], 6, 30) if year_values else None,
        layout=layout,
        records_loaded=len(loaded),
        areas=len(areas),
        by_area_level=counts(areas["area_level"]),
        years=tuple(year_values),
        age_bands=tuple(loaded.sort_values("age_min")["age_band"].drop_duplicates()),
        ignored_columns=tuple(str(c) for c in frame.columns if c not in used),
    )
    return PopulationParse(loaded, errors, summary, layout)
