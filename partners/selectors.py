"""Reads for partners. Every queryset here is scoped by the access layer or by a
partnership that the access layer has already resolved."""

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Q, QuerySet

from . import access
from .models import (
    SPECIFIED_SECTORS,
    Invitation,
    Membership,
    Organisation,
    Partnership,
    PartnershipLink,
    Seat,
    Sector,
)
from .reference import local_authorities
from .roles import Role


def seats_of(partnership: Partnership) -> QuerySet[Seat]:
    return (partnership.seats.select_related("organisation")
            .annotate(people=Count("memberships__user", distinct=True))
            .order_by("-voting", "organisation__sector", "organisation__name"))


def members_of(partnership: Partnership) -> QuerySet[Membership]:
    return (Membership.objects.filter(seat__partnership=partnership)
            .select_related("user", "seat__organisation"))


def members_with_two_factor(partnership: Partnership) -> set[int]:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    users = members_of(partnership).values("user_id")
    return set(TOTPDevice.objects.filter(user_id__in=users, confirmed=True)
               .values_list("user_id", flat=True))


def pending_invitations(partnership: Partnership) -> QuerySet[Invitation]:
    return (Invitation.objects.pending().filter(seat__partnership=partnership)
            .select_related("seat__organisation", "invited_by"))


def links_of(partnership: Partnership) -> dict[str, list[PartnershipLink]]:
    """Links out (we are part of / accountable to) and in (parts of us, accountable to us)."""
    out = partnership.links_out.select_related("target")
    inbound = partnership.links_in.select_related("source")
    return {"out": list(out), "in": list(inbound)}


def specified_coverage(partnership: Partnership) -> list[dict]:
    """Which specified-authority sectors hold a seat: the Duty needs all six."""
    seated = set(partnership.seats.filter(specified_authority=True)
                 .values_list("organisation__sector", flat=True))
    return [{"sector": Sector(s).label, "present": s in seated} for s in SPECIFIED_SECTORS]


def people_by_seat(partnership: Partnership) -> dict[int, list[Membership]]:
    grouped: dict[int, list[Membership]] = {}
    for membership in members_of(partnership):
        grouped.setdefault(membership.seat_id, []).append(membership)
    return grouped


def my_memberships(user) -> list[dict]:
    """The partnerships a user is in, with their roles, for the home page."""
    by_partnership = access.roles_by_partnership(user)
    partnerships = access.partnerships(user).order_by("name")
    rows = []
    for partnership in partnerships:
        roles = sorted(by_partnership.get(partnership.pk, ()), key=list(Role).index)
        rows.append({"partnership": partnership, "roles": [Role(r) for r in roles],
                     "perms": access.perms_in(user, partnership)})
    return rows


def admin_attention(partnership: Partnership) -> dict:
    """What a partnership admin should look at: empty seats, people lacking two-factor."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    required = set(partnership.two_factor_roles)
    members = members_of(partnership)
    need = {m.user_id for m in members if m.role in required}
    with_device = set(TOTPDevice.objects.filter(user_id__in=need, confirmed=True)
                      .values_list("user_id", flat=True))
    empty = [s for s in seats_of(partnership) if s.people == 0]
    return {"empty_seats": empty, "without_two_factor": len(need - with_device),
            "pending_invitations": pending_invitations(partnership).count()}


def audit_entries(partnership: Partnership) -> QuerySet[LogEntry]:
    """The partnership's audit history, including records since deleted."""
    org_type = ContentType.objects.get_for_model(Organisation)
    org_ids = [str(pk) for pk in partnership.seats.values_list("organisation_id", flat=True)]
    # SECURITY: entries carry their partnership id; organisations are shared, so only the
    # organisations seated here are shown.
    return (LogEntry.objects.filter(
        Q(additional_data__partnership_id=partnership.pk)
        | Q(content_type=org_type, object_pk__in=org_ids))
        .select_related("actor", "content_type").order_by("-timestamp"))


def organisations_available(partnership: Partnership) -> QuerySet[Organisation]:
    return Organisation.objects.exclude(seats__partnership=partnership)


def area_names(partnership: Partnership) -> list[dict]:
    known = local_authorities()
    return [{"code": code, "name": known[code].name if code in known else ""}
            for code in partnership.local_authority_codes]
