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
)}


def source(key: str) -> SourceSpec:
    try:
        return SOURCES[key]
    except KeyError:
        known = ", ".join(sorted(SOURCES))
        raise ValueError(f"Unknown source '{key}'. Known sources: {known}.") from None


def choices() -> list[tuple[str, object]]:
    return [(key, spec.label) for key, spec in SOURCES.items()]
