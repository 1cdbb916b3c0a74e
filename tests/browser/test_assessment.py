"""An analyst writes a local definition from a preset (watching the live preview), starts
an assessment, watches its progress, then reads the charts, the funnel plot and the
priority matrix; a scrutiny member reads the same run with small numbers suppressed."""

import pytest
from playwright.sync_api import expect

from assessments import services
from assessments.models import Assessment
from ingest.models import HarmWeight
from partners.models import Partnership
from tests.assessments_app.conftest import LSOAS, add_occurrences

from .support import check_page, goto, login, path_of, submit

pytestmark = pytest.mark.browser


@pytest.fixture
def bcp_records(site):
    """Five years of BCP police records, its LSOAs, population and a harm index."""
    from ingest.models import Extract, LsoaArea, PopulationEstimate

    bcp = Partnership.objects.get(slug="bcp-csp")
    for code, ward, ward_code in LSOAS:
        LsoaArea.objects.create(code=code, name=f"{ward} {code[-1]}", vintage=2011,
                                ward_code=ward_code, ward_name=ward,
                                local_authority_code="E06000058", imd_rank=3000)
    reference = Extract.objects.create(partnership=bcp, source="population",
                                       filename="pop.csv", sha256="3" * 64, size=1,
                                       status=Extract.Status.LOADED)
    PopulationEstimate.objects.bulk_create(
        PopulationEstimate(extract=reference, source_row=i, area_code=code, area_level="lsoa",
                           year=2023, age_band="all", sex="persons", population=1800 + 100 * i)
        for i, (code, _w, _c) in enumerate(LSOAS))
    for i, (code, weight) in enumerate((("34B", 365), ("5D", 1200), ("19C", 1825),
                                        ("1/4.1/4.10/4.2", 5000))):
        HarmWeight.objects.create(extract=reference, source_row=i, index_name="Test index",
                                  granularity="offence_code", key=code, weight=weight)
    add_occurrences(bcp)
    return bcp


def test_define_run_watch_and_read_the_assessment(new_page, site, bcp_records, monkeypatch):
    from assessments import tasks

    queued = []
    tab = new_page()
    login(tab, site, "analyst")
    goto(tab, f"{site}/p/bcp-csp/assessment/definitions/")
    goto(tab, f"{site}/p/bcp-csp/assessment/definitions/new/?preset=bcp_csp")
    # The preview updates in place as the rules change.
    preview = tab.locator("[data-testid=preview]")
    before = preview.inner_text()
    tab.get_by_label("Rape", exact=True).click()  # leave rape out
    expect(preview).not_to_have_text(before)
    expect(preview).to_contain_text("records")
    # Let the last preview request finish before saving: the test server's in-memory SQLite
    # cannot take the two requests' session writes at once.
    tab.wait_for_load_state("networkidle")
    preview = tab.inner_text("[data-testid=preview]")
    assert "in 2023/24" in preview
    check_page(tab, label="preview")
    submit(tab, "#definition-form button[type=submit]")
    assert "/assessment/definitions/" in path_of(tab)
    check_page(tab)

    monkeypatch.setattr(tasks.assessment_run, "delay", lambda pk: queued.append(pk))
    goto(tab, f"{site}/p/bcp-csp/assessment/")
    tab.select_option("#id_harm_index", "Test index")
    submit(tab, "main form button[type=submit]")
    check_page(tab, label="queued")
    assert tab.locator("#assessment-progress").is_visible()
    assert queued

    services.run(services.claim(queued[0]))  # the worker's part
    tab.wait_for_selector("[data-testid=provenance]", timeout=15_000)
    check_page(tab, label="overview")
    run = Assessment.objects.get(pk=queued[0])
    assert run.status == Assessment.Status.DONE
    assert tab.locator(".svd-chart__plot .main-svg").count() >= 1  # plotly drew the trend
    assert "88" in tab.inner_text("[data-testid=table-by_category]")

    for section in ("volumes", "places", "people", "time", "harm", "rates"):
        goto(tab, f"{site}/p/bcp-csp/assessment/{run.uuid}/{section}/", label=section)
    goto(tab, f"{site}/p/bcp-csp/assessment/{run.uuid}/places/")
    funnel = tab.locator("[data-chart=chart-funnel_points] .main-svg")
    assert funnel.count() >= 1, "the funnel plot was not drawn"
    goto(tab, f"{site}/p/bcp-csp/assessment/{run.uuid}/priorities/", label="priorities")
    assert tab.locator("[data-chart=chart-matrix] .main-svg").count() >= 1
    first = tab.inner_text("[data-testid=ranking] tbody tr:first-child th")
    # Weigh volume only: the ranking changes in place.
    for key in ("harm", "trend", "vulnerability", "influence"):
        tab.fill(f"#id_w_{key}", "0")
    tab.fill("#id_w_volume", "1")
    tab.locator("#id_w_volume").dispatch_event("change")
    expect(tab.locator("[data-testid=ranking] tbody tr").first).to_contain_text(
        "Volume scores 5 of 5 (weight 1.0)")
    # The matrix is drawn again with the new ranking.
    expect(tab.locator("[data-chart=chart-matrix] .main-svg").first).to_be_visible()
    check_page(tab, label="reweighted")
    assert first  # the first ranking was shown before the change
    goto(tab, f"{site}/p/bcp-csp/assessment/{run.uuid}/findings/", label="findings")
    assert "Police recorded" in tab.inner_text("[data-testid=findings]")

    scrutiny = new_page()
    login(scrutiny, site, "scrutiny")
    goto(scrutiny, f"{site}/p/bcp-csp/assessment/{run.uuid}/", label="scrutiny")
    assert scrutiny.locator("[data-testid=suppression-notice]").is_visible()
    assert "<5" in scrutiny.inner_text("[data-testid=table-by_category]")
