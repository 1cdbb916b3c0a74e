"""ISTV (A&E assault attendances): vocabulary normalisation, validation with row numbers and
reasons, date forms (ISO, dd/mm/yyyy, Excel serials and XLSX datetimes), the duplicate rule."""

import datetime as dt

import pandas as pd
import pytest

from ingest.parsers import istv
from ingest.parsers.errors import ReadError
from ingest.parsers.reading import read_table
from ingest.parsers.registry import get_parser

from .corpus import write_xlsx

TODAY = dt.date(2025, 1, 15)
HEADER = [*istv.REQUIRED_COLUMNS, *istv.OPTIONAL_COLUMNS]


def row(
    assault="2024-04-05 23:10",
    method="Knife",
    location_type="Street",
    arrival="2024-04-05 23:50",
    method_other="",
    location="High Street",
    site="RBD01",
    start="2024-04-01",
    end="2024-04-30",
) -> list[str]:
    return [start, end, site, assault, method, location_type, arrival, method_other, location]


def table(*rows: list[str]) -> pd.DataFrame:
    return pd.DataFrame(list(rows), columns=HEADER, index=range(1, len(rows) + 1), dtype="str")


def parse(*rows, **options) -> istv.IstvParse:
    return istv.parse(table(*rows), today=TODAY, **options)


def test_canonical_record():
    result = parse(row())
    assert list(result.records.columns) == list(istv.CANONICAL_COLUMNS)
    record = result.records.iloc[0]
    assert record["source_row"] == 1
    assert record["assaulted_at"] == pd.Timestamp("2024-04-05 23:10")
    assert record["attended_at"] == pd.Timestamp("2024-04-05 23:50")
    assert record["weapon"] == "knife_or_sharp_object"
    assert record["location_type"] == "public_place"
    assert record["location_detail"] == "High Street"
    assert record["site_code"] == "RBD01"
    assert record["reporting_period_end"] == pd.Timestamp("2024-04-30")
    assert record["financial_year"] == "2024/25"
    assert result.errors.empty
    summary = result.summary
    assert (summary.rows_read, summary.rows_loaded, summary.rows_rejected) == (1, 1, 0)
    assert (summary.period_start, summary.period_end) == (dt.date(2024, 4, 1), dt.date(2024, 4, 30))


@pytest.mark.parametrize(
    "label, weapon",
    [
        ("Body part (fist, feet)", "body_part"),
        ("Punched", "body_part"),
        ("Blunt object", "blunt_object"),
        ("Baseball bat", "blunt_object"),
        ("Bottle", "blunt_object"),
        ("Glass / bottle", "knife_or_sharp_object"),
        ("Knife/sharp object", "knife_or_sharp_object"),
        ("Stabbed", "knife_or_sharp_object"),
        ("Firearm", "firearm"),
        ("Shot gun", "firearm"),
        ("Other", "other"),
        ("Not known", "unknown"),
        ("", "unknown"),
        ("knife_or_sharp_object", "knife_or_sharp_object"),
    ],
)
def test_weapon_vocabulary(label, weapon):
    assert parse(row(method=label)).records.iloc[0]["weapon"] == weapon


@pytest.mark.parametrize(
    "label, location_type",
    [
        ("Public place/street", "public_place"),
        ("Park", "public_place"),
        ("Licensed premises", "licensed_premises"),
        ("Public house", "licensed_premises"),
        ("Nightclub", "licensed_premises"),
        ("Home", "home"),
        ("Private dwelling", "home"),
        ("School", "school"),
        ("Workplace", "workplace"),
        ("Other", "other"),
        ("Unknown", "unknown"),
        ("", "unknown"),
    ],
)
def test_location_type_vocabulary(label, location_type):
    assert parse(row(location_type=label)).records.iloc[0]["location_type"] == location_type


def test_unrecognised_method_loads_as_other_and_keeps_its_text():
    result = parse(row(method="Spade"), row(method="Other", method_other="Dog"))
    assert result.records["weapon"].tolist() == ["other", "other"]
    assert result.records["weapon_detail"].tolist() == ["Spade", "Dog"]
    assert result.summary.unrecognised_weapon == 1


def test_provider_codes_map_to_the_vocabulary():
    result = parse(
        row(method="01", location_type="3"),
        row(method="04", location_type="9"),
        weapon_codes={"01": "body_part", "04": "firearm"},
        location_codes={"3": "licensed_premises", "9": "unknown"},
    )
    assert result.records["weapon"].tolist() == ["body_part", "firearm"]
    assert result.records["location_type"].tolist() == ["licensed_premises", "unknown"]


def test_date_forms():
    result = parse(
        row(assault="05/04/2024 23:10", arrival="05/04/2024 23:50", start="01/04/2024"),
        row(assault="45387.5", arrival="", end="30/04/2024"),  # Excel serial: 2024-04-05 12:00
        row(assault="2024-04-05T23:10:00", arrival="2024-04-06"),
    )
    assert result.errors.empty
    assert result.records["assaulted_at"].tolist() == [
        pd.Timestamp("2024-04-05 23:10"),
        pd.Timestamp("2024-04-05 12:00"),
        pd.Timestamp("2024-04-05 23:10"),
    ]
    assert pd.isna(result.records["attended_at"].iloc[1])


def test_excel_datetimes_read_from_a_workbook(tmp_path):
    path = write_xlsx(
        tmp_path / "istv.xlsx",
        {
            "ISTV": [
                HEADER,
                [dt.datetime(2024, 4, 1), dt.datetime(2024, 4, 30), "RBD01",
                 dt.datetime(2024, 4, 5, 23, 10), "Fist", "Pub", dt.datetime(2024, 4, 6, 0, 5),
                 "", "The Crown"],
            ]
        },
    )  # fmt: skip
    result = istv.parse(read_table(path).frame, today=TODAY)
    assert result.errors.empty
    record = result.records.iloc[0]
    assert record["assaulted_at"] == pd.Timestamp("2024-04-05 23:10")
    assert record["attended_at"] == pd.Timestamp("2024-04-06 00:05")
    assert (record["weapon"], record["location_type"]) == ("body_part", "licensed_premises")


def test_rows_with_errors_are_rejected_with_row_numbers_and_reasons():
    result = parse(
        row(),
        row(assault="2025-02-01", arrival=""),  # after TODAY
        row(assault="5th April"),
        row(assault=""),
        row(arrival="2024-04-04 10:00"),  # a day before the assault
        row(site=""),
        row(start="2024-05-01", end="2024-04-30"),
        row(arrival="yesterday"),
    )
    reasons = result.errors[["row", "reason"]].to_records(index=False).tolist()
    assert reasons == [
        (2, "future_date"),
        (3, "unparseable_date"),
        (4, "missing_value"),
        (5, "arrival_before_assault"),
        (6, "missing_value"),
        (7, "period_reversed"),
        (8, "unparseable_date"),
    ]
    assert result.records["source_row"].tolist() == [1]
    summary = result.summary
    assert (summary.rows_rejected, summary.rows_loaded) == (7, 1)
    assert summary.rows_read == summary.rows_rejected + summary.rows_loaded + summary.duplicates
    assert list(result.errors.columns) == ["row", "field", "reason", "message", "value"]
    for message in result.errors["message"]:
        assert message.endswith(".") and len(message) > 20


def test_identical_attendances_are_all_loaded_and_counted():
    result = parse(row(), row(), row(method="Bat"))
    assert result.summary.rows_loaded == 3
    assert result.summary.duplicates == 0
    assert result.summary.identical_rows == 1
    assert result.summary.by_category == {"blunt_object": 1, "knife_or_sharp_object": 2}
    assert result.summary.by_location_type == {"public_place": 3}


def test_attendance_outside_its_reporting_period_is_loaded_and_counted():
    result = parse(row(assault="2024-03-30", arrival="2024-03-31"), row())
    assert result.summary.rows_loaded == 2
    assert result.summary.outside_reporting_period == 1


def test_future_period_end_is_allowed_for_a_period_still_running():
    assert parse(row(end="2025-01-31")).errors.empty


def test_missing_columns_are_named():
    frame = table(row()).drop(columns=[istv.METHOD])
    with pytest.raises(ReadError) as caught:
        istv.parse(frame, today=TODAY)
    assert caught.value.code == "missing_columns"
    assert "'Assault method'" in caught.value.message


def test_registered():
    spec = get_parser("istv")
    assert spec.parse is istv.parse
    assert spec.missing_columns(table(row())) == []
