"""Health and youth justice: ISTV, admissions, first-time entrants, the VRU core measures
and indicators."""

import pandas as pd
import pytest

from assessments.computation import disclosure, health
from assessments.computation.inputs import (
    ADMISSION_COLUMNS,
    INDICATOR_COLUMNS,
    ISTV_COLUMNS,
    YOUTH_AGGREGATE_COLUMNS,
    YOUTH_RECORD_COLUMNS,
)

from .frames import combine, inputs_with, police_rows, selection_of
from .test_rates import population


def frame(columns, rows: list[dict], **defaults) -> pd.DataFrame:
    return pd.DataFrame([dict.fromkeys(columns) | defaults | r for r in rows],
                        columns=list(columns))


def istv(weapons: list[str], year: str = "2023/24", location: str = "public_place"):
    return frame(ISTV_COLUMNS, [{"weapon": w} for w in weapons], financial_year=year,
                 location_type=location, site_code="RDZ")


def admissions(rows: list[dict]) -> pd.DataFrame:
    out = frame(ADMISSION_COLUMNS, rows, financial_year="2023/24", assault_code="X99",
                sharp_object=True, under_25=None, share=1.0, apportioned=False)
    return out.astype({"under_25": "boolean", "sharp_object": bool, "apportioned": bool})


def section(selection=None, **frames):
    inputs = inputs_with(**frames)
    return health.compute(inputs, selection or selection_of(inputs))


def rows_by(table, key):
    return {r[key]: r for r in table.rows}


def test_istv_by_weapon_and_location_with_trend():
    attendances = pd.concat([istv(["knife_or_sharp_object"] * 3 + ["body_part", ""]),
                             istv(["body_part"], year="2022/23", location="home")],
                            ignore_index=True)
    inputs = inputs_with(istv=attendances)
    # The local definition keeps the knife attendances only.
    out = health.compute(inputs, selection_of(inputs, istv=attendances.iloc[:3]))
    weapon = rows_by(out.tables["istv_weapon"], "weapon")
    assert weapon["knife_or_sharp_object"]["count"] == 3
    assert weapon["knife_or_sharp_object"]["percent"] == pytest.approx(60.0)
    assert weapon["unknown"]["count"] == 1 and weapon["firearm"]["count"] == 0
    assert weapon["all"]["count"] == 5
    assert out.tables["istv_weapon"].row_sums[0][0] == len(weapon) - 1
    location = rows_by(out.tables["istv_location"], "location_type")
    assert location["public_place"]["count"] == 5 and location["home"]["count"] == 0
    trend = rows_by(out.tables["istv_trend"], "financial_year")
    assert (trend["2023/24"]["count"], trend["2023/24"]["sharp"]) == (5, 3)
    assert trend["2023/24"]["selected"] == 3
    assert trend["2022/23"]["count"] == 1 and trend["2021/22"]["count"] == 0


def test_admissions_sum_apportioned_shares():
    records = admissions([
        {"share": 0.7, "under_25": True, "apportioned": True},
        {"share": 0.3, "under_25": False, "apportioned": True},
        {"sharp_object": False, "assault_code": "Y04"},
        {"financial_year": "2022/23"}])
    table = section(admissions=records).tables["admissions"]
    rows = rows_by(table, "financial_year")
    assert rows["2023/24"]["all_assault"] == 2
    assert rows["2023/24"]["sharp_object"] == pytest.approx(1.0)
    assert rows["2023/24"]["sharp_object_under_25"] == pytest.approx(0.7)
    assert rows["2022/23"]["sharp_object"] == 1 and rows["2022/23"]["sharp_object_under_25"] == 0
    assert {"key": "apportioned_admissions"} in table.notes
    assert {"key": "under_25_unknown", "params": {"count": 2}} in table.notes
    # The core measures built on those sums say they are estimates too.
    core = section(admissions=records).tables["core_measures"]
    assert {"key": "apportioned_admissions"} in core.notes


def test_first_time_entrants_from_records_and_aggregates():
    records = frame(YOUTH_RECORD_COLUMNS, [
        {"child_reference": "A", "first_time_entrant": True},
        {"child_reference": "A", "first_time_entrant": True},  # two offences, one child
        {"child_reference": "B", "first_time_entrant": True},
        {"child_reference": "C", "first_time_entrant": False}],
        financial_year="2023/24").astype({"first_time_entrant": "boolean"})
    aggregates = frame(YOUTH_AGGREGATE_COLUMNS, [
        {"area_level": "local_authority", "value": 54.0},
        # A county figure would count the same children again.
        {"area_level": "county", "local_authority_code": "E10000001", "value": 100.0},
        {"area_level": "local_authority", "measure": "outcome22_diversions", "value": 9.0}],
        financial_year="2022/23", measure="first_time_entrants",
        local_authority_code="E06000058")
    pop = population(("E06000058", "local_authority", 2023, 5000, "10-14", "persons", 10, 14),
                     ("E06000058", "local_authority", 2023, 5000, "15-19", "persons", 15, 19))
    table = section(youth_records=records, youth_aggregates=aggregates,
                    population=pop).tables["first_time_entrants"]
    rows = rows_by(table, "financial_year")
    assert (rows["2023/24"]["count"], rows["2023/24"]["source"]) == (2, "youth_records")
    assert (rows["2022/23"]["count"], rows["2022/23"]["source"]) == (54, "youth_aggregates")
    assert rows["2021/22"]["count"] is None and rows["2021/22"]["rate"] is None
    # 10-17 year-olds: 10-14 whole plus 3/5 of 15-19 = 8,000; 2 per 8,000 = 25 per 100,000.
    assert rows["2023/24"]["population"] == 8000
    assert rows["2023/24"]["rate"] == pytest.approx(25.0)
    assert {"key": "fte_population_apportioned"} in table.notes
    assert {"key": "population_year",
            "params": {"year": 2023, "financial_year": "2022/23"}} in table.notes


def test_no_youth_justice_data_is_noted():
    out = section()
    assert "first_time_entrants" not in out.tables
    assert {"key": "not_supplied", "params": {"source": "youth_justice"}} in out.notes


def test_core_measures():
    police = combine(
        police_rows(4, knife=True, victim_age=[17, 24, 25, None]),
        police_rows(2, category="homicide", knife=True, victim_age=[19, 40]),
        police_rows(1, category="homicide", domestic_abuse=True, knife=True, victim_age=20),
        police_rows(3, committed_date="2022-06-01"))
    # The local definition leaves the homicides out of "serious violence".
    inputs = inputs_with(police=police)
    chosen = police[police["category"].astype(str) != "homicide"]
    table = health.compute(inputs, selection_of(inputs, police=chosen)).tables["core_measures"]
    rows = rows_by(table, "measure")
    assert rows["knife_serious_violence"]["2023/24"] == 4
    assert rows["knife_serious_violence_under_25"]["2023/24"] == 2
    assert rows["knife_serious_violence"]["2022/23"] == 0
    assert rows["non_domestic_homicide"]["2023/24"] == 2
    assert rows["knife_homicide_under_25"]["2023/24"] == 1
    assert rows["knife_serious_violence"]["2021/22"] is None  # no police data that year
    # No admissions supplied: no values, and said so.
    assert rows["admissions_sharp_object"]["2023/24"] is None
    assert {"key": "core_measure_source_missing",
            "params": {"measure": "admissions_sharp_object",
                       "source": "hospital_admissions"}} in table.notes
    assert {"key": "core_measure_source",
            "params": {"measure": "non_domestic_homicide",
                       "source": "police_occurrences"}} in table.notes


def test_core_measures_admissions():
    records = admissions([{"under_25": True}, {"under_25": False}, {"sharp_object": False}])
    rows = rows_by(section(admissions=records).tables["core_measures"], "measure")
    assert rows["admissions_sharp_object"]["2023/24"] == 2
    assert rows["admissions_sharp_object_under_25"]["2023/24"] == 1
    assert rows["knife_serious_violence"]["2023/24"] is None


def test_indicators_latest_five_periods_and_suppression():
    periods = [(f"{y}-04-01", f"{y + 1}-03-31") for y in range(2017, 2023)]
    values = [{"period_start": s, "period_end": e, "value": float(i), "suppressed": False}
              for i, (s, e) in enumerate(periods)]
    values[-1] |= {"value": None, "suppressed": True}
    indicators = frame(INDICATOR_COLUMNS, values, organisation_name="Dorset Fire",
                       measure="deliberate_fires", unit="count", source="DFRS",
                       definition="", area_code="E06000058", area_level="local_authority",
                       area_name="BCP")
    table = section(indicators=indicators).tables["indicators"]
    assert [r["period_start"] for r in table.rows] == [s for s, _ in periods[1:]]
    # A value in a count unit is a count: disclosure control protects it as one.
    assert table.rows[0]["count"] == 1 and table.rows[0]["value"] is None
    assert table.rows[0]["suppressed"] is None
    assert table.rows[-1]["count"] is None and table.rows[-1]["suppressed"] == "suppressed"
    assert table.rows[0]["organisation_name"] == "Dorset Fire"
    assert table.rows[0]["definition"] is None
    scrutiny = disclosure.protect(table, "scrutiny")
    assert [r["count"] for r in scrutiny.rows] == ["<5"] * 4 + [None]
    share = indicators.assign(unit="%")
    rows = section(indicators=share).tables["indicators"].rows
    assert rows[0]["value"] == 1.0 and rows[0]["count"] is None


def test_definition_preview_counts_admissions_as_the_health_page_does():
    from assessments.computation.assessment import selected_counts

    records = admissions([{"share": 0.7, "apportioned": True},
                          {"share": 0.4, "apportioned": True}, {}, {}])
    counts = selected_counts(selection_of(inputs_with(admissions=records)))
    # 0.7 + 0.4 + 1 + 1 = 3.1 admissions, not 4 records: an estimate, and said to be one.
    assert counts["hospital_admissions"] == {"count": 3, "estimate": True}
    whole = selected_counts(selection_of(inputs_with(admissions=admissions([{}, {}]))))
    assert whole["hospital_admissions"] == {"count": 2, "estimate": False}
    assert whole["police_occurrences"] == {"count": 0, "estimate": False}
