"""People: victims and suspects by age band, sex and ethnicity, the share of each field left
blank, and over- or under-representation of ethnic groups against Census 2021 residents.

Only police occurrences carry people; data.police.uk rows do not (noted). Records are those
volumes counts (non-recent ones left out) and, except for the under-25 trend, of the
assessed year only.

Ethnicity is kept apart by basis, as stored by the ingest parser ("self-defined" /
"officer-defined"; the underscore spellings are accepted too):
- self-defined 16+1 codes group by their letter (W white, M mixed, A asian, B black,
  O other, so 16+1's O1 Chinese is "other"); NS (not stated) is unknown;
- officer-defined IC codes: IC1 and IC2 white, IC3 black, IC4 and IC5 asian (IC5, Chinese
  or east Asian, is put with asian: noted), IC6 other (Arab or north African), IC9 / IC0
  unknown.
Only self-defined ethnicity is set against the Census (the officer's code is a perception,
not how a person describes themselves). Census residents are grouped the same way as the
victims: from the detailed 16+1 codes by their letter where loaded, which puts Chinese with
"other" as 16+1 does; from the Census broad groups only when no detailed rows are loaded
(Chinese then falls in "asian": noted).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from . import stats
from .inputs import Inputs, Selection
from .tables import (
    CI_HIGH,
    CI_LOW,
    COUNT,
    LABEL,
    PERCENT,
    POPULATION,
    RATIO,
    VERDICT,
    Column,
    Section,
    Table,
)
from .volumes import ALL, non_recent, with_total

PERSONS = ("victim", "suspect")
UNKNOWN = "unknown"
# (label, first age, last age); the last band is open.
AGE_BANDS = (("0-9", 0, 9), ("10-17", 10, 17), ("18-24", 18, 24), ("25-34", 25, 34),
             ("35-44", 35, 44), ("45-54", 45, 54), ("55-64", 55, 64), ("65+", 65, None))
YOUNG = 25  # the VRU's "under 25s"
SEXES = ("female", "male", "other", UNKNOWN)
GROUPS = ("white", "mixed", "asian", "black", "other")
BASES = {"self": "self_defined", "officer": "officer_defined"}
SELF_LETTERS = {"W": "white", "M": "mixed", "A": "asian", "B": "black", "O": "other"}
OFFICER_CODES = {"IC1": "white", "IC2": "white", "IC3": "black", "IC4": "asian",
                 "IC5": "asian", "IC6": "other"}
CENSUS_LEVELS = ("lsoa", "local_authority")  # residents summed from these, first found


def compute(inputs: Inputs, selection: Selection) -> Section:
    section = Section("people")
    police = selection.police
    if police.empty:
        key = "no_demographics_in_source" if not selection.street.empty else "no_police_data"
        section.notes.append({"key": key})
        return section
    police = police[~non_recent(police)]
    # Comparing codes with a value keeps them categorical: no per-row text is made.
    year = police[police["financial_year"] == inputs.financial_year]
    residents, census_notes = census_residents(inputs.census)
    groups = {(person, basis): ethnic_group(year[f"{person}_ethnicity"],
                                            year[f"{person}_ethnicity_basis"], basis)
              for person in PERSONS for basis in BASES}
    for person in PERSONS:
        section.add(_age_table(year, person))
        section.add(_sex_table(year, person))
        for basis in BASES:
            table = _ethnicity_table(groups[person, basis], person, basis, residents,
                                     census_notes)
            # Its "All" is the records of that basis, not every record as in the age table.
            table.notes.append({"key": f"ethnicity_{BASES[basis]}_records",
                                "params": {"count": int(groups[person, basis].notna().sum()),
                                           "total": len(year)}})
            section.add(table)
    section.add(_under_25(police, inputs.years))
    section.add(_missing(year))
    section.figures = _figures(section.tables["under_25"], inputs.financial_year)
    return section


# --- Age and sex ---------------------------------------------------------------------------

def age_band(ages: pd.Series) -> pd.Series:
    """Age in years -> band label ("unknown" where missing)."""
    ages = pd.to_numeric(ages, errors="coerce").astype(float)
    bands = pd.Series(UNKNOWN, index=ages.index, dtype=object)
    for label, first, last in AGE_BANDS:
        inside = (ages >= first) & (ages <= last if last is not None else ages.notna())
        bands[inside.fillna(False)] = label
    return bands


def _age_table(year: pd.DataFrame, person: str) -> Table:
    """Bands with their share of people of known age (Wilson CI), the unknown, the total,
    and an "under_25" row: the bands under 25 together (a second sum for disclosure)."""
    bands = age_band(year[f"{person}_age"]).value_counts()
    labels = [b[0] for b in AGE_BANDS]
    known = int(bands.reindex(labels, fill_value=0).sum())
    young = [i for i, (_, _, last) in enumerate(AGE_BANDS) if last is not None and last < YOUNG]
    rows = [_share_row(b, int(bands.get(b, 0)), known) for b in labels]
    rows.append({"band": UNKNOWN, "count": int(bands.get(UNKNOWN, 0)), "percent": None,
                 "ci_low": None, "ci_high": None})
    rows.append({"band": ALL, "count": len(year), "percent": None, "ci_low": None,
                 "ci_high": None})
    rows.append(_share_row("under_25", sum(rows[i]["count"] for i in young), known))
    counted = ("count",)
    columns = [Column("band", LABEL), Column("count", COUNT), Column("percent", PERCENT, counted),
               Column("ci_low", CI_LOW, counted), Column("ci_high", CI_HIGH, counted)]
    known_from = [len(labels), len(labels) + 1]  # known = all - unknown
    return Table(f"{person}_age", columns, rows,
                 row_sums=[(len(labels) + 1, list(range(len(labels) + 1))),
                           (len(labels) + 2, young)],
                 shares_of=dict.fromkeys(("percent", "ci_low", "ci_high"), known_from),
                 notes=[{"key": "percent_of_known", "params": {"known": known}}])


def _share_row(band: str, count: int, known: int) -> dict[str, Any]:
    share, low, high = stats.wilson_ci(count, known)
    return {"band": band, "count": count, "percent": _scaled(share), "ci_low": _scaled(low),
            "ci_high": _scaled(high)}


def _sex_table(year: pd.DataFrame, person: str) -> Table:
    counts = _counts(year[f"{person}_sex"])
    # Blank and anything unexpected are unknown.
    counts[UNKNOWN] = len(year) - sum(counts.get(s, 0) for s in SEXES[:3])
    rows = [{"sex": s, "count": int(counts.get(s, 0)), "percent": _percent(counts.get(s, 0),
                                                                            len(year))}
            for s in SEXES]
    rows.append({"sex": ALL, "count": len(year), "percent": 100.0 if len(year) else None})
    columns = [Column("sex", LABEL), Column("count", COUNT),
               Column("percent", PERCENT, ("count",))]
    table = with_total(f"{person}_sex", columns, rows)
    table.shares_of = {"percent": [len(rows) - 1]}  # of all
    return table


def _under_25(police: pd.DataFrame, years: list[str]) -> Table:
    """Per year, victims and suspects under 25 among those of known age, with Wilson CIs."""
    sums = {}
    for person in PERSONS:
        ages = pd.to_numeric(police[f"{person}_age"], errors="coerce")
        flags = pd.DataFrame({"known": ages.notna(), "young": (ages < YOUNG).fillna(False)})
        by_year = flags.groupby(police["financial_year"], observed=True).sum()
        sums[person] = by_year.set_axis(by_year.index.astype(str))
    rows = []
    for year in years:
        row: dict[str, Any] = {"financial_year": year}
        for person in PERSONS:
            counts = sums[person]
            known = int(counts["known"].get(year, 0))
            young = int(counts["young"].get(year, 0))
            share, low, high = stats.wilson_ci(young, known)
            row |= {f"{person}_under_25": young, f"{person}_known": known,
                    f"{person}_share": _scaled(share), f"{person}_ci_low": _scaled(low),
                    f"{person}_ci_high": _scaled(high)}
        rows.append(row)
    columns = [Column("financial_year", LABEL)]
    for person in PERSONS:
        both = (f"{person}_under_25", f"{person}_known")
        columns += [Column(f"{person}_under_25", COUNT), Column(f"{person}_known", COUNT),
                    Column(f"{person}_share", PERCENT, both),
                    Column(f"{person}_ci_low", CI_LOW, both),
                    Column(f"{person}_ci_high", CI_HIGH, both)]
    return Table("under_25", columns, rows, notes=[{"key": "share_of_known_age"}])


# --- Ethnicity -----------------------------------------------------------------------------

def ethnic_group(codes: pd.Series, bases: pd.Series, basis: str) -> pd.Series:
    """Broad group of each record's code if its basis is `basis` ("self" / "officer"), else
    <NA>; "unknown" for a code of that basis that names no group (NS, IC9, blank)."""
    group = per_value(codes, lambda c: _group_of(c, basis))
    stated = per_value(bases, lambda b: b.astype(str).str.strip().str.lower()
                       .str.replace("-", "_", regex=False))
    return group.fillna(UNKNOWN).where(stated == BASES[basis])


def _group_of(codes: pd.Series, basis: str) -> pd.Series:
    code = codes.astype(str).str.replace(" ", "", regex=False).str.upper()
    if basis == "self":
        return code.str[:1].map(SELF_LETTERS).where(code.str.fullmatch(r"[WMABO]\d"))
    return code.map(OFFICER_CODES)


def per_value(values: pd.Series, convert: Callable[[pd.Series], pd.Series]) -> pd.Series:
    """`convert` applied to the distinct values only and spread back to the rows: a million
    records hold a few dozen codes. Missing values stay missing."""
    positions, uniques = pd.factorize(values)
    converted = convert(pd.Series(uniques, dtype=object)).to_numpy(dtype=object)
    # factorize marks missing values -1: the appended None.
    return pd.Series(np.append(converted, None)[positions], index=values.index, dtype=object)


def census_residents(census: pd.DataFrame) -> tuple[pd.Series | None, list[dict]]:
    """Residents per broad group, grouped as victims' self-defined codes are (see the module
    docstring), from the most detailed area level loaded; None when no Census is loaded."""
    if census.empty:
        return None, []
    census = census.assign(area_level=census["area_level"].astype(str),
                           level=census["level"].astype(str),
                           code=census["ethnic_group_code"].fillna("").astype(str),
                           broad_group=census["broad_group"].fillna("").astype(str),
                           count=pd.to_numeric(census["count"]).astype(float))
    for area_level in CENSUS_LEVELS:
        rows = census[census["area_level"] == area_level]
        detailed = rows[(rows["level"] == "detailed") & (rows["code"] != "")]
        if len(detailed):
            groups = detailed["code"].str[:1].str.upper().map(SELF_LETTERS)
            counts = detailed.groupby(groups)["count"].sum()
            return counts.reindex(list(GROUPS), fill_value=0.0), []
        broad = rows[rows["level"] == "broad"]
        if len(broad):
            counts = broad.groupby("broad_group")["count"].sum()
            return (counts.reindex(list(GROUPS), fill_value=0.0),
                    [{"key": "census_chinese_in_asian"}])
    return None, []


def _ethnicity_table(group: pd.Series, person: str, basis: str,
                     residents: pd.Series | None, census_notes: list[dict]) -> Table:
    group = group.dropna()
    counts = group.value_counts()
    known = int(counts.reindex(list(GROUPS), fill_value=0).sum())
    rows = [{"group": g, "count": int(counts.get(g, 0)),
             "percent": _percent(counts.get(g, 0), known)} for g in GROUPS]
    rows.append({"group": UNKNOWN, "count": int(counts.get(UNKNOWN, 0)), "percent": None})
    rows.append({"group": ALL, "count": len(group), "percent": None})
    columns = [Column("group", LABEL), Column("count", COUNT),
               Column("percent", PERCENT, ("count",))]
    notes = [{"key": "percent_of_known", "params": {"known": known}},
             {"key": f"ethnicity_{BASES[basis]}"}]
    if basis == "officer":
        notes += [{"key": "officer_defined_not_compared"}, {"key": "ic5_in_asian"}]
    elif residents is not None:
        _representation(rows, known, residents)
        columns += _representation_columns()
        notes += [{"key": "census_2021_residents"}] + census_notes
    else:
        notes.append({"key": "census_not_loaded"})
    table = with_total(f"{person}_ethnicity_{basis}", columns, rows, notes)
    known_from = [len(rows) - 2, len(rows) - 1]  # known = all - unknown
    table.shares_of = {c.key: known_from for c in columns if c.derived_from}
    return table


def _representation(rows: list[dict], known: int, residents: pd.Series) -> None:
    """Adds each group's residents, their share, and the ratio of the group's share of
    people with a known ethnicity to its share of residents, with Katz's interval."""
    total = float(residents.sum())
    for row in rows:
        group = row["group"]
        if group not in GROUPS:
            row |= {"residents": total if group == ALL else None, "resident_percent": None,
                    "ratio": None, "ci_low": None, "ci_high": None, "verdict": None}
            continue
        people = float(residents[group])
        ratio, low, high = stats.ratio_of_proportions(row["count"], known, people, total)
        row |= {"residents": people, "resident_percent": _percent(people, total),
                "ratio": ratio, "ci_low": low, "ci_high": high,
                "verdict": _represented(ratio, low, high)}


def _representation_columns() -> list[Column]:
    return [Column("residents", POPULATION), Column("resident_percent", PERCENT),
            Column("ratio", RATIO, ("count",)), Column("ci_low", CI_LOW, ("count",)),
            Column("ci_high", CI_HIGH, ("count",)), Column("verdict", VERDICT, ("count",))]


def _represented(ratio: float | None, low: float | None, high: float | None) -> str | None:
    """"over" / "under" when the interval excludes 1, else "similar"; None without an
    interval (no people of the group: nothing to test)."""
    if ratio is None or (low is None and high is None):
        return None
    if low is not None and low > 1:
        return "over"
    if high is not None and high < 1:
        return "under"
    return "similar"


# --- Missing values ------------------------------------------------------------------------

def _missing(year: pd.DataFrame) -> Table:
    """Per field, records of the assessed year where it is blank or unknown. Ethnicity is
    left to its own tables (their Unknown row, and how many records are of each basis):
    its missing count here would be that Unknown plus the records of the other basis, so
    beside the basis's total it would give a suppressed Unknown away."""
    rows = []
    for person in PERSONS:
        blank = {
            f"{person}_age": year[f"{person}_age"].isna(),
            f"{person}_sex": ~year[f"{person}_sex"].isin(SEXES[:3]),
        }
        rows += [{"field": f, "missing": int(b.sum()), "records": len(year),
                  "percent": _percent(b.sum(), len(year))} for f, b in blank.items()]
    columns = [Column("field", LABEL), Column("missing", COUNT), Column("records", COUNT),
               Column("percent", PERCENT, ("missing", "records"))]
    return Table("missing", columns, rows, notes=[{"key": "missing_of_selection"}])


def _figures(under_25: Table, year: str) -> dict[str, dict[str, Any]]:
    row = next(r for r in under_25.rows if r["financial_year"] == year)
    return {f"{p}.under_25_share": {"value": row[f"{p}_share"], "low": row[f"{p}_ci_low"],
                                    "high": row[f"{p}_ci_high"], "table": "under_25",
                                    "row": year, "column": f"{p}_share"} for p in PERSONS}


def _counts(values: pd.Series) -> dict[str, int]:
    """Rows per value, as text keys (categoricals count fast as they are)."""
    return {str(k): int(v) for k, v in values.value_counts().items()}


def _percent(part, whole) -> float | None:
    return float(100 * part / whole) if whole else None


def _scaled(share: float | None) -> float | None:
    return None if share is None else 100 * share
