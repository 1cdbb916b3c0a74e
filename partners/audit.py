"""Audit history (django-auditlog) for the partnership's records.

Each entry carries the partnership it belongs to in `additional_data`, so that the
history of a deleted seat or membership still shows in its partnership's audit page.
Row-level data tables are not registered here: ingest audits at extract level.
"""

from auditlog.registry import auditlog

from .models import Invitation, Membership, Organisation, Partnership, PartnershipLink, Seat


def with_partnership(model):
    def get_additional_data(self):
        return {"partnership_id": self.audit_partnership_id()}

    model.get_additional_data = get_additional_data
    return model


auditlog.register(Organisation)
for _model in (Partnership, PartnershipLink, Seat, Membership):
    auditlog.register(with_partnership(_model))
auditlog.register(with_partnership(Invitation), exclude_fields=["token_hash"])
