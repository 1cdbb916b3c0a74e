"""The personal-data scanner: what it must catch, what it must let through, and that its
refusal names columns and row numbers but never a value."""

import random

import numpy as np
import pandas as pd
import pytest

from ingest.parsers.errors import ReadError
from ingest.parsers.pii import PiiScanner, scan_frame, scan_frames
from ingest.parsers.pii_names import classify_heading
from ingest.parsers.pii_values import nhs_check_digit_ok
from ingest.parsers.reading import open_table, read_table

from .corpus import write_text
from .synthetic import occurrence_extract

VALID_NHS = ["9434765919", "4010232137"]  # the NHS's own example number, and another valid one


def findings(frame: pd.DataFrame, **options) -> set[tuple[str, str, str]]:
    return {(f.column, f.kind, f.basis) for f in scan_frame(frame, **options).findings}


def frame_of(**columns: list[str]) -> pd.DataFrame:
    frame = pd.DataFrame({k: pd.Series(v, dtype=str) for k, v in columns.items()})
    frame.index = pd.RangeIndex(1, len(frame) + 1, name="row")
    return frame


# --- headings ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("heading", "kind"),
    [
        ("Surname", "name"),
        ("Forename", "name"),
        ("First Name", "name"),
        ("full_name", "name"),
        ("VictimName", "name"),
        ("Name", "name"),
        ("Officer name", "name"),
        ("Date of birth", "date_of_birth"),
        ("DateOfBirth", "date_of_birth"),
        ("DOB", "date_of_birth"),
        ("Victim_DOB", "date_of_birth"),
        ("Home address", "address"),
        ("Street address", "address"),
        ("Address line 1", "address"),
        ("Full postcode", "postcode"),
        ("NHS Number", "nhs_number"),
        ("NHSNo", "nhs_number"),
        ("PNC ID", "pnc_id"),
        ("Telephone", "phone"),
        ("Mobile", "phone"),
        ("Contact number", "phone"),
        ("Email", "email"),
        ("E-mail address", "email"),
    ],
)
def test_identifier_headings(heading, kind):
    assert classify_heading(heading) == kind


@pytest.mark.parametrize(
    "heading",
    [
        "LSOA name",
        "LSOA11NM",
        "Ward name",
        "WD19NM",
        "Offence name",
        "Local authority name",
        "Hospital name",
        "Street name",
        "Location",
        "Crime type",
        "Falls within",
        "Postcode",
        "Postcode district",
        "Address LSOA",
        "Address type",
        "IP address",
        "Email sent",
        "Mobile phone stolen",
        "Year of birth",
        "Age",
        "Occurrence reference",
    ],
)
def test_headings_that_are_not_identifiers(heading):
    assert classify_heading(heading) is None


def test_identifier_column_is_refused_with_rows_and_without_values():
    frame = frame_of(Ref=["1", "2", "3"], Surname=["Smith", "", "Jones"], Age=["34", "19", "50"])
    report = scan_frame(frame)
    assert not report.clean
    (finding,) = report.findings
    assert (finding.column, finding.kind, finding.basis) == ("Surname", "name", "heading")
    assert finding.rows == (1, 3)
    message = report.refusal_message()
    assert '"Surname"' in message and "rows 1 and 3" in message
    assert "Smith" not in message and "Jones" not in message


def test_identifier_heading_with_only_placeholders_or_wrong_shape_is_not_refused():
    frame = frame_of(
        Surname=["REDACTED", "", "n/a"],
        **{"Telephone contact made": ["Y", "N", "Y"], "Email": ["Yes", "No", "No"]},
    )
    assert scan_frame(frame).clean


# --- values ------------------------------------------------------------------------------


def test_full_postcodes_anywhere_but_not_outward_codes():
    frame = frame_of(
        Notes=["Seen near BH1 1AA at 10pm", "lives at bs8 1tz", "BH11AA", "Area BH1 only"],
        Area=["BH1", "BS8", "E01014399", "Bristol 061A"],
    )
    report = scan_frame(frame)
    assert [(f.column, f.kind, f.rows) for f in report.findings] == [
        ("Notes", "postcode", (1, 2, 3))
    ]


def test_emails_and_phones_in_free_text():
    frame = frame_of(
        Notes=[
            "contact j.bloggs@example.org",
            "rang 01202 123456",
            "mobile +44 7700 900123",
            "call (0117) 496 0000 after 6",
            "call 07700900123 tomorrow",
            "reported 01-02-2023 10:30, ref 2023/0412",
        ]
    )
    kinds = {f.kind: f.rows for f in scan_frame(frame).findings}
    assert kinds == {"email": (1,), "phone": (2, 3, 4, 5)}


def test_bare_digits_filling_a_cell_are_references_not_phones():
    frame = frame_of(Reference=["07700900123", "01202123456", "02079460000"], Other=["x", "y", "z"])
    assert scan_frame(frame).clean


def test_nhs_numbers_inside_free_text():
    frame = frame_of(
        Notes=[
            "Taken to A&E, NHS number 943 476 5919, discharged",
            "patient no. 4010232137 seen",
            "NHS no: 4010232137",
            "invoice 943-476-5910 paid",  # formatted but fails the check digit
            "order 4010232137 shipped",  # valid check digit, no NHS context
        ]
    )
    report = scan_frame(frame)
    assert [(f.kind, f.rows) for f in report.findings] == [("nhs_number", (1, 2, 3))]
    message = report.refusal_message()
    assert "NHS numbers" in message and "rows 1, 2 and 3" in message
    for value in ["943 476 5919", "4010232137", "A&E"]:
        assert value not in message


def test_bare_nhs_numbers_in_a_column_about_patients():
    frame = frame_of(**{"Patient ref": VALID_NHS + ["1234567890"]})
    (finding,) = scan_frame(frame).findings
    assert (finding.kind, finding.rows) == ("nhs_number", (1, 2))


def test_check_digit():
    assert all(nhs_check_digit_ok(n) for n in VALID_NHS)
    assert not nhs_check_digit_ok("9434765910")
    assert not nhs_check_digit_ok("0000000000")


def test_a_file_of_pseudonymised_10_digit_references_passes(tmp_path):
    rng = random.Random(7)
    refs = [f"{rng.randrange(10**9, 10**10)}" for _ in range(5_000)]
    passing = [r for r in refs if nhs_check_digit_ok(r)]
    assert len(passing) > 300  # so the test means something: many would pass a bare check
    lines = ["Occurrence reference,Month,Offence code"] + [f"{r},2023-04,8N" for r in refs]
    frame = read_table(write_text(tmp_path / "refs.csv", "\n".join(lines) + "\n")).frame
    assert scan_frame(frame).clean


# --- dates of birth ----------------------------------------------------------------------


def test_dates_of_birth_by_heading():
    frame = frame_of(DOB=["1990-01-02", ""], Month=["2023-04", "2023-05"])
    (finding,) = scan_frame(frame).findings
    assert (finding.kind, finding.basis, finding.rows) == ("date_of_birth", "heading", (1,))


def test_dates_of_birth_by_value_beside_an_event_date():
    frame = frame_of(
        **{
            "Date committed": ["2023-04-01", "2023-05-02", "2023-06-03", "2023-07-04"],
            "D2": ["12/03/1985", "01/01/2001", "30/06/1962", ""],
            "Date recorded": ["2023-04-02", "2023-05-30", "2023-06-03", "2023-07-09"],
        }
    )
    assert findings(frame) == {("D2", "date_of_birth", "values")}
    assert scan_frame(frame).findings[0].rows == (1, 2, 3)


def test_a_lone_date_column_needs_a_reference_date():
    frame = frame_of(D=["1985-03-12", "2001-01-01", "1962-06-30"])
    assert scan_frame(frame).clean
    assert findings(frame, reference_date=pd.Timestamp("2024-03-31")) == {
        ("D", "date_of_birth", "values")
    }


def test_recent_dates_are_not_birth_dates():
    frame = frame_of(Committed=["2020-01-01", "2021-06-01"], Recorded=["2023-04-01", "2023-05-01"])
    assert scan_frame(frame).clean


# --- chunks, caps, refusal ---------------------------------------------------------------


def test_chunks_are_numbered_by_their_index_and_rows_are_capped(tmp_path):
    lines = ["Ref,Notes"] + [
        f"R{i},{'call 01202 123456' if i % 1000 == 0 else 'ok'}" for i in range(30_000)
    ]
    path = write_text(tmp_path / "c.csv", "\n".join(lines) + "\n")
    report = scan_frames(open_table(path, chunk_rows=7_000))
    (finding,) = report.findings
    assert finding.row_count == 30
    assert finding.rows[:3] == (1, 1001, 2001)
    assert len(finding.rows) == 20
    assert report.rows_scanned == 30_000
    assert "and 10 more" in report.refusal_message()


def test_plain_frames_are_numbered_from_one_across_chunks():
    scanner = PiiScanner()
    scanner.scan(pd.DataFrame({"Notes": ["ok", "ok"]}))
    scanner.scan(pd.DataFrame({"Notes": ["ok", "x@example.org"]}))
    assert scanner.report().findings[0].rows == (4,)


def test_frames_with_missing_and_numeric_values():
    frame = pd.DataFrame({"Notes": ["a@b.co.uk", None, np.nan], "Count": [1, 2, 3]})
    assert findings(frame) == {("Notes", "email", "values")}


def test_identifiers_in_the_headings_are_found_and_not_repeated():
    # A file with no header row: its first data row became the headings.
    frame = frame_of(**{"Ref 1": ["x"], "BH1 1AA": ["BS8 1TZ"], "j.bloggs@example.org": ["z"]})
    report = scan_frame(frame)
    assert {(f.column, f.kind, f.basis) for f in report.findings} == {
        ("Column 2", "postcode", "heading_text"),
        ("Column 3", "email", "heading_text"),
        ("Column 2", "postcode", "values"),
    }
    message = report.refusal_message()
    assert "BH1 1AA" not in message and "BS8" not in message and "bloggs" not in message
    assert "in the column heading itself" in message


def test_raise_if_found():
    frame = frame_of(Email=["x@example.org"])
    with pytest.raises(ReadError) as caught:
        scan_frame(frame).raise_if_found()
    assert caught.value.code == "personal_data"
    assert "x@example.org" not in caught.value.message
    scan_frame(frame_of(Notes=["fine"])).raise_if_found()


# --- at scale ----------------------------------------------------------------------------


def test_a_realistic_depersonalised_extract_is_clean_and_injected_identifiers_are_found():
    frame = occurrence_extract(50_000)
    assert scan_frame(frame).clean
    frame.loc[123, "MO text"] = "victim's mobile 07700 900123"
    frame.loc[40_000, "MO text"] = "NHS number 943 476 5919"
    frame.loc[7, "Postcode district"] = "BH1 1AA"
    found = {(f.column, f.kind, f.rows) for f in scan_frame(frame).findings}
    assert found == {
        ("MO text", "phone", (123,)),
        ("MO text", "nhs_number", (40_000,)),
        ("Postcode district", "postcode", (7,)),
    }
