"""Reads for ingest, always within a partnership the access layer has resolved."""

from django.db.models import Q, QuerySet

from partners import access
from partners.models import Organisation, Partnership
from partners.roles import Perm

from . import sources
from .models import Extract, SharingAgreement
from .parsers.registry import source_keys


def agreements_of(partnership: Partnership) -> QuerySet[SharingAgreement]:
    return (SharingAgreement.objects.filter(partnerships=partnership)
            .select_related("organisation").prefetch_related("partnerships"))


def extracts_of(partnership: Partnership) -> QuerySet[Extract]:
    """Extracts this partnership may see: shared with it under an agreement, uploaded
    through it, or open data from an organisation seated in it."""
    # SECURITY: one filter over the partnership's own relations.
    seated = Organisation.objects.filter(seats__partnership=partnership).values("pk")
    return (Extract.objects.filter(
        Q(partnership=partnership) | Q(agreement__partnerships=partnership)
        | Q(agreement__isnull=True, organisation__in=seated))
        .select_related("organisation", "uploaded_by", "agreement").distinct())


def upload_choices(user, partnership: Partnership) -> dict:
    """What this user may upload here: organisations and the sources with a parser."""
    organisations = access.organisations_for_upload(user, partnership)
    keys = [*source_keys(), "geography"]
    can_reference = access.has_perm(user, Perm.UPLOAD_FOR_PARTNERSHIP, partnership)
    choices = [(key, sources.SOURCES[key].label) for key in keys
               if key in sources.SOURCES and (can_reference or not sources.SOURCES[key].reference)]
    return {"organisations": organisations, "sources": choices}
