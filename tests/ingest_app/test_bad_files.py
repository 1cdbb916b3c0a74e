"""The corpus of bad files, through the whole upload path: each gets its own clear error,
and nothing already stored changes."""

from datetime import date, timedelta
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError

from ingest import processing, services, synthetic
from ingest.models import Extract, PoliceOccurrence, RowError, StreetCrime
from tests.ingest import corpus


@pytest.fixture
def force(world):
    return world.home.seats.get(organisation__sector="police").organisation


@pytest.fixture
def loaded(world, force, tmp_path):
    """A good file already loaded: the bad ones must leave it exactly as it is."""
    good = corpus.street_csv(tmp_path / "good.csv",
                             [corpus.street_row(crime_id=f"{i:064x}") for i in range(7)])
    extract = receive_and_process(world.home, force, "police_uk_street", good)
    assert extract.status == Extract.Status.LOADED
    return extract


def receive_and_process(partnership, organisation, source, path: Path, sheet="") -> Extract:
    extract = services.extract_receive(
        partnership=partnership, organisation=organisation, source_key=source,
        filename=path.name, chunks=[path.read_bytes()], uploaded_by=None, sheet=sheet,
        enqueue=False)
    return process(extract)


def process(extract: Extract) -> Extract:
    claimed = processing.claim(extract.pk)
    processing.process(claimed)
    extract.refresh_from_db()
    return extract


def stored_state():
    return (StreetCrime.objects.count(), PoliceOccurrence.objects.count(),
            RowError.objects.count(),
            sorted(Extract.objects.filter(status="loaded").values_list("pk", flat=True)))


def write_bytes(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


HEADER = corpus.STREET_HEADER
BAD_FILES = {
    "header_only": (lambda d: corpus.write_text(d / "h.csv", HEADER + "\n"),
                    "header_only", "no data"),
    "bad_delimiter": (lambda d: corpus.write_text(
        d / "d.csv", HEADER + "\n" + corpus.street_row().replace(",", ";") + "\n"),
        "bad_delimiter", "separat"),
    "truncated_row": (lambda d: corpus.write_text(
        d / "t.csv", HEADER + "\n" + corpus.street_row() + "\n" + "abc,2023-04,x\n"),
        "ragged_rows", "row 2"),
    "sheet_not_found": (lambda d: corpus.write_xlsx(
        d / "s.xlsx", {"April": [["Month"], ["2023-04"]], "May": [["Month"], ["2023-05"]]}),
        "sheet_not_found", "April"),
    "zip_bomb": (lambda d: corpus.write_xlsx_bomb(d / "b.xlsx"), "zip_bomb", ""),
    "identifier_columns": (lambda d: corpus.write_text(
        d / "i.csv", "Reference,Surname,Date of birth,Month\n1,Smith,01/02/1990,2023-04\n"),
        "personal_data", "Surname"),
    "nhs_number_in_free_text": (lambda d: corpus.write_text(
        d / "n.csv", "Reference,Notes\nR1,seen at A&E NHS number 943 476 5919 today\n"
        "R2,nothing to note\n"), "personal_data", "Notes"),
}


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_bad_file_is_refused_clearly_and_changes_nothing(world, force, loaded, tmp_path, name):
    build, code, phrase = BAD_FILES[name]
    before = stored_state()
    path = build(tmp_path)
    sheet = "June" if name == "sheet_not_found" else ""  # as import_extract --sheet June
    extract = receive_and_process(world.home, force, "police_uk_street", path, sheet=sheet)
    assert extract.status == Extract.Status.REFUSED, extract.message
    assert extract.report.get("refusal") == code
    assert phrase.lower() in extract.message.lower()
    assert "943 476 5919" not in extract.message and "Smith" not in extract.message
    assert extract.stored_path == ""  # deleted from quarantine
    assert stored_state() == before


def test_empty_file_is_refused_before_anything_is_recorded(world, force, loaded, tmp_path):
    before, extracts = stored_state(), Extract.objects.count()
    with pytest.raises(ValidationError, match="empty"):
        receive_and_process(world.home, force, "police_uk_street",
                            corpus.write_text(tmp_path / "e.csv", ""))
    assert stored_state() == before and Extract.objects.count() == extracts


def test_over_the_size_limit_is_refused_while_uploading(world, force, loaded, tmp_path,
                                                       settings):
    settings.INGEST_MAX_UPLOAD_BYTES = 1000
    settings.INGEST_QUARANTINE_DIR = tmp_path / "quarantine"
    before = stored_state()
    big = corpus.street_csv(tmp_path / "big.csv",
                            [corpus.street_row(crime_id=f"{i:064x}") for i in range(40)])
    with pytest.raises(ValidationError, match="larger than"):
        receive_and_process(world.home, force, "police_uk_street", big)
    assert stored_state() == before
    assert not list(Path(settings.INGEST_QUARANTINE_DIR).glob("*"))


def test_windows_1252_file_loads(world, force, loaded, tmp_path):
    rows = [corpus.street_row(crime_id=f"{i:064x}", location="On or near Café Street",
                              month="2023-05") for i in range(3)]
    path = corpus.write_text(tmp_path / "w.csv", "\n".join([HEADER, *rows]) + "\n", "cp1252")
    extract = receive_and_process(world.home, force, "police_uk_street", path)
    assert extract.status == Extract.Status.LOADED, extract.message
    assert extract.report["encoding"] == "cp1252"
    assert StreetCrime.objects.filter(extract=extract, location__contains="Café").count() == 3


def test_ten_digit_pseudonymised_references_load(world, force, tmp_path):
    """Bare 10-digit references, some passing the NHS check digit, are not NHS numbers."""
    services.agreement_add(reference="ISA", organisation=force, partnerships=[world.home],
                           source_keys=["police_occurrences"], lawful_basis="s17a",
                           starts_on=date.today() - timedelta(days=1),
                           review_on=date.today() + timedelta(days=100))
    geo = synthetic.geography({"E06000058": "Bournemouth, Christchurch and Poole"}, 10, 1)
    frame = synthetic.police_occurrences(geo, 2022, 1, 400, seed=9)
    frame["occurrence_ref"] = [f"{4000000000 + 7919 * i:010d}" for i in range(len(frame))]
    path = tmp_path / "refs.csv"
    frame.to_csv(path, index=False)
    extract = receive_and_process(world.home, force, "police_occurrences", path)
    assert extract.status == Extract.Status.LOADED, extract.message
    assert extract.rows_loaded == 400


def test_workbook_with_several_sheets_waits_for_one_to_be_chosen(world, force, loaded, tmp_path,
                                                                 django_capture_on_commit_callbacks):
    """Nothing is read until the uploader chooses; the file waits in quarantine; then the
    chosen sheet loads as a file of its own would."""
    rows = [corpus.street_row(crime_id=f"{i:064x}", month="2023-06").split(",")
            for i in range(4)]
    path = corpus.write_xlsx(tmp_path / "two.xlsx", {
        "Notes": [["About this workbook"], ["Exported from the force system"]],
        "June": [HEADER.split(","), *rows]})
    before = stored_state()
    extract = receive_and_process(world.home, force, "police_uk_street", path)
    assert extract.status == Extract.Status.NEEDS_SHEET
    assert extract.report["sheets"] == ["Notes", "June"]
    assert "2 sheets" in extract.message
    assert Path(extract.stored_path).exists()  # kept in quarantine meanwhile
    assert stored_state() == before
    with pytest.raises(ValidationError, match="one of the workbook"):
        services.extract_sheet_choose(extract=extract, sheet="July")
    with django_capture_on_commit_callbacks(execute=True):
        services.extract_sheet_choose(extract=extract, sheet="June")
    extract.refresh_from_db()
    assert extract.status == Extract.Status.LOADED, extract.message
    assert extract.sheet == "June" and extract.report["sheet"] == "June"
    assert StreetCrime.objects.filter(extract=extract).count() == 4
