"""Where each source's canonical records are stored, and how they are dated and counted.

Adding a source is a parser (ingest/parsers/) and an entry here."""

from dataclasses import dataclass

from .models import PoliceOccurrence, StreetCrime


@dataclass(frozen=True)
class Loader:
    model: type
    columns: tuple[str, ...]  # canonical columns stored, named as the model's fields
    # The date that defines the sharing period: it sets the extract's period and which
    # older rows a new extract supersedes. For occurrences this is the RECORDED date:
    # forces share what they recorded in a quarter, and non-recent offences committed
    # years earlier must not make a new file replace old ones.
    date_column: str
    category_column: str  # counted for the upload summary
    placed: bool = True  # records carry an LSOA and are placed in areas


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
}

# Canonical names that differ from the model's field names, per source.
RENAMES = {"police_uk_street": {"coarse_category": "category"}}


def models_with_rows() -> list[type]:
    return [loader.model for loader in LOADERS.values()]
