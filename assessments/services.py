"""Writes for the assessment: definitions and their versions, starting and running an
assessment, the priority proposal's weights, findings' wording."""

import logging
import time

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from ingest.models import Extract, HarmWeight
from ingest.taxonomy import load_taxonomy
from partners.models import Partnership
from svd_platform import jobs
from svd_platform.version import code_version

from . import selectors
from .computation import assessment as engine
from .computation import definitions, presets, priority
from .models import (
    Assessment,
    ComparatorGroup,
    Definition,
    DefinitionVersion,
    FindingEdit,
    PriorityProposal,
)

log = logging.getLogger(__name__)


# --- Definitions -----------------------------------------------------------------------------

def definition_errors(rules: dict) -> list[str]:
    """The rules' problems as sentences for the editor (empty when valid)."""
    from .labels import rule_error

    return [rule_error(error) for error in definitions.validate(rules,
                                                                load_taxonomy().offences)]


@transaction.atomic
def definition_create(*, partnership: Partnership, name: str, financial_year: str,
                      rules: dict, preset: str = "", description: str = "",
                      user=None) -> Definition:
    errors = definition_errors(rules)
    if errors:
        raise ValidationError(errors)
    definition = Definition.objects.create(partnership=partnership, name=name,
                                           financial_year=financial_year, preset=preset,
                                           description=description, created_by=user)
    DefinitionVersion.objects.create(definition=definition, number=1,
                                     rules=definitions.normalise(rules), created_by=user,
                                     note=_("First version"))
    return definition


@transaction.atomic
def definition_version_save(*, definition: Definition, rules: dict, note: str = "",
                            user=None) -> DefinitionVersion:
    """A new version when the rules changed; the current one when they did not."""
    errors = definition_errors(rules)
    if errors:
        raise ValidationError(errors)
    rules = definitions.normalise(rules)
    Definition.objects.select_for_update().filter(pk=definition.pk).first()
    current = definition.current
    if current is not None and current.rules == rules:
        return current
    number = (current.number if current else 0) + 1
    return DefinitionVersion.objects.create(definition=definition, number=number, rules=rules,
                                            note=note, created_by=user)


def definition_from_preset(*, partnership: Partnership, financial_year: str, key: str,
                           user=None) -> Definition:
    preset = presets.PRESETS[key]
    existing = Definition.objects.filter(partnership=partnership, financial_year=financial_year,
                                         name=preset["name"]).first()
    if existing is not None:
        return existing
    return definition_create(partnership=partnership, name=preset["name"],
                             financial_year=financial_year, rules=preset["rules"], preset=key,
                             user=user)


# --- Runs ------------------------------------------------------------------------------------

def harm_indices(chosen: str = "") -> list[str]:
    """Loaded harm indices, the chosen one first."""
    names = sorted(set(HarmWeight.objects.values_list("index_name", flat=True)))
    if chosen in names:
        names.remove(chosen)
        names.insert(0, chosen)
    return names


def assessment_start(*, partnership: Partnership, financial_year: str,
                     definition_version: DefinitionVersion,
                     comparator_group: ComparatorGroup | None = None, harm_index: str = "",
                     user=None, enqueue: bool = True) -> Assessment:
    """A new version of the partnership's assessment for the year, queued for a worker."""
    if definition_version.definition.partnership_id != partnership.pk:
        raise ValidationError(_("That definition belongs to another partnership."))
    if not selectors.has_police_data(partnership, financial_year):
        raise ValidationError(_(
            "No police records for %(year)s have been loaded for the partnership's area, so "
            "there is nothing to assess. Upload the year's police extracts first: Data "
            "coverage shows which quarters are loaded.") % {"year": financial_year})
    if harm_index and harm_index not in harm_indices():
        raise ValidationError(_("No harm index called %(name)s is loaded.") % {
            "name": harm_index})
    comparator = ({"name": comparator_group.name, "own_area": comparator_group.own_area,
                   "areas": list(comparator_group.areas)} if comparator_group else {})
    for attempt in range(3):
        try:
            with transaction.atomic():
                latest = (Assessment.objects.filter(partnership=partnership,
                                                    financial_year=financial_year)
                          .aggregate(n=Max("version"))["n"] or 0)
                assessment = Assessment.objects.create(
                    partnership=partnership, financial_year=financial_year,
                    version=latest + 1, definition_version=definition_version,
                    comparator_group=comparator_group, comparator_snapshot=comparator,
                    harm_index=harm_index, started_by=user)
                break
        except IntegrityError:  # two analysts started a run at the same moment
            if attempt == 2:
                raise
    if enqueue:
        from .tasks import assessment_run

        transaction.on_commit(lambda: assessment_run.delay(assessment.pk))
    return assessment


def claim(assessment_id: int) -> Assessment | None:
    """Take a queued assessment (or one whose worker died) for this worker, once
    (svd_platform.jobs)."""
    return jobs.claim(Assessment.objects, assessment_id, waiting=Assessment.Status.QUEUED,
                      running=Assessment.Status.RUNNING, claimed_at="started_at",
                      stage="reading", progress=1)


def run(assessment: Assessment) -> Assessment:
    """Compute a claimed assessment and store its snapshot and provenance."""
    began = time.monotonic()
    try:
        snapshot, provenance = _compute(assessment)
    except Exception as error:
        log.exception("assessment %s failed", assessment.pk)
        Assessment.objects.filter(pk=assessment.pk).update(
            status=Assessment.Status.FAILED, stage="", finished_at=timezone.now(),
            # For administrators (the admin site, the log): readers get a sentence in their
            # own language from the page, not the worker's words.
            error=f"{type(error).__name__}: {error}"[:500])
        assessment.refresh_from_db()
        return assessment
    Assessment.objects.filter(pk=assessment.pk).update(
        status=Assessment.Status.DONE, stage="", progress=100, result=snapshot,
        provenance=provenance, finished_at=timezone.now(),
        duration_seconds=round(time.monotonic() - began, 3), code_version=code_version(),
        taxonomy_version=load_taxonomy().version)
    assessment.refresh_from_db()
    return assessment


def _compute(assessment: Assessment) -> tuple[dict, dict]:
    def progress(stage: str, percent: int) -> None:
        Assessment.objects.filter(pk=assessment.pk).update(stage=stage,
                                                           progress=max(1, percent))

    scope = selectors.scope_for(assessment.partnership, assessment.financial_year)
    comparator = assessment.comparator_snapshot or {}
    inputs = selectors.inputs_for(scope, home_office_area=comparator.get("own_area", ""),
                                  comparators=comparator.get("areas", []))
    progress("computing", 4)
    proposal = PriorityProposal.objects.filter(
        assessment__partnership=assessment.partnership,
        assessment__financial_year=assessment.financial_year).order_by(
        "-assessment__version").first()
    snapshot = engine.compute(
        inputs, assessment.definition_version.rules,
        harm_indices=harm_indices(assessment.harm_index),
        ratings=proposal.ratings if proposal else None,
        weights=proposal.weights if proposal else None, progress=progress)
    return snapshot, provenance_of(assessment, inputs)


def provenance_of(assessment: Assessment, inputs) -> dict:
    """Which extracts (with checksums and suppliers) the figures used, and the definition."""
    used: set[int] = set()
    for name in ("police", "street", "istv", "admissions", "ambulance", "youth_records",
                 "youth_aggregates", "indicators"):
        frame = getattr(inputs, name)
        if not frame.empty:
            used |= {int(i) for i in frame["extract_id"].dropna().unique()}
    extracts = (Extract.objects.filter(pk__in=used).select_related("organisation", "agreement")
                .order_by("source", "period_start", "pk"))
    version = assessment.definition_version
    return {
        "definition": {"name": version.definition.name, "version": version.number,
                       "rules": version.rules},
        "extracts": [{"uuid": str(e.uuid), "source": e.source, "filename": e.filename,
                      "sha256": e.sha256, "organisation": e.organisation.name
                      if e.organisation else e.publisher,
                      "agreement": e.agreement.reference if e.agreement else "",
                      "period_start": e.period_start.isoformat() if e.period_start else None,
                      "period_end": e.period_end.isoformat() if e.period_end else None,
                      "rows_loaded": e.rows_loaded} for e in extracts],
        "harm_index": assessment.harm_index,
        "comparators": assessment.comparator_snapshot,
    }


# --- Priority proposal and findings ----------------------------------------------------------

def propose(inputs: list[dict], weights: dict, ratings: dict) -> dict:
    """The priority ranking of a snapshot's inputs under these weights and ratings."""
    import pandas as pd

    frame = pd.DataFrame(inputs, columns=["category", "count", "previous", "harm",
                                          "under_25_share", "verdict"])
    return priority.propose(frame, weights, ratings)


def current_priority(assessment: Assessment) -> dict:
    """The ranking as it stands: under the weights saved for the assessment, if any, else
    the snapshot's proposal."""
    proposal = PriorityProposal.objects.filter(assessment=assessment).first()
    if proposal is None:
        return assessment.result.get("priority") or {}
    return propose(assessment.result.get("priority_inputs", []), proposal.weights,
                   proposal.ratings)


def proposal_save(*, assessment: Assessment, weights: dict, ratings: dict,
                  user=None) -> PriorityProposal:
    proposal, _created = PriorityProposal.objects.update_or_create(
        assessment=assessment, defaults={"weights": weights, "ratings": ratings,
                                         "updated_by": user})
    return proposal


def finding_edit(*, assessment: Assessment, key: str, language: str, text: str,
                 figures: dict, user=None) -> FindingEdit | None:
    """Save an analyst's wording (an empty text goes back to the generated sentence)."""
    lookup = {"partnership": assessment.partnership,
              "financial_year": assessment.financial_year, "key": key, "language": language}
    if not text.strip():
        FindingEdit.objects.filter(**lookup).delete()
        return None
    edit, _created = FindingEdit.objects.update_or_create(
        **lookup, defaults={"text": text.strip(), "figures": figures,
                            "written_for": assessment, "edited_by": user})
    return edit
