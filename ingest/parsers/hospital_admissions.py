"""Hospital admissions for assault -> canonical records + validation, and apportionment of
outward postcode districts to local authorities.

Which admissions count: an ICD-10 external cause of assault, X85 to Y09, in ANY diagnosis
position. Codes may come in one column ("ICD-10 codes", several codes separated by spaces,
commas or semicolons) or one column per position ("Diagnosis 1", "Diagnosis 2", ...,
"Primary diagnosis", "DIAG_01", "Cause code"). X99 (assault by sharp object) sets
`sharp_object`: the VRU core measure, especially for under 25s. A row with no assault code
is rejected: it does not belong in this upload.

Age comes as an age in years, an age band ("18-24", "85+"), or both (they must agree);
`age_band` is the given band, else the ONS five-year band of the age. `under_25` is <NA>
when a band straddles 25 ("20-29").

Areas: an outward postcode district ("BH1") and/or an LSOA code. A full postcode rejects the
row (personal data) and is never repeated in the report. `apportion()` splits records over
local authorities by a loaded district lookup; see its docstring.

Duplicates: with an "Admission reference" (pseudonymised) column, later rows with the same
reference are one admission (episodes of one spell) and are folded; without one, identical
rows are all loaded and counted in `identical_rows`.
"""

import datetime as dt
import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .columns import heading_key
from .common import (
    ERROR_COLUMNS,
    ParseResult,
    Problems,
    Summary,
    bounds,
    check_dates,
    check_lsoa_codes,
    check_postcode_districts,
    column_text,
    counts,
    financial_year_of,
    find_column,
    finish,
    loose_key,
    missing_columns_error,
    normalise_sex,
    parse_age_bands,
    parse_numbers,
    per_distinct,
    text,
)
from .errors import ReadError

SOURCE_KEY = "hospital_admissions"
ADMITTED = "Admission date"
CODES = "ICD-10 codes"
AGE, AGE_BAND, SEX = "Age", "Age band", "Sex"
DISTRICT, LSOA = "Postcode district", "LSOA code"
REFERENCE = "Admission reference"
REQUIRED_COLUMNS = (ADMITTED,)
OPTIONAL_COLUMNS = (
    CODES, "Diagnosis 1", "Diagnosis 2", "Diagnosis 3", AGE, AGE_BAND, SEX, DISTRICT, LSOA,
    REFERENCE,
)  # fmt: skip
# Diagnosis columns are found by heading (the optional list above shows the usual ones).
DIAGNOSIS_HEADING = re.compile(
    r"^(icd ?-?10( codes?)?|diagnos[ie]s( codes?)?|(primary|secondary) diagnosis.*|"
    r"diagnosis( code)? ?\d+|diag ?\d+|(external )?cause( codes?)?)$"
)
CANONICAL_COLUMNS = (
    "source_row",
    "admitted_on",
    "icd10_codes",
    "assault_code",
    "sharp_object",
    "age",
    "age_band",
    "under_25",
    "sex",
    "postcode_district",
    "lsoa_code",
    "admission_reference",
    "financial_year",
)
SEXES = ("male", "female", "other", "unknown")
__all__ = ["ERROR_COLUMNS", "AdmissionsSummary", "Apportionment", "apportion", "parse"]

# An ICD-10 code: a letter and two digits, an optional 4th/5th character (with or without
# the dot), and the filler 'X' or '-' some systems add: X99, X99.1, X991, X99X.
_CODE = r"(?<![A-Z0-9])(?P<cat>[A-Z]\d{2})(?:\.?(?P<sub>\d{1,2}))?[X-]?(?![A-Z0-9])"


@dataclass(frozen=True)
class AdmissionsSummary(Summary):
    # by_category: admissions by first assault code in diagnosis order (X85 ... Y09)
    sharp_object: int = 0
    under_25: int = 0
    sharp_object_under_25: int = 0
    unplaced: int = 0  # loaded rows with neither a postcode district nor an LSOA
    by_postcode_district: dict[str, int] = field(default_factory=dict)
    identical_rows: int = 0


@dataclass
class AdmissionsParse(ParseResult):
    summary: AdmissionsSummary


def five_year_bands(age: pd.Series) -> pd.Series:
    """Ages -> the ONS five-year bands '0-4' ... '80-84', '85+'."""
    low = (age // 5 * 5).astype("Int64")
    band = low.astype("string") + "-" + (low + 4).astype("string")
    return band.mask((age >= 85).fillna(False), "85+").astype("string")


def diagnosis_columns(frame: pd.DataFrame) -> list[str]:
    return [c for c in frame.columns if DIAGNOSIS_HEADING.match(loose_key(c))]


def _read_codes(distinct: pd.Series) -> pd.DataFrame:
    """Each distinct diagnosis text -> all its codes ('; '-joined), its first assault code
    (X85-Y09) and whether any code is X99."""
    found = distinct.str.extractall(_CODE)
    number = pd.to_numeric(found["cat"].str[1:])
    letter = found["cat"].str[0]
    is_assault = ((letter == "X") & (number >= 85)) | ((letter == "Y") & (number <= 9))
    code = (found["cat"] + ("." + found["sub"]).fillna("")).to_numpy(dtype=object)
    rows = found.index.get_level_values(0).to_numpy()
    starts = np.flatnonzero(np.r_[True, rows[1:] != rows[:-1]]) if len(rows) else rows
    # One join per distinct text, not per file row.
    joined = ["; ".join(chunk) for chunk in np.split(code, starts[1:])] if len(rows) else []
    out = pd.DataFrame(index=distinct.index)
    out["all_codes"] = pd.Series(joined, index=rows[starts], dtype="string")
    out["assault"] = found["cat"][is_assault].groupby(rows[is_assault]).first()
    out["sharp"] = (found["cat"] == "X99").groupby(rows).any()
    return out.astype({"all_codes": "string", "assault": "string"})


def _codes(problems: Problems, frame: pd.DataFrame, columns: list[str]):
    joined = frame[columns[0]].astype("string").fillna("")
    for column in columns[1:]:
        joined = joined + " " + frame[column].astype("string").fillna("")
    read = per_distinct(joined.str.upper(), _read_codes)
    all_codes, assault = read["all_codes"], read["assault"]
    sharp = read["sharp"].fillna(False).astype("boolean")
    field_name = " / ".join(str(c) for c in columns)
    problems.add(
        all_codes.isna(),
        field_name,
        "missing_value",
        "There is no ICD-10 code in the diagnosis columns. Give the codes for the admission.",
    )
    problems.add(
        all_codes.notna() & assault.isna(),
        field_name,
        "no_assault_code",
        "None of the ICD-10 codes is an assault code (X85 to Y09, in any diagnosis position). "
        "Only admissions for assault belong in this upload: correct the codes or remove the "
        "row.",
        all_codes,
    )
    return all_codes, assault, sharp


def _ages(problems: Problems, frame: pd.DataFrame):
    raw_age = column_text(frame, find_column(frame, AGE))
    age = parse_numbers(raw_age)
    problems.add(
        raw_age.notna() & age.isna(),
        AGE,
        "unparseable_age",
        "Age is not a number: give it in whole years, such as 19.",
        raw_age,
    )
    impossible = (age < 0) | (age > 120) | (age.round() != age)
    problems.add(
        impossible, AGE, "impossible_age", "Age must be a whole number of years, 0 to 120.", raw_age
    )
    age = age.where(~impossible.fillna(False)).astype("Int64")
    raw_band = column_text(frame, find_column(frame, AGE_BAND))
    band = parse_age_bands(raw_band)
    problems.add(
        raw_band.notna() & band["age_band"].isna(),
        AGE_BAND,
        "unknown_age_band",
        "Age band is not an age range such as 18-24, 85+ or 'under 18'.",
        raw_band,
    )
    outside = (age < band["age_min"]) | (age > band["age_max"])
    problems.add(
        outside,
        AGE_BAND,
        "age_band_mismatch",
        "Age is not inside the age band: correct the age or the band.",
        raw_band,
    )
    under_25 = (age < 25).astype("boolean")
    from_band = pd.Series(pd.NA, index=frame.index, dtype="boolean")
    from_band[(band["age_max"] < 25).fillna(False)] = True
    from_band[(band["age_min"] >= 25).fillna(False)] = False
    return age, band["age_band"].fillna(five_year_bands(age)), under_25.fillna(from_band)


def _sex(problems: Problems, frame: pd.DataFrame) -> pd.Series:
    raw = column_text(frame, find_column(frame, SEX))
    sex = normalise_sex(raw)
    problems.add(
        raw.notna() & ~sex.isin(SEXES).fillna(False),
        SEX,
        "unknown_sex",
        "Sex is not male, female (M/F or 1/2), other or unknown.",
        raw,
    )
    return sex.where(sex.isin(SEXES).fillna(False)).fillna("unknown")


def _canonical(frame: pd.DataFrame, today: dt.date):
    diagnoses = diagnosis_columns(frame)
    if not diagnoses:
        raise missing_columns_error(
            "an extract of hospital admissions",
            [CODES],
            "Give the diagnosis codes in one column, or one column per diagnosis position "
            "(such as 'Diagnosis 1', 'Diagnosis 2').",
        )
    problems = Problems(frame.index.to_series())
    admitted = check_dates(problems, text(frame[find_column(frame, ADMITTED)]), ADMITTED, today)
    all_codes, assault, sharp = _codes(problems, frame, diagnoses)
    age, age_band, under_25 = _ages(problems, frame)
    district = column_text(frame, find_column(frame, DISTRICT))
    lsoa = column_text(frame, find_column(frame, LSOA))
    records = pd.DataFrame(
        {
            "source_row": frame.index.to_numpy(),
            "admitted_on": admitted.dt.normalize(),
            "icd10_codes": all_codes,
            "assault_code": assault,
            "sharp_object": sharp,
            "age": age,
            "age_band": age_band,
            "under_25": under_25,
            "sex": _sex(problems, frame),
            "postcode_district": check_postcode_districts(problems, district, DISTRICT),
            "lsoa_code": check_lsoa_codes(problems, lsoa, LSOA),
            "admission_reference": column_text(frame, find_column(frame, REFERENCE)),
            "financial_year": financial_year_of(admitted),
        },
        index=frame.index,
    )
    return records, problems


def parse(frame: pd.DataFrame, *, today: dt.date | None = None) -> AdmissionsParse:
    """Parse an admissions extract read by reading.py (strings, indexed by data row number)."""
    if find_column(frame, ADMITTED) is None:
        raise missing_columns_error("an extract of hospital admissions", [ADMITTED])
    records, problems = _canonical(frame, today or dt.date.today())
    loaded, errors, row_counts = finish(
        len(frame), records, problems, CANONICAL_COLUMNS, same_record=["admission_reference"]
    )
    under_25 = loaded["under_25"].fillna(False)
    period_start, period_end = bounds(loaded["admitted_on"])
    summary = AdmissionsSummary(
        **row_counts,
        by_category=counts(loaded["assault_code"]),
        period_start=period_start,
        period_end=period_end,
        sharp_object=int(loaded["sharp_object"].sum()),
        under_25=int(under_25.sum()),
        sharp_object_under_25=int((loaded["sharp_object"] & under_25).sum()),
        unplaced=int((loaded["postcode_district"].isna() & loaded["lsoa_code"].isna()).sum()),
        by_postcode_district=counts(loaded["postcode_district"]),
        identical_rows=int(loaded.drop(columns="source_row").duplicated().sum()),
    )
    return AdmissionsParse(loaded, errors, summary)


# --- apportionment -----------------------------------------------------------------------

LOOKUP_COLUMNS = ("postcode_district", "local_authority_code", "share")
SHARE_TOLERANCE = 0.01
METHOD = (
    "Admissions were placed by outward postcode district and apportioned to local "
    "authorities by each district's share in the loaded lookup: a district split between "
    "authorities contributes a fraction of each admission to each. Figures by local "
    "authority are therefore estimates, not counts of addresses."
)


@dataclass
class Apportionment:
    records: pd.DataFrame  # one row per (record, local authority): + local_authority_code, share
    unplaced: pd.DataFrame  # records not apportioned, + unplaced_reason
    placed: float  # sum of shares: the number of records apportioned
    unplaced_by_reason: dict[str, int]
    districts_not_in_lookup: tuple[str, ...]
    apportioned: bool = True  # always: say so wherever these figures are shown
    method: str = METHOD


def _district_key(values: pd.Series) -> pd.Series:
    return values.astype("string").str.upper().str.replace(r"\s+", "", regex=True)


def _lookup(lookup: pd.DataFrame) -> pd.DataFrame:
    by_key = {heading_key(c): c for c in lookup.columns}
    missing = [c for c in LOOKUP_COLUMNS if heading_key(c) not in by_key]
    if missing:
        raise ReadError(
            "bad_lookup",
            f"The postcode district lookup has no {', '.join(missing)} column. It needs "
            "postcode_district, local_authority_code and share.",
        )
    table = pd.DataFrame(
        {
            "postcode_district": _district_key(lookup[by_key["postcode_district"]]),
            "local_authority_code": text(lookup[by_key["local_authority_code"]]),
            "share": pd.to_numeric(lookup[by_key["share"]], errors="coerce"),
        }
    ).dropna(subset=["postcode_district", "local_authority_code"])
    if table["share"].isna().any() or (table["share"] < 0).any():
        raise ReadError("bad_lookup", "Every share in the lookup must be a number, 0 or more.")
    table = table.groupby(["postcode_district", "local_authority_code"], as_index=False).sum()
    totals = table.groupby("postcode_district")["share"].transform("sum")
    off = table.loc[(totals - 1).abs() > SHARE_TOLERANCE, "postcode_district"].unique()
    if len(off):
        raise ReadError(
            "bad_lookup",
            f"The shares of postcode districts {', '.join(sorted(off)[:10])} do not add up to "
            "1. Each district's shares across local authorities must total 1.",
            {"districts": sorted(off)},
        )
    return table.assign(share=table["share"] / totals)  # exactly 1 per district


def apportion(records: pd.DataFrame, lookup: pd.DataFrame) -> Apportionment:
    """Split records over local authorities by postcode district.

    `lookup` has postcode_district, local_authority_code and share (the fraction of the
    district in that authority; each district's shares must total 1, within 0.01, and are
    rescaled to exactly 1). A record in a district split 0.7/0.3 becomes two rows with
    share 0.7 and 0.3, so sums of `share` by authority are the apportioned counts and
    `placed + len(unplaced) == len(records)`. Records with no district (perhaps placed by
    LSOA instead) or a district not in the lookup are returned in `unplaced`, with a reason.
    """
    table = _lookup(lookup)
    district = _district_key(records["postcode_district"])
    known = district.isin(table["postcode_district"]).fillna(False)
    reason = pd.Series("district_not_in_lookup", index=records.index, dtype="string")
    reason = reason.mask(district.isna(), "no_postcode_district")
    unplaced = records[~known].assign(unplaced_reason=reason[~known])
    placed = (
        records[known]
        .assign(_district=district[known])
        .merge(table, left_on="_district", right_on="postcode_district", suffixes=("", "_lu"))
        .drop(columns=["_district", "postcode_district_lu"], errors="ignore")
    )
    return Apportionment(
        records=placed.reset_index(drop=True),
        unplaced=unplaced.reset_index(drop=True),
        placed=float(placed["share"].sum()),
        unplaced_by_reason=counts(unplaced["unplaced_reason"]),
        districts_not_in_lookup=tuple(sorted(district[~known].dropna().unique())),
    )
