"""When: month seasonality, day of week x hour, and the weekend share, for the assessed year.

Counts the same records as the yearly volumes (committed date, non-recent records left out),
so the months add up to the year's figures. Day and hour come only from records with a
committed time ("HH:MM"); how many had none is stated. The weekend runs from Friday 18:00 to
Monday 06:00 (60 of the week's 168 hours, the night-time economy's weekend) and its share is
given with a Wilson interval. data.police.uk rows have a month and nothing finer.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from . import stats
from .inputs import Inputs, Selection
from .tables import CI_HIGH, CI_LOW, COUNT, LABEL, MEASURE, PERCENT, Column, Section, Table
from .volumes import ALL, counted_records, months_of_year, ordered, with_total

# Weekend window: (day, hour) from Friday 18:00 up to Monday 06:00; Monday is day 0.
WEEKEND_HOURS = 60


def compute(inputs: Inputs, selection: Selection) -> Section:
    section = Section("time")
    frame, coarse = counted_records(section, selection)
    if frame is None:
        return section
    year = frame[frame["financial_year"] == inputs.financial_year]
    section.add(_by_month_of_year(year, months_of_year(inputs.financial_year,
                                                       inputs.data_until)))
    if coarse:
        section.notes.append({"key": "day_hour_not_available"})
        return section
    timed = _timed(year)
    untimed = {"key": "no_committed_time", "params": {"count": len(year) - len(timed),
                                                      "total": len(year)}}
    section.add(_day_hour(timed, untimed))
    section.add(_weekend(timed, year, untimed))
    return section


def hour_of(times: pd.Series) -> pd.Series:
    """The hour of "HH:MM" times (float, NaN where the time is blank or not a time)."""
    # Parsed once per distinct time: a year's records hold at most 1,440 of them.
    codes, uniques = pd.factorize(times)
    parts = pd.Series(uniques, dtype=object).astype(str).str.extract(r"^\s*(\d{1,2}):(\d{2})")
    hour, minute = pd.to_numeric(parts[0]), pd.to_numeric(parts[1])
    hours = hour.where((hour <= 23) & (minute <= 59)).astype(float).to_numpy()
    return pd.Series(np.append(hours, np.nan)[codes], index=times.index)


def _timed(year: pd.DataFrame) -> pd.DataFrame:
    """The records with a committed time, with its day of week (0 = Monday) and hour."""
    timed = year.assign(hour=hour_of(year["committed_time"]))
    timed = timed[timed["hour"].notna()]
    return timed.assign(day=timed["date"].dt.day_of_week, hour=timed["hour"].astype(int))


def is_weekend(day: pd.Series, hour: pd.Series) -> pd.Series:
    return ((day == 4) & (hour >= 18)) | day.isin([5, 6]) | ((day == 0) & (hour < 6))


def _by_month_of_year(year: pd.DataFrame, months: list[pd.Period]) -> Table:
    """Long format: category, month (1-12, April first; "all" for the category's year),
    count and seasonality index (count / the category's mean monthly count over the months
    with data). Categories are followed by "all", the sum over categories."""
    month = year["date"].dt.month
    rows: list[dict[str, Any]] = []
    for category in [*ordered(year["category"].unique()), ALL]:
        chosen = month if category == ALL else month[year["category"] == category]
        counts = chosen.value_counts()
        mean = len(chosen) / len(months) if months else 0
        for m in months:
            count = int(counts.get(m.month, 0))
            rows.append({"category": category, "month": m.month, "count": count,
                         "seasonality": count / mean if mean else None})
        rows.append({"category": category, "month": ALL, "count": len(chosen),
                     "seasonality": None})
    columns = [Column("category", LABEL), Column("month", LABEL), Column("count", COUNT),
               Column("seasonality", MEASURE, ("count",))]
    return Table("by_month_of_year", columns, rows, row_sums=_month_sums(len(rows),
                                                                         len(months)))


def _month_sums(n_rows: int, n_months: int) -> list[tuple[int, list[int]]]:
    """Both ways: each block of months adds up to its category's year row, and each
    category's row for a month (or the year) adds up to the "all" block's. The
    seasonality index publishes each category's mean, hence its total, so a lone suppressed
    month would otherwise be the year minus the others."""
    size = n_months + 1
    blocks = n_rows // size
    sums = [(b * size + n_months, [b * size + i for i in range(n_months)])
            for b in range(blocks) if n_months]
    last = (blocks - 1) * size
    if blocks > 1:
        sums += [(last + i, [b * size + i for b in range(blocks - 1)]) for i in range(size)]
    return sums


def _day_hour(timed: pd.DataFrame, untimed: dict[str, Any]) -> Table:
    """Long format: day (0 = Monday), hour (0-23), count; all 168 cells."""
    counts = timed.groupby(["day", "hour"]).size()
    rows = [{"day": d, "hour": h, "count": int(counts.get((d, h), 0))}
            for d in range(7) for h in range(24)]
    # The cells add up to the records with a time, which the weekend table publishes.
    rows.append({"day": ALL, "hour": ALL, "count": len(timed)})
    columns = [Column("day", LABEL), Column("hour", LABEL), Column("count", COUNT)]
    return Table("day_hour", columns, rows, row_sums=[(len(rows) - 1, list(range(168)))],
                 notes=[untimed])


def _weekend(timed: pd.DataFrame, year: pd.DataFrame, untimed: dict[str, Any]) -> Table:
    """Weekend share of the records with a time, per category. Each row also counts the
    category's records without a time and all its records (the year's count every page
    publishes): records = timed + untimed, so a small untimed count cannot be read off as
    the year's count minus the timed one."""
    weekend = is_weekend(timed["day"], timed["hour"])
    all_records = year["category"].value_counts()
    rows = [_weekend_row(c, weekend[timed["category"] == c], int(all_records.get(c, 0)))
            for c in ordered(year["category"].unique())]
    rows.append(_weekend_row(ALL, weekend, len(year)))
    both = ("weekend", "total")
    columns = [Column("category", LABEL), Column("weekend", COUNT), Column("total", COUNT),
               Column("percent", PERCENT, both), Column("low", CI_LOW, both),
               Column("high", CI_HIGH, both), Column("untimed", COUNT),
               Column("records", COUNT)]
    window = {"key": "weekend_window", "params": {"from": "fri_18", "to": "mon_06",
                                                  "hours": WEEKEND_HOURS}}
    table = with_total("weekend", columns, rows, [window, untimed])
    table.column_sums = {"records": ["total", "untimed"]}
    # "records" repeats each category's year in the month-of-year table: hidden there, here.
    table.mirror_of = [{"table": "by_month_of_year", "key": "category",
                        "source_match": {"month": ALL}, "columns": {"records": "count"}}]
    return table


def _weekend_row(category: str, weekend: pd.Series, records: int) -> dict[str, Any]:
    count, total = int(weekend.sum()), len(weekend)
    share, low, high = stats.wilson_ci(count, total)
    scaled = [None if v is None else 100 * v for v in (share, low, high)]
    return dict(zip(("category", "weekend", "total", "percent", "low", "high", "untimed",
                     "records"),
                    [category, count, total, *scaled, records - total, records], strict=True))
