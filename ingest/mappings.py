"""Column mappings: matching a force's headings to the canonical fields, once per layout.

The first upload of a new layout stops at a mapping step: the platform proposes a match
from the headings and sample values, the analyst confirms or corrects it, and it is saved
under a name for that organisation. Later uploads with the same headings use it without
asking."""

from dataclasses import dataclass

import pandas as pd
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .models import ColumnMapping, Extract
from .parsers import mapping as mapping_module
from .parsers import police_occurrences as po

SAMPLES_PER_COLUMN = 5


@dataclass(frozen=True)
class TemplateMapping:
    """The canonical template's own headings: nothing to ask."""

    mapping: dict[str, str]
    name: str = "template"


def as_dict(mapping) -> dict[str, str]:
    return dict(mapping.mapping)


def choose(extract: Extract, columns: list[str], sample: pd.DataFrame):
    """The mapping to use without asking, or None."""
    if extract.mapping and not mapping_module.validate_mapping(extract.mapping.mapping, columns):
        return extract.mapping
    saved = ColumnMapping.objects.filter(organisation=extract.organisation,
                                         source=extract.source).order_by("-updated_at")
    for candidate in saved:
        if not mapping_module.validate_mapping(candidate.mapping, columns):
            return candidate
    proposals = mapping_module.propose_mapping(columns, sample)
    exact = {p.field: p.heading for p in proposals if p.heading and p.confidence >= 1.0}
    if all(field in exact for field in po.REQUIRED_FIELDS) and not (
            mapping_module.validate_mapping(exact, columns)):
        return TemplateMapping(exact)
    return None


def ask(extract: Extract, columns: list[str], frame: pd.DataFrame) -> None:
    """Stop at the mapping step, keeping the proposal and a few sample values per column.

    The file has passed the personal-data scan, so sample values carry no identifiers."""
    sample = frame.head(mapping_module.SAMPLE_VALUES)
    proposals = mapping_module.propose_mapping(columns, sample)
    extract.report["mapping_proposal"] = [
        {"field": p.field, "heading": p.heading, "confidence": p.confidence,
         "reason": p.reason, "required": p.required} for p in proposals]
    extract.report["samples"] = {
        column: [str(v)[:40] for v in sample[column].dropna().astype(str).str.strip()
                 .loc[lambda s: s != ""].unique()[:SAMPLES_PER_COLUMN]]
        for column in columns}
    extract.status, extract.stage, extract.progress = Extract.Status.NEEDS_MAPPING, "", 0
    extract.message = _("Match the file's columns to the platform's fields to continue.")
    extract.save()


@transaction.atomic
def confirm(*, extract: Extract, mapping: dict[str, str], name: str, user) -> ColumnMapping:
    """Save the analyst's mapping under a name and send the extract on to be loaded."""
    from .services import extract_requeue

    columns = extract.report.get("columns", [])
    chosen = {field: heading for field, heading in mapping.items() if heading}
    problems = mapping_module.validate_mapping(chosen, columns)
    if problems:
        raise ValidationError([problem.message for problem in problems])
    saved, _created = ColumnMapping.objects.update_or_create(
        organisation=extract.organisation, source=extract.source, name=name.strip(),
        defaults={"mapping": chosen, "created_by": user})
    locked = Extract.objects.select_for_update().get(pk=extract.pk)
    if locked.status != Extract.Status.NEEDS_MAPPING:
        raise ValidationError(_("This extract is no longer waiting for a mapping."))
    locked.mapping = saved
    extract_requeue(locked)
    return saved
