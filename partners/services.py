"""Writes for partners. Keyword-only, atomic, named <entity>_<action>."""

from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

from . import access
from .models import (
    Invitation,
    Membership,
    Nation,
    Organisation,
    Partnership,
    PartnershipLink,
    Seat,
    Sector,
    User,
)
from .reference import force_area, local_authorities
from .roles import Role


@dataclass(frozen=True)
class OrgSpec:
    name: str
    sector: str
    codes: tuple[str, ...]
    police_force_area: str = ""


def organisation_ensure(*, name: str, sector: str, local_authority_codes: Iterable[str] = (),
                        police_force_area: str = "") -> Organisation:
    """The organisation of that name, created if new; its area grows to cover the codes."""
    org, created = Organisation.objects.get_or_create(
        name=name,
        defaults={"slug": _unique_slug(name), "sector": sector,
                  "local_authority_codes": sorted(set(local_authority_codes)),
                  "police_force_area": police_force_area},
    )
    if not created:
        codes = sorted(set(org.local_authority_codes) | set(local_authority_codes))
        if codes != org.local_authority_codes:
            org.local_authority_codes = codes
            org.save(update_fields=["local_authority_codes", "updated_at"])
    return org


def _unique_slug(name: str) -> str:
    base = slugify(name)[:70] or "organisation"
    slug, n = base, 2
    while Organisation.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def specified_authorities_for(codes: Iterable[str], *, police_force: str = "") -> list[OrgSpec]:
    """The six specified authorities' organisations for an area, from the reference data."""
    known = local_authorities()
    unknown = [code for code in codes if code not in known]
    if unknown:
        raise ValidationError(
            _("No reference data for local authority codes %(codes)s: create the partnership "
              "without seats and add them in the app.") % {"codes": ", ".join(unknown)})
    specs: dict[str, OrgSpec] = {}

    def add(name: str, sector: str, code: str, pfa: str = "") -> None:
        old = specs.get(name)
        codes_so_far = old.codes if old else ()
        specs[name] = OrgSpec(name, sector, tuple(sorted({*codes_so_far, code})), pfa)

    for code in codes:
        la = known[code]
        force = police_force or la.police_force
        specs[force] = OrgSpec(force, Sector.POLICE, tuple(force_area(force) or [code]), force)
        add(la.fire_service, Sector.FIRE, code)
        add(la.health_board, Sector.HEALTH, code)
        add(la.council, Sector.LOCAL_AUTHORITY, code)
        add(la.youth_justice, Sector.YOUTH_JUSTICE, code)
        add(la.probation, Sector.PROBATION, code)
    return list(specs.values())


@transaction.atomic
def partnership_create(*, slug: str, name: str, kind: str, nation: str = Nation.ENGLAND,
                       local_authority_codes: Iterable[str] = (), name_cy: str = "",
                       police_force: str = "", part_of: Partnership | None = None,
                       with_seats: bool = True) -> tuple[Partnership, bool]:
    """Create a partnership with seats for its area's specified authorities.

    Idempotent on the slug: an existing partnership is returned unchanged (created=False),
    apart from a missing "part of" link being added."""
    codes = list(dict.fromkeys(local_authority_codes))
    existing = Partnership.objects.filter(slug=slug).first()
    if existing:
        if part_of:
            partnership_link(source=existing, target=part_of, kind=PartnershipLink.Kind.PART_OF)
        return existing, False
    specs = specified_authorities_for(codes, police_force=police_force) if with_seats else []
    partnership = Partnership(slug=slug, name=name, name_cy=name_cy, kind=kind, nation=nation,
                              local_authority_codes=codes)
    partnership.full_clean()
    partnership.save()
    for spec in specs:
        org = organisation_ensure(name=spec.name, sector=spec.sector,
                                  local_authority_codes=spec.codes,
                                  police_force_area=spec.police_force_area)
        seat_add(partnership=partnership, organisation=org, specified_authority=True,
                 voting=True)
    if part_of:
        partnership_link(source=partnership, target=part_of, kind=PartnershipLink.Kind.PART_OF)
    return partnership, True


def partnership_link(*, source: Partnership, target: Partnership, kind: str) -> PartnershipLink:
    if source.pk == target.pk:
        raise ValidationError(_("A partnership cannot be linked to itself."))
    link, _created = PartnershipLink.objects.get_or_create(source=source, target=target,
                                                           kind=kind)
    return link


@transaction.atomic
def partnership_settings_update(*, partnership: Partnership, suppression_threshold: int,
                                bilingual: bool, two_factor_roles: list[str],
                                name_cy: str) -> Partnership:
    partnership.suppression_threshold = suppression_threshold
    partnership.bilingual = bilingual
    partnership.two_factor_roles = sorted({Role(r).value for r in two_factor_roles})
    partnership.name_cy = name_cy
    partnership.full_clean()
    partnership.save()
    return partnership


def seat_add(*, partnership: Partnership, organisation: Organisation,
             specified_authority: bool, voting: bool) -> Seat:
    seat, created = Seat.objects.get_or_create(
        partnership=partnership, organisation=organisation,
        defaults={"specified_authority": specified_authority, "voting": voting},
    )
    if not created and (seat.specified_authority, seat.voting) != (specified_authority, voting):
        seat.specified_authority, seat.voting = specified_authority, voting
        seat.save()
    return seat


def seat_update(*, seat: Seat, specified_authority: bool, voting: bool) -> Seat:
    seat.specified_authority, seat.voting = specified_authority, voting
    seat.save()
    return seat


@transaction.atomic
def seat_remove(*, seat: Seat) -> None:
    held = seat.memberships.count()
    if held:
        raise ValidationError(ngettext(
            "%(org)s's seat still has %(n)d role held through it. Remove that person first.",
            "%(org)s's seat still has %(n)d roles held through it. Remove those people first.",
            held) % {"org": seat.organisation, "n": held})
    seat.invitations.filter(accepted_at__isnull=True).update(revoked_at=timezone.now())
    seat.delete()


def membership_add(*, user: User, seat: Seat, role: str) -> Membership:
    membership, _created = Membership.objects.get_or_create(user=user, seat=seat,
                                                            role=Role(role).value)
    access.forget(user)
    return membership


def _admins_left(partnership: Partnership, excluding: Membership) -> int:
    return (Membership.objects.filter(seat__partnership=partnership,
                                      role=Role.PARTNERSHIP_ADMIN)
            .exclude(pk=excluding.pk).count())


@transaction.atomic
def membership_change(*, membership: Membership, seat: Seat, role: str) -> Membership:
    if seat.partnership_id != membership.seat.partnership_id:
        raise ValidationError(_("That seat belongs to another partnership."))
    if (membership.role == Role.PARTNERSHIP_ADMIN and role != Role.PARTNERSHIP_ADMIN
            and not _admins_left(seat.partnership, membership)):
        raise ValidationError(_("The partnership must keep at least one partnership admin."))
    if Membership.objects.filter(user=membership.user, seat=seat, role=role).exclude(
            pk=membership.pk).exists():
        raise ValidationError(_("This person already holds that role through that seat."))
    membership.seat, membership.role = seat, Role(role).value
    membership.save()
    return membership


@transaction.atomic
def membership_remove(*, membership: Membership) -> None:
    if (membership.role == Role.PARTNERSHIP_ADMIN
            and not _admins_left(membership.seat.partnership, membership)):
        raise ValidationError(_("The partnership must keep at least one partnership admin."))
    membership.delete()


@transaction.atomic
def invitation_create(*, seat: Seat, role: str, email: str, invited_by: User) -> Invitation:
    """Record an invitation and send its one-time link once the transaction commits."""
    from .tasks import invitation_send

    token, token_hash = Invitation.new_token()
    invitation = Invitation.objects.create(
        seat=seat, role=Role(role).value, email=email.strip().lower(), token_hash=token_hash,
        invited_by=invited_by, expires_at=Invitation.default_expiry())
    # The token is never stored: it travels only in the task message and the email. The
    # argsrepr keeps it out of the task results table (CELERY_RESULT_EXTENDED) and the logs.
    transaction.on_commit(lambda: invitation_send.apply_async(
        args=(invitation.pk, token), argsrepr=repr((invitation.pk, "<token>"))))
    return invitation


def invitation_revoke(*, invitation: Invitation) -> None:
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])


@transaction.atomic
def invitation_accept(*, invitation: Invitation, user: User) -> Membership:
    # SECURITY: lock the row so a link can be used once only, even under a double submit.
    locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not locked.is_pending:
        raise ValidationError(
            _("This invitation has already been used or revoked, or has expired."))
    if locked.email.lower() != (user.email or "").lower():
        raise ValidationError(_("This invitation was sent to another email address."))
    locked.accepted_at = timezone.now()
    locked.save(update_fields=["accepted_at"])
    return membership_add(user=user, seat=locked.seat, role=locked.role)


@transaction.atomic
def user_create(*, email: str, first_name: str, last_name: str, password: str) -> User:
    email = email.strip().lower()
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError(_("An account with this email address already exists: sign in."))
    return User.objects.create_user(username=email, email=email, first_name=first_name,
                                    last_name=last_name, password=password)


@transaction.atomic
def recovery_codes_generate(*, user: User) -> list[str]:
    """Replace the user's recovery codes with a new set, returned once to show them."""
    device, _created = StaticDevice.objects.get_or_create(
        user=user, name="recovery", defaults={"confirmed": True})
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(settings.RECOVERY_CODE_COUNT)]
    for code in codes:
        device.token_set.create(token=code)
    return codes


@transaction.atomic
def two_factor_reset(*, membership: Membership, by: User) -> None:
    """A partnership admin resets a member's lost authenticator; recorded in the audit."""
    from auditlog.models import LogEntry
    from django_otp import devices_for_user

    user = membership.user
    if user.is_superuser:
        raise ValidationError(_("Only a site superuser can reset a superuser's two-factor "
                                "authentication."))
    for device in devices_for_user(user, confirmed=None):
        device.delete()
    LogEntry.objects.log_create(
        membership, action=LogEntry.Action.UPDATE, actor=by,
        changes={"two-factor authentication": ["on", "reset"]})


@transaction.atomic
def user_language_set(*, user: User, language: str) -> None:
    user.preferred_language = language
    user.save(update_fields=["preferred_language"])
