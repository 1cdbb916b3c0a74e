"""The 12 real Avon and Somerset data.police.uk months (2023/24) through upload and the
assessment: category counts equal an independent count of the raw files (minus what the
validation reports explain), and the output says which rules could not be applied."""

import csv
from collections import Counter

import pytest

from assessments import services
from assessments.computation.definitions import coarse_categories
from ingest import services as ingest_services
from ingest.models import Extract
from ingest.taxonomy import DATA, load_taxonomy
from partners import demo
from partners.models import Organisation, Partnership
from tests.integration.test_ingest import LOOKUP, expected_by_crime_type
from tests.shared import shared_path

MONTHS = [f"2023-{m:02d}" for m in range(4, 13)] + [f"2024-{m:02d}" for m in range(1, 4)]
FILES = [f"police-uk-avon-and-somerset/{m}-avon-and-somerset-street.csv" for m in MONTHS]


def upload(partnership, organisation, source, path, capture):
    with capture(execute=True), open(path, "rb") as handle:
        extract = ingest_services.extract_receive(
            partnership=partnership, organisation=organisation, source_key=source,
            filename=path.name, chunks=iter(lambda: handle.read(1 << 20), b""),
            uploaded_by=None)
    extract.refresh_from_db()
    assert extract.status == Extract.Status.LOADED, extract.message
    return extract


@pytest.mark.django_db
def test_real_avon_and_somerset_year_counts_equal_the_raw_files(
        django_capture_on_commit_callbacks):
    demo.seed()
    region = Partnership.objects.get(slug="avon-and-somerset-vrp")
    force = Organisation.objects.get(name="Avon and Somerset Constabulary")
    upload(region, None, "geography", shared_path(LOOKUP), django_capture_on_commit_callbacks)
    raw = Counter()
    for relative in FILES:
        path = shared_path(relative)
        extract = upload(region, force, "police_uk_street", path,
                         django_capture_on_commit_callbacks)
        raw += expected_by_crime_type(path, extract)
    # independently: the raw rows' crime types, read with the taxonomy's published mapping
    with open(DATA / "police_uk_crime_types.csv", newline="", encoding="utf-8") as handle:
        coarse_of = {row["crime_type"]: row["coarse_category"] for row in csv.DictReader(handle)}
    expected = Counter()
    for crime_type, n in raw.items():
        expected[coarse_of[crime_type]] += n

    definition = services.definition_from_preset(partnership=region, financial_year="2023/24",
                                                 key="avon_somerset_vrp")
    run = services.assessment_start(partnership=region, financial_year="2023/24",
                                    definition_version=definition.current, enqueue=False)
    run = services.run(services.claim(run.pk))
    assert run.status == "done", run.error
    table = run.result["sections"]["volumes"]["tables"]["by_category"]
    got = {row["category"]: row["2023/24"] for row in table["rows"] if row["category"] != "all"}
    selected = set(coarse_categories(definition.current.rules, load_taxonomy().offences
                                     .reset_index(drop=True)))
    assert selected and set(got) == selected & set(expected)
    for category in got:
        assert got[category] == expected[category], category
    assert sum(got.values()) == next(r for r in table["rows"] if r["category"] == "all")[
        "2023/24"]

    evaluability = run.result["evaluability"]["police_uk_street"]
    for rule in ("age", "public_place"):
        assert evaluability[rule] == "not_evaluable"
    assert evaluability["categories"] == "partly"
    assert run.result["police_source"] == "police_uk_street"
    keys = [f["key"] for f in run.result["findings"]]
    assert "partly_applied" in keys
