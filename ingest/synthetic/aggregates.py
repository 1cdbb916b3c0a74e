"""Synthetic partner aggregates: youth justice figures and any indicator by period × area.

Youth justice: the aggregate layout the `youth_justice` parser takes, one row per
financial year, local authority and measure, as a youth justice service reports to its
partnership: first-time entrants aged 10-17 (falling, as in BCP: 79, 54, 31), their rate
per 100,000 children, the proven reoffending rate, Outcome 22 diversions and knife
possession by children.

Indicators: the long layout the `indicator` source takes from any organisation: period,
area code and name, measure, value, unit and source on every row. Fire service deliberate
fires and MARAC cases by quarter and local authority, school exclusions by year, and a
resident survey's "feel safe after dark" by ward.
"""

import numpy as np
import pandas as pd

from . import common

YOUTH_JUSTICE_COLUMNS = ("Financial year", "Local authority code", "Local authority",
                         "Measure", "Value")  # fmt: skip
YOUTH_JUSTICE_MEASURES = (
    "First time entrants", "FTE rate per 100,000 aged 10-17", "Proven reoffending rate",
    "Outcome 22 diversions", "Knife possession offences",
)  # fmt: skip
INDICATOR_COLUMNS = ("Period", "Area Code", "Area Name", "Measure", "Value", "Unit", "Source",
                     "Measure (Welsh)")
# Each measure's name in Welsh, as a bilingual supplier gives it.
WELSH = {
    "Deliberate fires": "Tanau bwriadol",
    "MARAC cases discussed": "Achosion MARAC a drafodwyd",
    "Permanent exclusions": "Gwaharddiadau parhaol",
    "Suspensions per 100 pupils": "Ataliadau fesul 100 disgybl",
    "Residents who feel safe outside after dark": "Trigolion sy'n teimlo'n ddiogel y tu allan "
                                                  "ar ôl iddi dywyllu",
}
# measure -> (unit, source, level per 100,000 residents or a percentage, yearly trend)
QUARTERLY = {
    "Deliberate fires": ("count", "Synthetic Fire and Rescue Service", 55.0, 0.97),
    "MARAC cases discussed": ("count", "Synthetic MARAC coordinator", 30.0, 1.04),
}
YEARLY = {
    "Permanent exclusions": ("count", "Synthetic County Council education team", 3.0, 1.08),
    "Suspensions per 100 pupils": ("rate per 100 pupils", "Synthetic County Council "
                                   "education team", 7.5, 1.05),
}  # fmt: skip
SURVEY = ("Residents who feel safe outside after dark", "percent",
          "Synthetic residents' survey")  # fmt: skip


def youth_justice(
    local_authorities: dict[str, str], start_fy: int, years: int, seed: int
) -> pd.DataFrame:
    rng = common.stream(seed, "youth_justice")
    rows = []
    for code, name in local_authorities.items():
        children = int(rng.integers(15_000, 40_000))
        level = rng.uniform(180, 320)  # first-time entrants per 100,000 in the first year
        for y in range(years):
            fte = int(rng.poisson(level * 0.78**y * children / 100_000))
            values = (
                fte, round(100_000 * fte / children, 1), round(rng.uniform(25, 40), 1),
                int(rng.poisson(20 * 1.15**y * children / 25_000)),
                int(rng.poisson(12 * 1.1**y * children / 25_000)),
            )  # fmt: skip
            year = common.financial_year_label(start_fy + y)
            rows += [(year, code, name, measure, value)
                     for measure, value in zip(YOUTH_JUSTICE_MEASURES, values, strict=True)]
    return common.frame({c: [str(r[i]) for r in rows] for i, c in enumerate(YOUTH_JUSTICE_COLUMNS)})


def _quarters(start_fy: int, years: int) -> list[str]:
    return [f"{common.financial_year_label(start_fy + y)} Q{q}" for y in range(years)
            for q in range(1, 5)]  # fmt: skip


def indicator(
    local_authorities: dict[str, str],
    start_fy: int,
    years: int,
    seed: int,
    geography_frame: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Indicators by local authority; the survey by ward when geography_frame is given."""
    rng = common.stream(seed, "indicator")
    rows = []
    for code, name in local_authorities.items():
        residents = rng.uniform(150_000, 400_000)
        for measure, (unit, source, level, trend) in QUARTERLY.items():
            for i, period in enumerate(_quarters(start_fy, years)):
                mean = level * residents / 100_000 / 4 * trend ** (i / 4)
                rows.append((period, code, name, measure, int(rng.poisson(mean)), unit, source))
        for measure, (unit, source, level, trend) in YEARLY.items():
            for y in range(years):
                value = level * trend**y * (residents / 100_000 if unit == "count" else 1)
                value = rng.poisson(value) if unit == "count" else round(rng.normal(value, 0.4), 1)
                rows.append((common.financial_year_label(start_fy + y), code, name, measure,
                             value, unit, source))  # fmt: skip
    if geography_frame is not None:
        wards = geography_frame.drop_duplicates("WD19CD")
        for ward_code, ward_name in zip(wards["WD19CD"], wards["WD19NM"], strict=True):
            level = rng.uniform(55, 85)
            for y in range(years):
                value = round(float(np.clip(rng.normal(level - y, 3), 20, 98)), 1)
                rows.append((common.financial_year_label(start_fy + y), ward_code, ward_name,
                             SURVEY[0], value, SURVEY[1], SURVEY[2]))  # fmt: skip
    rows = [(*r, WELSH[r[3]]) for r in rows]
    return common.frame({c: [str(r[i]) for r in rows] for i, c in enumerate(INDICATOR_COLUMNS)})
