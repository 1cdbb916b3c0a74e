"""Reads for the assessment: the partnership's records and reference data as the plain
frames the computation takes (computation/inputs.py), and what they came from.

A partnership sees the rows of extracts it may see (ingest.selectors.extracts_of) that lie
inside its own area: Avon and Somerset Constabulary's force-wide file serves the regional
VRP and each local partnership, each with its own records. Records the loader could not
place in any area belong to a partnership only when its area covers the whole of the
supplier's area (a regional VRP), since they may lie anywhere in it.
"""

from dataclasses import dataclass
from datetime import date

import pandas as pd
from django.db.models import Q, QuerySet, Sum

from ingest import models as records
from ingest.coverage import coverage, financial_year
from ingest.parsers.common import financial_year_of
from ingest.placement import current_code
from ingest.selectors import extracts_of
from ingest.taxonomy import load_taxonomy
from partners.models import Partnership

from . import frames as f
from .computation.inputs import FRAMES, Inputs, financial_years

# England's LSOAs (2011) for IMD deciles; Wales's for WIMD 2019.
LSOAS_IN = {"england": 32_844, "wales": 1_909}
INDEX_NAME = {"england": "IMD 2019", "wales": "WIMD 2019"}

POLICE = {
    "extract_id": f.INT, "organisation_id": f.INT, "occurrence_ref": f.TEXT,
    "committed_date": f.DATE, "committed_time": f.CODE, "recorded_date": f.DATE,
    "financial_year": f.CODE, "offence_code": f.CODE, "category": f.CODE,
    "offence_group": f.CODE, "offence_subgroup": f.CODE, "weapon_type": f.CODE,
    "lsoa_code": f.CODE, "lsoa_vintage": f.INT, "ward_code": f.CODE,
    "local_authority_code": f.CODE, "beat": f.CODE, "location_type": f.CODE,
    "public_place": f.BOOL, "domestic_abuse": f.BOOL, "knife": f.BOOL, "firearm": f.BOOL,
    "alcohol": f.BOOL, "drugs": f.BOOL, "hate": f.BOOL, "non_recent": f.BOOL,
    "victim_age": f.INT, "victim_sex": f.CODE, "victim_ethnicity": f.CODE,
    "victim_ethnicity_basis": f.CODE, "suspect_age": f.INT, "suspect_sex": f.CODE,
    "suspect_ethnicity": f.CODE, "suspect_ethnicity_basis": f.CODE, "outcome": f.CODE,
}  # fmt: skip
STREET = {
    "extract_id": f.INT, "organisation_id": f.INT, "month": f.DATE, "crime_id": f.TEXT,
    "crime_type": f.CODE, "category": f.CODE, "outcome": f.CODE, "lsoa_code": f.CODE,
    "lsoa_vintage": f.INT, "ward_code": f.CODE, "local_authority_code": f.CODE,
}
ISTV = {"extract_id": f.INT, "organisation_id": f.INT, "assaulted_at": f.DATETIME,
        "weapon": f.CODE, "location_type": f.CODE, "site_code": f.CODE,
        "financial_year": f.CODE}
ADMISSIONS = {"extract_id": f.INT, "organisation_id": f.INT, "admitted_on": f.DATE,
              "assault_code": f.CODE, "sharp_object": f.BOOL, "age": f.INT,
              "age_band": f.CODE, "under_25": f.OPTIONAL_BOOL, "sex": f.CODE,
              "local_authority_code": f.CODE, "share": f.FLOAT, "apportioned": f.BOOL,
              "financial_year": f.CODE}
AMBULANCE = {"extract_id": f.INT, "organisation_id": f.INT, "called_at": f.DATETIME,
             "category": f.CODE, "local_authority_code": f.CODE, "financial_year": f.CODE}
YOUTH_RECORDS = {"extract_id": f.INT, "organisation_id": f.INT, "child_reference": f.TEXT,
                 "age": f.INT, "first_time_entrant": f.OPTIONAL_BOOL, "offence_date": f.DATE,
                 "outcome": f.CODE, "outcome_code": f.INT, "knife_possession": f.OPTIONAL_BOOL,
                 "local_authority_code": f.CODE, "financial_year": f.CODE}
YOUTH_AGGREGATES = {"extract_id": f.INT, "organisation_id": f.INT, "financial_year": f.CODE,
                    "local_authority_code": f.CODE, "area_level": f.CODE, "measure": f.CODE,
                    "measure_label": f.CODE, "value": f.FLOAT}
INDICATORS = {"extract_id": f.INT, "organisation_id": f.INT,
              "organisation__name": f.CODE, "period_start": f.DATE, "period_end": f.DATE,
              "area_code": f.CODE, "area_level": f.CODE, "area_name": f.CODE,
              "measure": f.CODE, "value": f.FLOAT, "suppressed": f.BOOL, "unit": f.CODE,
              "definition": f.CODE, "source": f.CODE, "measure_cy": f.CODE,
              "definition_cy": f.CODE}


@dataclass(frozen=True)
class Scope:
    """What a partnership's assessment for a year may read."""

    partnership: Partnership
    financial_year: str
    codes: frozenset[str]  # current local authority codes of its area
    extract_ids: frozenset[int]  # loaded extracts it may see
    whole_supplier_orgs: frozenset[int]  # suppliers whose whole area lies in the partnership
    # Of those extracts, the ones whose stored rows all lie in the area (by the local
    # authorities recorded when they were loaded): read whole, with no test per row.
    contained_ids: frozenset[int] = frozenset()

    @property
    def years(self) -> list[str]:
        return financial_years(self.financial_year)

    @property
    def first_day(self) -> date:
        return date(int(self.years[0][:4]), 4, 1)

    @property
    def last_day(self) -> date:
        return date(int(self.financial_year[:4]) + 1, 3, 31)

    def placed(self, queryset: QuerySet) -> QuerySet:
        """Rows of its extracts inside its area (and unplaced rows of whole-area suppliers)."""
        inside = Q(local_authority_code__in=self.codes)
        unplaced = Q(local_authority_code="", organisation_id__in=self.whole_supplier_orgs)
        tested = Q(extract_id__in=self.extract_ids - self.contained_ids) & (inside | unplaced)
        if self.contained_ids:
            return queryset.filter(Q(extract_id__in=self.contained_ids) | tested)
        return queryset.filter(tested)


def has_police_data(partnership: Partnership, financial_year: str) -> bool:
    """Whether any police record (occurrence or data.police.uk) of the partnership's area
    lies in the financial year: an assessment without any would report zeros for a year
    nobody supplied."""
    scope = scope_for(partnership, financial_year)
    start, end = date(int(financial_year[:4]), 4, 1), scope.last_day
    return (scope.placed(records.PoliceOccurrence.objects)
            .filter(committed_date__range=(start, end)).exists()
            or scope.placed(records.StreetCrime.objects)
            .filter(month__range=(start, end)).exists())


POLICE_SOURCES = ("police_occurrences", "police_uk_street")


def police_years(partnership: Partnership) -> list[str]:
    """Financial years, latest first, that a loaded police extract the partnership may see
    covers: the years an assessment can be started for. An extract's period spans its
    supplier's area, so a year listed here may still hold no record of this area;
    has_police_data answers that when the run is started."""
    periods = (extracts_of(partnership)
               .filter(status=records.Extract.Status.LOADED, source__in=POLICE_SOURCES)
               .exclude(period_start=None).exclude(period_end=None)
               .values_list("period_start", "period_end").distinct())
    years = set()
    for start, end in periods:
        years.update(range(financial_year(start), financial_year(end) + 1))
    return [f"{y}/{(y + 1) % 100:02d}" for y in sorted(years, reverse=True)]


def scope_for(partnership: Partnership, financial_year: str) -> Scope:
    codes = frozenset(current_code(c) for c in partnership.local_authority_codes)
    visible = extracts_of(partnership).filter(status=records.Extract.Status.LOADED)
    ids = frozenset(visible.values_list("pk", flat=True))
    suppliers = {}
    for extract in visible.exclude(organisation=None).select_related("organisation"):
        org = extract.organisation
        suppliers[org.pk] = {current_code(c) for c in org.local_authority_codes}
    whole = frozenset(pk for pk, area in suppliers.items() if area and area <= codes)
    return Scope(partnership, financial_year, codes, ids, whole,
                 _contained(visible, codes, whole))


def _contained(extracts, codes: frozenset[str], whole: frozenset[int]) -> frozenset[int]:
    """Extracts whose rows all lie in the area: every local authority their rows were placed
    in when loaded (loading.record_outcome) is one of `codes`, or is none ("") from a
    supplier whose whole area lies in it. Rows only ever leave an extract (superseded or
    purged), so what was recorded then still bounds them."""
    contained = set()
    for pk, organisation_id, report in extracts.values_list("pk", "organisation_id", "report"):
        recorded = (report or {}).get("local_authorities")
        if recorded is None:  # loaded before they were recorded: tested row by row
            continue
        allowed = codes | ({""} if organisation_id in whole else set())
        if set(recorded) <= allowed:
            contained.add(pk)
    return frozenset(contained)


def inputs_for(scope: Scope, *, home_office_area: str = "",
               comparators: list[str] | None = None) -> Inputs:
    """Everything the computation needs, limited to the scope."""
    years = scope.years
    start, end = scope.first_day, scope.last_day
    police, street = _police_records(scope, start, end)
    areas = areas_of(scope)
    lsoas = set(areas["lsoa_code"])
    built = {
        "police": police, "street": street, "areas": areas,
        "population": pd.concat([_population(lsoas, scope.codes),
                                 comparator_population([home_office_area,
                                                        *(comparators or [])])],
                                ignore_index=True),
        "census": _census(lsoas, scope.codes),
        "istv": f.read(records.IstvAttendance.objects.filter(
            extract_id__in=scope.extract_ids, financial_year__in=years), ISTV),
        "admissions": f.read(scope.placed(records.HospitalAdmission.objects)
                             .filter(financial_year__in=years), ADMISSIONS),
        "ambulance": f.read(scope.placed(records.AmbulanceCallout.objects)
                            .filter(financial_year__in=years), AMBULANCE),
        "youth_records": f.read(records.YouthJusticeRecord.objects.filter(
            extract_id__in=scope.extract_ids, local_authority_code__in=scope.codes,
            financial_year__in=years), YOUTH_RECORDS),
        "youth_aggregates": f.read(records.YouthJusticeAggregate.objects.filter(
            extract_id__in=scope.extract_ids, local_authority_code__in=scope.codes),
            YOUTH_AGGREGATES),
        "indicators": _indicators(scope, lsoas, areas),
        "home_office": _home_office(),
        "harm_weights": pd.DataFrame.from_records(
            records.HarmWeight.objects.values_list("index_name", "granularity", "key",
                                                   "weight", "source_note"),
            columns=list(FRAMES["harm_weights"])),
        "offences": _offences(),
        "coverage": _coverage(scope),
    }
    for name, columns in FRAMES.items():
        missing = [c for c in columns if c not in built[name].columns]
        if missing:
            raise AssertionError(f"selector for {name} lacks {missing}")
        built[name] = built[name][list(columns)]
    until = _data_until(police, street, scope)
    return Inputs(financial_year=scope.financial_year, years=years, **built,
                  home_office_area=home_office_area, comparators=list(comparators or []),
                  data_until=until)


def areas_of(scope: Scope) -> pd.DataFrame:
    rows = records.LsoaArea.objects.filter(local_authority_code__in=_with_predecessors(scope))
    fields = ["code", "name", "ward_code", "ward_name", "local_authority_code",
              "local_authority_name", "imd_rank", "area_km2"]
    have = {field.name for field in records.LsoaArea._meta.get_fields()}
    present = [name for name in fields if name in have]
    frame = pd.DataFrame.from_records(rows.values_list(*present), columns=present)
    frame = frame.reindex(columns=fields)
    frame = frame.rename(columns={"code": "lsoa_code", "name": "lsoa_name"})
    frame["local_authority_code"] = frame["local_authority_code"].map(current_code)
    nation = scope.partnership.nation
    rank = pd.to_numeric(frame["imd_rank"], errors="coerce")
    decile = ((rank - 1) * 10 // LSOAS_IN.get(nation, LSOAS_IN["england"]) + 1).clip(1, 10)
    frame["imd_decile"] = decile.astype("Int64")
    frame["deprivation_index"] = INDEX_NAME.get(nation, INDEX_NAME["england"])
    frame["area_km2"] = pd.to_numeric(frame["area_km2"], errors="coerce")
    return frame


def _with_predecessors(scope: Scope) -> set[str]:
    codes = set(scope.codes)
    codes |= {old for old in records.LocalAuthority.objects.filter(
        successor_code__in=scope.codes).values_list("code", flat=True)}
    from ingest.placement import successors

    codes |= {old for old, new in successors().items() if new in scope.codes}
    return codes


def _population(lsoas: set[str], codes: frozenset[str]) -> pd.DataFrame:
    rows = records.PopulationEstimate.objects.filter(Q(area_code__in=lsoas)
                                                     | Q(area_code__in=codes))
    return pd.DataFrame.from_records(rows.values_list(*FRAMES["population"]),
                                     columns=list(FRAMES["population"]))


def comparator_population(names: list[str]) -> pd.DataFrame:
    """Populations of Home Office areas, by the name the Home Office tables give them (the
    comparator rates need them): the local authorities of that name, or whose CSP has that
    name, summed from their estimates (or their LSOAs' estimates)."""
    from partners.reference import local_authorities

    columns = list(FRAMES["population"])
    rows = []
    reference = local_authorities()
    for name in [n for n in dict.fromkeys(names) if n]:
        codes = set(records.LocalAuthority.objects.filter(Q(name=name) | Q(csp_name=name))
                    .values_list("code", flat=True))
        codes |= {code for code, la in reference.items() if la.name == name}
        if not codes:
            continue
        estimates = records.PopulationEstimate.objects.filter(area_code__in=codes)
        if not estimates.exists():
            lsoas = records.LsoaArea.objects.filter(local_authority_code__in=codes)
            estimates = records.PopulationEstimate.objects.filter(
                area_code__in=lsoas.values("code"))
        totals = estimates.filter(Q(age_band="all") | Q(age_min__isnull=False)).values(
            "year", "sex", "age_band").annotate(population=Sum("population"))
        rows += [{"area_code": name, "area_level": "csp", "year": row["year"],
                  "age_band": row["age_band"], "age_min": None, "age_max": None,
                  "sex": row["sex"], "population": row["population"]} for row in totals]
    return pd.DataFrame(rows, columns=columns)


def _census(lsoas: set[str], codes: frozenset[str]) -> pd.DataFrame:
    rows = records.CensusEthnicity.objects.filter(Q(area_code__in=lsoas)
                                                  | Q(area_code__in=codes))
    return pd.DataFrame.from_records(rows.values_list(*FRAMES["census"]),
                                     columns=list(FRAMES["census"]))


def _indicators(scope: Scope, lsoas: set[str], areas: pd.DataFrame) -> pd.DataFrame:
    wards = set(areas["ward_code"]) - {""}
    rows = records.IndicatorValue.objects.filter(
        Q(extract_id__in=scope.extract_ids)
        & (Q(area_code__in=scope.codes) | Q(area_code__in=wards) | Q(area_code__in=lsoas)))
    frame = f.read(rows, INDICATORS)
    return frame.rename(columns={"organisation__name": "organisation_name"})


def _home_office() -> pd.DataFrame:
    taxonomy = load_taxonomy()
    rows = records.HomeOfficeCount.objects.filter(area_level="csp").values_list(
        "area_name", "financial_year", "offence_code", "count")
    frame = pd.DataFrame.from_records(rows, columns=["area_name", "financial_year",
                                                     "offence_code", "count"])
    category = taxonomy.offences["category"]
    frame["category"] = frame["offence_code"].map(category).fillna("")
    return frame


def _offences() -> pd.DataFrame:
    offences = load_taxonomy().offences  # indexed by code, and has a code column too
    return offences.reset_index(drop=True)[list(FRAMES["offences"])]


def _coverage(scope: Scope) -> pd.DataFrame:
    last_fy = int(scope.financial_year[:4])
    grid = coverage(scope.partnership, last_fy=last_fy, years=1)
    rows = []
    for row in grid["rows"]:
        for quarter, state in zip(grid["quarters"], row["cells"], strict=True):
            rows.append({"source": row["source_key"], "organisation_id": None,
                         "organisation_name": row["organisation"],
                         "quarter": f"{quarter.fy}Q{quarter.number}", "status": state})
    return pd.DataFrame(rows, columns=list(FRAMES["coverage"]))


def _police_records(scope: Scope, start: date, end: date) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The partnership's police occurrences and data.police.uk records between two days."""
    police = f.read(scope.placed(records.PoliceOccurrence.objects)
                    .filter(committed_date__range=(start, end)), POLICE)
    street = f.read(scope.placed(records.StreetCrime.objects)
                    .filter(month__range=(start, end)), STREET)
    street["financial_year"] = financial_year_of(street["month"]).astype("category")
    return police, street


def _data_until(police: pd.DataFrame, street: pd.DataFrame, scope: Scope):
    """The last day with records in the assessed year: year-to-date reporting needs it."""
    this_year = pd.Timestamp(date(int(scope.financial_year[:4]), 4, 1))
    latest = []
    if not police.empty:
        latest.append(police["committed_date"].max())
    if not street.empty:
        latest.append(street["month"].max() + pd.offsets.MonthEnd(0))
    latest = [d for d in latest if pd.notna(d) and d >= this_year]
    return max(latest) if latest else None


def preview_inputs(partnership: Partnership, financial_year: str) -> Inputs:
    """Just the records of one year that a definition can select, for the editor's live
    preview (the full assessment reads five years and every source)."""
    scope = scope_for(partnership, financial_year)
    start, end = date(int(financial_year[:4]), 4, 1), scope.last_day
    police, street = _police_records(scope, start, end)
    frames = {name: pd.DataFrame(columns=list(columns)) for name, columns in FRAMES.items()}
    frames.update({
        "police": police[list(FRAMES["police"])], "street": street[list(FRAMES["street"])],
        "istv": f.read(records.IstvAttendance.objects.filter(
            extract_id__in=scope.extract_ids, financial_year=financial_year), ISTV),
        "admissions": f.read(scope.placed(records.HospitalAdmission.objects)
                             .filter(financial_year=financial_year), ADMISSIONS),
        "offences": _offences(),
    })
    return Inputs(financial_year=financial_year, years=scope.years, **frames)
