"""Victims and suspects: age bands, sex, ethnicity by basis, missing values and
representation against Census residents."""

import pandas as pd
import pytest

from assessments.computation import people
from assessments.computation.inputs import CENSUS_COLUMNS

from .frames import combine, inputs_with, police_rows, selection_of, street_rows

SELF, OFFICER = "self-defined", "officer-defined"  # as the police parser stores the basis


def section(**frames):
    inputs = inputs_with(**frames)
    return people.compute(inputs, selection_of(inputs))


def rows_by(table, key):
    return {r[key]: r for r in table.rows}


def census(*rows, area_level="lsoa") -> pd.DataFrame:
    """Rows of (area_code, code, broad_group, level, count)."""
    return pd.DataFrame([{"area_code": a, "area_level": area_level, "ethnic_group_code": c,
                          "ethnic_group_label": "", "broad_group": g, "level": lv, "count": n}
                         for a, c, g, lv, n in rows], columns=list(CENSUS_COLUMNS))


def test_age_bands_and_percent_of_known():
    ages = [5, 12, 17, 18, 24, 25, 40, 70, None]
    table = section(police=police_rows(9, victim_age=ages)).tables["victim_age"]
    rows = rows_by(table, "band")
    assert [r["band"] for r in table.rows] == ["0-9", "10-17", "18-24", "25-34", "35-44",
                                               "45-54", "55-64", "65+", "unknown", "all",
                                               "under_25"]
    assert {b: r["count"] for b, r in rows.items()} == {
        "0-9": 1, "10-17": 2, "18-24": 2, "25-34": 1, "35-44": 1, "45-54": 0, "55-64": 0,
        "65+": 1, "unknown": 1, "all": 9, "under_25": 5}
    assert rows["10-17"]["percent"] == pytest.approx(25.0)  # 2 of 8 known
    assert rows["unknown"]["percent"] is None
    # Wilson score interval for 5/8: 30.57% to 86.32%.
    assert rows["under_25"]["percent"] == pytest.approx(62.5)
    assert rows["under_25"]["ci_low"] == pytest.approx(30.57, abs=0.01)
    assert rows["under_25"]["ci_high"] == pytest.approx(86.32, abs=0.01)
    # The total, and the under-25 row as the sum of the three youngest bands.
    assert table.row_sums == [(9, list(range(9))), (10, [0, 1, 2])]


def test_under_25_share_with_wilson_interval_per_year():
    police = combine(police_rows(8, victim_age=[5, 12, 17, 18, 24, 25, 40, 70]),
                     police_rows(2, victim_age=30, committed_date="2022-05-01"))
    out = section(police=police)
    rows = rows_by(out.tables["under_25"], "financial_year")
    this = rows["2023/24"]
    assert (this["victim_under_25"], this["victim_known"]) == (5, 8)
    assert this["victim_share"] == pytest.approx(62.5)
    # Wilson score interval for 5/8: 30.57% to 86.32%.
    assert this["victim_ci_low"] == pytest.approx(30.57, abs=0.01)
    assert this["victim_ci_high"] == pytest.approx(86.32, abs=0.01)
    assert rows["2022/23"]["victim_share"] == 0.0
    assert this["suspect_known"] == 0 and this["suspect_share"] is None
    assert out.figures["victim.under_25_share"]["value"] == pytest.approx(62.5)


def test_sex_counts_blank_as_unknown():
    table = section(police=police_rows(4, suspect_sex=["male", "male", "female", ""])
                    ).tables["suspect_sex"]
    rows = rows_by(table, "sex")
    assert (rows["male"]["count"], rows["female"]["count"], rows["unknown"]["count"]) == (2, 1, 1)
    assert rows["male"]["percent"] == pytest.approx(50.0)
    assert rows["all"]["count"] == 4


def test_non_recent_records_are_left_out():
    police = combine(police_rows(3, victim_age=20),
                     police_rows(2, victim_age=20, recorded_date="2024-12-01"))
    assert rows_by(section(police=police).tables["victim_age"], "band")["all"]["count"] == 3


def ethnic_police():
    codes = ["W1"] * 6 + ["A1", "A2", "B2", "NS"] + ["IC1", "IC2", "IC3", "IC5", "IC9"] + [""]
    bases = [SELF] * 10 + [OFFICER] * 5 + [""]
    return police_rows(len(codes), victim_ethnicity=codes, victim_ethnicity_basis=bases)


def test_ethnicity_kept_apart_by_basis():
    out = section(police=ethnic_police())
    own = rows_by(out.tables["victim_ethnicity_self"], "group")
    assert {g: r["count"] for g, r in own.items()} == {
        "white": 6, "mixed": 0, "asian": 2, "black": 1, "other": 0, "unknown": 1, "all": 10}
    assert own["white"]["percent"] == pytest.approx(100 * 6 / 9)
    officer = out.tables["victim_ethnicity_officer"]
    seen = rows_by(officer, "group")
    assert {g: r["count"] for g, r in seen.items()} == {
        "white": 2, "mixed": 0, "asian": 1, "black": 1, "other": 0, "unknown": 1, "all": 5}
    assert {"key": "officer_defined_not_compared"} in officer.notes
    assert {"key": "ic5_in_asian"} in officer.notes
    assert "ratio" not in [c.key for c in officer.columns]
    # Each table's "All" is its basis's records: the note says of how many, so it is not
    # read against the age table's total of every record.
    assert {"key": "ethnicity_self_defined_records",
            "params": {"count": 10, "total": 16}} in out.tables["victim_ethnicity_self"].notes
    assert {"key": "ethnicity_officer_defined_records",
            "params": {"count": 5, "total": 16}} in officer.notes


def test_underscore_basis_spelling_is_accepted():
    police = police_rows(2, victim_ethnicity=["b1", "IC4"],
                         victim_ethnicity_basis=["self_defined", "officer_defined"])
    out = section(police=police)
    assert rows_by(out.tables["victim_ethnicity_self"], "group")["black"]["count"] == 1
    assert rows_by(out.tables["victim_ethnicity_officer"], "group")["asian"]["count"] == 1


def test_representation_against_census_from_detailed_codes():
    residents = census(
        ("E01000001", "W1", "white", "detailed", 800),
        ("E01000001", "W2", "white", "detailed", 100),
        ("E01000001", "A1", "asian", "detailed", 50), ("E01000001", "B2", "black", "detailed", 40),
        # Census Chinese is coded O1: "other", as in the 16+1 codes the police use.
        ("E01000001", "O1", "asian", "detailed", 10),
        # Broad and total rows repeat the detailed ones: not added again.
        ("E01000001", "", "white", "broad", 900), ("E01000001", "", "", "total", 1000))
    la = census(("E06000058", "W1", "white", "detailed", 99_999), area_level="local_authority")
    out = section(police=ethnic_police(), census=pd.concat([residents, la]))
    table = out.tables["victim_ethnicity_self"]
    rows = rows_by(table, "group")
    assert rows["white"]["residents"] == 900 and rows["other"]["residents"] == 10
    assert rows["all"]["residents"] == 1000
    # Asian: 2 of 9 victims against 50 of 1,000 residents.
    assert rows["asian"]["ratio"] == pytest.approx((2 / 9) / 0.05)
    # Katz: se = sqrt(1/2 - 1/9 + 1/50 - 1/1000) = 0.6387; low = 4.444 * exp(-1.96 se) = 1.271.
    assert rows["asian"]["ci_low"] == pytest.approx(1.271, abs=0.001)
    assert rows["asian"]["verdict"] == "over"
    assert rows["white"]["ratio"] == pytest.approx((6 / 9) / 0.9)
    assert rows["white"]["verdict"] == "similar"
    assert rows["other"]["ratio"] == 0.0 and rows["other"]["verdict"] is None
    assert rows["mixed"]["ratio"] is None  # no mixed residents: no share to compare with
    assert table.column("ratio").derived_from == ("count",)
    assert {"key": "census_2021_residents"} in table.notes


def test_under_representation():
    police = police_rows(100, victim_ethnicity=["W1"] * 50 + ["B1"] * 50,
                         victim_ethnicity_basis=SELF)
    residents = census(("E01000001", "W1", "white", "detailed", 500),
                       ("E01000001", "B1", "black", "detailed", 500))
    rows = rows_by(section(police=police, census=residents).tables["victim_ethnicity_self"],
                   "group")
    assert rows["white"]["verdict"] == "similar"
    residents = census(("E01000001", "W1", "white", "detailed", 900),
                       ("E01000001", "B1", "black", "detailed", 100))
    rows = rows_by(section(police=police, census=residents).tables["victim_ethnicity_self"],
                   "group")
    assert rows["white"]["verdict"] == "under" and rows["black"]["verdict"] == "over"


def test_broad_census_rows_when_no_detailed_ones():
    residents = census(("E01000001", "", "white", "broad", 900),
                       ("E01000001", "", "asian", "broad", 100))
    table = section(police=ethnic_police(), census=residents).tables["victim_ethnicity_self"]
    assert rows_by(table, "group")["asian"]["residents"] == 100
    assert {"key": "census_chinese_in_asian"} in table.notes


def test_no_census_says_so():
    table = section(police=ethnic_police()).tables["victim_ethnicity_self"]
    assert {"key": "census_not_loaded"} in table.notes


def test_missing_shares_per_field():
    rows = rows_by(section(police=ethnic_police()).tables["missing"], "field")
    # Ethnicity is left to its own tables: its missing count is the basis's Unknown plus the
    # other basis's records, so beside the basis's total it would reveal a hidden Unknown.
    assert not any("ethnicity" in field for field in rows)
    assert rows["victim_age"]["missing"] == 16
    assert rows["suspect_sex"]["records"] == 16


def test_street_data_has_no_demographics():
    out = section(street=street_rows(5))
    assert out.tables == {} and {"key": "no_demographics_in_source"} in out.notes
