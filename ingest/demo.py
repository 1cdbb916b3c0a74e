"""Demo data: five financial years of synthetic extracts for the demo partnerships,
generated here (ingest.synthetic) and loaded through the same path as an upload.

Idempotent: a file already loaded is recognised by its checksum and not loaded again."""

import logging
from dataclasses import dataclass
from datetime import date

import pandas as pd
from django.db import transaction

from partners.models import Organisation, Partnership
from partners.reference import local_authorities

from . import processing, services, synthetic
from .models import ColumnMapping, Extract, SharingAgreement
from .parsers import mapping as mapping_module

log = logging.getLogger(__name__)

FIRST_FY, YEARS = 2019, 5
LSOAS_PER_LA = 30
SEED = 2024


@dataclass(frozen=True)
class DemoForce:
    name: str
    codes: tuple[str, ...]
    partnerships: tuple[str, ...]
    rows_per_year: int
    header_style: str


FORCES = (
    DemoForce("Dorset Police", ("E06000058", "E06000059"), ("bcp-csp", "dorset-csp"), 4000,
              "niche"),
    DemoForce("Avon and Somerset Constabulary",
              ("E06000022", "E06000023", "E06000024", "E06000066", "E06000025"),
              ("avon-and-somerset-vrp", "banes-vrp", "bristol-vrp", "north-somerset-vrp",
               "somerset-vrp", "south-gloucestershire-vrp", "banes-csp"), 6000, "canonical"),
    DemoForce("South Wales Police", ("W06000015",), ("cardiff-csp",), 2000, "canonical"),
)


def seed() -> list[Extract]:
    codes = sorted({code for force in FORCES for code in force.codes})
    known = local_authorities()
    geography = synthetic.geography({c: known[c].name for c in codes}, LSOAS_PER_LA, SEED)
    first = Partnership.objects.get(slug=FORCES[0].partnerships[0])
    loaded = [_load(first, None, "geography", "demo-geography.csv", geography),
              _load(first, None, "geography", "demo-deprivation.csv",
                    synthetic.deprivation(geography, SEED))]
    for index, force in enumerate(FORCES):
        loaded += _force(force, geography[geography["LAD19CD"].isin(force.codes)], index)
    return loaded


def _force(force: DemoForce, geography: pd.DataFrame, index: int) -> list[Extract]:
    organisation = Organisation.objects.get(name=force.name)
    partnerships = list(Partnership.objects.filter(slug__in=force.partnerships))
    home = next(p for p in partnerships if p.slug == force.partnerships[0])
    _agreement(organisation, partnerships)
    frame = synthetic.police_occurrences(geography, FIRST_FY, YEARS, force.rows_per_year,
                                         SEED + index, header_style=force.header_style)
    if force.header_style != "canonical":
        _mapping(organisation, frame)
    years = frame.index.to_series().groupby(_financial_year(frame, force.header_style))
    return [_load(home, organisation, "police_occurrences",
                  f"demo-{organisation.slug}-{fy.replace('/', '-')}.csv", frame.loc[rows.index])
            for fy, rows in years]


def _financial_year(frame: pd.DataFrame, style: str) -> pd.Series:
    """Forces share what they recorded in a period: files split by the recorded date."""
    column = synthetic.NICHE_HEADINGS["recorded_date"] if style == "niche" else "recorded_date"
    dates = pd.to_datetime(frame[column], dayfirst=style == "niche", format="mixed")
    start = dates.dt.year - (dates.dt.month < 4)
    return start.astype(str) + "/" + ((start + 1) % 100).astype(str).str.zfill(2)


def _agreement(organisation: Organisation, partnerships: list[Partnership]) -> None:
    reference = f"DEMO-ISA-{organisation.slug.upper()}"
    if SharingAgreement.objects.filter(reference=reference).exists():
        return
    services.agreement_add(
        reference=reference, organisation=organisation, partnerships=partnerships,
        source_keys=["police_occurrences"], lawful_basis="s17a", retention_days=6 * 365,
        starts_on=date(FIRST_FY, 4, 1), review_on=date(2026, 3, 31))


def _mapping(organisation: Organisation, frame: pd.DataFrame) -> None:
    """The saved mapping an analyst would have confirmed for this force's first file."""
    proposals = mapping_module.propose_mapping(list(frame.columns), frame.head(200))
    ColumnMapping.objects.get_or_create(
        organisation=organisation, source="police_occurrences",
        name=f"{organisation.name} Niche export",
        defaults={"mapping": mapping_module.mapping_from(proposals)})


def _load(partnership, organisation, source: str, name: str, frame: pd.DataFrame) -> Extract:
    done = Extract.objects.filter(filename=name, source=source, uploaded_by=None,
                                  status=Extract.Status.LOADED).first()
    if done is not None:  # seeded before: leave the upload history as it was
        return done
    data = frame.to_csv(index=False).encode()
    with transaction.atomic():
        extract = services.extract_receive(
            partnership=partnership, organisation=organisation, source_key=source,
            filename=name, chunks=[data], uploaded_by=None, enqueue=False)
    claimed = processing.claim(extract.pk)
    if claimed is not None:
        processing.process(claimed)
        extract.refresh_from_db()
    log.info("demo %s: %s (%s rows)", name, extract.status, extract.rows_loaded)
    return extract
