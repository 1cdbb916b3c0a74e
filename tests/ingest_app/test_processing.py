"""Loading real public files end to end through the service and the (eager) task."""

import csv
from collections import Counter

import pytest

from ingest import services
from ingest.models import Extract, LsoaArea, StreetCrime
from partners.models import Organisation
from tests.shared import shared_path

LOOKUP = "ons-lookups/LSOA11_WD19_LAD19_EW_LU.csv"
APRIL = "police-uk-avon-and-somerset/2023-04-avon-and-somerset-street.csv"
JUNE = "police-uk-avon-and-somerset/2023-06-avon-and-somerset-street.csv"


def upload(partnership, organisation, source, path, user=None, name=None):
    with open(path, "rb") as handle:
        return services.extract_receive(
            partnership=partnership, organisation=organisation, source_key=source,
            filename=name or path.name, chunks=iter(lambda: handle.read(1 << 20), b""),
            uploaded_by=user)


@pytest.fixture
def region(db, django_capture_on_commit_callbacks):
    from partners import demo
    demo.seed()
    from partners.models import Partnership
    return Partnership.objects.get(slug="avon-and-somerset-vrp")


@pytest.fixture
def force(region):
    return Organisation.objects.get(name="Avon and Somerset Constabulary")


def load(region, org, source, rel, capture):
    with capture(execute=True):
        extract = upload(region, org, source, shared_path(rel))
    extract.refresh_from_db()
    return extract


def raw_counts(path):
    with open(path, newline="", encoding="utf-8") as handle:
        return Counter(row["Crime type"] for row in csv.DictReader(handle))


def test_geography_then_police_file_loads_and_counts_reconcile(
        region, force, django_capture_on_commit_callbacks):
    geo = load(region, None, "geography", LOOKUP, django_capture_on_commit_callbacks)
    assert geo.status == Extract.Status.LOADED, geo.message
    assert LsoaArea.objects.count() == 34753
    extract = load(region, force, "police_uk_street", APRIL, django_capture_on_commit_callbacks)
    assert extract.status == Extract.Status.LOADED, extract.message
    assert extract.rows_read == 13733
    raw = raw_counts(shared_path(APRIL))
    loaded = Counter(dict(extract.by_category))
    explained = Counter()
    for error in extract.row_errors.all():
        explained[error.reason] += 1
    # every raw row is loaded, folded as a repeat, rejected or outside the force area
    assert (sum(loaded.values()) + extract.duplicates + extract.rows_rejected
            + extract.outside_area) == sum(raw.values())
    assert StreetCrime.objects.filter(extract=extract).count() == extract.rows_loaded
    assert extract.unplaced == extract.report["unplaced_by_reason"].get("no location", 0) + sum(
        v for k, v in extract.report["unplaced_by_reason"].items() if k != "no location")
    somerset = StreetCrime.objects.filter(extract=extract, local_authority_code="E06000066")
    assert somerset.exists()  # old districts placed in today's Somerset


def test_lsoa_2021_codes_unplaced_without_the_best_fit_lookup(
        region, force, django_capture_on_commit_callbacks):
    load(region, None, "geography", LOOKUP, django_capture_on_commit_callbacks)
    extract = load(region, force, "police_uk_street", JUNE, django_capture_on_commit_callbacks)
    reasons = extract.report["unplaced_by_reason"]
    assert reasons.get("LSOA 2021 code, no 2011 to 2021 lookup loaded for it", 0) > 1000


def test_same_file_twice_is_recognised(region, force, django_capture_on_commit_callbacks):
    first = load(region, force, "police_uk_street", APRIL, django_capture_on_commit_callbacks)
    second = load(region, force, "police_uk_street", APRIL, django_capture_on_commit_callbacks)
    assert first.status == Extract.Status.LOADED
    assert second.status == Extract.Status.DUPLICATE
    assert StreetCrime.objects.count() == first.rows_loaded


def test_lsoa_2021_codes_placed_once_the_best_fit_lookup_is_loaded(
        region, force, django_capture_on_commit_callbacks, tmp_path):
    """A best-fit lookup built for the test: each 2021 LSOA to a 2011 LSOA of the same
    MSOA name (e.g. 'Bristol 061A' to a 'Bristol 061' LSOA)."""
    load(region, None, "geography", LOOKUP, django_capture_on_commit_callbacks)
    by_msoa = {}
    with open(shared_path(LOOKUP), newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            by_msoa.setdefault(row["LSOA11NM"][:-1], row["LSOA11CD"])
    pairs = {}
    with open(shared_path(JUNE), newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            code, name = row["LSOA code"], row["LSOA name"]
            if code >= "E01033769" and name[:-1] in by_msoa:
                pairs[code] = by_msoa[name[:-1]]
    lookup = tmp_path / "lsoa11_lsoa21_best_fit.csv"
    lookup.write_text("LSOA11CD,LSOA21CD\n" + "".join(f"{v},{k}\n" for k, v in pairs.items()))
    with django_capture_on_commit_callbacks(execute=True):
        best_fit = upload(region, None, "geography", lookup)
    best_fit.refresh_from_db()
    assert best_fit.status == Extract.Status.LOADED, best_fit.message
    extract = load(region, force, "police_uk_street", JUNE, django_capture_on_commit_callbacks)
    reasons = extract.report["unplaced_by_reason"]
    still_unplaced = reasons.get("LSOA 2021 code, no 2011 to 2021 lookup loaded for it", 0)
    placed_2021 = extract.report["by_lsoa_vintage"]["2021"]
    # Before the lookup 1,232 rows were unplaced for this reason (see the test above);
    # the rows whose 2021 LSOA the lookup covers are now placed, the rest still are not.
    assert placed_2021 > 400
    assert placed_2021 + still_unplaced == 1232
