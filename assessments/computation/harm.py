"""Harm: each category's offences weighted by a crime harm index, for the assessed year.

A record's weight comes from its Home Office offence code where the index is keyed by code
(the ONS Crime Severity Score, the CCHI's own table), or from its offence subgroup where the
index is keyed by subgroup (the CCHI medians per subgroup; compared ignoring case, spacing and
dash style). An index holding both uses the code first. The granularity is stated with every
index because it changes what a total means: a subgroup weight gives every offence of the
subgroup the same harm.

Records without a weight are counted ("unweighted") and left out of the harm total, so harm
is a lower bound where they exist; a category none of whose records has a weight has no harm
and no rank (rather than harm 0). Counts the same records as the yearly volumes (committed
date, non-recent left out). Rank 1 is the most harm; ties share the better rank.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pandas as pd

from .inputs import Inputs, Selection
from .tables import COUNT, LABEL, MEASURE, PERCENT, Column, Section, Table
from .volumes import ALL, as_text, counted_records, ordered, total_row_sums

CODE = "offence_code"
SUBGROUP = "offence_subgroup"
# The harm_weights loader writes "subgroup"; the contract says "offence_subgroup".
GRANULARITIES = {CODE: (CODE,), SUBGROUP: (SUBGROUP, "subgroup")}


def compute(inputs: Inputs, selection: Selection, index_names: list[str]) -> Section:
    section = Section("harm")
    frame, coarse = counted_records(section, selection)
    if frame is None:
        return section
    if coarse:
        section.notes.append({"key": "harm_needs_offence_codes"})
        return section
    names = _loaded(inputs.harm_weights, index_names, section)
    if not names:
        section.notes.append({"key": "harm_weights_not_supplied"})
        return section
    year = frame[frame["financial_year"] == inputs.financial_year]
    tables = {}
    for name in names:
        index = inputs.harm_weights[inputs.harm_weights["index_name"].astype(str) == name]
        notes = granularity_notes(name, index)
        section.notes += notes
        tables[name] = section.add(_index_table(name, year, record_weights(year, index), notes))
    section.add(_combined(names, tables))
    section.figures = _figures(section.tables["harm"], names[0])
    return section


def slug(name: str) -> str:
    """"Cambridge Crime Harm Index" -> "cambridge_crime_harm_index"."""
    return re.sub(r"[^a-z0-9]+", "_", name.casefold()).strip("_")


def code_key(values: pd.Series) -> pd.Series:
    return as_text(values).str.replace(r"\s+", "", regex=True).str.upper()


def subgroup_key(values: pd.Series) -> pd.Series:
    dashes = as_text(values).str.replace(r"[\u2010-\u2015\u2212]", "-", regex=True)
    return dashes.str.replace(r"\s+", " ", regex=True).str.strip().str.casefold()


KEYS = {CODE: ("offence_code", code_key), SUBGROUP: ("offence_subgroup", subgroup_key)}


def record_weights(records: pd.DataFrame, index: pd.DataFrame) -> pd.Series:
    """Each record's weight under one index (NaN where it has none): by code first, then
    by subgroup."""
    weights = pd.Series(np.nan, index=records.index)
    granularity = as_text(index["granularity"])
    for kind, names in GRANULARITIES.items():
        rows = index[granularity.isin(names)]
        if rows.empty:
            continue
        column, key = KEYS[kind]
        lookup = pd.Series(rows["weight"].astype(float).to_numpy(), index=key(rows["key"]))
        lookup = lookup[~lookup.index.duplicated()]
        weights = weights.fillna(pd.Series(_looked_up(records[column], key, lookup),
                                           index=records.index))
    return weights


def _looked_up(values: pd.Series, key, lookup: pd.Series) -> np.ndarray:
    # Keys are worked out once per distinct value: a year's records have a few hundred codes.
    codes, uniques = pd.factorize(values)
    found = key(pd.Series(uniques, dtype=object)).map(lookup).astype(float).to_numpy()
    return np.append(found, np.nan)[codes]  # code -1 (missing value) takes the final NaN


def granularity_notes(name: str, index: pd.DataFrame) -> list[dict[str, Any]]:
    """{"key": "harm_granularity", ...} for each granularity the index is keyed by."""
    notes = []
    granularity = as_text(index["granularity"])
    for kind, names in GRANULARITIES.items():
        rows = index[granularity.isin(names)]
        if rows.empty:
            continue
        sources = [s for s in as_text(rows["source_note"]) if s]
        notes.append({"key": "harm_granularity", "params": {
            "index": name, "granularity": kind, "source": sources[0] if sources else ""}})
    return notes


def _loaded(weights: pd.DataFrame, wanted: list[str], section: Section) -> list[str]:
    """The indices to show, chosen first: those asked for that are loaded (a note for each
    that is not), or every loaded index when none is asked for."""
    loaded = list(dict.fromkeys(as_text(weights["index_name"])))
    for name in wanted:
        if name not in loaded:
            section.notes.append({"key": "harm_index_not_loaded", "params": {"index": name}})
    return [n for n in wanted if n in loaded] if wanted else loaded


def _index_table(name: str, year: pd.DataFrame, weights: pd.Series,
                 notes: list[dict[str, Any]]) -> Table:
    frame = pd.DataFrame({"category": year["category"], "weight": weights})
    rows = [_harm_row(c, frame[frame["category"] == c])
            for c in ordered(frame["category"].unique())]
    _shares_and_ranks(rows)
    rows.append(_harm_row(ALL, frame) | {"harm_share": 100.0 if len(frame) else None,
                                         "volume_share": 100.0 if len(frame) else None,
                                         "rank": None})
    unweighted = int(frame["weight"].isna().sum())
    if unweighted:
        notes = [*notes, {"key": "harm_unweighted", "params": {"index": name,
                                                               "count": unweighted}}]
    columns = [Column("category", LABEL), Column("count", COUNT), Column("weighted", COUNT),
               Column("unweighted", COUNT), Column("harm", MEASURE, ("weighted",)),
               Column("harm_share", PERCENT, ("weighted",)),
               Column("volume_share", PERCENT, ("count",)),
               # A rank places a hidden count between its neighbours' harms: hidden with it.
               Column("rank", MEASURE, ("weighted",))]
    table = Table(f"harm_{slug(name)}", columns, rows,
                  row_sums=total_row_sums(rows),
                  column_sums={"count": ["weighted", "unweighted"]}, notes=notes)
    _shares_of_all(table)
    return table


def _shares_of_all(table: Table) -> None:
    """Harm shares are of the total harm: with one category's harm hidden, any visible share
    and its harm give the total, and the total minus the visible harms the hidden one."""
    categories = list(range(len(table.rows) - 1))
    # Ranks are 1..n: one hidden rank is the number missing from the visible ones.
    ranks = [c.key for c in table.columns if c.key == "rank" or c.key.startswith("rank_")]
    table.shares_of = {"harm_share": categories} | dict.fromkeys(ranks, categories)


def _harm_row(category: str, frame: pd.DataFrame) -> dict[str, Any]:
    weighted = int(frame["weight"].notna().sum())
    return {"category": category, "count": len(frame), "weighted": weighted,
            "unweighted": len(frame) - weighted,
            "harm": float(frame["weight"].sum()) if weighted else None}


def _shares_and_ranks(rows: list[dict[str, Any]]) -> None:
    """Harm and volume shares of the categories' totals, and the harm rank (1 = most)."""
    total_harm = sum(r["harm"] for r in rows if r["harm"] is not None)
    total_count = sum(r["count"] for r in rows)
    for r in rows:
        r["harm_share"] = (100 * r["harm"] / total_harm
                           if r["harm"] is not None and total_harm else None)
        r["volume_share"] = 100 * r["count"] / total_count if total_count else None
        r["rank"] = (1 + sum(1 for o in rows if o["harm"] is not None and o["harm"] > r["harm"])
                     if r["harm"] is not None else None)


def _combined(names: list[str], tables: dict[str, Table]) -> Table:
    """The chosen index's harm and shares, with every index's rank."""
    chosen = tables[names[0]]
    keep = ("category", "count", "harm", "harm_share", "volume_share")
    rows = [{k: r[k] for k in keep} for r in chosen.rows]
    for name in names:
        ranks = {r["category"]: r["rank"] for r in tables[name].rows}
        for r in rows:
            r[f"rank_{slug(name)}"] = ranks.get(r["category"])
    columns = ([chosen.column(k) for k in keep[:2]]
               + [Column("harm", MEASURE, ("count",)), Column("harm_share", PERCENT, ("count",)),
                  Column("volume_share", PERCENT, ("count",))]
               + [Column(f"rank_{slug(n)}", MEASURE, ("count",)) for n in names])
    unweighted = [n for n in chosen.notes if n["key"] == "harm_unweighted"]
    ranked = [{"key": "harm_ranked_by", "params": {"index": n, "column": f"rank_{slug(n)}"}}
              for n in names]
    table = Table("harm", columns, rows, row_sums=list(chosen.row_sums),
                  notes=[{"key": "harm_index", "params": {"index": names[0]}}, *unweighted,
                         *ranked])
    _shares_of_all(table)
    return table


def _figures(table: Table, chosen: str) -> dict[str, dict[str, Any]]:
    """"<category>.harm", ".harm_share" and ".harm_rank" under the chosen index."""
    figures = {}
    rank = f"rank_{slug(chosen)}"
    for row in table.rows:
        for name, column in (("harm", "harm"), ("harm_share", "harm_share"),
                             ("harm_rank", rank)):
            if row["category"] == ALL and name == "harm_rank":
                continue
            figures[f"{row['category']}.{name}"] = {
                "value": row[column], "table": "harm", "row": row["category"],
                "column": column, "index": chosen}
    return figures
