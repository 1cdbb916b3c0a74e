"""A&E assault attendances: the ISTV minimum data set -> canonical records + validation.

Headings are the NHS Data Dictionary element names of the Information Sharing to Tackle
Violence Minimum Data Set (ISB 1594); the submission header elements (reporting period,
site) are columns repeated on every row. Mandatory elements are required columns; the
"Required" (R) ones are optional, as the standard allows.

Normalisation:
  - ASSAULT METHOD -> weapon: body_part, blunt_object, knife_or_sharp_object, firearm,
    other, unknown. Labels are matched by keywords (glass counts as a sharp object, a
    bottle as a blunt one); numeric codes of a provider's system via `weapon_codes`. A value
    that matches nothing loads as "other", keeps its text in weapon_detail and is counted.
  - ASSAULT LOCATION TYPE -> location_type: public_place, licensed_premises, home, school,
    workplace, other, unknown (same rules; `location_codes` for codes).
  - ASSAULT LOCATION DESCRIPTION is free text (street, pub or club names): kept as given.
  - financial_year is that of the assault date (the event, as for police data).

Duplicates: ISTV carries no attendance identifier, and two victims of one fight can arrive
together, so identical rows are all loaded (like ASB in police.uk files) and counted in
`identical_rows` for the analyst to check; `duplicates` is always 0.

A row is rejected for a blank, unparseable or future assault date, an unparseable or future
arrival, an arrival on a day before the assault, a blank site code, or an unparseable
reporting period (or one that ends before it starts). The reporting period's end may be in
the future (a period still running); attendances outside their reporting period are loaded
and counted.
"""

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

import pandas as pd

from .columns import select_columns
from .common import (
    ERROR_COLUMNS,
    ParseResult,
    Problems,
    Summary,
    blank,
    bounds,
    check_dates,
    classify,
    counts,
    financial_year_of,
    finish,
    parse_datetimes,
    require_value,
    text,
)

SOURCE_KEY = "istv"
PERIOD_START = "Reporting period start date"
PERIOD_END = "Reporting period end date"
SITE = "Site code (of treatment)"
ARRIVAL = "Arrival date and time at accident and emergency department"
ASSAULT = "Assault date and time"
METHOD = "Assault method"
METHOD_OTHER = "Assault method other description"
LOCATION_TYPE = "Assault location type"
LOCATION = "Assault location description"
REQUIRED_COLUMNS = (PERIOD_START, PERIOD_END, SITE, ASSAULT, METHOD, LOCATION_TYPE)
OPTIONAL_COLUMNS = (ARRIVAL, METHOD_OTHER, LOCATION)
CANONICAL_COLUMNS = (
    "source_row",
    "attended_at",
    "assaulted_at",
    "weapon",
    "weapon_detail",
    "location_type",
    "location_detail",
    "site_code",
    "reporting_period_start",
    "reporting_period_end",
    "financial_year",
)
__all__ = ["ERROR_COLUMNS", "IstvSummary", "parse"]

_UNKNOWN = r"^(unknown|not known|n ?/ ?k|not recorded|not stated|unspecified|declined|refused)\b"
WEAPON_RULES = (
    ("unknown", _UNKNOWN),
    ("firearm", r"\b(fire ?arms?|guns?|gunshot|shot ?guns?|pistols?|rifles?|revolvers?|shot)\b"),
    (
        "knife_or_sharp_object",
        r"\b(knife|knives|knifed|blades?|bladed|sharp|stab\w*|machetes?|swords?|glass\w*|"
        r"broken bottle|scissors|screwdrivers?|razors?)\b",
    ),
    (
        "blunt_object",
        r"\b(blunt|bats?|baseball|clubs?|cosh|sticks?|bars?|crowbars?|hammers?|bottles?|"
        r"bricks?|stones?|rocks?|poles?|chairs?)\b",
    ),
    (
        "body_part",
        r"\b(body|fists?|punch\w*|kick\w*|feet|foot|head ?butt\w*|hands?|bit(e|es|ten)|"
        r"slap\w*|push\w*|elbows?|knees?|strangl\w*|stamp\w*)\b",
    ),
    ("other", r"\bother\b"),
)
LOCATION_RULES = (
    ("unknown", _UNKNOWN),
    (
        "licensed_premises",
        r"\b(pubs?|public house|bars?|(night ?)?clubs?|licen[cs]ed|inns?|wine bar)\b",
    ),
    ("school", r"\b(schools?|college|universit\w*|education\w*|academy|nursery)\b"),
    ("workplace", r"\b(work|workplace|office|employment)\b"),
    ("home", r"\b(home|dwelling|residence|residential|house|flat|private address|domestic)\b"),
    (
        "public_place",
        r"\b(public|street|road|park|outdoors?|outside|pavement|transport|bus|train|station|"
        r"car ?park|alley\w*|open space|town cent(re|er)|city cent(re|er)|beach)\b",
    ),
    ("other", r"\bother\b"),
)
WEAPONS = tuple(name for name, _ in WEAPON_RULES if name != "unknown") + ("unknown",)
LOCATION_TYPES = tuple(name for name, _ in LOCATION_RULES if name != "unknown") + ("unknown",)


@dataclass(frozen=True)
class IstvSummary(Summary):
    # by_category: attendances by weapon
    by_location_type: dict[str, int] = field(default_factory=dict)
    identical_rows: int = 0  # loaded rows identical to an earlier one (see module docstring)
    unrecognised_weapon: int = 0  # methods that matched nothing, loaded as "other"
    unrecognised_location_type: int = 0
    outside_reporting_period: int = 0  # attendance (or assault) date outside the period
    sites: tuple[str, ...] = ()


@dataclass
class IstvParse(ParseResult):
    summary: IstvSummary


def _reporting_period(problems: Problems, raw: dict, today: dt.date):
    start = check_dates(problems, raw[PERIOD_START], PERIOD_START, today)
    require_value(problems, raw[PERIOD_END], PERIOD_END, PERIOD_END)
    end = parse_datetimes(raw[PERIOD_END])
    problems.add(
        raw[PERIOD_END].notna() & end.isna(),
        PERIOD_END,
        "unparseable_date",
        f"{PERIOD_END} is not a date as YYYY-MM-DD or DD/MM/YYYY.",
        raw[PERIOD_END],
    )
    problems.add(
        end < start,
        PERIOD_END,
        "period_reversed",
        "The reporting period ends before it starts. Check the start and end dates.",
        raw[PERIOD_END],
    )
    return start.dt.normalize(), end.dt.normalize()


def _event_times(problems: Problems, raw: dict, today: dt.date):
    assaulted = check_dates(problems, raw[ASSAULT], ASSAULT, today)
    attended = check_dates(problems, raw[ARRIVAL], ARRIVAL, today, required=False)
    problems.add(
        attended.dt.normalize() < assaulted.dt.normalize(),
        ARRIVAL,
        "arrival_before_assault",
        "The arrival at A&E is on a day before the assault. Check both dates.",
        raw[ARRIVAL],
    )
    return attended, assaulted


def _canonical(frame: pd.DataFrame, today: dt.date, weapon_codes, location_codes):
    raw = {name: text(frame[name]) for name in frame.columns}
    for name in OPTIONAL_COLUMNS:
        raw.setdefault(name, blank(frame.index))
    problems = Problems(frame.index.to_series())
    start, end = _reporting_period(problems, raw, today)
    attended, assaulted = _event_times(problems, raw, today)
    require_value(problems, raw[SITE], SITE, SITE)
    weapon, odd_weapon = classify(
        raw[METHOD], WEAPON_RULES, blank_as="unknown", fallback="other", codes=weapon_codes
    )
    location, odd_location = classify(
        raw[LOCATION_TYPE], LOCATION_RULES, blank_as="unknown", fallback="other",
        codes=location_codes,
    )  # fmt: skip
    records = pd.DataFrame(
        {
            "source_row": frame.index.to_numpy(),
            "attended_at": attended,
            "assaulted_at": assaulted,
            "weapon": weapon,
            # An unrecognised method keeps its text, so nothing the provider said is lost.
            "weapon_detail": raw[METHOD_OTHER].fillna(raw[METHOD].where(odd_weapon)),
            "location_type": location,
            "location_detail": raw[LOCATION],
            "site_code": raw[SITE].str.upper(),
            "reporting_period_start": start,
            "reporting_period_end": end,
            "financial_year": financial_year_of(assaulted),
            "_odd_weapon": odd_weapon,
            "_odd_location": odd_location,
        },
        index=frame.index,
    )
    return records, problems


def parse(
    frame: pd.DataFrame,
    *,
    today: dt.date | None = None,
    weapon_codes: Mapping[str, str] | None = None,
    location_codes: Mapping[str, str] | None = None,
) -> IstvParse:
    """Parse an ISTV extract read by reading.py (strings, indexed by data row number).

    `weapon_codes` / `location_codes` map a provider's own codes to the vocabulary, e.g.
    {"01": "body_part"}, for systems that export codes instead of labels.
    """
    frame = select_columns(
        frame, REQUIRED_COLUMNS, OPTIONAL_COLUMNS, "an ISTV (A&E assault attendances) extract"
    )
    records, problems = _canonical(frame, today or dt.date.today(), weapon_codes, location_codes)
    extra = ["_odd_weapon", "_odd_location"]
    loaded, errors, row_counts = finish(len(frame), records, problems, [*CANONICAL_COLUMNS, *extra])
    event = loaded["attended_at"].fillna(loaded["assaulted_at"]).dt.normalize()
    outside = (event < loaded["reporting_period_start"]) | (event > loaded["reporting_period_end"])
    period_start, period_end = bounds(
        loaded["reporting_period_start"], loaded["reporting_period_end"]
    )
    summary = IstvSummary(
        **row_counts,
        by_category=counts(loaded["weapon"]),
        period_start=period_start,
        period_end=period_end,
        by_location_type=counts(loaded["location_type"]),
        identical_rows=int(loaded.drop(columns="source_row").duplicated().sum()),
        unrecognised_weapon=int(loaded["_odd_weapon"].sum()),
        unrecognised_location_type=int(loaded["_odd_location"].sum()),
        outside_reporting_period=int(outside.sum()),
        sites=tuple(sorted(loaded["site_code"].dropna().unique())),
    )
    return IstvParse(loaded.drop(columns=extra), errors, summary)
