"""Indicators (any measure by period and area): period forms, area levels from ONS code
prefixes, suppressed values, units, and the rule for repeated rows."""

import datetime as dt

import pandas as pd
import pytest

from ingest.parsers import indicator
from ingest.parsers.errors import ReadError
from ingest.parsers.registry import get_parser

TODAY = dt.date(2025, 1, 15)
HEADER = ["Period", "Area code", "Measure", "Value", "Unit", "Definition", "Source"]


def table(*rows, columns=HEADER) -> pd.DataFrame:
    return pd.DataFrame(list(rows), columns=columns, index=range(1, len(rows) + 1), dtype="str")


def row(period="2023/24", area="E05000001", measure="Deliberate fires", value="12",
        unit="count", definition="", source="Fire service") -> list[str]:  # fmt: skip
    return [period, area, measure, value, unit, definition, source]


def parse(*rows, **options) -> indicator.IndicatorParse:
    return indicator.parse(table(*rows), today=TODAY, **options)


def test_canonical_record():
    result = parse(row(definition="Primary and secondary deliberate fires"))
    assert list(result.records.columns) == list(indicator.CANONICAL_COLUMNS)
    record = result.records.iloc[0]
    assert (record["period_start"], record["period_end"]) == (
        pd.Timestamp("2023-04-01"),
        pd.Timestamp("2024-03-31"),
    )
    assert (record["area_code"], record["area_level"]) == ("E05000001", "ward")
    assert (record["measure"], record["value"], record["unit"]) == ("Deliberate fires", 12, "count")
    assert record["definition"] == "Primary and secondary deliberate fires"
    assert record["source"] == "Fire service"
    assert not record["suppressed"]


@pytest.mark.parametrize("heading", ["Measure (Welsh)", "Mesur", "measure_cy"])
def test_welsh_measure_and_definition_kept_beside_the_english(heading):
    columns = [*HEADER, heading, "Diffiniad"]
    result = indicator.parse(
        table(row() + ["Tanau  bwriadol", "Tanau cynradd ac eilaidd"], row(area="E05000002")
              + ["", ""], columns=columns), today=TODAY)
    first, second = result.records.iloc[0], result.records.iloc[1]
    assert (first["measure"], first["measure_cy"]) == ("Deliberate fires", "Tanau bwriadol")
    assert first["definition_cy"] == "Tanau cynradd ac eilaidd"
    assert pd.isna(second["measure_cy"]) or second["measure_cy"] == ""


@pytest.mark.parametrize(
    "period, start, end",
    [
        ("2023/24", "2023-04-01", "2024-03-31"),
        ("2023-24", "2023-04-01", "2024-03-31"),
        ("FY2023/24", "2023-04-01", "2024-03-31"),
        ("2023/24 Q2", "2023-07-01", "2023-09-30"),
        ("Q4 2023/24", "2024-01-01", "2024-03-31"),
        ("2023 Q1", "2023-01-01", "2023-03-31"),
        ("Q4 2023", "2023-10-01", "2023-12-31"),
        ("2023-04", "2023-04-01", "2023-04-30"),
        ("02/2024", "2024-02-01", "2024-02-29"),
        ("Apr 2023", "2023-04-01", "2023-04-30"),
        ("September 2023", "2023-09-01", "2023-09-30"),
        ("2023", "2023-01-01", "2023-12-31"),
        ("2023-04-15", "2023-04-15", "2023-04-15"),
        ("15/04/2023", "2023-04-15", "2023-04-15"),
        ("45031", "2023-04-15", "2023-04-15"),  # an Excel date serial
        ("2010-11", "2010-04-01", "2011-03-31"),  # a financial year, not November 2010
    ],
)
def test_period_forms(period, start, end):
    record = parse(row(period=period)).records.iloc[0]
    assert (record["period_start"], record["period_end"]) == (
        pd.Timestamp(start),
        pd.Timestamp(end),
    )


@pytest.mark.parametrize(
    "code, level",
    [
        ("E01014399", "lsoa"),
        ("W01000001", "lsoa"),
        ("E05000001", "ward"),
        ("W05000001", "ward"),
        ("E06000058", "local_authority"),
        ("E07000187", "local_authority"),
        ("E08000001", "local_authority"),
        ("E09000001", "local_authority"),
        ("W06000015", "local_authority"),
        ("E22000369", "csp"),
        ("E23000036", "pfa"),
    ],
)
def test_area_level_from_code_prefix(code, level):
    assert parse(row(area=code)).records.iloc[0]["area_level"] == level


def test_suppressed_values_and_percentages():
    result = parse(
        row(measure="a", value="*"),
        row(measure="b", value="<5"),
        row(measure="c", value="[c]"),
        row(measure="d", value="12.5%", unit=""),
        row(measure="e", value="1,234"),
    )
    records = result.records.set_index("measure")
    assert records["suppressed"].tolist() == [True, True, True, False, False]
    assert records.loc[["a", "b", "c"], "value"].isna().all()
    assert (records.loc["d", "value"], records.loc["d", "unit"]) == (12.5, "%")
    assert records.loc["e", "value"] == 1234
    assert result.summary.suppressed == 3


def test_validation():
    result = parse(
        row(period="Spring"),
        row(period="2025/26"),
        row(area="Bournemouth"),
        row(area="E99000001"),
        row(measure=""),
        row(value="twelve"),
        row(unit=""),
        row(period="2023-13"),
    )
    assert result.errors[["row", "reason"]].to_records(index=False).tolist() == [
        (1, "unparseable_period"),
        (2, "future_period"),
        (3, "unknown_area_code"),
        (4, "unknown_area_code"),
        (5, "missing_value"),
        (6, "bad_value"),
        (7, "missing_value"),
        (8, "unparseable_period"),
    ]
    assert result.summary.rows_loaded == 0


def test_repeated_rows_fold_and_contradictions_are_rejected():
    result = parse(
        row(),
        row(),  # the same figure twice
        row(measure="MARAC cases", value="10"),
        row(measure="MARAC cases", value="11"),
        row(period="2022/23"),
    )
    assert result.records["source_row"].tolist() == [1, 5]
    assert result.errors[["row", "reason"]].to_records(index=False).tolist() == [
        (3, "conflicting_values"),
        (4, "conflicting_values"),
    ]
    summary = result.summary
    assert (summary.rows_read, summary.rows_loaded, summary.duplicates) == (5, 2, 1)
    assert summary.rows_rejected == 2
    assert summary.by_category == {"Deliberate fires": 2}
    assert (summary.period_start, summary.period_end) == (dt.date(2022, 4, 1), dt.date(2024, 3, 31))


def test_source_option_fills_blank_sources():
    columns = ["Period", "Area code", "Measure", "Value", "Unit"]
    frame = table(["2023/24", "E06000058", "Exclusions", "3", "count"], columns=columns)
    result = indicator.parse(frame, today=TODAY, source="Council education team")
    assert result.records.iloc[0]["source"] == "Council education team"
    assert pd.isna(result.records.iloc[0]["definition"])


def test_missing_columns():
    with pytest.raises(ReadError) as caught:
        indicator.parse(table(["2023/24", "E06000058"], columns=["Period", "Area"]))
    assert caught.value.code == "missing_columns"
    assert "'Area code'" in caught.value.message and "'Unit'" in caught.value.message


def test_registered():
    spec = get_parser("indicator")
    assert spec.parse is indicator.parse
    assert spec.required_columns == indicator.REQUIRED_COLUMNS
