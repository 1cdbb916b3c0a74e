"""Priority proposal: hand-computed scores, weights, missing components, the matrix."""

import json

import pandas as pd
import pytest

from assessments.computation import priority as p


def categories(**changes) -> pd.DataFrame:
    frame = pd.DataFrame({
        "category": ["abh", "rape", "homicide", "attempted_murder"],
        "count": [1000, 100, 10, 1],
        "previous": [900, 110, 14, 2],
        "harm": [10_000.0, 100_000.0, 1_000.0, 10.0],
        "under_25_share": [0.4, 0.1, None, 0.6],
        "verdict": ["significant_increase", "no_significant_change", "significant_decrease",
                    "too_few_to_test"],
    })
    return frame.assign(**changes)


def by_category(result) -> dict:
    return {e["category"]: e for e in result["ranking"]}


def test_log_band_scores_by_hand():
    # log1p: 6.909, 4.615, 2.398, 0.693; range 6.216 from 0.693.
    # abh (6.909-0.693)/6.216 = 1 -> 5; rape 0.631 -> 4; homicide 0.274 -> 2; lowest 1.
    assert p.log_band_scores(pd.Series([1000, 100, 10, 1])).tolist() == [5, 4, 2, 1]
    assert p.log_band_scores(pd.Series([7, 7])).tolist() == [3, 3]


def test_vulnerability_bands():
    assert [p.vulnerability_score(s) for s in (0.0, 0.149, 0.15, 0.3, 0.35, 0.49, 0.5, 1.0)] \
        == [1, 1, 2, 3, 4, 4, 5, 5]
    assert p.vulnerability_score(None) is None


def test_hand_computed_scores_and_ranking():
    result = p.propose(categories(), ratings={"abh": 5})
    entries = by_category(result)
    abh = entries["abh"]
    assert {n: c["score"] for n, c in abh["components"].items()} == {
        "harm": 4, "volume": 5, "trend": 5, "vulnerability": 4, "influence": 5}
    # 0.35*4 + 0.2*5 + 0.15*5 + 0.15*4 + 0.15*5
    assert abh["score"] == 4.5
    # 0.35*5 + 0.2*4 + 0.15*3 + 0.15*1 + 0.15*3
    assert entries["rape"]["score"] == 3.6
    # No under-25 share: (0.35*3 + 0.2*2 + 0.15*1 + 0.15*3) / 0.85 = 2.0500 / 0.85
    assert entries["homicide"]["score"] == pytest.approx(2.412, abs=1e-9)
    # Too few to test scores 3: 0.35*1 + 0.2*1 + 0.15*3 + 0.15*5 + 0.15*3
    assert entries["attempted_murder"]["score"] == 2.2
    assert [e["category"] for e in result["ranking"]] == [
        "abh", "rape", "homicide", "attempted_murder"]
    assert [e["rank"] for e in result["ranking"]] == [1, 2, 3, 4]
    json.dumps(result)


def test_reasons_name_top_components_and_assumptions():
    entries = by_category(p.propose(categories(), ratings={"abh": 5}))
    abh = entries["abh"]["reasons"]
    assert [r["params"]["component"] for r in abh if r["key"] == "top_component"] == [
        "harm", "volume"]  # 0.35*4 = 1.4, then 0.2*5 = 1.0
    assert abh[0]["params"] == {"component": "harm", "score": 4, "weight": 0.35,
                                "contribution": 1.4}
    homicide = entries["homicide"]["reasons"]
    assert {"key": "component_missing",
            "params": {"component": "vulnerability", "reason": "no_age_data",
                       "weight_redistributed": 0.15}} in homicide
    assert {"key": "influence_not_rated", "params": {"score": 3}} in homicide
    assert {"key": "trend_too_few_to_test", "params": {"score": 3}} in entries[
        "attempted_murder"]["reasons"]


def test_weights_change_the_ranking():
    harm_only = {"harm": 1, "volume": 0, "trend": 0, "vulnerability": 0, "influence": 0}
    result = p.propose(categories(), weights=harm_only, ratings={"abh": 5})
    assert [e["category"] for e in result["ranking"]] == [
        "rape", "abh", "homicide", "attempted_murder"]
    assert by_category(result)["rape"]["score"] == 5.0
    assert result["weights"] == {"harm": 1.0, "volume": 0.0, "trend": 0.0,
                                 "vulnerability": 0.0, "influence": 0.0}


def test_missing_harm_redistributes_its_weight():
    result = p.propose(categories(harm=None), ratings={"abh": 5})
    abh = by_category(result)["abh"]
    # (0.2*5 + 0.15*5 + 0.15*4 + 0.15*5) / 0.65 = 3.1 / 0.65
    assert abh["score"] == pytest.approx(round(3.1 / 0.65, 3))
    assert abh["components"]["harm"] == {"value": None, "score": None}
    assert {"key": "component_missing",
            "params": {"component": "harm", "reason": "no_harm_index",
                       "weight_redistributed": 0.35}} in abh["reasons"]
    # With no harm level nothing can be placed on the matrix.
    assert abh["harm_level"] is None and abh["quadrant"] is None
    assert set(result["unplaced"]) == {"abh", "rape", "homicide", "attempted_murder"}
    assert all(cell["categories"] == [] for cell in result["matrix"])


def test_matrix_placement():
    result = p.propose(categories(), ratings={"abh": 5})
    entries = by_category(result)
    # abh: harm 4, likelihood mean(volume 5, trend 5) = 5.
    assert (entries["abh"]["harm_level"], entries["abh"]["likelihood"]) == (4, 5)
    assert entries["abh"]["quadrant"] == "high_harm_high_likelihood"
    # rape: harm 5, likelihood mean(4, 3) = 3.5, rounded half up to 4.
    assert (entries["rape"]["harm_level"], entries["rape"]["likelihood"]) == (5, 4)
    # homicide: harm 3, likelihood mean(2, 1) = 1.5 -> 2.
    assert entries["homicide"]["quadrant"] == "high_harm_low_likelihood"
    # attempted murder: harm 1, likelihood mean(1, 3) = 2.
    assert entries["attempted_murder"]["quadrant"] == "low_harm_low_likelihood"
    cells = {(c["harm_level"], c["likelihood"]): c["categories"] for c in result["matrix"]}
    assert len(cells) == 25
    assert cells[(4, 5)] == ["abh"] and cells[(5, 4)] == ["rape"]
    assert cells[(3, 2)] == ["homicide"] and cells[(1, 2)] == ["attempted_murder"]
    assert result["matrix"][0] == {"harm_level": 5, "likelihood": 1, "categories": []}


def test_ties_broken_by_harm_then_count_then_key():
    frame = pd.DataFrame({
        "category": ["rape", "abh", "robbery", "homicide"],
        "count": [10, 10, 10, 12], "previous": [10, 10, 10, 12],
        "harm": [5.0, 5.0, 5.0, 5.0], "under_25_share": [0.3] * 4,
        "verdict": ["no_change"] * 4})
    only_influence = {"harm": 0, "volume": 0, "trend": 0, "vulnerability": 0, "influence": 1}
    result = p.propose(frame, weights=only_influence)
    # All score 3; equal harm; homicide has the larger count; then by key.
    assert [e["category"] for e in result["ranking"]] == ["homicide", "abh", "rape", "robbery"]
    frame.loc[frame["category"] == "robbery", "harm"] = 6.0
    result = p.propose(frame, weights=only_influence)
    assert result["ranking"][0]["category"] == "robbery"


def test_bad_inputs_are_refused():
    with pytest.raises(ValueError):
        p.propose(categories(), weights={"luck": 1})
    with pytest.raises(ValueError):
        p.propose(categories(), weights=dict.fromkeys(p.COMPONENTS, 0))
    with pytest.raises(ValueError):
        p.propose(categories(), ratings={"abh": 6})
