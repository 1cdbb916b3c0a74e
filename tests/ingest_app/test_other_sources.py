"""Health, youth justice, indicator and reference sources, end to end: uploaded through the
upload page, the service or import_extract, scanned, parsed, placed and stored (eager
Celery), with the reconciliation rows_read == loaded + rejected + duplicates + outside area."""

import json
from datetime import date, timedelta
from io import StringIO

import pandas as pd
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone

from ingest import processing, services, synthetic
from ingest.loaders import LOADERS, LOOKUP_SOURCES, models_with_rows
from ingest.models import (
    AmbulanceCallout,
    CensusEthnicity,
    Extract,
    HarmWeight,
    HomeOfficeCount,
    HospitalAdmission,
    IndicatorValue,
    IstvAttendance,
    PopulationEstimate,
    PostcodeDistrictShare,
    YouthJusticeAggregate,
    YouthJusticeRecord,
)
from ingest.parsers import istv as istv_parser
from ingest.parsers.registry import source_keys
from ingest.sources import OGL, SOURCES
from tests.shared import shared_path

BCP, DORSET = "E06000058", "E06000059"
LAS = {BCP: "Bournemouth, Christchurch and Poole", DORSET: "Dorset"}
SHARED = ("istv", "hospital_admissions", "ambulance", "youth_justice", "indicator")
# The synthetic ISTV generator writes short headings; the parser takes the NHS Data
# Dictionary element names.
ISTV_HEADINGS = {"Site Code": istv_parser.SITE, "Arrival Date Time": istv_parser.ARRIVAL,
                 "Assault Date Time": istv_parser.ASSAULT}
POPULATION = "ons-population-west-sussex/lsoa_mye_16_20.csv"
CCHI = "cchi-prc-subgroup-weights/cchi_weights.csv"
CSS = "ons-crime-severity-weights/policeuk-ons-code-join.csv"
HOME_OFFICE = "home-office-prc-pfa-2017-18/prc-pfa-mar2013-onwards-tables201718.csv"


# --- helpers -------------------------------------------------------------------------------

def org(world, sector):
    return world.home.seats.get(organisation__sector=sector).organisation


def agree(world, organisation, *keys, ref=None):
    return services.agreement_add(
        reference=ref or f"ISA-{organisation.pk}-{'-'.join(keys)}", organisation=organisation,
        partnerships=[world.home], source_keys=list(keys), lawful_basis="s17a",
        starts_on=date.today() - timedelta(days=30), review_on=date.today() + timedelta(days=300))


def as_bytes(content) -> bytes:
    if isinstance(content, pd.DataFrame):
        return content.to_csv(index=False).encode()
    if isinstance(content, str):
        return content.encode()
    return content.read_bytes() if hasattr(content, "read_bytes") else content


def upload(world, capture, key, content, organisation=None, name=None):
    with capture(execute=True):
        extract = services.extract_receive(
            partnership=world.home, organisation=organisation, source_key=key,
            filename=name or f"{key}.csv", chunks=[as_bytes(content)], uploaded_by=None)
    extract.refresh_from_db()
    return extract


def reconciles(extract) -> bool:
    return extract.rows_read == (extract.rows_loaded + extract.rows_rejected
                                 + extract.duplicates + extract.outside_area)


def loaded(extract):
    assert extract.status == Extract.Status.LOADED, extract.message
    assert reconciles(extract), (extract.rows_read, extract.rows_loaded, extract.rows_rejected,
                                 extract.duplicates, extract.outside_area)
    return extract


def stored(model, extract) -> int:
    return model.objects.filter(extract=extract).count()


def stored_rows(model, extract) -> int:
    """Distinct file rows stored (a wide or apportioned row is stored as several records)."""
    return model.objects.filter(extract=extract).values("source_row").distinct().count()


@pytest.fixture
def geography(world, django_capture_on_commit_callbacks):
    """A synthetic LSOA -> ward -> local authority lookup for BCP and Dorset, loaded."""
    frame = synthetic.geography(LAS, 12, seed=3)
    extract = upload(world, django_capture_on_commit_callbacks, "geography", frame)
    assert extract.status == Extract.Status.LOADED, extract.message
    return frame


def istv_frame(rows=60, seed=1, start_fy=2023):
    """Synthetic ISTV with the parser's headings. The generator leaves about 1 in 10
    assault times blank, which the parser rejects (a mandatory element): all but one of
    them take the arrival time, so the file stays under the error threshold."""
    frame = synthetic.istv(start_fy, 1, rows, seed).rename(columns=ISTV_HEADINGS)
    blank = frame.index[frame[istv_parser.ASSAULT] == ""][1:]
    frame.loc[blank, istv_parser.ASSAULT] = frame.loc[blank, istv_parser.ARRIVAL]
    return frame


# --- the upload form and the loader registry ------------------------------------------------

def test_upload_form_offers_every_source_with_a_parser_and_a_loader(as_user, world):
    client = as_user(world.users["analyst"])
    page = client.get(reverse("upload", kwargs={"slug": world.home.slug}))
    offered = {key for key, _label in page.context["form"].fields["source_key"].choices}
    wanted = {key for key in source_keys() if key in LOADERS} | set(LOOKUP_SOURCES)
    assert wanted <= offered
    assert set(source_keys()) <= set(LOADERS)  # every parser has a loader
    assert offered <= set(SOURCES)


def test_every_new_table_is_covered_by_row_deletion():
    tables = set(models_with_rows())
    assert {IstvAttendance, HospitalAdmission, AmbulanceCallout, YouthJusticeRecord,
            YouthJusticeAggregate, IndicatorValue, PopulationEstimate, CensusEthnicity,
            HomeOfficeCount, HarmWeight} <= tables


def test_sources_are_open_or_shared_as_they_should_be():
    for key in SHARED:
        assert not SOURCES[key].open_data, key
    for key in ("population", "census_ethnicity", "home_office_csp_counts", "harm_weights",
                "postcode_districts"):
        assert SOURCES[key].open_data and SOURCES[key].reference, key
    assert SOURCES["population"].licence == SOURCES["census_ethnicity"].licence == OGL
    assert SOURCES["home_office_csp_counts"].licence == OGL


# --- shared data: agreements ----------------------------------------------------------------

@pytest.mark.parametrize("key", SHARED)
def test_shared_source_without_an_agreement_is_refused(world, key):
    health = org(world, "health")
    with pytest.raises(ValidationError, match="no information-sharing agreement in force"):
        services.extract_receive(partnership=world.home, organisation=health, source_key=key,
                                 filename="x.csv", chunks=[b"a,b\n1,2\n"], uploaded_by=None)
    assert not Extract.objects.exists()


def test_upload_page_refuses_shared_data_without_an_agreement(as_user, world):
    client = as_user(world.users["analyst"])
    response = client.post(reverse("upload", kwargs={"slug": world.home.slug}), {
        "organisation": org(world, "health").pk, "source_key": "istv",
        "files": [SimpleUploadedFile("istv.csv", as_bytes(istv_frame(10)))]})
    assert response.status_code == 200
    assert "no information-sharing agreement in force" in response.content.decode()
    assert not Extract.objects.exists()


# --- ISTV -----------------------------------------------------------------------------------

def test_istv_uploaded_through_the_page_loads(as_user, world, django_capture_on_commit_callbacks):
    health = org(world, "health")
    agree(world, health, "istv")
    frame = istv_frame()
    client = as_user(world.users["analyst"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("upload", kwargs={"slug": world.home.slug}), {
            "organisation": health.pk, "source_key": "istv",
            "files": [SimpleUploadedFile("istv-2023-24.csv", as_bytes(frame))]})
    extract = loaded(Extract.objects.get())
    assert response["Location"].endswith(str(extract.uuid) + "/")
    assert extract.agreement is not None and extract.organisation == health
    assert stored(IstvAttendance, extract) == extract.rows_loaded > 0
    assert extract.rows_read == len(frame)
    assert sum(extract.by_category.values()) == extract.rows_loaded
    assert extract.report["summary"]["sites"] == ["SYN01"]
    assert extract.period_start >= date(2023, 4, 1) - timedelta(days=1)
    # Local times are stored as local times.
    first = frame[frame[istv_parser.ASSAULT] != ""].iloc[0]
    row = IstvAttendance.objects.get(extract=extract, source_row=int(first.name))
    assert timezone.localtime(row.assaulted_at).strftime("%d/%m/%Y %H:%M") == \
        first[istv_parser.ASSAULT]
    page = client.get(response["Location"]).content.decode()
    assert "Validation report" in page


def test_istv_reupload_for_the_same_period_supersedes(world, django_capture_on_commit_callbacks):
    health = org(world, "health")
    agree(world, health, "istv")
    frame = istv_frame(60)
    first = loaded(upload(world, django_capture_on_commit_callbacks, "istv", frame, health))
    corrected = frame.drop(frame.index[20:30])  # the same site and reporting periods
    second = loaded(upload(world, django_capture_on_commit_callbacks, "istv", corrected,
                           health, name="istv-corrected.csv"))
    first.refresh_from_db()
    assert first.status == Extract.Status.SUPERSEDED and first.superseded_by == second
    assert IstvAttendance.objects.count() == stored(IstvAttendance, second) == second.rows_loaded
    assert second.rows_loaded == first.rows_loaded - 10
    assert second.report["rows_replaced"] == first.rows_loaded
    assert (second.period_start, second.period_end) == (first.period_start, first.period_end)
    # Another year, and another site's submission for the same periods, are not touched.
    other_year = loaded(upload(world, django_capture_on_commit_callbacks, "istv",
                               istv_frame(20, seed=3, start_fy=2021), health, name="2021.csv"))
    other_site = istv_frame(20, seed=4).assign(**{istv_parser.SITE: "SYN02"})
    other_site = loaded(upload(world, django_capture_on_commit_callbacks, "istv", other_site,
                               health, name="site-2.csv"))
    second.refresh_from_db()
    assert second.status == Extract.Status.LOADED
    assert "rows_replaced" not in other_year.report and "rows_replaced" not in other_site.report
    assert IstvAttendance.objects.count() == (second.rows_loaded + other_year.rows_loaded
                                              + other_site.rows_loaded)


# --- hospital admissions and the postcode district lookup --------------------------------------

def district_lookup(*extra) -> str:
    lines = ["postcode_district,local_authority_code,share"]
    lines += [f"BH{n},{BCP},1" for n in range(1, 16)]
    lines += [f"BH17,{BCP},1", f"BH23,{BCP},0.7", f"BH23,{DORSET},0.3", *extra]
    return "\n".join(lines) + "\n"


def test_admissions_without_a_district_lookup_load_unplaced(
        world, django_capture_on_commit_callbacks):
    health = org(world, "health")
    agree(world, health, "hospital_admissions")
    frame = synthetic.hospital_admissions(2023, 1, 40, seed=5)
    extract = loaded(upload(world, django_capture_on_commit_callbacks, "hospital_admissions",
                            frame, health))
    assert stored(HospitalAdmission, extract) == extract.rows_loaded == 40
    assert extract.unplaced == 40
    assert set(extract.report["unplaced_by_reason"]) == {processing.UNPLACED_NO_LOOKUP}
    assert "apportioned" not in extract.report


def test_admissions_are_apportioned_to_local_authorities_by_the_loaded_lookup(
        world, django_capture_on_commit_callbacks):
    lookup = upload(world, django_capture_on_commit_callbacks, "postcode_districts",
                    district_lookup(f"DT1,{DORSET},1"))
    assert lookup.status == Extract.Status.LOADED, lookup.message
    assert lookup.publisher and lookup.licence == OGL
    assert PostcodeDistrictShare.objects.count() == 19
    health = org(world, "health")
    agree(world, health, "hospital_admissions")
    frame = synthetic.hospital_admissions(2023, 1, 80, seed=5)
    frame.loc[frame.index[:3], "Postcode District"] = "DT1"  # wholly outside BCP
    frame.loc[frame.index[3], "Postcode District"] = "ZZ9"  # not in the lookup
    extract = loaded(upload(world, django_capture_on_commit_callbacks, "hospital_admissions",
                            frame, health))
    rows = HospitalAdmission.objects.filter(extract=extract)
    assert extract.outside_area == 3
    assert stored_rows(HospitalAdmission, extract) == extract.rows_loaded == 77
    assert rows.aggregate(n=Sum("share"))["n"] == pytest.approx(extract.rows_loaded)
    split = (frame["Postcode District"] == "BH23").sum()
    assert rows.count() == extract.rows_loaded + split  # BH23 admissions are in two rows
    assert rows.filter(local_authority_code=DORSET).aggregate(n=Sum("share"))["n"] == \
        pytest.approx(0.3 * split)
    assert extract.report["apportioned"] is True
    assert extract.report["apportionment"]["records_apportioned"] == 76  # stored, in BCP
    assert extract.report["apportionment"]["districts_not_in_lookup"] == ["ZZ9"]
    assert "apportioned" in extract.message
    assert extract.unplaced == 1
    assert extract.report["unplaced_by_reason"] == {processing.UNPLACED_DISTRICT: 1}
    assert sum(extract.by_category.values()) == extract.rows_loaded
    outside = extract.row_errors.filter(column="Postcode district")
    assert sorted(outside.values_list("value", flat=True)) == ["DT1"] * 3


def test_a_district_lookup_uploaded_as_geography_is_recognised(
        world, django_capture_on_commit_callbacks):
    extract = upload(world, django_capture_on_commit_callbacks, "geography", district_lookup())
    assert extract.status == Extract.Status.LOADED, extract.message
    assert extract.report["lookup"] == "postcode_district"
    # A new lookup replaces the districts it lists and leaves the others.
    upload(world, django_capture_on_commit_callbacks, "postcode_districts",
           f"postcode_district,local_authority_code,share\nBH23,{BCP},1\n")
    assert PostcodeDistrictShare.objects.filter(postcode_district="BH23").count() == 1
    assert PostcodeDistrictShare.objects.count() == 17


def test_a_district_lookup_whose_shares_do_not_add_up_is_refused(
        world, django_capture_on_commit_callbacks):
    extract = upload(world, django_capture_on_commit_callbacks, "postcode_districts",
                     f"postcode_district,local_authority_code,share\nBH1,{BCP},0.5\n")
    assert extract.status == Extract.Status.REFUSED
    assert "add up to 1" in extract.message
    assert not PostcodeDistrictShare.objects.exists()


# --- ambulance --------------------------------------------------------------------------------

def test_ambulance_callouts_are_placed_by_lsoa(world, geography,
                                                django_capture_on_commit_callbacks):
    bcp = geography.loc[geography["LAD19CD"] == BCP, "LSOA11CD"].tolist()
    dorset = geography.loc[geography["LAD19CD"] == DORSET, "LSOA11CD"].tolist()
    lines = ["Call date and time,Category,LSOA code,Postcode district,Incident reference"]
    lines += [f"2024-01-{d:02d} 23:15,Assault / Sexual assault,{bcp[d % len(bcp)]},,INC{d}"
              for d in range(1, 21)]
    lines += ["2024-01-02 23:20,Assault / Sexual assault,,,INC2",  # second vehicle
              f"2024-01-25 01:00,Stab / Gunshot / Penetrating trauma,{dorset[0]},,INC25",
              "2024-01-26 02:00,Stab / Gunshot / Penetrating trauma,,BH1,INC26"]
    health = org(world, "health")
    agree(world, health, "ambulance")
    extract = loaded(upload(world, django_capture_on_commit_callbacks, "ambulance",
                            "\n".join(lines) + "\n", health))
    assert extract.rows_read == 23
    assert extract.duplicates == 1 and extract.outside_area == 1
    assert stored(AmbulanceCallout, extract) == extract.rows_loaded == 21
    assert extract.unplaced == 1
    assert extract.by_category == {"assault": 20, "stab_or_gunshot": 1}
    placed = AmbulanceCallout.objects.filter(extract=extract, local_authority_code=BCP)
    assert placed.count() == 20 and placed.first().ward_code
    assert placed.first().lsoa_vintage == 2011


# --- youth justice ----------------------------------------------------------------------------

def youth_aggregate_frame(start_fy=2022, years=2):
    return synthetic.youth_justice(LAS, start_fy, years, seed=2).drop(
        columns="Local authority")


def test_youth_justice_cohort_and_aggregates_load_into_their_tables(
        world, django_capture_on_commit_callbacks):
    yot = org(world, "youth_justice")
    agree(world, yot, "youth_justice")
    cohort = ("Child reference,Age,Offence date,First time entrant,Outcome,Knife possession,"
              "Local authority code\n"
              f"C001,15,2023-05-02,Y,Outcome 22,N,{BCP}\n"
              f"C002,16,2023-06-10,N,Outcome 1,Y,{BCP}\n"
              f"C003,14,2023-07-11,,,,{BCP}\n"
              f"C002,16,2023-06-10,N,Outcome 1,Y,{BCP}\n")  # the same row again
    records = loaded(upload(world, django_capture_on_commit_callbacks, "youth_justice", cohort,
                            yot, name="cohort.csv"))
    assert records.duplicates == 1
    assert stored(YouthJusticeRecord, records) == records.rows_loaded == 3
    assert records.by_category["first_time_entrants"] == 1
    unknown = YouthJusticeRecord.objects.get(extract=records, child_reference="C003")
    assert unknown.first_time_entrant is None and unknown.knife_possession is None
    assert YouthJusticeRecord.objects.get(child_reference="C001").first_time_entrant is True

    aggregate = loaded(upload(world, django_capture_on_commit_callbacks, "youth_justice",
                              youth_aggregate_frame(), yot, name="aggregates.csv"))
    assert aggregate.report["summary"]["layout"] == "aggregate"
    assert stored(YouthJusticeAggregate, aggregate) == aggregate.rows_loaded == 2 * 2 * 5
    assert aggregate.period_start == date(2022, 4, 1)
    assert aggregate.period_end == date(2024, 3, 31)
    records.refresh_from_db()
    assert records.status == Extract.Status.LOADED  # other layout, other table: untouched

    # A corrected year replaces that year's values only.
    revised = youth_aggregate_frame(2023, 1)
    corrected = loaded(upload(world, django_capture_on_commit_callbacks, "youth_justice",
                              revised, yot, name="aggregates-2023.csv"))
    aggregate.refresh_from_db()
    assert aggregate.status == Extract.Status.LOADED
    assert stored(YouthJusticeAggregate, aggregate) == 10
    assert corrected.report["rows_replaced"] == 10
    assert YouthJusticeAggregate.objects.filter(financial_year="2023/24").count() == 10

    # Deleting an extract's rows covers the table its layout loaded into.
    assert processing.delete_rows(records) == 3
    assert processing.delete_rows(aggregate) == 10
    assert not YouthJusticeRecord.objects.exists()


# --- indicators -------------------------------------------------------------------------------

def test_indicators_load_and_a_revised_file_replaces_the_same_cells(
        world, django_capture_on_commit_callbacks):
    council = org(world, "local_authority")
    agree(world, council, "indicator")
    frame = synthetic.indicator({BCP: LAS[BCP]}, 2022, 2, seed=4,
                                geography_frame=synthetic.geography({BCP: LAS[BCP]}, 9, 4))
    first = loaded(upload(world, django_capture_on_commit_callbacks, "indicator", frame,
                          council))
    assert stored(IndicatorValue, first) == first.rows_loaded == len(frame)
    assert first.by_category["Deliberate fires"] == 8
    assert first.period_start == date(2022, 4, 1) and first.period_end == date(2024, 3, 31)

    fires = frame[frame["Measure"] == "Deliberate fires"].head(4).copy()
    fires["Value"] = "0"
    second = loaded(upload(world, django_capture_on_commit_callbacks, "indicator", fires,
                           council, name="fires-2022-23-revised.csv"))
    first.refresh_from_db()
    assert first.status == Extract.Status.LOADED
    assert stored(IndicatorValue, first) == len(frame) - 4
    assert IndicatorValue.objects.count() == len(frame)
    assert set(IndicatorValue.objects.filter(extract=second).values_list("value", flat=True)) \
        == {0}


# --- reference data ---------------------------------------------------------------------------

def test_synthetic_population_and_census_load_as_reference_data(
        world, django_capture_on_commit_callbacks):
    places = synthetic.geography({BCP: LAS[BCP]}, 10, seed=6)
    population = synthetic.population(places, range(2019, 2021), seed=6)
    extract = loaded(upload(world, django_capture_on_commit_callbacks, "population", population))
    assert extract.organisation is None and extract.agreement is None
    assert extract.publisher == "Office for National Statistics" and extract.licence == OGL
    assert stored(PopulationEstimate, extract) == extract.rows_loaded == len(population)
    total = PopulationEstimate.objects.filter(year=2020).aggregate(n=Sum("population"))["n"]
    assert extract.by_category["2020"] == total

    census = synthetic.census_ethnicity(places, seed=6)
    extract = loaded(upload(world, django_capture_on_commit_callbacks, "census_ethnicity",
                            census))
    assert stored(CensusEthnicity, extract) == extract.rows_loaded == len(census)
    assert CensusEthnicity.objects.filter(level="detailed").count() == 10 * 19
    assert extract.period_start == date(2021, 3, 21)
    # A new Census file for some of the areas replaces those areas only.
    some = census[census.iloc[:, 0].isin(places["LSOA11CD"].head(2))]
    again = loaded(upload(world, django_capture_on_commit_callbacks, "census_ethnicity",
                          some, name="two-areas.csv"))
    extract.refresh_from_db()
    assert extract.status == Extract.Status.LOADED
    assert again.report["rows_replaced"] == len(some)
    assert CensusEthnicity.objects.count() == len(census)


def test_real_population_file_loads_and_a_new_file_replaces_the_same_years_and_areas(
        world, django_capture_on_commit_callbacks, tmp_path):
    path = shared_path(POPULATION)
    first = loaded(upload(world, django_capture_on_commit_callbacks, "population", path,
                          name=path.name))
    assert first.rows_read == first.rows_loaded == 18180
    summary = first.report["summary"]
    assert summary["layout"] == "wide" and summary["ignored_columns"] == ["LSOA11NM", "2016_20"]
    assert stored_rows(PopulationEstimate, first) == first.rows_loaded
    assert stored(PopulationEstimate, first) == summary["records_loaded"] == 5 * 18180
    assert first.by_category["2016"] == 846888
    assert PopulationEstimate.objects.filter(year=2016).aggregate(
        n=Sum("population"))["n"] == 846888

    # A revised 2020 for the first area replaces that year and area, nothing else.
    frame = pd.read_csv(path, dtype=str)
    area = frame["LSOA11CD"].iloc[0]
    revised = frame[frame["LSOA11CD"] == area][["LSOA11CD", "Age_group", "Sex", "2020"]]
    second = loaded(upload(world, django_capture_on_commit_callbacks, "population", revised,
                           name="revised.csv"))
    first.refresh_from_db()
    assert first.status == Extract.Status.LOADED
    assert second.report["rows_replaced"] == len(revised)
    assert PopulationEstimate.objects.count() == 5 * 18180
    assert PopulationEstimate.objects.filter(area_code=area, year=2020,
                                             extract=second).count() == len(revised)


def test_home_office_counts_load_without_an_agreement(world, django_capture_on_commit_callbacks):
    path = shared_path(HOME_OFFICE)
    extract = loaded(upload(world, django_capture_on_commit_callbacks,
                            "home_office_csp_counts", path, name=path.name))
    assert extract.rows_read == extract.rows_loaded == 23068
    assert stored(HomeOfficeCount, extract) == extract.rows_loaded
    assert extract.publisher == "Home Office" and extract.licence == OGL
    assert extract.period_start == date(2017, 4, 1) and extract.period_end == date(2018, 3, 31)
    assert sum(extract.by_category.values()) == 5519401
    dorset = HomeOfficeCount.objects.filter(area_name="Dorset").aggregate(n=Sum("count"))["n"]
    assert dorset == 49115
    # A new publication of the same table (one count revised) replaces it.
    republished = pd.read_csv(path, dtype=str, keep_default_na=False)
    republished.loc[1, "Number of Offences"] = " 3 "
    again = loaded(upload(world, django_capture_on_commit_callbacks, "home_office_csp_counts",
                          republished, name="republished.csv"))
    extract.refresh_from_db()
    assert extract.status == Extract.Status.SUPERSEDED and extract.superseded_by == again
    assert HomeOfficeCount.objects.count() == 23068


def test_harm_indices_record_their_publisher_and_replace_the_same_index(
        world, django_capture_on_commit_callbacks):
    cchi_path, css_path = shared_path(CCHI), shared_path(CSS)
    cchi = loaded(upload(world, django_capture_on_commit_callbacks, "harm_weights", cchi_path,
                         name=cchi_path.name))
    assert stored(HarmWeight, cchi) == cchi.rows_loaded == 23
    assert "Cambridge" in cchi.publisher and "Creative Commons" in cchi.licence
    assert cchi.report["summary"]["granularity"] == "subgroup"
    css = loaded(upload(world, django_capture_on_commit_callbacks, "harm_weights", css_path,
                        name=css_path.name))
    assert css.publisher == "Office for National Statistics" and css.licence == OGL
    assert stored(HarmWeight, css) == css.rows_loaded == 130 and css.duplicates == 4
    assert css.report["summary"]["index_name"] == "ONS Crime Severity Score"
    homicide = HarmWeight.objects.get(extract=css, key="1/4.1/4.10/4.2")
    assert homicide.weight == pytest.approx(7973.39, abs=0.01)

    # A revised CCHI replaces the CCHI and leaves the severity score alone.
    revised = pd.read_csv(cchi_path, dtype=str)
    revised["cchi_days"] = "1.0"
    again = loaded(upload(world, django_capture_on_commit_callbacks, "harm_weights", revised,
                          name="cchi-revised.csv"))
    cchi.refresh_from_db()
    css.refresh_from_db()
    assert cchi.status == Extract.Status.SUPERSEDED and cchi.superseded_by == again
    assert css.status == Extract.Status.LOADED
    assert set(HarmWeight.objects.filter(
        index_name="Cambridge Crime Harm Index").values_list("weight", flat=True)) == {1.0}
    assert HarmWeight.objects.count() == 23 + 130


# --- the command, failures and retention -----------------------------------------------------

def test_import_extract_loads_a_new_source(world, tmp_path):
    places = synthetic.geography({BCP: LAS[BCP]}, 5, seed=7)
    path = tmp_path / "census.csv"
    synthetic.census_ethnicity(places, seed=7).to_csv(path, index=False)
    out = StringIO()
    call_command("import_extract", "--partnership", world.home.slug, "--source",
                 "census_ethnicity", "--json", str(path), stdout=out)
    summary = json.loads(out.getvalue().strip().splitlines()[-1])
    assert summary["status"] == "loaded" and summary["rows_loaded"] == 100
    assert CensusEthnicity.objects.count() == 100


def test_a_failed_load_leaves_the_previous_rows_intact(world, monkeypatch,
                                                       django_capture_on_commit_callbacks):
    places = synthetic.geography({BCP: LAS[BCP]}, 4, seed=8)
    first = loaded(upload(world, django_capture_on_commit_callbacks, "population",
                          synthetic.population(places, [2020], seed=8)))
    before = PopulationEstimate.objects.count()

    def broken(model, frame):
        raise RuntimeError("disk full")

    monkeypatch.setattr(processing, "insert_frame", broken)
    newer = services.extract_receive(
        partnership=world.home, organisation=None, source_key="population",
        filename="newer.csv", uploaded_by=None, enqueue=False,
        chunks=[as_bytes(synthetic.population(places, [2020], seed=9))])
    with pytest.raises(RuntimeError):
        processing.process(processing.claim(newer.pk))
    newer.refresh_from_db()
    first.refresh_from_db()
    assert newer.status == Extract.Status.FAILED
    assert first.status == Extract.Status.LOADED
    assert PopulationEstimate.objects.count() == before
    assert stored(PopulationEstimate, first) == before


def test_retention_purge_deletes_rows_of_the_new_tables(world,
                                                        django_capture_on_commit_callbacks):
    health = org(world, "health")
    agree(world, health, "istv", "hospital_admissions")
    istv = loaded(upload(world, django_capture_on_commit_callbacks, "istv", istv_frame(20),
                         health))
    admissions = loaded(upload(world, django_capture_on_commit_callbacks,
                               "hospital_admissions",
                               synthetic.hospital_admissions(2023, 1, 20, seed=1), health))
    later = timezone.localdate() + timedelta(days=4000)
    purged = services.extracts_purge_expired(today=later)
    assert {e.pk for e in purged} == {istv.pk, admissions.pk}
    assert not IstvAttendance.objects.exists() and not HospitalAdmission.objects.exists()
    istv.refresh_from_db()
    assert istv.status == Extract.Status.PURGED and istv.rows_loaded == 20 - istv.rows_rejected

