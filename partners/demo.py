"""The demo: the seeds' partnerships with their real line-ups, and one user per role.

Idempotent: running it again changes nothing. Refused when demo users are not allowed
(production settings)."""

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import services
from .models import Nation, Organisation, Partnership, PartnershipLink, Sector, User
from .roles import Role

DEMO_PASSWORD = "svd-demo-2026"

OPCC_DORSET = "Office of the Police and Crime Commissioner for Dorset"
OPCC_AS = "Office of the Police and Crime Commissioner for Avon and Somerset"


@dataclass(frozen=True)
class DemoPartnership:
    slug: str
    name: str
    kind: str
    codes: tuple[str, ...]
    name_cy: str = ""
    nation: str = Nation.ENGLAND
    part_of: str = ""
    accountable_to: str = ""
    opcc: str = ""
    opcc_votes: bool = False


PARTNERSHIPS = (
    DemoPartnership("bcp-csp", "BCP Community Safety Partnership", "csp", ("E06000058",),
                    opcc=OPCC_DORSET),
    DemoPartnership("dorset-csp", "Dorset Community Safety Partnership", "csp", ("E06000059",)),
    DemoPartnership("avon-and-somerset-vrp", "Avon and Somerset Violence Reduction Partnership",
                    "vrp", ("E06000022", "E06000023", "E06000024", "E06000066", "E06000025"),
                    opcc=OPCC_AS, opcc_votes=True),
    DemoPartnership("banes-csp", "Bath and North East Somerset Community Safety Partnership",
                    "csp", ("E06000022",)),
    DemoPartnership("banes-vrp", "Bath and North East Somerset Violence Reduction Partnership",
                    "vrp", ("E06000022",), part_of="avon-and-somerset-vrp",
                    accountable_to="banes-csp"),
    DemoPartnership("bristol-vrp", "Bristol Violence Reduction Partnership", "vrp",
                    ("E06000023",), part_of="avon-and-somerset-vrp"),
    DemoPartnership("north-somerset-vrp", "North Somerset Violence Reduction Partnership", "vrp",
                    ("E06000024",), part_of="avon-and-somerset-vrp"),
    DemoPartnership("somerset-vrp", "Somerset Violence Reduction Partnership", "vrp",
                    ("E06000066",), part_of="avon-and-somerset-vrp"),
    DemoPartnership("south-gloucestershire-vrp",
                    "South Gloucestershire Violence Reduction Partnership", "vrp",
                    ("E06000025",), part_of="avon-and-somerset-vrp"),
    DemoPartnership("cardiff-csp", "Cardiff Community Safety Partnership", "csp",
                    ("W06000015",), name_cy="Partneriaeth Diogelwch Cymunedol Caerdydd",
                    nation=Nation.WALES),
)


@dataclass(frozen=True)
class DemoUser:
    username: str
    first_name: str
    last_name: str
    partnership: str
    organisation: str
    role: str
    language: str = ""


USERS = (
    DemoUser("analyst", "Asha", "Patel", "bcp-csp", "Bournemouth, Christchurch and Poole Council",
             Role.ANALYST),
    DemoUser("data-provider", "Dan", "Price", "bcp-csp", "Dorset Police", Role.DATA_PROVIDER),
    DemoUser("board-member", "Bethan", "Morris", "bcp-csp", "NHS Dorset", Role.BOARD_MEMBER),
    DemoUser("chair", "Chris", "Hale", "bcp-csp", "Dorset Police", Role.CHAIR),
    DemoUser("action-owner", "Olu", "Adeyemi", "bcp-csp",
             "Dorset & Wiltshire Fire and Rescue Service", Role.ACTION_OWNER),
    DemoUser("scrutiny", "Sam", "Fletcher", "bcp-csp",
             "Bournemouth, Christchurch and Poole Council", Role.SCRUTINY_MEMBER),
    DemoUser("admin", "Alex", "Reid", "bcp-csp", "Bournemouth, Christchurch and Poole Council",
             Role.PARTNERSHIP_ADMIN),
    DemoUser("vrp-analyst", "Vic", "Turner", "avon-and-somerset-vrp",
             "Avon and Somerset Constabulary", Role.ANALYST),
    DemoUser("cardiff-analyst", "Gwen", "Jones", "cardiff-csp", "Cardiff Council", Role.ANALYST,
             language="cy"),
)


def _ensure_partnership(spec: DemoPartnership) -> Partnership:
    partnership, _created = services.partnership_create(
        slug=spec.slug, name=spec.name, name_cy=spec.name_cy, kind=spec.kind, nation=spec.nation,
        local_authority_codes=spec.codes)
    if spec.opcc:
        opcc = services.organisation_ensure(name=spec.opcc, sector=Sector.OPCC,
                                            local_authority_codes=spec.codes)
        services.seat_add(partnership=partnership, organisation=opcc, specified_authority=False,
                          voting=spec.opcc_votes)
    return partnership


def _ensure_links() -> None:
    by_slug = {p.slug: p for p in Partnership.objects.filter(
        slug__in=[s.slug for s in PARTNERSHIPS])}
    for spec in PARTNERSHIPS:
        for target, kind in ((spec.part_of, PartnershipLink.Kind.PART_OF),
                             (spec.accountable_to, PartnershipLink.Kind.ACCOUNTABLE_TO)):
            if target:
                services.partnership_link(source=by_slug[spec.slug], target=by_slug[target],
                                          kind=kind)


def _ensure_user(spec: DemoUser) -> User:
    user, created = User.objects.get_or_create(
        username=spec.username,
        defaults={"first_name": spec.first_name, "last_name": spec.last_name,
                  "email": f"{spec.username}@demo.svd.invalid", "is_demo": True,
                  "preferred_language": spec.language})
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save()
    partnership = Partnership.objects.get(slug=spec.partnership)
    seat = partnership.seats.get(organisation=Organisation.objects.get(name=spec.organisation))
    services.membership_add(user=user, seat=seat, role=spec.role)
    return user


def _ensure_superuser() -> User:
    user, created = User.objects.get_or_create(
        username="superuser",
        defaults={"first_name": "Site", "last_name": "Administrator", "is_demo": True,
                  "email": "superuser@demo.svd.invalid", "is_staff": True,
                  "is_superuser": True})
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save()
    return user


def _ensure_totp(user: User) -> None:
    if not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        TOTPDevice.objects.create(user=user, name="demo authenticator", confirmed=True)


@transaction.atomic
def seed() -> list[dict]:
    if not settings.ALLOW_DEMO_USERS:
        raise ImproperlyConfigured("Demo users are not allowed with these settings.")
    for spec in PARTNERSHIPS:
        _ensure_partnership(spec)
    _ensure_links()
    users = [(_ensure_user(spec), spec.role.label, spec.partnership) for spec in USERS]
    users.append((_ensure_superuser(), "Site superuser", "all"))
    from . import access

    logins = []
    for user, role, partnership in users:
        access.forget(user)
        needs_code = access.two_factor_required(user)
        if needs_code:
            _ensure_totp(user)
        logins.append({"username": user.username, "role": str(role),
                       "partnership": partnership, "two_factor": needs_code})
    return logins


def current_code(username: str) -> str:
    """The demo user's current six-digit code (what their authenticator app would show)."""
    from django_otp.oath import TOTP

    device = TOTPDevice.objects.get(user__username=username, user__is_demo=True, confirmed=True)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"
