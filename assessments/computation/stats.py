"""Statistics the assessment quotes: confidence intervals, changes, significance tests,
funnel-plot limits and representation ratios.

Methods follow OHID Fingertips' "Technical Guide: Confidence intervals" where it has one
(Byar's method for counts and rates, Wilson for proportions, exact Poisson funnel limits).
Every function returns plain Python floats (or None where a figure cannot be worked out) so
results go into tables as they are.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import pandas as pd
from scipy import stats as sps

# Verdict keys, translated by the Django layer.
SIGNIFICANT_INCREASE = "significant_increase"
SIGNIFICANT_DECREASE = "significant_decrease"
NO_SIGNIFICANT_CHANGE = "no_significant_change"
NO_CHANGE = "no_change"
TOO_FEW_TO_TEST = "too_few_to_test"
VERDICTS = (SIGNIFICANT_INCREASE, SIGNIFICANT_DECREASE, NO_SIGNIFICANT_CHANGE, NO_CHANGE,
            TOO_FEW_TO_TEST)

# Below this many events in the two periods together a test has too little power to say
# anything, and a verdict would only invite over-reading of small numbers.
MIN_EVENTS_TO_TEST = 10


def _z(level: float) -> float:
    """The two-sided standard normal quantile for a confidence level (1.96 for 0.95)."""
    if not 0 < level < 1:
        raise ValueError(f"confidence level must be between 0 and 1, not {level!r}")
    return float(sps.norm.ppf(0.5 + level / 2))


def byar_ci(count: float, level: float = 0.95) -> tuple[float, float]:
    """Confidence interval for a Poisson count by Byar's approximation, as Fingertips.

    Byar is used for every count, small ones included: it is what the issue asks and what
    Fingertips' rate indicators use. It is within about 0.01 of the exact Poisson limits
    at 10 events (4.787-18.392 against 4.795-18.390) and closer above that.
    """
    if count < 0:
        raise ValueError(f"a count cannot be negative: {count!r}")
    z = _z(level)
    lower = 0.0
    if count > 0:
        # The cube can go negative for fractions of an event at high levels: floor at 0.
        base = 1 - 1 / (9 * count) - z / (3 * math.sqrt(count))
        lower = count * max(base, 0.0) ** 3
    # O = 0 has no lower formula, but the upper one uses O + 1 and so still works.
    above = count + 1
    upper = above * (1 - 1 / (9 * above) + z / (3 * math.sqrt(above))) ** 3
    return float(lower), float(upper)


def rate_ci(count: float, population: float | None, per: float = 1000,
            level: float = 0.95) -> tuple[float | None, float | None, float | None]:
    """(rate, lower, upper) per `per` population, Byar's interval for the count scaled by the
    population. All None when there is no population to divide by."""
    if not population:
        return None, None, None
    low, high = byar_ci(count, level)
    scale = per / population
    return float(count * scale), low * scale, high * scale


def wilson_ci(successes: float, n: float,
              level: float = 0.95) -> tuple[float | None, float | None, float | None]:
    """(proportion, lower, upper) in 0..1 by the Wilson score interval; None when n is 0."""
    if not n:
        return None, None, None
    if not 0 <= successes <= n:
        raise ValueError(f"successes {successes!r} must be between 0 and n={n!r}")
    z = _z(level)
    p = successes / n
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denominator
    # Rounding can push the ends a hair outside 0..1 at p = 0 or 1.
    # Rounding noise (about 1e-16) must not turn a limit of exactly 0 or 1 into something else.
    low = 0.0 if successes == 0 else max(0.0, centre - half)
    high = 1.0 if successes == n else min(1.0, centre + half)
    return float(p), low, high


def percent_change(old: float | None, new: float | None) -> float | None:
    """Change from `old` to `new` in percent of `old`, unrounded; None when old is 0 (no base
    to compare with) or either value is missing. Rounding is the output's business."""
    if old is None or new is None or old == 0:
        return None
    return float(100 * (new - old) / old)


def dispersion(counts: Sequence[float]) -> float:
    """Pearson chi-squared over degrees of freedom of a series (e.g. a year's 12 monthly
    counts) about its mean: how much more the counts vary than Poisson counts would.

    1.0 (no extra variation) for fewer than 3 values or a zero mean, and never below 1.0:
    under-dispersion is not used to narrow an interval. Seasonality also inflates the
    figure, which errs in the conservative direction (wider intervals, fewer "significant"
    changes).
    """
    values = [float(c) for c in counts if c is not None]
    if len(values) < 3:
        return 1.0
    mean = sum(values) / len(values)
    if mean <= 0:
        return 1.0
    chi2 = sum((v - mean) ** 2 for v in values) / mean
    return max(1.0, chi2 / (len(values) - 1))


def compare_counts(old: float, new: float, exposure_old: float = 1.0,
                   exposure_new: float = 1.0, dispersion: float = 1.0,
                   level: float = 0.95) -> dict[str, float | str | None]:
    """Whether the rate behind `new` differs from the rate behind `old`.

    Returns {"ratio", "low", "high", "p_value", "method"}; ratio is new rate / old rate
    (exposures are person-years, days or populations). Poisson counts (dispersion <= 1) get
    the exact conditional test; overdispersed ones a quasi-Poisson Wald test on the log ratio.
    """
    if exposure_old <= 0 or exposure_new <= 0:
        raise ValueError("exposures must be positive")
    if old < 0 or new < 0:
        raise ValueError("counts cannot be negative")
    exact = _exact_conditional(old, new, exposure_old, exposure_new, level)
    if dispersion <= 1.0:
        return exact
    if old == 0 or new == 0:
        # The log ratio is infinite: no Wald interval. The exact test still gives a p-value
        # (it ignores the overdispersion, so read it with care).
        return exact | {"ratio": None, "low": None, "high": None}
    return _quasi_poisson(old, new, exposure_old, exposure_new, dispersion, level)


def _exact_conditional(old: float, new: float, exposure_old: float, exposure_new: float,
                       level: float) -> dict[str, float | str | None]:
    # Given n = old + new events, `new` is Binomial(n, p0) under equal rates. Apportioned
    # (fractional) counts are rounded: the test is defined on whole events.
    k, n = round(new), round(old) + round(new)
    result: dict[str, float | str | None] = {
        "ratio": None, "low": None, "high": None, "p_value": None,
        "method": "exact_conditional"}
    if n == 0:
        return result  # no events: nothing to test
    p0 = exposure_new / (exposure_old + exposure_new)
    test = sps.binomtest(k, n, p0)
    interval = test.proportion_ci(confidence_level=level, method="exact")
    # Twice the smaller tail: the p-value the Clopper-Pearson interval inverts, so "p < 0.05"
    # and "the 95% interval excludes 1" always agree (scipy's default two-sided p adds up
    # the outcomes no likelier than k, which differs from it when p0 is not 1/2).
    central = min(1.0, 2 * min(sps.binom.cdf(k, n, p0), sps.binom.sf(k - 1, n, p0)))
    scale = exposure_old / exposure_new

    def to_ratio(p: float) -> float | None:
        # p / (1 - p) is new / old events; p = 1 (no old events) is an infinite ratio.
        return None if p >= 1 else float(p / (1 - p) * scale)

    result.update(ratio=to_ratio(k / n), low=to_ratio(interval.low),
                  high=to_ratio(interval.high), p_value=float(central))
    return result


def _quasi_poisson(old: float, new: float, exposure_old: float, exposure_new: float,
                   dispersion: float, level: float) -> dict[str, float | str | None]:
    log_ratio = math.log(new / exposure_new) - math.log(old / exposure_old)
    se = math.sqrt(dispersion * (1 / old + 1 / new))
    z = _z(level)
    return {
        "ratio": math.exp(log_ratio),
        "low": math.exp(log_ratio - z * se),
        "high": math.exp(log_ratio + z * se),
        "p_value": float(2 * sps.norm.sf(abs(log_ratio) / se)),
        "method": "quasi_poisson",
    }


def verdict(old: float, new: float, p_value: float | None, alpha: float = 0.05) -> str:
    """The verdict key for a change from `old` to `new` (equal exposures: the direction is
    read from the counts)."""
    if old == new:
        return NO_CHANGE
    if old + new < MIN_EVENTS_TO_TEST or p_value is None:
        return TOO_FEW_TO_TEST
    if p_value >= alpha:
        return NO_SIGNIFICANT_CHANGE
    return SIGNIFICANT_INCREASE if new > old else SIGNIFICANT_DECREASE


def _level_suffix(level: float) -> str:
    # 0.95 -> "95", 0.998 -> "998": the column names Fingertips' funnel tool uses.
    return f"{level * 100:g}".replace(".", "")


def funnel_limits(mean_rate_per_unit: float, populations: Sequence[float], per: float = 1000,
                  levels: Sequence[float] = (0.95, 0.998)) -> pd.DataFrame:
    """Funnel-plot control limits (rates per `per`) around `mean_rate_per_unit` for each
    population, from exact Poisson limits of the expected count as Fingertips' funnel plot
    tool does. Columns: population, expected, lower_95, upper_95, lower_998, upper_998
    (one pair per level). Limits are NaN where the population is 0."""
    frame = pd.DataFrame({"population": [float(p) for p in populations]})
    frame["expected"] = mean_rate_per_unit * frame["population"] / per
    expected = frame["expected"]
    positive = frame["population"] > 0
    for level in levels:
        alpha = 1 - level
        # chi2 with 0 degrees of freedom is undefined: an expected count of 0 has lower 0.
        lower = sps.chi2.ppf(alpha / 2, 2 * expected.where(expected > 0)) / 2
        upper = sps.chi2.ppf(1 - alpha / 2, 2 * (expected + 1)) / 2
        suffix = _level_suffix(level)
        scale = per / frame["population"].where(positive)
        frame[f"lower_{suffix}"] = pd.Series(lower, index=frame.index).fillna(0.0) * scale
        frame[f"upper_{suffix}"] = pd.Series(upper, index=frame.index) * scale
    return frame


def ratio_of_proportions(a: float, n_a: float, b: float, n_b: float,
                         level: float = 0.95) -> tuple[float | None, float | None, float | None]:
    """(a/n_a) / (b/n_b) with a confidence interval by Katz's log method, e.g. a group's share
    of victims against its share of residents. Ratio None when a denominator or `b` is 0;
    interval None when `a` is 0 (the log method needs events on both sides)."""
    if not n_a or not n_b or not b:
        return None, None, None
    ratio = (a / n_a) / (b / n_b)
    if not a:
        return 0.0, None, None
    se = math.sqrt(max(0.0, 1 / a - 1 / n_a + 1 / b - 1 / n_b))
    z = _z(level)
    return float(ratio), float(ratio * math.exp(-z * se)), float(ratio * math.exp(z * se))


def location_quotient(area_count: float, area_total: float, whole_count: float,
                      whole_total: float) -> float | None:
    """An area's share of something (its count of a category over its total) against the
    whole partnership's share; 1.0 is the same mix. None when a share cannot be formed."""
    if not area_total or not whole_total or not whole_count:
        return None
    return float((area_count / area_total) / (whole_count / whole_total))
