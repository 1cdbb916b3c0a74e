"""The needs assessment: local definitions (versioned), runs (immutable snapshots with
provenance), comparator groups, the priority proposal's weights and ratings, and findings.

What is computed lives in `computation/` (pure pandas); these records hold its inputs'
identity and its result, so a run can be shown, compared and explained years later, after
the rows it read have been purged.
"""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from partners.models import Partnership


class Definition(models.Model):
    """A partnership's local definition of serious violence for a financial year; its rules
    live in versions, never edited in place."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE,
                                    related_name="definitions")
    name = models.CharField(_("name"), max_length=120)
    financial_year = models.CharField(_("financial year"), max_length=7)
    preset = models.CharField(_("based on"), max_length=60, blank=True)
    description = models.TextField(_("description"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-financial_year", "name"]
        constraints = [models.UniqueConstraint(fields=["partnership", "financial_year", "name"],
                                               name="unique_definition_name")]

    def __str__(self) -> str:
        return f"{self.name} ({self.financial_year})"

    @property
    def current(self) -> "DefinitionVersion | None":
        return self.versions.order_by("-number").first()

    def audit_partnership_id(self) -> int:
        return self.partnership_id


class DefinitionVersion(models.Model):
    """One immutable version of a definition's rules (see computation/definitions.py)."""

    definition = models.ForeignKey(Definition, on_delete=models.CASCADE,
                                   related_name="versions")
    number = models.PositiveIntegerField()
    rules = models.JSONField()
    note = models.CharField(_("what changed"), max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["definition", "-number"]
        constraints = [models.UniqueConstraint(fields=["definition", "number"],
                                               name="unique_definition_version")]

    def __str__(self) -> str:
        return f"{self.definition.name} v{self.number}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValidationError("Definition versions are immutable: save a new version.")
        super().save(*args, **kwargs)

    def audit_partnership_id(self) -> int:
        return self.definition.partnership_id


class ComparatorGroup(models.Model):
    """Areas a partnership compares itself with (e.g. its most similar group), named as in
    the Home Office recorded crime tables."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE,
                                    related_name="comparator_groups")
    name = models.CharField(_("name"), max_length=120)
    own_area = models.CharField(_("this partnership's name in Home Office tables"),
                                max_length=120)
    areas = models.JSONField(_("comparator areas"), default=list)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["partnership", "name"],
                                               name="unique_comparator_group")]

    def __str__(self) -> str:
        return self.name

    def audit_partnership_id(self) -> int:
        return self.partnership_id


class Assessment(models.Model):
    """One run of the needs assessment: queued, computed by a worker, then an immutable
    snapshot (`result`) with its provenance. Re-running makes a new version."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting for a worker")
        RUNNING = "running", _("Running")
        DONE = "done", _("Finished")
        FAILED = "failed", _("Failed")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE,
                                    related_name="assessments")
    financial_year = models.CharField(_("financial year"), max_length=7)
    version = models.PositiveIntegerField()
    definition_version = models.ForeignKey(DefinitionVersion, on_delete=models.PROTECT,
                                           related_name="assessments")
    comparator_group = models.ForeignKey(ComparatorGroup, null=True, blank=True,
                                         on_delete=models.SET_NULL, related_name="+")
    comparator_snapshot = models.JSONField(default=dict, blank=True)
    harm_index = models.CharField(_("harm index"), max_length=120, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    stage = models.CharField(max_length=80, blank=True)
    progress = models.PositiveSmallIntegerField(default=0)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    duration_seconds = models.FloatField(null=True, blank=True)
    code_version = models.CharField(max_length=80, blank=True)
    taxonomy_version = models.CharField(max_length=80, blank=True)
    provenance = models.JSONField(default=dict, blank=True)
    result = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-financial_year", "-version"]
        constraints = [models.UniqueConstraint(fields=["partnership", "financial_year",
                                                       "version"],
                                               name="unique_assessment_version")]

    def __str__(self) -> str:
        return f"{self.financial_year} v{self.version}"

    def save(self, *args, **kwargs):
        # A finished snapshot is evidence: it never changes.
        if self.pk is not None and kwargs.get("update_fields") is None:
            stored = type(self).objects.filter(pk=self.pk).values_list("status", flat=True)
            if stored and stored[0] == self.Status.DONE:
                raise ValidationError("A finished assessment is immutable: run it again.")
        super().save(*args, **kwargs)

    @property
    def suppressible(self) -> bool:
        """Whether its tables declare what disclosure control needs: earlier snapshots
        are shown to whole-figure readers only (computation/assessment.py SCHEMA)."""
        from .computation.assessment import SUPPRESSIBLE_SCHEMA

        return (self.result or {}).get("schema", 1) >= SUPPRESSIBLE_SCHEMA

    @property
    def is_finished(self) -> bool:
        return self.status in {self.Status.DONE, self.Status.FAILED}

    def audit_partnership_id(self) -> int:
        return self.partnership_id


class PriorityProposal(models.Model):
    """The analyst's weights and ability-to-influence ratings for an assessment's priority
    ranking; the ranking itself is recomputed from the snapshot (computation/priority.py)."""

    assessment = models.OneToOneField(Assessment, on_delete=models.CASCADE,
                                      related_name="proposal")
    weights = models.JSONField(default=dict)
    ratings = models.JSONField(default=dict)  # category -> 1..5 ability to influence
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True,
                                   on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Priorities for {self.assessment}"

    def audit_partnership_id(self) -> int:
        return self.assessment.partnership_id


class FindingEdit(models.Model):
    """An analyst's wording of a finding, for a partnership and year. The figures it was
    written against are kept: when a later run changes them, the wording is out of date."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE,
                                    related_name="finding_edits")
    financial_year = models.CharField(max_length=7)
    key = models.CharField(max_length=120)
    language = models.CharField(max_length=8)
    text = models.TextField(_("wording"))
    figures = models.JSONField(default=dict)
    written_for = models.ForeignKey(Assessment, null=True, on_delete=models.SET_NULL,
                                    related_name="+")
    edited_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True,
                                  on_delete=models.SET_NULL, related_name="+")
    edited_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(
            fields=["partnership", "financial_year", "key", "language"],
            name="unique_finding_edit")]

    def __str__(self) -> str:
        return f"{self.key} ({self.financial_year}, {self.language})"

    def audit_partnership_id(self) -> int:
        return self.partnership_id
