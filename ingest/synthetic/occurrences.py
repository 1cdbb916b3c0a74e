"""A synthetic, depersonalised police occurrence extract (one row per occurrence).

Every draw is vectorised over all rows (numpy), and every text column is taken from a
small table of labels, so 1,000,000 rows take seconds. The picture it paints:
  - offences: offences.OFFENCES, with yearly trends (sexual assault -7%, knife +10%);
  - when: months (summer and December peaks), days of the week (weekend nights; robbery
    higher at weekends and in the dark months) and hours, by kind of offence;
  - where: LSOA weights by deprivation, with night-time violence and robbery concentrated
    in the town-centre wards ("... Central"), domestic abuse in deprived residential areas;
  - who: victims and suspects younger for robbery and knife offences, sex by offence,
    Census (self-defined) and IC (officer-defined) ethnicity codes with a fifth to a third
    missing, no suspect for a share of offences, no victim for possession offences;
  - non-recent offences recorded years later, mostly sexual offences.
The references are pseudonymised (16 hex digits) and the file carries no identifiers.
"""

import numpy as np
import pandas as pd

from ingest.parsers.police_occurrences import FIELDS
from ingest.taxonomy import load_taxonomy

from . import common
from .areas import CENTRAL, deprivation, deprivation_factor
from .offences import BUSINESS_ROBBERY, FIREARM_CODES, GROUPS, HATE_CODES, KNIFE_TREND, OFFENCES

HEADER_STYLES = ("canonical", "niche")
# A Niche-style export: the force's own headings, which the mapping step has to resolve.
NICHE_HEADINGS = {
    "occurrence_ref": "OccurrenceRef",
    "committed_date": "Committed From Date",
    "committed_time": "Committed From Time",
    "recorded_date": "Reported Date",
    "offence_code": "HO Code",
    "offence_description": "Offence Title",
    "lsoa_code": "LSOA",
    "ward_code": "Ward Code",
    "beat": "Beat",
    "location_type": "Location Type",
    "domestic_abuse": "DA Flag",
    "knife": "Knife Flag",
    "firearm": "Firearm Flag",
    "alcohol": "Alcohol Flag",
    "drugs": "Drugs Flag",
    "hate": "Hate Crime Flag",
    "victim_age": "Vic Age",
    "victim_sex": "Vic Gender",
    "victim_ethnicity": "Vic Eth (SDE)",
    "suspect_age": "Susp Age",
    "suspect_sex": "Susp Gender",
    "suspect_ethnicity": "Susp Eth",
    "outcome": "Outcome Code",
}
NICHE_EXTRA = ("Committed To Date", "Force", "Crime Status")
FLAG_FIELDS = ("domestic_abuse", "knife", "firearm", "alcohol", "drugs", "hate")
LOCATIONS = {  # public, licensed, commercial, education, dwelling, other
    "canonical": ("Public place", "Licensed premises", "Commercial premises", "Education",
                  "Dwelling", "Other"),
    "niche": ("STREET/ROAD", "PUB/BAR/NIGHTCLUB", "SHOP/RETAIL", "SCHOOL/COLLEGE",
              "DWELLING - HOUSE/FLAT", "OTHER"),
}  # fmt: skip
# Location scenarios (rows) x LOCATIONS (columns).
LOCATION_TABLE = common.cumulative([
    [0.10, 0.01, 0.01, 0.00, 0.85, 0.03],  # domestic abuse
    [0.55, 0.33, 0.08, 0.00, 0.02, 0.02],  # night-time, town centre
    [0.50, 0.07, 0.12, 0.04, 0.22, 0.05],  # violence elsewhere
    [0.82, 0.02, 0.06, 0.02, 0.04, 0.04],  # personal robbery
    [0.05, 0.03, 0.88, 0.00, 0.01, 0.03],  # business robbery
    [0.22, 0.10, 0.04, 0.03, 0.50, 0.11],  # sexual offences
    [0.15, 0.01, 0.05, 0.04, 0.50, 0.25],  # harassment (much of it online: "other")
    [0.78, 0.02, 0.05, 0.04, 0.06, 0.05],  # possession of weapons
])  # fmt: skip
SDE_CODES = ("W1", "W2", "W9", "M1", "M2", "M3", "M9", "A1", "A2", "A3", "A9", "B1", "B2",
             "B9", "O1", "O9", "NS")  # fmt: skip
SDE_SHARES = (74, 1, 6, 0.9, 0.4, 0.8, 0.8, 3.1, 2.7, 1.1, 2.3, 1.0, 2.5, 0.5, 0.7, 1.6, 2.0)
IC_CODES = ("IC1", "IC2", "IC3", "IC4", "IC5", "IC6", "IC0")
IC_SHARES = (80, 3, 7, 7, 1, 1, 1)
OUTCOMES_WITH_SUSPECT = {
    "1": 10, "3": 2, "8": 4, "14": 32, "15": 18, "16": 22, "21": 2, "22": 1, "": 9,
}  # fmt: skip
OUTCOMES_NO_SUSPECT = {"18": 75, "14": 10, "": 15}  # "": still under investigation
BAD_ROW_KINDS = ("unparseable_date", "future_date", "recorded_before_committed",
                 "unknown_offence_code", "impossible_age", "duplicate")  # fmt: skip
FLAG_BLANK = 0.003
DATE_FORMATS = {"canonical": "%Y-%m-%d", "niche": "%d/%m/%Y"}
BASIS_LABELS = ("Self-defined", "Officer-defined", "")
# Ages: offset + gamma(shape, scale), by kind of person.
AGE_SHAPES = {"young": (11, 2.2, 5.0), "domestic": (17, 3.0, 7.0), "sexual": (9, 1.8, 9.0),
              "adult": (15, 2.2, 9.0)}  # fmt: skip


class _Draw:
    """The rows' underlying values, drawn column by column."""

    def __init__(self, rng: np.random.Generator, n: int):
        self.rng, self.n = rng, n

    def chance(self, p) -> np.ndarray:
        return self.rng.random(self.n) < p

    def ages(self, kinds: np.ndarray) -> np.ndarray:
        ages = np.zeros(self.n)
        for k, (offset, shape, scale) in enumerate(AGE_SHAPES.values()):
            rows = kinds == k
            ages[rows] = offset + self.rng.gamma(shape, scale, rows.sum())
        return np.clip(ages.astype(int), 0, 99)


def _offence_table() -> pd.DataFrame:
    table = pd.DataFrame([o.__dict__ for o in OFFENCES])
    groups = pd.DataFrame([g.__dict__ for g in GROUPS.values()], index=list(GROUPS))
    for column in ("da", "non_recent"):
        table[column] = table[column].fillna(table["group"].map(groups[column])).astype(float)
    for column in ("alcohol", "drugs", "firearm", "victim", "suspect", "victim_female",
                   "suspect_male"):  # fmt: skip
        table[column] = table["group"].map(groups[column])
    table.loc[table["code"].isin(FIREARM_CODES), "firearm"] = 1.0
    taxonomy = load_taxonomy()
    official = table["code"].map(lambda c: taxonomy.offences.at[taxonomy.resolve_code(c),
                                                                 "description"])  # fmt: skip
    table["description"] = table["description"].fillna(official)
    return table


def _codes(rng, table: pd.DataFrame, years: int, rows_per_year: int):
    year = np.repeat(np.arange(years), rows_per_year)
    code = np.empty(len(year), dtype=int)
    for y in range(years):
        weights = table["weight"] * table["trend"] ** y
        code[year == y] = common.weighted(rng, weights, rows_per_year)
    return year, code


def _when(rng, profile: np.ndarray, year: np.ndarray, start_fy: int, years: int):
    """Committed day and minute after midnight, by time profile."""
    days = common.financial_year_days(start_fy, years)
    fy = np.asarray(days.year - (days.month < 4)) - start_fy
    day = np.empty(len(year), dtype="datetime64[D]")
    for p, name in enumerate(common.TIME_PROFILES):
        weights = common.day_weights(days, name)
        for y in range(years):
            rows = (profile == p) & (year == y)
            in_year = fy == y
            picked = common.weighted(rng, weights[in_year], rows.sum())
            day[rows] = days[in_year].to_numpy().astype("datetime64[D]")[picked]
    weekend = pd.DatetimeIndex(day).day_of_week.to_numpy() >= 4
    hour = np.empty(len(year), dtype=int)
    for p, name in enumerate(common.TIME_PROFILES):
        for end in (False, True):
            rows = (profile == p) & (weekend == end)
            hour[rows] = common.weighted(rng, common.HOURS[(name, end)], rows.sum())
    minute = rng.integers(0, 60, len(year))
    heaped = rng.random(len(year)) < 0.35
    minute[heaped] = 30 * rng.integers(0, 2, heaped.sum())
    return day, hour * 60 + minute


def _where(rng, geography_frame, deprivation_frame, residential, night_hours):
    """LSOA index per row: residential crime by deprivation, the rest towards the centres."""
    base = rng.lognormal(0, 0.5, len(geography_frame))
    deprived = deprivation_factor(geography_frame, deprivation_frame)
    centre = geography_frame["WD19NM"].str.endswith(CENTRAL).to_numpy()
    public = base * deprived**0.8 * np.where(centre, 15.0, 1.0)
    homes = base * deprived**1.3
    lsoa = np.empty(len(residential), dtype=int)
    lsoa[residential] = common.weighted(rng, homes, residential.sum())
    lsoa[~residential] = common.weighted(rng, public, (~residential).sum())
    in_centre = centre[lsoa] & night_hours
    return lsoa, in_centre


def _dates(rng, day, minute, non_recent_p, period_end):
    """(committed day, recorded day, committed minute or -1, non-recent)."""
    n = len(day)
    non_recent = rng.random(n) < non_recent_p
    delay = np.where(rng.random(n) < 0.55, 0, rng.integers(1, 4, n))
    late = rng.random(n) < 0.2
    delay[late] = np.minimum(rng.geometric(1 / 25, late.sum()) + 3, 300)
    recorded = np.minimum(day + delay.astype("timedelta64[D]"), period_end)
    years_before = 365 + rng.gamma(1.3, 5 * 365, n).astype(int)
    committed = np.where(non_recent, day - years_before.astype("timedelta64[D]"), day)
    recorded = np.where(non_recent, day, recorded)
    committed = np.maximum(committed, np.datetime64("1960-01-01"))
    no_time = np.where(non_recent, rng.random(n) < 0.7, rng.random(n) < 0.03)
    return committed, recorded, np.where(no_time, -1, minute), non_recent


def _references(rng, n: int, upper: bool = False) -> np.ndarray:
    """Distinct 16-hex-digit pseudonyms: an invertible mix of the row number."""
    x = np.arange(n, dtype=np.uint64) + np.uint64(rng.integers(0, 2**62))
    x = x * np.uint64(0x9E3779B97F4A7C15)
    x ^= x >> np.uint64(31)
    x = x * np.uint64(0xBF58476D1CE4E5B9)
    x ^= x >> np.uint64(29)
    table = np.asarray([f"{i:02x}" for i in range(256)], dtype="S2")
    pairs = table[x.astype(">u8").view(np.uint8).reshape(n, 8)]
    texts = np.ascontiguousarray(pairs).view("S16").ravel().astype(str)
    return (np.char.upper(texts) if upper else texts).astype(object)


def police_occurrences(
    geography_frame: pd.DataFrame,
    start_fy: int,
    years: int,
    rows_per_year: int,
    seed: int,
    header_style: str = "canonical",
    *,
    deprivation_frame: pd.DataFrame | None = None,
    bad_rows: int = 0,
) -> pd.DataFrame:
    """`years` financial years of occurrences from April `start_fy`, `rows_per_year` each.

    `geography_frame` is areas.geography()'s lookup; `deprivation_frame` its IMD ranks
    (by default deprivation(geography_frame, seed), so the two agree). `header_style`
    "canonical" uses the canonical field names and formats (the template's); "niche" a
    Niche-style export (NICHE_HEADINGS, dd/mm/yyyy dates, Yes/No flags, extra columns).
    `bad_rows` > 0 spoils that many rows, cycling through BAD_ROW_KINDS, for validation
    demos. The period must be in the past, or recorded dates would be in the future."""
    if header_style not in HEADER_STYLES:
        raise ValueError(f"header_style must be one of {HEADER_STYLES}, not {header_style!r}")
    rng = common.stream(seed, "police_occurrences")
    if deprivation_frame is None:
        deprivation_frame = deprivation(geography_frame, seed)
    rows = _rows(rng, _offence_table(), geography_frame, deprivation_frame, start_fy, years,
                 rows_per_year)  # fmt: skip
    columns = _columns(rng, rows, geography_frame, header_style)
    if bad_rows:
        _spoil(rng, columns, header_style, bad_rows)
    return common.frame(columns)


def _rows(rng, table, geography_frame, deprivation_frame, start_fy, years, rows_per_year):
    """Every underlying value of every row, as numpy arrays keyed by name."""
    year, code = _codes(rng, table, years, rows_per_year)
    draw = _Draw(rng, len(year))
    group = table["group"].to_numpy()[code]
    da = draw.chance(table["da"].to_numpy()[code])
    profile = np.select([da, group == "robbery", np.isin(group, ["harassment", "weapons"])],
                        [1, 2, 3], 0)  # indexes common.TIME_PROFILES  # fmt: skip
    day, minute = _when(rng, profile, year, start_fy, years)
    night = (minute >= 20 * 60) | (minute < 4 * 60)
    residential = da | (group == "harassment")
    lsoa, in_centre = _where(rng, geography_frame, deprivation_frame, residential, night)
    scenario = np.select(
        [da, (profile == 0) & in_centre, code == _index(table, BUSINESS_ROBBERY),
         group == "robbery", group == "sexual", group == "harassment", group == "weapons"],
        [0, 1, 4, 3, 5, 6, 7], 2)  # fmt: skip
    period_end = np.datetime64(f"{start_fy + years}-03-31")
    committed, recorded, time, non_recent = _dates(
        rng, day, minute, table["non_recent"].to_numpy()[code], period_end
    )
    knife_p = table["knife"].to_numpy()[code] * KNIFE_TREND**year * np.where(da, 0.5, 1.0)
    knife = draw.chance(np.minimum(knife_p, 1.0))
    alcohol_p = np.where(da, 0.25, table["alcohol"].to_numpy()[code] * np.where(night, 1.5, 0.6))
    flags = {
        "domestic_abuse": da,
        "knife": knife,
        "firearm": draw.chance(table["firearm"].to_numpy()[code]),
        "alcohol": draw.chance(alcohol_p),
        "drugs": draw.chance(table["drugs"].to_numpy()[code]),
        "hate": np.isin(table["code"].to_numpy()[code], list(HATE_CODES)) | draw.chance(0.012),
    }
    young = (group == "robbery") | (group == "weapons") | knife
    people = _people(draw, table, code, group, da, young)
    return dict(code=code, lsoa=lsoa, location=common.categorical(rng, LOCATION_TABLE, scenario),
                committed=committed, recorded=recorded, time=time, non_recent=non_recent,
                flags=flags, **people)  # fmt: skip


def _index(table: pd.DataFrame, code: str) -> int:
    return int(np.flatnonzero(table["code"].to_numpy() == code)[0])


def _people(draw: _Draw, table, code, group, da, young) -> dict[str, np.ndarray]:
    kinds = list(AGE_SHAPES)
    has_victim = draw.chance(table["victim"].to_numpy()[code])
    has_suspect = draw.chance(np.where(da, 0.97, table["suspect"].to_numpy()[code]))
    victim_kind = np.select([young, da, group == "sexual"], [0, 1, 2], 3)
    victim_age = draw.ages(victim_kind)
    limits = table["victim_ages"].to_numpy()[code]
    for lo, hi in {x for x in limits if isinstance(x, tuple)}:
        rows = np.array([x == (lo, hi) for x in table["victim_ages"]])[code]
        outside = rows & ((victim_age < lo) | (victim_age > hi))
        victim_age[outside] = draw.rng.integers(lo, hi + 1, outside.sum())
    suspect_age = draw.ages(np.select([young, da], [0, 1], kinds.index("adult")))
    code_sex = table["victim_sex"].to_numpy()[code]
    female_p = np.where(da, 0.76, table["victim_female"].to_numpy()[code])
    female_p = np.where(code_sex == "female", 1.0, np.where(code_sex == "male", 0.0, female_p))
    suspect_male_p = np.where(da, 0.8, table["suspect_male"].to_numpy()[code])
    return {
        "victim": has_victim,
        "suspect": has_suspect,
        "victim_age": np.where(has_victim & ~draw.chance(0.05), victim_age, -1),
        "suspect_age": np.where(has_suspect & ~draw.chance(0.12), suspect_age, -1),
        "victim_sex": _sex(draw, has_victim, draw.chance(female_p), 0.02),
        "suspect_sex": _sex(draw, has_suspect, ~draw.chance(suspect_male_p), 0.04),
        "victim_ethnicity": _ethnicity(draw, has_victim, 0.20, 0.0),
        "suspect_ethnicity": _ethnicity(draw, has_suspect, 0.18, 0.38),
        "outcome": _outcome(draw, has_suspect, suspect_age),
    }


def _sex(draw: _Draw, present, female, blank_p) -> np.ndarray:
    """0 male, 1 female, 2 unknown, -1 blank."""
    sex = np.where(female, 1, 0)
    sex[draw.chance(0.01)] = 2
    return np.where(present & ~draw.chance(blank_p), sex, -1)


def _ethnicity(draw: _Draw, present, blank_p, officer_p) -> np.ndarray:
    """Index into SDE_CODES + IC_CODES, or -1 for blank."""
    sde = common.weighted(draw.rng, SDE_SHARES, draw.n)
    ic = len(SDE_CODES) + common.weighted(draw.rng, IC_SHARES, draw.n)
    codes = np.where(draw.chance(officer_p), ic, sde)
    return np.where(present & ~draw.chance(blank_p), codes, -1)


def _outcome(draw: _Draw, has_suspect, suspect_age) -> np.ndarray:
    """Index into OUTCOMES_WITH_SUSPECT's keys, then OUTCOMES_NO_SUSPECT's."""
    with_suspect = common.weighted(draw.rng, list(OUTCOMES_WITH_SUSPECT.values()), draw.n)
    diverted = has_suspect & (suspect_age < 18) & draw.chance(0.08)
    with_suspect[diverted] = list(OUTCOMES_WITH_SUSPECT).index("22")
    without = len(OUTCOMES_WITH_SUSPECT) + common.weighted(
        draw.rng, list(OUTCOMES_NO_SUSPECT.values()), draw.n
    )
    return np.where(has_suspect, with_suspect, without)


# --- rendering in a header style ----------------------------------------------------------


def _columns(rng, rows: dict, geography_frame: pd.DataFrame, style: str) -> dict[str, np.ndarray]:
    table = _offence_table()
    niche, n = style == "niche", len(rows["code"])
    if niche:  # Niche writes "4/1" for 4.1 and its titles in capitals
        table["code"] = table["code"].str.replace(".", "/", regex=False)
        table["description"] = table["description"].str.upper()
    lsoa = geography_frame.iloc[rows["lsoa"]]
    ward_number = lsoa["WD19CD"].str[-4:].astype(int).to_numpy()
    ages = ["", *(str(a) for a in range(100))]
    sexes = ("M", "F", "U", "") if niche else ("Male", "Female", "Unknown", "")
    ethnicity = (*SDE_CODES, *IC_CODES, "")
    yes_no = ("No", "Yes") if niche else ("N", "Y")
    outcomes = [*OUTCOMES_WITH_SUSPECT, *OUTCOMES_NO_SUSPECT]
    outcomes = [(o if niche else f"Outcome {o}") if o else "Under investigation" for o in outcomes]
    times = common.format_minutes(np.maximum(rows["time"], 0))
    fields = {
        "occurrence_ref": _references(rng, n, upper=niche),
        "committed_date": common.format_dates(rows["committed"], DATE_FORMATS[style]),
        "committed_time": np.where(rows["time"] >= 0, times, ""),
        "recorded_date": _recorded(rng, rows["recorded"], niche),
        "offence_code": table["code"].to_numpy()[rows["code"]],
        "offence_description": table["description"].to_numpy()[rows["code"]],
        "lsoa_code": lsoa["LSOA11CD"].to_numpy(),
        "ward_code": lsoa["WD19CD"].to_numpy(),
        "beat": common.labels([f"BT{i:04d}" for i in range(10_000)], ward_number),
        "location_type": common.labels(LOCATIONS[style], rows["location"]),
        **{f: _flag(rng, yes_no, rows["flags"][f]) for f in FLAG_FIELDS},
    }
    for person in ("victim", "suspect"):
        fields[f"{person}_age"] = common.labels(ages, rows[f"{person}_age"] + 1)
        fields[f"{person}_sex"] = common.labels(sexes, rows[f"{person}_sex"])
        code = rows[f"{person}_ethnicity"]
        fields[f"{person}_ethnicity"] = common.labels(ethnicity, code)
        basis = np.select([code < 0, code >= len(SDE_CODES)], [2, 1], 0)
        fields[f"{person}_ethnicity_basis"] = common.labels(BASIS_LABELS, basis)
    fields["outcome"] = common.labels(outcomes, rows["outcome"])
    order = np.lexsort((rows["committed"], rows["recorded"]))  # as extracts come: by recorded
    if not niche:
        return {f: np.asarray(fields[f])[order] for f in FIELDS}
    columns = {heading: fields[f][order] for f, heading in NICHE_HEADINGS.items()}
    return {**columns, **_niche_extra(rng, rows["committed"], order)}


def _flag(rng, yes_no: tuple[str, str], values: np.ndarray) -> np.ndarray:
    blank = rng.random(len(values)) < FLAG_BLANK  # not filled in: read as unknown
    return np.where(blank, "", common.labels(yes_no, values.astype(int)))


def _recorded(rng, recorded: np.ndarray, niche: bool) -> np.ndarray:
    if not niche:
        return common.format_dates(recorded, DATE_FORMATS["canonical"])
    minutes = common.format_minutes(rng.integers(7 * 60, 24 * 60, len(recorded)))
    return common.format_dates(recorded, "%d/%m/%Y ") + minutes  # Niche: a date and time


def _niche_extra(rng, committed: np.ndarray, order: np.ndarray) -> dict[str, np.ndarray]:
    n = len(committed)
    until = committed + rng.integers(0, 2, n).astype("timedelta64[D]")
    to_date = np.where(rng.random(n) < 0.4, common.format_dates(until, "%d/%m/%Y"), "")
    return {
        "Committed To Date": to_date[order],
        "Force": np.full(n, "Synthetic Constabulary", dtype=object),
        "Crime Status": np.full(n, "CONFIRMED", dtype=object),
    }


def _spoil(rng, columns: dict[str, np.ndarray], style: str, count: int) -> None:
    """Spoil `count` rows in place, kind i % 6 of BAD_ROW_KINDS for the i-th."""
    heading = (lambda f: NICHE_HEADINGS[f]) if style == "niche" else (lambda f: f)
    niche = style == "niche"
    n = len(columns[heading("occurrence_ref")])
    # Even rows only, so the row a duplicate copies (an odd neighbour) is never spoiled.
    rows = 2 * np.sort(rng.choice(n // 2, size=count, replace=False))
    for i, row in enumerate(rows):
        kind = BAD_ROW_KINDS[i % len(BAD_ROW_KINDS)]
        if kind == "unparseable_date":
            columns[heading("committed_date")][row] = "31/02/2023" if niche else "2023-02-31"
        elif kind == "future_date":
            columns[heading("recorded_date")][row] = "01/01/2099 10:00" if niche else "2099-01-01"
        elif kind == "recorded_before_committed":
            columns[heading("committed_date")][row] = "15/06/2020" if niche else "2020-06-15"
            columns[heading("recorded_date")][row] = "01/06/2020 09:00" if niche else "2020-06-01"
        elif kind == "unknown_offence_code":
            columns[heading("offence_code")][row] = "ZZ9"
        elif kind == "impossible_age":
            columns[heading("victim_age")][row] = "130"
        else:
            refs = columns[heading("occurrence_ref")]
            refs[row] = refs[row - 1 if row else row + 1]
