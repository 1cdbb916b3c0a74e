"""Statistics against hand-computed and published values (BCP report, Fingertips, tables)."""

import math

import numpy as np
import pytest

from assessments.computation import stats


def binomial_two_sided_half(k: int, n: int) -> float:
    """Exact two-sided p-value for k of n at p = 1/2, by hand: twice the smaller tail."""
    # In logs: C(n, i) / 2^n underflows nothing this way and stays fast for n in thousands.
    def log_term(i: int) -> float:
        return math.lgamma(n + 1) - math.lgamma(i + 1) - math.lgamma(n - i + 1) - n * math.log(2)

    tail = sum(math.exp(log_term(i)) for i in range(min(k, n - k) + 1))
    return min(1.0, 2 * tail)


@pytest.mark.parametrize(("old", "new", "rounded"), [
    (172, 131, -24), (131, 82, -37), (10_949, 9_726, -11), (82, 88, 7)])
def test_percent_change_reproduces_the_bcp_report(old, new, rounded):
    assert round(stats.percent_change(old, new)) == rounded


def test_percent_change_unrounded_and_without_a_base():
    assert stats.percent_change(172, 131) == pytest.approx(-23.8372, abs=1e-4)
    assert stats.percent_change(0, 5) is None
    assert stats.percent_change(None, 5) is None
    assert stats.percent_change(5, 5) == 0.0


def test_byar_for_ten_is_close_to_the_exact_interval():
    low, high = stats.byar_ci(10)
    # 10 * (1 - 1/90 - 1.959964/(3*sqrt(10)))^3 and 11 * (1 - 1/99 + 1.959964/(3*sqrt(11)))^3
    assert low == pytest.approx(4.7874, abs=1e-4)
    assert high == pytest.approx(18.3915, abs=1e-4)
    # The exact Poisson interval for 10 is 4.795 to 18.390.
    assert low == pytest.approx(4.795, abs=0.01)
    assert high == pytest.approx(18.390, abs=0.01)


def test_byar_for_zero_and_a_hundred():
    low, high = stats.byar_ci(0)
    assert low == 0.0
    assert high == pytest.approx((1 - 1 / 9 + 1.959964 / 3) ** 3, abs=1e-5)  # 3.668
    assert stats.byar_ci(100) == pytest.approx((81.362, 121.628), abs=1e-3)  # as Fingertips


def test_byar_level_and_small_counts():
    low95, high95 = stats.byar_ci(10)
    low998, high998 = stats.byar_ci(10, level=0.998)
    assert low998 < low95 and high998 > high95
    assert stats.byar_ci(0.2, level=0.998)[0] == 0.0  # the cube would be negative
    with pytest.raises(ValueError):
        stats.byar_ci(-1)


def test_rate_ci_scales_the_count_interval():
    rate, low, high = stats.rate_ci(10, 5_000)
    assert rate == pytest.approx(2.0)
    assert (low, high) == pytest.approx((4.7874 / 5, 18.3915 / 5), abs=1e-4)
    assert stats.rate_ci(10, 0) == (None, None, None)
    assert stats.rate_ci(10, None) == (None, None, None)
    assert stats.rate_ci(10, 1_000, per=100_000)[0] == pytest.approx(1_000)


def test_wilson_known_values():
    p, low, high = stats.wilson_ci(5, 10)
    assert p == 0.5
    assert (low, high) == pytest.approx((0.2366, 0.7634), abs=1e-4)
    p, low, high = stats.wilson_ci(0, 20)
    assert (p, low) == (0.0, 0.0)
    assert high == pytest.approx(0.1611, abs=1e-4)
    assert stats.wilson_ci(0, 0) == (None, None, None)


def test_exact_test_matches_a_hand_computed_binomial_p_value():
    result = stats.compare_counts(172, 131)
    assert result["method"] == "exact_conditional"
    assert result["p_value"] == pytest.approx(binomial_two_sided_half(131, 303), rel=1e-9)
    assert result["ratio"] == pytest.approx(131 / 172)
    assert result["low"] < 131 / 172 < result["high"] < 1


@pytest.mark.parametrize(("old", "new", "expected"), [
    (10_949, 9_726, "significant_decrease"),
    (172, 131, "significant_decrease"),
    (131, 82, "significant_decrease"),
    (82, 88, "no_significant_change"),
])
def test_bcp_changes_significance(old, new, expected):
    result = stats.compare_counts(old, new)
    assert result["p_value"] == pytest.approx(binomial_two_sided_half(new, old + new),
                                              rel=1e-6)
    assert stats.verdict(old, new, result["p_value"]) == expected


def test_exact_test_with_unequal_exposures():
    # Same rate over twice the exposure: no evidence of change, ratio 1.
    result = stats.compare_counts(50, 100, exposure_old=1.0, exposure_new=2.0)
    assert result["ratio"] == pytest.approx(1.0)
    assert result["p_value"] == pytest.approx(1.0)
    assert result["low"] < 1 < result["high"]


def test_exact_test_with_zeros():
    up = stats.compare_counts(0, 12)
    assert up["ratio"] is None and up["high"] is None and up["low"] > 1
    assert up["p_value"] == pytest.approx(2 / 2**12)
    down = stats.compare_counts(12, 0)
    assert down["ratio"] == 0.0 and down["low"] == 0.0 and down["high"] < 1
    nothing = stats.compare_counts(0, 0)
    assert nothing["p_value"] is None and nothing["ratio"] is None


def test_overdispersion_widens_the_interval_and_can_remove_significance():
    poisson = stats.compare_counts(172, 131)
    quasi = stats.compare_counts(172, 131, dispersion=2.0)
    assert quasi["method"] == "quasi_poisson"
    assert quasi["ratio"] == pytest.approx(131 / 172)
    se = math.sqrt(2.0 * (1 / 172 + 1 / 131))
    assert quasi["high"] == pytest.approx(131 / 172 * math.exp(1.959964 * se), rel=1e-5)
    z = abs(math.log(131 / 172)) / se
    assert quasi["p_value"] == pytest.approx(math.erfc(z / math.sqrt(2)), rel=1e-9)
    assert quasi["high"] - quasi["low"] > poisson["high"] - poisson["low"]
    assert stats.verdict(172, 131, quasi["p_value"]) == "no_significant_change"
    # A dispersion of 1 (the floor) is the exact test.
    assert stats.compare_counts(172, 131, dispersion=1.0) == poisson


def test_overdispersed_with_a_zero_keeps_the_exact_p_value():
    result = stats.compare_counts(0, 12, dispersion=3.0)
    assert result["ratio"] is None and result["low"] is None and result["high"] is None
    assert result["p_value"] == pytest.approx(2 / 2**12)


def test_verdict_keys():
    assert stats.verdict(100, 150, 0.001) == "significant_increase"
    assert stats.verdict(150, 100, 0.001) == "significant_decrease"
    assert stats.verdict(150, 140, 0.5) == "no_significant_change"
    assert stats.verdict(40, 40, 1.0) == "no_change"
    assert stats.verdict(3, 6, 0.5) == "too_few_to_test"  # 9 events
    assert stats.verdict(4, 6, 0.75) == "no_significant_change"  # 10 events: tested
    assert stats.verdict(100, 150, 0.05) == "no_significant_change"  # alpha is strict
    assert stats.verdict(100, 150, 0.02, alpha=0.01) == "no_significant_change"
    assert set(stats.VERDICTS) == {"significant_increase", "significant_decrease",
                                   "no_significant_change", "no_change", "too_few_to_test"}


def test_dispersion():
    assert stats.dispersion([7] * 12) == 1.0
    # mean 10, chi2 = 4 * 100 / 10 = 40, over 3 degrees of freedom
    assert stats.dispersion([0, 20, 0, 20]) == pytest.approx(40 / 3)
    assert stats.dispersion([9, 11, 10]) == 1.0  # under-dispersed: floored
    assert stats.dispersion([0, 50]) == 1.0  # too few values
    assert stats.dispersion([0, 0, 0]) == 1.0


def test_funnel_limits_by_hand_from_chi_squared_tables():
    limits = stats.funnel_limits(10.0, [1_000])
    row = limits.iloc[0]
    assert list(limits.columns) == ["population", "expected", "lower_95", "upper_95",
                                    "lower_998", "upper_998"]
    assert row["expected"] == pytest.approx(10.0)
    # E = 10: chi2(0.025; 20 df) = 9.591, chi2(0.975; 22 df) = 36.781,
    # chi2(0.001; 20 df) = 5.921, chi2(0.999; 22 df) = 48.268 (rates per 1,000 = counts here)
    assert row["lower_95"] == pytest.approx(9.591 / 2, abs=1e-3)
    assert row["upper_95"] == pytest.approx(36.781 / 2, abs=1e-3)
    assert row["lower_998"] == pytest.approx(5.921 / 2, abs=1e-3)
    assert row["upper_998"] == pytest.approx(48.268 / 2, abs=1e-3)


def test_funnel_limits_narrow_with_population_and_handle_zero():
    limits = stats.funnel_limits(10.0, [500, 5_000, 50_000, 0], per=1000)
    width = (limits["upper_95"] - limits["lower_95"]).tolist()
    assert width[0] > width[1] > width[2]
    assert (limits["lower_998"] <= limits["lower_95"]).iloc[:3].all()
    assert limits.iloc[3][["lower_95", "upper_95"]].isna().all()
    per_100k = stats.funnel_limits(1_000.0, [1_000], per=100_000)
    assert per_100k.iloc[0]["lower_95"] == pytest.approx(9.591 / 2 * 100, abs=0.1)


def test_funnel_95_limits_contain_about_95_percent_of_poisson_draws():
    population, rate = 4_000, 12.5  # expected 50
    row = stats.funnel_limits(rate, [population]).iloc[0]
    draws = np.random.default_rng(4).poisson(50, size=20_000) * 1000 / population
    inside = ((draws >= row["lower_95"]) & (draws <= row["upper_95"])).mean()
    assert 0.94 <= inside <= 0.97
    inside_998 = ((draws >= row["lower_998"]) & (draws <= row["upper_998"])).mean()
    assert inside_998 >= 0.995


def test_ratio_of_proportions_katz():
    ratio, low, high = stats.ratio_of_proportions(30, 100, 20, 200)
    assert ratio == pytest.approx(3.0)
    se = math.sqrt(1 / 30 - 1 / 100 + 1 / 20 - 1 / 200)
    assert low == pytest.approx(3.0 * math.exp(-1.959964 * se), rel=1e-5)
    assert high == pytest.approx(3.0 * math.exp(1.959964 * se), rel=1e-5)
    assert stats.ratio_of_proportions(0, 100, 20, 200) == (0.0, None, None)
    assert stats.ratio_of_proportions(5, 100, 0, 200) == (None, None, None)
    assert stats.ratio_of_proportions(5, 0, 5, 200) == (None, None, None)


def test_location_quotient():
    # 30 of an area's 100 offences are robbery against 200 of the partnership's 2,000.
    assert stats.location_quotient(30, 100, 200, 2_000) == pytest.approx(3.0)
    assert stats.location_quotient(0, 100, 200, 2_000) == 0.0
    assert stats.location_quotient(5, 0, 200, 2_000) is None
    assert stats.location_quotient(5, 10, 0, 2_000) is None


@pytest.mark.parametrize("exposure_new", [0.3, 0.45, 2.5])
def test_exact_p_value_and_interval_agree_when_exposures_differ(exposure_new):
    """p < 0.05 exactly when the 95% interval of the rate ratio excludes 1."""
    for old in range(0, 40, 3):
        for new in range(0, 40, 2):
            if old + new == 0:
                continue
            result = stats.compare_counts(old, new, exposure_new=exposure_new)
            low, high = result["low"] or 0.0, result["high"] or math.inf
            assert (result["p_value"] < 0.05) == (low > 1 or high < 1), (old, new)
