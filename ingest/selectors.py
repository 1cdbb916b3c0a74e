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
    """What this user may upload here: organisations, and the sources with both a parser and
    a loader (or a reference lookup), in the order sources.py lists them."""
    from .loaders import LOADERS, LOOKUP_SOURCES

    organisations = access.organisations_for_upload(user, partnership)
    loadable = {key for key in source_keys() if key in LOADERS} | set(LOOKUP_SOURCES)
    can_reference = access.has_perm(user, Perm.UPLOAD_FOR_PARTNERSHIP, partnership)
    if not can_reference:
        # A data provider, who cannot record agreements: open data, and what an agreement in
        # force lets their organisation share with this partnership.
        shared = {key for agreement in agreements_of(partnership)
                  .filter(organisation__in=organisations)
                  if agreement.in_force() for key in agreement.sources}
        loadable = {key for key in loadable
                    if key in shared or sources.SOURCES[key].open_data}
    choices = [(key, spec.label) for key, spec in sources.SOURCES.items()
               if key in loadable and (can_reference or not spec.reference)]
    return {"organisations": organisations, "sources": choices}
