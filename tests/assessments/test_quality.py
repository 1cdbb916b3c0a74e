"""Data quality and gaps: sources, coverage, missing fields, unplaced records, exclusions,
evaluability."""

import json

import pandas as pd
import pytest

from assessments.computation import quality
from assessments.computation.inputs import (
    COVERAGE_COLUMNS,
    INDICATOR_COLUMNS,
    ISTV_COLUMNS,
    YOUTH_AGGREGATE_COLUMNS,
)
from assessments.computation.tables import MEASURE

from .frames import combine, inputs_with, police_rows, selection_of, street_rows


def frame(columns, *rows, **values):
    """A frame with `columns`: given rows (dicts) filled with `values` and blanks."""
    return pd.DataFrame([{c: r.get(c, values.get(c, "")) for c in columns} for r in rows],
                        columns=list(columns))


def row(table, **labels):
    return next(r for r in table.rows if all(r[k] == v for k, v in labels.items()))


def test_sources_supplied_for_the_assessed_year():
    inputs = inputs_with(
        police=police_rows(3),
        street=street_rows(2, month="2022-06-01"),  # last year only
        istv=frame(ISTV_COLUMNS, {"financial_year": "2023/24"}, {"financial_year": "2023/24"}),
        youth_aggregates=frame(YOUTH_AGGREGATE_COLUMNS, {"financial_year": "2023/24"}),
        indicators=frame(INDICATOR_COLUMNS,
                         {"period_start": "2023-01-01", "period_end": "2023-12-31"},
                         {"period_start": "2022-01-01", "period_end": "2022-12-31"}))
    table = quality.compute(inputs, selection_of(inputs)).tables["sources"]
    assert [r["source"] for r in table.rows] == list(quality.SOURCES)
    statuses = {r["source"]: (r["records"], r["status"]) for r in table.rows}
    assert statuses == {
        "police_occurrences": (3, "supplied"), "police_uk_street": (0, "not_supplied"),
        "istv": (2, "supplied"), "hospital_admissions": (0, "not_supplied"),
        "ambulance": (0, "not_supplied"), "youth_justice": (1, "supplied"),
        "indicator": (1, "supplied")}


def test_coverage_counts_the_assessed_years_quarters_per_source_and_organisation():
    coverage = frame(COVERAGE_COLUMNS,
                     {"quarter": "2023Q1", "status": "loaded"},
                     {"quarter": "2023Q2", "status": "partial"},
                     {"quarter": "2023Q3", "status": "superseded"},
                     # two rows for Q4: the loaded one wins
                     {"quarter": "2023Q4", "status": "missing"},
                     {"quarter": "2023Q4", "status": "loaded"},
                     {"quarter": "2022Q4", "status": "loaded"},  # last year: ignored
                     {"quarter": "2023Q1", "status": "loaded", "source": "istv",
                      "organisation_name": "", "organisation_id": 7},
                     source="police_occurrences", organisation_id=1,
                     organisation_name="Dorset Police")
    inputs = inputs_with(police=police_rows(1), coverage=coverage)
    table = quality.compute(inputs, selection_of(inputs)).tables["coverage"]
    police = row(table, source="police_occurrences", organisation="Dorset Police")
    assert {k: police[k] for k in ("loaded", "partial", "missing", "missing_quarters",
                                   "partial_quarters")} == {
        "loaded": 2, "partial": 1, "missing": 1, "missing_quarters": "2023Q3",
        "partial_quarters": "2023Q2"}
    istv = row(table, source="istv", organisation="7")
    assert (istv["loaded"], istv["missing"]) == (1, 3)
    assert istv["missing_quarters"] == "2023Q2, 2023Q3, 2023Q4"
    # quarters are not people: never suppressed as small counts
    assert table.column("loaded").kind == MEASURE


def test_quarter_labels():
    assert quality.quarter_label("2023Q1") == "2023Q1"
    assert quality.quarter_label("2023/24 Q4") == "2023Q4"
    assert quality.quarter_label("Q5") == ""


def test_missing_fields_of_the_assessed_years_police_records():
    police = combine(
        police_rows(3, victim_age=[20, None, None], victim_ethnicity=["W1", "", ""],
                    committed_time=["10:00", "", "11:00"], lsoa_code=["E01000001", "", ""]),
        police_rows(1, victim_age=None, committed_date="2022-05-01"))  # last year
    inputs = inputs_with(police=police)
    table = quality.compute(inputs, selection_of(inputs)).tables["missing_fields"]
    assert [r["field"] for r in table.rows] == list(quality.POLICE_FIELDS)
    assert row(table, field="victim_age") == {"field": "victim_age", "missing": 2, "total": 3,
                                              "percent": pytest.approx(200 / 3)}
    assert row(table, field="victim_ethnicity")["missing"] == 2
    assert row(table, field="committed_time")["missing"] == 1
    assert row(table, field="lsoa_code")["missing"] == 2
    assert row(table, field="suspect_sex")["missing"] == 3
    assert table.column("percent").derived_from == ("missing", "total")


def test_unplaced_records_by_reason_and_lsoa_vintage():
    police = police_rows(
        6, lsoa_code=["", "E01000999", "E01033800", "E01000002", "E01000003", "W01000001"],
        local_authority_code=["", "", "", "E06000058", "E06000058", "W06000015"],
        ward_code=["", "", "", "", "E05000002", "W05000001"],
        lsoa_vintage=[None, None, 2021, 2011, 2011, 2011])
    street = street_rows(2, lsoa_code="", local_authority_code="", ward_code="",
                         lsoa_vintage=None)
    inputs = inputs_with(police=police, street=street)
    section = quality.compute(inputs, selection_of(inputs))
    unplaced = section.tables["unplaced"]
    police_reasons = {r["reason"]: r["count"] for r in unplaced.rows
                      if r["source"] == "police_occurrences"}
    assert police_reasons == {"no_lsoa": 1, "lsoa_2021_no_lookup": 1, "lsoa_unknown": 1,
                              "no_ward": 1}
    assert row(unplaced, source="police_uk_street", reason="no_lsoa")["percent"] == 100.0
    vintage = section.tables["lsoa_vintage"]
    assert row(vintage, source="police_occurrences", vintage="2011")["count"] == 3
    assert row(vintage, source="police_occurrences", vintage="2021")["count"] == 1
    assert row(vintage, source="police_occurrences", vintage="unknown")["count"] == 2
    assert row(vintage, source="police_uk_street", vintage="unknown")["total"] == 2


def test_excluded_and_evaluability_from_the_selection():
    inputs = inputs_with(police=police_rows(1))
    selection = selection_of(
        inputs, excluded=[("police_occurrences", "age_over_limit", 12),
                          ("police_occurrences", "category_not_included", 40)],
        evaluability={"police_occurrences": {"age": "applied", "flags": "not_set"},
                      "police_uk_street": {"age": "not_evaluable"}})
    section = quality.compute(inputs, selection)
    assert section.tables["excluded"].rows == [
        {"source": "police_occurrences", "reason": "category_not_included", "count": 40},
        {"source": "police_occurrences", "reason": "age_over_limit", "count": 12}]
    assert section.tables["evaluability"].rows == [
        {"source": "police_occurrences", "rule": "age", "status": "applied"},
        {"source": "police_occurrences", "rule": "flags", "status": "not_set"},
        {"source": "police_uk_street", "rule": "age", "status": "not_evaluable"}]


def test_street_rows_only_have_lsoa_as_a_field():
    inputs = inputs_with(street=street_rows(4, lsoa_code=["E01000001", "", "", ""]))
    section = quality.compute(inputs, selection_of(inputs))
    assert {"key": "coarse_police_uk"} in section.notes
    assert section.tables["missing_fields"].rows == [
        {"field": "lsoa_code", "missing": 3, "total": 4, "percent": 75.0}]


def test_without_police_data_the_gaps_are_still_shown():
    inputs = inputs_with()
    section = quality.compute(inputs, selection_of(inputs))
    assert {"key": "no_police_data"} in section.notes
    assert {"key": "coverage_not_recorded"} in section.notes
    assert list(section.tables) == ["sources", "excluded", "evaluability"]
    assert all(r["status"] == "not_supplied" for r in section.tables["sources"].rows)


def test_section_is_json_ready():
    inputs = inputs_with(police=police_rows(2), street=street_rows(1))
    section = quality.compute(inputs, selection_of(inputs, excluded=[("x", "y", 3)]))
    assert json.loads(json.dumps(section.to_dict()))["key"] == "quality"
