"""Police occurrence extracts: the duplicate rule, validation with row numbers, value
normalisation (dates, flags, ethnicity as given) on small built frames and on the
downloadable template read as a file; then a timing check at scale."""

import datetime as dt
import os
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from ingest.parsers import police_occurrences as po
from ingest.parsers.errors import ReadError
from ingest.parsers.reading import read_table
from ingest.parsers.registry import get_parser, source_keys

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = ROOT / "ingest" / "templates_data" / "police_occurrences_template.csv"
TODAY = dt.date(2025, 1, 15)
BASE = {
    "occurrence_ref": "REF-1",
    "committed_date": "2024-05-03",
    "recorded_date": "2024-05-04",
    "offence_code": "8N",
    "lsoa_code": "E01900001",
}


def extract(*rows: dict, **defaults) -> pd.DataFrame:
    """A frame as reading.py returns one: strings, '' for blank, data rows numbered from 1.

    Each row is BASE updated by `defaults` then by the row; references default to REF-n."""
    records = [
        {**BASE, "occurrence_ref": f"REF-{i}", **defaults, **row}
        for i, row in enumerate(rows, start=1)
    ]
    frame = pd.DataFrame(records).fillna("").astype(str)
    frame.index = pd.RangeIndex(1, len(frame) + 1, name="row")
    return frame


def parse(*rows: dict, **defaults) -> po.OccurrenceParse:
    return po.parse(extract(*rows, **defaults), today=TODAY)


def reasons(result: po.OccurrenceParse) -> list[tuple[int, str, str]]:
    return list(result.errors[["row", "field", "reason"]].itertuples(index=False, name=None))


# --- the template, read as a file ---------------------------------------------------------


def test_the_template_loads_whole():
    frame = read_table(TEMPLATE).frame
    assert list(frame.columns) == list(po.FIELDS)
    result = po.parse(frame, today=TODAY)
    assert result.errors.empty
    assert result.summary.rows_loaded == 3
    assert result.summary.non_recent == 1
    assert result.summary.fields_supplied == po.FIELDS
    assert list(result.records.columns) == list(po.CANONICAL_COLUMNS)
    assert result.records["category"].tolist() == ["abh", "violence_without_injury",
                                                   "sexual_assault"]  # fmt: skip


def test_canonical_types_and_derived_columns():
    result = parse({"committed_time": "23:40", "knife": "Y", "location_type": "Street"})
    row = result.records.iloc[0]
    assert row["committed_date"] == pd.Timestamp("2024-05-03")
    assert row["recorded_date"] == pd.Timestamp("2024-05-04")
    assert row["committed_time"] == "23:40"
    assert (row["category"], row["offence_group"], row["offence_subgroup"]) == (
        "abh",
        "Violence against the person",
        "Violence with injury",
    )
    assert row["financial_year"] == "2024/25"
    assert bool(row["public_place"]) and bool(row["knife"]) and not bool(row["non_recent"])
    dtypes = result.records.dtypes.astype(str)
    assert dtypes["victim_age"] == "Int64"
    assert dtypes["knife"] == "bool"
    assert dtypes["occurrence_ref"] == "string"


def test_financial_years_run_april_to_march():
    result = parse(
        {"committed_date": "2024-03-31", "recorded_date": "2024-04-01"},
        {"committed_date": "2024-04-01", "recorded_date": "2024-04-01"},
    )
    assert result.records["financial_year"].tolist() == ["2023/24", "2024/25"]
    assert result.summary.by_financial_year == {"2023/24": 1, "2024/25": 1}


# --- dates and times ------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    ["2024-04-05", "2024-4-5", "05/04/2024", "5/4/2024", "05-04-2024", "05.04.2024",
     "05-Apr-2024", "5 April 2024", "45387", "2024-04-05T00:00:00Z"],
)  # fmt: skip
def test_date_layouts_day_first(text):
    result = parse({"committed_date": text, "recorded_date": "2024-04-06"})
    assert result.errors.empty, result.errors.to_dict("records")
    assert result.records["committed_date"].iloc[0] == pd.Timestamp("2024-04-05")


def test_times_in_the_date_column_become_committed_time():
    result = parse(
        {"committed_date": "05/04/2024 23:40"},
        {"committed_date": "2024-04-05 00:00:00"},  # a real midnight beside real times
        {"committed_date": "45387.75"},  # Excel serial: 18:00
        {"committed_date": "2024-04-05"},
        recorded_date="2024-04-06",
    )
    assert result.records["committed_time"].tolist() == ["23:40", "00:00", "18:00", pd.NA]


def test_midnight_everywhere_means_no_times():
    result = parse({"committed_date": "2024-04-05 00:00:00"}, {"committed_date": "2024-04-01"})
    assert result.records["committed_time"].isna().all()


def test_committed_time_layouts():
    times = ["23:40", "2340", "940", "23:40:59", "0.5", "2024-04-05 07:15:00", ""]
    result = parse(*({"committed_time": t} for t in times))
    expected = ["23:40", "23:40", "09:40", "23:40", "12:00", "07:15", pd.NA]
    assert result.records["committed_time"].tolist() == expected


# --- validation ---------------------------------------------------------------------------


def test_rows_with_errors_are_rejected_with_row_numbers_and_reasons():
    result = parse(
        {},
        {"committed_date": "31/02/2024"},
        {"committed_date": "yesterday"},
        {"recorded_date": "2025-01-16"},  # the day after TODAY
        {"committed_date": "2024-05-10", "recorded_date": "2024-05-01"},
        {"offence_code": "ZZ9"},
        {"victim_age": "121"},
        {"suspect_age": "-1"},
        {"victim_age": "twelve"},
        {"lsoa_code": "E0190"},
        {"committed_time": "25:00"},
        {"occurrence_ref": "", "offence_code": ""},
        {"committed_date": "1899-12-31"},
        {},
        victim_age="30",
    )
    assert reasons(result) == [
        (2, "committed_date", "unparseable_date"),
        (3, "committed_date", "unparseable_date"),
        (4, "recorded_date", "future_date"),
        (5, "recorded_date", "recorded_before_committed"),
        (6, "offence_code", "unknown_offence_code"),
        (7, "victim_age", "impossible_age"),
        (8, "suspect_age", "impossible_age"),
        (9, "victim_age", "unparseable_age"),
        (10, "lsoa_code", "bad_lsoa_code"),
        (11, "committed_time", "unparseable_time"),
        (12, "occurrence_ref", "missing_value"),
        (12, "offence_code", "missing_value"),
        (13, "committed_date", "unparseable_date"),
    ]
    assert result.summary.rows_rejected == 12
    assert result.summary.rows_loaded == 2
    assert result.records["source_row"].tolist() == [1, 14]
    assert result.errors.loc[0, "value"] == "31/02/2024"  # the value, for the error download
    assert set(result.errors["reason"]) <= set(po.ERROR_REASONS)
    for message, value in result.errors[["message", "value"]].itertuples(index=False):
        assert message.endswith(".")
        assert not value or value not in message  # messages never echo a value


def test_today_is_not_the_future():
    result = parse({"committed_date": "2025-01-15", "recorded_date": "15/01/2025 23:59"})
    assert result.errors.empty


def test_no_errors_gives_an_empty_frame_with_the_columns():
    assert list(parse({}).errors.columns) == list(po.ERROR_COLUMNS)


def test_non_recent_is_recorded_a_year_or_more_later():
    result = parse(
        {"committed_date": "2023-05-04", "recorded_date": "2024-05-03"},  # 365 days
        {"committed_date": "2023-05-05", "recorded_date": "2024-05-03"},  # 364 days
    )
    assert result.records["non_recent"].tolist() == [True, False]
    assert result.summary.non_recent == 1


@pytest.mark.parametrize(
    ("written", "code", "category"),
    [("8n", "8N", "abh"), (" 37/2 ", "37.2", "other"), ("37.1", "37.1",
     "other_violence_with_injury"), ("1", "1/4.1/4.10/4.2", "homicide"),
     ("4.1", "1/4.1/4.10/4.2", "homicide"), ("105a", "105A", "violence_without_injury"),
     ("10D", "10D", "weapon_possession")],
)  # fmt: skip
def test_offence_code_spellings_resolve_to_the_taxonomy(written, code, category):
    row = parse({"offence_code": written}).records.iloc[0]
    assert (row["offence_code"], row["category"]) == (code, category)


def test_weapon_type_comes_from_the_code():
    records = parse({"offence_code": "10D"}, {"offence_code": "8N"}).records
    assert records["weapon_type"].tolist() == ["blade_or_point", pd.NA]


# --- the rule for what counts as one occurrence --------------------------------------------


def test_repeated_reference_is_one_occurrence_with_the_last_row():
    result = parse(
        {"occurrence_ref": "A", "offence_code": "105A", "outcome": "Under investigation"},
        {"occurrence_ref": "B"},
        {"occurrence_ref": "A", "offence_code": "8N", "outcome": "Outcome 1"},
        {"occurrence_ref": "A", "offence_code": "8N", "outcome": "Outcome 15"},
    )
    summary = result.summary
    assert (summary.rows_read, summary.rows_loaded, summary.rows_rejected) == (4, 2, 0)
    assert (summary.duplicates, summary.duplicate_refs, summary.duplicates_other_offence) == (
        2,
        1,
        1,
    )
    kept = result.records.set_index("occurrence_ref").loc["A"]
    assert (kept["source_row"], kept["outcome"]) == (4, "Outcome 15")
    assert result.duplicates.to_dict("records") == [
        {"row": 1, "kept_row": 4, "occurrence_ref": "A", "offence_code": "105A",
         "kept_offence_code": "8N"},
        {"row": 3, "kept_row": 4, "occurrence_ref": "A", "offence_code": "8N",
         "kept_offence_code": "8N"},
    ]  # fmt: skip


def test_a_rejected_repeat_does_not_hide_the_valid_row():
    result = parse({"occurrence_ref": "A"}, {"occurrence_ref": "A", "offence_code": "ZZ9"})
    assert result.summary.rows_loaded == 1
    assert result.summary.duplicates == 0
    assert result.records["source_row"].tolist() == [1]


# --- values -------------------------------------------------------------------------------


def test_flags_and_unknowns():
    values = ["Y", "n", "Yes", "NO", "1", "0", "True", "false", "", "maybe"]
    result = parse(*({"knife": v} for v in values))
    assert result.records["knife"].tolist() == [True, False, True, False, True, False,
                                                True, False, False, False]  # fmt: skip
    assert result.summary.flag_unknown == {"knife": 2}
    assert result.summary.unrecognised == {"knife": 1}


def test_ethnicity_is_kept_as_given_and_its_basis_read_per_value():
    codes = ["W1", "ic3", "IC 3", "NS", "M9", "White British", ""]
    result = parse(*({"victim_ethnicity": c} for c in codes))
    assert result.records["victim_ethnicity"].tolist() == [*codes[:-1], pd.NA]
    assert result.records["victim_ethnicity_basis"].tolist() == [
        "self-defined", "officer-defined", "officer-defined", "self-defined", "self-defined",
        pd.NA, pd.NA,
    ]  # fmt: skip
    assert result.summary.ethnicity_basis["victim officer-defined"] == 2


def test_a_basis_column_is_used_where_it_says_something():
    result = parse(
        {"suspect_ethnicity": "W1", "suspect_ethnicity_basis": "ODE"},
        {"suspect_ethnicity": "W1", "suspect_ethnicity_basis": ""},
        {"suspect_ethnicity": "IC1", "suspect_ethnicity_basis": "???"},
        {"suspect_ethnicity": "", "suspect_ethnicity_basis": "Self-defined"},
    )
    assert result.records["suspect_ethnicity_basis"].tolist() == [
        "officer-defined", "self-defined", "officer-defined", pd.NA,
    ]  # fmt: skip
    assert result.summary.unrecognised == {"suspect_ethnicity_basis": 1}


def test_sex_location_and_outcome_vocabularies():
    rows = [
        {"victim_sex": "M", "location_type": "STREET/ROAD", "outcome": "22"},
        {"victim_sex": "female", "location_type": "Public house", "outcome": "OC22"},
        {"victim_sex": "Not known", "location_type": "DWELLING - HOUSE/FLAT",
         "outcome": "Outcome 22 - Diversionary, educational or intervention activity"},
        {"victim_sex": "?", "location_type": "Boat", "outcome": "Charged"},
        {"victim_sex": "", "location_type": "", "outcome": ""},
    ]  # fmt: skip
    records = parse(*rows).records
    assert records["victim_sex"].tolist() == ["male", "female", "unknown", pd.NA, pd.NA]
    assert records["location_type"].tolist() == [
        "public_place", "licensed_premises", "dwelling", "other", pd.NA,
    ]  # fmt: skip
    assert records["public_place"].tolist() == [True, True, False, False, False]
    assert records["outcome"].tolist() == ["Outcome 22"] * 3 + ["Charged", pd.NA]


def test_ages():
    result = parse(*({"victim_age": a} for a in ["0", "120", "45.0", " 7 ", ""]))
    assert result.records["victim_age"].tolist() == [0, 120, 45, 7, pd.NA]
    assert parse({"victim_age": "12.5"}).errors["reason"].tolist() == ["impossible_age"]


def test_blank_lsoa_loads_and_counts_as_missing_location():
    result = parse({"lsoa_code": ""}, {"lsoa_code": " e01900002 "})
    assert result.errors.empty
    assert result.records["lsoa_code"].tolist() == [pd.NA, "E01900002"]
    assert result.summary.missing_shares["lsoa_code"] == 0.5


def test_summary_shares_period_and_fields():
    result = parse(
        {"committed_date": "2023-04-01", "victim_ethnicity": "W1", "victim_age": "20"},
        {"committed_date": "2024-03-31", "victim_ethnicity": "", "victim_age": "21"},
        recorded_date="2024-04-01",
    )
    summary = result.summary
    assert (summary.period_start, summary.period_end) == (dt.date(2023, 4, 1),
                                                          dt.date(2024, 3, 31))  # fmt: skip
    assert summary.missing_shares["victim_ethnicity"] == 0.5
    assert summary.missing_shares["victim_age"] == 0.0
    assert summary.missing_shares["suspect_age"] == 1.0  # no column at all
    assert summary.by_category == {"abh": 2}
    assert "suspect_age" not in summary.fields_supplied
    assert summary.flag_unknown == {}  # no flag columns, so nothing to count


def test_chunks_combined_equal_the_whole_file():
    rows = [
        {"occurrence_ref": "A", "knife": "Y"},
        {"occurrence_ref": "B", "knife": ""},
        {"occurrence_ref": "A", "offence_code": "105A"},  # repeats row 1, same chunk
        {"occurrence_ref": "C", "victim_age": "200"},
        {"occurrence_ref": "A", "knife": "maybe"},  # repeats A across chunks
        {"occurrence_ref": "B", "committed_date": "2022-01-01"},
        {"occurrence_ref": "D", "offence_code": "ZZ9"},
    ]
    frame = extract(*rows)
    whole = po.parse(frame, today=TODAY)
    parts = [po.parse(frame.iloc[i : i + 3], today=TODAY) for i in range(0, len(frame), 3)]
    combined = po.combine(parts)
    pd.testing.assert_frame_equal(combined.records, whole.records)
    pd.testing.assert_frame_equal(combined.errors, whole.errors)
    pd.testing.assert_frame_equal(combined.duplicates, whole.duplicates)
    assert combined.summary == whole.summary
    assert whole.duplicates[["row", "kept_row"]].to_dict("records") == [
        {"row": 1, "kept_row": 5}, {"row": 2, "kept_row": 6}, {"row": 3, "kept_row": 5},
    ]  # fmt: skip


# --- columns and mappings ----------------------------------------------------------------


def test_missing_required_columns():
    frame = extract({}).drop(columns=["lsoa_code", "offence_code"])
    with pytest.raises(ReadError) as caught:
        po.parse(frame, today=TODAY)
    assert caught.value.code == "missing_columns"
    assert "'offence_code'" in caught.value.message and "'lsoa_code'" in caught.value.message


def test_headings_match_ignoring_case_and_spacing():
    frame = extract({}).rename(columns=lambda c: f" {c.upper()}  ")
    assert po.parse(frame, today=TODAY).summary.rows_loaded == 1


def test_parse_with_a_mapping():
    headings = {"occurrence_ref": "Crime Ref", "committed_date": "Offence Date",
                "recorded_date": "Date Recorded", "offence_code": "HO Code",
                "lsoa_code": "LSOA", "victim_age": "Vic Age"}  # fmt: skip
    frame = extract({"victim_age": "19"}).rename(columns=headings)
    frame["Unmapped"] = "x"
    mapping = {field: heading.lower() for field, heading in headings.items()}
    result = po.parse(frame, mapping=mapping, today=TODAY)
    assert result.records["victim_age"].tolist() == [19]
    assert result.summary.fields_supplied == (
        "occurrence_ref", "committed_date", "recorded_date", "offence_code", "lsoa_code",
        "victim_age",
    )  # fmt: skip


def test_a_mapping_that_no_longer_fits_the_file_is_refused():
    frame = extract({})
    mapping = {f: f for f in po.REQUIRED_FIELDS if f != "lsoa_code"} | {"knife": "Knife Flag"}
    with pytest.raises(ReadError) as caught:
        po.parse(frame, mapping=mapping, today=TODAY)
    assert caught.value.code == "missing_columns"
    assert caught.value.details["missing"] == ["lsoa_code", "knife"]
    assert "'Knife Flag'" in caught.value.message


def test_registry():
    spec = get_parser("police_occurrences")
    assert {"police_occurrences", "police_uk_street"} <= set(source_keys())
    assert spec.parse is po.parse
    assert spec.required_columns == po.REQUIRED_FIELDS
    assert spec.missing_columns(extract({})) == []
    assert spec.missing_columns(extract({}).drop(columns=["lsoa_code"])) == ["lsoa_code"]


def test_the_new_pure_modules_load_no_django():
    code = (
        "import sys\n"
        "import ingest.parsers.police_occurrences, ingest.parsers.mapping, ingest.synthetic\n"
        "assert not [m for m in sys.modules if m.split('.')[0] == 'django'], 'django imported'\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr


# --- scale ----------------------------------------------------------------------------


def test_parsing_is_vectorised():
    """200,000 rows in seconds (1,000,000 are measured in the report): a loop in Python
    over rows and columns would take minutes."""
    from ingest.synthetic import geography, police_occurrences

    places = geography({"E06000058": "Bournemouth, Christchurch and Poole"}, 40, seed=1)
    frame = police_occurrences(places, 2019, 2, 100_000, seed=1)
    started = time.process_time()
    result = po.parse(frame, today=TODAY)
    assert time.process_time() - started < 20
    assert result.summary.rows_loaded == 200_000
