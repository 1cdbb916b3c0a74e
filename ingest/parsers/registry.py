"""Parsers registered by source key, with the columns each needs.

The upload service looks a source up here to check headings before parsing, so a wrong
choice of source is reported as missing columns. Keys are the same as ingest/sources.py,
which owns everything Django-side about a source (label for forms, open data or shared
under an agreement, publisher, licence); this registry owns only the pure parsing.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pandas as pd

from . import police_occurrences, police_uk_street
from .columns import missing_columns


@dataclass(frozen=True)
class ParserSpec:
    key: str
    label: str
    required_columns: tuple[str, ...]
    optional_columns: tuple[str, ...]
    parse: Callable[..., Any]  # (frame: DataFrame of strings, **options) -> a parse result

    def missing_columns(self, frame: pd.DataFrame) -> list[str]:
        return missing_columns(frame.columns, self.required_columns)


_REGISTRY: dict[str, ParserSpec] = {}


def register(spec: ParserSpec) -> ParserSpec:
    if spec.key in _REGISTRY:
        raise ValueError(f"parser {spec.key!r} is already registered")
    _REGISTRY[spec.key] = spec
    return spec


def get_parser(key: str) -> ParserSpec:
    try:
        return _REGISTRY[key]
    except KeyError:
        raise KeyError(
            f"no parser for source {key!r}; known: {', '.join(sorted(_REGISTRY))}"
        ) from None


def source_keys() -> list[str]:
    return sorted(_REGISTRY)


register(
    ParserSpec(
        key=police_uk_street.SOURCE_KEY,
        label="data.police.uk street-level crime (monthly file)",
        required_columns=police_uk_street.REQUIRED_COLUMNS,
        optional_columns=police_uk_street.OPTIONAL_COLUMNS,
        parse=police_uk_street.parse,
    )
)

register(
    ParserSpec(
        key=police_occurrences.SOURCE_KEY,
        label="Police recorded crime: a force's occurrence-level extract",
        # Canonical field names: a force's own headings go through mapping.apply_mapping
        # (or parse's `mapping`) first, so this check runs on the mapped frame.
        required_columns=police_occurrences.REQUIRED_FIELDS,
        optional_columns=police_occurrences.OPTIONAL_FIELDS,
        parse=police_occurrences.parse,
    )
)

# Health, youth justice, indicator and reference-data parsers. Imported here rather than at
# the top so this block can be appended without touching the lines above.
from . import (  # noqa: E402
    ambulance,
    census_ethnicity,
    harm_weights,
    home_office_csp_counts,
    hospital_admissions,
    indicator,
    istv,
    population,
    youth_justice,
)

# Where the layout decides the columns (population long or wide, youth justice cohort or
# aggregate, harm weights by code or subgroup...), required_columns lists only what every
# layout has, and the parser itself raises ReadError("missing_columns") for its layout.
for _module, _label in (
    (istv, "A&E assault attendances (ISTV minimum data set)"),
    (hospital_admissions, "Hospital admissions for assault (ICD-10 X85-Y09)"),
    (ambulance, "Ambulance call-outs"),
    (youth_justice, "Youth justice: cohort records or aggregates"),
    (indicator, "Indicator: any measure by period and area"),
    (population, "ONS mid-year population estimates (long or wide by year)"),
    (census_ethnicity, "Census 2021 ethnic group by area"),
    (home_office_csp_counts, "Home Office recorded crime by CSP or police force area"),
    (harm_weights, "Crime harm index weights (by offence code or subgroup)"),
):
    register(
        ParserSpec(
            key=_module.SOURCE_KEY,
            label=_label,
            required_columns=_module.REQUIRED_COLUMNS,
            optional_columns=_module.OPTIONAL_COLUMNS,
            parse=_module.parse,
        )
    )
