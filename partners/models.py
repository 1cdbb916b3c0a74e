"""Who: organisations, partnerships, their seats and the people who hold roles in them."""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .roles import Role, default_two_factor_roles


class User(AbstractUser):
    preferred_language = models.CharField(
        _("preferred language"), max_length=8, choices=settings.LANGUAGES, blank=True
    )
    is_demo = models.BooleanField(default=False, help_text="Created by seed_demo.")

    def __str__(self) -> str:
        return self.get_full_name() or self.username


class Sector(models.TextChoices):
    POLICE = "police", _("Police")
    FIRE = "fire", _("Fire and rescue")
    HEALTH = "health", _("Health (Integrated Care Board or Local Health Board)")
    LOCAL_AUTHORITY = "local_authority", _("Local authority")
    YOUTH_JUSTICE = "youth_justice", _("Youth justice")
    PROBATION = "probation", _("Probation")
    EDUCATION = "education", _("Education")
    PRISON = "prison", _("Prison or youth custody")
    OPCC = "opcc", _("Office of the Police and Crime Commissioner")
    VOLUNTARY = "voluntary", _("Voluntary sector")


# The Serious Violence Duty's specified authorities, by sector.
SPECIFIED_SECTORS = (
    Sector.POLICE, Sector.FIRE, Sector.HEALTH,
    Sector.LOCAL_AUTHORITY, Sector.YOUTH_JUSTICE, Sector.PROBATION,
)


class Nation(models.TextChoices):
    ENGLAND = "england", _("England")
    WALES = "wales", _("Wales")


class Organisation(models.Model):
    """A real body. It exists once however many partnerships it sits in."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    slug = models.SlugField(_("short name"), max_length=80, unique=True)
    sector = models.CharField(_("sector"), max_length=20, choices=Sector.choices)
    local_authority_codes = models.JSONField(
        _("area (local authority codes)"), default=list, blank=True
    )
    police_force_area = models.CharField(_("police force area"), max_length=120, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")

    def __str__(self) -> str:
        return self.name

    @property
    def is_specified_authority_sector(self) -> bool:
        return self.sector in SPECIFIED_SECTORS


class Partnership(models.Model):
    class Kind(models.TextChoices):
        CSP = "csp", _("Community Safety Partnership")
        VRP = "vrp", _("Violence Reduction Partnership")

    name = models.CharField(_("name"), max_length=200, unique=True)
    name_cy = models.CharField(_("name in Welsh"), max_length=200, blank=True)
    slug = models.SlugField(_("short name"), max_length=80, unique=True)
    kind = models.CharField(_("kind"), max_length=3, choices=Kind.choices)
    nation = models.CharField(_("nation"), max_length=8, choices=Nation.choices,
                              default=Nation.ENGLAND)
    local_authority_codes = models.JSONField(
        _("area (local authority codes)"), default=list, blank=True
    )
    suppression_threshold = models.PositiveSmallIntegerField(
        _("small-number suppression threshold"), default=5,
        help_text=_("Counts from 1 up to one less than this number are shown to scrutiny "
                    "and the public as “less than” this number, for example “<5”."),
    )
    bilingual = models.BooleanField(
        _("publish in English and Welsh"), default=False,
        help_text=_("Welsh partnerships are bilingual by default."),
    )
    two_factor_roles = models.JSONField(
        _("roles that must use two-factor authentication"), default=default_two_factor_roles,
        blank=True,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("partnership")

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        if self._state.adding and self.nation == Nation.WALES:
            self.bilingual = True
        super().save(*args, **kwargs)

    def audit_partnership_id(self) -> int:
        return self.pk


class PartnershipLink(models.Model):
    """A typed link: a local VRP is *part of* the regional VRP and *accountable to* its CSP."""

    class Kind(models.TextChoices):
        PART_OF = "part_of", _("part of")
        ACCOUNTABLE_TO = "accountable_to", _("accountable to")

    source = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="links_out")
    target = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="links_in")
    kind = models.CharField(max_length=20, choices=Kind.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["source", "target", "kind"], name="unique_link"),
            models.CheckConstraint(condition=~models.Q(source=models.F("target")),
                                   name="link_not_to_self"),
        ]

    def __str__(self) -> str:
        return f"{self.source} {self.get_kind_display()} {self.target}"

    def audit_partnership_id(self) -> int:
        return self.source_id


class Seat(models.Model):
    """An organisation's place in a partnership."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="seats")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT,
                                     related_name="seats")
    specified_authority = models.BooleanField(_("specified authority"), default=True)
    voting = models.BooleanField(_("voting"), default=True)

    class Meta:
        ordering = ["organisation__name"]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "organisation"],
                                    name="one_seat_per_organisation"),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} in {self.partnership}"

    def audit_partnership_id(self) -> int:
        return self.partnership_id


class Membership(models.Model):
    """A person holding a role through an organisation's seat."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="memberships")
    seat = models.ForeignKey(Seat, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["user__last_name", "user__first_name", "role"]
        constraints = [
            models.UniqueConstraint(fields=["user", "seat", "role"], name="unique_membership"),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()} – {self.seat}"

    def audit_partnership_id(self) -> int:
        return self.seat.partnership_id


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class InvitationQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(accepted_at__isnull=True, revoked_at__isnull=True,
                           expires_at__gt=timezone.now())

    def by_token(self, token: str):
        return self.pending().filter(token_hash=_token_hash(token))


class Invitation(models.Model):
    """A one-time link to join a partnership in a role. Only the token's hash is kept."""

    seat = models.ForeignKey(Seat, on_delete=models.CASCADE, related_name="invitations")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    email = models.EmailField(_("email address"))
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.email} as {self.get_role_display()}"

    @staticmethod
    def new_token() -> tuple[str, str]:
        token = secrets.token_urlsafe(32)
        return token, _token_hash(token)

    @staticmethod
    def default_expiry():
        return timezone.now() + timedelta(days=settings.INVITATION_VALID_DAYS)

    @property
    def is_pending(self) -> bool:
        return (self.accepted_at is None and self.revoked_at is None
                and self.expires_at > timezone.now())

    def audit_partnership_id(self) -> int:
        return self.seat.partnership_id
