"""A force's first extract in a new layout stops at the mapping step; the analyst confirms
the proposed mapping; the next extract with the same columns maps itself."""

from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from ingest import services, synthetic
from ingest.models import ColumnMapping, Extract, PoliceOccurrence


def csv_upload(frame, name):
    return SimpleUploadedFile(name, frame.to_csv(index=False).encode())


@pytest.fixture
def bcp(world, django_capture_on_commit_callbacks):
    """Synthetic geography for the home partnership's area, and an agreement in force."""
    police = world.home.seats.get(organisation__sector="police").organisation
    geo = synthetic.geography({"E06000058": "Bournemouth, Christchurch and Poole"}, 40, seed=1)
    with django_capture_on_commit_callbacks(execute=True):
        services.extract_receive(partnership=world.home, organisation=None,
                                 source_key="geography", filename="geo.csv",
                                 chunks=[geo.to_csv(index=False).encode()], uploaded_by=None)
    services.agreement_add(reference="DP-ISA", organisation=police, partnerships=[world.home],
                           source_keys=["police_occurrences"], lawful_basis="s17a",
                           starts_on=date.today() - timedelta(days=30),
                           review_on=date.today() + timedelta(days=300))
    return police, geo


def url(route, world, **kwargs):
    return reverse(route, kwargs={"slug": world.home.slug, **kwargs})


def test_mapping_step_then_automatic_next_time(as_user, world, bcp,
                                              django_capture_on_commit_callbacks):
    police, geo = bcp
    client = as_user(world.users["analyst"])
    first = synthetic.police_occurrences(geo, 2022, 1, 800, seed=2, header_style="niche")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("upload", world), {
            "organisation": police.pk, "source_key": "police_occurrences",
            "files": [csv_upload(first, "q1.csv")]})
    extract = Extract.objects.get(source="police_occurrences")
    assert extract.status == Extract.Status.NEEDS_MAPPING
    assert extract.stored_path  # kept in quarantine while waiting
    page = client.get(response["Location"]).content.decode()
    assert "Match the columns" in page
    mapping_url = url("extract_mapping", world, uuid=extract.uuid)
    form = client.get(mapping_url).context["form"]
    data = {name: field.initial or "" for name, field in form.fields.items()}
    data["name"] = "Dorset Police Niche export"
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(mapping_url, data)
    assert done.status_code == 302, done.context["form"].errors
    extract.refresh_from_db()
    assert extract.status == Extract.Status.LOADED, extract.message
    assert extract.rows_loaded == PoliceOccurrence.objects.count() > 700
    assert PoliceOccurrence.objects.exclude(local_authority_code="E06000058").count() == 0
    saved = ColumnMapping.objects.get()
    assert saved.name == "Dorset Police Niche export"

    second = synthetic.police_occurrences(geo, 2023, 1, 500, seed=3, header_style="niche")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("upload", world), {
            "organisation": police.pk, "source_key": "police_occurrences",
            "files": [csv_upload(second, "q2.csv")]})
    latest = Extract.objects.filter(source="police_occurrences").latest("created_at")
    assert latest.status == Extract.Status.LOADED, latest.message
    assert latest.report["mapping"] == "Dorset Police Niche export"


def test_wrong_mapping_is_explained(as_user, world, bcp, django_capture_on_commit_callbacks):
    police, geo = bcp
    client = as_user(world.users["analyst"])
    frame = synthetic.police_occurrences(geo, 2022, 1, 200, seed=4, header_style="niche")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("upload", world), {"organisation": police.pk,
                                           "source_key": "police_occurrences",
                                           "files": [csv_upload(frame, "x.csv")]})
    extract = Extract.objects.get(source="police_occurrences")
    response = client.post(url("extract_mapping", world, uuid=extract.uuid),
                           {"name": "bad"})
    assert response.status_code == 200
    assert "it is required" in response.content.decode()
    assert not ColumnMapping.objects.exists()


def test_canonical_template_needs_no_mapping(as_user, world, bcp,
                                            django_capture_on_commit_callbacks):
    police, geo = bcp
    client = as_user(world.users["analyst"])
    frame = synthetic.police_occurrences(geo, 2022, 1, 300, seed=5)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("upload", world), {"organisation": police.pk,
                                           "source_key": "police_occurrences",
                                           "files": [csv_upload(frame, "t.csv")]})
    extract = Extract.objects.get(source="police_occurrences")
    assert extract.status == Extract.Status.LOADED, extract.message
    assert extract.report["mapping"] == "template"


def test_template_and_field_guide_download(as_user, world):
    client = as_user(world.users["data_provider"])
    response = client.get(url("template_download", world,
                              name="police_occurrences_template.csv"))
    assert response.status_code == 200
    assert b"occurrence_ref" in b"".join(response.streaming_content)
    assert client.get(url("template_download", world, name="settings.py")).status_code == 404
