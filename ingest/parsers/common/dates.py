"""Dates and financial years: parsing, checking, bounds."""

import datetime as dt
import re

import numpy as np
import pandas as pd

from .results import Problems, require_value
from .text import per_distinct

# Tried in turn on the values not yet parsed; each is strict (no partial dates, hours 0-23,
# real calendar days) and parsed in C, so a column costs a few passes at most.
DATE_FORMATS_TRIED = (
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d",
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%d %H:%M:%S.%f",
    "%Y-%m-%dT%H:%M:%S.%f",
    "%Y-%m-%dT%H:%M:%SZ",
)
# An Excel date serial: days since 1899-12-30, read only from 1970 to 2099.
_SERIAL = r"\d{5}(?:\.\d+)?"
_SERIAL_RANGE = (25569, 73051)
_EXCEL_EPOCH = pd.Timestamp("1899-12-30")

DATE_FORMATS = "a date as YYYY-MM-DD or DD/MM/YYYY (a time after it is optional)"


def parse_datetimes(raw: pd.Series) -> pd.Series:
    """ISO, dd/mm/yyyy (each with an optional time) or an Excel serial -> datetime64[s].

    Blank and unparseable values (including impossible dates such as 31/02/2024) are NaT.
    """
    return per_distinct(raw.astype("string").str.strip(), _parse_distinct_datetimes).astype(
        "datetime64[s]"
    )


def _formats_by_likelihood(values: np.ndarray) -> list[str]:
    """The formats in order of how many of a small sample each reads (most first)."""
    sample = pd.Series(values[:50])
    hits = {
        form: int(pd.to_datetime(sample, format=form, errors="coerce").notna().sum())
        for form in DATE_FORMATS_TRIED
    }
    return sorted(DATE_FORMATS_TRIED, key=lambda form: -hits[form])


def _parse_distinct_datetimes(distinct: pd.Series) -> pd.Series:
    values = distinct.to_numpy(dtype=object, na_value=None)
    parsed = np.full(len(values), np.datetime64("NaT"), dtype="datetime64[s]")
    todo = np.flatnonzero(pd.notna(values))
    for form in _formats_by_likelihood(values[todo]):
        if not len(todo):
            break
        attempt = pd.to_datetime(pd.Series(values[todo]), format=form, errors="coerce")
        found = attempt.notna().to_numpy()
        parsed[todo[found]] = attempt[found].to_numpy(dtype="datetime64[s]")
        todo = todo[~found]
    if len(todo):
        rest = pd.Series(values[todo], dtype="string")
        serial = pd.to_numeric(rest.where(rest.str.fullmatch(_SERIAL)), errors="coerce")
        serial = serial.where((serial >= _SERIAL_RANGE[0]) & (serial < _SERIAL_RANGE[1]))
        days = (_EXCEL_EPOCH + pd.to_timedelta(serial.astype("float64"), unit="D")).dt.round("s")
        found = days.notna().to_numpy()
        parsed[todo[found]] = days[found].to_numpy(dtype="datetime64[s]")
    return pd.Series(parsed, index=distinct.index)


def check_dates(
    problems: Problems,
    raw: pd.Series,
    field_name: str,
    today: dt.date,
    *,
    required: bool = True,
) -> pd.Series:
    """Parse a date column, recording blank (if required), unparseable and future dates."""
    parsed = parse_datetimes(raw)
    if required:
        require_value(problems, raw, field_name, field_name)
    problems.add(
        raw.notna() & parsed.isna(),
        field_name,
        "unparseable_date",
        f"{field_name} is not {DATE_FORMATS}.",
        raw,
    )
    future = parsed.dt.normalize() > pd.Timestamp(today)
    problems.add(
        future, field_name, "future_date", f"{field_name} is in the future. Correct it.", raw
    )
    return parsed


def financial_year_of(dates: pd.Series) -> pd.Series:
    """2023-04-01 -> '2023/24'; 2024-03-31 -> '2023/24'."""
    start = (dates.dt.year - (dates.dt.month < 4).astype("Int64")).astype("Int64")
    label = start.astype("string") + "/" + ((start + 1) % 100).astype("string").str.zfill(2)
    return label.astype("string")


_FY = re.compile(r"^(?:fy\s*)?(\d{4})\s*(?:/|-|–|to)\s*(\d{4}|\d{2})$", re.IGNORECASE)


def parse_financial_years(raw: pd.Series) -> tuple[pd.Series, pd.Series]:
    """'2023/24', '2023-24', '2023/2024', 'FY 2023/24' -> ('2023/24', 2023); else <NA>."""
    parts = raw.astype("string").str.strip().str.extract(_FY)
    first = pd.to_numeric(parts[0], errors="coerce").astype("Int64")
    second = pd.to_numeric(parts[1], errors="coerce").astype("Int64")
    ok = (second == (first + 1) % 100) | (second == first + 1)
    start = first.where(ok.fillna(False))
    label = start.astype("string") + "/" + ((start + 1) % 100).astype("string").str.zfill(2)
    return label.astype("string"), start


def check_future_years(
    problems: Problems, start_year: pd.Series, raw: pd.Series, field_name: str, today: dt.date
) -> None:
    """A financial year that starts (1 April) after today is an error."""
    future = start_year > (today.year if today.month >= 4 else today.year - 1)
    problems.add(
        future, field_name, "future_year", f"{field_name} is in the future. Correct it.", raw
    )


def financial_year_bounds(start_year: pd.Series, quarter: pd.Series | None = None):
    """(first day, last day) of a financial year, or of quarter 1-4 of it (Q1 = Apr-Jun)."""
    q = pd.Series(pd.NA, index=start_year.index, dtype="Int64") if quarter is None else quarter
    # Months since 1970-01: April of the start year, plus three per quarter after the first.
    first = (start_year - 1970) * 12 + 3 + 3 * (q.fillna(1) - 1)
    first = first.to_numpy(dtype="float64", na_value=np.nan)
    after = first + np.where(q.notna(), 3, 12)
    day = np.timedelta64(1, "D")
    return (
        pd.Series(first.astype("datetime64[M]").astype("datetime64[s]"), index=q.index),
        pd.Series((after.astype("datetime64[M]") - day).astype("datetime64[s]"), index=q.index),
    )


def bounds(start: pd.Series, end: pd.Series | None = None) -> tuple[dt.date | None, ...]:
    """(earliest start, latest end) as dates, or None for an empty or all-blank column."""
    end = start if end is None else end
    first, last = start.dropna().min(), end.dropna().max()
    return (
        None if pd.isna(first) else pd.Timestamp(first).date(),
        None if pd.isna(last) else pd.Timestamp(last).date(),
    )
