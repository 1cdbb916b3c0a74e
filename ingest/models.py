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

    def audit_partnership_id(self):
        return None


class Extract(models.Model):
    """One file an organisation supplied, from upload to loaded (or refused)."""

    class Status(models.TextChoices):
        QUARANTINED = "quarantined", _("Waiting to be checked")
        NEEDS_MAPPING = "mapping", _("Waiting for its columns to be matched")
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
                                   self.Status.NEEDS_MAPPING}

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

class StreetCrime(models.Model):
    """One crime or ASB incident from data.police.uk's street-level files."""

    extract = models.ForeignKey(Extract, on_delete=models.CASCADE, related_name="+")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    month = models.DateField()
    crime_id = models.CharField(max_length=64, blank=True)
    crime_type = models.CharField(max_length=60)
    category = models.CharField(max_length=40)
    outcome = models.CharField(max_length=120, blank=True)
    lsoa_code = models.CharField(max_length=9, blank=True)
    lsoa_vintage = models.PositiveSmallIntegerField(null=True, blank=True)
    ward_code = models.CharField(max_length=9, blank=True)
    local_authority_code = models.CharField(max_length=9, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    latitude = models.FloatField(null=True, blank=True)
    location = models.CharField(max_length=200, blank=True)

    class Meta:
        indexes = [models.Index(fields=["local_authority_code", "month"]),
                   models.Index(fields=["organisation", "month"])]

    def __str__(self) -> str:
        return f"{self.crime_type} {self.month:%Y-%m} {self.lsoa_code}"


class PoliceOccurrence(models.Model):
    """One crime occurrence from a force's depersonalised extract."""

    extract = models.ForeignKey(Extract, on_delete=models.CASCADE, related_name="+")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    occurrence_ref = models.CharField(max_length=64)
    committed_date = models.DateField()
    committed_time = models.CharField(max_length=5, blank=True)
    recorded_date = models.DateField()
    financial_year = models.CharField(max_length=7, db_index=True)
    offence_code = models.CharField(max_length=12)
    offence_description = models.CharField(max_length=200, blank=True)
    category = models.CharField(max_length=40, db_index=True)
    offence_group = models.CharField(max_length=80, blank=True)
    offence_subgroup = models.CharField(max_length=80, blank=True)
    weapon_type = models.CharField(max_length=30, blank=True)
    lsoa_code = models.CharField(max_length=9, blank=True)
    lsoa_vintage = models.PositiveSmallIntegerField(null=True, blank=True)
    ward_code = models.CharField(max_length=9, blank=True)
    local_authority_code = models.CharField(max_length=9, blank=True)
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
        indexes = [models.Index(fields=["local_authority_code", "committed_date"]),
                   models.Index(fields=["organisation", "committed_date"])]

    def __str__(self) -> str:
        return f"{self.occurrence_ref} {self.offence_code} {self.committed_date}"
