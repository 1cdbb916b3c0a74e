"""Ambulance call-outs: category normalisation, areas, validation, the incident rule."""

import datetime as dt

import pandas as pd
import pytest

from ingest.parsers import ambulance
from ingest.parsers.errors import ReadError
from ingest.parsers.registry import get_parser

TODAY = dt.date(2025, 1, 15)
HEADER = ["Call date and time", "Category", "LSOA code", "Postcode district"]


def table(*rows, columns=HEADER) -> pd.DataFrame:
    return pd.DataFrame(list(rows), columns=columns, index=range(1, len(rows) + 1), dtype="str")


def row(called="2024-06-01 01:20", category="Assault", lsoa="E01014399", district=""):
    return [called, category, lsoa, district]


def parse(*rows, columns=HEADER) -> ambulance.AmbulanceParse:
    return ambulance.parse(table(*rows, columns=columns), today=TODAY)


def test_canonical_record():
    result = parse(row())
    assert list(result.records.columns) == list(ambulance.CANONICAL_COLUMNS)
    record = result.records.iloc[0]
    assert record["called_at"] == pd.Timestamp("2024-06-01 01:20")
    assert (record["category"], record["category_detail"]) == ("assault", "Assault")
    assert (record["lsoa_code"], record["financial_year"]) == ("E01014399", "2024/25")
    assert result.summary.period_start == dt.date(2024, 6, 1)


@pytest.mark.parametrize(
    "label, category",
    [
        ("Assault / Sexual Assault / Stun Gun", "assault"),  # AMPDS card 4
        ("Stab / Gunshot / Penetrating Trauma", "stab_or_gunshot"),  # AMPDS card 27
        ("Stabbing", "stab_or_gunshot"),
        ("Gunshot wound", "stab_or_gunshot"),
        ("Sexual assault", "sexual_assault"),
        ("Fight", "assault"),
        ("Other", "other"),
    ],
)
def test_categories(label, category):
    assert parse(row(category=label)).records.iloc[0]["category"] == category


def test_unrecognised_category_loads_as_other_and_is_counted():
    result = parse(row(category="Fall"), row())
    assert result.records["category"].tolist() == ["other", "assault"]
    assert result.summary.unrecognised_category == 1
    assert result.summary.by_category == {"assault": 1, "other": 1}
    assert result.summary.by_category_detail == {"Assault": 1, "Fall": 1}


def test_validation():
    result = parse(
        row(),
        row(called="2025-06-01"),
        row(called="01/06/2024 25:00"),
        row(category=""),
        row(lsoa="", district="BH1 1AA"),
        row(lsoa="Bristol 061A"),
        row(lsoa="", district="bh1"),
        row(lsoa="", district=""),
    )
    assert result.errors[["row", "reason"]].to_records(index=False).tolist() == [
        (2, "future_date"),
        (3, "unparseable_date"),
        (4, "missing_value"),
        (5, "full_postcode"),
        (6, "bad_lsoa_code"),
    ]
    assert result.errors.set_index("row").loc[5, "value"] == ""
    assert result.records["postcode_district"].tolist() == [pd.NA, "BH1", pd.NA]
    assert result.summary.unplaced == 1


def test_several_vehicles_at_one_incident_are_one_call_out():
    columns = [*HEADER, "Incident reference"]
    result = parse(
        [*row(), "inc-1"], [*row(called="2024-06-01 01:25"), "inc-1"], [*row(), ""], [*row(), ""],
        columns=columns,
    )  # fmt: skip
    assert result.records["source_row"].tolist() == [1, 3, 4]
    assert result.summary.duplicates == 1
    assert result.summary.identical_rows == 1
    summary = result.summary
    assert summary.rows_read == summary.rows_loaded + summary.rows_rejected + summary.duplicates


def test_missing_columns():
    with pytest.raises(ReadError) as caught:
        ambulance.parse(table(["x", "y"], columns=["Date", "Area"]), today=TODAY)
    assert caught.value.code == "missing_columns"
    assert "'Call date and time'" in caught.value.message and "'Category'" in caught.value.message


def test_registered():
    assert get_parser("ambulance").parse is ambulance.parse
