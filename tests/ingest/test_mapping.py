"""Column mapping proposals for police occurrence extracts, on realistic header variants
written out by hand: the canonical template, a Niche-style export, another force's
database naming, and files whose headings say nothing (values only)."""

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from ingest.parsers import police_occurrences as po
from ingest.parsers.errors import ReadError
from ingest.parsers.mapping import (
    Proposal,
    apply_mapping,
    mapping_from,
    propose_mapping,
    validate_mapping,
)
from ingest.parsers.reading import read_table
from ingest.parsers.registry import get_parser

TEMPLATE = (
    Path(__file__).resolve().parents[2] / "ingest/templates_data/police_occurrences_template.csv"
)


def table(header: list[str], *rows: list[str]) -> pd.DataFrame:
    frame = pd.DataFrame([dict(zip(header, r, strict=True)) for r in rows], dtype=str)
    frame.index = pd.RangeIndex(1, len(frame) + 1, name="row")
    return frame


def proposed(frame: pd.DataFrame) -> dict[str, Proposal]:
    proposals = propose_mapping(list(frame.columns), frame)
    assert [p.field for p in proposals] == list(po.FIELDS)
    headings = [p.heading for p in proposals if p.heading]
    assert len(headings) == len(set(headings)), "a heading was proposed twice"
    return {p.field: p for p in proposals}


def test_the_template_maps_every_field_with_full_confidence():
    frame = read_table(TEMPLATE).frame
    proposals = proposed(frame)
    assert {f: p.heading for f, p in proposals.items()} == {f: f for f in po.FIELDS}
    assert {p.confidence for p in proposals.values()} == {1.0}
    assert all(p.required == (p.field in po.REQUIRED_FIELDS) for p in proposals.values())


# A Niche-style export: CamelCase reference, a committed window, reported date-time,
# HO code, Y/N markers, victim and suspect abbreviated, SDE and ODE ethnicity side by side.
NICHE = table(
    ["OccurrenceRef", "Committed From Date", "Committed From Time", "Committed To Date",
     "Reported Date", "HO Code", "Offence Title", "LSOA", "Ward Name", "Beat Code",
     "Location Type", "DA Flag", "Knife Flag", "Firearm Flag", "Alcohol Flag", "Drugs Flag",
     "Hate Crime Flag", "Vic Age", "Vic Gender", "Vic Eth (ODE)", "Vic Eth (SDE)",
     "Susp Age", "Susp Gender", "Susp Eth (SDE)", "Outcome Code", "Force"],
    ["9F2C41D0AA", "03/05/2024", "23:40", "04/05/2024", "04/05/2024 01:12", "8N",
     "ASSAULT WITH INJURY", "E01900001", "Central", "BT01", "STREET/ROAD", "N", "Y", "N", "Y",
     "N", "N", "23", "M", "IC1", "W1", "25", "M", "W1", "15", "Synthetic Constabulary"],
    ["1B77E03C5D", "14/06/2024", "19:05", "", "14/06/2024 20:30", "105A",
     "ASSAULT WITHOUT INJURY", "E01900002", "Central", "BT01", "DWELLING - HOUSE/FLAT", "Y",
     "N", "N", "N", "N", "N", "41", "F", "IC1", "W2", "44", "M", "", "14",
     "Synthetic Constabulary"],
    ["C0DE5EED01", "20/11/2019", "", "", "01/07/2024 10:00", "20A",
     "SEXUAL ASSAULT ON A FEMALE AGED 13 AND OVER", "E01900003", "Park", "BT02",
     "PUB/BAR/NIGHTCLUB", "N", "N", "N", "Y", "N", "N", "17", "F", "IC3", "B2", "", "", "",
     "UI", "Synthetic Constabulary"],
)  # fmt: skip


def test_a_niche_style_export():
    proposals = proposed(NICHE)
    got = {f: p.heading for f, p in proposals.items() if p.heading}
    assert got == {
        "occurrence_ref": "OccurrenceRef",
        "committed_date": "Committed From Date",  # not the end of the window
        "committed_time": "Committed From Time",
        "recorded_date": "Reported Date",
        "offence_code": "HO Code",
        "offence_description": "Offence Title",
        "lsoa_code": "LSOA",
        "beat": "Beat Code",
        "location_type": "Location Type",
        "domestic_abuse": "DA Flag",
        "knife": "Knife Flag",
        "firearm": "Firearm Flag",
        "alcohol": "Alcohol Flag",
        "drugs": "Drugs Flag",
        "hate": "Hate Crime Flag",
        "victim_age": "Vic Age",
        "victim_sex": "Vic Gender",
        "victim_ethnicity": "Vic Eth (SDE)",  # self-defined preferred to the officer's
        "suspect_age": "Susp Age",
        "suspect_sex": "Susp Gender",
        "suspect_ethnicity": "Susp Eth (SDE)",
        "outcome": "Outcome Code",
    }
    # Ward names are not ward codes: offered, if at all, only with doubt.
    assert proposals["ward_code"].heading in (None, "Ward Name")
    assert proposals["ward_code"].confidence < 0.5
    assert "self-defined" in proposals["victim_ethnicity"].reason
    assert all(proposals[f].confidence >= 0.9 for f in po.REQUIRED_FIELDS)
    assert proposals["committed_date"].confidence > 0.9

    mapping = mapping_from(proposals.values(), min_confidence=0.5)
    result = po.parse(NICHE, mapping=mapping, today=dt.date(2025, 1, 1))
    assert result.errors.empty
    assert result.records["recorded_date"].tolist() == [
        pd.Timestamp("2024-05-04"), pd.Timestamp("2024-06-14"), pd.Timestamp("2024-07-01"),
    ]  # fmt: skip
    assert result.records["outcome"].tolist() == ["Outcome 15", "Outcome 14", "UI"]


# Another force: database column names, upper case with underscores, other words.
OTHER_FORCE = table(
    ["CRIME_REF", "DATE_COMMITTED", "TIME_COMMITTED", "DATE_RECORDED", "HOCR", "CRIME_DESC",
     "LSOA11CD", "WARD_CD", "BEAT", "LOCATION_CATEGORY", "DOMESTIC_ABUSE_MARKER",
     "KNIFE_ENABLED", "FIREARMS_MARKER", "ALCOHOL_RELATED", "DRUG_RELATED", "HATE_MARKER",
     "VICTIM_AGE_AT_OFFENCE", "VICTIM_SEX", "VICTIM_ETHNICITY", "VICTIM_ETHNICITY_TYPE",
     "OFFENDER_AGE", "OFFENDER_GENDER", "OFFENDER_ETHNICITY", "OFFENDER_ETHNICITY_TYPE",
     "OUTCOME_TYPE", "EXTRACT_RUN_DATE"],
    ["CR/000123/24", "2024-05-03 23:40:00", "2340", "2024-05-04 00:00:00", "8N", "Assault ABH",
     "E01900001", "E05900001", "BT01", "Public place", "0", "1", "0", "1", "0", "0", "23",
     "Male", "W1", "SDE", "25", "Male", "IC1", "ODE", "Outcome 15", "2024-12-01"],
    ["CR/000456/24", "2024-06-14 19:05:00", "1905", "2024-06-14 00:00:00", "105A",
     "Common assault", "E01900002", "E05900001", "BT01", "Dwelling", "1", "0", "0", "0", "0",
     "0", "41", "Female", "W2", "SDE", "44", "Male", "W1", "SDE", "Outcome 14", "2024-12-01"],
)  # fmt: skip


def test_another_forces_naming():
    got = {f: p.heading for f, p in proposed(OTHER_FORCE).items()}
    assert got == {
        "occurrence_ref": "CRIME_REF",
        "committed_date": "DATE_COMMITTED",
        "committed_time": "TIME_COMMITTED",
        "recorded_date": "DATE_RECORDED",
        "offence_code": "HOCR",
        "offence_description": "CRIME_DESC",
        "lsoa_code": "LSOA11CD",
        "ward_code": "WARD_CD",
        "beat": "BEAT",
        "location_type": "LOCATION_CATEGORY",
        "domestic_abuse": "DOMESTIC_ABUSE_MARKER",
        "knife": "KNIFE_ENABLED",
        "firearm": "FIREARMS_MARKER",
        "alcohol": "ALCOHOL_RELATED",
        "drugs": "DRUG_RELATED",
        "hate": "HATE_MARKER",
        "victim_age": "VICTIM_AGE_AT_OFFENCE",
        "victim_sex": "VICTIM_SEX",
        "victim_ethnicity": "VICTIM_ETHNICITY",
        "victim_ethnicity_basis": "VICTIM_ETHNICITY_TYPE",
        "suspect_age": "OFFENDER_AGE",
        "suspect_sex": "OFFENDER_GENDER",
        "suspect_ethnicity": "OFFENDER_ETHNICITY",
        "suspect_ethnicity_basis": "OFFENDER_ETHNICITY_TYPE",
        "outcome": "OUTCOME_TYPE",
    }
    mapping = mapping_from(propose_mapping(list(OTHER_FORCE.columns), OTHER_FORCE))
    result = po.parse(OTHER_FORCE, mapping=mapping, today=dt.date(2025, 1, 1))
    assert result.errors.empty
    assert result.records["suspect_ethnicity_basis"].tolist() == ["officer-defined",
                                                                  "self-defined"]  # fmt: skip


def test_values_alone_point_to_offence_codes_and_lsoas_but_not_to_which_flag():
    frame = table(
        ["Column 1", "Column 2", "Column 3", "Column 4"],
        ["8N", "E01900001", "Y", "2024-05-03"],
        ["105A", "W01000002", "N", "2024-05-04"],
        ["34B", "E01900003", "N", "2024-05-05"],
    )
    proposals = proposed(frame)
    assert proposals["offence_code"].heading == "Column 1"
    assert proposals["lsoa_code"].heading == "Column 2"
    for field in ("offence_code", "lsoa_code"):
        assert 0.3 <= proposals[field].confidence <= 0.5
        assert "no heading matched" in proposals[field].reason
    # Y/N could be any of six flags and a date either date: the analyst must say which.
    assert {p.heading for p in proposals.values()} == {"Column 1", "Column 2", None}
    assert proposals["committed_date"].reason.endswith("this field is required")


def test_values_that_contradict_the_heading_lower_the_confidence():
    frame = table(["LSOA", "HO Code"], ["Bournemouth 001A", "8N"], ["Poole 002B", "105A"])
    proposals = proposed(frame)
    assert proposals["lsoa_code"].heading == "LSOA"
    assert proposals["lsoa_code"].confidence < 0.5
    assert "only 0% of the values are LSOA codes" in proposals["lsoa_code"].reason
    assert proposals["offence_code"].confidence == 0.95


def test_a_sample_without_a_column_is_judged_on_the_heading():
    proposals = proposed(table(["Crime Reference"], ["x"]).iloc[:0])
    assert proposals["occurrence_ref"].heading == "Crime Reference"
    assert proposals["occurrence_ref"].confidence == 0.9


# --- validating and applying ----------------------------------------------------------


def test_validate_mapping_lists_every_problem():
    columns = ["Ref", "Date", "Code", "LSOA"]
    mapping = {"occurrence_ref": "Ref", "committed_date": "Date", "recorded_date": "Date",
               "offence_code": "Nope", "victim_shoe_size": "Ref"}  # fmt: skip
    messages = [p.message for p in validate_mapping(mapping, columns)]
    assert messages == [
        "'victim_shoe_size' is not a field of a police occurrence extract.",
        "Choose the column that holds lsoa_code: it is required.",
        "The column 'Nope' chosen for offence_code is not in the file.",
        "The column 'Date' is chosen for committed_date and recorded_date: a column can hold "
        "only one field.",
    ]
    good = {"occurrence_ref": "ref", "committed_date": "Date", "recorded_date": "Code",
            "offence_code": "LSOA", "lsoa_code": "Ref "}  # fmt: skip
    assert [p.message for p in validate_mapping(good, columns)] == [
        "The column 'Ref' is chosen for occurrence_ref and lsoa_code: a column can hold only "
        "one field."
    ]


def test_apply_mapping():
    frame = OTHER_FORCE
    mapping = mapping_from(propose_mapping(list(frame.columns), frame))
    canonical = apply_mapping(frame, mapping)
    assert list(canonical.columns) == list(po.FIELDS)
    assert canonical.index.equals(frame.index)
    assert get_parser("police_occurrences").missing_columns(canonical) == []
    assert po.parse(canonical, today=dt.date(2025, 1, 1)).summary.rows_loaded == 2
    with pytest.raises(ReadError) as caught:
        apply_mapping(frame, {**mapping, "lsoa_code": "", "beat": "HOCR"})
    assert caught.value.code == "bad_mapping"
    assert "lsoa_code: it is required" in caught.value.message
    assert "'HOCR' is chosen for offence_code and beat" in caught.value.message
    assert len(caught.value.details["problems"]) == 2


def test_mapping_from_drops_doubtful_proposals():
    proposals = [
        Proposal("occurrence_ref", "Ref", 0.9, "", True),
        Proposal("beat", "Area", 0.4, "", False),
        Proposal("ward_code", None, 0.0, "", False),
    ]
    assert mapping_from(proposals) == {"occurrence_ref": "Ref", "beat": "Area"}
    assert mapping_from(proposals, min_confidence=0.5) == {"occurrence_ref": "Ref"}
