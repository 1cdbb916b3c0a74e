"""Rates: offences per 1,000 residents with Byar confidence intervals, a five-year trend, and
the partnership against its comparator group from Home Office CSP counts.

Counting follows volumes (volumes.counted_records: police occurrences without non-recent
ones, else data.police.uk rows), so a rate's count is the volumes table's count.

Denominators are ONS mid-year estimates: financial year 2023/24 takes mid-2023. When that
year is not loaded the latest earlier estimate is used (else the earliest later one) and a
"population_year" note names it. The partnership's population is the sum of its LSOAs'
estimates, or of its local authorities' where no LSOA estimates are loaded.

The population helpers here (`population_totals`, `partnership_population`,
`age_population`) are shared by places and health.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pandas as pd

from . import stats
from .inputs import Inputs, Selection
from .tables import (
    CI_HIGH,
    CI_LOW,
    COUNT,
    LABEL,
    P_VALUE,
    POPULATION,
    RATE,
    RATIO,
    VERDICT,
    Column,
    Section,
    Table,
)
from .volumes import ALL, counted_records, ordered, total_row_sums, with_total

PER = 1000
# Levels a partnership's population can be summed from, most detailed first.
PARTNERSHIP_LEVELS = ("lsoa", "local_authority")
# Home Office area names may be matched by population rows at these levels.
COMPARATOR_LEVELS = ("csp", "local_authority")


# --- Population helpers (shared with places and health) ----------------------------------

def population_year_of(financial_year: str) -> int:
    """The mid-year estimate for a financial year: 2023 for "2023/24"."""
    return int(financial_year[:4])


def pick_year(years: Iterable[int], wanted: int) -> int | None:
    """The latest year up to `wanted`, else the earliest after it, else None."""
    years = sorted(set(years))
    earlier = [y for y in years if y <= wanted]
    if earlier:
        return earlier[-1]
    return years[0] if years else None


def population_note(used: int | None, wanted: int, **params: Any) -> list[dict[str, Any]]:
    """The "population_year" note when another year's estimate stands in for `wanted`."""
    if used is None or used == wanted:
        return []
    return [{"key": "population_year", "params": {"year": used, **params}}]


def _at_level(population: pd.DataFrame, level: str) -> pd.DataFrame:
    rows = population[population["area_level"].astype(str) == level]
    return rows.assign(area_code=rows["area_code"].astype(str), sex=rows["sex"].astype(str),
                       age_band=rows["age_band"].astype(str),
                       year=pd.to_numeric(rows["year"]).astype(int),
                       population=pd.to_numeric(rows["population"]).astype(float))


def _one_sex(rows: pd.DataFrame) -> pd.DataFrame:
    # An area's "persons" rows where given; otherwise its male and female rows, which add up
    # to persons. Never both, which would count everyone twice.
    persons = rows["sex"] == "persons"
    has_persons = persons.groupby(rows["area_code"]).transform("any")
    return rows[persons | ~has_persons]


def _all_ages(rows: pd.DataFrame) -> pd.Series:
    """Residents of all ages per area from one year's rows: the "all" band where given,
    else the sum of the age bands."""
    rows = _one_sex(rows)
    whole = rows["age_band"] == "all"
    has_whole = whole.groupby([rows["area_code"], rows["sex"]]).transform("any")
    return rows[whole | ~has_whole].groupby("area_code")["population"].sum()


def population_totals(population: pd.DataFrame, level: str,
                      wanted: int) -> tuple[pd.Series, int | None]:
    """Residents per area code at `level` for the estimate year nearest `wanted` (see
    pick_year), and that year; an empty series and None when the level has no rows."""
    rows = _at_level(population, level)
    year = pick_year(rows["year"], wanted)
    if year is None:
        return pd.Series(dtype=float), None
    return _all_ages(rows[rows["year"] == year]), year


def partnership_population(population: pd.DataFrame,
                           wanted: int) -> tuple[float | None, int | None]:
    """The partnership's residents (its LSOAs', else its local authorities') and the
    estimate year used; (None, None) when no estimate is loaded."""
    for level in PARTNERSHIP_LEVELS:
        totals, year = population_totals(population, level, wanted)
        if len(totals):
            return float(totals.sum()), year
    return None, None


def age_population(population: pd.DataFrame, wanted: int, low: int,
                   high: int) -> tuple[float | None, int | None, bool]:
    """Residents aged `low` to `high` (partnership-wide), the estimate year, and whether the
    bands fit those ages exactly. Bands straddling an edge are apportioned evenly over their
    years of age (15-19 gives 3/5 of itself to 10-17)."""
    for level in PARTNERSHIP_LEVELS:
        rows = _at_level(population, level)
        rows = rows[(rows["age_band"] != "all") & rows["age_min"].notna()]
        year = pick_year(rows["year"], wanted)
        if year is None:
            continue
        rows = _one_sex(rows[rows["year"] == year])
        first = pd.to_numeric(rows["age_min"]).astype(float)
        # An open band ("85+") is taken to run to 100: it only matters if it reaches `high`.
        last = pd.to_numeric(rows["age_max"]).astype(float).fillna(100.0)
        overlap = (last.clip(upper=high) - first.clip(lower=low) + 1).clip(lower=0)
        share = overlap / (last - first + 1)
        exact = bool(share.isin([0.0, 1.0]).all())
        return round(float((rows["population"] * share).sum()), 1), year, exact
    return None, None, False


def rate_cells(count: float, population: float | None) -> dict[str, float | None]:
    """rate, ci_low, ci_high per 1,000 (None without a population)."""
    rate, low, high = stats.rate_ci(count, population, per=PER)
    return {"rate": rate, "ci_low": low, "ci_high": high}


def rate_columns(count: str = "count", prefix: str = "") -> list[Column]:
    """Rate and its Byar interval, each worked out from the `count` column."""
    return [Column(f"{prefix}rate", RATE, (count,)), Column(f"{prefix}ci_low", CI_LOW, (count,)),
            Column(f"{prefix}ci_high", CI_HIGH, (count,))]


# --- The section -------------------------------------------------------------------------

def compute(inputs: Inputs, selection: Selection) -> Section:
    section = Section("rates")
    frame, coarse = counted_records(section, selection)
    categories: list[str] = []
    if frame is not None:
        by_category = section.add(_by_category(frame, inputs))
        section.add(_trend(frame, inputs))
        total = by_category.rows[-1]
        section.figures["all.rate"] = {"value": total["rate"], "table": "by_category",
                                       "row": ALL, "column": "rate"}
        # Coarse data.police.uk categories name none of the Home Office tables' categories:
        # then every category is compared.
        categories = [] if coarse else sorted(frame["category"].unique())
    if inputs.home_office_area and not inputs.home_office.empty:
        for table in _comparators(inputs, categories):
            section.add(table)
    return section


def _by_category(frame: pd.DataFrame, inputs: Inputs) -> Table:
    year = inputs.financial_year
    wanted = population_year_of(year)
    population, used = partnership_population(inputs.population, wanted)
    counts = frame.loc[frame["financial_year"] == year, "category"].value_counts()
    # Every category of the five years, so a category with none this year shows 0.
    categories = ordered(frame["category"].unique())
    rows = [_rate_row("category", c, int(counts.get(c, 0)), population) for c in categories]
    rows.append(_rate_row("category", ALL, int(counts.sum()), population))
    columns = ([Column("category", LABEL), Column("count", COUNT),
                Column("population", POPULATION)] + rate_columns())
    notes = [{"key": "rate_per", "params": {"per": PER}}] + population_note(used, wanted)
    if population is None:
        notes.append({"key": "population_missing"})
    return with_total("by_category", columns, rows, notes)


def _rate_row(label: str, value: str, count: int, population: float | None) -> dict:
    return {label: value, "count": count, "population": population} | rate_cells(count,
                                                                                  population)


def _trend(frame: pd.DataFrame, inputs: Inputs) -> Table:
    counts = frame["financial_year"].value_counts()
    rows, notes = [], [{"key": "rate_per", "params": {"per": PER}}]
    for year in inputs.years:
        wanted = population_year_of(year)
        population, used = partnership_population(inputs.population, wanted)
        rows.append(_rate_row("financial_year", year, int(counts.get(year, 0)), population))
        notes += population_note(used, wanted, financial_year=year)
    columns = ([Column("financial_year", LABEL), Column("count", COUNT),
                Column("population", POPULATION)] + rate_columns())
    return Table("trend", columns, rows, notes=notes)


# --- Comparators ---------------------------------------------------------------------------

def _comparators(inputs: Inputs, categories: list[str]) -> list[Table]:
    """Home Office counts of the partnership and its comparators, with rates where their
    populations are known, and the partnership's rate against the group's."""
    own = inputs.home_office_area
    others = [a for a in dict.fromkeys(inputs.comparators) if a != own]
    ho = inputs.home_office.assign(area_name=inputs.home_office["area_name"].astype(str),
                                   financial_year=inputs.home_office["financial_year"].astype(str),
                                   category=inputs.home_office["category"].astype(str))
    ho = ho[ho["area_name"].isin([own, *others]) & (ho["category"] != "")]
    if not (ho["area_name"] == own).any():
        return []
    year = _comparator_year(ho[ho["area_name"] == own], inputs.financial_year)
    ho = ho[ho["financial_year"] == year]
    # The local definition's categories where the police data shows them; Home Office
    # counts cannot apply its age, place or flag rules (noted).
    wanted = categories or sorted(set(ho["category"]))
    ho = ho[ho["category"].isin(wanted)]
    counts = ho.groupby(["area_name", "category"])["count"].sum()
    wanted_year = population_year_of(year)
    populations, missing, used = _comparator_populations(inputs, own, others, wanted_year)
    notes = (_comparator_notes(year, inputs.financial_year, missing)
             + population_note(used, wanted_year))
    long = _comparator_rows(counts, [own, *others], ordered(wanted), populations)
    # Each area's block of categories ends in its "all" row, their sum.
    block = len(wanted) + 1
    sums = [(start + block - 1, list(range(start, start + block - 1)))
            for start in range(0, len(long), block)]
    tables = [Table("comparators", [Column("area", LABEL), Column("category", LABEL),
                                    Column("count", COUNT), Column("population", POPULATION)]
                    + rate_columns(), long, row_sums=sums, notes=notes)]
    if others and not missing:
        tables.append(_comparator_ratio(long, own, others, ordered(wanted), notes))
    return tables


def _comparator_year(own_rows: pd.DataFrame, financial_year: str) -> str:
    # The assessed year when the Home Office tables have it, else their latest year: the
    # published tables lag, and the demo data is 2017/18.
    years = sorted(set(own_rows["financial_year"]))
    return financial_year if financial_year in years else years[-1]


def _comparator_notes(year: str, financial_year: str, missing: list[str]) -> list[dict]:
    notes = [{"key": "comparator_year", "params": {"year": year}},
             {"key": "comparator_categories_only"}, {"key": "rate_per", "params": {"per": PER}}]
    if year != financial_year:
        notes.append({"key": "comparator_year_differs",
                      "params": {"year": year, "financial_year": financial_year}})
    if missing:
        notes.append({"key": "comparator_population_missing", "params": {"areas": missing}})
    return notes


def _comparator_populations(inputs: Inputs, own: str, others: list[str], wanted: int
                            ) -> tuple[dict[str, float | None], list[str], int | None]:
    """Population per area name, the comparators without one, and the estimate year used
    for the partnership. Its own comes from its LSOAs; a comparator's from rows whose
    area_code is its Home Office name (inputs.population carries no names, so the selector
    must key them so)."""
    own_population, used = partnership_population(inputs.population, wanted)
    populations = {own: own_population}
    named = {}
    for level in COMPARATOR_LEVELS:
        totals, _year = population_totals(inputs.population, level, wanted)
        named |= {_name_key(code): value for code, value in totals.items()}
    for area in others:
        populations[area] = named.get(_name_key(area))
    missing = [a for a in others if populations[a] is None]
    return populations, missing, used


def _name_key(name: str) -> str:
    return " ".join(str(name).lower().split())


def _comparator_rows(counts: pd.Series, areas: list[str], categories: list[str],
                     populations: dict[str, float | None]) -> list[dict[str, Any]]:
    rows = []
    for area in areas:
        population = populations.get(area)
        area_counts = [int(counts.get((area, c), 0)) for c in categories]
        for category, count in zip([*categories, ALL], [*area_counts, sum(area_counts)],
                                   strict=True):
            rows.append({"area": area, "category": category, "count": count,
                         "population": population} | rate_cells(count, population))
    return rows


def _comparator_ratio(long: list[dict], own: str, others: list[str], categories: list[str],
                      notes: list[dict]) -> Table:
    """The partnership's rate over the group's (the comparators' counts over their summed
    populations: a population-weighted mean rate, the partnership left out so the two sides
    are independent), with the exact conditional interval."""
    rows = []
    for category in [*categories, ALL]:
        mine = next(r for r in long if r["area"] == own and r["category"] == category)
        group = [r for r in long if r["area"] in others and r["category"] == category]
        group_count = sum(r["count"] for r in group)
        group_population = sum(r["population"] for r in group)
        rows.append(_ratio_row(category, mine, group_count, group_population))
    both = ("count", "group_count")
    columns = [Column("category", LABEL), Column("count", COUNT),
               Column("population", POPULATION), Column("rate", RATE, ("count",)),
               Column("group_count", COUNT), Column("group_population", POPULATION),
               Column("group_rate", RATE, ("group_count",)), Column("ratio", RATIO, both),
               Column("ci_low", CI_LOW, both), Column("ci_high", CI_HIGH, both),
               Column("p_value", P_VALUE, both), Column("verdict", VERDICT, both)]
    return Table("comparator_ratio", columns, rows, row_sums=total_row_sums(rows),
                 notes=[n for n in notes if n["key"] != "comparator_population_missing"])


def _ratio_row(category: str, mine: dict, group_count: int,
               group_population: float) -> dict[str, Any]:
    row = {"category": category, "count": mine["count"], "population": mine["population"],
           "rate": mine["rate"], "group_count": group_count,
           "group_population": group_population,
           "group_rate": rate_cells(group_count, group_population)["rate"],
           "ratio": None, "ci_low": None, "ci_high": None, "p_value": None, "verdict": None}
    if not mine["population"] or not group_population or not mine["count"] + group_count:
        return row
    test = stats.compare_counts(group_count, mine["count"], exposure_old=group_population,
                                exposure_new=mine["population"])
    return row | {"ratio": test["ratio"], "ci_low": test["low"], "ci_high": test["high"],
                  "p_value": test["p_value"], "verdict": _versus(test["low"], test["high"])}


def _versus(low: float | None, high: float | None) -> str:
    """"higher" / "lower" when the interval excludes 1, else "similar"."""
    if low is not None and low > 1:
        return "higher"
    if high is not None and high < 1:
        return "lower"
    return "similar"
