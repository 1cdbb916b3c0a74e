"""Census 2021 ethnic group counts: labels mapped to 16+1 codes where they correspond, the
high-level and total rows kept apart, long / ONS custom / Nomis wide layouts, validation."""

import pandas as pd
import pytest

from ingest.parsers import census_ethnicity as census
from ingest.parsers.errors import ReadError
from ingest.parsers.registry import get_parser

HEADER = ["Area code", "Ethnic group", "Count"]
AREA = "E01031349"


def table(columns, *rows) -> pd.DataFrame:
    return pd.DataFrame(list(rows), columns=columns, index=range(1, len(rows) + 1), dtype="str")


def parse(*rows) -> census.CensusEthnicityParse:
    return census.parse(table(HEADER, *rows))


def test_canonical_record():
    result = parse([AREA, "White: English, Welsh, Scottish, Northern Irish or British", "1200"])
    assert list(result.records.columns) == list(census.CANONICAL_COLUMNS)
    record = result.records.iloc[0]
    assert record["ethnic_group_code"] == "W1"
    assert record["ethnic_group_label"] == (
        "White: English, Welsh, Scottish, Northern Irish or British"
    )
    assert (record["broad_group"], record["level"], record["count"]) == ("white", "detailed", 1200)
    assert record["area_level"] == "lsoa"


@pytest.mark.parametrize(
    "label, code, broad",
    [
        ("Asian, Asian British or Asian Welsh: Indian", "A1", "asian"),
        ("Asian, Asian British or Asian Welsh: Pakistani", "A2", "asian"),
        ("Asian, Asian British or Asian Welsh: Bangladeshi", "A3", "asian"),
        ("Asian, Asian British or Asian Welsh: Chinese", "O1", "asian"),
        ("Asian, Asian British or Asian Welsh: Other Asian", "A9", "asian"),
        ("Black, Black British, Black Welsh, Caribbean or African: Caribbean", "B1", "black"),
        ("Black, Black British, Black Welsh, Caribbean or African: African", "B2", "black"),
        ("Black, Black British, Black Welsh, Caribbean or African: Other Black", "B9", "black"),
        ("Mixed or Multiple ethnic groups: White and Black Caribbean", "M1", "mixed"),
        ("Mixed or Multiple ethnic groups: White and Black African", "M2", "mixed"),
        ("Mixed or Multiple ethnic groups: White and Asian", "M3", "mixed"),
        ("Mixed or Multiple ethnic groups: Other Mixed or Multiple ethnic groups", "M9", "mixed"),
        ("White: Irish", "W2", "white"),
        ("White: Gypsy or Irish Traveller", "W9", "white"),
        ("White: Roma", "W9", "white"),
        ("White: Other White", "W9", "white"),
        ("Other ethnic group: Arab", "O9", "other"),
        ("Other ethnic group: Any other ethnic group", "O9", "other"),
        # the part after the group, where it is unambiguous; case and spacing ignored
        ("Irish", "W2", "white"),
        ("  white and  ASIAN ", "M3", "mixed"),
    ],
)
def test_codes(label, code, broad):
    record = parse([AREA, label, "1"]).records.iloc[0]
    assert (record["ethnic_group_code"], record["broad_group"]) == (code, broad)


def test_all_nineteen_categories_and_five_groups():
    detailed = [c for c in census.CATEGORIES if c[3] == "detailed"]
    broad = [c for c in census.CATEGORIES if c[3] == "broad"]
    assert (len(detailed), len(broad)) == (19, 5)
    result = parse(*[[AREA, label, "1"] for label, *_ in census.CATEGORIES])
    assert result.errors.empty
    assert result.records["level"].value_counts().to_dict() == {
        "detailed": 19,
        "broad": 5,
        "total": 1,
        "does_not_apply": 1,
    }
    assert (
        result.records.loc[result.records["level"] != "detailed", "ethnic_group_code"].isna().all()
    )


def test_summary_counts_people_by_broad_group_from_the_detailed_rows():
    result = parse(
        [AREA, "White", "110"],
        [AREA, "White: Irish", "5"],
        [AREA, "White: Other White", "100"],
        [AREA, "Asian, Asian British or Asian Welsh: Indian", "7"],
        [AREA, "Total: All usual residents", "222"],
    )
    assert result.summary.by_category == {"asian": 7, "white": 105}
    assert result.summary.totals_mismatched == 1  # White 110 but its detail adds to 105
    assert result.summary.period_start.isoformat() == "2021-03-21"


def test_validation():
    result = parse(
        [AREA, "Other", "1"],  # ambiguous: which "Other"?
        [AREA, "Martian", "1"],
        ["Adur 001A", "White: Irish", "1"],
        [AREA, "White: Roma", "1.5"],
        [AREA, "White: Other White", ""],
        [AREA, "White: Irish", "4"],
        [AREA, "White: Irish", "4"],
    )
    assert result.errors[["row", "reason"]].values.tolist() == [
        [1, "unknown_ethnic_group"],
        [2, "unknown_ethnic_group"],
        [3, "unknown_area_code"],
        [4, "bad_count"],
        [5, "bad_count"],
    ]
    assert result.summary.duplicates == 1


def test_ons_custom_dataset_headings():
    columns = ["Lower layer Super Output Areas Code", "Lower layer Super Output Areas",
               "Ethnic group (20 categories) Code", "Ethnic group (20 categories)",
               "Observation"]  # fmt: skip
    frame = table(columns, [AREA, "Adur 001A", "14", "White: Irish", "12"])
    result = census.parse(frame)
    assert result.layout == "long"
    assert result.records[["area_code", "ethnic_group_code", "count"]].values.tolist() == [
        [AREA, "W2", 12]
    ]


def test_nomis_wide_layout():
    columns = ["date", "geography", "geography code",
               "Ethnic group: Total: All usual residents",
               "Ethnic group: White",
               "Ethnic group: White: Irish; measures: Value",
               "Ethnic group: Asian, Asian British or Asian Welsh: Other Asian"]  # fmt: skip
    frame = table(
        columns,
        ["2021", "Adur 001A", AREA, "1500", "1400", "20", "80"],
        ["2021", "Adur 001B", "E01031350", "900", "850", "x", "10"],
    )
    result = census.parse(frame)
    assert result.layout == "wide"
    assert result.records[
        ["source_row", "ethnic_group_code", "level", "count"]
    ].values.tolist() == [
        [1, pd.NA, "total", 1500],
        [1, pd.NA, "broad", 1400],
        [1, "W2", "detailed", 20],
        [1, "A9", "detailed", 80],
    ]
    errors = result.errors
    assert errors[["row", "field", "reason"]].values.tolist() == [
        [2, "Ethnic group: White: Irish; measures: Value", "bad_count"]
    ]
    assert (result.summary.rows_loaded, result.summary.rows_rejected) == (1, 1)


def test_missing_columns():
    with pytest.raises(ReadError) as caught:
        census.parse(table(["Area code", "Count"], [AREA, "1"]))
    assert caught.value.code == "missing_columns"
    assert "'Ethnic group'" in caught.value.message


def test_registered():
    assert get_parser("census_ethnicity").parse is census.parse
