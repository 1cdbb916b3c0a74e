"""The synthetic reference data (ingest/synthetic/reference.py): two demo harm indices and
Home Office recorded crime by CSP. Reproducible, loadable by the real parsers with no
errors, named as the demo needs, and shaped sensibly (scale, ranking, population)."""

import datetime as dt

import pandas as pd
import pytest

from ingest import synthetic
from ingest.parsers import harm_weights
from ingest.parsers import home_office_csp_counts as home_office
from ingest.parsers.pii import PiiScanner
from ingest.parsers.reading import read_table
from ingest.synthetic import reference
from ingest.synthetic.offences import OFFENCES
from ingest.taxonomy import load_taxonomy

TODAY = dt.date(2025, 1, 15)
SEED = 2024
BCP = "Bournemouth, Christchurch and Poole"
AREAS = {BCP: ("Dorset", 50_000), "Dorset": ("Dorset", 48_000),
         **reference.COMPARATOR_CSPS}  # fmt: skip
YEARS = ["2019/20", "2020/21", "2021/22", "2022/23", "2023/24"]


@pytest.fixture(scope="module")
def by_code() -> harm_weights.HarmWeightsParse:
    return harm_weights.parse(synthetic.harm_index_by_code(SEED))


@pytest.fixture(scope="module")
def by_subgroup() -> harm_weights.HarmWeightsParse:
    return harm_weights.parse(synthetic.harm_index_by_subgroup(SEED))


@pytest.fixture(scope="module")
def counts_frame() -> pd.DataFrame:
    return synthetic.home_office_csp_counts(AREAS, 2019, 5, SEED)


@pytest.fixture(scope="module")
def counts(counts_frame) -> home_office.HomeOfficeCountsParse:
    return home_office.parse(counts_frame, today=TODAY)


def scan(frame: pd.DataFrame):
    scanner = PiiScanner()
    scanner.scan(frame)
    return scanner.report()


# --- harm indices --------------------------------------------------------------------------

def test_index_by_code_weights_every_taxonomy_code(by_code):
    assert by_code.errors.empty
    assert (by_code.index_name, by_code.granularity) == (
        "Demo harm index by offence code (synthetic)", "offence_code")
    summary = by_code.summary
    codes = load_taxonomy().offences["code"]
    assert summary.rows_read == summary.rows_loaded == len(codes) == 132
    assert summary.taxonomy_without_weight == ()
    assert summary.keys_not_in_taxonomy == ()
    records = by_code.records
    assert set(records["key"]) == set(codes)
    assert set(records["source_note"]) == {"SVD Platform demo data (synthetic)"}
    assert records["label"].notna().all()


def test_index_by_code_is_on_a_days_scale(by_code):
    weights = by_code.records.set_index("key")["weight"]
    assert weights["1/4.1/4.10/4.2"] > 1000  # homicide: thousands
    assert 100 < weights["5D"] < 1000  # wounding with intent: hundreds
    assert 10 < weights["8N"] < 100  # assault with injury (ABH): tens
    assert weights["9A"] < 5  # public fear, alarm or distress: a day or two
    assert weights["19C"] > weights["20A"] > weights["105A"]
    # A little noise: no weight more than a fifth away from its base.
    base = pd.Series({code: reference.CODE_DAYS.get(code, reference.CODE_SUBGROUP_DAYS[sub])
                      for code, sub in zip(load_taxonomy().offences["code"],
                                           load_taxonomy().offences["offence_subgroup"],
                                           strict=True)})  # fmt: skip
    ratio = weights / base.loc[weights.index]
    assert ratio.between(0.8, 1.25).all()
    assert (ratio != 1).any()


def test_index_by_subgroup_weights_every_taxonomy_subgroup(by_subgroup):
    assert by_subgroup.errors.empty
    assert (by_subgroup.index_name, by_subgroup.granularity) == (
        "Demo harm index by offence subgroup (synthetic)", "subgroup")
    summary = by_subgroup.summary
    subgroups = set(load_taxonomy().offences["offence_subgroup"])
    assert summary.rows_loaded == len(subgroups) == 28
    assert summary.taxonomy_without_weight == ()
    assert summary.keys_not_in_taxonomy == ()
    records = by_subgroup.records
    assert set(records["key"]) == set(records["taxonomy_keys"]) == subgroups
    assert set(records["source_note"]) == {"SVD Platform demo data (synthetic)"}


def category_harm(by_code, by_subgroup) -> pd.DataFrame:
    """Harm per taxonomy category of the demo's own offence mix under each index."""
    taxonomy = load_taxonomy()
    offences = taxonomy.offences
    code_weight = by_code.records.set_index("key")["weight"]
    subgroup_weight = by_subgroup.records.set_index("key")["weight"]
    rows = []
    for offence in OFFENCES:
        code = taxonomy.resolve_code(offence.code)
        rows.append({"category": offences.at[code, "category"],
                     "code": offence.weight * code_weight[code],
                     "subgroup": offence.weight
                     * subgroup_weight[offences.at[code, "offence_subgroup"]]})  # fmt: skip
    return pd.DataFrame(rows).groupby("category").sum()


def test_the_two_indices_rank_the_demo_categories_differently(by_code, by_subgroup):
    harm = category_harm(by_code, by_subgroup)
    by_code_rank = harm["code"].rank(ascending=False)
    by_subgroup_rank = harm["subgroup"].rank(ascending=False)
    assert (by_code_rank != by_subgroup_rank).sum() >= 2
    # The code index tells GBH with intent from ABH; the subgroup index cannot.
    assert harm.at["rape", "code"] > harm.at["wounding_gbh_with_intent", "code"] > harm.at[
        "abh", "code"]
    assert harm.at["abh", "subgroup"] > harm.at["rape", "subgroup"]
    assert harm.at["abh", "subgroup"] > harm.at["wounding_gbh_with_intent", "subgroup"]
    assert harm.at["personal_robbery", "subgroup"] > harm.at["rape", "subgroup"]


# --- Home Office counts by CSP -------------------------------------------------------------

def test_home_office_counts_parse_as_the_csp_table(counts_frame, counts):
    assert list(counts_frame.columns) == [
        "Financial Year", "Financial Quarter", "Force Name", "CSP Name", "Offence Description",
        "Offence Group", "Offence Subgroup", "Offence Code", "Offence Count"]
    assert counts.errors.empty
    summary = counts.summary
    assert counts.area_level == summary.area_level == "csp"
    assert summary.rows_loaded == summary.rows_read == len(counts_frame)
    assert summary.codes_not_in_taxonomy == ()
    assert summary.negative_rows == 0
    assert set(summary.by_area) == set(AREAS)
    assert list(summary.by_financial_year) == YEARS
    assert (summary.period_start, summary.period_end) == (dt.date(2019, 4, 1),
                                                          dt.date(2024, 3, 31))
    records = counts.records
    assert set(records["quarter"]) == {1, 2, 3, 4}
    assert "Fraud offences" not in set(records["offence_group"])  # not published by CSP
    forces = records.drop_duplicates("area_name").set_index("area_name")["force_name"]
    assert forces[BCP] == "Dorset"
    assert forces.to_dict() == {name: force for name, (force, _n) in AREAS.items()}
    # One row per CSP, year, quarter and code.
    assert not records.duplicated(["area_name", "financial_year", "quarter",
                                   "offence_code"]).any()


def test_counts_scale_with_population_and_vary_a_little_by_year(counts):
    records = counts.records
    yearly = records.groupby(["area_name", "financial_year"])["count"].sum().unstack()
    residents = pd.Series({name: n for name, (_force, n) in AREAS.items()})
    rate = yearly.mean(axis=1) / residents.loc[yearly.index] * 1000
    assert rate.between(50, 150).all()  # about England's 80-100 a year per 1,000
    assert rate.max() / rate.min() < 2
    change = yearly.div(yearly.mean(axis=1), axis=0)
    assert change.stack().between(0.8, 1.2).all()
    assert (yearly.nunique(axis=1) == 5).all()
    # The 2020/21 lockdown: fewer thefts than the year before, everywhere.
    theft = records[records["offence_group"] == "Theft offences"]
    theft = theft.groupby(["area_name", "financial_year"])["count"].sum().unstack()
    assert (theft["2020/21"] < theft["2019/20"]).all()
    # Rare offences stay rare; the outcome-only burglary codes are empty.
    per_code = records.groupby("offence_code")["count"].sum()
    assert per_code["8N"] > 5 * per_code["5D"] > 0
    assert per_code[["28A", "28B", "28C", "28D", "29", "30A", "30B", "31"]].sum() == 0
    assert per_code["1/4.1/4.10/4.2"] < per_code["2"] * 10


# --- reproducible, clean, and as a file ----------------------------------------------------

def test_same_seed_same_frames():
    pd.testing.assert_frame_equal(synthetic.harm_index_by_code(3),
                                  synthetic.harm_index_by_code(3))
    pd.testing.assert_frame_equal(synthetic.harm_index_by_subgroup(3),
                                  synthetic.harm_index_by_subgroup(3))
    pd.testing.assert_frame_equal(synthetic.home_office_csp_counts(AREAS, 2021, 2, 3),
                                  synthetic.home_office_csp_counts(AREAS, 2021, 2, 3))
    assert not synthetic.harm_index_by_code(3).equals(synthetic.harm_index_by_code(4))
    assert not synthetic.harm_index_by_subgroup(3).equals(synthetic.harm_index_by_subgroup(4))
    assert not synthetic.home_office_csp_counts(AREAS, 2021, 2, 3).equals(
        synthetic.home_office_csp_counts(AREAS, 2021, 2, 4))


def test_home_office_counts_are_free_of_personal_data(counts_frame):
    report = scan(counts_frame)
    assert report.clean, report.refusal_message()


@pytest.mark.parametrize("generate", [synthetic.harm_index_by_code,
                                      synthetic.harm_index_by_subgroup])
def test_harm_indices_are_free_of_personal_data(generate):
    report = scan(generate(SEED))
    assert report.clean, report.refusal_message()


@pytest.mark.parametrize("name", ["harm_index_by_code", "harm_index_by_subgroup",
                                  "home_office_csp_counts"])
def test_a_generated_file_reads_back_as_uploaded(name, tmp_path):
    generate = getattr(synthetic, name)
    generated = (generate(AREAS, 2022, 1, SEED) if name == "home_office_csp_counts"
                 else generate(SEED))
    path = tmp_path / f"{name}.csv"
    generated.to_csv(path, index=False)
    frame = read_table(path).frame
    pd.testing.assert_frame_equal(frame, generated, check_dtype=False)
    parser = home_office if name == "home_office_csp_counts" else harm_weights
    assert parser.parse(frame).errors.empty
