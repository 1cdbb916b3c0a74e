"""Home Office recorded crime tables: the CSP table on small built frames, then the real
2017/18 police force area file against SOURCES.md and an independent csv-module count."""

import csv
import datetime as dt
from collections import Counter, defaultdict

import pandas as pd
import pytest

from ingest.parsers import home_office_csp_counts as home_office
from ingest.parsers.errors import ReadError
from ingest.parsers.reading import read_table
from ingest.parsers.registry import get_parser
from tests.shared import shared_path

CSP = ["Financial Year", "Financial Quarter", "Force Name", "CSP Name", "Offence Description",
       "Offence Group", "Offence Subgroup", "Offence Code", "Offence Count"]  # fmt: skip
VWI = ("Violence against the person", "Violence with injury")


def table(columns, *rows) -> pd.DataFrame:
    return pd.DataFrame(list(rows), columns=columns, index=range(1, len(rows) + 1), dtype="str")


def row(year="2023/24", quarter="1", csp="Bournemouth, Christchurch and Poole",
        description="Assault with injury", code="8N", count=" 12 ") -> list[str]:  # fmt: skip
    return [year, quarter, "Dorset", csp, description, *VWI, code, count]


def parse(*rows) -> home_office.HomeOfficeCountsParse:
    return home_office.parse(table(CSP, *rows), today=dt.date(2025, 1, 15))


def test_csp_table():
    result = parse(
        row(),
        row(quarter="2", count="-00 "),
        row(quarter="3", count=" -4 "),
        row(description="Other grievous bodily harm", code="4/8", count="1,204"),
        row(description="Homicide", code="1", count="1"),
        row(description="Some new offence", code="8z", count="2"),
    )
    assert result.area_level == result.summary.area_level == "csp"
    assert list(result.records.columns) == list(home_office.CANONICAL_COLUMNS)
    records = result.records
    assert records["count"].tolist() == [12, 0, -4, 1204, 1, 2]
    assert records["offence_code"].tolist() == ["8N", "8N", "8N", "4.8", "1/4.1/4.10/4.2", "8Z"]
    assert records["in_taxonomy"].tolist() == [True] * 5 + [False]
    assert records["area_name"].iloc[0] == "Bournemouth, Christchurch and Poole"
    assert records["quarter"].tolist()[:3] == [1, 2, 3]
    summary = result.summary
    assert summary.total == 1215
    assert summary.negative_rows == 1
    assert summary.codes_not_in_taxonomy == ("8Z",)
    assert summary.by_category == {"Violence against the person": 1215}
    assert summary.period_start.isoformat() == "2023-04-01"
    assert summary.period_end.isoformat() == "2023-12-31"


def test_a_year_without_quarters_covers_the_year():
    result = parse(row(quarter=""))
    assert pd.isna(result.records["quarter"].iloc[0])
    assert (result.summary.period_start.isoformat(), result.summary.period_end.isoformat()) == (
        "2023-04-01",
        "2024-03-31",
    )


def test_validation():
    result = parse(
        row(year="2023"),
        row(year="2031/32"),
        row(quarter="5"),
        row(csp=""),
        row(code=""),
        row(count="lots"),
        row(count="1.5"),
    )
    assert result.errors[["row", "reason"]].values.tolist() == [
        [1, "unparseable_year"],
        [2, "future_year"],
        [3, "bad_quarter"],
        [4, "missing_value"],
        [5, "missing_value"],
        [6, "bad_count"],
        [7, "bad_count"],
    ]


def test_repeated_rows_are_never_folded():
    homicide = row(description="Homicide", code="1/4.1/4.10/4.2", count="1")
    result = parse(homicide, homicide, homicide)
    assert result.summary.rows_loaded == 3
    assert result.summary.duplicates == 0
    assert result.summary.total == 3


def test_missing_columns():
    frame = table(CSP, row()).drop(columns=["Offence Count", "Offence Code"])
    with pytest.raises(ReadError) as caught:
        home_office.parse(frame)
    assert caught.value.code == "missing_columns"
    assert "'Offence Code'" in caught.value.message and "'Offence Count'" in caught.value.message


def test_registered():
    spec = get_parser("home_office_csp_counts")
    assert spec.parse is home_office.parse
    assert spec.missing_columns(table(CSP, row())) == []


# --- the real PFA file -------------------------------------------------------------------

PFA = "home-office-prc-pfa-2017-18/prc-pfa-mar2013-onwards-tables201718.csv"


@pytest.fixture(scope="module")
def pfa():
    path = shared_path(PFA)
    frame = read_table(path).frame
    return path, frame, home_office.parse(frame)


def independent_count(path):
    """Straight from the file with the csv module: strip, int(); '-00' is int('-00') == 0."""
    by_year, by_group, by_force_quarter = Counter(), Counter(), defaultdict(Counter)
    rows = 0
    with path.open(newline="", encoding="utf-8") as handle:
        for line in csv.DictReader(handle):
            count = int(line["Number of Offences"].strip())
            rows += 1
            by_year[line["Financial Year"]] += count
            by_group[line["Offence Group"]] += count
            by_force_quarter[line["Force Name"]][line["Financial Quarter"]] += count
    return rows, by_year, by_group, by_force_quarter


def test_pfa_file_sums_equal_an_independent_count(pfa):
    path, frame, result = pfa
    rows, by_year, by_group, by_force_quarter = independent_count(path)
    assert result.errors.empty
    summary = result.summary
    assert summary.area_level == result.area_level == "pfa"
    assert (summary.rows_read, summary.rows_loaded, summary.duplicates) == (rows, rows, 0)
    assert summary.by_financial_year == dict(by_year) == {"2017/18": 5_519_401}
    assert summary.by_category == dict(by_group)
    assert summary.total == 5_519_401
    dorset = result.records[result.records["area_name"] == "Dorset"]
    assert dorset.groupby("quarter")["count"].sum().to_dict() == {
        int(q): n for q, n in by_force_quarter["Dorset"].items()
    } == {1: 12_503, 2: 13_063, 3: 12_086, 4: 11_463}  # fmt: skip
    assert summary.by_area["Avon and Somerset"] == 140_071
    assert summary.by_area["Sussex"] == 113_666


def test_pfa_file_quirks(pfa):
    path, frame, result = pfa
    records, summary = result.records, result.summary
    assert summary.rows_read == 23_068
    assert summary.negative_rows == 36
    assert records["offence_code"].nunique() == 132
    assert summary.codes_not_in_taxonomy == ()
    assert {"4.10", "4.1"}.isdisjoint(set(records["offence_code"]))
    assert {"8N", "105A", "28E", "34B", "37.1", "UK Finance"} <= set(records["offence_code"])
    # Four homicide rows per force-quarter, all kept (counts summed, never de-duplicated).
    homicide = records[records["offence_code"] == "1/4.1/4.10/4.2"]
    assert (homicide.groupby(["force_name", "quarter"]).size() == 4).all()
    assert records["area_name"].equals(records["force_name"])
    assert records["quarter"].isin([1, 2, 3, 4]).all()
