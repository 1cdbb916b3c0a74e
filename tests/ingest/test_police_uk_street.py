"""data.police.uk street files: the duplicate rule and validation on small built files, then
the real Avon and Somerset (12 months) and Sussex (5 months) files against an independent
count of their raw rows made with the csv module."""

import csv
import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

import pandas as pd
import pytest

from ingest.parsers import police_uk_street
from ingest.parsers.errors import ReadError
from ingest.parsers.pii import scan_frame
from ingest.parsers.reading import read_table
from ingest.parsers.registry import get_parser, source_keys
from tests.shared import shared_path

from .corpus import street_csv, street_row

TODAY = dt.date(2025, 1, 15)
ASB = "Anti-social behaviour"


def parse_rows(tmp_path, rows: list[str]) -> police_uk_street.StreetParse:
    frame = read_table(street_csv(tmp_path / "street.csv", rows)).frame
    return police_uk_street.parse(frame, today=TODAY)


# --- the rule for what counts as one crime -----------------------------------------------


def test_repeated_crime_id_is_one_crime_with_the_last_outcome(tmp_path):
    result = parse_rows(
        tmp_path,
        [
            street_row("a" * 64, outcome="Under investigation"),
            street_row("b" * 64),
            street_row(
                "a" * 64, outcome="Awaiting court outcome", location="On or near Other Road"
            ),
        ],
    )
    assert result.summary.rows_read == 3
    assert result.summary.rows_loaded == 2
    assert result.summary.repeats_folded == 1
    assert result.summary.crime_ids_repeated == 1
    kept = result.records.set_index("crime_id").loc["a" * 64]
    assert kept["outcome"] == "Awaiting court outcome"
    assert kept["location"] == "On or near Other Road"
    assert result.folded[["row", "kept_row"]].to_dict("records") == [{"row": 1, "kept_row": 3}]


def test_same_crime_id_in_different_months_is_two_crimes(tmp_path):
    rows = [street_row("a" * 64, month="2023-04"), street_row("a" * 64, month="2023-05")]
    assert parse_rows(tmp_path, rows).summary.rows_loaded == 2


def test_identical_asb_rows_are_separate_incidents(tmp_path):
    asb = street_row("", crime_type=ASB, outcome="")
    result = parse_rows(tmp_path, [asb, asb, asb])
    assert result.summary.rows_loaded == 3
    assert result.summary.asb_rows == 3
    assert result.summary.repeats_folded == 0
    assert result.records["crime_id"].isna().all()
    assert result.records["outcome"].isna().all()


def test_no_location_rows_are_loaded_as_unplaced(tmp_path):
    unplaced = street_row(lsoa_code="", location="No Location", longitude="", latitude="")
    result = parse_rows(tmp_path, [unplaced, street_row("b" * 64)])
    assert result.summary.unplaced_rows == 1
    first = result.records.iloc[0]
    assert not first["placed"]
    assert pd.isna(first["lsoa_code"])
    assert result.records["longitude"].isna().tolist() == [True, False]


def test_canonical_types(tmp_path):
    records = parse_rows(tmp_path, [street_row()]).records
    assert list(records.columns) == list(police_uk_street.CANONICAL_COLUMNS)
    row = records.iloc[0]
    assert row["month"] == dt.datetime(2023, 4, 1)
    assert row["longitude"] == pytest.approx(-2.513516)
    assert row["coarse_category"] == "violence_and_sexual_offences"
    assert str(records["longitude"].dtype) == "Float64"


# --- validation --------------------------------------------------------------------------


def test_rows_with_errors_are_rejected_with_row_numbers_and_reasons(tmp_path):
    result = parse_rows(
        tmp_path,
        [
            street_row("a" * 64),
            street_row("b" * 64, month="April 2023"),
            street_row("c" * 64, month="2025-02"),  # after TODAY's month
            street_row("d" * 64, crime_type="Burglery"),
            street_row("e" * 64, longitude="west", latitude="51.4"),
            street_row("f" * 64, longitude="-2.5", latitude=""),
            street_row("g" * 64, crime_type="  violence AND sexual offences "),
        ],
    )
    reasons = result.errors[["row", "reason"]].to_records(index=False).tolist()
    assert reasons == [
        (2, "unparseable_month"),
        (3, "future_month"),
        (4, "unknown_crime_type"),
        (5, "bad_coordinates"),
        (6, "bad_coordinates"),
    ]
    assert result.summary.rows_rejected == 5
    assert result.records["source_row"].tolist() == [1, 7]
    assert result.records["crime_type"].tolist() == ["Violence and sexual offences"] * 2


def test_current_month_is_not_future(tmp_path):
    result = parse_rows(tmp_path, [street_row(month="2025-01")])
    assert result.errors.empty


def test_wrong_kind_of_file_reports_missing_columns(tmp_path):
    path = tmp_path / "other.csv"
    path.write_text("Month,Offence code,Count\n2023-04,8N,3\n")
    with pytest.raises(ReadError) as caught:
        police_uk_street.parse(read_table(path).frame, today=TODAY)
    assert caught.value.code == "missing_columns"
    assert "'Crime ID'" in caught.value.message


def test_headings_match_ignoring_case_and_spacing(tmp_path):
    path = tmp_path / "case.csv"
    header = police_uk_street.REQUIRED_COLUMNS
    path.write_text(",".join(h.upper().replace(" ", "  ") for h in header) + "\n" + ",".join(
        ["x" * 64, "2023-04", "F", "1", "2", "L", "E01014399", "N", "Drugs", "O"]
    ) + "\n")  # fmt: skip
    result = police_uk_street.parse(read_table(path).frame, today=TODAY)
    assert result.records.iloc[0]["crime_type"] == "Drugs"
    assert result.records["reported_by"].isna().all()


def test_registry():
    spec = get_parser("police_uk_street")
    assert "police_uk_street" in source_keys()
    assert spec.parse is police_uk_street.parse
    assert spec.required_columns == police_uk_street.REQUIRED_COLUMNS
    with pytest.raises(KeyError):
        get_parser("nope")


# --- the real files ----------------------------------------------------------------------

AVON = [f"2023-{m:02d}" for m in range(4, 13)] + [f"2024-{m:02d}" for m in range(1, 4)]
SUSSEX = ["2018-10", "2018-11", "2018-12", "2019-01", "2019-02"]
# "distinct Crime IDs repeated in file", SOURCES.md section 1
AVON_REPEATED_IDS = [60, 41, 51, 38, 56, 37, 63, 37, 40, 43, 55, 66]


@dataclass
class RawCount:
    """Counted straight from the file with the csv module, independently of the parser."""

    rows: int = 0
    asb: int = 0
    blank_lsoa: int = 0
    by_type: Counter = field(default_factory=Counter)


def raw_count(path) -> RawCount:
    count = RawCount()
    with path.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            count.rows += 1
            count.asb += row["Crime type"] == ASB
            count.blank_lsoa += row["LSOA code"] == ""
            count.by_type[row["Crime type"]] += 1
    return count


@dataclass
class Checked:
    raw: RawCount
    result: police_uk_street.StreetParse
    frame: object


def check_file(path) -> Checked:
    frame = read_table(path).frame
    result = get_parser("police_uk_street").parse(frame, today=TODAY)
    raw = raw_count(path)
    assert result.errors.empty
    assert result.summary.rows_read == raw.rows
    # Every difference between raw rows and loaded records is a folded repeat.
    folded_by_type = Counter(result.folded["crime_type"].tolist())
    assert result.summary.by_crime_type == {
        t: n - folded_by_type[t] for t, n in raw.by_type.items()
    }
    assert result.summary.rows_loaded == raw.rows - len(result.folded)
    assert result.summary.asb_rows == raw.asb  # ASB is never folded
    assert (
        result.summary.unplaced_rows + int(result.folded["lsoa_code"].isna().sum())
        == raw.blank_lsoa
    )
    # The kept row is the last of its (Crime ID, month) in file order.
    assert (result.folded["kept_row"] > result.folded["row"]).all()
    kept = result.records.set_index("source_row")
    assert (
        kept.loc[result.folded["kept_row"], "crime_id"].tolist()
        == result.folded["crime_id"].tolist()
    )
    return Checked(raw, result, frame)


@pytest.fixture(scope="module")
def avon() -> list[Checked]:
    paths = [
        shared_path(f"police-uk-avon-and-somerset/{m}-avon-and-somerset-street.csv") for m in AVON
    ]
    return [check_file(p) for p in paths]


@pytest.fixture(scope="module")
def sussex() -> list[Checked]:
    return [check_file(shared_path(f"police-uk-sussex/{m}-sussex-street.csv")) for m in SUSSEX]


def totals(checked: list[Checked]) -> tuple[int, int, int, Counter]:
    by_type = sum((c.raw.by_type for c in checked), Counter())
    return (
        sum(c.raw.rows for c in checked),
        sum(c.raw.asb for c in checked),
        sum(c.raw.blank_lsoa for c in checked),
        by_type,
    )


def test_avon_and_somerset_year_counts(avon):
    rows, asb, blank_lsoa, by_type = totals(avon)
    assert (rows, asb, blank_lsoa) == (173_039, 23_391, 10_218)
    assert by_type["Violence and sexual offences"] == 63_980
    assert by_type["Robbery"] == 2_190
    assert by_type["Possession of weapons"] == 1_091
    assert [c.result.summary.crime_ids_repeated for c in avon] == AVON_REPEATED_IDS
    assert sum(c.result.summary.rows_read for c in avon) == 173_039
    assert sum(c.result.summary.asb_rows for c in avon) == 23_391
    months = {str(c.result.records["month"].iloc[0].date()) for c in avon}
    assert months == {f"{m}-01" for m in AVON}


def test_sussex_counts(sussex):
    rows, asb, blank_lsoa, by_type = totals(sussex)
    assert (rows, asb, blank_lsoa) == (57_491, 11_464, 3)
    assert (by_type["Violence and sexual offences"], by_type["Robbery"]) == (17_049, 507)
    assert by_type["Possession of weapons"] == 632
    assert sum(c.result.summary.repeats_folded for c in sussex) == 0
    assert sum(c.result.summary.rows_loaded for c in sussex) == 57_491


def test_real_files_hold_no_personal_data(avon, sussex):
    for checked in avon + sussex:
        report = scan_frame(checked.frame)
        assert report.clean, report.refusal_message()
