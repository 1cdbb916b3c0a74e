"""Assessment fixtures: a partnership with a known set of police records (counts chosen by
hand, so expectations are hand-computed), its areas and population."""

from datetime import date

import pytest

from ingest.models import Extract, LsoaArea, PoliceOccurrence, PopulationEstimate
from partners.models import Organisation

BCP = "E06000058"
LSOAS = [("E01015000", "Ward A", "E05000001"), ("E01015001", "Ward A", "E05000001"),
         ("E01015002", "Ward B", "E05000002"), ("E01015003", "Ward C", "E05000003")]
# category -> counts for 2019/20 .. 2023/24 (committed in June of each year)
COUNTS = {
    "personal_robbery": [150, 172, 131, 82, 88],
    "wounding_gbh_with_intent": [40, 44, 50, 61, 90],
    "rape": [30, 31, 29, 33, 31],
    "homicide": [1, 0, 2, 1, 3],
}
CODES = {"personal_robbery": "34B", "wounding_gbh_with_intent": "5D", "rape": "19C",
         "homicide": "1/4.1/4.10/4.2"}
YEARS = ["2019/20", "2020/21", "2021/22", "2022/23", "2023/24"]


def police_org(partnership) -> Organisation:
    return partnership.seats.get(organisation__sector="police").organisation


def add_extract(partnership, organisation, source="police_occurrences", name="x.csv"):
    return Extract.objects.create(
        partnership=partnership, organisation=organisation, source=source, filename=name,
        sha256=f"{abs(hash(name)):064d}"[:64], size=1, status=Extract.Status.LOADED,
        period_start=date(2019, 4, 1), period_end=date(2024, 3, 31))


def add_occurrences(partnership, counts=COUNTS, extract=None, *, knife_every=3,
                    local_authority=BCP):
    organisation = police_org(partnership)
    extract = extract or add_extract(partnership, organisation)
    rows, n = [], 0
    for category, series in counts.items():
        for year_index, count in enumerate(series):
            year = 2019 + year_index
            for i in range(count):
                n += 1
                lsoa, _ward, ward_code = LSOAS[i % len(LSOAS)]
                rows.append(PoliceOccurrence(
                    extract=extract, organisation=organisation, occurrence_ref=f"R{n}",
                    committed_date=date(year, 6, 1 + i % 28), committed_time=f"{i % 24:02d}:00",
                    recorded_date=date(year, 6, 1 + i % 28), financial_year=YEARS[year_index],
                    offence_code=CODES[category], category=category, lsoa_code=lsoa,
                    lsoa_vintage=2011, ward_code=ward_code,
                    local_authority_code=local_authority,
                    public_place=i % 2 == 0, knife=i % knife_every == 0,
                    domestic_abuse=i % 5 == 0, victim_age=15 + i % 40,
                    victim_sex="female" if i % 2 else "male",
                    suspect_age=16 + i % 30, suspect_sex="male"))
    PoliceOccurrence.objects.bulk_create(rows, batch_size=2000)
    return extract


@pytest.fixture
def areas(db):
    for code, ward, ward_code in LSOAS:
        LsoaArea.objects.create(code=code, name=f"{ward} {code[-1]}", vintage=2011,
                                ward_code=ward_code, ward_name=ward,
                                local_authority_code=BCP, imd_rank=1000 * int(code[-1]) + 1)


@pytest.fixture
def population(world, areas):
    extract = Extract.objects.create(partnership=world.home, source="population",
                                     filename="population.csv", sha256="1" * 64, size=1,
                                     status=Extract.Status.LOADED)
    PopulationEstimate.objects.bulk_create(
        PopulationEstimate(extract=extract, source_row=i, area_code=code, area_level="lsoa",
                           year=year, age_band="all", sex="persons", population=1500)
        for i, (code, year) in enumerate((c, y) for c, _w, _wc in LSOAS
                                         for y in range(2019, 2024)))
    return extract


@pytest.fixture
def police(world, areas):
    return add_occurrences(world.home)
