"""Rates per 1,000 with Byar intervals, the trend, and the comparator group."""

import pandas as pd
import pytest

from assessments.computation import rates
from assessments.computation.inputs import POPULATION_COLUMNS

from .frames import combine, inputs_with, police_rows, selection_of, street_rows


def population(*rows) -> pd.DataFrame:
    """Estimates from tuples (area_code, area_level, year, population[, age_band, sex,
    age_min, age_max]); by default all ages, persons."""
    return pd.DataFrame([_estimate(*row) for row in rows],
                        columns=list(POPULATION_COLUMNS)).astype({"age_min": "Int64",
                                                                  "age_max": "Int64"})


def _estimate(code, level, year, people, band="all", sex="persons", low=None, high=None):
    return {"area_code": code, "area_level": level, "year": year, "age_band": band,
            "age_min": low, "age_max": high, "sex": sex, "population": people}


TEN_THOUSAND = population(("E01000001", "lsoa", 2023, 6000), ("E01000002", "lsoa", 2023, 4000),
                          # An LA estimate too: the LSOAs' sum is used, not both.
                          ("E06000058", "local_authority", 2023, 99_999))


def section(**frames):
    inputs = inputs_with(**frames)
    return rates.compute(inputs, selection_of(inputs))


def rows_by(table, key):
    return {r[key]: r for r in table.rows}


def test_rate_per_thousand_with_byar_interval():
    police = combine(police_rows(20, category="gbh_wounding"), police_rows(5, category="rape"),
                     police_rows(3, category="rape", committed_date="2022-06-01"))
    table = section(police=police, population=TEN_THOUSAND).tables["by_category"]
    rows = rows_by(table, "category")
    assert rows["gbh_wounding"]["count"] == 20
    assert rows["gbh_wounding"]["population"] == 10_000
    assert rows["gbh_wounding"]["rate"] == pytest.approx(2.0)
    # Exact Poisson limits for 20 events are 12.22 to 30.89; Byar is within 0.01 of them.
    assert rows["gbh_wounding"]["ci_low"] == pytest.approx(1.222, abs=0.001)
    assert rows["gbh_wounding"]["ci_high"] == pytest.approx(3.089, abs=0.001)
    assert rows["all"]["count"] == 25 and rows["all"]["rate"] == pytest.approx(2.5)
    assert table.rows[-1]["category"] == "all"
    assert table.row_sums == [(2, [0, 1])]
    assert table.column("rate").derived_from == ("count",)
    assert {"key": "population_year", "params": {"year": 2023}} not in table.notes


def test_category_with_none_this_year_shows_zero():
    police = combine(police_rows(4), police_rows(3, category="rape", committed_date="2021-05-01"))
    rows = rows_by(section(police=police, population=TEN_THOUSAND).tables["by_category"],
                   "category")
    assert rows["rape"]["count"] == 0
    assert rows["rape"]["rate"] == 0.0
    # Byar's upper limit for 0 events: 1 * (1 - 1/9 + 1.96/3) ** 3 = 3.668, per 10,000.
    assert rows["rape"]["ci_high"] == pytest.approx(0.3668, abs=0.0001)


def test_earlier_population_year_is_used_and_noted():
    pop = population(("E01000001", "lsoa", 2021, 5000), ("E01000001", "lsoa", 2019, 1))
    table = section(police=police_rows(10), population=pop).tables["by_category"]
    assert table.rows[-1]["population"] == 5000
    assert {"key": "population_year", "params": {"year": 2021}} in table.notes


def test_persons_bands_and_sexes_are_not_counted_twice():
    pop = population(
        # persons and male/female given: persons only
        ("E01000001", "lsoa", 2023, 1000), ("E01000001", "lsoa", 2023, 480, "all", "male"),
        ("E01000001", "lsoa", 2023, 520, "all", "female"),
        # male and female only: their sum
        ("E01000002", "lsoa", 2023, 300, "all", "male"),
        ("E01000002", "lsoa", 2023, 200, "all", "female"),
        # age bands only: their sum
        ("E01000003", "lsoa", 2023, 100, "0-4", "persons", 0, 4),
        ("E01000003", "lsoa", 2023, 50, "85+", "persons", 85, None),
        # "all" and bands: "all" only
        ("E01000004", "lsoa", 2023, 70), ("E01000004", "lsoa", 2023, 69, "0-4", "persons", 0, 4))
    total, year = rates.partnership_population(pop, 2023)
    assert (total, year) == (1000 + 500 + 150 + 70, 2023)


def test_local_authority_population_when_no_lsoa_estimates():
    pop = population(("E06000058", "local_authority", 2022, 400_000))
    assert rates.partnership_population(pop, 2023) == (400_000, 2022)
    assert rates.partnership_population(population(), 2023) == (None, None)


def test_age_population_apportions_straddling_bands():
    pop = population(("E06000058", "local_authority", 2023, 5000, "10-14", "persons", 10, 14),
                     ("E06000058", "local_authority", 2023, 5000, "15-19", "persons", 15, 19),
                     ("E06000058", "local_authority", 2023, 9000, "20-24", "persons", 20, 24))
    assert rates.age_population(pop, 2023, 10, 17) == (8000.0, 2023, False)
    exact = population(*[("E06000058", "local_authority", 2023, 100, str(a), "persons", a, a)
                         for a in range(8, 20)])
    assert rates.age_population(exact, 2023, 10, 17) == (800.0, 2023, True)


def test_trend_has_each_year_with_its_population():
    police = combine(police_rows(10, committed_date="2019-06-01"), police_rows(30))
    pop = population(("E01000001", "lsoa", 2019, 5000), ("E01000001", "lsoa", 2023, 10_000))
    table = section(police=police, population=pop).tables["trend"]
    rows = rows_by(table, "financial_year")
    assert list(rows) == ["2019/20", "2020/21", "2021/22", "2022/23", "2023/24"]
    assert rows["2019/20"]["rate"] == pytest.approx(2.0)
    assert rows["2020/21"]["count"] == 0 and rows["2020/21"]["population"] == 5000
    assert rows["2023/24"]["rate"] == pytest.approx(3.0)
    assert {"key": "population_year",
            "params": {"year": 2019, "financial_year": "2021/22"}} in table.notes


def test_street_data_gives_coarse_rates():
    out = section(street=street_rows(8), population=TEN_THOUSAND)
    rows = rows_by(out.tables["by_category"], "category")
    assert rows["violence_and_sexual_offences"]["rate"] == pytest.approx(0.8)
    assert {"key": "coarse_police_uk"} in out.notes


def test_no_police_data_says_so():
    out = section(population=TEN_THOUSAND)
    assert out.tables == {} and {"key": "no_police_data"} in out.notes


# --- Comparators ---------------------------------------------------------------------------

def home_office(counts: dict[tuple[str, str], int], year: str = "2017/18") -> pd.DataFrame:
    return pd.DataFrame([{"area_name": a, "financial_year": year, "offence_code": "5A",
                          "category": c, "count": n} for (a, c), n in counts.items()])


def comparator_inputs(pop: pd.DataFrame):
    counts = {("Home", "gbh_wounding"): 200, ("Near A", "gbh_wounding"): 100,
              ("Near B", "gbh_wounding"): 100, ("Home", "rape"): 7,
              ("Elsewhere", "gbh_wounding"): 5000}
    inputs = inputs_with(police=police_rows(3), population=pop,
                         home_office=home_office(counts), home_office_area="Home",
                         comparators=["Near A", "Near B"])
    return rates.compute(inputs, selection_of(inputs))


def test_comparators_rates_and_rate_ratio():
    pop = pd.concat([TEN_THOUSAND, population(("Near A", "csp", 2017, 10_000),
                                              ("Near B", "csp", 2017, 10_000))])
    out = comparator_inputs(pop)
    table = out.tables["comparators"]
    # The partnership first; only the definition's categories (rape is not in the police data).
    assert [(r["area"], r["category"]) for r in table.rows] == [
        ("Home", "gbh_wounding"), ("Home", "all"), ("Near A", "gbh_wounding"), ("Near A", "all"),
        ("Near B", "gbh_wounding"), ("Near B", "all")]
    assert table.rows[0]["rate"] == pytest.approx(20.0)
    assert table.rows[2]["rate"] == pytest.approx(10.0)
    assert {"key": "comparator_year", "params": {"year": "2017/18"}} in table.notes
    assert {"key": "comparator_year_differs",
            "params": {"year": "2017/18", "financial_year": "2023/24"}} in table.notes
    # The 2023 estimate stands in for the 2017 one for the partnership: noted.
    assert {"key": "population_year", "params": {"year": 2023}} in table.notes
    ratio = rows_by(out.tables["comparator_ratio"], "category")["gbh_wounding"]
    assert ratio["group_count"] == 200 and ratio["group_population"] == 20_000
    assert ratio["group_rate"] == pytest.approx(10.0)
    assert ratio["ratio"] == pytest.approx(2.0)
    assert ratio["ci_low"] > 1 and ratio["verdict"] == "higher"
    assert ratio["p_value"] < 0.001


def test_comparator_totals_do_not_give_away_a_suppressed_count():
    """Each area's "all" row sums its categories: for scrutiny a small category cannot be
    worked out as the total minus the others."""
    from assessments.computation import disclosure

    pop = pd.concat([TEN_THOUSAND, population(("Near A", "csp", 2017, 10_000),
                                              ("Near B", "csp", 2017, 10_000))])
    table = comparator_inputs(pop).tables["comparators"]
    assert table.row_sums == [(1, [0]), (3, [2]), (5, [4])]
    table.rows[0]["count"] = 3  # Home's one category is small
    shown = disclosure.protect(table, "scrutiny")
    assert shown.rows[0]["count"] == "<5" and shown.rows[1]["count"] == "[c]"


def test_similar_rates_are_similar():
    counts = {("Home", "gbh_wounding"): 105, ("Near A", "gbh_wounding"): 100}
    pop = pd.concat([TEN_THOUSAND, population(("Near A", "local_authority", 2017, 10_000))])
    inputs = inputs_with(police=police_rows(3), population=pop, home_office=home_office(counts),
                         home_office_area="Home", comparators=["Near A"])
    ratio = rates.compute(inputs, selection_of(inputs)).tables["comparator_ratio"].rows[0]
    assert ratio["ratio"] == pytest.approx(1.05)
    assert ratio["verdict"] == "similar"


def test_comparators_without_population_give_counts_only():
    out = comparator_inputs(TEN_THOUSAND)
    table = out.tables["comparators"]
    near = {r["area"]: r for r in table.rows if r["category"] == "gbh_wounding"}
    assert near["Near A"]["count"] == 100 and near["Near A"]["rate"] is None
    assert {"key": "comparator_population_missing",
            "params": {"areas": ["Near A", "Near B"]}} in table.notes
    assert "comparator_ratio" not in out.tables


def test_no_comparators_when_own_area_absent():
    inputs = inputs_with(police=police_rows(3), home_office=home_office({("X", "rape"): 1}),
                         home_office_area="Home", comparators=["X"])
    assert "comparators" not in rates.compute(inputs, selection_of(inputs)).tables
