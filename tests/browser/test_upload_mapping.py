"""An analyst uploads a force extract in a new layout, matches its columns, watches it being
processed and reads the validation report."""

from datetime import date, timedelta

import pytest

from ingest import processing, services, synthetic
from ingest.models import ColumnMapping, Extract, PoliceOccurrence
from partners.models import Organisation, Partnership

from .support import check_page, login, path_of, submit

pytestmark = pytest.mark.browser


@pytest.fixture
def bcp_data(site):
    """The BCP area's geography and Dorset Police's sharing agreement."""
    bcp = Partnership.objects.get(slug="bcp-csp")
    police = Organisation.objects.get(name="Dorset Police")
    geo = synthetic.geography({"E06000058": "Bournemouth, Christchurch and Poole"}, 20, 7)
    extract = services.extract_receive(partnership=bcp, organisation=None,
                                       source_key="geography", filename="geo.csv",
                                       chunks=[geo.to_csv(index=False).encode()],
                                       uploaded_by=None, enqueue=False)
    processing.process(processing.claim(extract.pk))
    services.agreement_add(reference="DP-ISA", organisation=police, partnerships=[bcp],
                           source_keys=["police_occurrences"], lawful_basis="s17a",
                           starts_on=date.today() - timedelta(days=10),
                           review_on=date.today() + timedelta(days=300))
    return geo


def test_upload_match_columns_watch_progress_and_read_the_report(
        tab, site, bcp_data, tmp_path, monkeypatch):
    from ingest import tasks

    queued = []
    login(tab, site, "analyst")
    file = tmp_path / "dorset-police-q1.csv"
    synthetic.police_occurrences(bcp_data, 2023, 1, 600, seed=11,
                                 header_style="niche").to_csv(file, index=False)

    tab.goto(f"{site}/p/bcp-csp/data/upload/")
    check_page(tab)
    tab.select_option("#id_organisation", label="Dorset Police")
    tab.select_option("#id_source_key", "police_occurrences")
    tab.set_input_files("input[type=file][name=files]", str(file))
    with tab.expect_navigation(url="**/data/*/", wait_until="load"):
        tab.locator("main form button[type=submit]").click()
    check_page(tab)
    assert "Match the columns" in tab.inner_text("main")

    submit(tab, "main a.govuk-button")  # to the mapping page
    assert path_of(tab).endswith("/mapping/")
    check_page(tab)
    assert tab.input_value("#id_field_offence_code") == "HO Code"
    tab.fill("#id_name", "Dorset Police Niche export")
    # From here the work goes to the queue (no eager run): the page must show progress.
    monkeypatch.setattr(tasks.extract_process, "delay", lambda pk: queued.append(pk))
    submit(tab)
    check_page(tab)
    assert tab.locator("#processing-progress").is_visible()
    assert queued, "confirming the mapping should queue the extract"

    # The worker picks it up; the page follows by itself and shows the report.
    processing.process(processing.claim(queued[0]))
    tab.wait_for_selector("[data-testid=validation]", timeout=15_000)
    check_page(tab)
    extract = Extract.objects.get(pk=queued[0])
    assert extract.status == Extract.Status.LOADED
    assert PoliceOccurrence.objects.filter(extract=extract).count() == extract.rows_loaded
    assert ColumnMapping.objects.filter(name="Dorset Police Niche export").exists()
    assert str(extract.rows_loaded) in tab.inner_text("[data-testid=validation]")


def test_several_files_then_a_refused_upload_shown_in_place(tab, site, bcp_data, tmp_path):
    """Two files at once land on the data list with the confirmation; a file the form
    refuses shows its error in place, with the upload box built again and the error summary
    focused, and its link going to the file input."""
    header = ("Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,"
              "LSOA code,LSOA name,Crime type,Last outcome category,Context\n")
    lsoa = bcp_data["lsoa_code"].iloc[0] if "lsoa_code" in bcp_data else "E01015236"
    files = []
    for month in ("2023-04", "2023-05"):
        path = tmp_path / f"{month}-dorset-street.csv"
        path.write_text(header + "".join(
            f"{month}{i:058x},{month},Dorset Police,Dorset Police,-1.9,50.7,On or near X,"
            f"{lsoa},Bournemouth 001A,Robbery,Under investigation,\n" for i in range(3)))
        files.append(str(path))
    login(tab, site, "analyst")
    tab.goto(f"{site}/p/bcp-csp/data/upload/")
    tab.select_option("#id_organisation", label="Dorset Police")
    tab.select_option("#id_source_key", "police_uk_street")
    tab.set_input_files("input[type=file][name=files]", files)
    with tab.expect_navigation(url="**/data/", wait_until="load"):
        tab.locator("main form button[type=submit]").click()
    assert "2 files received" in tab.inner_text("main")
    check_page(tab, label="two-files")

    tab.goto(f"{site}/p/bcp-csp/data/upload/")
    tab.select_option("#id_organisation", label="Dorset Police")
    tab.select_option("#id_source_key", "istv")  # no agreement covers it
    tab.set_input_files("input[type=file][name=files]", files[0])
    tab.locator("main form button[type=submit]").click()
    summary = tab.locator(".govuk-error-summary")
    summary.wait_for()
    assert "agreement" in summary.inner_text().lower()
    assert tab.evaluate("document.activeElement.closest('.govuk-error-summary') !== null")
    assert tab.get_attribute(".govuk-error-summary__list a", "href") == "#id_files"
    assert tab.locator("#id_files-error").count() == 1
    assert tab.locator(".govuk-drop-zone, .govuk-file-upload-button").count() >= 1
    check_page(tab, label="refused-in-place")
