"""The whole assessment: apply the local definition, run every analysis, propose priorities,
write findings. Pure: frames in, a JSON-ready snapshot out.

The snapshot holds unsuppressed figures (it is the partnership's own record); every output
passes it through disclosure control for its audience (disclosure.py).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd

from . import (
    definitions,
    findings,
    flags,
    harm,
    health,
    people,
    places,
    priority,
    quality,
    rates,
    timing,
    volumes,
)
from .inputs import Inputs, Selection
from .tables import Section

# The snapshot's layout. 2: tables declare the rows their shares are of (`shares_of`) and
# comparator blocks their sums; 3: area, decile, monthly, day x hour and weekend tables add
# up to the published totals, and tables repeating another's rows say so (`mirror_of`).
# Disclosure control needs all of it to suppress everything that would reveal a small
# count, so a snapshot of an earlier layout is not shown suppressed.
SCHEMA = 3
SUPPRESSIBLE_SCHEMA = 3

# Section key -> (progress share, how to compute). Order is the order of the pages.
ANALYSES: tuple[tuple[str, Callable[..., Section]], ...] = (
    ("volumes", volumes.compute),
    ("rates", rates.compute),
    ("people", people.compute),
    ("places", places.compute),
    ("time", timing.compute),
    ("flags", flags.compute),
    ("health", health.compute),
    ("quality", quality.compute),
)

Progress = Callable[[str, int], None]


def compute(inputs: Inputs, rules: dict, *, harm_indices: list[str],
            ratings: dict[str, int] | None = None, weights: dict[str, float] | None = None,
            progress: Progress | None = None) -> dict[str, Any]:
    """The snapshot for `inputs` under `rules`; `harm_indices` lists the loaded indices with
    the chosen one first. `progress(stage, percent)` is told as each analysis finishes."""
    report = progress or (lambda stage, percent: None)
    report("definition", 5)
    selection = definitions.select(inputs, rules)
    sections: dict[str, Section] = {}
    steps = len(ANALYSES) + 1
    for i, (key, analysis) in enumerate(ANALYSES, start=1):
        report(key, 5 + 85 * i // steps)
        sections[key] = analysis(inputs, selection)
    report("harm", 90)
    sections["harm"] = harm.compute(inputs, selection, harm_indices)
    report("priorities", 95)
    frame = priority_inputs(inputs, selection, sections, harm_indices)
    proposal = priority.propose(frame, weights, ratings)
    snapshot = {
        "schema": SCHEMA,
        "financial_year": inputs.financial_year,
        "years": list(inputs.years),
        "rules": rules,
        "evaluability": evaluability_by_source(selection),
        "police_source": police_source(selection),
        "counts": record_counts(inputs, selection),
        "sections": {key: section.to_dict() for key, section in sections.items()},
        "priority_inputs": _records(frame),
        "priority": proposal,
    }
    snapshot["findings"] = findings.write(snapshot)
    report("done", 100)
    return snapshot


SOURCE_KEYS = {"police": "police_occurrences", "street": "police_uk_street", "istv": "istv",
               "admissions": "hospital_admissions"}


def evaluability_by_source(selection: Selection) -> dict[str, dict[str, str]]:
    """What of the definition could be applied, per source, under the sources' own keys."""
    return {SOURCE_KEYS.get(key, key): dict(rules)
            for key, rules in selection.evaluability.items()}


def police_source(selection: Selection) -> str:
    """Which police data the volumes are built on: occurrences when supplied, else
    data.police.uk (coarse), else none."""
    if not selection.police.empty:
        return "police_occurrences"
    if not selection.street.empty:
        return "police_uk_street"
    return ""


def record_counts(inputs: Inputs, selection: Selection) -> dict[str, dict[str, int]]:
    """Records read and selected per source, for the provenance panel."""
    pairs = {"police_occurrences": (inputs.police, selection.police),
             "police_uk_street": (inputs.street, selection.street),
             "istv": (inputs.istv, selection.istv),
             "hospital_admissions": (inputs.admissions, selection.admissions)}
    return {key: {"read": len(read), "selected": len(kept)}
            for key, (read, kept) in pairs.items()}


def selected_counts(selection: Selection) -> dict[str, dict]:
    """What the definition selects per source, counted as the analysis pages count it:
    admissions split between local authorities by postcode district count by their share,
    an estimate (the health page's figures), the other sources by record."""
    counts = {key: {"count": len(frame), "estimate": False}
              for key, frame in (("police_occurrences", selection.police),
                                 ("police_uk_street", selection.street),
                                 ("istv", selection.istv))}
    admissions = selection.admissions
    estimate = health.apportioned(admissions)
    share = pd.to_numeric(admissions["share"], errors="coerce").fillna(1.0).sum()
    counts["hospital_admissions"] = {
        "count": round(float(share)) if estimate else len(admissions),
        "estimate": estimate}
    return counts


def priority_inputs(inputs: Inputs, selection: Selection, sections: dict[str, Section],
                    harm_indices: list[str]) -> pd.DataFrame:
    """One row per category for the priority proposal: count, previous year's count, harm
    under the chosen index, under-25 victim share and the trend verdict."""
    table = sections["volumes"].tables.get("by_category")
    columns = ["category", "count", "previous", "harm", "under_25_share", "verdict"]
    if table is None:
        return pd.DataFrame(columns=columns)
    year, previous_year = inputs.years[-1], inputs.years[-2]
    rows = [r for r in table.rows if r.get("category") != "all"]
    frame = pd.DataFrame({
        "category": [r["category"] for r in rows],
        "count": [r.get(year) or 0 for r in rows],
        "previous": [r.get(previous_year) or 0 for r in rows],
        "verdict": [r.get("verdict") for r in rows],
    })
    frame["harm"] = frame["category"].map(_harm_by_category(sections, harm_indices))
    frame["under_25_share"] = frame["category"].map(_under_25_share(inputs, selection))
    return frame[columns]


def _harm_by_category(sections: dict[str, Section], harm_indices: list[str]) -> dict:
    table = sections["harm"].tables.get("harm")
    if table is None or not harm_indices:
        return {}
    return {r["category"]: r.get("harm") for r in table.rows
            if r.get("category") not in (None, "all")}


def _under_25_share(inputs: Inputs, selection: Selection) -> dict:
    police = selection.police
    if police.empty:
        return {}
    year = police[police["financial_year"].astype(str) == inputs.financial_year]
    known = year[year["victim_age"].notna()]
    if known.empty:
        return {}
    under = (known["victim_age"] < 25).astype(float)
    return under.groupby(known["category"].astype(str), observed=True).mean().to_dict()


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    clean = frame.astype(object).where(frame.notna(), None)
    return clean.to_dict("records")
