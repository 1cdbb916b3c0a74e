"""Youth justice: the layout detected by columns; cohort ages 10-17, flags, Outcome 22 and
first-time entrants counted per child; aggregates with normalised measures and conflicts."""

import datetime as dt

import pandas as pd
import pytest

from ingest.parsers import youth_justice
from ingest.parsers.errors import ReadError
from ingest.parsers.registry import get_parser

TODAY = dt.date(2025, 1, 15)
COHORT = ["Child reference", "Age", "Offence date", "First time entrant", "Outcome",
          "Knife possession"]  # fmt: skip
AGGREGATE = ["Financial year", "Local authority code", "Measure", "Value"]


def table(columns, *rows) -> pd.DataFrame:
    return pd.DataFrame(list(rows), columns=columns, index=range(1, len(rows) + 1), dtype="str")


def child(ref="C1", age="15", date="2023-05-01", fte="Y", outcome="Outcome 22", knife="N"):
    return [ref, age, date, fte, outcome, knife]


def cohort(*rows) -> youth_justice.YouthJusticeParse:
    return youth_justice.parse(table(COHORT, *rows), today=TODAY)


def aggregate(*rows) -> youth_justice.YouthJusticeParse:
    return youth_justice.parse(table(AGGREGATE, *rows), today=TODAY)


def test_cohort_records():
    result = cohort(child())
    assert result.layout == result.summary.layout == "cohort"
    assert list(result.records.columns) == list(youth_justice.COHORT_COLUMNS)
    record = result.records.iloc[0]
    assert (record["child_reference"], record["age"]) == ("C1", 15)
    assert bool(record["first_time_entrant"]) and not bool(record["knife_possession"])
    assert (record["outcome"], record["outcome_code"]) == ("Outcome 22", 22)
    assert (record["offence_date"], record["financial_year"]) == (
        pd.Timestamp("2023-05-01"),
        "2023/24",
    )


@pytest.mark.parametrize("age", ["9", "18", "21", "0"])
def test_ages_outside_10_to_17_are_row_errors(age):
    result = cohort(child(age=age), child(ref="C2", age="10"), child(ref="C3", age="17"))
    assert result.errors[["row", "reason"]].to_records(index=False).tolist() == [
        (1, "age_out_of_range")
    ]
    assert "10 to 17" in result.errors["message"].iloc[0]
    assert result.records["age"].tolist() == [10, 17]


def test_cohort_validation():
    result = cohort(
        child(age="fifteen"),
        child(age=""),
        child(date="2026-01-01"),
        child(fte="maybe"),
        child(outcome="Outcome 30"),
        child(ref=""),
        child(knife="yes", outcome="Youth caution"),
    )
    assert result.errors[["row", "reason"]].to_records(index=False).tolist() == [
        (1, "unparseable_age"),
        (2, "missing_value"),
        (3, "future_date"),
        (4, "bad_flag"),
        (5, "unknown_outcome"),
        (6, "missing_value"),
    ]
    record = result.records.iloc[0]
    assert (bool(record["knife_possession"]), pd.isna(record["outcome_code"])) == (True, True)


def test_first_time_entrants_are_counted_once_per_child():
    result = cohort(
        child("C1", date="2022-05-01"),
        child("C1", date="2022-06-01", outcome="22"),  # a second offence, same child
        child("C2", date="2023-05-01", outcome="OC22", knife="Y"),
        child("C3", date="2023-06-01", fte="N", outcome=""),
        child("C3", date="2023-06-01", fte="N", outcome=""),  # the same record twice
    )
    summary = result.summary
    assert summary.duplicates == 1
    assert summary.children == 3
    assert summary.by_category == {
        "first_time_entrants": 2,
        "outcome22_diversions": 3,
        "knife_possession": 1,
    }
    assert summary.first_time_entrants_by_year == {"2022/23": 1, "2023/24": 1}
    assert (summary.period_start, summary.period_end) == (dt.date(2022, 5, 1), dt.date(2023, 6, 1))


def test_aggregates_with_normalised_measures():
    result = aggregate(
        ["2022/23", "E06000058", "First time entrants", "79"],
        ["2023-24", "e06000058", "FTE", "54"],
        ["2023/24", "E06000058", "Reoffending rate (%)", "31.5"],
        ["2023/24", "E06000058", "Outcome 22", "120"],
        ["2023/24", "E06000058", "Knife possession offences", "12"],
        ["2023/24", "E06000058", "School exclusions", "3"],
    )
    assert result.layout == "aggregate"
    assert list(result.records.columns) == list(youth_justice.AGGREGATE_COLUMNS)
    assert result.records["measure"].tolist() == [
        "first_time_entrants",
        "first_time_entrants",
        "reoffending_rate",
        "outcome22_diversions",
        "knife_possession",
        "school_exclusions",
    ]
    assert result.records["financial_year"].tolist()[:2] == ["2022/23", "2023/24"]
    assert result.records["local_authority_code"].iloc[1] == "E06000058"
    assert result.summary.other_measures == ("school_exclusions",)
    assert (result.summary.period_start, result.summary.period_end) == (
        dt.date(2022, 4, 1),
        dt.date(2024, 3, 31),
    )


def test_aggregate_validation_and_repeats():
    result = aggregate(
        ["2023/24", "E06000058", "FTE", "54"],
        ["2023/24", "E06000058", "First-time entrants", "54"],  # the same figure again
        ["2023/24", "E06000059", "FTE", "40"],
        ["2023/24", "E06000059", "FTE", "41"],  # contradicts the row above
        ["2023/25", "E06000058", "FTE", "1"],
        ["2023/24", "E01014399", "FTE", "1"],  # an LSOA, not an authority
        ["2023/24", "E06000058", "Reoffending rate", "130"],
        ["2023/24", "E06000058", "Outcome 22", "-1"],
        ["2023/24", "E06000058", "Knife possession", "n/a"],
        ["2025/26", "E06000058", "FTE", "3"],  # starts after TODAY
    )
    assert result.errors[["row", "reason"]].to_records(index=False).tolist() == [
        (3, "conflicting_values"),
        (4, "conflicting_values"),
        (5, "unparseable_year"),
        (6, "unknown_area_code"),
        (7, "bad_value"),
        (8, "bad_value"),
        (9, "bad_value"),
        (10, "future_year"),
    ]
    summary = result.summary
    assert (summary.rows_loaded, summary.duplicates, summary.rows_rejected) == (1, 1, 8)


def test_layout_needs_its_columns():
    with pytest.raises(ReadError) as caught:
        youth_justice.parse(table(["Child reference", "Age"], ["C1", "15"]), today=TODAY)
    assert caught.value.code == "missing_columns"
    assert "'Offence date'" in caught.value.message
    with pytest.raises(ReadError) as caught:
        youth_justice.parse(table(["Year", "Count"], ["2023/24", "3"]), today=TODAY)
    assert "one row per child" in caught.value.message


def test_registered():
    assert get_parser("youth_justice").parse is youth_justice.parse
