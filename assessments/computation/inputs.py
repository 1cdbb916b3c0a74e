"""What an assessment is computed from: plain frames, already limited to the partnership's
area and the assessment's years by the Django selectors (`assessments/selectors.py`).

Every frame may be empty (a source not supplied); every analysis must then say so rather
than fail. Column lists below are the contract between the selectors and the computation;
`empty_inputs()` builds a valid, all-empty `Inputs` for tests to fill in.

Financial years are labels like "2023/24". Dates are pandas datetime64 columns; booleans
are bool (flags) or pandas "boolean" (yes/no/not known); ages are nullable "Int64".
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

# A force's occurrence-level extract (ingest.models.PoliceOccurrence).
POLICE_COLUMNS = (
    "extract_id", "organisation_id", "occurrence_ref",
    "committed_date", "committed_time",  # time "HH:MM" or "" when not given
    "recorded_date", "financial_year",  # financial year of the committed date
    "offence_code", "category", "offence_group", "offence_subgroup", "weapon_type",
    "lsoa_code", "lsoa_vintage", "ward_code", "local_authority_code", "beat",
    "location_type", "public_place",
    "domestic_abuse", "knife", "firearm", "alcohol", "drugs", "hate", "non_recent",
    "victim_age", "victim_sex", "victim_ethnicity", "victim_ethnicity_basis",
    "suspect_age", "suspect_sex", "suspect_ethnicity", "suspect_ethnicity_basis",
    "outcome",
)  # fmt: skip

# data.police.uk street-level records (ingest.models.StreetCrime); `category` is the coarse
# category (taxonomy.COARSE_CATEGORIES), `month` the first day of the month.
STREET_COLUMNS = (
    "extract_id", "organisation_id", "month", "financial_year", "crime_id", "crime_type",
    "category", "outcome", "lsoa_code", "lsoa_vintage", "ward_code", "local_authority_code",
)

# The partnership's LSOAs: one row each, with ward, local authority and deprivation.
# imd_decile is 1 (most deprived 10%) to 10, from IMD (England) or WIMD (Wales) as
# `deprivation_index` says; area_km2 is empty where no boundary size was loaded.
AREA_COLUMNS = (
    "lsoa_code", "lsoa_name", "ward_code", "ward_name", "local_authority_code",
    "local_authority_name", "imd_rank", "imd_decile", "deprivation_index", "area_km2",
)

# ONS mid-year estimates by LSOA (area_level "lsoa") or local authority; year is the
# calendar year of the mid-year estimate (2023 for 2023/24). age_min/age_max nullable.
POPULATION_COLUMNS = ("area_code", "area_level", "year", "age_band", "age_min", "age_max",
                      "sex", "population")

# Census 2021 residents by ethnic group: code is the 16+1 code ("W1".."O2", "" for totals),
# broad_group one of "asian", "black", "mixed", "white", "other".
CENSUS_COLUMNS = ("area_code", "area_level", "ethnic_group_code", "ethnic_group_label",
                  "broad_group", "level", "count")

ISTV_COLUMNS = ("extract_id", "organisation_id", "assaulted_at", "weapon", "location_type",
                "site_code", "financial_year")
ADMISSION_COLUMNS = ("extract_id", "organisation_id", "admitted_on", "assault_code",
                     "sharp_object", "age", "age_band", "under_25", "sex",
                     "local_authority_code", "share", "apportioned", "financial_year")
AMBULANCE_COLUMNS = ("extract_id", "organisation_id", "called_at", "category",
                     "local_authority_code", "financial_year")
YOUTH_RECORD_COLUMNS = ("extract_id", "organisation_id", "child_reference", "age",
                        "first_time_entrant", "offence_date", "outcome", "outcome_code",
                        "knife_possession", "local_authority_code", "financial_year")
YOUTH_AGGREGATE_COLUMNS = ("extract_id", "organisation_id", "financial_year",
                           "local_authority_code", "area_level", "measure", "measure_label",
                           "value")
INDICATOR_COLUMNS = ("extract_id", "organisation_id", "organisation_name", "period_start",
                     "period_end", "area_code", "area_level", "area_name", "measure", "value",
                     "suppressed", "unit", "definition", "source", "measure_cy",
                     "definition_cy")

# Home Office recorded crime by CSP (comparators): one row per area, year and offence code,
# with the taxonomy's category for the code ("" when the code is not in the taxonomy).
HOME_OFFICE_COLUMNS = ("area_name", "financial_year", "offence_code", "category", "count")

# Harm weights of every loaded index: key is an offence code (granularity "offence_code")
# or an offence subgroup name (granularity "offence_subgroup").
HARM_WEIGHT_COLUMNS = ("index_name", "granularity", "key", "weight", "source_note")

# The taxonomy's offence codes (ingest.taxonomy): code -> category, group, subgroup.
OFFENCE_COLUMNS = ("code", "description", "offence_group", "offence_subgroup", "category",
                   "weapon_type", "coarse_category")

# What was loaded: one row per source x organisation x quarter of the assessment's years
# ("2023Q1" is April-June 2023) with status "loaded", "missing" or "superseded".
COVERAGE_COLUMNS = ("source", "organisation_id", "organisation_name", "quarter", "status")


@dataclass
class Inputs:
    financial_year: str  # the year assessed, e.g. "2023/24"
    years: list[str]  # five financial years, oldest first, ending with financial_year
    police: pd.DataFrame  # POLICE_COLUMNS; the definition is NOT yet applied
    street: pd.DataFrame  # STREET_COLUMNS
    areas: pd.DataFrame  # AREA_COLUMNS
    population: pd.DataFrame  # POPULATION_COLUMNS
    census: pd.DataFrame  # CENSUS_COLUMNS
    istv: pd.DataFrame
    admissions: pd.DataFrame
    ambulance: pd.DataFrame
    youth_records: pd.DataFrame
    youth_aggregates: pd.DataFrame
    indicators: pd.DataFrame
    home_office: pd.DataFrame
    harm_weights: pd.DataFrame
    offences: pd.DataFrame
    coverage: pd.DataFrame
    # The partnership's own area name in Home Office tables ("" if not known) and the
    # names of its comparator areas there.
    home_office_area: str = ""
    comparators: list[str] = field(default_factory=list)
    # Last date with data in the assessed year (for year-to-date reporting); None = whole year.
    data_until: pd.Timestamp | None = None


FRAMES = {
    "police": POLICE_COLUMNS, "street": STREET_COLUMNS, "areas": AREA_COLUMNS,
    "population": POPULATION_COLUMNS, "census": CENSUS_COLUMNS, "istv": ISTV_COLUMNS,
    "admissions": ADMISSION_COLUMNS, "ambulance": AMBULANCE_COLUMNS,
    "youth_records": YOUTH_RECORD_COLUMNS, "youth_aggregates": YOUTH_AGGREGATE_COLUMNS,
    "indicators": INDICATOR_COLUMNS, "home_office": HOME_OFFICE_COLUMNS,
    "harm_weights": HARM_WEIGHT_COLUMNS, "offences": OFFENCE_COLUMNS,
    "coverage": COVERAGE_COLUMNS,
}  # fmt: skip


def financial_years(last: str, count: int = 5) -> list[str]:
    """["2019/20", ..., "2023/24"] for last="2023/24"."""
    start = int(last[:4])
    return [f"{y}/{(y + 1) % 100:02d}" for y in range(start - count + 1, start + 1)]


def empty_inputs(financial_year: str = "2023/24", **frames: pd.DataFrame) -> Inputs:
    """Inputs with every frame empty (with its columns) except those given."""
    built = {name: frames.pop(name, pd.DataFrame(columns=list(cols)))
             for name, cols in FRAMES.items()}
    return Inputs(financial_year=financial_year, years=financial_years(financial_year),
                  **built, **frames)


# Rule status per source, as definitions.evaluate reports it.
APPLIED = "applied"  # the source has the field and the rule was applied
PARTLY = "partly"  # applied approximately (e.g. at coarse category level) or the field is
#                    missing for some records (those are left out and counted in
#                    Selection.excluded, e.g. "age_missing")
NOT_EVALUABLE = "not_evaluable"  # the source has no such field: the rule was not applied
NOT_SET = "not_set"  # the definition does not use this rule


@dataclass
class Selection:
    """The records a definition selects, per source, and what could be applied to each."""

    police: pd.DataFrame  # POLICE_COLUMNS rows inside the definition (all five years)
    street: pd.DataFrame  # STREET_COLUMNS rows inside the definition, at coarse level
    istv: pd.DataFrame
    admissions: pd.DataFrame
    # source -> rule -> APPLIED / PARTLY / NOT_EVALUABLE / NOT_SET
    evaluability: dict[str, dict[str, str]]
    # Police records left out, by reason key ("category_not_included", "excluded_code",
    # "age_over_limit", "age_missing", "not_public_place", "flag_not_set", ...): columns
    # source, reason, count (all five years).
    excluded: pd.DataFrame
    # The categories the definition names: each has a row in the volumes, zero or not.
    categories: tuple[str, ...] = ()

    def partly_applied(self, source: str) -> bool:
        return any(s in (PARTLY, NOT_EVALUABLE)
                   for s in self.evaluability.get(source, {}).values())
