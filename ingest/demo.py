"""Demo data: five financial years of synthetic extracts for the demo partnerships,
generated here (ingest.synthetic) and loaded through the same path as an upload.

Reference data (geography, deprivation, population, Census ethnicity, the postcode
district lookup, two demo harm indices, Home Office recorded crime by CSP for the demo
areas and their comparators) is open data; police occurrences, ISTV, admissions, youth
justice and indicators are shared data, each supplied by the organisation of the right
sector in the partnership's line-up under a sharing agreement (lawful basis s17a).

Idempotent: a file already loaded (by name) is not loaded again."""

import logging
from dataclasses import dataclass
from datetime import date

import pandas as pd
from django.db import transaction

from partners.models import Organisation, Partnership, Sector
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

# Outward postcode districts per local authority (synthetic: the outward codes of the
# area, without any claim to the real boundaries). A district under two authorities is
# split between them in the lookup, so its admissions are apportioned.
DISTRICTS = {
    "E06000058": ("BH1", "BH2", "BH3", "BH4", "BH5", "BH6", "BH7", "BH8", "BH9", "BH10",
                  "BH11", "BH12", "BH13", "BH14", "BH15", "BH17", "BH23"),
    "E06000059": ("DT1", "DT2", "DT3", "DT4", "DT5", "DT6", "DT7", "DT8", "DT9", "DT10",
                  "DT11", "BH16", "BH18", "BH19", "BH20", "BH21", "BH23", "BH31"),
    "E06000022": ("BA1", "BA2", "BS31", "BS39"),
    "E06000023": ("BS1", "BS2", "BS3", "BS4", "BS5", "BS6", "BS7", "BS8", "BS9", "BS10",
                  "BS11", "BS13", "BS14", "BS15", "BS16"),
    "E06000024": ("BS20", "BS21", "BS22", "BS23", "BS24", "BS25", "BS29", "BS48", "BS49"),
    "E06000025": ("BS16", "BS30", "BS32", "BS34", "BS35", "BS36", "BS37", "BS15"),
    "E06000066": ("TA1", "TA2", "TA3", "TA4", "TA5", "TA6", "TA7", "TA8", "TA9", "BA2",
                  "BA3", "BA4", "BA5", "BA6", "BS39"),
    "W06000015": ("CF3", "CF5", "CF10", "CF11", "CF14", "CF15", "CF23", "CF24"),
}
ISTV_PER_YEAR = 800  # assault attendances a year at each health board's emergency department
ADMISSIONS_PER_YEAR = 150  # emergency admissions for assault a year, per health board
# The demo forces as the Home Office recorded crime tables name them.
HOME_OFFICE_FORCES = {"Dorset Police": "Dorset",
                      "Avon and Somerset Constabulary": "Avon and Somerset",
                      "South Wales Police": "South Wales"}
# The BCP partnership's comparator group (the assessments app creates it: comparator_areas).
COMPARATOR_PARTNERSHIP, COMPARATOR_GROUP = "bcp-csp", "Most similar group (demo)"
MOST_SIMILAR = ("Southampton", "Portsmouth", "Plymouth", "Brighton and Hove", "Swindon",
                "Milton Keynes")
# Supplying sector -> the shared sources its seat uploads.
SUPPLIED = {
    Sector.HEALTH: ("istv", "hospital_admissions"),
    Sector.YOUTH_JUSTICE: ("youth_justice",),
    Sector.LOCAL_AUTHORITY: ("indicator",),
}


def seed() -> list[Extract]:
    codes = sorted({code for force in FORCES for code in force.codes})
    known = local_authorities()
    geography = synthetic.geography({c: known[c].name for c in codes}, LSOAS_PER_LA, SEED)
    first = Partnership.objects.get(slug=FORCES[0].partnerships[0])
    loaded = [_load(first, None, "geography", "demo-geography.csv", geography),
              _load(first, None, "geography", "demo-deprivation.csv",
                    synthetic.deprivation(geography, SEED))]
    population = synthetic.population(geography, [FIRST_FY + y for y in range(YEARS)], SEED)
    loaded += _denominators(first, geography, population)
    loaded.append(_load(first, None, "postcode_districts", "demo-postcode-districts.csv",
                        synthetic.postcode_district_lookup(
                            {c: DISTRICTS[c] for c in codes if c in DISTRICTS}, SEED)))
    loaded += _reference(first, geography, population)
    for index, force in enumerate(FORCES):
        loaded += _force(force, geography[geography["LAD19CD"].isin(force.codes)], index)
    for index, (organisation, partnerships) in enumerate(_suppliers()):
        loaded += _supplied(organisation, partnerships, geography, index)
    return loaded


def _denominators(partnership: Partnership, geography: pd.DataFrame,
                  population: pd.DataFrame) -> list[Extract]:
    """Five ONS mid-year estimates (one file each, as published) and Census 2021."""
    years = [FIRST_FY + y for y in range(YEARS)]
    loaded = [_load(partnership, None, "population", f"demo-population-mid-{year}.csv",
                    population[population["year"] == str(year)])
              for year in years]  # fmt: skip
    loaded.append(_load(partnership, None, "census_ethnicity", "demo-census-2021-ethnicity.csv",
                        synthetic.census_ethnicity(geography, SEED)))
    return loaded


def _reference(partnership: Partnership, geography: pd.DataFrame,
               population: pd.DataFrame) -> list[Extract]:
    """The two demo harm indices, and Home Office recorded crime by CSP for each demo local
    authority (its residents those of the synthetic population, so its rates agree with
    the demo's own data) and the comparator CSPs."""
    return [
        _load(partnership, None, "harm_weights", "demo-harm-index-by-offence-code.csv",
              synthetic.harm_index_by_code(SEED)),
        _load(partnership, None, "harm_weights", "demo-harm-index-by-offence-subgroup.csv",
              synthetic.harm_index_by_subgroup(SEED)),
        _load(partnership, None, "home_office_csp_counts", "demo-home-office-csp-counts.csv",
              synthetic.home_office_csp_counts(_csp_areas(geography, population), FIRST_FY,
                                               YEARS, SEED)),
        _load(partnership, None, "population", "demo-comparator-population.csv",
              _comparator_population()),
    ]


def _comparator_population() -> pd.DataFrame:
    """Mid-year estimates (all ages, persons) for the comparator local authorities, so that
    comparator rates can be worked out: each area's demo population, growing slightly."""
    codes = {la.name: code for code, la in local_authorities().items()}
    rows = [{"Area code": codes[name], "Year": str(FIRST_FY + y), "Age band": "all",
             "Sex": "persons", "Population": str(round(people * 1.004**y))}
            for name, (_force, people) in synthetic.reference.COMPARATOR_CSPS.items()
            if name in codes for y in range(YEARS)]
    return pd.DataFrame(rows, columns=["Area code", "Year", "Age band", "Sex", "Population"])


def _csp_areas(geography: pd.DataFrame, population: pd.DataFrame) -> dict[str, tuple]:
    """CSP name -> (Home Office force name, residents): the demo local authorities (one CSP
    each, named as the local authority) and then the comparators."""
    la_of = dict(zip(geography["LSOA11CD"], geography["LAD19CD"], strict=True))
    names = dict(zip(geography["LAD19CD"], geography["LAD19NM"], strict=False))
    people = pd.to_numeric(population["population"])
    residents = people.groupby([population["area_code"].map(la_of), population["year"]]).sum()
    areas = {names[code]: (HOME_OFFICE_FORCES[force.name],
                           int(residents.loc[code].mean()))
             for force in FORCES for code in force.codes}  # fmt: skip
    return areas | synthetic.reference.COMPARATOR_CSPS


def comparator_areas() -> tuple[str, list[str]]:
    """(own area, comparator areas) of the BCP partnership's comparator group, named as the
    demo's Home Office counts name them. ingest does not import assessments, so
    assessments/demo.py creates the group (COMPARATOR_GROUP, for COMPARATOR_PARTNERSHIP)."""
    own = local_authorities()["E06000058"].name
    return own, list(MOST_SIMILAR)


def _suppliers() -> list[tuple[Organisation, list[Partnership]]]:
    """Each organisation of a supplying sector seated in a demo partnership, with the demo
    partnerships it sits in (its agreement covers them all), in a stable order."""
    slugs = [slug for force in FORCES for slug in force.partnerships]
    partnerships = {p.slug: p for p in Partnership.objects.filter(slug__in=slugs)}
    found: dict[int, tuple[Organisation, list[Partnership]]] = {}
    for slug in slugs:
        partnership = partnerships[slug]
        seats = partnership.seats.select_related("organisation").filter(
            organisation__sector__in=list(SUPPLIED)).order_by("organisation__name")
        for seat in seats:
            organisation = seat.organisation
            found.setdefault(organisation.pk, (organisation, []))[1].append(partnership)
    return list(found.values())


def _supplied(organisation: Organisation, partnerships: list[Partnership],
              geography: pd.DataFrame, index: int) -> list[Extract]:
    """The shared data one organisation supplies, for its local authorities."""
    codes = [c for c in organisation.local_authority_codes if c in set(geography["LAD19CD"])]
    if not codes:
        return []
    keys = SUPPLIED[organisation.sector]
    _agreement(organisation, partnerships, keys)
    home, seed, slug = partnerships[0], SEED + 100 + index, organisation.slug
    names = dict(zip(geography["LAD19CD"], geography["LAD19NM"], strict=False))
    areas = {code: names[code] for code in codes}
    if organisation.sector == Sector.HEALTH:
        site = f"SYN{index + 1:02d}"  # one emergency department per health board
        istv = synthetic.istv(FIRST_FY, YEARS, ISTV_PER_YEAR, seed, site_code=site)
        districts = sorted({d for code in codes for d in DISTRICTS.get(code, ())})
        admissions = synthetic.hospital_admissions(FIRST_FY, YEARS, ADMISSIONS_PER_YEAR, seed,
                                                   postcode_districts=districts)
        # ISTV is shared by reporting period (the quarter of arrival), so files split by it.
        return [*_by_year(home, organisation, "istv", istv,
                          _year_of(istv["Reporting period start date"])),
                *_by_year(home, organisation, "hospital_admissions", admissions,
                          _year_of(admissions["Admission Date"]))]
    if organisation.sector == Sector.YOUTH_JUSTICE:
        frame = synthetic.youth_justice(areas, FIRST_FY, YEARS, seed)
        return [_load(home, organisation, "youth_justice", f"demo-{slug}-youth-justice.csv",
                      frame)]
    frame = synthetic.indicator(areas, FIRST_FY, YEARS, seed,
                                geography[geography["LAD19CD"].isin(codes)])
    return [_load(home, organisation, "indicator", f"demo-{slug}-indicators.csv", frame)]


def _year_of(stamps: pd.Series) -> pd.Series:
    dates = pd.to_datetime(stamps, dayfirst=True, format="mixed")
    start = dates.dt.year - (dates.dt.month < 4)
    return start.astype(str) + "-" + ((start + 1) % 100).astype(str).str.zfill(2)


def _by_year(partnership, organisation, source: str, frame: pd.DataFrame,
             years: pd.Series) -> list[Extract]:
    """One file per financial year of the demo, as a partner shares a year's data (the
    few attendances of the last March that reached A&E in April fall in a reporting
    period after the demo's years, and are left out)."""
    shown = {f"{FIRST_FY + y}-{(FIRST_FY + y + 1) % 100:02d}" for y in range(YEARS)}
    return [_load(partnership, organisation, source,
                  f"demo-{organisation.slug}-{source.replace('_', '-')}-{fy}.csv",
                  frame.loc[rows.index])
            for fy, rows in frame.index.to_series().groupby(years) if fy in shown]  # fmt: skip


def _force(force: DemoForce, geography: pd.DataFrame, index: int) -> list[Extract]:
    organisation = Organisation.objects.get(name=force.name)
    partnerships = list(Partnership.objects.filter(slug__in=force.partnerships))
    home = next(p for p in partnerships if p.slug == force.partnerships[0])
    _agreement(organisation, partnerships, ("police_occurrences",))
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


def _agreement(organisation: Organisation, partnerships: list[Partnership],
               source_keys) -> None:
    reference = f"DEMO-ISA-{organisation.slug.upper()}"
    if SharingAgreement.objects.filter(reference=reference).exists():
        return
    services.agreement_add(
        reference=reference, organisation=organisation, partnerships=partnerships,
        source_keys=list(source_keys), lawful_basis="s17a", retention_days=6 * 365,
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
