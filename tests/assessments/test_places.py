"""Places: area tables with funnel limits, the funnel plot, the busiest wards and rates by
deprivation decile."""

from functools import cache

import pandas as pd
import pytest

from assessments.computation import places
from assessments.computation.inputs import AREA_COLUMNS

from .frames import combine, inputs_with, police_rows, selection_of, street_rows
from .test_rates import population

L1, L2, L3 = "E01000001", "E01000002", "E01000003"
W1, W2 = "E05000001", "E05000002"
LA = "E06000058"


def areas(rows) -> pd.DataFrame:
    """Rows of (lsoa, ward, imd_decile, area_km2)."""
    return pd.DataFrame([{"lsoa_code": lsoa, "lsoa_name": f"LSOA {lsoa[-1]}", "ward_code": ward,
                          "ward_name": f"Ward {ward[-1]}", "local_authority_code": LA,
                          "local_authority_name": "Bournemouth", "imd_rank": None,
                          "imd_decile": decile, "deprivation_index": "IMD 2019",
                          "area_km2": km2} for lsoa, ward, decile, km2 in rows],
                        columns=list(AREA_COLUMNS))


AREAS = areas([(L1, W1, 1, 0.5), (L2, W1, 1, None), (L3, W2, 5, 2.0)])
RESIDENTS = population((L1, "lsoa", 2023, 1000), (L2, "lsoa", 2023, 1000),
                       (L3, "lsoa", 2023, 2000))


@cache  # built once: the computation never changes its inputs
def records():
    return combine(
        police_rows(30, lsoa_code=L1, ward_code=W1, beat="BH1"),
        police_rows(5, lsoa_code=L2, ward_code=W1, beat="BH2"),
        police_rows(10, lsoa_code=L3, ward_code=W2),
        police_rows(10, lsoa_code=L1, ward_code=W1, committed_date="2022-06-01"),
        police_rows(2, lsoa_code="", ward_code="", local_authority_code=""))


def section(police=None, **frames):
    inputs = inputs_with(police=records() if police is None else police, **frames)
    return places.compute(inputs, selection_of(inputs))


def rows_by(table, key="area"):
    return {r[key]: r for r in table.rows}


def test_lsoa_table_counts_rates_and_funnel():
    table = section(areas=AREAS, population=RESIDENTS).tables["areas_lsoa"]
    rows = rows_by(table)
    # Most offences first, then records placed in no LSOA and all records: the table adds
    # up to the published total, declared so disclosure control can protect small areas.
    assert [r["area"] for r in table.rows] == [L1, L3, L2, "not_placed", "all"]
    assert table.row_sums == [(4, [0, 1, 2, 3])]
    assert table.rows[4]["count"] == sum(r["count"] for r in table.rows[:4])
    one = rows[L1]
    assert (one["count"], one["previous"], one["difference"]) == (30, 10, 20)
    assert one["change"] == pytest.approx(200.0)
    assert one["name"] == "LSOA 1" and one["population"] == 1000
    assert one["rate"] == pytest.approx(30.0)
    # The partnership's rate over the LSOAs: 45 offences, 4,000 residents.
    assert one["partnership_rate"] == pytest.approx(11.25)
    # 30 where 11.25 are expected is above even the 99.8% limit: chi2(0.999, 2 x 12.25) / 2
    # = 25.95 events in 1,000 residents.
    assert one["upper_998"] == pytest.approx(25.95, abs=0.01)
    assert one["funnel"] == "above_998"
    # 10 where 22.5 are expected: below the 99.8% lower limit, chi2(0.001, 45) / 2 = 10.63.
    assert rows[L3]["funnel"] == "below_998"
    assert rows[L2]["funnel"] == "below_95"  # 5 where 11.25 are expected
    # Share of offences over share of residents: (30/45) / (1000/4000).
    assert one["location_quotient"] == pytest.approx(8 / 3)
    assert one["density"] == pytest.approx(60.0) and rows[L2]["density"] is None
    assert {"key": "records_without_area", "params": {"count": 2}} in table.notes
    assert table.column("funnel").derived_from == ("count",)


def test_ward_population_and_size_are_its_lsoas():
    rows = rows_by(section(areas=AREAS, population=RESIDENTS).tables["areas_ward"])
    assert rows[W1]["population"] == 2000 and rows[W1]["count"] == 35
    assert rows[W1]["name"] == "Ward 1"
    assert rows[W1]["area_km2"] is None  # one of its LSOAs has no size
    assert rows[W2]["area_km2"] == 2.0 and rows[W2]["density"] == pytest.approx(5.0)


def test_own_ward_estimates_win_over_lsoa_sums():
    pop = pd.concat([RESIDENTS, population((W1, "ward", 2023, 2500), (W2, "ward", 2023, 1500))])
    rows = rows_by(section(areas=AREAS, population=pop).tables["areas_ward"])
    assert rows[W1]["population"] == 2500 and rows[W2]["population"] == 1500


def test_beats_have_counts_only():
    table = section(areas=AREAS, population=RESIDENTS).tables["areas_beat"]
    rows = rows_by(table)
    assert set(rows) == {"BH1", "BH2", "not_placed", "all"}
    assert rows["not_placed"]["count"] == 12
    assert rows["BH1"]["count"] == 30 and rows["BH1"]["previous"] == 0
    assert rows["BH1"]["rate"] is None and rows["BH1"]["funnel"] is None
    assert {"key": "records_without_area", "params": {"count": 12}} in table.notes


def test_funnel_curve_spans_the_populations():
    out = section(areas=AREAS, population=RESIDENTS)
    curve = out.tables["funnel_curve"]
    lsoa = [r for r in curve.rows if r["level"] == "lsoa"]
    assert len(lsoa) == 50
    assert lsoa[0]["population"] == 1000 and lsoa[-1]["population"] == 2000
    assert lsoa[0]["upper_998"] == pytest.approx(25.95, abs=0.01)
    # Limits narrow as the population grows.
    assert lsoa[-1]["upper_95"] < lsoa[0]["upper_95"]
    assert lsoa[-1]["lower_95"] > lsoa[0]["lower_95"]
    points = out.tables["funnel_points"]
    assert {(r["level"], r["area"]) for r in points.rows} == {
        ("ward", W1), ("ward", W2), ("lsoa", L1), ("lsoa", L2), ("lsoa", L3)}


def test_busy_ward_with_extreme_rate_is_flagged_as_non_resident():
    wards = [f"E050000{i:02d}" for i in range(10)]
    area_rows = areas([(f"E010000{i:02d}", w, 1, 1.0) for i, w in enumerate(wards)])
    pop = population(*[(f"E010000{i:02d}", "lsoa", 2023, 1000) for i in range(10)])
    police = combine(police_rows(100, lsoa_code="E01000000", ward_code=wards[0]),
                     *[police_rows(5, lsoa_code=f"E010000{i:02d}", ward_code=wards[i])
                       for i in range(1, 10)])
    top = section(police, areas=area_rows, population=pop).tables["top_areas"]
    assert len(top.rows) == 10 and top.rows[0]["area"] == wards[0]
    assert top.rows[0]["funnel"] == "above_998"
    assert top.notes == [{"key": "non_resident_population", "params": {"areas": [wards[0]]}}]


def test_no_non_resident_note_for_ordinary_wards():
    assert section(areas=AREAS, population=RESIDENTS).tables["top_areas"].notes == []


def test_rates_by_deprivation_decile():
    table = section(areas=AREAS, population=RESIDENTS).tables["deprivation"]
    rows = rows_by(table, "decile")
    # The ten deciles, then records in no decile and all records: they add up.
    assert list(rows) == [*range(1, 11), "not_placed", "all"]
    assert rows["not_placed"]["count"] == 2
    assert rows["all"]["count"] == sum(r["count"] for r in table.rows[:-1])
    assert table.row_sums == [(11, list(range(11)))]
    assert rows[1]["count"] == 35 and rows[1]["population"] == 2000
    assert rows[1]["rate"] == pytest.approx(17.5)
    assert rows[5]["rate"] == pytest.approx(5.0)
    assert rows[2]["count"] == 0 and rows[2]["population"] is None
    assert {"key": "deprivation_index", "params": {"index": "IMD 2019"}} in table.notes
    assert {"key": "records_without_decile", "params": {"count": 2}} in table.notes


def test_areas_without_population_or_records():
    out = section(areas=AREAS)
    rows = rows_by(out.tables["areas_lsoa"])
    assert rows[L1]["rate"] is None and rows[L1]["funnel"] is None
    assert out.tables["funnel_curve"].rows == []
    # An LSOA in the records but not in the partnership's areas still shows.
    extra = section(police_rows(3, lsoa_code="W01000009"), areas=AREAS)
    assert rows_by(extra.tables["areas_lsoa"])["W01000009"]["count"] == 3


def test_street_records_have_no_beats():
    out = section(street=street_rows(4, lsoa_code=L1), areas=AREAS, population=RESIDENTS,
                  police=police_rows(0))
    assert "areas_beat" not in out.tables
    assert rows_by(out.tables["areas_lsoa"])[L1]["count"] == 4
