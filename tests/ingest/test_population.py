"""Population estimates: long and wide-by-year layouts, age bands, the derived multi-year
column ignored, validation; then the real West Sussex LSOA file against SOURCES.md and an
independent csv-module count."""

import csv
import datetime as dt
from collections import Counter

import pandas as pd
import pytest

from ingest.parsers import population
from ingest.parsers.errors import ReadError
from ingest.parsers.reading import read_table
from ingest.parsers.registry import get_parser
from tests.shared import shared_path

TODAY = dt.date(2025, 1, 15)
LONG = ["Area code", "Year", "Age band", "Sex", "Population"]
WIDE = ["LSOA11NM", "LSOA11CD", "Age_group", "Sex", "2019", "2020", "2019_20"]


def table(columns, *rows) -> pd.DataFrame:
    return pd.DataFrame(list(rows), columns=columns, index=range(1, len(rows) + 1), dtype="str")


def test_long_layout():
    result = population.parse(
        table(
            LONG,
            ["E01031349", "2020", "0-4", "Male", "24"],
            ["E01031349", "2020", "85 and over", "Female", "30"],
            ["E06000058", "2020", "All ages", "Persons", "400,000"],
        ),
        today=TODAY,
    )
    assert result.layout == "long"
    assert list(result.records.columns) == list(population.CANONICAL_COLUMNS)
    records = result.records
    assert records["age_band"].tolist() == ["0-4", "85+", "all"]
    assert records["age_min"].tolist() == [0, 85, 0]
    assert records["age_max"].isna().tolist() == [False, True, True]
    assert records["sex"].tolist() == ["male", "female", "persons"]
    assert records["area_level"].tolist() == ["lsoa", "lsoa", "local_authority"]
    assert records["population"].tolist() == [24, 30, 400_000]
    assert result.summary.by_category == {"2020": 400_054}


def test_wide_layout_ignores_the_derived_total():
    result = population.parse(
        table(
            WIDE,
            ["Adur 001A", "E01031349", "0-4 years", "Male", "24", "25", "49"],
            ["Adur 001A", "E01031349", "85+ years", "Female", "30", "31", "61"],
        ),
        today=TODAY,
    )
    assert result.layout == "wide"
    records = result.records
    assert records[["source_row", "year", "age_band", "population"]].values.tolist() == [
        [1, 2019, "0-4", 24],
        [1, 2020, "0-4", 25],
        [2, 2019, "85+", 30],
        [2, 2020, "85+", 31],
    ]
    summary = result.summary
    assert summary.ignored_columns == ("LSOA11NM", "2019_20")
    assert (summary.rows_read, summary.rows_loaded, summary.records_loaded) == (2, 2, 4)
    assert summary.by_category == {"2019": 54, "2020": 56}
    assert summary.years == (2019, 2020)
    assert (summary.period_start, summary.period_end) == (
        dt.date(2019, 6, 30),
        dt.date(2020, 6, 30),
    )


def test_wide_cell_errors_name_the_year_column_and_reject_the_row():
    result = population.parse(
        table(
            WIDE,
            ["A", "E01031349", "0-4 years", "Male", "24", "x", "49"],
            ["B", "E01031350", "0-4 years", "Male", "1", "2", "3"],
        ),
        today=TODAY,
    )
    assert result.errors[["row", "field", "reason"]].values.tolist() == [
        [1, "2020", "bad_population"]
    ]
    assert result.records["source_row"].unique().tolist() == [2]
    assert result.summary.rows_rejected == 1


def test_validation():
    result = population.parse(
        table(
            LONG,
            ["E01031349", "2020", "0-4", "Male", "24"],
            ["Adur 001A", "2020", "0-4", "Male", "24"],
            ["E01031349", "2026", "0-4", "Male", "24"],
            ["E01031349", "2020", "toddlers", "Male", "24"],
            ["E01031349", "2020", "5-9", "Unknown", "24"],
            ["E01031349", "2020", "10-14", "Male", "-1"],
            ["E01031349", "20", "15-19", "Male", "3"],
        ),
        today=TODAY,
    )
    assert result.errors[["row", "reason"]].values.tolist() == [
        [2, "unknown_area_code"],
        [3, "future_year"],
        [4, "unknown_age_band"],
        [5, "unknown_sex"],
        [6, "bad_population"],
        [7, "unparseable_year"],
    ]


def test_this_years_estimate_is_future_until_mid_year():
    frame = table(LONG, ["E01031349", "2025", "0-4", "Male", "24"])
    assert population.parse(frame, today=dt.date(2025, 6, 29)).errors["reason"].tolist() == [
        "future_year"
    ]
    assert population.parse(frame, today=dt.date(2025, 6, 30)).errors.empty


def test_repeated_estimates():
    result = population.parse(
        table(
            LONG,
            ["E01031349", "2020", "0-4", "Male", "24"],
            ["E01031349", "2020", "0-4 years", "M", "24"],
            ["E01031349", "2020", "5-9", "Male", "30"],
            ["E01031349", "2020", "5-9", "Male", "31"],
        ),
        today=TODAY,
    )
    assert result.records["source_row"].tolist() == [1]
    assert result.summary.duplicates == 1
    assert result.errors["reason"].tolist() == ["conflicting_values"] * 2


def test_no_year_columns_and_no_population_column():
    with pytest.raises(ReadError) as caught:
        population.parse(table(["Area code", "Sex"], ["E01031349", "Male"]), today=TODAY)
    assert caught.value.code == "missing_columns"
    assert "'Population'" in caught.value.message


def test_registered():
    spec = get_parser("population")
    assert spec.parse is population.parse
    assert spec.missing_columns(table(WIDE, ["A"] * 7)) == []


# --- the real file -----------------------------------------------------------------------

WEST_SUSSEX_TOTALS = {
    "2016": 846_888,
    "2017": 852_353,
    "2018": 858_852,
    "2019": 863_980,
    "2020": 867_635,
}  # SOURCES.md section 4


@pytest.fixture(scope="module")
def west_sussex():
    path = shared_path("ons-population-west-sussex/lsoa_mye_16_20.csv")
    return path, population.parse(read_table(path).frame, today=TODAY)


def test_west_sussex_totals_per_year(west_sussex):
    path, result = west_sussex
    assert result.errors.empty
    assert result.layout == "wide"
    summary = result.summary
    assert summary.by_category == WEST_SUSSEX_TOTALS
    assert summary.areas == 505
    assert summary.by_area_level == {"lsoa": 505}
    assert (summary.rows_read, summary.rows_loaded, summary.records_loaded) == (
        18_180,
        18_180,
        18_180 * 5,
    )
    assert summary.ignored_columns == ("LSOA11NM", "2016_20")
    assert len(summary.age_bands) == 18
    assert (summary.age_bands[0], summary.age_bands[-1]) == ("0-4", "85+")
    assert set(result.records["sex"]) == {"male", "female"}


def test_west_sussex_against_an_independent_count(west_sussex):
    path, result = west_sussex
    by_year, derived, lsoas = Counter(), 0, set()
    with path.open(newline="", encoding="utf-8") as handle:
        for line in csv.DictReader(handle):
            for year in WEST_SUSSEX_TOTALS:
                by_year[year] += int(line[year])
            derived += int(line["2016_20"])
            lsoas.add(line["LSOA11CD"])
    assert dict(by_year) == WEST_SUSSEX_TOTALS
    # 2016_20 is the five-year sum: reading it as a year would have added it all again.
    assert derived == sum(WEST_SUSSEX_TOTALS.values())
    assert result.records["population"].sum() == derived
    assert set(result.records["area_code"]) == lsoas
    per_lsoa_year = result.records.groupby(["area_code", "year"]).size()
    assert (per_lsoa_year == 36).all()  # 18 age bands x 2 sexes
