"""Small frame builders for computation tests: rows typed as the selectors type them.

    police = combine(police_rows(3, category="rape"), police_rows(2, knife=True))
    inputs = inputs_with(police=police)
    section = volumes.compute(inputs, selection_of(inputs))

Any column can be overridden; a list or tuple gives one value per row. Unless given,
`financial_year` follows `committed_date` (or `month`) and `recorded_date` is the day after
the committed date, `non_recent` follows the two dates. Code-like columns are pandas
categoricals, as `assessments/frames.py` reads them, so tests catch code that forgets it.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from assessments.computation.inputs import (
    POLICE_COLUMNS,
    STREET_COLUMNS,
    Inputs,
    Selection,
    empty_inputs,
)

POLICE_DEFAULTS = {
    "extract_id": 1, "organisation_id": 1, "occurrence_ref": "",
    "committed_date": "2023-06-15", "committed_time": "", "recorded_date": None,
    "financial_year": None, "offence_code": "8N", "category": "gbh_wounding",
    "offence_group": "Violence against the person",
    "offence_subgroup": "Violence with injury", "weapon_type": "",
    "lsoa_code": "E01000001", "lsoa_vintage": 2011, "ward_code": "E05000001",
    "local_authority_code": "E06000058", "beat": "", "location_type": "", "public_place": False,
    "domestic_abuse": False, "knife": False, "firearm": False, "alcohol": False, "drugs": False,
    "hate": False, "non_recent": None,
    "victim_age": None, "victim_sex": "", "victim_ethnicity": "", "victim_ethnicity_basis": "",
    "suspect_age": None, "suspect_sex": "", "suspect_ethnicity": "",
    "suspect_ethnicity_basis": "", "outcome": "",
}  # fmt: skip

STREET_DEFAULTS = {
    "extract_id": 2, "organisation_id": 1, "month": "2023-06-01", "financial_year": None,
    "crime_id": "", "crime_type": "Violence and sexual offences",
    "category": "violence_and_sexual_offences", "outcome": "", "lsoa_code": "E01000001",
    "lsoa_vintage": 2011, "ward_code": "E05000001", "local_authority_code": "E06000058",
}  # fmt: skip

DATES = ("committed_date", "recorded_date", "month")
BOOLS = ("public_place", "domestic_abuse", "knife", "firearm", "alcohol", "drugs", "hate",
         "non_recent")
INTS = ("victim_age", "suspect_age", "lsoa_vintage")
CODES = ("financial_year", "offence_code", "category", "offence_group", "offence_subgroup",
         "weapon_type", "ward_code", "local_authority_code", "location_type", "victim_sex",
         "suspect_sex", "victim_ethnicity", "suspect_ethnicity", "outcome", "crime_type")


def financial_year_of(day) -> str:
    day = pd.Timestamp(day)
    start = day.year if day.month >= 4 else day.year - 1
    return f"{start}/{(start + 1) % 100:02d}"


def police_rows(count: int = 1, **overrides) -> pd.DataFrame:
    """`count` police occurrences with the defaults above, changed by `overrides`."""
    rows = _rows(POLICE_DEFAULTS, count, overrides)
    for i, row in enumerate(rows):
        row["occurrence_ref"] = row["occurrence_ref"] or f"OCC{i:06d}"
        row["recorded_date"] = row["recorded_date"] or (
            pd.Timestamp(row["committed_date"]) + pd.Timedelta(days=1))
        row["financial_year"] = row["financial_year"] or financial_year_of(row["committed_date"])
        if row["non_recent"] is None:
            delay = pd.Timestamp(row["recorded_date"]) - pd.Timestamp(row["committed_date"])
            row["non_recent"] = delay >= pd.Timedelta(days=365)
    return _typed(pd.DataFrame(rows, columns=list(POLICE_COLUMNS)))


def street_rows(count: int = 1, **overrides) -> pd.DataFrame:
    """`count` data.police.uk records with the defaults above, changed by `overrides`."""
    rows = _rows(STREET_DEFAULTS, count, overrides)
    for row in rows:
        row["financial_year"] = row["financial_year"] or financial_year_of(row["month"])
    return _typed(pd.DataFrame(rows, columns=list(STREET_COLUMNS)))


def yearly_series(counts: dict[str, int], rows=police_rows, **overrides) -> pd.DataFrame:
    """Records for each financial year's count, spread evenly over its twelve months
    (day 15; month for street rows), so monthly counts differ by at most one. Overrides
    are single values, the same for every record."""
    column = "month" if rows is street_rows else "committed_date"
    day = 1 if rows is street_rows else 15
    dates = []
    for year, count in counts.items():
        start = int(year[:4])
        months = [pd.Timestamp(start + (m > 12), (m - 1) % 12 + 1, day)
                  for m in range(4, 16)]
        dates += [months[i % 12] for i in range(count)]
    return rows(len(dates), **({column: dates} | overrides))


def combine(*frames: pd.DataFrame) -> pd.DataFrame:
    """Frames built here, one after the other, typed again (categoricals survive)."""
    frames = [f for f in frames if len(f)] or list(frames[:1])
    joined = pd.concat([f.astype(object) for f in frames], ignore_index=True)
    return _typed(joined)


def inputs_with(financial_year: str = "2023/24", **frames) -> Inputs:
    """Inputs for `financial_year` with the given frames (the rest empty)."""
    return empty_inputs(financial_year, **frames)


def selection_of(inputs: Inputs, *, evaluability: dict | None = None,
                 excluded: Iterable[tuple[str, str, int]] = (), **frames) -> Selection:
    """A selection that keeps every record of `inputs` (or the frames given)."""
    return Selection(
        police=frames.get("police", inputs.police), street=frames.get("street", inputs.street),
        istv=frames.get("istv", inputs.istv), admissions=frames.get("admissions",
                                                                    inputs.admissions),
        evaluability=evaluability or {},
        excluded=pd.DataFrame(list(excluded), columns=["source", "reason", "count"]))


def _rows(defaults: dict, count: int, overrides: dict) -> list[dict]:
    unknown = set(overrides) - set(defaults)
    if unknown:
        raise KeyError(f"unknown columns {sorted(unknown)}")
    rows = []
    for i in range(count):
        row = dict(defaults)
        for key, value in overrides.items():
            row[key] = value[i] if isinstance(value, list | tuple) else value
        rows.append(row)
    return rows


def _typed(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.copy()
    for name in frame.columns:
        if name in DATES:
            frame[name] = pd.to_datetime(frame[name]).astype("datetime64[ns]")
        elif name in BOOLS:
            frame[name] = frame[name].fillna(False).astype(bool)
        elif name in INTS:
            frame[name] = pd.to_numeric(frame[name]).astype("Int64")
        elif name in CODES:
            frame[name] = frame[name].fillna("").astype(str).astype("category")
        elif name in ("extract_id", "organisation_id"):
            frame[name] = frame[name].astype("int64")
        else:
            frame[name] = frame[name].fillna("").astype(str)
    return frame
