"""Places: offences by LSOA, ward, local authority and beat, set against the partnership's
rate on a funnel plot so that chance is not called a hotspot; the busiest wards; rates by
deprivation decile.

Records are those volumes counts (volumes.counted_records), of the assessed year unless a
column says otherwise; a record with no code at a level is left out of that level's table
and counted in its "records_without_area" note.

- Rates are per 1,000 residents with Byar intervals. Beats have no population: counts only.
  A ward's or local authority's population is its own estimate where loaded, else the sum
  of its LSOAs' (by inputs.areas).
- Funnel limits (stats.funnel_limits, exact Poisson, 95% and 99.8%) are around the
  partnership's rate at that level: the offences of areas with a population over their
  residents, so the centre line and the points are made of the same areas.
- The location quotient is the area's share of the selected offences over its share of the
  residents (equal to its rate over the partnership's rate). The data does not hold all
  recorded crime, so the textbook "share of this crime among all crime" form is not used.
- Density (offences per km2) shows town centres, whose visitors are not residents and whose
  resident rates therefore run high: the "non_resident_population" note names busy wards
  with such rates.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from . import stats
from .inputs import Inputs, Selection
from .rates import (
    PER,
    population_note,
    population_totals,
    population_year_of,
    rate_cells,
    rate_columns,
)
from .tables import (
    CHANGE,
    COUNT,
    DIFFERENCE,
    LABEL,
    MEASURE,
    POPULATION,
    RATE,
    RATIO,
    TEXT,
    VERDICT,
    Column,
    Section,
    Table,
)
from .volumes import ALL, counted_records

# The rows closing an area table: records placed in no area at this level, and all records.
# With them the table adds up to the total every other page publishes, so disclosure control
# knows that total minus the visible areas would give a suppressed area away.
NOT_PLACED = "not_placed"
SUMMARY_ROWS = (NOT_PLACED, ALL)

# (level, record column, name column in inputs.areas or None)
LEVELS = (("lsoa", "lsoa_code", "lsoa_name"), ("ward", "ward_code", "ward_name"),
          ("local_authority", "local_authority_code", "local_authority_name"),
          ("beat", "beat", None))
FUNNEL_LEVELS = ("ward", "lsoa")
GRID_POINTS = 50
TOP = 10
LIMITS = ("lower_95", "upper_95", "lower_998", "upper_998")
# Residents per LSOA and the estimate year (rates.population_totals), read once.
LsoaPopulation = tuple[pd.Series, int | None]


def compute(inputs: Inputs, selection: Selection) -> Section:
    section = Section("places")
    frame, _coarse = counted_records(section, selection)
    if frame is None:
        return section
    # The two years' records, picked once for the four levels.
    years = {year: frame[frame["financial_year"] == year]
             for year in (inputs.financial_year, inputs.years[-2])}
    lsoas = population_totals(inputs.population, "lsoa",
                              population_year_of(inputs.financial_year))
    tables = {}
    for level, column, name in LEVELS:
        if column in frame:
            tables[level] = section.add(_areas(years, inputs, lsoas, level, column, name))
    section.add(_funnel_curve(tables))
    section.add(_funnel_points(tables))
    if "ward" in tables:
        section.add(_top_areas(tables["ward"]))
    section.add(_deprivation(years[inputs.financial_year], inputs, lsoas))
    return section


# --- Areas at one level ------------------------------------------------------------------

def _areas(years: dict[str, pd.DataFrame], inputs: Inputs, lsoas: LsoaPopulation, level: str,
           column: str, name: str | None) -> Table:
    year, previous = inputs.financial_year, inputs.years[-2]
    this = _code_counts(years[year][column])
    last = _code_counts(years[previous][column])
    wanted = population_year_of(year)
    areas, used = _area_details(inputs, lsoas, level, column, name, wanted)
    listed = pd.Index(sorted(set(areas.index) | set(this.index) | set(last.index)))
    areas = areas.reindex(listed.drop("", errors="ignore"))
    areas["count"] = this.reindex(areas.index, fill_value=0)
    areas["previous"] = last.reindex(areas.index, fill_value=0)
    rows = _area_rows(areas)
    rows += [_summary_row(NOT_PLACED, this.get("", 0), last.get("", 0)),
             _summary_row(ALL, this.sum(), last.sum())]
    notes = ([{"key": "rate_per", "params": {"per": PER}},
              {"key": "records_without_area", "params": {"count": int(this.get("", 0))}},
              {"key": "location_quotient_population"}, {"key": "funnel_limits"}]
             + population_note(used, wanted))
    if level == "beat":
        notes.append({"key": "beat_no_population"})
    sums = [(len(rows) - 1, list(range(len(rows) - 1)))]
    return Table(f"areas_{level}", _area_columns(), rows, row_sums=sums, notes=notes)


def _summary_row(area: str, count, previous) -> dict[str, Any]:
    count, previous = int(count), int(previous)
    return {"area": area, "name": None, "count": count, "previous": previous,
            "difference": count - previous, "change": stats.percent_change(previous, count),
            "population": None}


def areas_only(table: Table) -> list[dict[str, Any]]:
    """An area table's rows for areas (not its not-placed and total rows)."""
    return [r for r in table.rows if r["area"] not in SUMMARY_ROWS]


def _code_counts(codes: pd.Series) -> pd.Series:
    """Records per area code (text index, codes with none left out); counted before any
    conversion to text, which is the slow part on a million categorical rows."""
    counts = codes.value_counts()
    counts.index = counts.index.astype(str)
    counts = counts[counts > 0]
    return counts.groupby(level=0).sum()


def _area_details(inputs: Inputs, lsoas: LsoaPopulation, level: str, column: str,
                  name: str | None, wanted: int) -> tuple[pd.DataFrame, int | None]:
    """Per area code: name, population, area_km2 (frame indexed by code), and the
    population estimate year used."""
    areas = inputs.areas.assign(lsoa_code=inputs.areas["lsoa_code"].astype(str))
    if name is None:  # beats: no reference data
        empty = pd.DataFrame(columns=["name", "population", "area_km2"], dtype=object)
        return empty, None
    areas = areas.assign(code=areas[column].astype(str))
    areas = areas[areas["code"] != ""]
    lsoa_population, lsoa_year = lsoas
    own, own_year = lsoas if level == "lsoa" else population_totals(inputs.population, level,
                                                                     wanted)
    if level != "lsoa" and own.empty and not lsoa_population.empty:
        # No estimates at this level: add up its LSOAs'.
        own = lsoa_population.reindex(areas["lsoa_code"]).set_axis(areas.index)
        own, own_year = own.groupby(areas["code"]).sum(min_count=1), lsoa_year
    km2 = pd.to_numeric(areas["area_km2"], errors="coerce")
    details = pd.DataFrame({
        "name": areas.groupby("code")[name].first(),
        # A size only where every LSOA of the area has one.
        "area_km2": km2.groupby(areas["code"]).sum(min_count=1).where(
            km2.notna().groupby(areas["code"]).all()),
    })
    details = details.reindex(details.index.union(own.index))
    details["population"] = own.reindex(details.index)
    return details, own_year


def _area_rows(areas: pd.DataFrame) -> list[dict[str, Any]]:
    populated = areas["population"].fillna(0) > 0
    count, population = areas.loc[populated, "count"].sum(), areas.loc[populated,
                                                                       "population"].sum()
    mean = rate_cells(count, population)["rate"]
    limits = (stats.funnel_limits(mean, areas["population"].fillna(0).tolist(), per=PER)
              .set_index(areas.index) if mean is not None else None)
    rows = []
    for code, area in areas.iterrows():
        rows.append(_area_row(code, area, mean, limits, count, population))
    rows.sort(key=lambda r: (-r["count"], r["area"]))
    return rows


def _area_row(code: str, area: pd.Series, mean: float | None, limits: pd.DataFrame | None,
              whole_count: float, whole_population: float) -> dict[str, Any]:
    count, previous = int(area["count"]), int(area["previous"])
    population = _number(area["population"]) or None
    km2 = _number(area["area_km2"])
    row = {"area": code, "name": _text(area["name"]), "count": count, "previous": previous,
           "difference": count - previous, "change": stats.percent_change(previous, count),
           "population": population} | rate_cells(count, population)
    bounds = {k: None for k in LIMITS}
    if population and limits is not None:
        bounds = {k: _number(limits.at[code, k]) for k in LIMITS}
    return row | {"partnership_rate": mean} | bounds | {
        "funnel": funnel_verdict(row["rate"], bounds),
        "location_quotient": (stats.location_quotient(count, population, whole_count,
                                                      whole_population)
                              if population else None),
        "area_km2": km2, "density": count / km2 if km2 else None}


def funnel_verdict(rate: float | None, bounds: dict[str, float | None]) -> str | None:
    """Where a rate lies against the funnel limits: above_998, above_95, within, below_95,
    below_998 (None without a rate)."""
    if rate is None or bounds["upper_95"] is None:
        return None
    if bounds["upper_998"] is not None and rate > bounds["upper_998"]:
        return "above_998"
    if rate > bounds["upper_95"]:
        return "above_95"
    if bounds["lower_998"] is not None and rate < bounds["lower_998"]:
        return "below_998"
    if bounds["lower_95"] is not None and rate < bounds["lower_95"]:
        return "below_95"
    return "within"


def _area_columns() -> list[Column]:
    counted = ("count",)
    return ([Column("area", LABEL), Column("name", TEXT), Column("count", COUNT),
             Column("previous", COUNT), Column("difference", DIFFERENCE, ("count", "previous")),
             Column("change", CHANGE, ("count", "previous")), Column("population", POPULATION)]
            + rate_columns()
            + [Column("partnership_rate", RATE)] + [Column(k, RATE) for k in LIMITS]
            + [Column("funnel", VERDICT, counted),
               Column("location_quotient", RATIO, counted), Column("area_km2", MEASURE),
               Column("density", MEASURE, counted)])


# --- Funnel plot ---------------------------------------------------------------------------

def _funnel_curve(tables: dict[str, Table]) -> Table:
    """Control limits over GRID_POINTS populations from the smallest area's to the
    largest's, per level, for drawing the funnel."""
    rows = []
    for level in FUNNEL_LEVELS:
        table = tables.get(level)
        points = [r for r in table.rows if r["population"]] if table else []
        mean = points[0]["partnership_rate"] if points else None
        if mean is None:
            continue
        populations = [r["population"] for r in points]
        grid = np.linspace(min(populations), max(populations), GRID_POINTS)
        limits = stats.funnel_limits(mean, grid.tolist(), per=PER)
        for _, limit in limits.iterrows():
            rows.append({"level": level, "population": float(limit["population"]),
                         "partnership_rate": mean}
                        | {k: _number(limit[k]) for k in LIMITS})
    columns = ([Column("level", LABEL), Column("population", POPULATION),
                Column("partnership_rate", RATE)] + [Column(k, RATE) for k in LIMITS])
    return Table("funnel_curve", columns, rows, notes=[{"key": "funnel_limits"}])


def _funnel_points(tables: dict[str, Table]) -> Table:
    keys = ("area", "name", "count", "population", "rate", "funnel")
    rows = [{"level": level} | {k: r[k] for k in keys}
            for level in FUNNEL_LEVELS if level in tables
            for r in tables[level].rows if r["population"]]
    columns = [Column("level", LABEL), Column("area", LABEL), Column("name", TEXT),
               Column("count", COUNT), Column("population", POPULATION),
               Column("rate", RATE, ("count",)), Column("funnel", VERDICT, ("count",))]
    mirrors = [{"table": f"areas_{level}", "key": "area", "match": {"level": level}}
               for level in FUNNEL_LEVELS]
    return Table("funnel_points", columns, rows, mirror_of=mirrors)


# --- Busiest wards -------------------------------------------------------------------------

def _top_areas(wards: Table) -> Table:
    """The TOP wards by count. A busy ward (top decile of ward counts) whose resident rate
    is above the 99.8% limit is likely a town centre: its offences fall on visitors too."""
    top = [r for r in areas_only(wards) if r["count"]][:TOP]
    keys = ("area", "name", "count", "population", "rate", "ci_low", "ci_high", "funnel",
            "density")
    rows = [{k: r[k] for k in keys} for r in top]
    counts = [r["count"] for r in areas_only(wards)]
    cut = float(np.quantile(counts, 0.9)) if counts else 0.0
    centres = [r["area"] for r in top if r["funnel"] == "above_998" and r["count"] >= cut]
    notes = [{"key": "non_resident_population", "params": {"areas": centres}}] if centres else []
    columns = ([Column("area", LABEL), Column("name", TEXT), Column("count", COUNT),
                Column("population", POPULATION)] + rate_columns()
               + [Column("funnel", VERDICT, ("count",)), Column("density", MEASURE, ("count",))])
    return Table("top_areas", columns, rows, notes=notes,
                 mirror_of=[{"table": "areas_ward", "key": "area"}])


# --- Deprivation ---------------------------------------------------------------------------

def _deprivation(this_year: pd.DataFrame, inputs: Inputs, lsoas: LsoaPopulation) -> Table:
    """Offences and residents by the LSOA's deprivation decile (1 = most deprived 10%)."""
    areas = inputs.areas.assign(lsoa_code=inputs.areas["lsoa_code"].astype(str))
    decile = pd.to_numeric(areas["imd_decile"], errors="coerce").set_axis(areas["lsoa_code"])
    decile = decile[~decile.index.duplicated()]
    this = _code_counts(this_year["lsoa_code"])
    record_decile = this.index.map(decile)
    counts = this.groupby(record_decile).sum()
    wanted = population_year_of(inputs.financial_year)
    lsoa_population, used = lsoas
    residents = lsoa_population.groupby(lsoa_population.index.map(decile)).sum()
    rows = []
    for d in range(1, 11):
        population = _number(residents.get(float(d))) or None
        count = int(counts.get(float(d), 0))
        rows.append({"decile": d, "count": count, "population": population}
                    | rate_cells(count, population))
    indices = sorted(set(areas["deprivation_index"].dropna().astype(str)) - {""})
    notes = ([{"key": "deprivation_index", "params": {"index": ", ".join(indices)}},
              {"key": "decile_1_most_deprived"}, {"key": "rate_per", "params": {"per": PER}},
              {"key": "records_without_decile",
               "params": {"count": int(this[record_decile.isna()].sum())}}]
             + population_note(used, wanted))
    # Closed by records in no decile and all records, so the deciles add up to the total
    # other tables publish (disclosure control then protects a small decile).
    rows += [{"decile": NOT_PLACED, "count": int(this[record_decile.isna()].sum())},
             {"decile": ALL, "count": int(this.sum())}]
    columns = [Column("decile", LABEL), Column("count", COUNT),
               Column("population", POPULATION)] + rate_columns()
    return Table("deprivation", columns, rows, notes=notes,
                 row_sums=[(len(rows) - 1, list(range(len(rows) - 1)))])


def _number(value) -> float | None:
    if value is None or pd.isna(value):
        return None
    return float(value)


def _text(value) -> str | None:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    return str(value)

