"""Shared pieces of the synthetic generators: seeded streams, calendars, label tables."""

import zlib
from collections.abc import Sequence

import numpy as np
import pandas as pd

# Month factors, January first: violence peaks in summer and again in December.
SEASON = {
    "night": [0.90, 0.87, 0.95, 0.98, 1.04, 1.08, 1.13, 1.09, 1.00, 0.98, 0.94, 1.08],
    "domestic": [1.03, 0.90, 0.95, 0.97, 1.02, 1.06, 1.09, 1.07, 0.98, 0.97, 0.93, 1.10],
    "robbery": [1.04, 0.92, 0.92, 0.90, 0.92, 0.94, 0.98, 0.97, 0.99, 1.06, 1.14, 1.22],
    "day": [0.97, 0.98, 1.02, 0.96, 1.01, 1.03, 0.98, 0.93, 1.03, 1.04, 1.02, 0.95],
}
# Day-of-week factors, Monday first.
WEEKDAY = {
    "night": [0.82, 0.78, 0.83, 0.93, 1.15, 1.52, 1.42],
    "domestic": [1.02, 0.95, 0.94, 0.94, 0.99, 1.08, 1.14],
    "robbery": [0.88, 0.84, 0.88, 0.94, 1.10, 1.34, 1.24],
    "day": [1.10, 1.10, 1.06, 1.05, 1.02, 0.83, 0.76],
}
# Hour-of-day weights (0..23), weekdays and weekends (Friday to Sunday) apart.
HOURS = {
    ("night", False): [5, 3, 2, 1.5, 1, 1, 1.5, 2.5, 3.5, 4, 4.5, 5, 5.5, 6, 6.5, 7, 7.5, 7.5,
                       7.5, 7.5, 7.5, 7.5, 7, 6],
    ("night", True): [12, 11, 9, 6, 3, 1.5, 1, 1.5, 2, 3, 3.5, 4, 5, 5.5, 6, 6.5, 7, 7.5, 8,
                      9, 10, 11, 12.5, 13],
    ("domestic", False): [3, 2, 1.5, 1, 1, 1, 1.5, 2.5, 3, 3.5, 4, 4, 4.5, 4.5, 4.5, 5, 5.5,
                          6.5, 7.5, 8, 8, 7.5, 6, 4.5],
    ("domestic", True): [5, 4, 3, 2, 1.5, 1, 1, 1.5, 2.5, 3, 4, 4.5, 5, 5, 5, 5.5, 6, 7, 7.5,
                         8, 8, 7.5, 7, 6],
    ("robbery", False): [3, 2, 1.5, 1, 0.5, 0.5, 0.5, 1, 1.5, 2, 2.5, 3, 3.5, 4, 5, 6.5, 7,
                         7, 7, 7, 7, 6.5, 5.5, 4],
    ("robbery", True): [6, 5.5, 4, 3, 1.5, 0.5, 0.5, 0.5, 1, 1.5, 2, 2.5, 3, 3.5, 4.5, 5.5,
                        6, 6.5, 7, 7, 7, 7, 7, 6.5],
    ("day", False): [1, 0.5, 0.5, 0.5, 0.5, 0.5, 1, 2, 4, 5.5, 6.5, 7, 7, 7, 7, 7, 7, 6.5,
                     6, 5, 4, 3, 2, 1.5],
    ("day", True): [2, 1.5, 1, 0.5, 0.5, 0.5, 0.5, 1, 2, 3.5, 5, 6, 6.5, 6.5, 6.5, 6.5, 6,
                    6, 5.5, 5, 4, 3, 2.5, 2],
}  # fmt: skip
TIME_PROFILES = tuple(SEASON)


def stream(seed: int, name: str) -> np.random.Generator:
    """An independent, reproducible random stream per generator: its output depends on
    the seed alone, not on which other generators ran before it."""
    return np.random.default_rng([seed, zlib.crc32(name.encode())])


def financial_year_days(start_fy: int, years: int) -> pd.DatetimeIndex:
    """Every day from 1 April of start_fy to 31 March after the last year."""
    return pd.date_range(f"{start_fy}-04-01", f"{start_fy + years}-03-31", freq="D")


def financial_year_label(start: int) -> str:
    return f"{start}/{(start + 1) % 100:02d}"


def day_weights(days: pd.DatetimeIndex, profile: str) -> np.ndarray:
    season = np.asarray(SEASON[profile])[days.month - 1]
    weekday = np.asarray(WEEKDAY[profile])[days.day_of_week]
    return season * weekday


def weighted(rng: np.random.Generator, weights: Sequence[float] | np.ndarray, n: int):
    """n indices drawn with probability proportional to weights."""
    p = np.asarray(weights, dtype=float)
    return rng.choice(len(p), size=n, p=p / p.sum())


def categorical(rng: np.random.Generator, cumulative: np.ndarray, rows: np.ndarray):
    """Row i falls in category k of its scenario rows[i]: one draw per row, vectorised.

    `cumulative` is (scenarios x categories) cumulative probabilities ending in 1."""
    u = rng.random(len(rows))
    return (u[:, None] > cumulative[rows]).sum(axis=1)


def cumulative(table: Sequence[Sequence[float]]) -> np.ndarray:
    probs = np.asarray(table, dtype=float)
    out = np.cumsum(probs / probs.sum(axis=1, keepdims=True), axis=1)
    out[:, -1] = 1.0
    return out


def labels(table: Sequence[str], codes: np.ndarray) -> np.ndarray:
    """Codes -> their labels, sharing one string object per label (cheap at 1M rows)."""
    return np.asarray(table, dtype=object)[codes]


def format_dates(days: np.ndarray, fmt: str) -> np.ndarray:
    """datetime64[D] array -> strings, formatting each distinct day once."""
    codes, uniques = pd.factorize(days)
    texts = pd.DatetimeIndex(uniques).strftime(fmt).to_numpy(dtype=object)
    return texts[codes]


def format_minutes(minutes: np.ndarray) -> np.ndarray:
    """Minutes after midnight -> 'HH:MM'."""
    table = np.asarray([f"{m // 60:02d}:{m % 60:02d}" for m in range(1440)], dtype=object)
    return table[minutes]


def frame(columns: dict[str, np.ndarray | list]) -> pd.DataFrame:
    """A frame of strings ('' for blank) indexed by data row number from 1, as reading.py
    returns a file, so a generated frame goes straight to the scan and the parsers."""
    out = pd.DataFrame({name: np.asarray(values, dtype=object) for name, values in columns.items()})
    out.index = pd.RangeIndex(1, len(out) + 1, name="row")
    return out
