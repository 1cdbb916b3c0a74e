"""Running the assessment: the command, the snapshot's figures against hand counts,
versions, immutability, provenance."""

import json
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError

from assessments import services
from assessments.models import Assessment, Definition

from .conftest import COUNTS, YEARS, add_occurrences

RULES = {"categories": ["homicide", "personal_robbery", "rape", "wounding_gbh_with_intent"]}


def definition(world, rules=RULES, name="Local"):
    return services.definition_create(partnership=world.home, name=name,
                                      financial_year="2023/24", rules=rules)


def run(world, capsys=None, *args):
    out = StringIO()
    call_command("run_assessment", "--partnership", world.home.slug, "--year", "2023",
                 *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_json_snapshot_has_hand_counted_categories_changes_and_verdicts(world, police,
                                                                       population):
    definition(world)
    snapshot = json.loads(run(world, None, "--json"))
    rows = {row["category"]: row for row in snapshot["categories"]}
    for category, series in COUNTS.items():
        assert [rows[category]["counts"][y] for y in YEARS] == series, category
    robbery = rows["personal_robbery"]
    assert round(robbery["change"]) == 7  # 82 -> 88
    assert robbery["verdict"] == "no_significant_change"
    assert rows["wounding_gbh_with_intent"]["verdict"] == "significant_increase"  # 61 -> 90
    assert rows["all"]["counts"]["2023/24"] == sum(s[-1] for s in COUNTS.values())
    ranking = snapshot["priority"]["ranking"]
    assert [r["rank"] for r in ranking] == list(range(1, len(ranking) + 1))
    assert {r["category"] for r in ranking} == set(COUNTS)
    assert snapshot["assessment"]["version"] == 1
    assert snapshot["provenance"]["extracts"][0]["sha256"]
    assert snapshot["evaluability"]["police_occurrences"]["categories"] == "applied"


@pytest.mark.django_db
def test_rerun_makes_a_new_version_and_finished_snapshots_are_immutable(world, police):
    definition(world)
    run(world)
    run(world)
    first, second = Assessment.objects.filter(partnership=world.home).order_by("version")
    assert (first.version, second.version) == (1, 2)
    assert first.status == second.status == Assessment.Status.DONE
    first.result = {}
    with pytest.raises(ValidationError):
        first.save()


@pytest.mark.django_db
def test_definition_changes_are_new_versions_and_the_run_records_which(world, police):
    item = definition(world)
    same = services.definition_version_save(definition=item, rules=RULES)
    assert same.number == 1
    changed = services.definition_version_save(definition=item,
                                               rules={"categories": ["rape"]}, note="rape only")
    assert changed.number == 2
    snapshot = json.loads(run(world, None, "--json"))
    assert snapshot["provenance"]["definition"]["version"] == 2
    assert [r["category"] for r in snapshot["categories"]] == ["rape", "all"]


@pytest.mark.django_db
def test_command_errors_say_what_to_do(world):
    with pytest.raises(CommandError, match="no local definition"):
        run(world)
    with pytest.raises(CommandError, match="No partnership"):
        call_command("run_assessment", "--partnership", "nope", "--year", "2023")
    definition(world, name="A")
    definition(world, name="B")
    with pytest.raises(CommandError, match="--definition"):
        run(world)


@pytest.mark.django_db
def test_a_year_without_police_records_is_not_assessed(world, police):
    """Nobody supplied 2026/27: a run would report zeros as if violence had stopped."""
    later = services.definition_create(partnership=world.home, name="Later",
                                       financial_year="2026/27", rules=RULES)
    with pytest.raises(ValidationError, match="No police records for 2026/27"):
        services.assessment_start(partnership=world.home, financial_year="2026/27",
                                  definition_version=later.current, enqueue=False)
    with pytest.raises(CommandError, match="Upload the year's police extracts"):
        call_command("run_assessment", "--partnership", world.home.slug, "--year", "2026",
                     stdout=StringIO())
    assert not Assessment.objects.exists()


@pytest.mark.django_db
def test_invalid_rules_are_refused_with_reasons(world):
    with pytest.raises(ValidationError):
        services.definition_create(partnership=world.home, name="Bad",
                                   financial_year="2023/24", rules={"categories": ["nonsense"]})
    assert not Definition.objects.exists()


@pytest.mark.django_db
def test_another_partnerships_records_are_not_read(world, areas):
    add_occurrences(world.home, {"rape": [1, 1, 1, 1, 5]})
    add_occurrences(world.other, {"rape": [9, 9, 9, 9, 9]})
    definition(world, {"categories": ["rape"]})
    snapshot = json.loads(run(world, None, "--json"))
    rows = {row["category"]: row for row in snapshot["categories"]}
    assert rows["rape"]["counts"]["2023/24"] == 5


@pytest.mark.django_db
def test_presets_make_definitions_the_command_can_use(world, police):
    out = run(world, None, "--preset", "home_office_serious_violence")
    assert "priority 1" in out
    assert Definition.objects.get(partnership=world.home).preset == \
        "home_office_serious_violence"


@pytest.mark.django_db
def test_a_failed_run_tells_its_reader_what_to_do_in_their_language(client, world, police,
                                                                    monkeypatch):
    from django.urls import reverse

    from partners.roles import Role

    from ..conftest import login_verified

    def broken(assessment):
        raise KeyError("victim_age")

    monkeypatch.setattr(services, "_compute", broken)
    queued = services.assessment_start(partnership=world.home, financial_year="2023/24",
                                       definition_version=definition(world).current,
                                       enqueue=False)
    failed = services.run(services.claim(queued.pk))
    assert failed.status == Assessment.Status.FAILED
    assert failed.error == "KeyError: 'victim_age'"  # for administrators
    login_verified(client, world.users[Role.ANALYST])
    client.cookies["django_language"] = "cy"
    page = client.get(reverse("assessment", kwargs={"slug": world.home.slug,
                                                    "uuid": failed.uuid})).content.decode()
    assert "victim_age" not in page and str(failed.uuid) in page
    assert "Dechreuwch y rhediad eto" in page
