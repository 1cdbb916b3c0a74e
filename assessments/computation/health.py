"""Health and youth justice: A&E assault attendances (ISTV), hospital admissions for assault,
first-time entrants to the youth justice system, the three VRU core success measures, and
other organisations' indicators with their sources.

A&E attendances and admissions are all assaults, whatever the local definition: the
breakdowns use every record (inputs.istv, inputs.admissions) and a "selected" column counts
those inside the definition (selection.istv, selection.admissions). The core measures have
fixed definitions of their own and ignore the local one, except knife-enabled serious
violence, which is "serious violence" as the partnership defines it (selection.police).

Admissions split over local authorities by postcode district count by their share, so
their sums are estimates (noted) and may be fractions.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from . import stats
from .inputs import Inputs, Selection
from .rates import age_population, population_note, population_year_of
from .tables import (
    CI_HIGH,
    CI_LOW,
    COUNT,
    LABEL,
    MEASURE,
    PERCENT,
    POPULATION,
    RATE,
    TEXT,
    Column,
    Section,
    Table,
)
from .volumes import ALL, non_recent, with_total

# As ingest.parsers.istv.WEAPONS and LOCATION_TYPES (display order).
WEAPONS = ("firearm", "knife_or_sharp_object", "blunt_object", "body_part", "other", "unknown")
LOCATIONS = ("licensed_premises", "school", "workplace", "home", "public_place", "other",
             "unknown")
SHARP = "knife_or_sharp_object"
YOUNG = 25  # the VRU's "under 25s"
FTE_AGES = (10, 17)  # the youth justice system's ages
FTE_PER = 100_000
LATEST_PERIODS = 5


def compute(inputs: Inputs, selection: Selection) -> Section:
    section = Section("health")
    if inputs.istv.empty:
        section.notes.append({"key": "not_supplied", "params": {"source": "istv"}})
    else:
        section.add(_istv_breakdown(inputs, "weapon", WEAPONS, "istv_weapon"))
        section.add(_istv_breakdown(inputs, "location_type", LOCATIONS, "istv_location"))
        section.add(_istv_trend(inputs, selection))
    if inputs.admissions.empty:
        section.notes.append({"key": "not_supplied", "params": {"source": "hospital_admissions"}})
    else:
        section.add(_admissions(inputs, selection))
    fte = _first_time_entrants(inputs)
    if fte is None:
        section.notes.append({"key": "not_supplied", "params": {"source": "youth_justice"}})
    else:
        section.add(fte)
    section.add(_core_measures(inputs, selection))
    if not inputs.indicators.empty:
        section.add(_indicators(inputs.indicators))
    return section


def _in_year(frame: pd.DataFrame, year: str) -> pd.DataFrame:
    # Compared as they are: a categorical stays categorical, no per-row text is made.
    return frame[frame["financial_year"] == year]


def _percent(part, whole) -> float | None:
    return float(100 * part / whole) if whole else None


def _count(value: float) -> int | float:
    """Whole counts as int; apportioned sums kept to two decimals."""
    value = round(float(value), 2)
    return int(value) if value.is_integer() else value


# --- A&E (ISTV) ----------------------------------------------------------------------------

def _istv_breakdown(inputs: Inputs, column: str, order: tuple[str, ...], key: str) -> Table:
    """The assessed year's attendances by weapon or location type."""
    year = _in_year(inputs.istv, inputs.financial_year)
    values = year[column].astype(str).replace("", "unknown")
    counts = values.value_counts()
    labels = [*order, *sorted(set(counts.index) - set(order))]
    rows = [{column: v, "count": int(counts.get(v, 0)),
             "percent": _percent(counts.get(v, 0), len(year))} for v in labels]
    rows.append({column: ALL, "count": len(year), "percent": 100.0 if len(year) else None})
    columns = [Column(column, LABEL), Column("count", COUNT),
               Column("percent", PERCENT, ("count",))]
    return with_total(key, columns, rows, [{"key": "istv_all_assaults"}])


def _istv_trend(inputs: Inputs, selection: Selection) -> Table:
    rows = []
    for year in inputs.years:
        records = _in_year(inputs.istv, year)
        sharp = int((records["weapon"].astype(str) == SHARP).sum())
        rows.append({"financial_year": year, "count": len(records), "sharp": sharp,
                     "sharp_percent": _percent(sharp, len(records)),
                     "selected": len(_in_year(selection.istv, year))})
    columns = [Column("financial_year", LABEL), Column("count", COUNT), Column("sharp", COUNT),
               Column("sharp_percent", PERCENT, ("sharp", "count")), Column("selected", COUNT)]
    return Table("istv_trend", columns, rows, notes=[{"key": "istv_all_assaults"}])


# --- Admissions ----------------------------------------------------------------------------

def _admission_sums(admissions: pd.DataFrame) -> dict[str, Any]:
    """All assault, sharp-object and under-25 sharp-object admissions (sums of share)."""
    share = pd.to_numeric(admissions["share"], errors="coerce").fillna(1.0)
    sharp = admissions["sharp_object"].fillna(False).astype(bool)
    young = pd.Series(admissions["under_25"], dtype="boolean").fillna(False).astype(bool)
    return {"all_assault": _count(share.sum()), "sharp_object": _count(share[sharp].sum()),
            "sharp_object_under_25": _count(share[sharp & young].sum())}


def _admissions(inputs: Inputs, selection: Selection) -> Table:
    rows = []
    for year in inputs.years:
        selected = _in_year(selection.admissions, year)
        rows.append({"financial_year": year} | _admission_sums(_in_year(inputs.admissions, year))
                    | {"selected": _count(pd.to_numeric(selected["share"], errors="coerce")
                                          .fillna(1.0).sum())})
    columns = [Column("financial_year", LABEL), Column("sharp_object", COUNT),
               Column("sharp_object_under_25", COUNT), Column("all_assault", COUNT),
               Column("selected", COUNT)]
    notes = [{"key": "admissions_icd10_assault"}]
    if apportioned(inputs.admissions):
        notes.append({"key": "apportioned_admissions"})
    unknown = pd.Series(inputs.admissions["under_25"], dtype="boolean").isna()
    if unknown.any():
        notes.append({"key": "under_25_unknown", "params": {"count": int(unknown.sum())}})
    return Table("admissions", columns, rows, notes=notes)


# --- Youth justice -------------------------------------------------------------------------

def _fte_counts(inputs: Inputs, year: str) -> tuple[int | float | None, str]:
    """First-time entrants in a year and where the figure comes from: distinct children
    flagged in per-child records, else the aggregate measure, else (None, "")."""
    records = _in_year(inputs.youth_records, year)
    flags = pd.Series(records["first_time_entrant"], dtype="boolean")
    if flags.notna().any():
        children = records.loc[flags.fillna(False).astype(bool), "child_reference"]
        return int(children.astype(str).nunique()), "youth_records"
    rows = _in_year(inputs.youth_aggregates, year)
    rows = rows[rows["measure"].astype(str) == "first_time_entrants"]
    # One level only: a county row and its districts' rows would count children twice.
    level = rows["area_level"].astype(str)
    if (level == "local_authority").any():
        rows = rows[level == "local_authority"]
    if rows.empty:
        return None, ""
    return _count(pd.to_numeric(rows["value"], errors="coerce").sum()), "youth_aggregates"


def _first_time_entrants(inputs: Inputs) -> Table | None:
    """Per year, first-time entrants and their rate per 100,000 residents aged 10-17."""
    rows, notes, approximate = [], [], False
    for year in inputs.years:
        count, source = _fte_counts(inputs, year)
        wanted = population_year_of(year)
        population, used, exact = age_population(inputs.population, wanted, *FTE_AGES)
        rate, low, high = (stats.rate_ci(count, population, per=FTE_PER)
                           if count is not None else (None, None, None))
        rows.append({"financial_year": year, "count": count, "source": source or None,
                     "population": population, "rate": rate, "ci_low": low, "ci_high": high})
        notes += population_note(used, wanted, financial_year=year)
        approximate = approximate or (population is not None and not exact)
    if all(r["count"] is None for r in rows):
        return None
    notes.append({"key": "fte_population", "params": {"ages": "10-17", "per": FTE_PER}})
    if approximate:
        notes.append({"key": "fte_population_apportioned"})
    if all(r["population"] is None for r in rows):
        notes.append({"key": "fte_population_missing"})
    counted = ("count",)
    columns = [Column("financial_year", LABEL), Column("count", COUNT), Column("source", TEXT),
               Column("population", POPULATION), Column("rate", RATE, counted),
               Column("ci_low", CI_LOW, counted), Column("ci_high", CI_HIGH, counted)]
    return Table("first_time_entrants", columns, rows, notes=notes)


# --- VRU core success measures -------------------------------------------------------------

def _core_measures(inputs: Inputs, selection: Selection) -> Table:
    """One row per measure, one count column per year; None where the source has no data
    for the year (or at all: noted)."""
    police = inputs.police[~non_recent(inputs.police)]
    chosen = selection.police[~non_recent(selection.police)]
    homicide = police[(police["category"] == "homicide")
                      & ~police["domestic_abuse"].fillna(False).astype(bool)]
    admitted = _admission_years(inputs.admissions)
    police_years = _years(police)
    measures = [
        ("admissions_sharp_object", "hospital_admissions", admitted["sharp_object"]),
        ("admissions_sharp_object_under_25", "hospital_admissions",
         admitted["sharp_object_under_25"]),
        ("knife_serious_violence", "police_occurrences", _knife_years(chosen, young=False)),
        ("knife_serious_violence_under_25", "police_occurrences",
         _knife_years(chosen, young=True)),
        ("non_domestic_homicide", "police_occurrences", _years(homicide)),
        ("knife_homicide_under_25", "police_occurrences", _knife_years(homicide, young=True)),
    ]
    present = {"hospital_admissions": admitted["all_assault"], "police_occurrences": police_years}
    rows, notes = [], []
    for key, source, counts in measures:
        # No records of the source in a year: not supplied for it, not zero.
        rows.append({"measure": key, "source": source} | {
            y: _count(counts.get(y, 0)) if present[source].get(y, 0) else None
            for y in inputs.years})
        notes.append({"key": "core_measure_source", "params": {"measure": key,
                                                                "source": source}})
        if present[source].sum() == 0:
            notes.append({"key": "core_measure_source_missing",
                          "params": {"measure": key, "source": source}})
    if apportioned(inputs.admissions):
        notes.append({"key": "apportioned_admissions"})
    columns = ([Column("measure", LABEL), Column("source", TEXT)]
               + [Column(y, COUNT) for y in inputs.years])
    return Table("core_measures", columns, rows, notes=notes)


def apportioned(admissions: pd.DataFrame) -> bool:
    """Whether some admissions count by a share (postcode districts split between local
    authorities), so their sums are estimates."""
    return not admissions.empty and bool(admissions["apportioned"].fillna(False)
                                         .astype(bool).any())


def _years(frame: pd.DataFrame, mask: pd.Series | None = None) -> pd.Series:
    """Records per financial year (text index), of those where `mask` holds."""
    years = frame["financial_year"] if mask is None else frame.loc[mask, "financial_year"]
    counts = years.value_counts()
    return counts.set_axis(counts.index.astype(str))


def _knife_years(police: pd.DataFrame, *, young: bool) -> pd.Series:
    knife = police["knife"].fillna(False).astype(bool)
    if young:
        ages = pd.to_numeric(police["victim_age"], errors="coerce")
        knife &= (ages < YOUNG).fillna(False).astype(bool)
    return _years(police, knife)


def _admission_years(admissions: pd.DataFrame) -> dict[str, pd.Series]:
    """_admission_sums per financial year, each a series indexed by year."""
    if admissions.empty:
        empty = pd.Series(dtype=float)
        return dict.fromkeys(("all_assault", "sharp_object", "sharp_object_under_25"), empty)
    years = admissions["financial_year"].astype(str)
    sums = [pd.Series(_admission_sums(rows), name=year) for year, rows in
            admissions.groupby(years, observed=True)]
    table = pd.DataFrame(sums)
    return {column: table[column] for column in table.columns}


# --- Indicators from other organisations --------------------------------------------------

GROUP_BY = ("organisation_name", "measure", "unit", "source", "definition", "area_code",
            "area_name", "measure_cy", "definition_cy")


def _indicators(indicators: pd.DataFrame) -> Table:
    """Each measure's latest periods, per organisation and area; suppressed values stay
    suppressed (value None, "suppressed" in the suppressed column)."""
    frame = indicators.assign(**{c: indicators[c].astype("string").fillna("").astype(str)
                                 for c in GROUP_BY})
    frame = frame.assign(start=pd.to_datetime(frame["period_start"]),
                         end=pd.to_datetime(frame["period_end"]))
    frame = frame.sort_values([*GROUP_BY, "end", "start"])
    latest = frame.groupby(list(GROUP_BY), sort=False).tail(LATEST_PERIODS)
    rows = [_indicator_row(r) for _, r in latest.iterrows()]
    columns = ([Column("organisation_name", TEXT), Column("measure", TEXT),
                Column("unit", TEXT), Column("source", TEXT), Column("definition", TEXT),
                Column("area_code", LABEL), Column("area_name", TEXT),
                Column("period_start", LABEL), Column("period_end", LABEL),
                Column("count", COUNT), Column("value", MEASURE), Column("suppressed", TEXT),
                # The supplier's Welsh, shown in place of the English to Welsh readers.
                Column("measure_cy", TEXT), Column("definition_cy", TEXT)])
    return Table("indicators", columns, rows,
                 notes=[{"key": "indicators_latest_periods", "params": {"n": LATEST_PERIODS}}])


# Units whose values count people or events: disclosure control protects them as counts.
COUNT_UNITS = {"count", "number", "cases", "people", "incidents", "offences", "referrals"}


def _indicator_row(record: pd.Series) -> dict[str, Any]:
    suppressed = bool(record["suppressed"])
    value = None if suppressed or pd.isna(record["value"]) else float(record["value"])
    counted = str(record["unit"]).strip().lower() in COUNT_UNITS
    return {c: record[c] or None for c in GROUP_BY} | {
        "period_start": _day(record["start"]), "period_end": _day(record["end"]),
        "count": _count(value) if counted and value is not None else None,
        "value": None if counted else value,
        "suppressed": "suppressed" if suppressed else None}


def _day(day) -> str | None:
    return None if pd.isna(day) else pd.Timestamp(day).strftime("%Y-%m-%d")
