"""Synthetic denominators for the synthetic geography: mid-year population estimates and
Census 2021 ethnic group counts per LSOA, consistent with each other (one base population
per LSOA, drawn from the seed).

population(): ONS small-area mid-year estimates in long layout, one row per LSOA × year ×
five-year age band (0-4 ... 90+, as ONS publishes) × sex. Town-centre LSOAs are younger.

census_ethnicity(): Census 2021 TS021 "Ethnic group (20 categories)" as ONS's custom
download lays it out: the 19 ethnic groups plus ONS's "Does not apply" row (always 0).
Shares vary by area around the England and Wales figures, more diverse in town centres.
"""

from collections.abc import Sequence

import numpy as np
import pandas as pd

from . import common
from .areas import CENTRAL

POPULATION_COLUMNS = ("area_code", "year", "age_band", "sex", "population")
AGE_BANDS = tuple(f"{a}-{a + 4}" for a in range(0, 90, 5)) + ("90+",)
# Age structure (England-like), and the extra young adults of a town centre.
AGE_SHAPE = np.array([5.4, 5.9, 5.9, 5.6, 5.9, 6.5, 6.7, 6.6, 6.3, 6.1, 6.8, 6.9, 6.2,
                      5.4, 5.3, 4.0, 2.7, 1.6, 1.0])  # fmt: skip
CENTRE_SHAPE = np.array([3, 3, 3, 6, 14, 13, 10, 8, 6, 5, 5, 5, 4, 3, 3, 2, 1.5, 1, 0.5])
CENSUS_COLUMNS = ("Lower layer Super Output Areas Code", "Lower layer Super Output Areas",
                  "Ethnic group (20 categories) Code", "Ethnic group (20 categories)",
                  "Observation")  # fmt: skip
ETHNIC_GROUPS = {  # Census 2021 England and Wales shares, %
    "Asian, Asian British or Asian Welsh: Bangladeshi": 1.1,
    "Asian, Asian British or Asian Welsh: Chinese": 0.7,
    "Asian, Asian British or Asian Welsh: Indian": 3.1,
    "Asian, Asian British or Asian Welsh: Pakistani": 2.7,
    "Asian, Asian British or Asian Welsh: Other Asian": 1.6,
    "Black, Black British, Black Welsh, Caribbean or African: African": 2.5,
    "Black, Black British, Black Welsh, Caribbean or African: Caribbean": 1.0,
    "Black, Black British, Black Welsh, Caribbean or African: Other Black": 0.5,
    "Mixed or Multiple ethnic groups: White and Asian": 0.8,
    "Mixed or Multiple ethnic groups: White and Black African": 0.4,
    "Mixed or Multiple ethnic groups: White and Black Caribbean": 0.9,
    "Mixed or Multiple ethnic groups: Other Mixed or Multiple ethnic groups": 0.8,
    "White: English, Welsh, Scottish, Northern Irish or British": 74.4,
    "White: Irish": 0.9,
    "White: Gypsy or Irish Traveller": 0.1,
    "White: Roma": 0.2,
    "White: Other White": 6.2,
    "Other ethnic group: Arab": 0.6,
    "Other ethnic group: Any other ethnic group": 1.6,
}
WHITE_BRITISH = 12  # position in ETHNIC_GROUPS


def _base(geography_frame: pd.DataFrame, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """(residents per LSOA, whether it is in a town centre): shared by both generators."""
    rng = common.stream(seed, "population_base")
    residents = rng.normal(1650, 280, len(geography_frame)).clip(1000, 3000)
    centre = geography_frame["WD19NM"].str.endswith(CENTRAL).to_numpy()
    return residents, centre


def population(geography_frame: pd.DataFrame, years: Sequence[int], seed: int) -> pd.DataFrame:
    """Mid-year estimates for the given calendar years (e.g. range(2019, 2024))."""
    rng = common.stream(seed, "population")
    residents, centre = _base(geography_frame, seed)
    shape = np.where(centre[:, None], 0.5 * AGE_SHAPE + 0.5 * CENTRE_SHAPE, AGE_SHAPE)
    shape = shape * rng.lognormal(0, 0.12, shape.shape)
    shape /= shape.sum(axis=1, keepdims=True)
    female = rng.normal(0.51, 0.015, shape.shape).clip(0.4, 0.6)
    female[:, -3:] += 0.08  # more women among the oldest
    years = list(years)
    parts = []
    for i, year in enumerate(years):
        total = residents * 1.005**i * rng.normal(1, 0.01, len(residents))
        counts = total[:, None] * shape
        for sex, share in (("Male", 1 - female), ("Female", female)):
            people = np.round(counts * share).astype(int)
            parts.append(pd.DataFrame({
                "area_code": np.repeat(geography_frame["LSOA11CD"].to_numpy(), len(AGE_BANDS)),
                "year": str(year),
                "age_band": np.tile(np.asarray(AGE_BANDS, dtype=object), len(residents)),
                "sex": sex,
                "population": people.ravel().astype(str),
            }))  # fmt: skip
    out = pd.concat(parts, ignore_index=True)
    out = out.sort_values(["area_code", "year", "sex", "age_band"], kind="stable")
    return common.frame({c: out[c].to_numpy() for c in POPULATION_COLUMNS})


def census_ethnicity(geography_frame: pd.DataFrame, seed: int) -> pd.DataFrame:
    """Census 2021 residents by ethnic group per LSOA (ONS TS021 custom download layout)."""
    rng = common.stream(seed, "census_ethnicity")
    residents, centre = _base(geography_frame, seed)
    shares = np.asarray(list(ETHNIC_GROUPS.values())) / 100
    diversity = rng.lognormal(0, 0.5, len(residents)) * np.where(centre, 2.0, 1.0)
    minority = np.clip((1 - shares[WHITE_BRITISH]) * diversity, 0.02, 0.7)
    rows = np.tile(shares, (len(residents), 1))
    others = np.arange(len(shares)) != WHITE_BRITISH
    rows[:, others] *= (minority / (1 - shares[WHITE_BRITISH]))[:, None]
    rows[:, WHITE_BRITISH] = 1 - minority
    rows = rng.dirichlet(np.ones(len(shares)), len(residents)) * 0.05 + rows * 0.95
    counts = np.round(rows * residents[:, None]).astype(int)
    names = ["Does not apply", *ETHNIC_GROUPS]  # ONS lists "Does not apply" (-8) first
    codes = ["-8"] + [str(i) for i in range(1, len(ETHNIC_GROUPS) + 1)]
    counts = np.hstack([np.zeros((len(residents), 1), dtype=int), counts])
    n = len(names)
    return common.frame({
        CENSUS_COLUMNS[0]: np.repeat(geography_frame["LSOA11CD"].to_numpy(), n),
        CENSUS_COLUMNS[1]: np.repeat(geography_frame["LSOA11NM"].to_numpy(), n),
        CENSUS_COLUMNS[2]: np.tile(np.asarray(codes, dtype=object), len(residents)),
        CENSUS_COLUMNS[3]: np.tile(np.asarray(names, dtype=object), len(residents)),
        CENSUS_COLUMNS[4]: counts.ravel().astype(str),
    })  # fmt: skip
