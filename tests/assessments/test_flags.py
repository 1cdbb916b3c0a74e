"""Flags (shares per year, change, by category) and outcomes."""

import json

import pandas as pd
import pytest

from assessments.computation import flags

from .frames import combine, inputs_with, police_rows, selection_of, street_rows, yearly_series


def section_for(police=None, street=None, **inputs_kwargs):
    frames = {k: v for k, v in (("police", police), ("street", street)) if v is not None}
    inputs = inputs_with(**frames, **inputs_kwargs)
    return flags.compute(inputs, selection_of(inputs))


def row(table, label, column):
    return next(r for r in table.rows if r[column] == label)


def test_knife_flag_series_change_is_plus_7_percent_and_not_significant():
    police = combine(yearly_series({"2020/21": 172, "2021/22": 131, "2022/23": 82,
                                    "2023/24": 88}, knife=True),
                     yearly_series({"2023/24": 12}))  # not flagged
    section = section_for(police)
    shares = section.tables["flag_shares"]
    assert [r["knife"] for r in shares.rows] == [0, 172, 131, 82, 88]
    assert row(shares, "2023/24", "financial_year")["total"] == 100
    assert row(shares, "2023/24", "financial_year")["knife_percent"] == pytest.approx(88.0)
    knife = row(section.tables["flag_change"], "knife", "flag")
    assert (knife["2022/23"], knife["2023/24"]) == (82, 88)
    assert round(knife["change"]) == 7
    assert knife["verdict"] == "no_significant_change"
    assert section.figures["knife.count"]["value"] == 88
    assert section.figures["knife.verdict"] == {
        "value": "no_significant_change", "table": "flag_change", "row": "knife",
        "column": "verdict", "from": "2022/23", "to": "2023/24"}


def test_flag_share_has_a_wilson_interval_worked_out_from_the_counts():
    police = police_rows(10, domestic_abuse=[True] * 5 + [False] * 5)
    shares = section_for(police).tables["flag_shares"]
    this_year = row(shares, "2023/24", "financial_year")
    assert (this_year["domestic_abuse"], this_year["total"]) == (5, 10)
    assert this_year["domestic_abuse_percent"] == 50.0
    assert this_year["domestic_abuse_low"] == pytest.approx(23.66, abs=0.01)
    assert this_year["domestic_abuse_high"] == pytest.approx(76.34, abs=0.01)
    assert shares.column("domestic_abuse_low").derived_from == ("domestic_abuse", "total")
    earlier = row(shares, "2019/20", "financial_year")
    assert earlier["total"] == 0 and earlier["domestic_abuse_percent"] is None


def test_flags_by_category_with_a_total_row():
    police = combine(police_rows(4, category="rape", domestic_abuse=[True, True, True, False]),
                     police_rows(2, category="abh", public_place=True),
                     police_rows(3, category="abh", committed_date="2022-05-01", knife=True))
    table = section_for(police).tables["flags_by_category"]
    assert [r["category"] for r in table.rows] == ["abh", "rape", "all"]
    rape = row(table, "rape", "category")
    assert (rape["total"], rape["domestic_abuse"]) == (4, 3)
    assert rape["domestic_abuse_percent"] == 75.0
    assert row(table, "abh", "category")["public_place"] == 2
    assert row(table, "all", "category")["knife"] == 0  # last year's knives are not counted
    assert table.row_sums == [(2, [0, 1])]


def test_a_flag_not_known_counts_as_not_flagged():
    police = police_rows(3)
    police["alcohol"] = pd.array([True, None, False], dtype="boolean")
    this_year = row(section_for(police).tables["flag_shares"], "2023/24", "financial_year")
    assert this_year["alcohol"] == 1


def test_outcomes_with_blank_as_not_recorded_and_outcome_22_as_a_figure():
    outcomes = ["Outcome 22 - diversionary activity", "22A deferred", "Charged/summonsed",
                "Charged/summonsed", "Charged/summonsed", "", "", "Outcome 122", "220 days",
                "Evidential difficulties"]
    section = section_for(police_rows(10, outcome=outcomes))
    table = section.tables["outcomes"]
    assert [r["outcome"] for r in table.rows[:2]] == ["Charged/summonsed", "not_recorded"]
    assert row(table, "not_recorded", "outcome") == {"outcome": "not_recorded", "count": 2,
                                                     "percent": 20.0}
    assert table.rows[-1] == {"outcome": "all", "count": 10, "percent": 100.0}
    assert table.row_sums == [(len(table.rows) - 1, list(range(len(table.rows) - 1)))]
    diversion = section.tables["diversion"]
    assert diversion.rows == [{"measure": "outcome_22", "count": 2, "total": 10,
                               "percent": 20.0}]
    assert section.figures["outcome_22"] == {"value": 2, "table": "diversion",
                                             "row": "outcome_22", "column": "count"}


def test_outcomes_not_supplied_when_every_outcome_is_blank():
    section = section_for(police_rows(4))
    assert {"key": "outcomes_not_supplied"} in section.notes
    assert "outcomes" not in section.tables and "diversion" not in section.tables
    assert "outcome_22" not in section.figures


def test_street_rows_have_no_flags_but_their_outcomes_are_shown():
    street = street_rows(3, outcome=["Under investigation", "Under investigation", ""])
    section = section_for(street=street)
    assert {"key": "coarse_police_uk"} in section.notes
    assert {"key": "flags_not_available"} in section.notes
    assert list(section.tables) == ["outcomes"]
    assert row(section.tables["outcomes"], "Under investigation", "outcome")["count"] == 2


def test_no_police_data():
    section = section_for()
    assert section.notes == [{"key": "no_police_data"}] and section.tables == {}


def test_section_is_json_ready():
    police = police_rows(5, knife=True, outcome="Outcome 22")
    assert json.loads(json.dumps(section_for(police).to_dict()))["key"] == "flags"
