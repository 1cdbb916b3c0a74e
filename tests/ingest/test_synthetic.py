"""The synthetic generators: reproducible, shaped like the real thing (shares within
ranges), free of personal data, and loadable by the platform's own parsers."""

import datetime as dt
import time

import numpy as np
import pandas as pd
import pytest

from ingest import synthetic
from ingest.parsers import census_ethnicity as census_parser
from ingest.parsers import geography as geography_parser
from ingest.parsers import hospital_admissions as admissions_parser
from ingest.parsers import indicator as indicator_parser
from ingest.parsers import istv as istv_parser
from ingest.parsers import police_occurrences as po
from ingest.parsers import population as population_parser
from ingest.parsers import youth_justice as youth_justice_parser
from ingest.parsers.mapping import mapping_from, propose_mapping
from ingest.parsers.pii import PiiScanner
from ingest.parsers.reading import read_table
from ingest.synthetic import aggregates, denominators, health, occurrences

TODAY = dt.date(2025, 1, 15)
LAS = {"E06000058": "Bournemouth, Christchurch and Poole", "E06000059": "Dorset"}
YEARS = ["2019/20", "2020/21", "2021/22", "2022/23", "2023/24"]
VIOLENCE = ["homicide", "attempted_murder", "wounding_gbh_with_intent", "abh",
            "other_violence_with_injury", "violence_without_injury"]  # fmt: skip


def clean(frame: pd.DataFrame) -> bool:
    scanner = PiiScanner()
    scanner.scan(frame)
    report = scanner.report()
    assert report.clean, report.refusal_message()
    return True


@pytest.fixture(scope="module")
def places() -> pd.DataFrame:
    return synthetic.geography(LAS, 60, seed=11)


@pytest.fixture(scope="module")
def extract(places) -> pd.DataFrame:
    return synthetic.police_occurrences(places, 2019, 5, 40_000, seed=11)


@pytest.fixture(scope="module")
def parsed(extract) -> po.OccurrenceParse:
    return po.parse(extract, today=TODAY)


@pytest.fixture(scope="module")
def records(parsed) -> pd.DataFrame:
    return parsed.records


# --- geography ----------------------------------------------------------------------------


def test_geography_in_ons_layout_with_codes_that_cannot_be_real(places):
    assert list(places.columns) == ["LSOA11CD", "LSOA11NM", "WD19CD", "WD19NM", "LAD19CD",
                                    "LAD19NM", "AREAEHECT"]  # fmt: skip
    assert len(places) == 120 and places["LSOA11CD"].is_unique
    assert places["LSOA11CD"].str.fullmatch(r"E019\d{5}").all()
    assert places["WD19CD"].str.fullmatch(r"E059\d{5}").all()
    assert places.groupby("LAD19CD")["LSOA11CD"].count().to_dict() == {
        "E06000058": 60, "E06000059": 60,
    }  # fmt: skip
    assert places["LSOA11NM"].iloc[0] == "Bournemouth, Christchurch and Poole 001A"
    assert places["WD19NM"].iloc[0] == "Bournemouth, Christchurch and Poole Central"
    assert (
        synthetic.geography({"W06000015": "Cardiff"}, 5, 1)["LSOA11CD"].str.startswith("W019").all()
    )
    parsed = geography_parser.parse(places)
    assert (parsed.kind, parsed.vintage, len(parsed.frame)) == ("lsoa", 2011, 120)
    assert np.allclose(parsed.frame["area_km2"], places["AREAEHECT"] / 100)


def test_lsoa_areas_are_plausible_and_town_centres_small(places):
    km2 = places["AREAEHECT"] / 100
    assert km2.between(0.01, 200).all()
    centre = places["WD19NM"].str.endswith("Central")
    assert km2[centre].median() < 0.5 < km2[~centre].median()
    assert km2[centre].max() < km2[~centre].quantile(0.75)


def test_deprivation_clusters_and_town_centres_lean_deprived(places):
    imd = synthetic.deprivation(places, seed=11)
    assert list(imd.columns) == ["LSOA11CD", "LSOA11NM", "LAD19CD", "LAD19NM", "IMD19"]
    assert imd["IMD19"].between(1, 32_844).all()
    parsed = geography_parser.parse(imd)
    assert (parsed.kind, len(parsed.frame)) == ("deprivation", 120)
    rank = imd.set_index("LSOA11CD")["IMD19"]
    ward = places.set_index("LSOA11CD")["WD19CD"]
    # Wards differ far more than LSOAs within a ward: deprivation clusters.
    within = rank.groupby(ward).std().mean()
    between = rank.groupby(ward).mean().std()
    assert between > 2 * within
    centre = places["WD19NM"].str.endswith("Central").to_numpy()
    assert imd["IMD19"][centre].mean() < imd["IMD19"][~centre].mean()
    assert (imd["IMD19"] < 32_844 / 10).any()  # some LSOAs among England's most deprived


# --- reproducibility ----------------------------------------------------------------------


def test_same_seed_same_frames(places):
    def all_frames(seed):
        return [
            synthetic.geography(LAS, 20, seed),
            synthetic.deprivation(places, seed),
            synthetic.police_occurrences(places, 2020, 2, 3_000, seed, "niche", bad_rows=6),
            synthetic.istv(2020, 2, 500, seed),
            synthetic.hospital_admissions(2020, 2, 300, seed),
            synthetic.youth_justice(LAS, 2020, 3, seed),
            synthetic.indicator(LAS, 2020, 2, seed, places),
            synthetic.population(places, range(2019, 2022), seed),
            synthetic.census_ethnicity(places, seed),
        ]

    for first, again, other in zip(all_frames(5), all_frames(5), all_frames(6), strict=True):
        pd.testing.assert_frame_equal(first, again)
        assert not first.equals(other)


# --- the occurrence extract -------------------------------------------------------------


def test_occurrences_load_with_no_errors_and_no_personal_data(extract, parsed):
    assert list(extract.columns) == list(po.FIELDS)
    assert extract.index[0] == 1 and extract.index.name == "row"
    assert parsed.errors.empty
    assert parsed.summary.rows_loaded == 200_000
    assert parsed.summary.duplicates == 0
    assert clean(extract)


def test_offence_mix(records):
    subgroup = records["offence_subgroup"].value_counts(normalize=True)
    order = ["Violence without injury", "Violence with injury", "Robbery of personal property",
             "Possession of weapons offences"]  # fmt: skip
    assert subgroup[order].is_monotonic_decreasing
    sexual = (records["offence_group"] == "Sexual offences").mean()
    assert subgroup["Violence with injury"] > sexual > subgroup["Robbery of personal property"]
    assert 0 < (records["category"] == "homicide").mean() < 0.001


def test_flags_shares(records):
    violence = records[records["category"].isin(VIOLENCE)]
    assert 0.25 <= violence["domestic_abuse"].mean() <= 0.38
    assert 0.02 <= violence["knife"].mean() <= 0.05
    robbery = records[records["category"] == "personal_robbery"]
    assert robbery["knife"].mean() > 3 * violence["knife"].mean()
    # Possession of firearms is always firearm-flagged, racially aggravated always hate,
    # but for the few flags left blank (unknown, so False).
    assert records.loc[records["offence_code"] == "10B", "firearm"].mean() > 0.98
    assert records.loc[records["offence_code"] == "8M", "hate"].mean() > 0.98
    da = records[records["domestic_abuse"]]
    assert (da["location_type"] == "dwelling").mean() > 0.75


def test_seasonality_and_the_week(records):
    recent = records[records["financial_year"].isin(YEARS)]
    month = recent["committed_date"].dt.month.value_counts(normalize=True)
    assert month[7] > month[2] * 1.15 and month[12] > month[2] * 1.15
    weekend = recent["committed_date"].dt.day_of_week >= 5
    robbery = recent["category"] == "personal_robbery"
    assert weekend[robbery].mean() > 2 / 7 + 0.03
    assert weekend[robbery].mean() > weekend[recent["offence_subgroup"] ==
                                             "Stalking and harassment"].mean()  # fmt: skip
    hour = recent["committed_time"].dropna().str[:2].astype(int)
    night = ((hour >= 20) | (hour < 4)).reindex(recent.index, fill_value=False)
    public_violence = recent["category"].isin(VIOLENCE) & ~recent["domestic_abuse"]
    saturday = recent["committed_date"].dt.day_of_week == 5
    assert night[public_violence & saturday].mean() > night[public_violence & ~saturday].mean()


def test_hotspots_in_town_centres(records, places):
    centre = set(places.loc[places["WD19NM"].str.endswith("Central"), "LSOA11CD"])
    hour = records["committed_time"].fillna("12:00").str[:2].astype(int)
    night_public = records["public_place"] & ((hour >= 20) | (hour < 4))
    share = records.loc[night_public, "lsoa_code"].isin(centre).mean()
    assert share > 4 * len(centre) / len(places)
    counts = records["lsoa_code"].value_counts()
    assert counts.head(len(counts) // 10).sum() / counts.sum() > 0.3


def test_trends(records):
    by_year = records[records["financial_year"].isin(YEARS)].groupby("financial_year")
    sexual_assault = by_year["category"].apply(lambda c: (c == "sexual_assault").sum())
    knife = by_year["knife"].sum()
    assert 0.6 < sexual_assault.iloc[-1] / sexual_assault.iloc[0] < 0.85  # about -7% a year
    assert 1.3 < knife.iloc[-1] / knife.iloc[0] < 1.65  # about +10% a year


def test_people(records):
    robbery = records["category"] == "personal_robbery"
    assert records.loc[robbery, "victim_age"].median() < records["victim_age"].median() - 5
    assert records.loc[records["knife"], "suspect_age"].median() < records["suspect_age"].median()
    under_13 = records["offence_code"].isin(["19E", "19H", "20B", "17B", "21"])
    assert (records.loc[under_13, "victim_age"].dropna() < 13).all()
    assert (records.loc[records["offence_code"] == "19C", "victim_sex"] != "male").all()
    assert records.loc[records["offence_group"] == "Possession of weapons offences",
                       "victim_age"].isna().all()  # fmt: skip
    assert 0.2 <= records["suspect_ethnicity"].isna().mean() <= 0.4
    basis = records["suspect_ethnicity_basis"].value_counts(normalize=True)
    assert 0.25 < basis["officer-defined"] < 0.5


def test_non_recent_offences_are_mostly_sexual(records):
    by_group = records.groupby("offence_group")["non_recent"].mean()
    assert 0.08 < by_group["Sexual offences"] < 0.3
    assert by_group["Violence against the person"] < 0.01
    assert records.loc[records["non_recent"], "committed_date"].min() < pd.Timestamp("2015-01-01")


def test_a_niche_style_export_maps_loads_and_is_clean(places):
    frame = synthetic.police_occurrences(places, 2019, 5, 2_000, seed=3, header_style="niche")
    assert set(occurrences.NICHE_HEADINGS.values()) < set(frame.columns)
    proposals = propose_mapping(list(frame.columns), frame.head(200))
    mapping = mapping_from(proposals)
    assert mapping == {
        **occurrences.NICHE_HEADINGS,
    }
    assert min(p.confidence for p in proposals if p.heading) >= 0.9
    result = po.parse(frame, mapping=mapping, today=TODAY)
    assert result.errors.empty
    assert result.summary.rows_loaded == 10_000
    assert result.records["offence_code"].isin(["1/4.1/4.10/4.2"]).any()  # "1", "4/1"...
    assert clean(frame)


def test_a_generated_file_reads_back_through_the_upload_path(places, tmp_path):
    path = tmp_path / "occurrences.csv"
    generated = synthetic.police_occurrences(places, 2022, 1, 3_000, seed=8, header_style="niche")
    generated.to_csv(path, index=False)
    frame = read_table(path).frame
    pd.testing.assert_frame_equal(frame, generated, check_dtype=False)
    mapping = mapping_from(propose_mapping(list(frame.columns), frame.head(200)))
    assert po.parse(frame, mapping=mapping, today=TODAY).summary.rows_loaded == 3_000


@pytest.mark.parametrize("style", occurrences.HEADER_STYLES)
def test_bad_rows_are_the_only_errors(places, style):
    frame = synthetic.police_occurrences(places, 2019, 2, 3_000, seed=2, header_style=style,
                                         bad_rows=14)  # fmt: skip
    mapping = occurrences.NICHE_HEADINGS if style == "niche" else None
    result = po.parse(frame, mapping=mapping, today=TODAY)
    assert result.errors["reason"].value_counts().to_dict() == {
        "unparseable_date": 3, "future_date": 3, "recorded_before_committed": 2,
        "unknown_offence_code": 2, "impossible_age": 2,
    }  # fmt: skip
    assert result.summary.duplicates == 2
    assert result.summary.rows_loaded == 6_000 - 12 - 2


def test_generation_is_fast():
    """1,000,000 rows are timed in the report; here a fifth of that, generously bounded."""
    places = synthetic.geography(LAS, 100, seed=1)
    started = time.process_time()
    frame = synthetic.police_occurrences(places, 2019, 5, 40_000, seed=1)
    assert time.process_time() - started < 12
    assert len(frame) == 200_000


# --- the other sources ----------------------------------------------------------------


def test_istv():
    frame = synthetic.istv(2022, 2, 2_000, seed=4)
    assert list(frame.columns) == list(health.ISTV_COLUMNS)
    arrival = pd.to_datetime(frame[istv_parser.ARRIVAL], format="%d/%m/%Y %H:%M")
    start = pd.to_datetime(frame[istv_parser.PERIOD_START], format="%d/%m/%Y")
    end = pd.to_datetime(frame[istv_parser.PERIOD_END], format="%d/%m/%Y")
    assert (start <= arrival).all() and (arrival < end + pd.Timedelta(days=1)).all()
    assault = pd.to_datetime(frame[istv_parser.ASSAULT], format="%d/%m/%Y %H:%M")
    assert assault.notna().all()  # mandatory in the data set
    assert (assault <= arrival).all()
    method = frame[istv_parser.METHOD].value_counts(normalize=True)
    assert method.index[0] == "Body part (e.g. punched, kicked)"
    assert 0.03 < method["Knife or other sharp object"] < 0.09
    other = frame[istv_parser.METHOD] == "Other"
    assert (frame.loc[other, istv_parser.METHOD_OTHER] != "").all()
    assert (frame.loc[~other, istv_parser.METHOD_OTHER] == "").all()
    assert not frame[istv_parser.LOCATION].str.contains(r"\d").any()
    assert clean(frame)


def test_istv_parses_with_no_errors():
    frame = synthetic.istv(2019, 5, 1_000, seed=4)
    result = istv_parser.parse(frame, today=TODAY)
    assert result.errors.empty
    assert result.summary.rows_loaded == 5_000
    assert result.summary.unrecognised_weapon == 0
    assert result.summary.unrecognised_location_type == 0


def test_hospital_admissions():
    frame = synthetic.hospital_admissions(2022, 2, 3_000, seed=4)
    assert list(frame.columns) == list(health.ADMISSION_COLUMNS)
    codes = frame["ICD-10 Code"]
    assert codes.between("X85", "Y09").all()
    sharp = codes == "X99"
    assert 0.09 < sharp.mean() < 0.15
    under_25 = frame["Age Band"].isin(["0-9", "10-14", "15-19", "20-24"])
    assert under_25[sharp].mean() > under_25[~sharp].mean() + 0.05
    assert frame["Postcode District"].str.fullmatch(r"[A-Z]{1,2}\d{1,2}").all()
    assert clean(frame)


def test_youth_justice_first_time_entrants_fall():
    frame = synthetic.youth_justice(LAS, 2021, 4, seed=4)
    assert list(frame.columns) == ["Financial year", "Local authority code", "Local authority",
                                   "Measure", "Value"]  # fmt: skip
    assert len(frame) == 2 * 4 * len(aggregates.YOUTH_JUSTICE_MEASURES)
    fte = frame[frame["Measure"] == "First time entrants"]
    for _, rows in fte.groupby("Local authority code"):
        values = rows["Value"].astype(int)
        assert values.iloc[-1] < values.iloc[0]
    assert fte["Financial year"].unique().tolist() == ["2021/22", "2022/23", "2023/24",
                                                       "2024/25"]  # fmt: skip


def test_youth_justice_parses_as_aggregates_with_no_errors():
    frame = synthetic.youth_justice(LAS, 2019, 5, seed=4)
    result = youth_justice_parser.parse(frame, today=TODAY)
    assert result.layout == "aggregate"
    assert result.errors.empty
    assert result.summary.rows_loaded == len(frame)
    assert {"first_time_entrants", "reoffending_rate", "outcome22_diversions",
            "knife_possession"} <= set(result.summary.by_category)  # fmt: skip


@pytest.mark.parametrize("name", ["hospital_admissions", "indicator", "population",
                                  "census_ethnicity"])  # fmt: skip
def test_the_other_generators_parse_with_no_errors(places, name):
    frames = {
        "hospital_admissions": lambda: synthetic.hospital_admissions(2019, 5, 500, 4),
        "indicator": lambda: synthetic.indicator(LAS, 2019, 5, 4, places),
        "population": lambda: synthetic.population(places, range(2019, 2024), 4),
        "census_ethnicity": lambda: synthetic.census_ethnicity(places, 4),
    }
    parsers = {"hospital_admissions": admissions_parser, "indicator": indicator_parser,
               "population": population_parser, "census_ethnicity": census_parser}
    frame = frames[name]()
    kwargs = {} if name == "census_ethnicity" else {"today": TODAY}
    result = parsers[name].parse(frame, **kwargs)
    assert result.errors.empty
    assert result.summary.rows_loaded == len(frame)


def test_indicators(places):
    frame = synthetic.indicator(LAS, 2022, 2, seed=4, geography_frame=places)
    assert list(frame.columns) == ["Period", "Area Code", "Area Name", "Measure", "Value",
                                   "Unit", "Source", "Measure (Welsh)"]  # fmt: skip
    measures = set(frame["Measure"])
    assert (frame["Measure (Welsh)"] != "").all()
    assert {"Deliberate fires", "MARAC cases discussed", "Permanent exclusions",
            "Residents who feel safe outside after dark"} <= measures  # fmt: skip
    fires = frame[frame["Measure"] == "Deliberate fires"]
    assert fires["Period"].iloc[0] == "2022/23 Q1" and len(fires) == 2 * 8
    survey = frame[frame["Measure"].str.startswith("Residents")]
    assert set(survey["Area Code"]) == set(places["WD19CD"])
    assert pd.to_numeric(frame["Value"]).notna().all()
    assert (frame["Source"] != "").all()


def test_population_and_census_agree(places):
    pop = synthetic.population(places, range(2019, 2024), seed=4)
    assert list(pop.columns) == ["area_code", "year", "age_band", "sex", "population"]
    assert len(pop) == 120 * 5 * 19 * 2
    assert pop["age_band"].iloc[:19].tolist() == sorted(denominators.AGE_BANDS)
    people = pop.assign(population=pop["population"].astype(int))
    totals = people.groupby(["area_code", "year"])["population"].sum().unstack()
    assert totals.stack().between(900, 3300).all()
    assert (totals["2023"].sum() / totals["2019"].sum()) > 1.01  # slow growth
    census = synthetic.census_ethnicity(places, seed=4)
    assert len(census) == 120 * 20
    groups = census.groupby("Ethnic group (20 categories)")["Observation"].apply(
        lambda v: v.astype(int).sum()
    )
    assert groups["Does not apply"] == 0
    assert len(groups) == 20
    white_british = "White: English, Welsh, Scottish, Northern Irish or British"
    assert 0.6 < groups[white_british] / groups.sum() < 0.9
    by_lsoa = census.groupby("Lower layer Super Output Areas Code")["Observation"].apply(
        lambda v: v.astype(int).sum()
    )
    ratio = by_lsoa / totals["2021"].reindex(by_lsoa.index)
    assert ratio.between(0.9, 1.1).all()  # one base population for both
    assert clean(pop) and clean(census)


def test_frames_are_strings_like_an_uploaded_file(places):
    for frame in (synthetic.istv(2022, 1, 50, 1), synthetic.population(places, [2020], 1)):
        assert all(isinstance(v, str) for v in frame.iloc[0])
        assert frame.index[0] == 1
        assert np.all(frame.notna().to_numpy())
