"""Census 2021 ethnic group by area -> canonical records: the denominator for
over/under-representation of ethnic groups in victims and suspects.

Layouts, told apart by the columns:
  long  an area code column ("Area code", "Geography code", or an ONS custom-dataset
        heading ending in "Code" such as "Lower layer Super Output Areas Code"), an ethnic
        group column ("Ethnic group", "Ethnic group (20 categories)") and a count
        ("Count", "Observation", "Value").
  wide  an area code column and one column per group, as in Nomis TS021 bulk files
        ("Ethnic group: White: Irish", with or without a "; measures: Value" tail).

Codes: the 19 detailed Census 2021 categories map to the 16+1 codes police and health
record ethnicity in (2001 Census classification), where they correspond:
  W1 White: English, Welsh, Scottish, Northern Irish or British    W2 White: Irish
  W9 White: Gypsy or Irish Traveller, Roma, Other White (16+1 has no separate code)
  M1 White and Black Caribbean  M2 White and Black African  M3 White and Asian  M9 Other Mixed
  A1 Indian  A2 Pakistani  A3 Bangladeshi  A9 Other Asian
  B1 Caribbean  B2 African  B9 Other Black
  O1 Chinese (Asian in Census 2021, "Chinese or other" in 16+1)  O9 Arab, Any other
Several Census categories can share a code (sum them to compare with 16+1 data); the
Census label is kept. broad_group is the Census 2021 high-level group (asian, black, mixed,
white, other). The five high-level rows and the total are kept with `level` "broad" or
"total" and no code: do not add them to the detailed rows. "Does not apply" rows are kept
with level "does_not_apply".

Rows are rejected for a code that is not an ONS area code, a label that is not a Census
2021 ethnic group, or a count that is not a whole number of 0 or more.
"""

import datetime as dt
import re
from dataclasses import dataclass

import pandas as pd

from .common import (
    ERROR_COLUMNS,
    ParseResult,
    Problems,
    Summary,
    check_area_codes,
    find_column,
    finish,
    label_key,
    loose_key,
    missing_columns_error,
    parse_numbers,
    require_value,
    sums,
    text,
)

SOURCE_KEY = "census_ethnicity"
AREA, GROUP, COUNT = "Area code", "Ethnic group", "Count"
REQUIRED_COLUMNS: tuple[str, ...] = ()  # depends on the layout, checked by parse()
OPTIONAL_COLUMNS = (AREA, GROUP, COUNT, "Geography code", "Observation")
CANONICAL_COLUMNS = (
    "source_row",
    "area_code",
    "area_level",
    "ethnic_group_code",
    "ethnic_group_label",
    "broad_group",
    "level",
    "count",
)
CENSUS_DAY = dt.date(2021, 3, 21)

_ASIAN = "Asian, Asian British or Asian Welsh"
_BLACK = "Black, Black British, Black Welsh, Caribbean or African"
_MIXED = "Mixed or Multiple ethnic groups"
_WHITE, _OTHER = "White", "Other ethnic group"
# (Census 2021 label, 16+1 code or "", broad group, level)
CATEGORIES = (
    ("Total: All usual residents", "", "", "total"),
    (_ASIAN, "", "asian", "broad"),
    (f"{_ASIAN}: Bangladeshi", "A3", "asian", "detailed"),
    (f"{_ASIAN}: Chinese", "O1", "asian", "detailed"),
    (f"{_ASIAN}: Indian", "A1", "asian", "detailed"),
    (f"{_ASIAN}: Pakistani", "A2", "asian", "detailed"),
    (f"{_ASIAN}: Other Asian", "A9", "asian", "detailed"),
    (_BLACK, "", "black", "broad"),
    (f"{_BLACK}: African", "B2", "black", "detailed"),
    (f"{_BLACK}: Caribbean", "B1", "black", "detailed"),
    (f"{_BLACK}: Other Black", "B9", "black", "detailed"),
    (_MIXED, "", "mixed", "broad"),
    (f"{_MIXED}: White and Asian", "M3", "mixed", "detailed"),
    (f"{_MIXED}: White and Black African", "M2", "mixed", "detailed"),
    (f"{_MIXED}: White and Black Caribbean", "M1", "mixed", "detailed"),
    (f"{_MIXED}: Other Mixed or Multiple ethnic groups", "M9", "mixed", "detailed"),
    (_WHITE, "", "white", "broad"),
    (f"{_WHITE}: English, Welsh, Scottish, Northern Irish or British", "W1", "white", "detailed"),
    (f"{_WHITE}: Irish", "W2", "white", "detailed"),
    (f"{_WHITE}: Gypsy or Irish Traveller", "W9", "white", "detailed"),
    (f"{_WHITE}: Roma", "W9", "white", "detailed"),
    (f"{_WHITE}: Other White", "W9", "white", "detailed"),
    (_OTHER, "", "other", "broad"),
    (f"{_OTHER}: Arab", "O9", "other", "detailed"),
    (f"{_OTHER}: Any other ethnic group", "O9", "other", "detailed"),
    ("Does not apply", "", "", "does_not_apply"),
)


def _label_table() -> dict[str, tuple[str, str, str, str]]:
    """Full labels, and the part after the group where it is unambiguous ('Irish')."""
    table = {label_key(label): (label, *rest) for label, *rest in CATEGORIES}
    short: dict[str, list] = {}
    for label, *rest in CATEGORIES:
        if ": " in label and not label.startswith("Total"):
            short.setdefault(label_key(label.split(": ", 1)[1]), []).append((label, *rest))
    table |= {key: found[0] for key, found in short.items() if len(found) == 1}
    table[label_key("Total")] = table[label_key("Total: All usual residents")]
    table[label_key("All usual residents")] = table[label_key("Total")]
    return table


LABELS = _label_table()
_TABLE = pd.DataFrame(
    [(key, *found) for key, found in LABELS.items()],
    columns=["key", "label", "code", "broad_group", "level"],
).set_index("key")
_WIDE_PREFIX = re.compile(r"^ethnic group(?: \(\d+ categories\))?: ")
_WIDE_SUFFIX = re.compile(r"; measures: value$")
__all__ = ["CATEGORIES", "ERROR_COLUMNS", "CensusEthnicitySummary", "parse"]


@dataclass(frozen=True)
class CensusEthnicitySummary(Summary):
    # by_category: people by broad group, from the detailed rows (or the broad rows if the
    # file has no detailed ones)
    layout: str = ""
    areas: int = 0
    totals_mismatched: int = 0  # (area, broad group) whose detailed rows do not sum to it


@dataclass
class CensusEthnicityParse(ParseResult):
    summary: CensusEthnicitySummary
    layout: str  # "long" or "wide"


def _area_column(frame: pd.DataFrame) -> str | None:
    named = find_column(frame, AREA, "Geography code", "mnemonic")
    coded = [
        c for c in frame.columns
        if loose_key(c).endswith("code") and "ethnic" not in loose_key(c)
    ]  # fmt: skip
    return named or (coded[0] if coded else None)


def _wide_label(heading: object) -> str:
    return _WIDE_SUFFIX.sub("", _WIDE_PREFIX.sub("", label_key(heading)))


def _long(frame: pd.DataFrame) -> tuple[str, pd.DataFrame]:
    area = _area_column(frame)
    group = find_column(frame, GROUP) or next(
        (c for c in frame.columns
         if loose_key(c).startswith("ethnic group (") and not loose_key(c).endswith("code")),
        None,
    )  # fmt: skip
    count = find_column(frame, COUNT, "Observation", "Value")
    base = {"source_row": frame.index.to_numpy()}
    if area and group and count:
        return "long", pd.DataFrame(
            base
            | {
                "area": text(frame[area]),
                "label": text(frame[group]),
                "value": text(frame[count]),
                "heading": str(count),
            }  # fmt: skip
        )
    wide = [c for c in frame.columns if _wide_label(c) in LABELS and c != area]
    if area and wide:
        melted = (
            frame[[area, *wide]]
            .assign(source_row=frame.index.to_numpy())
            .melt(id_vars=["source_row", area], value_vars=wide, var_name="heading")
        )
        return "wide", pd.DataFrame(
            {"source_row": melted["source_row"], "area": text(melted[area]),
             "label": melted["heading"].map(_wide_label).astype("string"),
             "value": text(melted["value"]), "heading": melted["heading"].astype(str)}
        ).sort_values("source_row", kind="stable", ignore_index=True)  # fmt: skip
    missing = [n for n, c in ((AREA, area), (GROUP, group), (COUNT, count)) if c is None]
    raise missing_columns_error(
        "Census 2021 ethnic group counts",
        missing,
        "Give one row per area and ethnic group (Area code, Ethnic group, Count), or one "
        "column per ethnic group as in the ONS TS021 table.",
    )


def _canonical(long: pd.DataFrame):
    problems = Problems(long["source_row"])
    area = long["area"].str.upper()
    require_value(problems, area, AREA, AREA)
    level = check_area_codes(problems, area, AREA)
    keys = long["label"].map(label_key, na_action="ignore")
    parts = _TABLE.reindex(keys.to_numpy()).set_axis(long.index).astype("string")
    problems.add(
        parts["label"].isna(), GROUP, "unknown_ethnic_group",
        "Ethnic group is not one of the Census 2021 categories (such as 'White: Irish').",
        long["label"],
    )  # fmt: skip
    count = parse_numbers(long["value"])
    bad = long["value"].isna() | count.isna() | (count < 0) | (count.round() != count)
    for heading in long.loc[bad.fillna(True), "heading"].unique():
        problems.add(
            bad.fillna(True) & (long["heading"] == heading), str(heading), "bad_count",
            "Count is not a whole number of 0 or more: give the number of people.", long["value"],
        )  # fmt: skip
    records = pd.DataFrame(
        {
            "source_row": long["source_row"],
            "area_code": area,
            "area_level": level,
            "ethnic_group_code": parts["code"].replace("", pd.NA),
            "ethnic_group_label": parts["label"],
            "broad_group": parts["broad_group"].replace("", pd.NA),
            "level": parts["level"],
            "count": count.where(~bad.fillna(True)).astype("Int64"),
        }
    )
    return records, problems


def _mismatched(loaded: pd.DataFrame) -> int:
    """(area, broad group) pairs given both as a broad row and as detailed rows that differ."""
    detailed = loaded[loaded["level"] == "detailed"].groupby(["area_code", "broad_group"])
    broad = loaded[loaded["level"] == "broad"].set_index(["area_code", "broad_group"])["count"]
    both = broad.to_frame("broad").join(detailed["count"].sum().rename("detailed"), how="inner")
    return int((both["broad"] != both["detailed"]).sum())


def parse(frame: pd.DataFrame) -> CensusEthnicityParse:
    """Parse Census 2021 ethnic group counts read by reading.py (strings, by data row)."""
    layout, long = _long(frame)
    records, problems = _canonical(long)
    loaded, errors, row_counts = finish(
        len(frame), records, problems, CANONICAL_COLUMNS,
        key=["area_code", "ethnic_group_label"], value="count",
        what="area and ethnic group",
    )  # fmt: skip
    level = "detailed" if (loaded["level"] == "detailed").any() else "broad"
    chosen = loaded[loaded["level"] == level]
    summary = CensusEthnicitySummary(
        **row_counts,
        by_category=sums(chosen["count"], chosen["broad_group"]),
        period_start=CENSUS_DAY,
        period_end=CENSUS_DAY,
        layout=layout,
        areas=int(loaded["area_code"].nunique()),
        totals_mismatched=_mismatched(loaded),
    )
    return CensusEthnicityParse(loaded, errors, summary, layout)
