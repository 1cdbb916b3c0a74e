"""Synthetic health data: A&E assault attendances (ISTV) and assault admissions.

ISTV: the Information Sharing to Tackle Violence minimum data set (NHS Data Dictionary,
ISB 1594), one row per assault attendance, as an emergency department shares it each
quarter (headings are the data set's element names, as the istv parser reads them): the
reporting period and site on every row, then arrival and assault date-times,
assault method (weapon), the method's free-text description when "Other", the location
type and a free-text location description. The free text names kinds of places, never a
person, an address or a postcode.

Admissions: one row per emergency admission with an assault external cause (ICD-10
X85-Y09, any diagnosis position); X99 is assault by sharp object, the VRU core measure
for under 25s. Areas come as outward postcode districts (BH1), which is depersonalised.

postcode_district_lookup(): the postcode district -> local authority shares the
`postcode_districts` source takes (postcode_district, local_authority_code, share), so
admissions can be apportioned; a district listed under several authorities is split
between them at random shares that total 1.
"""

from collections.abc import Sequence

import numpy as np
import pandas as pd

from . import common

# The NHS Data Dictionary element names, as the istv parser takes them.
ISTV_COLUMNS = (
    "Reporting period start date", "Reporting period end date", "Site code (of treatment)",
    "Arrival date and time at accident and emergency department", "Assault date and time",
    "Assault method", "Assault method other description", "Assault location type",
    "Assault location description",
)  # fmt: skip
ASSAULT_METHODS = {
    "Body part (e.g. punched, kicked)": 55, "Blunt object": 8,
    "Knife or other sharp object": 6, "Glass or bottle": 5, "Firearm": 0.3, "Other": 6,
    "Not known": 19.7,
}  # fmt: skip
OTHER_METHODS = ("Bitten", "Head butt", "Pushed to the ground", "Object thrown", "Strangled")
# Location type -> (share, free-text descriptions of that kind of place).
LOCATIONS = {
    "Street or public place": (38, ("Town centre street", "Taxi rank", "Outside a takeaway",
                                    "Bus station", "Park", "Seafront", "Car park", "")),
    "Licensed premises": (22, ("Inside a pub", "Outside a nightclub", "Bar in town centre",
                               "Beer garden", "")),
    "Home": (20, ("Own home", "Friend's house", "Family home", "")),
    "Work": (5, ("Shop where patient works", "Care home", "Hospital", "")),
    "Educational establishment": (2, ("School", "College", "")),
    "Public transport": (3, ("On a bus", "Train station platform", "")),
    "Other": (4, ("Festival site", "Sports ground", "")),
    "Not known": (6, ("",)),
}  # fmt: skip

ADMISSION_COLUMNS = ("Admission Date", "Age Band", "Sex", "Postcode District", "ICD-10 Code",
                     "ICD-10 Description")  # fmt: skip
ICD10_ASSAULT = {
    "X85": ("Assault by drugs, medicaments and biological substances", 1),
    "X86": ("Assault by corrosive substance", 0.5),
    "X91": ("Assault by hanging, strangulation and suffocation", 1.5),
    "X93": ("Assault by handgun discharge", 0.2),
    "X95": ("Assault by other and unspecified firearm discharge", 0.3),
    "X99": ("Assault by sharp object", 12),
    "Y00": ("Assault by blunt object", 10),
    "Y04": ("Assault by bodily force", 45),
    "Y05": ("Sexual assault by bodily force", 1.5),
    "Y07": ("Other maltreatment syndromes", 3),
    "Y08": ("Assault by other specified means", 8),
    "Y09": ("Assault by unspecified means", 17),
}
AGE_BANDS = ("0-9", "10-14", "15-19", "20-24", "25-34", "35-44", "45-54", "55-64", "65+")
AGE_SHARES = {"X99": (1, 5, 20, 19, 24, 15, 9, 5, 2), "other": (3, 3, 11, 14, 24, 19, 14, 8, 4)}
LOOKUP_COLUMNS = ("postcode_district", "local_authority_code", "share")
DEFAULT_DISTRICTS = ("BH1", "BH2", "BH3", "BH4", "BH5", "BH6", "BH7", "BH8", "BH9", "BH10",
                     "BH11", "BH12", "BH13", "BH14", "BH15", "BH17", "BH23")  # fmt: skip


def _assault_times(rng, start_fy: int, years: int, n: int) -> np.ndarray:
    days = common.financial_year_days(start_fy, years)
    day = days.to_numpy()[common.weighted(rng, common.day_weights(days, "night"), n)]
    weekend = pd.DatetimeIndex(day).day_of_week.to_numpy() >= 4
    hour = np.where(weekend, common.weighted(rng, common.HOURS[("night", True)], n),
                    common.weighted(rng, common.HOURS[("night", False)], n))  # fmt: skip
    minutes = hour * 60 + rng.integers(0, 60, n)
    return day.astype("datetime64[m]") + minutes.astype("timedelta64[m]")


def _quarter_bounds(stamps: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    quarters = pd.DatetimeIndex(stamps).to_period("Q-MAR")
    start = quarters.start_time.to_numpy().astype("datetime64[D]")
    end = quarters.end_time.to_numpy().astype("datetime64[D]")
    return common.format_dates(start, "%d/%m/%Y"), common.format_dates(end, "%d/%m/%Y")


def _stamp_text(stamps: np.ndarray) -> np.ndarray:
    days = stamps.astype("datetime64[D]")
    minutes = (stamps - days).astype("timedelta64[m]").astype(int)
    return common.format_dates(days, "%d/%m/%Y ") + common.format_minutes(minutes)


def istv(start_fy: int, years: int, rows_per_year: int, seed: int, site_code: str = "SYN01"):
    """ISTV assault attendances at one emergency department site."""
    rng = common.stream(seed, "istv")
    n = years * rows_per_year
    assault = _assault_times(rng, start_fy, years, n)
    delay = np.where(rng.random(n) < 0.9, rng.gamma(1.5, 60, n), rng.uniform(600, 2880, n))
    arrival = assault + delay.astype(int).astype("timedelta64[m]")
    order = np.argsort(arrival, kind="stable")
    assault, arrival = assault[order], arrival[order]
    method = common.weighted(rng, list(ASSAULT_METHODS.values()), n)
    methods = list(ASSAULT_METHODS)
    other = np.where(
        np.asarray(methods, dtype=object)[method] == "Other",
        common.labels(OTHER_METHODS, rng.integers(0, len(OTHER_METHODS), n)),
        "",
    )
    place = common.weighted(rng, [share for share, _ in LOCATIONS.values()], n)
    texts = [t for _, ts in LOCATIONS.values() for t in ts]  # all descriptions, by type
    counts = np.array([len(ts) for _, ts in LOCATIONS.values()])
    first = np.concatenate(([0], np.cumsum(counts)[:-1]))
    described = common.labels(texts, first[place] + rng.integers(0, 1000, n) % counts[place])
    start, end = _quarter_bounds(arrival)
    # The assault date is mandatory in the data set: when the patient cannot say the time,
    # departments record their best estimate, so every row has a date and time.
    assault_text = _stamp_text(assault)
    return common.frame(dict(zip(ISTV_COLUMNS, [
        start, end, np.full(n, site_code, dtype=object), _stamp_text(arrival), assault_text,
        common.labels(methods, method), other, common.labels(list(LOCATIONS), place),
        described,
    ], strict=True)))  # fmt: skip


def hospital_admissions(
    start_fy: int,
    years: int,
    rows_per_year: int,
    seed: int,
    postcode_districts: Sequence[str] = DEFAULT_DISTRICTS,
) -> pd.DataFrame:
    """Emergency admissions for assault, by ICD-10 external cause and outward postcode."""
    rng = common.stream(seed, "hospital_admissions")
    n = years * rows_per_year
    days = common.financial_year_days(start_fy, years)
    day = np.sort(days.to_numpy()[common.weighted(rng, common.day_weights(days, "night"), n)])
    codes = list(ICD10_ASSAULT)
    cause = common.weighted(rng, [w for _, w in ICD10_ASSAULT.values()], n)
    sharp = cause == codes.index("X99")
    band = np.where(sharp, common.weighted(rng, AGE_SHARES["X99"], n),
                    common.weighted(rng, AGE_SHARES["other"], n))  # fmt: skip
    district = common.weighted(rng, np.linspace(3, 1, len(postcode_districts)), n)
    return common.frame({
        "Admission Date": common.format_dates(day.astype("datetime64[D]"), "%d/%m/%Y"),
        "Age Band": common.labels(AGE_BANDS, band),
        "Sex": common.labels(("Male", "Female"), (rng.random(n) < 0.22).astype(int)),
        "Postcode District": common.labels(list(postcode_districts), district),
        "ICD-10 Code": common.labels(codes, cause),
        "ICD-10 Description": common.labels([d for d, _ in ICD10_ASSAULT.values()], cause),
    })  # fmt: skip


def postcode_district_lookup(districts: dict[str, Sequence[str]], seed: int) -> pd.DataFrame:
    """Postcode district -> local authority shares. `districts`: local authority code ->
    its outward postcode districts; a district under several authorities is split."""
    rng = common.stream(seed, "postcode_districts")
    by_district: dict[str, list[str]] = {}
    for code, outward in districts.items():
        for district in outward:
            by_district.setdefault(district, []).append(code)
    rows = []
    for district, codes in by_district.items():
        shares = np.round(rng.dirichlet(np.full(len(codes), 4.0)), 3)
        shares[-1] = round(1 - shares[:-1].sum(), 3)
        rows += [(district, code, f"{share:.3f}") for code, share in
                 zip(codes, shares, strict=True)]  # fmt: skip
    return common.frame({c: [r[i] for r in rows] for i, c in enumerate(LOOKUP_COLUMNS)})
