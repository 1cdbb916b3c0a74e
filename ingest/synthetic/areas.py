"""A synthetic LSOA 2011 -> ward -> local authority lookup and IMD 2019 ranks, in the ONS
layouts of ../shared/data/ons-lookups, with codes that cannot collide with real ones.

Real LSOA 2011 codes run E01000001-E01033768 (2021: to E01035722, Wales W01000001-
W01001958) and ward codes stay under E05015000, so synthetic LSOAs are E019xxxxx/W019xxxxx
and wards E059xxxxx/W059xxxxx. Names follow the ONS pattern ("Bournemouth 001A": the local
authority, a three-digit number per ward standing in for the MSOA, a letter per LSOA).

The first ward of each local authority is its town centre, named "<LA> Central": the
occurrence generator concentrates night-time violence and robbery there, as real town
centres do.

Each LSOA has an area in hectares (AREAEHECT, as in the ONS Standard Area Measurements),
for densities. An LSOA houses about 1,500 people, so its area follows how densely its ward
is built: a few tenths of a square kilometre in a town centre, about one in the suburbs,
tens in the rural wards some authorities have.
"""

import numpy as np
import pandas as pd

from .common import stream

COLUMNS = ("LSOA11CD", "LSOA11NM", "WD19CD", "WD19NM", "LAD19CD", "LAD19NM", "AREAEHECT")
DEPRIVATION_COLUMNS = ("LSOA11CD", "LSOA11NM", "LAD19CD", "LAD19NM", "IMD19")
ENGLAND_LSOAS = 32_844  # IMD 2019 ranks run 1 (most deprived) to 32,844
CENTRAL = "Central"
WARD_SUFFIXES = (
    "North", "South", "East", "West", "Park", "Hill", "Common", "Heath", "Harbour", "Vale",
    "Green", "Cliff", "Meadow", "Bridge", "Castle", "Priory", "Moor", "Down", "Quay",
    "Forest", "Marsh", "Abbey", "Wood", "Fields",
)  # fmt: skip


def _ward_sizes(rng: np.random.Generator, lsoas: int) -> list[int]:
    """Split an authority's LSOAs into wards of 3 to 8 (the last may be smaller)."""
    sizes = []
    while sum(sizes) < lsoas:
        sizes.append(int(min(rng.integers(3, 9), lsoas - sum(sizes))))
    return sizes


def _ward_name(la_name: str, number: int) -> str:
    if number == 0:
        return f"{la_name} {CENTRAL}"
    suffix = WARD_SUFFIXES[(number - 1) % len(WARD_SUFFIXES)]
    lap = (number - 1) // len(WARD_SUFFIXES)
    return f"{la_name} {suffix}" + (f" {lap + 1}" if lap else "")


def geography(local_authorities: dict[str, str], lsoas_per_la: int, seed: int) -> pd.DataFrame:
    """LSOA -> ward -> local authority lookup (ONS LSOA11_WD19_LAD19 layout).

    `local_authorities`: code -> name, e.g. {"E06000058": "Bournemouth, Christchurch and
    Poole"}; real codes are fine (they only label the synthetic areas)."""
    rng = stream(seed, "geography")
    rows, lsoa_number, ward_number = [], 0, 0
    for la_code, la_name in local_authorities.items():
        country = "W" if la_code.startswith("W") else "E"
        for ward_index, size in enumerate(_ward_sizes(rng, lsoas_per_la)):
            ward_number += 1
            ward = (f"{country}05{900000 + ward_number:06d}", _ward_name(la_name, ward_index))
            for letter in range(size):
                lsoa_number += 1
                name = f"{la_name} {ward_index + 1:03d}{chr(ord('A') + letter)}"
                rows.append((f"{country}01{900000 + lsoa_number:06d}", name, *ward, la_code,
                             la_name))  # fmt: skip
    frame = pd.DataFrame(rows, columns=list(COLUMNS[:-1]))
    frame["AREAEHECT"] = _hectares(frame, seed)
    return frame


# A ward's typical LSOA area (km²) and how much wards vary about it (sd of the log), for
# town centres and for other wards; then how much a ward's LSOAs vary.
CENTRE_KM2, CENTRE_SPREAD = 0.25, 0.3
OTHER_KM2, OTHER_SPREAD = 1.2, 1.0
LSOA_SPREAD = 0.35


def _hectares(frame: pd.DataFrame, seed: int) -> np.ndarray:
    """Each LSOA's area in hectares: its ward's typical size, scattered. A stream of its
    own, so that the lookup's other columns are what they were before areas were added."""
    rng = stream(seed, "areas")
    wards = frame.drop_duplicates("WD19CD").set_index("WD19CD")["WD19NM"]
    central = wards.str.endswith(CENTRAL).to_numpy()
    typical = np.where(central, CENTRE_KM2, OTHER_KM2)
    spread = np.where(central, CENTRE_SPREAD, OTHER_SPREAD)
    ward_km2 = pd.Series(typical * np.exp(rng.normal(0, spread)), index=wards.index)
    km2 = ward_km2.reindex(frame["WD19CD"]).to_numpy() * np.exp(
        rng.normal(0, LSOA_SPREAD, len(frame))
    )
    return np.round(km2 * 100, 2)


def deprivation(geography_frame: pd.DataFrame, seed: int) -> pd.DataFrame:
    """IMD 2019 rank per LSOA (ONS IMD19_LSOA11_LAD19 layout; 1 = most deprived).

    Deprivation clusters by ward: each ward draws a level, skewed so that a few wards are
    much more deprived than the rest, and its LSOAs scatter around it. Town-centre wards
    lean deprived, as they often are."""
    rng = stream(seed, "deprivation")
    wards = geography_frame["WD19CD"].drop_duplicates().to_numpy()
    level = pd.Series(rng.beta(2.2, 1.6, len(wards)), index=wards)  # 1 = least deprived
    central = geography_frame.drop_duplicates("WD19CD").set_index("WD19CD")["WD19NM"]
    level[central.str.endswith(CENTRAL).to_numpy()] *= 0.45
    scatter = rng.normal(0, 0.08, len(geography_frame))
    share = np.clip(level.reindex(geography_frame["WD19CD"]).to_numpy() + scatter, 0.0005, 1)
    out = geography_frame[["LSOA11CD", "LSOA11NM", "LAD19CD", "LAD19NM"]].copy()
    out["IMD19"] = np.ceil(share * ENGLAND_LSOAS).astype(int)
    return out.reset_index(drop=True)


def deprivation_factor(geography_frame: pd.DataFrame, deprivation_frame: pd.DataFrame):
    """Per LSOA of geography_frame: 1 (least deprived) to 4 (most), for crime weights."""
    rank = geography_frame["LSOA11CD"].map(deprivation_frame.set_index("LSOA11CD")["IMD19"])
    share = rank.fillna(ENGLAND_LSOAS / 2).to_numpy(dtype=float) / ENGLAND_LSOAS
    return 1 + 3 * (1 - share) ** 2
