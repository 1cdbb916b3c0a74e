"""Harm index weights: granularity detected, keys normalised to the taxonomy (homicide
aliases, Excel date serials, later subgroup names); then the real CCHI subgroup medians and
the two ONS Crime Severity Score joins, checked against each other and SOURCES.md."""

import csv

import pandas as pd
import pytest

from ingest.parsers import harm_weights
from ingest.parsers.errors import ReadError
from ingest.parsers.reading import read_table
from ingest.parsers.registry import get_parser
from tests.shared import shared_path

HOMICIDE = "1/4.1/4.10/4.2"
FRAUD_CODES = ("AF", "CIFAS", "FFA UK", "UK Finance")


def table(columns, *rows) -> pd.DataFrame:
    return pd.DataFrame(list(rows), columns=columns, index=range(1, len(rows) + 1), dtype="str")


def by_code(*rows, **options) -> harm_weights.HarmWeightsParse:
    frame = table(["Offence code", "Description", "Weight"], *rows)
    return harm_weights.parse(frame, **{"index_name": "Test index", **options})


def test_code_granularity_and_canonical_columns():
    result = by_code(["8n ", "Assault with injury", "189.15"], ["4/3", "Other", "10"])
    assert (result.granularity, result.index_name) == ("offence_code", "Test index")
    assert list(result.records.columns) == list(harm_weights.CANONICAL_COLUMNS)
    records = result.records
    assert records["key"].tolist() == ["8N", "4.3"]
    assert records["raw_key"].tolist() == ["8n", "4/3"]
    assert records["weight"].tolist() == [189.15, 10.0]
    assert records["taxonomy_keys"].tolist() == ["8N", "4.3"]
    assert records["in_taxonomy"].all()
    assert records["label"].iloc[0] == "Assault with injury"
    assert records["source_note"].iloc[0].startswith("Test index; weights from column 'Weight'")
    summary = result.summary
    assert (summary.granularity, summary.index_name) == ("offence_code", "Test index")
    assert (summary.weight_min, summary.weight_max) == (10.0, 189.15)
    assert "AF" in summary.taxonomy_without_weight


def test_split_homicide_codes_fold_into_the_combined_code():
    result = by_code(
        ["1", "Murder", "7973.39"],
        ["4.1", "Manslaughter", "7973.39"],
        [HOMICIDE, "Homicide", "7973.39"],
        ["4.2", "Infanticide", "5000"],  # a different weight: the combined row's is used
    )
    assert result.records[["source_row", "key"]].values.tolist() == [[3, HOMICIDE]]
    assert result.summary.duplicates == 2
    assert result.errors[["row", "reason"]].values.tolist() == [[4, "alias_weight_differs"]]


def test_split_codes_alone_agreeing_load_as_one():
    result = by_code(["1", "Murder", "7973.39"], ["4.10", "Corporate manslaughter", "7973.39"])
    assert result.records["key"].tolist() == [HOMICIDE]
    assert result.summary.duplicates == 1


def test_conflicting_and_bad_rows():
    result = by_code(
        ["8N", "Assault with injury", "189"],
        ["8N", "Assault with injury", "190"],
        ["43831", "Excel made this from 1/1", "10"],
        ["5D", "Assault without injury", "-1"],
        ["105A", "Assault without injury", "thirteen"],
        ["", "No code", "1"],
        ["19J", "Rape by multiple undefined offenders", "2952.9"],
    )
    assert result.errors[["row", "reason"]].values.tolist() == [
        [1, "conflicting_values"],
        [2, "conflicting_values"],
        [3, "excel_date_code"],
        [4, "bad_weight"],
        [5, "bad_weight"],
        [6, "missing_value"],
    ]
    assert result.records["key"].tolist() == ["19J"]
    assert result.summary.keys_not_in_taxonomy == ("19J",)
    assert result.summary.by_category == {"not in taxonomy": 1}


def test_subgroup_granularity_with_later_names():
    frame = table(
        ["prc_subgroup", "cchi_days"],
        ["Homicide", "5475.0"],
        ["residential  burglary", "273.5"],
        ["Vehicle offences", "5.0"],
        ["Death or serious injury – unlawful driving", "365"],
        ["Violence with injury", "365"],
    )
    result = harm_weights.parse(frame)
    assert (result.granularity, result.index_name) == ("subgroup", harm_weights.CCHI)
    records = result.records.set_index("key")
    assert list(records.index) == [
        "Homicide",
        "Residential burglary",
        "Vehicle offences",
        "Death or serious injury - unlawful driving",
        "Violence with injury",
    ]
    assert records.loc["Residential burglary", "taxonomy_keys"] == "Domestic burglary"
    assert records.loc["Vehicle offences", "taxonomy_keys"] == (
        "Theft from a vehicle; Theft of a motor vehicle; Vehicle interference"
    )
    assert records.loc["Death or serious injury - unlawful driving", "taxonomy_keys"] == ""
    assert result.summary.keys_not_in_taxonomy == ("Death or serious injury - unlawful driving",)
    assert "Theft of a motor vehicle" not in result.summary.taxonomy_without_weight
    assert "Robbery of personal property" in result.summary.taxonomy_without_weight


def test_both_keys_prefer_codes_unless_told():
    frame = table(
        ["Offence code", "Offence subgroup", "Weight"],
        ["8N", "Violence with injury", "189"],
        ["5D", "Violence with injury", "189"],
    )
    assert harm_weights.parse(frame, index_name="X").granularity == "offence_code"
    by_subgroup = harm_weights.parse(frame, index_name="X", granularity="subgroup")
    assert by_subgroup.granularity == "subgroup"
    assert by_subgroup.records["key"].tolist() == ["Violence with injury"]
    assert by_subgroup.summary.duplicates == 1


def test_index_name_and_source_from_columns_or_options():
    columns = ["Offence code", "Weight", "Index name", "Source"]
    frame = table(columns, ["8N", "1", "My index", "Our analysts, 2024"])
    result = harm_weights.parse(frame)
    assert result.index_name == "My index"
    assert result.records["source_note"].iloc[0] == "Our analysts, 2024"
    assert harm_weights.parse(frame, source_note="Cited").records["source_note"].iloc[0] == "Cited"


def test_an_unnamed_index_is_refused():
    with pytest.raises(ReadError) as caught:
        harm_weights.parse(table(["Offence code", "Weight"], ["8N", "1"]))
    assert caught.value.code == "unknown_index"
    mixed = table(["Offence code", "Weight", "Index name"], ["8N", "1", "A"], ["5D", "1", "B"])
    with pytest.raises(ReadError) as caught:
        harm_weights.parse(mixed)
    assert caught.value.code == "several_indexes"


def test_missing_key_or_weight_columns():
    with pytest.raises(ReadError) as caught:
        harm_weights.parse(table(["Crime", "Weight"], ["x", "1"]), index_name="X")
    assert caught.value.code == "missing_columns"
    with pytest.raises(ReadError) as caught:
        harm_weights.parse(table(["Offence code", "Days"], ["8N", "1"]), index_name="X")
    assert "'Weight'" in caught.value.message


def test_registered():
    assert get_parser("harm_weights").parse is harm_weights.parse


# --- the real files ----------------------------------------------------------------------

CSS_DIR = "ons-crime-severity-weights"


def parse_shared(relative: str) -> harm_weights.HarmWeightsParse:
    return harm_weights.parse(read_table(shared_path(relative)).frame)


def test_cchi_subgroup_medians():
    result = parse_shared("cchi-prc-subgroup-weights/cchi_weights.csv")
    assert result.errors.empty
    assert (result.granularity, result.index_name) == ("subgroup", harm_weights.CCHI)
    assert result.summary.rows_loaded == 23
    weights = result.records.set_index("key")["weight"]
    assert weights["Homicide"] == 5475.0
    assert weights["Rape offences"] == 2555.0
    assert weights["Possession of weapons offences"] == 273.75
    assert weights["Shoplifting"] == 1.0
    assert result.summary.keys_not_in_taxonomy == ("Death or serious injury - unlawful driving",)
    assert result.summary.taxonomy_without_weight == (
        "Fraud: CIFAS",
        "Fraud: Financial Fraud Action UK",
        "Fraud: UK Finance",
        "Fraud: action fraud",
    )


@pytest.fixture(scope="module")
def severity():
    return {
        name: parse_shared(f"{CSS_DIR}/{name}")
        for name in ("DEPRECATED-severity_codes.csv", "policeuk-ons-code-join.csv")
    }


def test_severity_weights_by_offence_code(severity):
    for result in severity.values():
        assert result.errors.empty
        assert (result.granularity, result.index_name) == ("offence_code", harm_weights.CSS)
        summary = result.summary
        # 134 rows: the four split homicide rows fold into the combined PRC code.
        assert (summary.rows_read, summary.rows_loaded, summary.duplicates) == (134, 130, 4)
        assert summary.keys_not_in_taxonomy == ("19J", "19K")
        assert summary.taxonomy_without_weight == FRAUD_CODES
        weights = result.records.set_index("key")["weight"]
        assert weights[HOMICIDE] == pytest.approx(7973.39, abs=0.01)
        assert weights["8N"] == pytest.approx(189.15, abs=0.01)
        assert weights["92E"] == pytest.approx(1.77, abs=0.01)
        assert weights["30A"] == weights["30C"]  # an outcome-only code takes 30C's weight
        assert weights["28A"] == weights["28C"]
        assert (summary.weight_min, summary.weight_max) == pytest.approx((1.77, 7973.39), abs=0.01)


def test_the_two_severity_files_agree_and_use_the_prc_code_column(severity):
    full = severity["DEPRECATED-severity_codes.csv"].records.set_index("key")["weight"]
    rounded = severity["policeuk-ons-code-join.csv"].records.set_index("key")["weight"]
    assert sorted(full.index) == sorted(rounded.index)
    assert (rounded / full.loc[rounded.index] - 1).abs().max() < 1e-8  # 10 significant figures
    path = shared_path(f"{CSS_DIR}/policeuk-ons-code-join.csv")
    with path.open(newline="", encoding="utf-8") as handle:
        prc_codes = {line["ONS_COUNTS_code"] for line in csv.DictReader(handle)}
        handle.seek(0)
        excel = {line["POLICE_UK_CAT_MAP_code"] for line in csv.DictReader(handle)}
    assert "43831" in excel and "43831" not in rounded.index  # never the mangled column
    assert "4.10" in prc_codes  # the join file spells it right; the other lost the zero
    assert "1, 4.1/2/10" not in rounded.index  # nor the CSS's own code column
