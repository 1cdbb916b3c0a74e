"""The assessment pages as their readers use them: each analysis page, CSV files,
disclosure control by audience, findings' wording, priorities, the definition editor."""

import csv
import io

import pytest
from django.urls import reverse

from assessments import services
from assessments.models import Assessment, ComparatorGroup, DefinitionVersion, FindingEdit
from partners.roles import Role

from ..conftest import login_verified
from .conftest import add_occurrences

RULES = {"categories": ["homicide", "personal_robbery", "rape", "wounding_gbh_with_intent"]}


@pytest.fixture
def assessment(world, police, population):
    definition = services.definition_create(partnership=world.home, name="Local",
                                            financial_year="2023/24", rules=RULES)
    run = services.assessment_start(partnership=world.home, financial_year="2023/24",
                                    definition_version=definition.current, enqueue=False)
    return services.run(services.claim(run.pk))


def url(name, assessment, **kwargs):
    return reverse(name, kwargs={"slug": assessment.partnership.slug,
                                 "uuid": assessment.uuid, **kwargs})


def as_role(client, world, role):
    login_verified(client, world.users[role])
    return client


@pytest.mark.django_db
def test_every_analysis_page_renders_with_tables_and_csv_links(client, world, assessment):
    as_role(client, world, Role.ANALYST)
    page = client.get(url("assessment", assessment))
    assert page.status_code == 200
    assert b"data-testid=\"provenance\"" in page.content
    for section in assessment.result["sections"]:
        response = client.get(url("assessment_section", assessment, section=section))
        assert response.status_code == 200, section
        for table in assessment.result["sections"][section]["tables"]:
            csv_url = url("assessment_csv", assessment, section=section, table=table)
            assert csv_url.encode() in response.content
    for name in ("assessment_findings", "assessment_priorities", "assessment_compare"):
        assert client.get(url(name, assessment)).status_code == 200


@pytest.mark.django_db
def test_scrutiny_sees_small_counts_suppressed_and_analysts_see_them(client, world,
                                                                    assessment):
    table = "by_category"
    as_role(client, world, Role.ANALYST)
    analyst = client.get(url("assessment_csv", assessment, section="volumes", table=table))
    rows = list(csv.reader(io.StringIO(analyst.content.decode("utf-8-sig"))))
    homicide = next(r for r in rows if r[0] == "Homicide")
    assert homicide[1:6] == ["1", "0", "2", "1", "3"]
    client.logout()
    as_role(client, world, Role.SCRUTINY_MEMBER)
    scrutiny = client.get(url("assessment_csv", assessment, section="volumes", table=table))
    rows = list(csv.reader(io.StringIO(scrutiny.content.decode("utf-8-sig"))))
    homicide = next(r for r in rows if r[0] == "Homicide")
    assert homicide[1:6] == ["<5", "0", "<5", "<5", "<5"]
    # Secondary suppression: the total minus the visible categories must not give homicide.
    total = next(r for r in rows if r[0] == "All offences in the definition")
    others = [r for r in rows[1:] if r[0] not in ("Homicide", total[0])]
    assert "[c]" in [r[5] for r in others] or total[5] == "[c]"
    page = client.get(url("assessment", assessment))
    assert b"suppression-notice" in page.content


@pytest.mark.django_db
def test_csv_cells_cannot_start_a_formula(client, world, areas):
    add_occurrences(world.home, {"rape": [5, 6, 7, 8, 9]})
    definition = services.definition_create(partnership=world.home, name="L",
                                            financial_year="2023/24",
                                            rules={"categories": ["rape"]})
    run = services.assessment_start(partnership=world.home, financial_year="2023/24",
                                    definition_version=definition.current, enqueue=False)
    run = services.run(services.claim(run.pk))
    # A label that a spreadsheet would run as a formula, as if it came from a file.
    tables = run.result["sections"]["volumes"]["tables"]
    tables["by_category"]["rows"][0]["category"] = "=HYPERLINK(\"http://x\")"
    Assessment.objects.filter(pk=run.pk).update(result=run.result)
    as_role(client, world, Role.ANALYST)
    body = client.get(url("assessment_csv", run, section="volumes", table="by_category"))
    assert "'=HYPERLINK" in body.content.decode("utf-8-sig")


@pytest.mark.django_db
def test_other_partnerships_assessment_is_404(client, world, assessment):
    as_role(client, world, "outsider")
    assert client.get(url("assessment", assessment)).status_code == 404
    other_url = reverse("assessment", kwargs={"slug": world.other.slug,
                                              "uuid": assessment.uuid})
    assert client.get(other_url).status_code == 404


@pytest.mark.django_db
def test_reworded_finding_is_flagged_when_a_rerun_changes_its_figures(client, world,
                                                                     assessment):
    as_role(client, world, Role.ANALYST)
    findings = client.get(url("assessment_findings", assessment))
    assert b"Police recorded" in findings.content
    edit = url("finding_edit", assessment, key="total")
    response = client.post(edit, {"text": "Our own words about the total."})
    assert response.status_code == 302
    assert FindingEdit.objects.get().text == "Our own words about the total."
    page = client.get(url("assessment_findings", assessment))
    assert b"Our own words about the total." in page.content
    assert b'data-testid="stale"' not in page.content
    add_occurrences(world.home, {"rape": [0, 0, 0, 0, 7]})  # more data arrives
    rerun = services.assessment_start(partnership=world.home, financial_year="2023/24",
                                      definition_version=assessment.definition_version,
                                      enqueue=False)
    rerun = services.run(services.claim(rerun.pk))
    page = client.get(url("assessment_findings", rerun))
    assert b'data-testid="stale"' in page.content
    assert b"Our own words about the total." in page.content


@pytest.mark.django_db
def test_weights_change_the_ranking_and_are_saved(client, world, assessment):
    as_role(client, world, Role.ANALYST)
    page = url("assessment_priorities", assessment)
    categories = [r["category"] for r in assessment.result["priority_inputs"]]
    volume_only = {"w_harm": "0", "w_volume": "1", "w_trend": "0", "w_vulnerability": "0",
                   "w_influence": "0", **{f"r_{c}": "3" for c in categories}}
    response = client.post(page, volume_only, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    text = response.content.decode()
    first = text.index("robbery of personal property")
    assert first < text.index("rape") and first < text.index("homicide")
    client.post(page, {**volume_only, "save": "1"})
    assessment.refresh_from_db()
    assert assessment.proposal.weights["volume"] == 1.0
    bad = client.post(page, {**volume_only, "w_volume": "0"})
    assert b"at least one component" in bad.content
    # Typed in place, a weight out of range says so beside the unchanged ranking.
    bad = client.post(page, {**volume_only, "w_harm": "-1"}, HTTP_HX_REQUEST="true")
    assert b'data-testid="weights-errors"' in bad.content
    # The finding on the top priority follows the saved weights.
    from assessments import labels

    current = services.current_priority(assessment)
    assert current["ranking"] != assessment.result["priority"]["ranking"]
    first = labels.category(current["ranking"][0]["category"])
    findings = client.get(url("assessment_findings", assessment)).content.decode()
    assert f"{first} ranks first" in findings


@pytest.mark.django_db
def test_board_member_reads_but_cannot_prepare(client, world, assessment):
    as_role(client, world, Role.BOARD_MEMBER)
    assert client.get(url("assessment", assessment)).status_code == 200
    assert client.post(url("assessment_priorities", assessment), {}).status_code == 403
    assert client.get(url("finding_edit", assessment, key="total")).status_code == 403
    start = reverse("assessment_start", kwargs={"slug": world.home.slug})
    assert client.post(start, {}).status_code == 403


@pytest.mark.django_db
def test_definition_editor_previews_saves_and_versions(client, world, police):
    as_role(client, world, Role.ANALYST)
    slug = world.home.slug
    preview = client.post(reverse("definition_preview", kwargs={"slug": slug}), {
        "name": "Robbery", "financial_year": "2023/24", "categories": ["personal_robbery"],
        "flags_mode": "any", "age_who": "either"})
    assert b"<strong>88</strong>" in preview.content
    new = client.post(reverse("definition_new", kwargs={"slug": slug}), {
        "name": "Robbery", "financial_year": "2023/24", "categories": ["personal_robbery"],
        "flags_mode": "any", "age_who": "either"})
    assert new.status_code == 302
    version = DefinitionVersion.objects.get()
    page = reverse("definition", kwargs={"slug": slug, "pk": version.definition.pk})
    client.post(page, {"name": "Robbery", "financial_year": "2023/24",
                       "categories": ["personal_robbery"], "flags_mode": "any",
                       "age_who": "either", "age_limit": "25", "note": "under 25s"})
    assert list(DefinitionVersion.objects.values_list("number", flat=True)) == [2, 1]
    empty = client.post(reverse("definition_new", kwargs={"slug": slug}), {
        "name": "Empty", "financial_year": "2023/24", "flags_mode": "any",
        "age_who": "either"})
    assert b"at least one offence category" in empty.content


@pytest.mark.django_db
def test_preset_page_prefills_the_editor(client, world):
    as_role(client, world, Role.ANALYST)
    page = client.get(reverse("definition_new", kwargs={"slug": world.home.slug})
                      + "?preset=avon_somerset_vrp")
    assert page.status_code == 200
    assert b'value="personal_robbery" checked' in page.content


@pytest.mark.django_db
def test_comparator_group_names_must_be_in_the_loaded_tables(client, world):
    from ingest.models import Extract, HomeOfficeCount

    extract = Extract.objects.create(partnership=world.home, source="home_office_csp_counts",
                                     filename="ho.csv", sha256="2" * 64, size=1,
                                     status=Extract.Status.LOADED)
    for name in ("Home", "Southampton", "Portsmouth"):
        HomeOfficeCount.objects.create(extract=extract, source_row=1, financial_year="2023/24",
                                       area_level="csp", area_name=name, force_name="F",
                                       offence_code="34B", count=10)
    as_role(client, world, Role.ANALYST)
    page = reverse("comparators", kwargs={"slug": world.home.slug})
    bad = client.post(page, {"name": "MSG", "own_area": "Home", "areas": "Southampton\nNowhere"})
    assert b"Nowhere" in bad.content and not ComparatorGroup.objects.exists()
    client.post(page, {"name": "MSG", "own_area": "Home", "areas": "Southampton\nPortsmouth"})
    assert ComparatorGroup.objects.get().areas == ["Southampton", "Portsmouth"]


@pytest.mark.django_db
def test_scrutiny_reads_only_the_latest_version_of_a_year(client, world, assessment):
    """Two versions suppress different cells; side by side they would give them away. A
    reader of suppressed figures sees the latest version of each year, and no comparison."""
    run = services.assessment_start(partnership=world.home, financial_year="2023/24",
                                    definition_version=assessment.definition_version,
                                    enqueue=False)
    newer = services.run(services.claim(run.pk))
    as_role(client, world, Role.SCRUTINY_MEMBER)
    assert client.get(url("assessment", assessment)).status_code == 404
    assert client.get(url("assessment_section", assessment, section="volumes")
                      ).status_code == 404
    assert client.get(url("assessment", newer)).status_code == 200
    compare = client.get(url("assessment_compare", newer) + f"?with={assessment.uuid}")
    assert compare.status_code == 404
    listing = client.get(reverse("assessments", kwargs={"slug": world.home.slug}))
    assert str(newer.uuid).encode() in listing.content
    assert str(assessment.uuid).encode() not in listing.content
    client.logout()
    as_role(client, world, Role.ANALYST)
    both = client.get(url("assessment_compare", newer) + f"?with={assessment.uuid}")
    assert both.status_code == 200
    assert client.get(url("assessment_compare", newer) + "?with=zzz").status_code == 404


@pytest.mark.django_db
def test_a_snapshot_without_the_disclosure_declarations_is_not_shown_suppressed(
        client, world, assessment):
    """A snapshot of layout 1 lacks the tables' shares_of: suppressing it could leave a
    small count to be worked out, so scrutiny does not see it and the analyst is told."""
    Assessment.objects.filter(pk=assessment.pk).update(
        result={**assessment.result, "schema": 1})
    as_role(client, world, Role.SCRUTINY_MEMBER)
    assert client.get(url("assessment", assessment)).status_code == 404
    assert client.get(url("assessment_csv", assessment, section="people",
                          table="victim_age")).status_code == 404
    listing = client.get(reverse("assessments", kwargs={"slug": world.home.slug}))
    assert str(assessment.uuid).encode() not in listing.content
    client.logout()
    as_role(client, world, Role.ANALYST)
    page = client.get(url("assessment", assessment))
    assert b'data-testid="not-suppressible"' in page.content


@pytest.mark.django_db
def test_start_form_offers_years_with_police_data_and_repeats_the_last_run(client, world,
                                                                         assessment):
    as_role(client, world, Role.ANALYST)
    page = client.get(reverse("assessment_start", kwargs={"slug": world.home.slug}))
    form = page.context["form"]
    # The extract covers 2019/20 to 2023/24: only those years are offered, latest first.
    assert [y for y, _label in form.fields["financial_year"].choices] == [
        "2023/24", "2022/23", "2021/22", "2020/21", "2019/20"]
    assert form.initial["definition"] == assessment.definition_version.definition_id
    assert form.initial["financial_year"] == "2023/24"
    assert b"No police records are loaded" not in page.content


@pytest.mark.django_db
def test_start_form_says_when_no_police_records_are_loaded(client, world):
    as_role(client, world, Role.ANALYST)
    page = client.get(reverse("assessment_start", kwargs={"slug": world.home.slug}))
    assert b"No police records are loaded" in page.content


@pytest.mark.django_db
def test_breadcrumbs_name_every_level_above_the_page(client, world, assessment):
    as_role(client, world, Role.ANALYST)
    page = client.get(url("finding_edit", assessment, key="total")).content.decode()
    start = page.index('class="govuk-breadcrumbs"')
    crumbs = page[start:page.index("</nav>", start)]
    links = crumbs.split("govuk-breadcrumbs__link")[1:]
    names = [part.split("</a>")[0].split(">")[-1] for part in links]
    assert names == ["Your partnerships", world.home.name, "Needs assessment",
                     "2023/24, version 1", "Findings"]
    assert url("assessment_findings", assessment) in crumbs


@pytest.mark.django_db
def test_every_note_of_a_snapshot_has_its_sentence(assessment):
    from assessments.notes import NOTES

    keys = set()
    for section in assessment.result["sections"].values():
        keys |= {note["key"] for note in section.get("notes", [])}
        for table in section["tables"].values():
            keys |= {note["key"] for note in table.get("notes", [])}
    assert {"missing_of_selection", "ethnicity_self_defined_records"} <= keys
    assert keys - set(NOTES) == set()


@pytest.mark.django_db
def test_csv_files_are_named_as_the_page_names_their_table(client, world, assessment):
    as_role(client, world, Role.ANALYST)
    response = client.get(url("assessment_csv", assessment, section="people",
                              table="victim_ethnicity_self"))
    name = response["Content-Disposition"].split('filename="')[1].rstrip('"')
    assert name == (f"{world.home.slug}-2023-24-v1-victims-and-suspects-"
                    "victims-by-self-defined-ethnicity.csv")


@pytest.mark.django_db
def test_an_indicator_reads_in_welsh_where_its_supplier_gave_the_welsh(
        client, world, police, population):
    from datetime import date

    from ingest.models import Extract, IndicatorValue

    from .conftest import BCP, add_extract, police_org

    organisation = police_org(world.home)
    extract = add_extract(world.home, organisation, source="indicator", name="ind.csv")
    Extract.objects.filter(pk=extract.pk).update(status=Extract.Status.LOADED)
    IndicatorValue.objects.create(
        extract=extract, organisation=organisation, source_row=1,
        period_start=date(2023, 4, 1), period_end=date(2024, 3, 31), area_code=BCP,
        area_level="local_authority", measure="Deliberate fires", value=12, unit="count",
        source="Fire service", measure_cy="Tanau bwriadol")
    definition = services.definition_create(partnership=world.home, name="Local",
                                            financial_year="2023/24", rules=RULES)
    run = services.run(services.claim(services.assessment_start(
        partnership=world.home, financial_year="2023/24",
        definition_version=definition.current, enqueue=False).pk))
    as_role(client, world, Role.ANALYST)
    english = client.get(url("assessment_section", run, section="health")).content.decode()
    assert "Deliberate fires" in english and "Tanau bwriadol" not in english
    client.cookies["django_language"] = "cy"
    welsh = client.get(url("assessment_section", run, section="health")).content.decode()
    assert "Tanau bwriadol" in welsh and "Deliberate fires" not in welsh
    assert ">nifer<" in welsh  # the unit "count", in Welsh


@pytest.mark.django_db
def test_no_suppressed_count_of_a_snapshot_can_be_worked_out_from_its_table(assessment):
    """Every table of a real snapshot, as scrutiny reads it, against an independent solver:
    no hidden count is determined by the visible cells and the sums the table declares."""
    from assessments.computation import disclosure
    from assessments.computation.tables import Table

    from ..assessments.test_disclosure import revealed

    checked = 0
    for section in assessment.result["sections"].values():
        for data in section["tables"].values():
            table = Table.from_dict(data)
            shown = disclosure.protect(table, "scrutiny", 5)
            assert revealed(shown, table) == [], table.key
            checked += any(disclosure.is_suppressed(v) for r in shown.rows for v in r.values())
    assert checked >= 5  # the fixture's small counts are suppressed in several tables
