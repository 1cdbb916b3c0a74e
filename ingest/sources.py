"""The kinds of data the platform takes in, and who may supply each.

Shared data (under the Duty) is uploaded under an information-sharing agreement in force;
open data loads without one and records its publisher and licence instead."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from partners.models import Sector

OGL = "Open Government Licence v3.0"


@dataclass(frozen=True)
class SourceSpec:
    key: str
    label: object
    open_data: bool
    supplier_sector: str = ""  # whose seat supplies it by default
    publisher: str = ""
    licence: str = ""
    reference: bool = False  # reference data (geography, population...), not records


SOURCES: dict[str, SourceSpec] = {s.key: s for s in (
    SourceSpec("police_uk_street", _("data.police.uk street-level crime"), True,
               Sector.POLICE, "data.police.uk (Home Office)", OGL),
    SourceSpec("police_occurrences", _("Police recorded crime occurrences"), False,
               Sector.POLICE),
    SourceSpec("istv", _("A&E assault attendances (ISTV)"), False, Sector.HEALTH),
    SourceSpec("hospital_admissions", _("Hospital admissions for assault"), False,
               Sector.HEALTH),
    SourceSpec("ambulance", _("Ambulance call-outs"), False, Sector.HEALTH),
    SourceSpec("youth_justice", _("Youth justice"), False, Sector.YOUTH_JUSTICE),
    SourceSpec("indicator", _("Indicator from a partner organisation"), False, ""),
    SourceSpec("geography", _("ONS geography lookups"), True, "",
               "Office for National Statistics", OGL, reference=True),
    SourceSpec("population", _("ONS mid-year population estimates"), True, "",
               "Office for National Statistics", OGL, reference=True),
    SourceSpec("census_ethnicity", _("Census 2021 ethnic group by area"), True, "",
               "Office for National Statistics", OGL, reference=True),
    SourceSpec("home_office_csp_counts",
               _("Home Office police recorded crime by CSP or police force area"), True, "",
               "Home Office", OGL, reference=True),
    # The publisher and licence depend on the index: recorded on the extract when it loads
    # (HARM_INDEX_PROVENANCE).
    SourceSpec("harm_weights", _("Crime harm index weights"), True, "", reference=True),
    SourceSpec("postcode_districts", _("Postcode district to local authority lookup"), True,
               "", "Office for National Statistics (ONS Postcode Directory)", OGL,
               reference=True),
)}

# Publisher and licence of the harm indices the harm_weights parser recognises by name.
HARM_INDEX_PROVENANCE = {
    "Cambridge Crime Harm Index": (
        "Cambridge Centre for Evidence-Based Policing, University of Cambridge",
        "Creative Commons (variant not stated by the publisher)"),
    "ONS Crime Severity Score": ("Office for National Statistics", OGL),
}
LICENCE_NOT_STATED = "Not stated: check the publisher's terms"


def harm_index_provenance(index_name: str, source_note: str = "") -> tuple[str, str]:
    """(publisher, licence) of a harm index: known indices by name; for any other, the
    file's own source note (or the index name) and a licence still to be checked."""
    if index_name in HARM_INDEX_PROVENANCE:
        return HARM_INDEX_PROVENANCE[index_name]
    return (source_note or index_name)[:200], LICENCE_NOT_STATED


def source(key: str) -> SourceSpec:
    try:
        return SOURCES[key]
    except KeyError:
        known = ", ".join(sorted(SOURCES))
        raise ValueError(f"Unknown source '{key}'. Known sources: {known}.") from None


def choices() -> list[tuple[str, object]]:
    return [(key, spec.label) for key, spec in SOURCES.items()]
