"""Demo assessments: each demo partnership gets a local definition (from the preset its
seed documents describe, else the Home Office definition) and a finished assessment of the
latest demo year, computed as a worker would compute it. Idempotent."""

import logging

from ingest import demo as ingest_demo
from ingest.demo import FIRST_FY, YEARS
from partners import demo as partners_demo
from partners.models import Partnership

from . import selectors, services
from .models import Assessment, ComparatorGroup

log = logging.getLogger(__name__)

PRESET_FOR = {
    "avon-and-somerset-vrp": "avon_somerset_vrp",
    "bristol-vrp": "avon_somerset_vrp",
    "banes-vrp": "avon_somerset_vrp",
    "north-somerset-vrp": "avon_somerset_vrp",
    "somerset-vrp": "avon_somerset_vrp",
    "south-gloucestershire-vrp": "avon_somerset_vrp",
    "bcp-csp": "bcp_csp",
    "dorset-csp": "dorset_csp",
}
DEFAULT_PRESET = "home_office_serious_violence"
LAST_FY = FIRST_FY + YEARS - 1


def financial_year() -> str:
    return f"{LAST_FY}/{(LAST_FY + 1) % 100:02d}"


def seed() -> list[Assessment]:
    year = financial_year()
    slugs = [spec.slug for spec in partners_demo.PARTNERSHIPS]
    _comparators()
    done = []
    for partnership in Partnership.objects.filter(slug__in=slugs).order_by("slug"):
        existing = Assessment.objects.filter(partnership=partnership, financial_year=year,
                                             status=Assessment.Status.DONE).first()
        if existing is not None:
            done.append(existing)
            continue
        if not selectors.has_police_data(partnership, year):
            log.info("no demo police records for %s in %s: not assessed", partnership, year)
            continue
        done.append(_run(partnership, year))
    return done


def _comparators() -> None:
    """The demo's comparator group: BCP CSP against synthetic similar areas."""
    partnership = Partnership.objects.filter(slug=ingest_demo.COMPARATOR_PARTNERSHIP).first()
    if partnership is None:
        return
    own, areas = ingest_demo.comparator_areas()
    ComparatorGroup.objects.get_or_create(partnership=partnership,
                                          name=ingest_demo.COMPARATOR_GROUP,
                                          defaults={"own_area": own, "areas": areas})


def _run(partnership: Partnership, year: str) -> Assessment:
    preset = PRESET_FOR.get(partnership.slug, DEFAULT_PRESET)
    definition = services.definition_from_preset(partnership=partnership, financial_year=year,
                                                 key=preset)
    group = ComparatorGroup.objects.filter(partnership=partnership).first()
    assessment = services.assessment_start(
        partnership=partnership, financial_year=year, definition_version=definition.current,
        comparator_group=group, harm_index=next(iter(services.harm_indices()), ""),
        enqueue=False)
    assessment = services.run(services.claim(assessment.pk))
    if assessment.status != Assessment.Status.DONE:
        log.warning("demo assessment for %s failed: %s", partnership, assessment.error)
    return assessment
