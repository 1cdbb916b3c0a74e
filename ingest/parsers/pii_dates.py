"""Dates of birth recognised by value, whatever the column is called.

A column is a date column when at least 90% of a sample of its non-blank values are dates
(ISO yyyy-mm-dd or UK dd/mm/yyyy, with or without a time). The EVENT column is the date
column with the latest median date (date committed, arrival, admission...); with only one
date column, the caller's `reference_date` (e.g. the end of the extract period) stands in.

Another date column is a date of birth when, on the rows where both dates are present,
  - at least 90% of its dates are in 1900 or later and at least 5 years before the event
    (year of event minus year of date >= 5), and
  - the median gap is at least 10 years (birth dates sit mostly decades before events,
    whereas a "date recorded" or "date of first report" sits days or months away).
Non-recent offences (committed decades before they are recorded) are a minority of rows in
any real extract, so they do not reach the 90% share.
"""

import re

import numpy as np
import pandas as pd

SAMPLE_VALUES = 200
MIN_DATE_SHARE = 0.9
MIN_BIRTH_SHARE = 0.9
MIN_YEARS_BEFORE = 5
MIN_MEDIAN_YEARS = 10
EARLIEST_BIRTH_YEAR = 1900

# (pattern, order of the year/month/day groups)
_FORMATS = (
    (r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T][\d:.]+)?\s*$", ("year", "month", "day")),
    (r"^\s*(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})(?:[ T][\d:.]+)?\s*$", ("day", "month", "year")),
)


def _date_format(values: pd.Series) -> tuple[str, tuple[str, ...]] | None:
    # A few hundred values, every column of every chunk: plain Python beats pandas here.
    texts = map(str, values.head(SAMPLE_VALUES * 5).tolist())
    sample = [text for text in texts if text.strip()][:SAMPLE_VALUES]
    if not sample:
        return None
    for pattern, order in _FORMATS:
        matches = sum(1 for text in sample if re.match(pattern, text))
        if matches / len(sample) >= MIN_DATE_SHARE:
            return pattern, order
    return None


def parse_dates(values: pd.Series) -> pd.Series | None:
    """The column as datetimes (NaT where not a date), or None if it is not a date column."""
    found = _date_format(values)
    if found is None:
        return None
    pattern, order = found
    if isinstance(values.dtype, pd.CategoricalDtype):  # reading.coded: distinct values known
        codes, uniques = values.cat.codes.to_numpy(), values.cat.categories.to_numpy(object)
    else:
        codes, uniques = pd.factorize(values.astype(str).to_numpy(dtype=object))
    parts = pd.Series(uniques, dtype=object).astype(str).str.extract(pattern)
    parts.columns = list(order)
    parts = parts.apply(pd.to_numeric, errors="coerce")
    parsed = pd.to_datetime(parts[["year", "month", "day"]], errors="coerce").to_numpy()
    per_row = np.where(codes >= 0, parsed[np.maximum(codes, 0)], np.datetime64("NaT"))
    return pd.Series(per_row, index=values.index, dtype="datetime64[ns]")


def _birth_mask(born: pd.Series, event: pd.Series) -> np.ndarray | None:
    both = born.notna() & event.notna()
    if not both.any():
        return None
    years_before = event.dt.year - born.dt.year
    plausible = both & (born.dt.year >= EARLIEST_BIRTH_YEAR) & (years_before >= MIN_YEARS_BEFORE)
    median_gap = ((event - born)[both].dt.days / 365.25).median()
    if plausible.sum() / both.sum() >= MIN_BIRTH_SHARE and median_gap >= MIN_MEDIAN_YEARS:
        return plausible.to_numpy(dtype=bool)
    return None


def birth_date_columns(
    frame: pd.DataFrame, reference_date: pd.Timestamp | None = None
) -> dict[str, np.ndarray]:
    """Row masks of the columns whose values are plausible dates of birth."""
    dates = {
        str(c): d
        for c in frame.columns
        if (d := parse_dates(frame[c])) is not None and d.notna().any()
    }
    if len(dates) >= 2:
        event_column = max(dates, key=lambda c: dates[c].median())
        events = {c: dates[event_column] for c in dates if c != event_column}
    elif dates and reference_date is not None:
        constant = pd.Series(pd.Timestamp(reference_date), index=frame.index)
        events = {c: constant for c in dates}
    else:
        return {}
    found = {}
    for column, event in events.items():
        mask = _birth_mask(dates[column], event)
        if mask is not None:
            found[column] = mask
    return found
