"""Ambulance call-outs -> canonical records + validation.

Columns: "Call date and time", "Category" (required); "LSOA code", "Postcode district"
(outward code such as BH1) and "Incident reference" (pseudonymised) optional.

`category` is normalised to assault, sexual_assault, stab_or_gunshot or other (the
dispatch system's own wording, such as the AMPDS "Stab / Gunshot / Penetrating trauma", is
kept in category_detail). A category that matches nothing loads as "other" and is counted.

Duplicates: several vehicles are often sent to one incident, so with an "Incident
reference" later rows with the same reference are folded into the first; without one,
identical rows are all loaded and counted in `identical_rows`.

A row is rejected for a blank, unparseable or future call time, a blank category, a full
postcode (personal data, never repeated in the report), or a malformed LSOA code or
postcode district. A row with neither area is loaded and counted as unplaced.
"""

import datetime as dt
from dataclasses import dataclass, field

import pandas as pd

from .common import (
    ERROR_COLUMNS,
    ParseResult,
    Problems,
    Summary,
    bounds,
    check_dates,
    check_lsoa_codes,
    check_postcode_districts,
    classify,
    column_text,
    counts,
    financial_year_of,
    find_column,
    finish,
    missing_columns_error,
    require_value,
)

SOURCE_KEY = "ambulance"
CALLED, CATEGORY = "Call date and time", "Category"
LSOA, DISTRICT, REFERENCE = "LSOA code", "Postcode district", "Incident reference"
REQUIRED_COLUMNS = (CALLED, CATEGORY)
OPTIONAL_COLUMNS = (LSOA, DISTRICT, REFERENCE)
CANONICAL_COLUMNS = (
    "source_row",
    "called_at",
    "category",
    "category_detail",
    "lsoa_code",
    "postcode_district",
    "incident_reference",
    "financial_year",
)
CATEGORY_RULES = (
    ("stab_or_gunshot", r"\b(stab\w*|gunshot\w*|shot|shooting|penetrating|knife|firearms?)\b"),
    # AMPDS card 4 is "Assault / Sexual assault / Stun gun": an assault call, not sexual.
    ("assault", r"^assault ?/ ?sexual"),
    ("sexual_assault", r"\b(sexual\w*|rape)\b"),
    ("assault", r"\b(assault\w*|violen\w*|fight\w*|attack\w*|gbh|abh|wound\w*)\b"),
    ("other", r"\bother\b"),
)
CATEGORIES = ("assault", "sexual_assault", "stab_or_gunshot", "other")
__all__ = ["ERROR_COLUMNS", "AmbulanceSummary", "parse"]


@dataclass(frozen=True)
class AmbulanceSummary(Summary):
    # by_category: call-outs by normalised category
    unplaced: int = 0  # loaded rows with neither an LSOA nor a postcode district
    unrecognised_category: int = 0  # loaded as "other"
    identical_rows: int = 0
    by_category_detail: dict[str, int] = field(default_factory=dict)


@dataclass
class AmbulanceParse(ParseResult):
    summary: AmbulanceSummary


def _columns(frame: pd.DataFrame) -> dict[str, str | None]:
    found = {name: find_column(frame, name) for name in (*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS)}
    missing = [name for name in REQUIRED_COLUMNS if found[name] is None]
    if missing:
        raise missing_columns_error("an extract of ambulance call-outs", missing)
    return found


def _canonical(frame: pd.DataFrame, today: dt.date):
    raw = {name: column_text(frame, column) for name, column in _columns(frame).items()}
    problems = Problems(frame.index.to_series())
    called = check_dates(problems, raw[CALLED], CALLED, today)
    require_value(problems, raw[CATEGORY], CATEGORY, CATEGORY)
    category, odd = classify(raw[CATEGORY], CATEGORY_RULES, blank_as="other", fallback="other")
    records = pd.DataFrame(
        {
            "source_row": frame.index.to_numpy(),
            "called_at": called,
            "category": category,
            "category_detail": raw[CATEGORY],
            "lsoa_code": check_lsoa_codes(problems, raw[LSOA], LSOA),
            "postcode_district": check_postcode_districts(problems, raw[DISTRICT], DISTRICT),
            "incident_reference": raw[REFERENCE],
            "financial_year": financial_year_of(called),
            "_odd": odd,
        },
        index=frame.index,
    )
    return records, problems


def parse(frame: pd.DataFrame, *, today: dt.date | None = None) -> AmbulanceParse:
    """Parse an ambulance extract read by reading.py (strings, indexed by data row number)."""
    records, problems = _canonical(frame, today or dt.date.today())
    loaded, errors, row_counts = finish(
        len(frame), records, problems, [*CANONICAL_COLUMNS, "_odd"],
        same_record=["incident_reference"],
    )  # fmt: skip
    period_start, period_end = bounds(loaded["called_at"])
    summary = AmbulanceSummary(
        **row_counts,
        by_category=counts(loaded["category"]),
        period_start=period_start,
        period_end=period_end,
        unplaced=int((loaded["lsoa_code"].isna() & loaded["postcode_district"].isna()).sum()),
        unrecognised_category=int(loaded["_odd"].sum()),
        identical_rows=int(loaded.drop(columns="source_row").duplicated().sum()),
        by_category_detail=counts(loaded["category_detail"]),
    )
    return AmbulanceParse(loaded.drop(columns="_odd"), errors, summary)
