"""Volumes: police recorded offences per category and financial year, the year-on-year change
and whether it is statistically significant.

Counting rules, as strategic needs assessments count:
- An offence counts in the financial year it was committed (data.police.uk gives only the
  month, which stands in for the committed date).
- Non-recent offences (recorded 365 days or more after they were committed) are left out of
  the yearly counts and shown apart ("recorded_vs_committed", "non_recent_by_category"). A
  wave of historic reporting would otherwise look like a rise in violence, and older years
  would be inflated against recent ones, which have had less time to collect late reports:
  this way every year counts the offences recorded within a year of being committed.
- The change compares the assessed year with the year before: an exact conditional test of
  two Poisson counts, or a quasi-Poisson test when the assessed year's twelve monthly counts
  are overdispersed (stats.compare_counts with stats.dispersion).
- Year to date compares the assessed year up to `inputs.data_until` with the same dates a
  year earlier (records of last year recorded after that date still count: the usual
  practice, which slightly favours last year).
- "recorded_vs_committed" counts non-recent records in the year they were recorded, against
  all records recorded that year; it sees only the records the selectors supplied (those
  committed in the five years).

The helpers `counted_records`, `as_text`, `financial_year_of`, `months_of_year`, `ordered`,
`change_test`, `with_total` and `total_row_sums` are shared by the other record-level
analyses (timing, flags, harm, quality).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from . import stats
from .inputs import Inputs, Selection
from .tables import (
    CHANGE,
    CI_HIGH,
    CI_LOW,
    COUNT,
    DIFFERENCE,
    LABEL,
    MEASURE,
    P_VALUE,
    PERCENT,
    RATIO,
    TEXT,
    VERDICT,
    Column,
    Section,
    Table,
)

ALL = "all"  # the total row's label
NON_RECENT_DAYS = 365  # as ingest.parsers.police_occurrences.NON_RECENT_DAYS

# Display order of categories: ingest.taxonomy.CATEGORIES, then its COARSE_CATEGORIES
# (repeated here because the computation imports nothing from the Django apps).
CATEGORY_ORDER = (
    "homicide", "attempted_murder", "wounding_gbh_with_intent", "gbh_wounding", "abh",
    "other_violence_with_injury", "violence_without_injury", "rape", "sexual_assault",
    "other_sexual_offences", "personal_robbery", "business_robbery", "weapon_possession",
    "public_order", "asb", "other", "violence_and_sexual_offences", "robbery",
)  # fmt: skip


# --- Shared helpers ----------------------------------------------------------------------

def counted_records(section: Section, selection: Selection) -> tuple[pd.DataFrame | None, bool]:
    """The records the yearly figures count, and whether they are coarse data.police.uk rows.

    Police occurrences when supplied (non-recent ones left out), else street rows; adds the
    "coarse_police_uk" or "no_police_data" note to `section`. The frame gains "date" (the
    committed date, or the month) and has "category" and "financial_year" as plain text."""
    if not selection.police.empty:
        police = selection.police[~non_recent(selection.police)]
        return _normalised(police, "committed_date"), False
    if not selection.street.empty:
        section.notes.append({"key": "coarse_police_uk"})
        return _normalised(selection.street, "month"), True
    section.notes.append({"key": "no_police_data"})
    return None, False


def _normalised(frame: pd.DataFrame, date_column: str) -> pd.DataFrame:
    # Selectors read codes as categoricals; plain text keeps groupby and labels simple.
    return frame.assign(category=as_text(frame["category"]),
                        financial_year=as_text(frame["financial_year"]),
                        date=pd.to_datetime(frame[date_column]))


def as_text(values: pd.Series) -> pd.Series:
    """Values as stripped text, missing ones (None, NaN, categoricals' NaN) as ""."""
    # Converted once per distinct value: a million records hold a few hundred codes.
    codes, uniques = pd.factorize(values)
    text = pd.Series(uniques, dtype=object).astype(str).str.strip().to_numpy(dtype=object)
    return pd.Series(np.append(text, "")[codes], index=values.index, dtype=object)


def non_recent(police: pd.DataFrame) -> pd.Series:
    """Records recorded NON_RECENT_DAYS or more after they were committed (the loaded flag
    where present, else from the two dates)."""
    if "non_recent" in police:
        return police["non_recent"].fillna(False).astype(bool)
    delay = pd.to_datetime(police["recorded_date"]) - pd.to_datetime(police["committed_date"])
    return (delay >= pd.Timedelta(days=NON_RECENT_DAYS)).fillna(False)


def financial_year_of(dates: pd.Series) -> pd.Series:
    """"2023/24" for dates from April 2023 to March 2024; "" for missing dates."""
    dates = pd.to_datetime(dates)
    start = dates.dt.year - (dates.dt.month < 4).astype(int)
    codes, uniques = pd.factorize(start)
    labels = [f"{int(y)}/{(int(y) + 1) % 100:02d}" for y in uniques]
    return pd.Series(np.array([*labels, ""], dtype=object)[codes], index=dates.index,
                     dtype=object)


def year_start(financial_year: str) -> pd.Timestamp:
    return pd.Timestamp(int(financial_year[:4]), 4, 1)


def months_of_year(financial_year: str, until: pd.Timestamp | None = None, *,
                   complete: bool = False) -> list[pd.Period]:
    """The year's months (April first) that have data by `until`: those begun by then, or
    with `complete`, those ended by then."""
    months = pd.period_range(year_start(financial_year), periods=12, freq="M")
    if until is None:
        return list(months)
    edge = months.end_time.normalize() if complete else months.start_time
    return [m for m, e in zip(months, edge, strict=True) if e <= pd.Timestamp(until)]


def ordered(categories) -> list[str]:
    """Categories in display order: the taxonomy's, then any others alphabetically."""
    rank = {c: i for i, c in enumerate(CATEGORY_ORDER)}
    return sorted(categories, key=lambda c: (rank.get(c, len(rank)), c))


def monthly_dispersion(frame: pd.DataFrame, months: list[pd.Period]) -> float:
    """stats.dispersion of the records' counts over `months` (zero months included)."""
    counts = frame["date"].dt.to_period("M").value_counts()
    return stats.dispersion([float(counts.get(m, 0)) for m in months])


def change_test(old: int, new: int, dispersion: float) -> dict[str, Any]:
    """Change, difference, rate ratio with CI, p-value and verdict of `new` against `old`."""
    test = stats.compare_counts(old, new, dispersion=dispersion)
    verdict = stats.verdict(old, new, test["p_value"])
    if verdict == stats.TOO_FEW_TO_TEST:
        # No test is reported: a p-value beside "too few to test" invites the reading the
        # verdict withholds.
        test = {key: None for key in test}
    return {"change": stats.percent_change(old, new), "difference": new - old,
            "ratio": test["ratio"], "low": test["low"], "high": test["high"],
            "p_value": test["p_value"], "verdict": verdict, "method": test["method"]}


def change_columns(old: str, new: str) -> list[Column]:
    """The columns `change_test` fills, each worked out from the two count columns."""
    both = (old, new)
    return [Column("change", CHANGE, both), Column("difference", DIFFERENCE, both),
            Column("ratio", RATIO, both), Column("low", CI_LOW, both),
            Column("high", CI_HIGH, both), Column("p_value", P_VALUE, both),
            Column("verdict", VERDICT, both), Column("method", TEXT, both)]


def with_total(key: str, columns: list[Column], rows: list[dict[str, Any]],
               notes: list[dict[str, Any]] | None = None) -> Table:
    """A table whose last row is the total of the others."""
    return Table(key, columns, rows, row_sums=total_row_sums(rows), notes=notes or [])


def total_row_sums(rows: list[dict[str, Any]]) -> list[tuple[int, list[int]]]:
    """The last row sums all the others (nothing to declare when it is the only row)."""
    return [(len(rows) - 1, list(range(len(rows) - 1)))] if len(rows) > 1 else []


# --- The section ---------------------------------------------------------------------------

def compute(inputs: Inputs, selection: Selection) -> Section:
    section = Section("volumes")
    frame, coarse = counted_records(section, selection)
    if frame is None:
        return section
    # Coarse (data.police.uk) categories are not the definition's: no zero rows for those.
    by_category = section.add(_by_category(frame, inputs,
                                           () if coarse else selection.categories))
    if not coarse:
        excluded = _non_recent_in_years(selection.police, inputs.years)
        by_category.notes.append({"key": "non_recent_excluded", "params": {"count": excluded}})
    ytd = _ytd(frame, inputs)
    if ytd is not None:
        section.add(ytd)
    section.add(_monthly(frame, inputs))
    if not coarse:
        section.add(_recorded_vs_committed(selection.police, inputs.years))
        section.add(_non_recent_by_category(selection.police, inputs.financial_year))
    section.figures = _figures(by_category, inputs.years)
    return section


def _by_category(frame: pd.DataFrame, inputs: Inputs,
                 selection_categories: tuple[str, ...] = ()) -> Table:
    years, year = inputs.years, inputs.financial_year
    counts = pd.crosstab(frame["category"], frame["financial_year"])
    counts = counts.reindex(columns=years, fill_value=0)
    # The definition's categories all have a row (a category with none recorded is a
    # finding, not a gap); others only where they have records.
    counts = counts.reindex(counts.index.union(selection_categories), fill_value=0)
    counts = counts.loc[ordered(counts.index[(counts.sum(axis=1) > 0)
                                             | counts.index.isin(selection_categories)])]
    this_year = frame[frame["financial_year"] == year]
    months = months_of_year(year, inputs.data_until, complete=True)
    rows = [_category_row(c, counts.loc[c], this_year[this_year["category"] == c], years,
                          months) for c in counts.index]
    rows.append(_category_row(ALL, counts.sum(), this_year, years, months))
    columns = ([Column("category", LABEL)] + [Column(y, COUNT) for y in years]
               + change_columns(years[-2], years[-1])
               + [Column("dispersion", MEASURE, (years[-1],))])
    notes = []
    if _part_year(inputs):
        notes.append({"key": "partial_year", "params": {"date": _day(inputs.data_until)}})
    return with_total("by_category", columns, rows, notes)


def _category_row(category: str, counts: pd.Series, this_year: pd.DataFrame,
                  years: list[str], months: list[pd.Period]) -> dict[str, Any]:
    dispersion = monthly_dispersion(this_year, months)
    old, new = int(counts[years[-2]]), int(counts[years[-1]])
    return ({"category": category} | {y: int(counts[y]) for y in years}
            | change_test(old, new, dispersion) | {"dispersion": dispersion})


def _non_recent_in_years(police: pd.DataFrame, years: list[str]) -> int:
    in_years = as_text(police["financial_year"]).isin(years)
    return int((non_recent(police) & in_years).sum())


def _part_year(inputs: Inputs) -> bool:
    """Whether data_until ends the data before the assessed year's last day."""
    until, start = inputs.data_until, year_start(inputs.financial_year)
    return until is not None and start <= pd.Timestamp(until) < start + pd.DateOffset(years=1,
                                                                                       days=-1)


def _day(day) -> str:
    return pd.Timestamp(day).strftime("%Y-%m-%d")


def _ytd(frame: pd.DataFrame, inputs: Inputs) -> Table | None:
    """The assessed year to data_until against the same dates a year earlier."""
    if not _part_year(inputs):
        return None
    until, start = pd.Timestamp(inputs.data_until), year_start(inputs.financial_year)
    year_ago = pd.DateOffset(years=1)
    this = frame[(frame["date"] >= start) & (frame["date"] <= until)]
    last = frame[(frame["date"] >= start - year_ago) & (frame["date"] <= until - year_ago)]
    months = months_of_year(inputs.financial_year, until, complete=True)
    categories = ordered(set(this["category"]) | set(last["category"]))
    rows = [_ytd_row(c, this[this["category"] == c], last[last["category"] == c], months)
            for c in categories]
    rows.append(_ytd_row(ALL, this, last, months))
    columns = ([Column("category", LABEL), Column("this_year", COUNT),
                Column("last_year", COUNT)] + change_columns("last_year", "this_year"))
    return with_total("ytd", columns, rows,
                      [{"key": "ytd_until", "params": {"date": _day(until)}}])


def _ytd_row(category: str, this: pd.DataFrame, last: pd.DataFrame,
             months: list[pd.Period]) -> dict[str, Any]:
    old, new = len(last), len(this)
    return ({"category": category, "this_year": new, "last_year": old}
            | change_test(old, new, monthly_dispersion(this, months)))


def _monthly(frame: pd.DataFrame, inputs: Inputs) -> Table:
    """Long format for charts: category, month ("YYYY-MM"), count; zero months included,
    months after data_until left out. Each category's months of a financial year are
    followed by the year's row (month "2023/24"), the count the other tables publish: so
    disclosure control knows the year minus the visible months would reveal hidden ones."""
    by_year = {y: months_of_year(y, inputs.data_until) for y in inputs.years}
    index = pd.PeriodIndex([m for months in by_year.values() for m in months], freq="M")
    counts = pd.crosstab(frame["category"], frame["date"].dt.to_period("M"))
    counts = counts.reindex(columns=index, fill_value=0)
    rows, sums = [], []
    for category in ordered(counts.index[counts.sum(axis=1) > 0]):
        for year, months in by_year.items():
            first = len(rows)
            rows += [{"category": category, "month": str(m), "count": int(counts.at[category, m])}
                     for m in months]
            rows.append({"category": category, "month": year,
                         "count": int(sum(counts.at[category, m] for m in months))})
            sums.append((len(rows) - 1, list(range(first, len(rows) - 1))))
    # Each year row repeats the category's count in the year table: hidden there, hidden here.
    mirrors = [{"table": "by_category", "key": "category", "match": {"month": year},
                "columns": {"count": year}} for year in by_year]
    return Table("monthly", [Column("category", LABEL), Column("month", LABEL),
                             Column("count", COUNT)], rows, row_sums=sums, mirror_of=mirrors)


def _recorded_vs_committed(police: pd.DataFrame, years: list[str]) -> Table:
    recorded_year = financial_year_of(police["recorded_date"])
    committed = as_text(police["financial_year"]).value_counts()
    recorded = recorded_year.value_counts()
    late = recorded_year[non_recent(police)].value_counts()
    rows = [{"financial_year": y, "committed": int(committed.get(y, 0)),
             "recorded": int(recorded.get(y, 0)), "non_recent": int(late.get(y, 0)),
             "non_recent_percent": _percent(late.get(y, 0), recorded.get(y, 0))}
            for y in years]
    columns = [Column("financial_year", LABEL), Column("committed", COUNT),
               Column("recorded", COUNT), Column("non_recent", COUNT),
               Column("non_recent_percent", PERCENT, ("non_recent", "recorded"))]
    return Table("recorded_vs_committed", columns, rows,
                 notes=[{"key": "non_recent_days", "params": {"days": NON_RECENT_DAYS}},
                        {"key": "yearly_is_committed_less_non_recent"}])


def _non_recent_by_category(police: pd.DataFrame, year: str) -> Table:
    """Records recorded in the assessed year: how many were non-recent, per category."""
    recorded = police[financial_year_of(police["recorded_date"]) == year]
    category = as_text(recorded["category"])
    totals = category.value_counts()
    late = category[non_recent(recorded)].value_counts()
    rows = [{"category": c, "non_recent": int(late.get(c, 0)), "recorded": int(totals[c]),
             "percent": _percent(late.get(c, 0), totals[c])} for c in ordered(totals.index)]
    rows.append({"category": ALL, "non_recent": int(late.sum()), "recorded": len(recorded),
                 "percent": _percent(late.sum(), len(recorded))})
    columns = [Column("category", LABEL), Column("non_recent", COUNT),
               Column("recorded", COUNT), Column("percent", PERCENT, ("non_recent", "recorded"))]
    return with_total("non_recent_by_category", columns, rows)


def _percent(part, whole) -> float | None:
    return float(100 * part / whole) if whole else None


def _figures(table: Table, years: list[str]) -> dict[str, dict[str, Any]]:
    """"<category>.count", ".change" and ".verdict" for findings, with the cell each is from."""
    year, previous = years[-1], years[-2]
    figures = {}
    for row in table.rows:
        key, ref = row["category"], {"table": table.key, "row": row["category"]}
        figures[f"{key}.count"] = {"value": row[year], **ref, "column": year, "year": year}
        for column in ("change", "verdict"):
            figures[f"{key}.{column}"] = {"value": row[column], **ref, "column": column,
                                          "from": previous, "to": year}
    return figures
