"""Seeded synthetic data for the demo and the benchmarks: no real people, no real places
below local-authority level, nothing copied from real files.

Every generator takes a `seed` and draws from its own numpy Generator stream
(common.stream), so the same arguments give the same frame, whatever ran before. Frames
are strings ('' for blank) indexed by data row number from 1, exactly as reading.py
returns an uploaded file, so they go straight through the personal-data scan and the
parsers; `frame.to_csv(path, index=False)` writes the file a partner would upload.

    areas.py        geography(), deprivation(): ONS-layout lookup and IMD 2019 ranks
    occurrences.py  police_occurrences(): a force extract, canonical or Niche-style headings
    offences.py     the offence mix and its shapes (flags, ages, trends, non-recent)
    health.py       istv() A&E assault attendances, hospital_admissions() by ICD-10 cause,
                    postcode_district_lookup() to apportion admissions
    aggregates.py   youth_justice(), indicator(): partner aggregates by period and area
    denominators.py population() ONS mid-year estimates, census_ethnicity() Census 2021
    reference.py    harm_index_by_code(), harm_index_by_subgroup(): two demo harm indices;
                    home_office_csp_counts(): Home Office recorded crime by CSP
"""

from .aggregates import indicator, youth_justice
from .areas import deprivation, geography
from .denominators import census_ethnicity, population
from .health import hospital_admissions, istv, postcode_district_lookup
from .occurrences import NICHE_HEADINGS, police_occurrences
from .reference import harm_index_by_code, harm_index_by_subgroup, home_office_csp_counts

__all__ = [
    "NICHE_HEADINGS",
    "census_ethnicity",
    "deprivation",
    "geography",
    "harm_index_by_code",
    "harm_index_by_subgroup",
    "home_office_csp_counts",
    "hospital_admissions",
    "indicator",
    "istv",
    "police_occurrences",
    "population",
    "postcode_district_lookup",
    "youth_justice",
]
