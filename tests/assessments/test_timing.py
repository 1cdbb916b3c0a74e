"""When: seasonality, day of week x hour and the weekend share."""

import json

import pandas as pd
import pytest

from assessments.computation import disclosure, timing

from .frames import combine, inputs_with, police_rows, selection_of, street_rows


def section_for(police=None, street=None, **inputs_kwargs):
    frames = {k: v for k, v in (("police", police), ("street", street)) if v is not None}
    inputs = inputs_with(**frames, **inputs_kwargs)
    return timing.compute(inputs, selection_of(inputs))


def cell(table, **labels):
    return next(r for r in table.rows if all(r[k] == v for k, v in labels.items()))


def test_month_of_year_counts_and_seasonality_index():
    police = combine(police_rows(6, category="rape", committed_date="2023-06-03"),
                     police_rows(6, category="rape", committed_date="2024-01-20"),
                     police_rows(3, category="abh", committed_date="2023-06-03"),
                     police_rows(4, category="rape", committed_date="2022-06-03"))  # last year
    table = section_for(police).tables["by_month_of_year"]
    assert [r["month"] for r in table.rows[:12]] == [4, 5, 6, 7, 8, 9, 10, 11, 12, 1, 2, 3]
    # 12 rape offences over 12 months: mean 1 a month, so June's 6 is an index of 6.
    assert cell(table, category="rape", month=6) == {"category": "rape", "month": 6,
                                                     "count": 6, "seasonality": 6.0}
    assert cell(table, category="rape", month=7)["seasonality"] == 0.0
    assert cell(table, category="abh", month=6)["seasonality"] == 12.0
    assert cell(table, category="all", month=6)["count"] == 9
    assert cell(table, category="rape", month="all") == {"category": "rape", "month": "all",
                                                         "count": 12, "seasonality": None}
    # categories in taxonomy order (abh before rape), then "all" rows summing them
    assert [table.rows[i]["category"] for i in (0, 13, 26)] == ["abh", "rape", "all"]
    assert (12, list(range(12))) in table.row_sums  # abh's months add up to abh's year
    assert (28, [2, 15]) in table.row_sums  # June: abh + rape = all
    assert (38, [12, 25]) in table.row_sums  # the year: abh + rape = all
    assert len(table.row_sums) == 3 + 13


def test_a_small_month_cannot_be_recovered_from_the_published_seasonality():
    # rape: 2 in April (suppressed), 10 in June. June's index (10 / mean) gives the mean and
    # so the year's 12; the year minus June would give April unless another cell goes.
    police = combine(police_rows(2, category="rape", committed_date="2023-04-03"),
                     police_rows(10, category="rape", committed_date="2023-06-03"))
    table = disclosure.protect(section_for(police).tables["by_month_of_year"], "public")
    rape = [r for r in table.rows if r["category"] == "rape"]
    assert rape[0]["count"] == "<5"
    hidden = [r["month"] for r in rape if disclosure.is_suppressed(r["count"])]
    assert len(hidden) >= 2


def test_seasonality_uses_the_months_with_data_in_a_part_year():
    police = combine(police_rows(3, category="rape", committed_date="2023-04-03"),
                     police_rows(3, category="rape", committed_date="2023-06-03"))
    table = section_for(police, data_until=pd.Timestamp("2023-06-30")).tables[
        "by_month_of_year"]
    assert [r["month"] for r in table.rows if r["category"] == "rape"] == [4, 5, 6, "all"]
    assert cell(table, category="rape", month=4)["seasonality"] == pytest.approx(1.5)


def test_day_hour_grid_from_records_with_a_time_and_a_note_for_the_rest():
    police = combine(
        police_rows(3, committed_date="2023-06-16", committed_time="19:30"),  # a Friday
        police_rows(1, committed_date="2023-06-19", committed_time="7:05"),  # a Monday
        police_rows(2, committed_date="2023-06-19", committed_time=["", "25:10"]))
    section = section_for(police)
    table = section.tables["day_hour"]
    assert len(table.rows) == 168 + 1  # every cell, then their sum
    assert cell(table, day=4, hour=19)["count"] == 3
    assert cell(table, day=0, hour=7)["count"] == 1
    assert table.rows[-1] == {"day": "all", "hour": "all", "count": 4}
    assert table.row_sums == [(168, list(range(168)))]
    # The weekend table says the untimed records beside the year's count: records = timed +
    # untimed, so a small untimed count is protected, not read off as 6 - 4.
    weekend = section.tables["weekend"].rows[-1]
    assert (weekend["total"], weekend["untimed"], weekend["records"]) == (4, 2, 6)
    assert section.tables["weekend"].column_sums == {"records": ["total", "untimed"]}
    assert table.notes == [{"key": "no_committed_time", "params": {"count": 2, "total": 6}}]


def test_weekend_runs_from_friday_18_00_to_monday_06_00():
    times = [("2023-06-16", "17:59", False), ("2023-06-16", "18:00", True),
             ("2023-06-17", "03:00", True), ("2023-06-18", "23:59", True),
             ("2023-06-19", "05:59", True), ("2023-06-19", "06:00", False),
             ("2023-06-20", "12:00", False), ("2023-06-21", "12:00", False),
             ("2023-06-22", "12:00", False), ("2023-06-24", "22:00", True)]
    police = police_rows(10, category="personal_robbery",
                         committed_date=[d for d, _, _ in times],
                         committed_time=[t for _, t, _ in times])
    days = pd.to_datetime(pd.Series([d for d, _, _ in times])).dt.day_of_week
    hours = pd.Series([int(t[:2]) for _, t, _ in times])
    assert timing.is_weekend(days, hours).tolist() == [w for _, _, w in times]
    weekend = section_for(police).tables["weekend"]
    robbery = cell(weekend, category="personal_robbery")
    assert (robbery["weekend"], robbery["total"]) == (5, 10)
    # Wilson 95% interval for 5 of 10: 23.66% to 76.34%
    assert robbery["percent"] == 50.0
    assert robbery["low"] == pytest.approx(23.66, abs=0.01)
    assert robbery["high"] == pytest.approx(76.34, abs=0.01)
    assert weekend.rows[-1]["category"] == "all"
    assert weekend.row_sums == [(1, [0])]
    assert weekend.column("low").derived_from == ("weekend", "total")


def test_only_the_assessed_year_and_no_non_recent_records_are_counted():
    police = combine(police_rows(2, committed_date="2023-06-16", committed_time="19:30"),
                     police_rows(1, committed_date="2022-06-16", committed_time="19:30"),
                     police_rows(1, committed_date="2023-05-01", recorded_date="2024-06-01",
                                 committed_time="19:30"))
    section = section_for(police)
    assert section.tables["day_hour"].rows[-1]["count"] == 2


def test_hour_of_reads_hh_mm_and_rejects_the_rest():
    hours = timing.hour_of(pd.Series(["09:05", "9:05", "23:59", "24:00", "12:60", "", "x"]))
    assert hours.tolist()[:3] == [9.0, 9.0, 23.0]
    assert hours[3:].isna().all()


def test_street_rows_give_months_only():
    street = street_rows(4, category="robbery", month="2023-12-01")
    section = section_for(street=street)
    assert {"key": "coarse_police_uk"} in section.notes
    assert {"key": "day_hour_not_available"} in section.notes
    assert list(section.tables) == ["by_month_of_year"]
    assert cell(section.tables["by_month_of_year"], category="robbery", month=12)["count"] == 4


def test_no_police_data():
    section = section_for()
    assert section.notes == [{"key": "no_police_data"}] and section.tables == {}


def test_section_is_json_ready():
    police = police_rows(3, committed_time="10:00")
    assert json.loads(json.dumps(section_for(police).to_dict()))["key"] == "time"
