import json
from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from ingest import services
from ingest.coverage import Quarter, financial_year, quarters
from ingest.models import DownloadLog, Extract, SharingAgreement, StreetCrime
from tests.shared import shared_path

from .test_views import STREET_HEADER, street_row


def run(*args):
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


@pytest.fixture
def street_csv(tmp_path):
    path = tmp_path / "2023-04-street.csv"
    path.write_text(STREET_HEADER + "\n".join(street_row(i) for i in range(10)) + "\n")
    return path


def test_import_extract_json_summary(world, street_csv):
    out = run("import_extract", "--partnership", world.home.slug, "--source",
              "police_uk_street", "--json", str(street_csv))
    summary = json.loads(out.strip().splitlines()[-1])
    assert summary["status"] == "loaded"
    assert summary["rows_read"] == 10 and summary["rows_loaded"] == 10
    assert summary["rows_rejected"] == 0 and summary["by_category"] == {"Robbery": 10}
    assert Extract.objects.get().organisation.sector == "police"  # default: the police seat


def test_import_extract_refusal_exits_non_zero(world, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("Ref,Date of birth\n1,01/02/1990\n")
    with pytest.raises(CommandError, match="refused"):
        run("import_extract", "--partnership", world.home.slug, "--source",
            "police_uk_street", str(bad))
    assert not StreetCrime.objects.exists()


def test_import_extract_reads_the_sheet_named(world, tmp_path):
    from tests.ingest import corpus

    rows = [street_row(i).split(",") for i in range(3)]
    book = corpus.write_xlsx(tmp_path / "book.xlsx", {
        "Cover": [["Exported"]], "Data": [STREET_HEADER.strip().split(","), *rows]})
    args = ("import_extract", "--partnership", world.home.slug, "--source", "police_uk_street")
    with pytest.raises(CommandError, match="1 waiting"):
        run(*args, str(book))
    assert Extract.objects.get().status == Extract.Status.NEEDS_SHEET
    out = run(*args, "--sheet", "Data", "--json", str(book))
    assert json.loads(out.strip().splitlines()[-1])["rows_loaded"] == 3


def test_import_extract_shared_data_without_agreement_is_refused(world, street_csv):
    with pytest.raises(CommandError, match="no information-sharing agreement"):
        run("import_extract", "--partnership", world.home.slug, "--source",
            "police_occurrences", str(street_csv))


def test_add_agreement_command(world):
    police = world.home.seats.get(organisation__sector="police").organisation
    out = run("add_agreement", "--partnership", world.home.slug, "--organisation", police.slug,
              "--source", "police_occurrences", "--source", "istv",
              "--lawful-basis", "s17A", "--ref", "DP-2024", "--retention-days", "730")
    assert "Recorded agreement DP-2024" in out
    agreement = SharingAgreement.objects.get()
    assert agreement.lawful_basis == "s17a" and agreement.sources == ["istv",
                                                                      "police_occurrences"]
    assert "already exists" in run("add_agreement", "--partnership", world.home.slug,
                                   "--organisation", police.slug, "--source", "istv",
                                   "--lawful-basis", "s115", "--ref", "DP-2024")


def test_real_file_through_the_command(world, db):
    path = shared_path("police-uk-avon-and-somerset/2023-04-avon-and-somerset-street.csv")
    run("create_partnership", "--slug", "as-vrp", "--name", "A&S VRP", "--kind", "vrp",
        "--local-authority", "E06000023")
    out = run("import_extract", "--partnership", "as-vrp", "--source", "police_uk_street",
              "--json", str(path))
    summary = json.loads(out.strip().splitlines()[-1])
    assert summary["rows_read"] == 13733
    assert (summary["rows_loaded"] + summary["rows_rejected"] + summary["duplicates"]
            + summary["outside_area"]) == 13733


def test_quarter_states():
    from ingest.coverage import _state, months
    q = Quarter(2023, 1)
    assert _state(q, set(months(date(2023, 4, 1), date(2023, 6, 30))), set()) == "loaded"
    assert _state(q, {date(2023, 6, 1)}, set()) == "partial"
    assert _state(q, set(), {date(2023, 5, 1)}) == "superseded"
    assert _state(q, set(), set()) == "missing"


def test_quarters():
    assert Quarter(2023, 1).start == date(2023, 4, 1)
    assert Quarter(2023, 4).start == date(2024, 1, 1)
    assert Quarter(2023, 4).end == date(2024, 3, 31)
    assert Quarter(2023, 3).label == "2023/24 Q3"
    assert financial_year(date(2024, 3, 31)) == 2023 and financial_year(date(2024, 4, 1)) == 2024
    assert len(quarters(2023, 3)) == 12


def test_coverage_page_and_download_log(as_user, world, street_csv):
    run("import_extract", "--partnership", world.home.slug, "--source",
        "police_uk_street", str(street_csv))
    client = as_user(world.users["analyst"])
    page = client.get(reverse("data_coverage", kwargs={"slug": world.home.slug}),
                      {"year": "2023"}).content.decode()
    assert "2023/24 Q1" in page and "Some months loaded" in page and "Missing" in page
    extract = Extract.objects.get()
    client.get(reverse("extract_errors_csv", kwargs={"slug": world.home.slug,
                                                     "uuid": extract.uuid}))
    log = DownloadLog.objects.get()
    assert log.user == world.users["analyst"] and log.extract == extract


def test_purge_after_retention(world, street_csv):
    police = world.home.seats.get(organisation__sector="police").organisation
    agreement = services.agreement_add(
        reference="R-1", organisation=police, partnerships=[world.home],
        source_keys=["police_occurrences"], lawful_basis="s17a", retention_days=30,
        starts_on=date(2024, 1, 1), review_on=date(2025, 1, 1))
    run("import_extract", "--partnership", world.home.slug, "--source", "police_uk_street",
        str(street_csv))
    extract = Extract.objects.get()
    extract.agreement = agreement  # as if shared under the agreement
    extract.save()
    assert "0 extract(s) purged" in run("purge_expired")
    later = (timezone.now() + timedelta(days=31)).date().isoformat()
    assert "1 extract(s) purged" in run("purge_expired", "--today", later)
    extract.refresh_from_db()
    assert extract.status == Extract.Status.PURGED and extract.sha256
    assert not StreetCrime.objects.exists()


def test_redelivered_task_for_a_live_claim_retries_later(world, street_csv):
    """A worker died mid-load: the redelivered message must come back, not be dropped."""
    from celery.exceptions import Retry

    from ingest import processing, tasks

    extract = services.extract_receive(
        partnership=world.home, organisation=None, source_key="geography",
        filename="g.csv", chunks=[b"LSOA11CD,LSOA11NM,WD19CD,WD19NM,LAD19CD,LAD19NM\n"],
        uploaded_by=None, enqueue=False)
    assert processing.claim(extract.pk) is not None  # the worker that then died
    with pytest.raises(Retry):
        tasks.extract_process.apply(args=[extract.pk], throw=True)
    Extract.objects.filter(pk=extract.pk).update(status=Extract.Status.REFUSED)
    assert tasks.extract_process.apply(args=[extract.pk]).get() == "skipped"
