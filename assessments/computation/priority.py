"""Priority proposal: the partnership's categories ranked by a transparent score, in the
manner of MoRiLE (Management of Risk in Law Enforcement): each component scored 1-5, the
score their weighted mean, every rank with its reasons.

Components and their 1-5 scales:
  harm           the category's harm (count x weight under the chosen index) and
  volume         its count in the year: each placed in five equal bands of the log range
                 (log(1 + x)) between the partnership's lowest and highest category, so a
                 tenfold difference moves as far at the bottom as at the top. All equal: 3.
  trend          the year-on-year verdict: significant decrease 1, no (significant)
                 change 3, significant increase 5. Too few to test scores 3 (no evidence
                 of change) and says so: chance is not scored as a trend.
  vulnerability  the share of victims and suspects under 25: below 15% 1, 15-25% 2,
                 25-35% 3, 35-50% 4, 50% or more 5 (under 25s are about 30% of residents).
  influence      the analyst's rating (1-5) of the partnership's ability to influence it;
                 3 when not rated, with a reason.
score = sum(weight x component score) / sum(weights of the components present): a missing
component (no harm index, no ages, no previous year) is left out and its weight shared
among the others in proportion, with a reason.

The harm x likelihood matrix places each category by its harm score and its likelihood,
the mean of its volume and trend scores rounded half up. "High" is 3 or more (the middle
of the scale and above).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

COMPONENTS = ("harm", "volume", "trend", "vulnerability", "influence")
DEFAULT_WEIGHTS = {"harm": 0.35, "volume": 0.2, "trend": 0.15, "vulnerability": 0.15,
                   "influence": 0.15}
DEFAULT_RATING = 3
TREND_SCORES = {"significant_decrease": 1, "no_significant_change": 3, "no_change": 3,
                "too_few_to_test": 3, "significant_increase": 5}
VULNERABILITY_BANDS = (0.15, 0.25, 0.35, 0.5)  # lower bounds of scores 2, 3, 4, 5
HIGH = 3
TOP_REASONS = 2  # components named as a rank's main reasons
LEVELS = range(1, 6)
MISSING_REASON = {"harm": "no_harm_weight", "vulnerability": "no_age_data", "trend": "no_trend"}


def _plain(value: Any) -> Any:
    """A JSON-ready scalar: None for missing, Python numbers for numpy ones."""
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    return value.item() if hasattr(value, "item") else value


def log_band_scores(values: pd.Series) -> pd.Series:
    """1-5 by fifths of the log range of `values` (missing stays missing)."""
    logs = np.log1p(pd.to_numeric(values, errors="coerce").astype(float))
    low, high = logs.min(), logs.max()
    if not np.isfinite(low) or high == low:
        return pd.Series(np.where(logs.notna(), 3.0, np.nan), index=values.index)
    # The epsilon keeps a value exactly on a band's lower edge in that band.
    bands = np.floor(5 * (logs - low) / (high - low) + 1e-9) + 1
    return bands.clip(upper=5)


def vulnerability_score(share: Any) -> int | None:
    share = _plain(share)
    if share is None:
        return None
    return 1 + sum(share >= bound for bound in VULNERABILITY_BANDS)


def _weights(weights: dict[str, float] | None) -> dict[str, float]:
    """Defaults with the given weights over them (0 leaves a component out)."""
    merged = {**DEFAULT_WEIGHTS, **(weights or {})}
    unknown = set(merged) - set(COMPONENTS)
    if unknown:
        raise ValueError(f"unknown components {sorted(unknown)}")
    if any(w < 0 for w in merged.values()) or not sum(merged.values()) > 0:
        raise ValueError("weights must be 0 or more, and not all 0")
    return {name: float(merged[name]) for name in COMPONENTS}


def _rating(category: str, ratings: dict[str, int]) -> int | None:
    rating = ratings.get(category)
    if rating is not None and (isinstance(rating, bool) or rating not in LEVELS):
        raise ValueError(f"rating for {category} must be 1 to 5, not {rating!r}")
    return None if rating is None else int(rating)


def _level(value: Any) -> int | None:
    value = _plain(value)
    return None if value is None else int(value)


def _column(frame: pd.DataFrame, name: str) -> pd.Series:
    """A column, or all missing when the frame has none (e.g. no harm index)."""
    return frame[name] if name in frame else pd.Series(None, index=frame.index, dtype=object)


def _components(frame: pd.DataFrame, ratings: dict[str, int]) -> list[dict[str, dict]]:
    """Per category: component -> {"value": raw, "score": 1-5 or None}."""
    harm, verdict, share = (_column(frame, n) for n in ("harm", "verdict", "under_25_share"))
    scored = {"harm": (harm, log_band_scores(harm)),
              "volume": (frame["count"], log_band_scores(frame["count"])),
              "trend": (verdict, verdict.map(TREND_SCORES)),
              "vulnerability": (share, share.map(vulnerability_score))}
    rows = []
    for i, category in enumerate(frame["category"]):
        row = {name: {"value": _plain(raw.iloc[i]), "score": _level(score.iloc[i])}
               for name, (raw, score) in scored.items()}
        rating = _rating(category, ratings)
        row["influence"] = {"value": rating, "score": rating or DEFAULT_RATING}
        rows.append(row)
    return rows


def _score(components: dict[str, dict], weights: dict[str, float]) -> float | None:
    used = [n for n in COMPONENTS if components[n]["score"] is not None]
    total = sum(weights[n] for n in used)
    if total == 0:
        return None
    return sum(weights[n] * components[n]["score"] for n in used) / total


def _reasons(components: dict[str, dict], weights: dict[str, float], no_index: bool,
             ) -> list[dict[str, Any]]:
    """The top contributing components, then what was missing or assumed."""
    used = [n for n in COMPONENTS if components[n]["score"] is not None and weights[n] > 0]
    total = sum(weights[n] for n in used)
    share = {n: weights[n] / total for n in used}
    top = sorted(used, key=lambda n: (-share[n] * components[n]["score"], COMPONENTS.index(n)))
    reasons = [{"key": "top_component",
                "params": {"component": n, "score": components[n]["score"],
                           "weight": round(share[n], 3),
                           "contribution": round(share[n] * components[n]["score"], 3)}}
               for n in top[:TOP_REASONS]]
    for name in COMPONENTS:
        if components[name]["score"] is None and weights[name] > 0:
            why = "no_harm_index" if name == "harm" and no_index else MISSING_REASON[name]
            reasons.append({"key": "component_missing",
                            "params": {"component": name, "reason": why,
                                       "weight_redistributed": weights[name]}})
    if components["trend"]["value"] == "too_few_to_test":
        reasons.append({"key": "trend_too_few_to_test", "params": {"score": 3}})
    if components["influence"]["value"] is None:
        reasons.append({"key": "influence_not_rated", "params": {"score": DEFAULT_RATING}})
    return reasons


def _likelihood(components: dict[str, dict]) -> int | None:
    scores = [components[n]["score"] for n in ("volume", "trend")
              if components[n]["score"] is not None]
    return math.floor(sum(scores) / len(scores) + 0.5) if scores else None


def _quadrant(harm_level: int | None, likelihood: int | None) -> str | None:
    if harm_level is None or likelihood is None:
        return None
    harm = "high" if harm_level >= HIGH else "low"
    return f"{harm}_harm_{'high' if likelihood >= HIGH else 'low'}_likelihood"


def _entry(row: dict, components: dict, weights: dict, no_index: bool) -> dict[str, Any]:
    score = _score(components, weights)
    harm_level, likelihood = components["harm"]["score"], _likelihood(components)
    return {"category": row["category"], "count": _plain(row["count"]),
            "previous": _plain(row.get("previous")), "score": score,
            "components": components, "reasons": _reasons(components, weights, no_index),
            "harm_level": harm_level, "likelihood": likelihood,
            "quadrant": _quadrant(harm_level, likelihood)}


def _order(entry: dict) -> tuple:
    """Score (highest first), then harm, then count, then category key."""
    harm = entry["components"]["harm"]["value"]
    return (entry["score"] is None, -round(entry["score"] or 0.0, 9),
            harm is None, -(harm or 0.0), -(entry["count"] or 0), entry["category"])


def matrix(ranking: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """25 cells, highest harm first, each with its categories in rank order."""
    return [{"harm_level": h, "likelihood": lk,
             "categories": [e["category"] for e in ranking
                            if e["harm_level"] == h and e["likelihood"] == lk]}
            for h in reversed(LEVELS) for lk in LEVELS]


def propose(categories: pd.DataFrame, weights: dict[str, float] | None = None,
            ratings: dict[str, int] | None = None) -> dict[str, Any]:
    """Rank `categories` (columns category, count, previous, harm, under_25_share,
    verdict). Returns {"weights", "ranking", "matrix", "unplaced"}: categories without a
    harm score are ranked but not placed in the matrix."""
    weights = _weights(weights)
    frame = categories.reset_index(drop=True)
    no_index = _column(frame, "harm").isna().all()
    components = _components(frame, ratings or {})
    entries = sorted((_entry(row, c, weights, no_index)
                      for row, c in zip(frame.to_dict("records"), components, strict=True)),
                     key=_order)
    for rank, entry in enumerate(entries, start=1):
        entry["rank"] = rank
        entry["score"] = None if entry["score"] is None else round(entry["score"], 3)
    return {"weights": weights, "ranking": entries, "matrix": matrix(entries),
            "unplaced": [e["category"] for e in entries if e["quadrant"] is None]}
