"""Synthetic open reference data: two demo crime harm indices and Home Office police
recorded crime counts by Community Safety Partnership, in layouts the `harm_weights` and
`home_office_csp_counts` parsers take. Invented values, nothing taken from real files.

harm_index_by_code(): one weight per Home Office offence code of the taxonomy, on a
    days-of-imprisonment-like scale (homicide thousands, wounding hundreds, assault with
    injury tens, public order a day or two), with a little seeded noise.
harm_index_by_subgroup(): one weight per offence subgroup, shaped differently: it cannot
    tell GBH from ABH (one "Violence with injury" weight) and weighs robbery and weapons
    more and rape less than the code index, so the two rank categories differently (by
    the demo's offence mix: rape, then wounding with intent, then personal robbery by code;
    assault with injury, then personal robbery, then rape by subgroup).
home_office_csp_counts(): the Home Office CSP table (Financial Year, Financial Quarter,
    Force Name, CSP Name, Offence Description/Group/Subgroup, Offence Code, Offence Count),
    one row per CSP, financial year, quarter and offence code (fraud is not published by
    CSP). Counts are Poisson around an England-like rate per 1,000 residents per subgroup,
    scaled by the CSP's population and its own seeded crime level, with yearly trends and
    the 2020/21 lockdown dip in theft, burglary and robbery.

Both index files name their index in an "Index name" column and say where they come from
in a "Source" column (SOURCE), which the loader also records as the publisher of an index
it does not know.
"""

from collections.abc import Mapping

import numpy as np
import pandas as pd

from ingest.taxonomy import load_taxonomy

from . import common

CODE_INDEX = "Demo harm index by offence code (synthetic)"
SUBGROUP_INDEX = "Demo harm index by offence subgroup (synthetic)"
SOURCE = "SVD Platform demo data (synthetic)"
CODE_COLUMNS = ("Offence code", "Offence description", "Weight", "Index name", "Source")
SUBGROUP_COLUMNS = ("Offence subgroup", "Weight", "Index name", "Source")
HOME_OFFICE_COLUMNS = (
    "Financial Year", "Financial Quarter", "Force Name", "CSP Name", "Offence Description",
    "Offence Group", "Offence Subgroup", "Offence Code", "Offence Count",
)  # fmt: skip

# --- The harm indices ----------------------------------------------------------------------

# Code index: a weight per subgroup for its codes, then the codes that differ (days).
CODE_SUBGROUP_DAYS = {
    "Homicide": 5500, "Violence with injury": 150, "Violence without injury": 10,
    "Stalking and harassment": 8, "Rape offences": 1825, "Other sexual offences": 100,
    "Robbery of personal property": 365, "Robbery of business property": 400,
    "Domestic burglary": 40, "Non-domestic burglary": 15, "Bicycle theft": 2,
    "Shoplifting": 1, "Other theft offences": 2, "Theft from the person": 10,
    "Theft from a vehicle": 3, "Theft of a motor vehicle": 10, "Vehicle interference": 1,
    "Criminal damage": 3, "Arson": 30, "Trafficking of drugs": 365, "Possession of drugs": 2,
    "Possession of weapons offences": 90, "Public order offences": 2,
    "Miscellaneous crimes": 20, "Fraud: action fraud": 5, "Fraud: CIFAS": 5,
    "Fraud: Financial Fraud Action UK": 5, "Fraud: UK Finance": 5,
}  # fmt: skip
CODE_DAYS = {
    # violence with injury: attempted murder, wounding with intent, then ABH in the tens
    "2": 3650, "5D": 730, "5E": 365, "8N": 30, "8P": 40, "8S": 30, "4.3": 1500, "4.4": 1000,
    "4.6": 900, "4.7": 1800, "4.8": 400, "4.9": 300, "37.1": 700,
    # violence without injury
    "3A": 1000, "3B": 60, "11A": 120, "13": 365, "14": 180, "36": 730, "106": 900, "104": 5,
    "105A": 4, "105B": 6,
    # stalking and harassment
    "8L": 8, "8M": 12, "8Q": 60, "8R": 3,
    # sexual offences (children under 13 weigh more)
    "19E": 2555, "19H": 2555, "20A": 120, "17A": 120, "20B": 365, "17B": 365, "21": 1095,
    "22A": 365, "22B": 240, "88A": 180, "88C": 60, "88D": 20, "88E": 10, "70": 365,
    "71": 730, "72": 1095, "73": 180, "23": 730,
    # burglary, theft, damage
    "28F": 20, "28H": 20, "28B": 20, "28D": 20, "29": 1000, "29A": 1000, "30B": 8, "30D": 8,
    "31": 900, "31A": 900, "35": 180, "56A": 900, "56B": 30,
    # drugs, weapons, public order
    "92C": 5, "92D": 3, "92E": 1, "10A": 1825, "10B": 1000, "10C": 60, "10D": 90, "81": 180,
    "90": 40, "9A": 1.5, "9B": 3, "62A": 180, "66": 2,
    # miscellaneous crimes
    "15": 60, "24": 180, "26": 10, "27": 1, "33": 10, "54": 15, "59": 5, "60": 10, "61A": 60,
    "67": 365, "69": 10, "76": 365, "79": 180, "80": 30, "83": 5, "86": 90, "95": 10, "96": 5,
    "99": 10, "802": 60, "814": 10,
}  # fmt: skip
# Subgroup index: one weight for every code of a subgroup, another shape altogether.
SUBGROUP_DAYS = {
    "Homicide": 3650, "Violence with injury": 180, "Violence without injury": 20,
    "Stalking and harassment": 15, "Rape offences": 550, "Other sexual offences": 90,
    "Robbery of personal property": 480, "Robbery of business property": 300,
    "Domestic burglary": 60, "Non-domestic burglary": 20, "Bicycle theft": 3,
    "Shoplifting": 2, "Other theft offences": 4, "Theft from the person": 12,
    "Theft from a vehicle": 5, "Theft of a motor vehicle": 15, "Vehicle interference": 2,
    "Criminal damage": 5, "Arson": 60, "Trafficking of drugs": 300, "Possession of drugs": 3,
    "Possession of weapons offences": 200, "Public order offences": 6,
    "Miscellaneous crimes": 25, "Fraud: action fraud": 10, "Fraud: CIFAS": 10,
    "Fraud: Financial Fraud Action UK": 10, "Fraud: UK Finance": 10,
}  # fmt: skip
NOISE = 0.05  # lognormal sigma: about 5% either way


def _noisy(rng: np.random.Generator, days: np.ndarray) -> list[str]:
    weights = days * rng.lognormal(0, NOISE, len(days))
    return [f"{w:.2f}" for w in weights]


def harm_index_by_code(seed: int) -> pd.DataFrame:
    """The demo harm index by offence code: one row per taxonomy code."""
    rng = common.stream(seed, "harm_index_by_code")
    offences = load_taxonomy().offences
    days = np.asarray([CODE_DAYS.get(code, CODE_SUBGROUP_DAYS[subgroup]) for code, subgroup
                       in zip(offences["code"], offences["offence_subgroup"], strict=True)],
                      dtype=float)  # fmt: skip
    n = len(offences)
    return common.frame({
        CODE_COLUMNS[0]: offences["code"].to_numpy(),
        CODE_COLUMNS[1]: offences["description"].to_numpy(),
        CODE_COLUMNS[2]: _noisy(rng, days),
        CODE_COLUMNS[3]: [CODE_INDEX] * n,
        CODE_COLUMNS[4]: [SOURCE] * n,
    })  # fmt: skip


def harm_index_by_subgroup(seed: int) -> pd.DataFrame:
    """The demo harm index by offence subgroup: one row per taxonomy subgroup."""
    rng = common.stream(seed, "harm_index_by_subgroup")
    subgroups = list(dict.fromkeys(load_taxonomy().offences["offence_subgroup"]))
    days = np.asarray([SUBGROUP_DAYS[s] for s in subgroups], dtype=float)
    n = len(subgroups)
    return common.frame({
        SUBGROUP_COLUMNS[0]: subgroups,
        SUBGROUP_COLUMNS[1]: _noisy(rng, days),
        SUBGROUP_COLUMNS[2]: [SUBGROUP_INDEX] * n,
        SUBGROUP_COLUMNS[3]: [SOURCE] * n,
    })  # fmt: skip


# --- Home Office counts by CSP -------------------------------------------------------------

# CSPs to compare the demo partnerships with: Home Office force name and residents (about
# their mid-2020s size; the counts scale with it).
COMPARATOR_CSPS = {
    "Southampton": ("Hampshire", 250_000),
    "Portsmouth": ("Hampshire", 208_000),
    "Plymouth": ("Devon and Cornwall", 265_000),
    "Brighton and Hove": ("Sussex", 277_000),
    "Swindon": ("Wiltshire", 234_000),
    "Milton Keynes": ("Thames Valley", 287_000),
    "Reading": ("Thames Valley", 174_000),
    "Medway": ("Kent", 280_000),
}
# Offences per 1,000 residents a year, per subgroup (England-like), and a yearly trend.
SUBGROUP_RATES = {
    "Homicide": (0.012, 1.0), "Violence with injury": (9.0, 1.02),
    "Violence without injury": (12.0, 1.05), "Stalking and harassment": (9.0, 1.08),
    "Rape offences": (1.1, 1.04), "Other sexual offences": (1.9, 1.02),
    "Robbery of personal property": (1.2, 0.98), "Robbery of business property": (0.15, 1.0),
    "Domestic burglary": (3.5, 0.93), "Non-domestic burglary": (1.8, 0.95),
    "Bicycle theft": (1.5, 0.97), "Shoplifting": (6.0, 1.06), "Other theft offences": (8.0, 0.97),
    "Theft from the person": (1.6, 1.0), "Theft from a vehicle": (3.5, 0.96),
    "Theft of a motor vehicle": (1.6, 1.0), "Vehicle interference": (0.6, 0.98),
    "Criminal damage": (8.5, 0.98), "Arson": (0.45, 1.0), "Trafficking of drugs": (0.5, 1.03),
    "Possession of drugs": (2.4, 1.02), "Possession of weapons offences": (0.9, 1.05),
    "Public order offences": (7.5, 1.02), "Miscellaneous crimes": (1.6, 1.03),
}  # fmt: skip
# How a subgroup's offences share out over its codes (0.1 for a rare code not listed; the
# "(outcome only)" burglary codes, out of use since April 2017, get none).
CODE_SHARES = {
    "8N": 85, "5D": 8, "8S": 3, "8P": 1.5, "2": 0.3, "5E": 0.4, "48": 90, "37.2": 5,
    "105A": 75, "104": 7, "3B": 7, "11A": 4, "105B": 2.5, "36": 0.8, "106": 0.8, "13": 0.2,
    "8L": 40, "8R": 35, "8Q": 18, "8M": 1.5,
    "19C": 70, "19D": 12, "19E": 8, "19F": 6, "19G": 2, "19H": 2,
    "20A": 40, "88E": 12, "22B": 10, "20B": 9, "21": 7, "17A": 7, "88A": 5, "17B": 3,
    "22A": 3, "71": 1,
    "28E": 75, "28F": 18, "28G": 3, "28H": 1, "29A": 1,
    "30C": 80, "30D": 18, "31A": 0.2,
    "49": 70, "49A": 15, "35": 2, "47": 2, "40": 5,
    "58C": 35, "58D": 28, "58A": 22, "58B": 14, "58J": 1, "56B": 85, "56A": 15,
    "92E": 70, "92D": 25, "92C": 2,
    "10D": 55, "10C": 35, "10B": 6, "10A": 2, "81": 1, "90": 1,
    "9A": 78, "66": 12, "9B": 10, "62A": 0.3,
    "69": 12, "86": 15, "59": 8, "61A": 6, "79": 5, "54": 4, "802": 4, "99": 3, "33": 3,
    "61": 2, "83": 1,
}  # fmt: skip
RARE_SHARE = 0.1
QUARTER_SHARES = (0.255, 0.265, 0.245, 0.235)  # April-June is Q1; summer peaks
LOCKDOWN_FY, LOCKDOWN = 2020, {  # 2020/21: fewer thefts, burglaries and robberies
    "Domestic burglary": 0.75, "Non-domestic burglary": 0.7, "Shoplifting": 0.7,
    "Theft from the person": 0.5, "Other theft offences": 0.75, "Bicycle theft": 0.9,
    "Theft from a vehicle": 0.75, "Robbery of personal property": 0.7,
    "Robbery of business property": 0.75, "Possession of drugs": 1.2,
}  # fmt: skip


def _code_rates() -> pd.DataFrame:
    """Per taxonomy code (fraud left out): its labels and offences per 1,000 a year."""
    offences = load_taxonomy().offences
    offences = offences[offences["offence_group"] != "Fraud offences"].copy()
    outcome_only = offences["description"].str.contains("(outcome only)", regex=False)
    shares = offences["code"].map(CODE_SHARES).fillna(RARE_SHARE).where(~outcome_only, 0.0)
    shares = shares / shares.groupby(offences["offence_subgroup"]).transform("sum")
    rate = offences["offence_subgroup"].map(lambda s: SUBGROUP_RATES[s][0])
    offences["rate"] = rate * shares
    offences["trend"] = offences["offence_subgroup"].map(lambda s: SUBGROUP_RATES[s][1])
    return offences.reset_index(drop=True)


def home_office_csp_counts(
    areas: Mapping[str, tuple[str, int]], start_fy: int, years: int, seed: int
) -> pd.DataFrame:
    """Recorded crime by CSP, financial year, quarter and offence code.

    `areas`: CSP name (as the Home Office table writes it) -> (force name, residents),
    e.g. {"Bournemouth, Christchurch and Poole": ("Dorset", 400_000)}."""
    rng = common.stream(seed, "home_office_csp_counts")
    codes = _code_rates()
    subgroups = codes["offence_subgroup"].to_numpy()
    lockdown = codes["offence_subgroup"].map(LOCKDOWN).fillna(1.0).to_numpy()
    n = len(codes)
    parts = []
    for name, (force, residents) in areas.items():
        level = rng.lognormal(0, 0.15)  # the area's own crime level
        by_subgroup = {s: rng.lognormal(0, 0.12) for s in dict.fromkeys(subgroups)}
        local = level * np.asarray([by_subgroup[s] for s in subgroups])
        for y in range(years):
            fy = start_fy + y
            mean = (codes["rate"].to_numpy() * residents / 1000 * local
                    * codes["trend"].to_numpy() ** y * rng.lognormal(0, 0.04, n)
                    * (lockdown if fy == LOCKDOWN_FY else 1.0))  # fmt: skip
            for quarter, share in enumerate(QUARTER_SHARES, start=1):
                parts.append(pd.DataFrame({
                    "year": common.financial_year_label(fy), "quarter": str(quarter),
                    "force": force, "csp": name, "row": np.arange(n),
                    "count": rng.poisson(mean * share),
                }))  # fmt: skip
    out = pd.concat(parts, ignore_index=True)
    labels = codes.iloc[out["row"].to_numpy()]
    return common.frame({
        HOME_OFFICE_COLUMNS[0]: out["year"].to_numpy(),
        HOME_OFFICE_COLUMNS[1]: out["quarter"].to_numpy(),
        HOME_OFFICE_COLUMNS[2]: out["force"].to_numpy(),
        HOME_OFFICE_COLUMNS[3]: out["csp"].to_numpy(),
        HOME_OFFICE_COLUMNS[4]: labels["description"].to_numpy(),
        HOME_OFFICE_COLUMNS[5]: labels["offence_group"].to_numpy(),
        HOME_OFFICE_COLUMNS[6]: labels["offence_subgroup"].to_numpy(),
        HOME_OFFICE_COLUMNS[7]: labels["code"].to_numpy(),
        HOME_OFFICE_COLUMNS[8]: out["count"].astype(str).to_numpy(),
    })  # fmt: skip
