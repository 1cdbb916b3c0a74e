import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from partners import demo
from partners.models import Membership, Organisation, Partnership, PartnershipLink, User

ROOT = Path(__file__).resolve().parent.parent


def run(*args):
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_create_partnership_command_is_idempotent(db):
    first = run("create_partnership", "--slug", "banes-csp", "--name", "B&NES CSP",
                "--kind", "csp", "--local-authority", "E06000022")
    assert "Created" in first and "6 seats" in first
    second = run("create_partnership", "--slug", "banes-csp", "--name", "B&NES CSP",
                 "--kind", "csp", "--local-authority", "E06000022")
    assert "Already exists" in second
    assert Partnership.objects.count() == 1


def test_create_partnership_part_of_and_wales(db):
    run("create_partnership", "--slug", "region", "--name", "Region", "--kind", "vrp",
        "--no-seats")
    run("create_partnership", "--slug", "swansea", "--name", "Swansea CSP", "--kind", "csp",
        "--local-authority", "W06000011", "--part-of", "region")
    swansea = Partnership.objects.get(slug="swansea")
    assert swansea.nation == "wales" and swansea.bilingual
    assert PartnershipLink.objects.filter(source=swansea, kind="part_of").exists()
    assert Partnership.objects.get(slug="region").seats.count() == 0


def test_create_partnership_errors_are_specific(db):
    with pytest.raises(CommandError, match="No partnership with slug 'nope'"):
        run("create_partnership", "--slug", "x", "--name", "X", "--kind", "csp",
            "--part-of", "nope")
    with pytest.raises(CommandError, match="E09999999"):
        run("create_partnership", "--slug", "x", "--name", "X", "--kind", "csp",
            "--local-authority", "E09999999")


def test_seed_demo_builds_the_seeds_line_ups_idempotently(db):
    run("seed_demo", "--no-data")
    counts = (Partnership.objects.count(), Organisation.objects.count(),
              Membership.objects.count(), User.objects.count())
    run("seed_demo", "--no-data")
    assert counts == (Partnership.objects.count(), Organisation.objects.count(),
                      Membership.objects.count(), User.objects.count())
    bcp = Partnership.objects.get(slug="bcp-csp")
    assert sorted(bcp.seats.values_list("organisation__name", flat=True)) == sorted([
        "Dorset Police", "Dorset & Wiltshire Fire and Rescue Service",
        "Probation Service (South West)", "Dorset Combined Youth Justice Service",
        "NHS Dorset", "Bournemouth, Christchurch and Poole Council",
        "Office of the Police and Crime Commissioner for Dorset"])
    opcc = bcp.seats.get(organisation__sector="opcc")
    assert not opcc.voting and not opcc.specified_authority
    region = Partnership.objects.get(slug="avon-and-somerset-vrp")
    assert region.links_in.filter(kind="part_of").count() == 5
    assert region.seats.get(organisation__sector="opcc").voting
    banes = Partnership.objects.get(slug="banes-vrp")
    assert banes.links_out.filter(kind="accountable_to", target__slug="banes-csp").exists()
    police = Organisation.objects.get(name="Avon and Somerset Constabulary")
    assert police.seats.count() == 7  # the regional VRP, five local VRPs, the B&NES CSP
    assert Partnership.objects.get(slug="cardiff-csp").bilingual
    roles = set(Membership.objects.filter(user__is_demo=True).values_list("role", flat=True))
    assert len(roles) == 7


def test_demo_code_is_the_authenticator_code(db):
    run("seed_demo", "--no-data")
    code = run("demo_code", "analyst").strip()
    assert len(code) == 6 and code.isdigit()
    from django_otp import match_token
    assert match_token(User.objects.get(username="analyst"), code) is not None
    with pytest.raises(CommandError):
        run("demo_code", "board-member")


def test_seed_demo_is_refused_without_demo_users(db, settings):
    settings.ALLOW_DEMO_USERS = False
    with pytest.raises(CommandError, match="not allowed"):
        run("seed_demo", "--no-data")
    assert not demo.Partnership.objects.exists()


def _production(env_overrides: dict) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items()
           if k not in {"SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "REDIS_URL",
                        "DJANGO_ALLOW_ASYNC_UNSAFE"}}
    env.update({"DJANGO_SETTINGS_MODULE": "svd_platform.settings.production", **env_overrides})
    return subprocess.run([sys.executable, "manage.py", "check", "--deploy"], cwd=ROOT,
                          env=env, capture_output=True, text=True, timeout=120)


def test_production_settings_refuse_to_start_without_secrets():
    result = _production({})
    assert result.returncode != 0
    for name in ("SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "REDIS_URL"):
        assert name in result.stderr


def test_production_settings_pass_the_deploy_check():
    result = _production({
        "SECRET_KEY": "x" * 20 + "-production-secret-for-the-deploy-check-" + "y" * 20,
        "ALLOWED_HOSTS": "svd.example.org",
        "DATABASE_URL": "postgres://svd:secret@127.0.0.1:5432/svd",
        "REDIS_URL": "redis://127.0.0.1:6379/0"})
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_seed_demo_loads_synthetic_extracts_through_the_upload_path(db, monkeypatch):
    from dataclasses import replace

    from django.db.models import Sum

    from ingest import demo as ingest_demo
    from ingest.models import (
        CensusEthnicity,
        ColumnMapping,
        Extract,
        HarmWeight,
        HomeOfficeCount,
        HospitalAdmission,
        IndicatorValue,
        IstvAttendance,
        PoliceOccurrence,
        PopulationEstimate,
        PostcodeDistrictShare,
        SharingAgreement,
        YouthJusticeAggregate,
    )

    monkeypatch.setattr(ingest_demo, "YEARS", 2)
    monkeypatch.setattr(ingest_demo, "FIRST_FY", 2022)  # the two years up to the assessed one
    monkeypatch.setattr(ingest_demo, "LSOAS_PER_LA", 6)
    monkeypatch.setattr(ingest_demo, "ISTV_PER_YEAR", 60)
    monkeypatch.setattr(ingest_demo, "ADMISSIONS_PER_YEAR", 30)
    monkeypatch.setattr(ingest_demo, "FORCES", tuple(
        replace(force, rows_per_year=150) for force in ingest_demo.FORCES))
    out = run("seed_demo")
    # geography 2, population 2 (a file per mid-year), census 1, postcode districts 1,
    # police 3 forces x 2 years, ISTV and admissions 5 health boards x 2 sources x 2 years,
    # youth justice 7 services, indicators 8 councils, 2 harm indices, Home Office counts 1,
    # comparator populations 1.
    expected = 2 + 2 + 1 + 1 + 6 + 20 + 7 + 8 + 2 + 1 + 1
    assert f"Demo data: {expected} extract(s) loaded" in out
    assert Extract.objects.count() == expected
    assert not Extract.objects.exclude(status=Extract.Status.LOADED).exists()
    assert not Extract.objects.filter(rows_rejected__gt=0).exists()
    by_source = dict(Extract.objects.values_list("source").annotate(n=Sum("rows_loaded")))
    assert set(by_source) == {
        "geography", "population", "census_ethnicity", "postcode_districts",
        "police_occurrences", "istv", "hospital_admissions", "youth_justice", "indicator",
        "harm_weights", "home_office_csp_counts"}
    for source, model in (("police_occurrences", PoliceOccurrence), ("istv", IstvAttendance),
                          ("youth_justice", YouthJusticeAggregate),
                          ("indicator", IndicatorValue), ("population", PopulationEstimate),
                          ("census_ethnicity", CensusEthnicity),
                          ("postcode_districts", PostcodeDistrictShare),
                          ("harm_weights", HarmWeight),
                          ("home_office_csp_counts", HomeOfficeCount)):
        assert model.objects.count() == by_source[source], source
    # Two synthetic harm indices, named as such, at their own granularity.
    assert dict(HarmWeight.objects.values_list("index_name", "granularity").distinct()) == {
        "Demo harm index by offence code (synthetic)": "offence_code",
        "Demo harm index by offence subgroup (synthetic)": "subgroup"}
    assert set(HarmWeight.objects.values_list("source_note", flat=True)) == {
        "SVD Platform demo data (synthetic)"}
    assert set(Extract.objects.filter(source="harm_weights").values_list(
        "publisher", flat=True)) == {"SVD Platform demo data (synthetic)"}
    # Home Office counts for the demo areas and the comparators, two years of them.
    own, comparators = ingest_demo.comparator_areas()
    assert own == "Bournemouth, Christchurch and Poole" and 5 <= len(comparators) <= 7
    areas = set(HomeOfficeCount.objects.values_list("area_name", flat=True))
    assert {own, "Dorset", "Cardiff", *comparators} <= areas
    assert set(HomeOfficeCount.objects.values_list("financial_year", flat=True)) == {
        "2022/23", "2023/24"}
    # Admissions are apportioned by postcode district: shares sum to the rows loaded.
    admissions = HospitalAdmission.objects.aggregate(n=Sum("share"))["n"]
    assert round(admissions, 6) == by_source["hospital_admissions"]
    assert HospitalAdmission.objects.filter(apportioned=True).exists()
    assert not HospitalAdmission.objects.filter(local_authority_code="").exists()
    assert PopulationEstimate.objects.values("year").distinct().count() == 2
    fte = YouthJusticeAggregate.objects.filter(measure="first_time_entrants")
    assert fte.count() == 8 * 2  # per local authority and financial year
    assert {"Deliberate fires", "MARAC cases discussed", "Permanent exclusions"} <= set(
        IndicatorValue.objects.values_list("measure", flat=True))
    shared = Extract.objects.exclude(source__in=["geography", "population", "census_ethnicity",
                                                 "postcode_districts", "harm_weights",
                                                 "home_office_csp_counts"])
    assert not shared.filter(agreement=None).exists()
    assert set(SharingAgreement.objects.values_list("lawful_basis", flat=True)) == {"s17a"}
    assert ColumnMapping.objects.filter(name="Dorset Police Niche export").exists()
    # Every demo partnership has a finished assessment, with its preset's definition.
    from assessments.models import Assessment
    from partners.models import Partnership

    assert "Demo assessments:" in out
    runs = Assessment.objects.filter(status=Assessment.Status.DONE)
    assert runs.count() == Partnership.objects.count()
    assert runs.get(partnership__slug="bcp-csp").definition_version.definition.preset == \
        "bcp_csp"
    assert runs.get(partnership__slug="bcp-csp").comparator_snapshot["areas"] == comparators
    assert f"0 extract(s) loaded, {expected} already there" in run("seed_demo")
    assert Assessment.objects.count() == runs.count()  # not run twice
    assert Extract.objects.count() == expected
