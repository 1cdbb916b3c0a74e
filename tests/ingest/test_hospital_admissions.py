"""Hospital admissions for assault: ICD-10 X85-Y09 in any position, X99 sharp object, ages
and bands, areas (never echoing a full postcode), and apportionment to local authorities."""

import datetime as dt

import pandas as pd
import pytest

from ingest.parsers import hospital_admissions as admissions
from ingest.parsers.errors import ReadError
from ingest.parsers.registry import get_parser

TODAY = dt.date(2025, 1, 15)
POSITIONS = ["Admission date", "Diagnosis 1", "Diagnosis 2", "Diagnosis 3", "Age", "Age band",
             "Sex", "Postcode district", "LSOA code"]  # fmt: skip


def table(columns: list[str], *rows: list[str]) -> pd.DataFrame:
    return pd.DataFrame(list(rows), columns=columns, index=range(1, len(rows) + 1), dtype="str")


def row(d1="S21.1", d2="X99.1", d3="", age="19", band="", sex="M", district="BH1", lsoa="",
        admitted="2024-05-01") -> list[str]:  # fmt: skip
    return [admitted, d1, d2, d3, age, band, sex, district, lsoa]


def parse(*rows) -> admissions.AdmissionsParse:
    return admissions.parse(table(POSITIONS, *rows), today=TODAY)


def test_canonical_record():
    result = parse(row())
    assert list(result.records.columns) == list(admissions.CANONICAL_COLUMNS)
    record = result.records.iloc[0]
    assert record["admitted_on"] == pd.Timestamp("2024-05-01")
    assert record["icd10_codes"] == "S21.1; X99.1"
    assert record["assault_code"] == "X99"
    assert bool(record["sharp_object"]) is True
    assert (record["age"], record["age_band"], bool(record["under_25"])) == (19, "15-19", True)
    assert (record["sex"], record["postcode_district"]) == ("male", "BH1")
    assert record["financial_year"] == "2024/25"
    summary = result.summary
    assert (summary.sharp_object, summary.under_25, summary.sharp_object_under_25) == (1, 1, 1)
    assert summary.by_category == {"X99": 1}


@pytest.mark.parametrize(
    "codes, assault, sharp",
    [
        (("X85", "", ""), "X85", False),
        (("S01.0", "W19", "Y09"), "Y09", False),  # any position, not only the first
        (("S21", "X991", ""), "X99", True),  # HES four-character code
        (("Y04X", "", ""), "Y04", False),  # HES filler
        (("S01 Y04.0", "", ""), "Y04", False),  # several codes in one cell
        (("x99", "", ""), "X99", True),
    ],
)
def test_assault_code_in_any_diagnosis_position(codes, assault, sharp):
    record = parse(row(*codes)).records.iloc[0]
    assert (record["assault_code"], bool(record["sharp_object"])) == (assault, sharp)


def test_codes_in_one_column():
    frame = table(["Admission date", "ICD-10 codes"], ["2024-05-01", "S21.1;X99.1, W10"])
    result = admissions.parse(frame, today=TODAY)
    assert result.records.iloc[0]["icd10_codes"] == "S21.1; X99.1; W10"
    assert result.records.iloc[0]["sex"] == "unknown"


def test_rows_without_an_assault_code_are_rejected():
    result = parse(row(), row("S01", "W10"), row("", ""), row("X84", "Y10"))
    assert result.errors[["row", "reason"]].to_records(index=False).tolist() == [
        (2, "no_assault_code"),
        (3, "missing_value"),
        (4, "no_assault_code"),  # X84 (self-harm) and Y10 (undetermined intent) are not assault
    ]
    assert result.errors["field"].iloc[0] == "Diagnosis 1 / Diagnosis 2 / Diagnosis 3"
    assert "X85 to Y09" in result.errors["message"].iloc[0]


def test_ages_and_bands():
    result = parse(
        row(age="", band="18-24"),
        row(age="", band="20-29"),  # straddles 25
        row(age="30", band="25 to 34"),
        row(age="85", band=""),
        row(age="130"),
        row(age="twenty"),
        row(age="30", band="18-24"),
        row(age="", band="young"),
    )
    loaded = result.records.set_index("source_row")
    assert loaded.loc[1, "under_25"] == True  # noqa: E712
    assert pd.isna(loaded.loc[2, "under_25"])
    assert (loaded.loc[3, "age_band"], loaded.loc[3, "under_25"]) == ("25-34", False)
    assert loaded.loc[4, "age_band"] == "85+"
    assert result.errors[["row", "reason"]].to_records(index=False).tolist() == [
        (5, "impossible_age"),
        (6, "unparseable_age"),
        (7, "age_band_mismatch"),
        (8, "unknown_age_band"),
    ]


def test_sex_codes():
    result = parse(row(sex="1"), row(sex="female"), row(sex="9"), row(sex=""), row(sex="?"))
    assert result.records["sex"].tolist() == ["male", "female", "other", "unknown"]
    assert result.errors[["row", "reason"]].to_records(index=False).tolist() == [(5, "unknown_sex")]


def test_areas_and_a_full_postcode_never_echoed():
    result = parse(
        row(district="bh8"),
        row(district="", lsoa="E01014399"),
        row(district=""),
        row(district="BH1 1AA"),
        row(district="Bournemouth"),
        row(district="", lsoa="E0101"),
    )
    assert result.records["postcode_district"].tolist()[:1] == ["BH8"]
    assert result.summary.unplaced == 1
    errors = result.errors.set_index("row")
    assert errors.loc[4, "reason"] == "full_postcode"
    assert errors.loc[4, "value"] == ""
    assert "1AA" not in errors.loc[4, "message"]
    assert errors.loc[5, "reason"] == "bad_postcode_district"
    assert errors.loc[6, "reason"] == "bad_lsoa_code"


def test_future_and_unparseable_admission_dates():
    result = parse(row(admitted="2025-03-01"), row(admitted="31/02/2024"), row())
    assert result.errors["reason"].tolist() == ["future_date", "unparseable_date"]


def test_admission_reference_folds_episodes_of_one_spell():
    columns = ["Admission date", "ICD-10 codes", "Admission reference"]
    frame = table(
        columns,
        ["2024-05-01", "X99", "a1"],
        ["2024-05-01", "X99", "a1"],
        ["2024-05-01", "X99", ""],
        ["2024-05-01", "X99", ""],
    )
    result = admissions.parse(frame, today=TODAY)
    assert result.records["source_row"].tolist() == [1, 3, 4]
    assert result.summary.duplicates == 1
    assert result.summary.identical_rows == 1  # the two rows with no reference


def test_no_diagnosis_column_is_a_missing_column():
    with pytest.raises(ReadError) as caught:
        admissions.parse(table(["Admission date", "Age"], ["2024-05-01", "20"]), today=TODAY)
    assert caught.value.code == "missing_columns"
    assert "Diagnosis 1" in caught.value.message


# --- apportionment -----------------------------------------------------------------------

LOOKUP = pd.DataFrame(
    {
        "postcode_district": ["BH1", "BH8", "bh 8", "DT1"],
        "local_authority_code": ["E06000058", "E06000058", "E06000059", "E06000059"],
        "share": [1.0, 0.7, 0.3, 1.0],
    }
)


def test_apportion_splits_records_by_share():
    records = parse(
        row(district="BH1"), row(district="BH8"), row(district="BH8"),
        row(district="SO14"), row(district="", lsoa="E01014399"),
    ).records  # fmt: skip
    result = admissions.apportion(records, LOOKUP)
    assert result.apportioned is True
    assert "apportioned" in result.method
    by_la = result.records.groupby("local_authority_code")["share"].sum()
    assert by_la.to_dict() == pytest.approx({"E06000058": 2.4, "E06000059": 0.6})
    assert result.placed == pytest.approx(3.0)
    assert result.unplaced_by_reason == {"district_not_in_lookup": 1, "no_postcode_district": 1}
    assert result.districts_not_in_lookup == ("SO14",)
    assert result.placed + len(result.unplaced) == pytest.approx(len(records))
    # Each record's shares add up to one record.
    assert result.records.groupby("source_row")["share"].sum().tolist() == pytest.approx([1] * 3)


def test_apportion_refuses_a_lookup_whose_shares_do_not_add_up():
    lookup = LOOKUP.assign(share=[1.0, 0.5, 0.3, 1.0])
    with pytest.raises(ReadError) as caught:
        admissions.apportion(parse(row()).records, lookup)
    assert caught.value.code == "bad_lookup"
    assert "BH8" in caught.value.message


def test_apportion_rescales_shares_within_tolerance():
    lookup = LOOKUP.assign(share=[1.0, 0.7, 0.305, 1.0])
    result = admissions.apportion(parse(row(district="BH8")).records, lookup)
    assert result.placed == pytest.approx(1.0)


def test_apportion_needs_the_lookup_columns():
    with pytest.raises(ReadError) as caught:
        admissions.apportion(parse(row()).records, LOOKUP.drop(columns="share"))
    assert caught.value.code == "bad_lookup"


def test_registered():
    spec = get_parser("hospital_admissions")
    assert spec.parse is admissions.parse
    assert spec.missing_columns(table(POSITIONS, row())) == []
