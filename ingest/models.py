"""Data in: sharing agreements, extracts (one uploaded file each) and canonical records."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from partners.models import Organisation, Partnership

from . import sources


class SharingAgreement(models.Model):
    """An information-sharing agreement: what an organisation shares, with whom, why."""

    class LawfulBasis(models.TextChoices):
        S115 = "s115", _("Crime and Disorder Act 1998, section 115")
        S17A = "s17a", _("Crime and Disorder Act 1998, section 17A")
        OTHER = "other", _("Other")

    reference = models.CharField(_("document reference"), max_length=80, unique=True)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT,
                                     related_name="agreements",
                                     verbose_name=_("supplying organisation"))
    partnerships = models.ManyToManyField(Partnership, related_name="agreements")
    sources = models.JSONField(_("datasets"), default=list)
    lawful_basis = models.CharField(_("lawful basis"), max_length=10,
                                    choices=LawfulBasis.choices)
    lawful_basis_detail = models.CharField(_("lawful basis details"), max_length=300,
                                           blank=True)
    retention_days = models.PositiveIntegerField(_("retention period (days)"), default=3 * 365)
    starts_on = models.DateField(_("start date"))
    review_on = models.DateField(_("review date"))
    ends_on = models.DateField(_("end date"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["organisation__name", "reference"]

    def __str__(self) -> str:
        return f"{self.reference} ({self.organisation})"

    def in_force(self, on=None) -> bool:
        day = on or timezone.localdate()
        return self.starts_on <= day and (self.ends_on is None or day <= self.ends_on)

    @property
    def review_overdue(self) -> bool:
        """Its review date has passed: it still stands (data may be shared under it), but
        the parties should review it."""
        return self.review_on is not None and self.review_on < timezone.localdate()

    def audit_partnership_id(self):
        return None


class Extract(models.Model):
    """One file an organisation supplied, from upload to loaded (or refused)."""

    class Status(models.TextChoices):
        QUARANTINED = "quarantined", _("Waiting to be checked")
        NEEDS_MAPPING = "mapping", _("Waiting for its columns to be matched")
        NEEDS_SHEET = "sheet", _("Waiting for its sheet to be chosen")
        PROCESSING = "processing", _("Being checked and loaded")
        LOADED = "loaded", _("Loaded")
        REFUSED = "refused", _("Refused")
        DUPLICATE = "duplicate", _("Already loaded")
        SUPERSEDED = "superseded", _("Replaced by a newer extract")
        PURGED = "purged", _("Rows deleted at the end of the retention period")
        FAILED = "failed", _("Failed")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT,
                                    related_name="extracts",
                                    help_text=_("The partnership it was uploaded through."))
    organisation = models.ForeignKey(Organisation, null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="extracts",
                                     help_text=_("Empty for reference data from a publisher."))
    source = models.CharField(_("source"), max_length=40, choices=sources.choices())
    agreement = models.ForeignKey(SharingAgreement, null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="extracts")
    publisher = models.CharField(max_length=200, blank=True)
    licence = models.CharField(max_length=200, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True,
                                    on_delete=models.SET_NULL, related_name="+")
    filename = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64, db_index=True)
    size = models.BigIntegerField()
    stored_path = models.CharField(max_length=500, blank=True)
    sheet = models.CharField(_("sheet"), max_length=100, blank=True,
                             help_text=_("The workbook sheet read, when the file has several."))
    status = models.CharField(max_length=12, choices=Status.choices,
                              default=Status.QUARANTINED, db_index=True)
    stage = models.CharField(max_length=80, blank=True)
    progress = models.PositiveSmallIntegerField(default=0)
    message = models.TextField(blank=True)
    period_start = models.DateField(null=True, blank=True)
    period_end = models.DateField(null=True, blank=True)
    rows_read = models.PositiveIntegerField(default=0)
    rows_loaded = models.PositiveIntegerField(default=0)
    rows_rejected = models.PositiveIntegerField(default=0)
    duplicates = models.PositiveIntegerField(default=0)
    outside_area = models.PositiveIntegerField(default=0)
    unplaced = models.PositiveIntegerField(default=0)
    by_category = models.JSONField(default=dict, blank=True)
    report = models.JSONField(default=dict, blank=True)
    mapping = models.ForeignKey("ColumnMapping", null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="extracts")
    superseded_by = models.ForeignKey("self", null=True, blank=True,
                                      on_delete=models.SET_NULL, related_name="supersedes")
    created_at = models.DateTimeField(auto_now_add=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["organisation", "source", "status"])]

    def __str__(self) -> str:
        return f"{self.filename} ({self.get_source_display()})"

    @property
    def is_finished(self) -> bool:
        return self.status not in {self.Status.QUARANTINED, self.Status.PROCESSING,
                                   self.Status.NEEDS_MAPPING, self.Status.NEEDS_SHEET}

    @property
    def is_waiting(self) -> bool:
        """Kept in quarantine until somebody answers a question about the file."""
        return self.status in {self.Status.NEEDS_MAPPING, self.Status.NEEDS_SHEET}

    @property
    def read_as(self) -> str:
        """How the file was read, in words: 'CSV, UTF-8, separated by commas'."""
        report = self.report or {}
        if "format" not in report:
            return ""
        encodings = {"utf-8": "UTF-8", "utf-8-sig": _("UTF-8 with a byte-order mark"),
                     "cp1252": _("Windows-1252")}
        delimiters = {",": _("separated by commas"), ";": _("separated by semicolons"),
                      "\t": _("separated by tabs"), "|": _("separated by vertical bars")}
        parts = [report["format"].upper()]
        if report.get("encoding"):
            parts.append(str(encodings.get(report["encoding"], report["encoding"])))
        if report.get("delimiter"):
            parts.append(str(delimiters.get(report["delimiter"], report["delimiter"])))
        if report.get("sheet"):
            parts.append(_("sheet “%(name)s”") % {"name": report["sheet"]})
        return ", ".join(parts)

    @property
    def is_working(self) -> bool:
        return self.status in {self.Status.QUARANTINED, self.Status.PROCESSING}

    def audit_partnership_id(self) -> int:
        return self.partnership_id


class RowError(models.Model):
    """A rejected row: its number in the file, why, and the offending value (files with
    personal data are refused whole, so a value here is never an identifier)."""

    extract = models.ForeignKey(Extract, on_delete=models.CASCADE, related_name="row_errors")
    row_number = models.PositiveIntegerField()
    column = models.CharField(max_length=120, blank=True)
    reason = models.CharField(max_length=300)
    value = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["row_number"]

    def __str__(self) -> str:
        return f"row {self.row_number}: {self.reason}"


class DownloadLog(models.Model):
    """Who downloaded row-level data, when, and what."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                             related_name="+")
    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="+")
    extract = models.ForeignKey(Extract, null=True, on_delete=models.SET_NULL, related_name="+")
    what = models.CharField(max_length=200)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.user} downloaded {self.what} at {self.at:%Y-%m-%d %H:%M}"


class ColumnMapping(models.Model):
    """How one organisation's column names map to the canonical fields of a source."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE,
                                     related_name="column_mappings")
    source = models.CharField(max_length=40, choices=sources.choices())
    name = models.CharField(_("name"), max_length=100)
    mapping = models.JSONField(default=dict)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True,
                                   on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organisation", "source", "name"],
                                               name="unique_mapping_name")]

    def __str__(self) -> str:
        return self.name


# --- Reference data ------------------------------------------------------------------------

class LsoaArea(models.Model):
    """An LSOA (2011 or 2021 vintage) and the ward and local authority it sits in."""

    code = models.CharField(max_length=9, primary_key=True)
    name = models.CharField(max_length=120)
    vintage = models.PositiveSmallIntegerField()
    ward_code = models.CharField(max_length=9, blank=True)
    ward_name = models.CharField(max_length=120, blank=True)
    local_authority_code = models.CharField(max_length=9, db_index=True)
    local_authority_name = models.CharField(max_length=120, blank=True)
    imd_rank = models.PositiveIntegerField(null=True, blank=True)
    # Land area in square kilometres, where the lookup gave one (for densities).
    area_km2 = models.FloatField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class LsoaBestFit(models.Model):
    """LSOA 2021 → LSOA 2011 best fit, so that records of either vintage are placed in one."""

    lsoa21 = models.CharField(max_length=9, primary_key=True)
    lsoa11 = models.CharField(max_length=9)

    def __str__(self) -> str:
        return f"{self.lsoa21} → {self.lsoa11}"


class LocalAuthority(models.Model):
    """Local authority → CSP → police force area, with successors after reorganisation."""

    code = models.CharField(max_length=9, primary_key=True)
    name = models.CharField(max_length=120)
    csp_code = models.CharField(max_length=9, blank=True)
    csp_name = models.CharField(max_length=120, blank=True)
    pfa_code = models.CharField(max_length=9, blank=True)
    pfa_name = models.CharField(max_length=120, blank=True)
    successor_code = models.CharField(max_length=9, blank=True)
    successor_from = models.DateField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


# --- Canonical records ---------------------------------------------------------------------

class SharedRecord(models.Model):
    """A record from an extract, supplied by an organisation."""

    extract = models.ForeignKey(Extract, on_delete=models.CASCADE, related_name="+")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")

    class Meta:
        abstract = True


class PlacedRecord(SharedRecord):
    """A record placed in areas by its LSOA (see ingest/placement.py)."""

    lsoa_code = models.CharField(max_length=9, blank=True)
    lsoa_vintage = models.PositiveSmallIntegerField(null=True, blank=True)
    ward_code = models.CharField(max_length=9, blank=True)
    local_authority_code = models.CharField(max_length=9, blank=True)

    class Meta:
        abstract = True


class StreetCrime(PlacedRecord):
    """One crime or ASB incident from data.police.uk's street-level files."""

    month = models.DateField()
    crime_id = models.CharField(max_length=64, blank=True)
    crime_type = models.CharField(max_length=60)
    category = models.CharField(max_length=40)
    outcome = models.CharField(max_length=120, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    latitude = models.FloatField(null=True, blank=True)
    location = models.CharField(max_length=200, blank=True)

    class Meta:
        indexes = [models.Index(fields=["local_authority_code", "month"]),
                   models.Index(fields=["organisation", "month"])]

    def __str__(self) -> str:
        return f"{self.crime_type} {self.month:%Y-%m} {self.lsoa_code}"


class PoliceOccurrence(PlacedRecord):
    """One crime occurrence from a force's depersonalised extract.

    Built for loading a force's million-row extract fast (issue 3, bench/):
      - indexed for what reads it and no more, as each index costs every load seconds: the
        assessment reads by organisation and committed date and by local authority; loads
        and purges find an extract's rows by `extract`. The composite index leads with the
        organisation, so its foreign key needs no index of its own;
      - no database constraint on either foreign key. PostgreSQL checks one with a trigger
        per row, which costs a load as much again as the COPY itself. The loader is the only
        writer: it stores its own extract's id and organisation, in the transaction that
        locks that extract. Django still cascades (extract) and protects (organisation) on
        delete, and extracts are kept as provenance when their rows are purged;
      - on PostgreSQL the columns every read filters and groups by come first in the table
        (migration 0005), as a row's later columns cost each scan a walk through the earlier."""

    extract = models.ForeignKey(Extract, on_delete=models.CASCADE, related_name="+",
                                db_constraint=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+",
                                     db_index=False, db_constraint=False)
    occurrence_ref = models.CharField(max_length=64)
    committed_date = models.DateField()
    committed_time = models.CharField(max_length=5, blank=True)
    recorded_date = models.DateField()
    financial_year = models.CharField(max_length=7)
    offence_code = models.CharField(max_length=20)  # "1/4.1/4.10/4.2" is 14
    offence_description = models.CharField(max_length=200, blank=True)
    category = models.CharField(max_length=40)
    offence_group = models.CharField(max_length=80, blank=True)
    offence_subgroup = models.CharField(max_length=80, blank=True)
    weapon_type = models.CharField(max_length=30, blank=True)
    beat = models.CharField(max_length=40, blank=True)
    location_type = models.CharField(max_length=30, blank=True)
    public_place = models.BooleanField(default=False)
    domestic_abuse = models.BooleanField(default=False)
    knife = models.BooleanField(default=False)
    firearm = models.BooleanField(default=False)
    alcohol = models.BooleanField(default=False)
    drugs = models.BooleanField(default=False)
    hate = models.BooleanField(default=False)
    non_recent = models.BooleanField(default=False)
    victim_age = models.PositiveSmallIntegerField(null=True, blank=True)
    victim_sex = models.CharField(max_length=10, blank=True)
    victim_ethnicity = models.CharField(max_length=10, blank=True)
    victim_ethnicity_basis = models.CharField(max_length=20, blank=True)
    suspect_age = models.PositiveSmallIntegerField(null=True, blank=True)
    suspect_sex = models.CharField(max_length=10, blank=True)
    suspect_ethnicity = models.CharField(max_length=10, blank=True)
    suspect_ethnicity_basis = models.CharField(max_length=20, blank=True)
    outcome = models.CharField(max_length=120, blank=True)

    class Meta:
        indexes = [models.Index(fields=["organisation", "committed_date"]),
                   models.Index(fields=["local_authority_code"])]

    def __str__(self) -> str:
        return f"{self.occurrence_ref} {self.offence_code} {self.committed_date}"


# --- Health, youth justice, indicators and reference tables --------------------------------
# One table per kind of record, fields named as the parser's canonical columns (source_row is
# the record's row in the uploaded file). Where the loader placed records by LSOA they carry
# lsoa_vintage, ward_code and local_authority_code as PoliceOccurrence does; records that come
# with only an area code store it as given. Reference tables (population, Census, Home Office
# counts, harm weights) come from a publisher, so their organisation is empty.


class OptionalBooleanField(models.Field):
    """Yes, no or not known (NULL). Deliberately not a BooleanField subclass: the bulk loader
    (bulk.prepare) reads a BooleanField's blanks as False, and "not known" is not "no"."""

    description = _("Yes, no or not known")

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("null", True)
        kwargs.setdefault("blank", True)
        super().__init__(*args, **kwargs)

    def get_internal_type(self) -> str:
        return "BooleanField"

    def to_python(self, value):
        return None if value is None else models.BooleanField().to_python(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        return None if value is None else self.to_python(value)

    def formfield(self, **kwargs):
        from django import forms

        return super().formfield(**{"form_class": forms.NullBooleanField, **kwargs})


class IstvAttendance(SharedRecord):
    """One assault attendance at an emergency department (ISTV minimum data set)."""

    source_row = models.PositiveIntegerField()
    attended_at = models.DateTimeField(null=True, blank=True)
    assaulted_at = models.DateTimeField()
    weapon = models.CharField(max_length=30)
    weapon_detail = models.CharField(max_length=200, blank=True)
    location_type = models.CharField(max_length=30)
    location_detail = models.CharField(max_length=300, blank=True)
    site_code = models.CharField(max_length=12)
    reporting_period_start = models.DateField()
    reporting_period_end = models.DateField()
    financial_year = models.CharField(max_length=7, db_index=True)

    class Meta:
        indexes = [models.Index(fields=["organisation", "assaulted_at"]),
                   models.Index(fields=["site_code", "assaulted_at"])]

    def __str__(self) -> str:
        return f"{self.site_code} {self.assaulted_at:%Y-%m-%d} {self.weapon}"


class HospitalAdmission(PlacedRecord):
    """An admission for assault (ICD-10 X85-Y09). Placed by LSOA when the file gives one;
    otherwise by outward postcode district, apportioned to local authorities by the loaded
    lookup: one row per (admission, local authority) with `share` the fraction of the
    admission in that authority, so sums of `share` are admissions (estimates where
    `apportioned`)."""

    source_row = models.PositiveIntegerField()
    admitted_on = models.DateField()
    icd10_codes = models.CharField(max_length=200)
    assault_code = models.CharField(max_length=8)
    sharp_object = models.BooleanField(default=False)
    age = models.PositiveSmallIntegerField(null=True, blank=True)
    age_band = models.CharField(max_length=12, blank=True)
    under_25 = OptionalBooleanField()
    sex = models.CharField(max_length=10, blank=True)
    postcode_district = models.CharField(max_length=8, blank=True)
    share = models.FloatField(default=1.0)
    apportioned = models.BooleanField(default=False)
    admission_reference = models.CharField(max_length=64, blank=True)
    financial_year = models.CharField(max_length=7, db_index=True)

    class Meta:
        indexes = [models.Index(fields=["local_authority_code", "admitted_on"]),
                   models.Index(fields=["organisation", "admitted_on"])]

    def __str__(self) -> str:
        return f"{self.assault_code} {self.admitted_on} {self.local_authority_code}"


class AmbulanceCallout(PlacedRecord):
    """One ambulance call-out (several vehicles to one incident are one call-out)."""

    source_row = models.PositiveIntegerField()
    called_at = models.DateTimeField()
    category = models.CharField(max_length=20)
    category_detail = models.CharField(max_length=200, blank=True)
    postcode_district = models.CharField(max_length=8, blank=True)
    incident_reference = models.CharField(max_length=64, blank=True)
    financial_year = models.CharField(max_length=7, db_index=True)

    class Meta:
        indexes = [models.Index(fields=["local_authority_code", "called_at"]),
                   models.Index(fields=["organisation", "called_at"])]

    def __str__(self) -> str:
        return f"{self.category} {self.called_at:%Y-%m-%d %H:%M}"


class YouthJusticeRecord(SharedRecord):
    """A child's offence from a youth justice service's cohort records (pseudonymised)."""

    source_row = models.PositiveIntegerField()
    child_reference = models.CharField(max_length=64)
    age = models.PositiveSmallIntegerField()
    first_time_entrant = OptionalBooleanField()
    offence_date = models.DateField()
    outcome = models.CharField(max_length=120, blank=True)
    outcome_code = models.PositiveSmallIntegerField(null=True, blank=True)
    knife_possession = OptionalBooleanField()
    local_authority_code = models.CharField(max_length=9, blank=True)
    financial_year = models.CharField(max_length=7, db_index=True)

    class Meta:
        indexes = [models.Index(fields=["local_authority_code", "offence_date"]),
                   models.Index(fields=["organisation", "offence_date"])]

    def __str__(self) -> str:
        return f"{self.child_reference} {self.offence_date}"


class YouthJusticeAggregate(SharedRecord):
    """A youth justice measure (first-time entrants, reoffending rate...) for a financial
    year and area."""

    source_row = models.PositiveIntegerField()
    financial_year = models.CharField(max_length=7)
    local_authority_code = models.CharField(max_length=9)
    area_level = models.CharField(max_length=20)
    measure = models.CharField(max_length=80)
    measure_label = models.CharField(max_length=200)
    value = models.FloatField()

    class Meta:
        indexes = [models.Index(fields=["local_authority_code", "financial_year"]),
                   models.Index(fields=["organisation", "measure", "financial_year"])]

    def __str__(self) -> str:
        return f"{self.measure} {self.financial_year} {self.local_authority_code}: {self.value}"


class IndicatorValue(SharedRecord):
    """Any aggregate measure by period and area from a partner organisation, with its
    definition, unit and source (value empty where the supplier suppressed it)."""

    source_row = models.PositiveIntegerField()
    period_start = models.DateField()
    period_end = models.DateField()
    area_code = models.CharField(max_length=9)
    area_level = models.CharField(max_length=20)
    area_name = models.CharField(max_length=120, blank=True)
    measure = models.CharField(max_length=200)
    value = models.FloatField(null=True, blank=True)
    suppressed = models.BooleanField(default=False)
    unit = models.CharField(max_length=60)
    definition = models.TextField(blank=True)
    source = models.CharField(max_length=200, blank=True)
    # The measure in Welsh, where the supplier gives it (shown to readers in Welsh).
    measure_cy = models.CharField(max_length=200, blank=True)
    definition_cy = models.TextField(blank=True)

    class Meta:
        indexes = [models.Index(fields=["area_code", "period_start"]),
                   models.Index(fields=["organisation", "measure", "period_start"])]

    def __str__(self) -> str:
        return f"{self.measure} {self.period_start} {self.area_code}: {self.value}"


class PopulationEstimate(models.Model):
    """An ONS mid-year population estimate for an area, year, age band and sex."""

    extract = models.ForeignKey(Extract, on_delete=models.CASCADE, related_name="+")
    organisation = models.ForeignKey(Organisation, null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    source_row = models.PositiveIntegerField()
    area_code = models.CharField(max_length=9)
    area_level = models.CharField(max_length=20)
    year = models.PositiveSmallIntegerField()
    age_band = models.CharField(max_length=12)
    age_min = models.PositiveSmallIntegerField(null=True, blank=True)
    age_max = models.PositiveSmallIntegerField(null=True, blank=True)
    sex = models.CharField(max_length=10)
    population = models.PositiveIntegerField()

    class Meta:
        indexes = [models.Index(fields=["area_code", "year"]),
                   models.Index(fields=["year", "sex", "age_band"])]

    def __str__(self) -> str:
        return f"{self.area_code} {self.year} {self.sex} {self.age_band}: {self.population}"


class CensusEthnicity(models.Model):
    """Census 2021 usual residents of an area in an ethnic group (with its 16+1 code)."""

    extract = models.ForeignKey(Extract, on_delete=models.CASCADE, related_name="+")
    organisation = models.ForeignKey(Organisation, null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    source_row = models.PositiveIntegerField()
    area_code = models.CharField(max_length=9)
    area_level = models.CharField(max_length=20)
    ethnic_group_code = models.CharField(max_length=2, blank=True)
    ethnic_group_label = models.CharField(max_length=120)
    broad_group = models.CharField(max_length=10, blank=True)
    level = models.CharField(max_length=20)
    count = models.PositiveIntegerField()

    class Meta:
        indexes = [models.Index(fields=["area_code", "level"])]

    def __str__(self) -> str:
        return f"{self.area_code} {self.ethnic_group_label}: {self.count}"


class HomeOfficeCount(models.Model):
    """Police recorded crime counted by the Home Office for a CSP or police force area,
    financial year (and quarter) and offence code: comparators."""

    extract = models.ForeignKey(Extract, on_delete=models.CASCADE, related_name="+")
    organisation = models.ForeignKey(Organisation, null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    source_row = models.PositiveIntegerField()
    financial_year = models.CharField(max_length=7)
    quarter = models.PositiveSmallIntegerField(null=True, blank=True)
    area_level = models.CharField(max_length=10)
    area_name = models.CharField(max_length=120)
    force_name = models.CharField(max_length=120)
    offence_code = models.CharField(max_length=20)
    in_taxonomy = models.BooleanField(default=False)
    offence_description = models.CharField(max_length=200, blank=True)
    offence_group = models.CharField(max_length=80, blank=True)
    offence_subgroup = models.CharField(max_length=80, blank=True)
    count = models.IntegerField()  # Home Office adjustments can be negative

    class Meta:
        indexes = [models.Index(fields=["area_level", "area_name", "financial_year"]),
                   models.Index(fields=["offence_code", "financial_year"])]

    def __str__(self) -> str:
        return f"{self.area_name} {self.financial_year} {self.offence_code}: {self.count}"


class HarmWeight(models.Model):
    """A crime harm index weight, keyed by Home Office offence code or offence subgroup
    (`granularity`), with the index's name and source note."""

    extract = models.ForeignKey(Extract, on_delete=models.CASCADE, related_name="+")
    organisation = models.ForeignKey(Organisation, null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    source_row = models.PositiveIntegerField()
    index_name = models.CharField(max_length=120)
    granularity = models.CharField(max_length=20)
    key = models.CharField(max_length=120)
    label = models.CharField(max_length=200, blank=True)
    weight = models.FloatField()
    taxonomy_keys = models.CharField(max_length=300, blank=True)
    in_taxonomy = models.BooleanField(default=False)
    raw_key = models.CharField(max_length=120, blank=True)
    source_note = models.TextField(blank=True)

    class Meta:
        indexes = [models.Index(fields=["index_name", "granularity", "key"])]

    def __str__(self) -> str:
        return f"{self.index_name} {self.key}: {self.weight}"


class PostcodeDistrictShare(models.Model):
    """Outward postcode district → local authority, with the district's share in it (the
    shares of a district total 1): apportions records that come by district."""

    postcode_district = models.CharField(max_length=8)
    local_authority_code = models.CharField(max_length=9)
    share = models.FloatField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["postcode_district",
                                                       "local_authority_code"],
                                               name="unique_district_authority")]

    def __str__(self) -> str:
        return f"{self.postcode_district} → {self.local_authority_code} ({self.share:.2f})"
