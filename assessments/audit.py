"""Audit history for the assessment's records (definitions, runs, weights, wording)."""

from auditlog.registry import auditlog

from partners.audit import with_partnership

from .models import (
    Assessment,
    ComparatorGroup,
    Definition,
    DefinitionVersion,
    FindingEdit,
    PriorityProposal,
)

for _model in (Definition, DefinitionVersion, ComparatorGroup, PriorityProposal, FindingEdit):
    auditlog.register(with_partnership(_model))
# The snapshot itself is large and immutable; the audit records who ran what, and when.
auditlog.register(with_partnership(Assessment),
                  include_fields=["status", "financial_year", "version", "definition_version",
                                  "harm_index", "comparator_group", "error"])
