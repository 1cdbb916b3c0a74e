import csv
import io
import tempfile
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from ingest import services
from ingest.models import Extract, RowError, SharingAgreement, StreetCrime
from partners.models import Organisation
from partners.roles import Role
from svd_platform.exports import safe_cell

from ..factories import UserFactory

STREET_HEADER = ("Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,"
                 "LSOA code,LSOA name,Crime type,Last outcome category,Context\n")


def street_file(rows: list[str], name="2023-04-street.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, (STREET_HEADER + "\n".join(rows) + "\n").encode())


def street_row(i, crime_type="Robbery", month="2023-04"):
    return (f"{i:064x},{month},Dorset Police,Dorset Police,-1.88,50.72,On or near High St,"
            f"E01015236,Bournemouth 001A,{crime_type},Under investigation,")


def url(name, world, **kwargs):
    return reverse(name, kwargs={"slug": world.home.slug, **kwargs})


@pytest.fixture
def police(world):
    return world.home.seats.get(organisation__sector="police").organisation


def test_analyst_uploads_open_data_and_sees_the_report(as_user, world, police,
                                                      django_capture_on_commit_callbacks):
    client = as_user(world.users["analyst"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("upload", world), {
            "organisation": police.pk, "source_key": "police_uk_street",
            "files": [street_file([street_row(i) for i in range(20)])]})
    extract = Extract.objects.get()
    assert response["Location"] == url("extract", world, uuid=extract.uuid)
    assert extract.status == Extract.Status.LOADED, extract.message
    assert extract.rows_loaded == 20
    page = client.get(response["Location"]).content.decode()
    assert "Validation report" in page and "Open data: data.police.uk" in page
    partial = client.get(response["Location"], HTTP_HX_REQUEST="true").content.decode()
    assert partial.startswith('<div id="extract-status"') and "hx-get" not in partial


def test_upload_with_personal_data_is_refused_and_nothing_stored(
        as_user, world, police, django_capture_on_commit_callbacks):
    client = as_user(world.users["analyst"])
    bad = SimpleUploadedFile("people.csv", b"Ref,Email,Note\n1,jo@example.org,x\n2,a@b.org,y\n")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("upload", world), {"organisation": police.pk,
                                           "source_key": "police_uk_street", "files": [bad]})
    extract = Extract.objects.get()
    assert extract.status == Extract.Status.REFUSED
    assert "Email" in extract.message and "jo@example.org" not in extract.message
    assert extract.stored_path == ""
    assert not StreetCrime.objects.exists() and not RowError.objects.exists()
    page = client.get(url("extract", world, uuid=extract.uuid)).content.decode()
    assert "Nothing from this file was stored" in page


def test_shared_data_needs_an_agreement_in_force(world, police):
    with pytest.raises(Exception, match="no information-sharing agreement in force"):
        services.extract_receive(partnership=world.home, organisation=police,
                                 source_key="police_occurrences", filename="x.csv",
                                 chunks=[b"a,b\n1,2\n"], uploaded_by=None)
    services.agreement_add(reference="ISA-1", organisation=police, partnerships=[world.home],
                           source_keys=["police_occurrences"], lawful_basis="s17a",
                           starts_on=date.today() - timedelta(days=1),
                           review_on=date.today() + timedelta(days=300))
    extract = services.extract_receive(partnership=world.home, organisation=police,
                                       source_key="police_occurrences", filename="x.csv",
                                       chunks=[b"a,b\n1,2\n"], uploaded_by=None, enqueue=False)
    assert extract.agreement.reference == "ISA-1"


def test_open_data_needs_no_agreement_and_cannot_have_one(world, police):
    with pytest.raises(Exception, match="open data"):
        services.agreement_add(reference="ISA-2", organisation=police,
                               partnerships=[world.home], source_keys=["police_uk_street"],
                               lawful_basis="s115", starts_on=date.today(),
                               review_on=date.today())


def test_data_provider_uploads_only_for_their_own_organisation(as_user, world, police):
    provider = world.users["data_provider"]  # holds the council's seat in the fixtures
    client = as_user(provider)
    form = client.get(url("upload", world)).context["form"]
    assert list(form.fields["organisation"].queryset) == [world.home_seat.organisation]
    response = client.post(url("upload", world), {
        "organisation": police.pk, "source_key": "police_uk_street",
        "files": [street_file([street_row(1)])]})
    assert response.status_code == 200  # not a valid choice for them
    assert not Extract.objects.exists()


def test_same_file_again_is_a_duplicate(as_user, world, police,
                                        django_capture_on_commit_callbacks):
    client = as_user(world.users["analyst"])
    rows = [street_row(i) for i in range(5)]
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            client.post(url("upload", world), {"organisation": police.pk,
                                               "source_key": "police_uk_street",
                                               "files": [street_file(rows)]})
    statuses = sorted(Extract.objects.values_list("status", flat=True))
    assert statuses == ["duplicate", "loaded"]
    assert StreetCrime.objects.count() == 5


def test_new_extract_for_same_month_supersedes_in_one_step(
        as_user, world, police, django_capture_on_commit_callbacks):
    client = as_user(world.users["analyst"])
    for rows in ([street_row(i) for i in range(5)], [street_row(i) for i in range(3)]):
        with django_capture_on_commit_callbacks(execute=True):
            client.post(url("upload", world), {"organisation": police.pk,
                                               "source_key": "police_uk_street",
                                               "files": [street_file(rows)]})
    old, new = Extract.objects.order_by("created_at")
    assert old.status == Extract.Status.SUPERSEDED and old.superseded_by == new
    assert StreetCrime.objects.count() == 3
    # Each page says what happened: which extract replaced how many rows, what remains.
    assert old.report["replaced_by"][0]["rows"] == 5
    assert new.report["replaced"] == [{"uuid": str(old.uuid), "filename": old.filename,
                                       "rows": 5}]
    page = client.get(url("extract", world, uuid=old.uuid)).content.decode()
    assert "5 rows by 2023-04-street.csv" in page and "0 of its rows are still in use" in page


def test_error_rows_download_is_safe_against_formulas(as_user, world, police,
                                                      django_capture_on_commit_callbacks):
    client = as_user(world.users["analyst"])
    rows = [street_row(i) for i in range(60)] + [street_row(99, crime_type="=HYPERLINK(1)")]
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("upload", world), {"organisation": police.pk,
                                           "source_key": "police_uk_street",
                                           "files": [street_file(rows)]})
    extract = Extract.objects.get()
    body = client.get(url("extract_errors_csv", world, uuid=extract.uuid)).content.decode()
    cells = [cell for row in csv.reader(io.StringIO(body)) for cell in row]
    assert "'=HYPERLINK(1)" in cells
    assert not any(cell.startswith("=") for cell in cells)


@pytest.mark.parametrize("value,expected", [("=1+1", "'=1+1"), ("+44", "'+44"),
                                            ("-x", "'-x"), ("@SUM", "'@SUM"), ("ok", "ok")])
def test_safe_cell(value, expected):
    assert safe_cell(value) == expected


def test_agreement_register_add_and_list(as_user, world, police):
    client = as_user(world.users["analyst"])
    response = client.post(url("agreement_add", world), {})
    assert "Enter the agreement" in response.content.decode()
    client.post(url("agreement_add", world), {
        "reference": "DP-ISA-2024", "organisation": police.pk,
        "source_keys": ["police_occurrences"], "partnerships": [world.home.pk],
        "lawful_basis": "s17a", "retention_days": 1095, "starts_on": "2024-04-01",
        "review_on": "2025-03-31"})
    assert SharingAgreement.objects.filter(reference="DP-ISA-2024").exists()
    board = as_user(world.users["board_member"])
    assert "DP-ISA-2024" in board.get(url("agreements", world)).content.decode()


def test_agreement_cannot_include_a_partnership_the_user_is_not_in(as_user, world, police):
    client = as_user(world.users["analyst"])
    response = client.post(url("agreement_add", world), {
        "reference": "X-1", "organisation": police.pk, "source_keys": ["istv"],
        "partnerships": [world.other.pk], "lawful_basis": "s115", "retention_days": 10,
        "starts_on": "2024-04-01", "review_on": "2025-03-31"})
    assert response.status_code == 200
    assert not SharingAgreement.objects.exists()


def test_another_partnership_cannot_see_an_extract(as_user, world, police):
    extract = Extract.objects.create(partnership=world.home, organisation=police,
                                     source="police_uk_street", filename="x.csv",
                                     sha256="1" * 64, size=3)
    outsider = UserFactory(username="elsewhere")
    from partners import services as partner_services
    partner_services.membership_add(user=outsider, seat=world.other_seat, role=Role.ANALYST)
    client = as_user(outsider)
    other_url = reverse("extract", kwargs={"slug": world.other.slug, "uuid": extract.uuid})
    assert client.get(other_url).status_code == 404
    assert Organisation.objects.filter(pk=police.pk).exists()


def test_rejected_row_values_only_for_those_who_could_have_supplied_them(as_user, world, police):
    """The rows' raw values are the supplier's row-level data: its data providers and the
    partnership's analysts may download them; a data provider of another organisation and
    the partnership's admin see the problems, not the values."""
    data_provider = world.users["data_provider"]
    own = world.home_seat.organisation  # the data provider's seat in the world fixture
    extracts = {}
    for organisation in (own, police):
        extracts[organisation] = Extract.objects.create(
            partnership=world.home, organisation=organisation, source="police_uk_street",
            filename="x.csv", sha256=f"{organisation.pk:064x}", size=1,
            status=Extract.Status.LOADED, rows_read=1, rows_rejected=1)
        RowError.objects.create(extract=extracts[organisation], row_number=2,
                                column="Month", reason="not a month", value="13/2023")
    cases = [(data_provider, own, 200), (data_provider, police, 403),
             (world.users["analyst"], police, 200),
             (world.users["partnership_admin"], own, 403)]
    for user, organisation, status in cases:
        client = as_user(user)
        extract = extracts[organisation]
        assert client.get(url("extract_errors_csv", world, uuid=extract.uuid)).status_code \
            == status, (user.username, organisation.name)
        page = client.get(url("extract", world, uuid=extract.uuid)).content.decode()
        assert "not a month" in page
        assert ('data-testid="values-withheld"' in page) == (status == 403)


def test_uploader_chooses_the_sheet_of_a_workbook(as_user, world, police,
                                                  django_capture_on_commit_callbacks):
    from tests.ingest import corpus

    rows = [street_row(i).split(",") for i in range(5)]
    path = corpus.write_xlsx(Path(tempfile.mkdtemp()) / "book.xlsx", {
        "Cover": [["Exported"]], "Data": [STREET_HEADER.strip().split(","), *rows]})
    client = as_user(world.users["analyst"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("upload", world), {
            "organisation": police.pk, "source_key": "police_uk_street",
            "files": [SimpleUploadedFile("book.xlsx", path.read_bytes())]})
    extract = Extract.objects.get()
    assert extract.status == Extract.Status.NEEDS_SHEET
    page = client.get(url("extract", world, uuid=extract.uuid)).content.decode()
    assert url("extract_sheet", world, uuid=extract.uuid) in page
    form = client.get(url("extract_sheet", world, uuid=extract.uuid)).content.decode()
    assert 'value="Cover"' in form and 'value="Data"' in form
    response = client.post(url("extract_sheet", world, uuid=extract.uuid), {})
    assert "Choose the sheet that holds the data" in response.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("extract_sheet", world, uuid=extract.uuid), {"sheet": "Data"})
    assert response.status_code == 302
    extract.refresh_from_db()
    assert extract.status == Extract.Status.LOADED and extract.rows_loaded == 5
    assert as_user(world.users["board_member"]).get(
        url("extract_sheet", world, uuid=extract.uuid)).status_code == 403


def test_data_provider_is_offered_what_their_agreements_cover(as_user, world):
    """A data provider cannot record agreements: the kinds of data offered are open data and
    what an agreement in force lets their organisation share; their organisation is chosen."""
    own = world.home_seat.organisation
    services.agreement_add(reference="OWN-ISA", organisation=own, partnerships=[world.home],
                           source_keys=["indicator"], lawful_basis="s17a",
                           starts_on=date.today() - timedelta(days=1),
                           review_on=date.today() - timedelta(days=1))
    page = as_user(world.users["data_provider"]).get(url("upload", world)).content.decode()
    assert 'value="indicator"' in page and 'value="police_uk_street"' in page
    assert 'value="istv"' not in page and 'value="police_occurrences"' not in page
    assert f'value="{own.pk}" selected' in page
    agreements = as_user(world.users["analyst"]).get(url("agreements", world)).content.decode()
    assert 'data-testid="review-overdue"' in agreements


def test_data_list_refreshes_itself_while_a_file_waits_and_stops_after(as_user, world, police):
    client = as_user(world.users["analyst"])
    waiting = services.extract_receive(
        partnership=world.home, organisation=police, source_key="police_uk_street",
        filename="2023-04-street.csv", uploaded_by=world.users["analyst"],
        chunks=[street_file([street_row(1)]).read()])
    page = client.get(url("extracts", world)).content.decode()
    assert 'data-testid="extracts-refreshing"' in page
    Extract.objects.filter(pk=waiting.pk).update(status=Extract.Status.LOADED)
    partial = client.get(url("extracts", world), HTTP_HX_REQUEST="true").content.decode()
    assert partial.startswith('<div id="extracts-table"') and "hx-get" not in partial
    assert "2023-04-street.csv" in partial


def test_an_empty_file_among_several_is_named_and_none_is_received(as_user, world, police):
    client = as_user(world.users["analyst"])
    response = client.post(url("upload", world), {
        "organisation": police.pk, "source_key": "police_uk_street",
        "files": [street_file([street_row(1)]),
                  SimpleUploadedFile("2023-05-street.csv", b"", content_type="text/csv")]})
    assert response.status_code == 200
    assert "2023-05-street.csv is empty. Choose the file again" in response.content.decode()
    assert not Extract.objects.exists()
