"""Volumes: counts per category and year, change and its significance, year to date,
monthly series, recorded against committed dates."""

import json

import pandas as pd
import pytest

from assessments.computation import volumes
from assessments.computation.tables import CHANGE, COUNT
from ingest import taxonomy

from .frames import combine, inputs_with, police_rows, selection_of, street_rows, yearly_series

# Knife-flagged occurrences in the BCP report: peak 172 in 2020/21, -24% to 131, -37% to 82,
# then 88 in 2023/24.
BCP_KNIFE = {"2019/20": 150, "2020/21": 172, "2021/22": 131, "2022/23": 82, "2023/24": 88}


def section_for(police=None, street=None, **inputs_kwargs):
    frames = {k: v for k, v in (("police", police), ("street", street)) if v is not None}
    inputs = inputs_with(**frames, **inputs_kwargs)
    return volumes.compute(inputs, selection_of(inputs))


def row(table, label, column="category"):
    return next(r for r in table.rows if r[column] == label)


def test_bcp_knife_series_last_year_change_is_plus_7_percent_and_not_significant():
    section = section_for(yearly_series(BCP_KNIFE, category="wounding_gbh_with_intent"))
    table = section.tables["by_category"]
    knife = row(table, "wounding_gbh_with_intent")
    assert [knife[y] for y in BCP_KNIFE] == list(BCP_KNIFE.values())
    assert round(knife["change"]) == 7
    assert knife["difference"] == 6
    assert knife["verdict"] == "no_significant_change"
    assert knife["method"] == "exact_conditional"  # evenly spread months: no overdispersion
    assert knife["dispersion"] == 1.0
    assert knife["ratio"] == pytest.approx(88 / 82)
    assert knife["low"] < 1 < knife["high"]


def test_bcp_arithmetic_172_to_131_is_minus_24_percent_and_significant():
    series = {"2020/21": 172, "2021/22": 131}
    section = section_for(yearly_series(series, category="abh"), financial_year="2021/22")
    abh = row(section.tables["by_category"], "abh")
    assert round(abh["change"]) == -24
    assert abh["verdict"] == "significant_decrease"
    assert abh["2017/18"] == 0


def test_total_row_sums_categories_and_categories_follow_the_taxonomy_order():
    police = combine(yearly_series({"2022/23": 10, "2023/24": 20}, category="rape"),
                     yearly_series({"2022/23": 5, "2023/24": 4}, category="homicide"))
    table = section_for(police).tables["by_category"]
    assert [r["category"] for r in table.rows] == ["homicide", "rape", "all"]
    total = table.rows[-1]
    assert (total["2022/23"], total["2023/24"]) == (15, 24)
    assert total["change"] == pytest.approx(60.0)
    assert table.row_sums == [(2, [0, 1])]
    assert table.column("change") .derived_from == ("2022/23", "2023/24")
    assert table.column("change").kind == CHANGE
    assert table.column("2023/24").kind == COUNT


def test_categories_with_no_records_in_the_five_years_are_left_out():
    police = combine(police_rows(3, category="rape"),
                     police_rows(2, category="abh", committed_date="2015-06-01"))
    table = section_for(police).tables["by_category"]
    assert [r["category"] for r in table.rows] == ["rape", "all"]


def test_categories_the_definition_names_have_a_row_even_with_no_records():
    """A category of the definition with none recorded is shown as 0, not left out."""
    import dataclasses

    police = police_rows(3, category="rape")
    inputs = inputs_with(police=police)
    selection = dataclasses.replace(selection_of(inputs), categories=("rape", "homicide"))
    table = volumes.compute(inputs, selection).tables["by_category"]
    assert [r["category"] for r in table.rows] == ["homicide", "rape", "all"]
    homicide = row(table, "homicide")
    assert homicide["2023/24"] == 0 and homicide["verdict"] == "no_change"


def test_overdispersed_months_use_the_quasi_poisson_test():
    # 60 offences all in one month of 2023/24: mean 5, chi2 = (55^2 + 11 * 5^2) / 5 = 660,
    # dispersion 660 / 11 = 60. 30 -> 60 is significant as Poisson counts (exact test) but
    # not once the variance is multiplied by 60: se = sqrt(60 * (1/30 + 1/60)) = sqrt(3).
    police = combine(yearly_series({"2022/23": 30}, category="rape"),
                     police_rows(60, category="rape", committed_date="2023-08-10"))
    rape = row(section_for(police).tables["by_category"], "rape")
    assert rape["dispersion"] == pytest.approx(60.0)
    assert rape["method"] == "quasi_poisson"
    assert rape["ratio"] == pytest.approx(2.0)
    assert rape["p_value"] == pytest.approx(0.6892, abs=1e-3)
    assert rape["verdict"] == "no_significant_change"


def test_non_recent_records_are_left_out_of_the_yearly_counts_and_shown_apart():
    police = combine(
        police_rows(5, category="rape", committed_date="2023-05-01"),
        # committed 2022/23, recorded 400 days later in 2023/24: non-recent
        police_rows(3, category="rape", committed_date="2022-06-01",
                    recorded_date="2023-07-06"),
        police_rows(1, category="abh", committed_date="2022-06-01", recorded_date="2022-06-02"))
    section = section_for(police)
    by_category = section.tables["by_category"]
    assert row(by_category, "rape")["2022/23"] == 0
    assert row(by_category, "rape")["2023/24"] == 5
    assert {"key": "non_recent_excluded", "params": {"count": 3}} in by_category.notes

    recorded = section.tables["recorded_vs_committed"]
    this_year, last_year = row(recorded, "2023/24", "financial_year"), row(
        recorded, "2022/23", "financial_year")
    assert (this_year["committed"], this_year["recorded"], this_year["non_recent"]) == (5, 8, 3)
    assert this_year["non_recent_percent"] == pytest.approx(37.5)
    assert (last_year["committed"], last_year["recorded"], last_year["non_recent"]) == (4, 1, 0)

    by_category_late = section.tables["non_recent_by_category"]
    assert row(by_category_late, "rape") == {"category": "rape", "non_recent": 3,
                                             "recorded": 8, "percent": 37.5}
    assert by_category_late.rows[-1]["category"] == "all"
    assert by_category_late.rows[-1]["recorded"] == 8


def test_year_to_date_compares_the_same_dates_a_year_earlier():
    police = combine(
        police_rows(12, category="rape", committed_date="2023-05-10"),
        police_rows(4, category="rape", committed_date="2023-12-01"),  # after data_until
        police_rows(6, category="rape", committed_date="2022-09-30"),  # last year, in period
        police_rows(7, category="rape", committed_date="2022-10-01"))  # last year, after
    section = section_for(police, data_until=pd.Timestamp("2023-09-30"))
    ytd = section.tables["ytd"]
    rape = row(ytd, "rape")
    assert (rape["this_year"], rape["last_year"]) == (12, 6)
    assert rape["change"] == pytest.approx(100.0)
    assert ytd.notes == [{"key": "ytd_until", "params": {"date": "2023-09-30"}}]
    assert ytd.rows[-1]["category"] == "all"
    assert {"key": "partial_year", "params": {"date": "2023-09-30"}} in (
        section.tables["by_category"].notes)


def test_no_year_to_date_table_for_a_whole_year():
    police = police_rows(3)
    assert "ytd" not in section_for(police).tables
    assert "ytd" not in section_for(police, data_until=pd.Timestamp("2024-03-31")).tables


def test_monthly_series_is_long_with_zero_months_and_stops_at_data_until():
    police = combine(police_rows(2, category="rape", committed_date="2019-04-03"),
                     police_rows(1, category="rape", committed_date="2023-06-20"))
    monthly = section_for(police, data_until=pd.Timestamp("2023-06-30")).tables["monthly"]
    assert [c.key for c in monthly.columns] == ["category", "month", "count"]
    # Four whole years, then April to June 2023, each year closed by its total row.
    assert len(monthly.rows) == 48 + 3 + 5
    assert monthly.rows[0] == {"category": "rape", "month": "2019-04", "count": 2}
    assert monthly.rows[1]["count"] == 0
    assert monthly.rows[12] == {"category": "rape", "month": "2019/20", "count": 2}
    assert monthly.rows[-2] == {"category": "rape", "month": "2023-06", "count": 1}
    assert monthly.rows[-1] == {"category": "rape", "month": "2023/24", "count": 1}
    assert monthly.row_sums[0] == (12, list(range(12)))


def test_figures_name_the_cell_they_come_from():
    section = section_for(yearly_series(BCP_KNIFE, category="abh"))
    assert section.figures["abh.count"] == {"value": 88, "table": "by_category", "row": "abh",
                                            "column": "2023/24", "year": "2023/24"}
    assert round(section.figures["abh.change"]["value"]) == 7
    assert section.figures["abh.verdict"]["value"] == "no_significant_change"
    assert section.figures["abh.verdict"]["column"] == "verdict"
    assert section.figures["all.count"]["value"] == 88


def test_street_rows_are_used_at_coarse_level_when_no_police_occurrences():
    street = combine(street_rows(4, category="robbery", month="2023-05-01"),
                     street_rows(2, category="robbery", month="2022-05-01"))
    section = section_for(street=street)
    assert {"key": "coarse_police_uk"} in section.notes
    robbery = row(section.tables["by_category"], "robbery")
    assert (robbery["2022/23"], robbery["2023/24"]) == (2, 4)
    assert "recorded_vs_committed" not in section.tables
    assert not any(n["key"] == "non_recent_excluded"
                   for n in section.tables["by_category"].notes)


def test_no_police_data_gives_a_note_and_no_tables():
    section = section_for()
    assert section.notes == [{"key": "no_police_data"}]
    assert section.tables == {}


def test_section_is_json_ready():
    police = combine(yearly_series(BCP_KNIFE, category="abh"), police_rows(1, category="rape"))
    section = section_for(police, data_until=pd.Timestamp("2023-12-31"))
    assert json.loads(json.dumps(section.to_dict()))["key"] == "volumes"


def test_category_order_follows_the_taxonomy():
    assert volumes.CATEGORY_ORDER == taxonomy.CATEGORIES + ("violence_and_sexual_offences",
                                                            "robbery")
    assert set(taxonomy.COARSE_CATEGORIES) <= set(volumes.CATEGORY_ORDER)
