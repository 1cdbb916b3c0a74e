"""Where each source's canonical records are stored, and how they are dated and counted.

Adding a source is a parser (ingest/parsers/) and an entry here.

Replacement rules: what a newly loaded extract replaces, in the same transaction as its load.
  - Records of events shared by an organisation (police, admissions, ambulance, youth
    justice cohort records): the organisation's older rows of the same source dated within
    the new extract's period (`date_column`; for police occurrences the recorded date) are
    replaced, as for police data.
  - ISTV is submitted per emergency department site and reporting period (both on every
    row): a new extract replaces the organisation's older rows for the same sites and
    reporting periods, so another site's submission for the quarter stays.
  - Aggregates shared by an organisation (youth justice aggregates, indicators): one value
    per cell, so a new extract replaces the organisation's older values for the same cells
    (`replace_keys`: period, area and measure) and leaves other cells alone. A council that
    uploads school exclusions and then a residents' survey for the same year keeps both.
  - Reference data from a publisher (`per_organisation=False`), whoever uploaded it:
      population        the estimates for the same years and areas (every age band and sex,
                        so a file in other age bands leaves no stale bands behind);
      census_ethnicity  the counts for the same areas;
      home_office       the counts for the same area level, financial years and areas
                        (the Home Office revises back series in each publication);
      harm_weights      the weights of the same index at the same granularity (the CCHI by
                        subgroup and by offence code can both be kept, each named as such).
An older extract left with no rows is marked superseded by the new one.
"""

from dataclasses import dataclass

from . import sources
from .models import (
    AmbulanceCallout,
    CensusEthnicity,
    HarmWeight,
    HomeOfficeCount,
    HospitalAdmission,
    IndicatorValue,
    IstvAttendance,
    PoliceOccurrence,
    PopulationEstimate,
    StreetCrime,
    YouthJusticeAggregate,
    YouthJusticeRecord,
)


@dataclass(frozen=True)
class Loader:
    model: type
    columns: tuple[str, ...]  # canonical columns stored, named as the model's fields
    # The date that defines the sharing period: it sets the extract's period and which
    # older rows a new extract supersedes. For occurrences this is the RECORDED date:
    # forces share what they recorded in a quarter, and non-recent offences committed
    # years earlier must not make a new file replace old ones. For records covering a period
    # (an ISTV reporting period, an indicator's quarter) it is the period's first day. Empty
    # where records have no date (financial years, mid-year estimates, harm weights): the
    # period is then the parser's summary's, and rows are replaced by `replace_keys` only.
    date_column: str
    # Counted for the upload summary. Empty: the parser's own `by_category` (which sums
    # people or offences where counting rows would mean nothing), as records are stored as
    # parsed.
    category_column: str
    placed: bool = True  # records carry an LSOA and are placed in areas
    # With date_column, the last day of the period each record covers (a reporting period,
    # an indicator's quarter): the extract's period runs to the latest, and older rows are
    # replaced only when their whole period lies within the new extract's.
    end_column: str = ""
    # Replace only older rows whose values in these columns occur in the new file (see the
    # module docstring); with a date_column, also only those dated within the new period.
    replace_keys: tuple[str, ...] = ()
    per_organisation: bool = True  # replace only the same organisation's rows
    # Records without an LSOA are apportioned to local authorities by outward postcode
    # district with the loaded lookup (PostcodeDistrictShare).
    apportion: bool = False
    # Other tables for other layouts of the same source: ((parse.layout, Loader), ...).
    layouts: tuple = ()
    # (parse result) -> (publisher, licence) when they depend on the file (harm indices).
    provenance: object = None

    def for_parse(self, parsed) -> "Loader":
        """The loader for this parse result's layout (youth justice cohort or aggregate)."""
        return dict(self.layouts).get(getattr(parsed, "layout", None), self)

    @property
    def models(self) -> list[type]:
        return [self.model, *(loader.model for _layout, loader in self.layouts)]


def _harm_provenance(parsed) -> tuple[str, str]:
    notes = parsed.records["source_note"].dropna()
    note = str(notes.iloc[0]) if len(notes) else ""
    return sources.harm_index_provenance(parsed.index_name, note)


LOADERS: dict[str, Loader] = {
    "police_uk_street": Loader(
        StreetCrime,
        ("month", "crime_id", "crime_type", "category", "outcome", "lsoa_code", "longitude",
         "latitude", "location"),
        "month", "crime_type"),
    "police_occurrences": Loader(
        PoliceOccurrence,
        ("occurrence_ref", "committed_date", "committed_time", "recorded_date",
         "financial_year", "offence_code", "offence_description", "category", "offence_group",
         "offence_subgroup", "weapon_type", "lsoa_code", "ward_code", "beat", "location_type",
         "public_place", "domestic_abuse", "knife", "firearm", "alcohol", "drugs", "hate",
         "non_recent", "victim_age", "victim_sex", "victim_ethnicity", "victim_ethnicity_basis",
         "suspect_age", "suspect_sex", "suspect_ethnicity", "suspect_ethnicity_basis",
         "outcome"),
        "recorded_date", "category"),
    "istv": Loader(
        IstvAttendance,
        ("source_row", "attended_at", "assaulted_at", "weapon", "weapon_detail",
         "location_type", "location_detail", "site_code", "reporting_period_start",
         "reporting_period_end", "financial_year"),
        "reporting_period_start", "weapon", placed=False,
        end_column="reporting_period_end",
        replace_keys=("site_code", "reporting_period_start", "reporting_period_end")),
    "hospital_admissions": Loader(
        HospitalAdmission,
        ("source_row", "admitted_on", "icd10_codes", "assault_code", "sharp_object", "age",
         "age_band", "under_25", "sex", "postcode_district", "lsoa_code", "share",
         "apportioned", "admission_reference", "financial_year"),
        "admitted_on", "assault_code", apportion=True),
    "ambulance": Loader(
        AmbulanceCallout,
        ("source_row", "called_at", "category", "category_detail", "lsoa_code",
         "postcode_district", "incident_reference", "financial_year"),
        "called_at", "category"),
    "youth_justice": Loader(
        YouthJusticeRecord,
        ("source_row", "child_reference", "age", "first_time_entrant", "offence_date",
         "outcome", "outcome_code", "knife_possession", "local_authority_code",
         "financial_year"),
        "offence_date", "", placed=False,
        layouts=(("aggregate", Loader(
            YouthJusticeAggregate,
            ("source_row", "financial_year", "local_authority_code", "area_level", "measure",
             "measure_label", "value"),
            "", "measure", placed=False,
            replace_keys=("measure", "financial_year", "local_authority_code"))),)),
    "indicator": Loader(
        IndicatorValue,
        ("source_row", "period_start", "period_end", "area_code", "area_level", "area_name",
         "measure", "value", "suppressed", "unit", "definition", "source", "measure_cy",
         "definition_cy"),
        "period_start", "measure", placed=False, end_column="period_end",
        replace_keys=("measure", "period_start", "period_end", "area_code")),
    "population": Loader(
        PopulationEstimate,
        ("source_row", "area_code", "area_level", "year", "age_band", "age_min", "age_max",
         "sex", "population"),
        "", "", placed=False, per_organisation=False, replace_keys=("year", "area_code")),
    "census_ethnicity": Loader(
        CensusEthnicity,
        ("source_row", "area_code", "area_level", "ethnic_group_code", "ethnic_group_label",
         "broad_group", "level", "count"),
        "", "", placed=False, per_organisation=False, replace_keys=("area_code",)),
    "home_office_csp_counts": Loader(
        HomeOfficeCount,
        ("source_row", "financial_year", "quarter", "area_level", "area_name", "force_name",
         "offence_code", "in_taxonomy", "offence_description", "offence_group",
         "offence_subgroup", "count"),
        "", "", placed=False, per_organisation=False,
        replace_keys=("area_level", "financial_year", "area_name")),
    "harm_weights": Loader(
        HarmWeight,
        ("source_row", "index_name", "granularity", "key", "label", "weight", "taxonomy_keys",
         "in_taxonomy", "raw_key", "source_note"),
        "", "", placed=False, per_organisation=False,
        replace_keys=("index_name", "granularity"), provenance=_harm_provenance),
}

# Reference lookups loaded by processing._load_geography rather than through LOADERS.
LOOKUP_SOURCES = ("geography", "postcode_districts")

# Canonical names that differ from the model's field names, per source.
RENAMES = {"police_uk_street": {"coarse_category": "category"}}


def models_with_rows() -> list[type]:
    return [model for loader in LOADERS.values() for model in loader.models]
