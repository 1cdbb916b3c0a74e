"""Flags and outcomes: domestic abuse, knife, firearm, alcohol, drugs and public place shares
per year, their change in the assessed year, and the assessed year's outcomes.

Counts the same records as the yearly volumes (committed date, non-recent left out), so a
flag's share is of the figures the volumes show. The change in a flag's count is tested like a
category's (volumes.change_test, dispersion from the flag's twelve monthly counts). Outcome 22
(diversionary, educational or intervention activity) is matched as the number 22 standing
alone in the outcome text ("Outcome 22", "22 - Diversion", "22A"), not inside 122 or 220.
data.police.uk rows carry no flags; their outcomes (last outcome category) are shown.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from . import stats
from .inputs import Inputs, Selection
from .tables import CI_HIGH, CI_LOW, COUNT, LABEL, MEASURE, PERCENT, Column, Section, Table
from .volumes import (
    ALL,
    as_text,
    change_columns,
    change_test,
    counted_records,
    months_of_year,
    ordered,
    with_total,
)

FLAGS = ("domestic_abuse", "knife", "firearm", "alcohol", "drugs", "public_place")
NOT_RECORDED = "not_recorded"
OUTCOME_22 = r"(?<!\d)22(?!\d)"


def compute(inputs: Inputs, selection: Selection) -> Section:
    section = Section("flags")
    frame, coarse = counted_records(section, selection)
    if frame is None:
        return section
    if coarse:
        section.notes.append({"key": "flags_not_available"})
    else:
        _add_flag_tables(section, frame, inputs)
    _outcomes(section, frame[frame["financial_year"] == inputs.financial_year])
    return section


def _add_flag_tables(section: Section, frame: pd.DataFrame, inputs: Inputs) -> None:
    frame = frame.assign(**{f: flag(frame, f) for f in FLAGS})
    section.add(_flag_shares(frame, inputs.years))
    section.add(_flag_change(frame, inputs))
    section.add(_flags_by_category(frame[frame["financial_year"] == inputs.financial_year]))
    section.figures |= _flag_figures(section, inputs.years)


def flag(frame: pd.DataFrame, name: str) -> pd.Series:
    """A flag as plain bool: not known counts as not flagged."""
    return frame[name].fillna(False).astype(bool)


def _share_columns(total: str) -> list[Column]:
    columns = []
    for f in FLAGS:
        both = (f, total)
        columns += [Column(f, COUNT), Column(f"{f}_percent", PERCENT, both),
                    Column(f"{f}_low", CI_LOW, both), Column(f"{f}_high", CI_HIGH, both)]
    return columns


def _flag_sums(records: pd.DataFrame, by: str) -> pd.DataFrame:
    """Records ("total") and flagged records per value of `by`."""
    grouped = records.groupby(by)
    return grouped[list(FLAGS)].sum().assign(total=grouped.size())


def _share_cells(sums: pd.DataFrame, label: str) -> dict[str, Any]:
    """Total, and each flag's count and percent with its Wilson interval, for one row."""
    row = sums.loc[label] if label in sums.index else pd.Series(0, index=sums.columns)
    cells: dict[str, Any] = {"total": int(row["total"])}
    for f in FLAGS:
        cells[f] = int(row[f])
        share = stats.wilson_ci(cells[f], cells["total"])
        for suffix, value in zip(("percent", "low", "high"), share, strict=True):
            cells[f"{f}_{suffix}"] = None if value is None else 100 * value
    return cells


def _flag_shares(frame: pd.DataFrame, years: list[str]) -> Table:
    sums = _flag_sums(frame, "financial_year")
    rows = [{"financial_year": y} | _share_cells(sums, y) for y in years]
    columns = [Column("financial_year", LABEL), Column("total", COUNT), *_share_columns("total")]
    return Table("flag_shares", columns, rows)


def _flag_change(frame: pd.DataFrame, inputs: Inputs) -> Table:
    """Each flag's count in the assessed year against the year before, the dispersion from
    the flag's monthly counts in the assessed year."""
    previous, year = inputs.years[-2], inputs.years[-1]
    sums = _flag_sums(frame, "financial_year").reindex([previous, year], fill_value=0)
    this_year = frame[frame["financial_year"] == year]
    months = months_of_year(year, inputs.data_until, complete=True)
    monthly = this_year.groupby(this_year["date"].dt.to_period("M"))[list(FLAGS)].sum()
    monthly = monthly.reindex(pd.PeriodIndex(months, freq="M"), fill_value=0)
    rows = []
    for f in FLAGS:
        old, new = int(sums.at[previous, f]), int(sums.at[year, f])
        dispersion = stats.dispersion(monthly[f].astype(float).tolist())
        rows.append({"flag": f, previous: old, year: new}
                    | change_test(old, new, dispersion) | {"dispersion": dispersion})
    columns = ([Column("flag", LABEL), Column(previous, COUNT), Column(year, COUNT)]
               + change_columns(previous, year) + [Column("dispersion", MEASURE, (year,))])
    return Table("flag_change", columns, rows)


def _flags_by_category(year: pd.DataFrame) -> Table:
    sums = _flag_sums(year, "category")
    sums.loc[ALL] = sums.sum()
    rows = [{"category": c} | _share_cells(sums, c)
            for c in [*ordered(year["category"].unique()), ALL]]
    columns = [Column("category", LABEL), Column("total", COUNT), *_share_columns("total")]
    return with_total("flags_by_category", columns, rows)


def _outcomes(section: Section, year: pd.DataFrame) -> None:
    """Outcome counts (blank as "not_recorded"), most common first, and Outcome 22."""
    outcome = as_text(year["outcome"])
    if not (outcome != "").any():
        section.notes.append({"key": "outcomes_not_supplied"})
        return
    counts = outcome.replace("", NOT_RECORDED).value_counts()
    counts = counts.sort_index().sort_values(ascending=False, kind="stable")
    rows = [{"outcome": o, "count": int(n), "percent": float(100 * n / len(outcome))}
            for o, n in counts.items()]
    rows.append({"outcome": ALL, "count": len(outcome), "percent": 100.0})
    columns = [Column("outcome", LABEL), Column("count", COUNT),
               Column("percent", PERCENT, ("count",))]
    section.add(with_total("outcomes", columns, rows))
    diverted = int(outcome.str.contains(OUTCOME_22, regex=True).sum())
    if diverted:
        section.add(_diversion(diverted, len(outcome)))
        section.figures["outcome_22"] = {"value": diverted, "table": "diversion",
                                         "row": "outcome_22", "column": "count"}


def _diversion(count: int, total: int) -> Table:
    both = ("count", "total")
    columns = [Column("measure", LABEL), Column("count", COUNT), Column("total", COUNT),
               Column("percent", PERCENT, both)]
    return Table("diversion", columns, [{"measure": "outcome_22", "count": count,
                                         "total": total, "percent": 100 * count / total}])


def _flag_figures(section: Section, years: list[str]) -> dict[str, dict[str, Any]]:
    """"<flag>.count", ".percent", ".change" and ".verdict" for the assessed year."""
    shares, change = section.tables["flag_shares"], section.tables["flag_change"]
    year = years[-1]
    this_year = next(r for r in shares.rows if r["financial_year"] == year)
    figures = {}
    for row in change.rows:
        f = row["flag"]
        at = {"table": "flag_shares", "row": year}
        figures[f"{f}.count"] = {"value": this_year[f], **at, "column": f, "year": year}
        figures[f"{f}.percent"] = {"value": this_year[f"{f}_percent"], **at,
                                   "column": f"{f}_percent", "year": year}
        for column in ("change", "verdict"):
            figures[f"{f}.{column}"] = {"value": row[column], "table": "flag_change",
                                        "row": f, "column": column, "from": years[-2],
                                        "to": year}
    return figures
