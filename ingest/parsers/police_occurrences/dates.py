"""Dates and times in the layouts forces export: ISO yyyy-mm-dd, UK dd/mm/yyyy (or - or .),
dd-Mon-yyyy, each with an optional time, and Excel serial day numbers. Day first, always:
05/04/2023 is 5 April. Functions here take a column's DISTINCT texts."""

import pandas as pd

from .fields import EARLIEST_YEAR

_MONTHS = {
    m: i
    for i, m in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1
    )
}
_TIME_PART = r"(?:[T ](?P<hour>\d{1,2}):(?P<minute>\d{2})(?::\d{2}(?:\.\d+)?)?)?"
_DATE_PATTERNS = (
    rf"^(?P<year>\d{{4}})-(?P<month>\d{{1,2}})-(?P<day>\d{{1,2}}){_TIME_PART}(?:Z|[+-]\d\d:?\d\d)?$",
    rf"^(?P<day>\d{{1,2}})[/.-](?P<month>\d{{1,2}})[/.-](?P<year>\d{{4}}){_TIME_PART}$",
    rf"^(?P<day>\d{{1,2}})[- ](?P<month>[A-Za-z]{{3}})[A-Za-z]*[- ](?P<year>\d{{4}}){_TIME_PART}$",
)
# (strftime layout, the shape that shows it): parsed by pandas in C, see parse_datetimes.
_FAST_LAYOUTS = (
    ("%Y-%m-%d", r"\d{4}-\d\d-\d\d"),
    ("%Y-%m-%d %H:%M:%S", r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d"),
    ("%Y-%m-%d %H:%M", r"\d{4}-\d\d-\d\d \d\d:\d\d"),
    ("%Y-%m-%dT%H:%M:%S", r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d"),
    ("%d/%m/%Y", r"\d\d/\d\d/\d{4}"),
    ("%d/%m/%Y %H:%M", r"\d\d/\d\d/\d{4} \d\d:\d\d"),
    ("%d/%m/%Y %H:%M:%S", r"\d\d/\d\d/\d{4} \d\d:\d\d:\d\d"),
)
_PROBE = 20
_EXCEL_SERIAL = r"^(?P<days>\d{5})(?P<fraction>\.\d+)?$"
_EXCEL_EPOCH = pd.Timestamp("1899-12-30")  # Excel's 1900 date system, leap-year bug included
_TIME = (
    r"^(?:\d{4}-\d\d-\d\d[T ]|\d{1,2}/\d{1,2}/\d{4} )?(?P<hour>\d{1,2}):?(?P<minute>\d{2})"
    r"(?::\d{2}(?:\.\d+)?)?$"
)


def parse_datetimes(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Distinct texts -> (datetime64 or NaT, whether the text gave a time).

    The layouts most extracts use go through pandas' C parser, a layout at a time, once a
    probe of the values still unread shows it; whatever is left takes the general path."""
    parsed = pd.Series(pd.NaT, index=values.index, dtype="datetime64[us]")
    has_time = pd.Series(False, index=values.index)
    todo = values != ""
    for layout, shape in _FAST_LAYOUTS:
        rest = values[todo]
        if rest.empty:
            break
        if rest.head(_PROBE).str.fullmatch(shape).any():
            done = pd.to_datetime(rest, format=layout, errors="coerce").dropna()
            parsed[done.index], has_time[done.index] = done, "%H" in layout
            todo[done.index] = False
    rest = values[todo]
    if not rest.empty:
        general, general_time = _parse_general(rest)
        parsed[rest.index], has_time[rest.index] = general, general_time
    plausible = (parsed.dt.year >= EARLIEST_YEAR).fillna(False)
    return parsed.where(plausible), has_time & plausible


def _parse_general(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Every accepted layout, by regular expression: slower, for the unusual."""
    parts = pd.DataFrame(
        index=values.index, columns=["year", "month", "day", "hour", "minute"], dtype=float
    )
    for pattern in _DATE_PATTERNS:
        todo = parts["year"].isna()
        found = values[todo].str.extract(pattern).dropna(subset=["year"])
        if not found.empty:
            names = found["month"].str.lower().map(_MONTHS).astype(float)
            found = found[parts.columns].apply(pd.to_numeric, errors="coerce")
            parts.loc[found.index] = found.assign(month=found["month"].fillna(names))
    time = parts[["hour", "minute"]].fillna(0)
    parsed = pd.to_datetime(parts[["year", "month", "day"]].join(time), errors="coerce")
    parsed = parsed.where(time["hour"] < 24).astype("datetime64[us]")
    has_time = parts["hour"].notna() & parsed.notna()
    serial = values.str.extract(_EXCEL_SERIAL).dropna(subset=["days"])
    if not serial.empty:
        days = serial["days"].astype(float) + pd.to_numeric(serial["fraction"]).fillna(0)
        parsed[serial.index] = (_EXCEL_EPOCH + pd.to_timedelta(days, unit="D")).dt.round("min")
        has_time[serial.index] = serial["fraction"].notna()
    return parsed, has_time


def hhmm(stamps: pd.Series) -> pd.Series:
    return stamps.dt.strftime("%H:%M").astype("string")


def parse_times(values: pd.Series) -> pd.Series:
    """Distinct texts -> 'HH:MM' strings, NA where not a time (blank included)."""
    found = values.str.extract(_TIME).apply(pd.to_numeric)
    ok = (found["hour"] < 24) & (found["minute"] < 60)
    times = found["hour"].map("{:02.0f}".format) + ":" + found["minute"].map("{:02.0f}".format)
    times = times.where(ok).astype("string")
    fraction = pd.to_numeric(values.where(values.str.fullmatch(r"0?\.\d+|0")), errors="coerce")
    from_fraction = hhmm(pd.Timestamp(0) + pd.to_timedelta(fraction, unit="D").dt.round("min"))
    return times.fillna(from_fraction.where(fraction < 1))
