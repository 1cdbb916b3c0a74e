"""Roles and what they allow: the ONE table.

Everything that decides access reads from here: the `rules` permissions
(partners/rules.py), queryset scoping (partners/access.py), the navigation
(partners/navigation.py) and the README's role table (`manage.py role_table`).
A test checks that they all agree with this module.
"""

from dataclasses import dataclass
from enum import StrEnum

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ANALYST = "analyst", _("Analyst")
    DATA_PROVIDER = "data_provider", _("Data provider")
    BOARD_MEMBER = "board_member", _("Board member")
    CHAIR = "chair", _("Chair")
    ACTION_OWNER = "action_owner", _("Action owner")
    SCRUTINY_MEMBER = "scrutiny_member", _("Scrutiny member")
    PARTNERSHIP_ADMIN = "partnership_admin", _("Partnership admin")


class Perm(StrEnum):
    VIEW_PARTNERSHIP = "view_partnership"
    VIEW_MEMBERS = "view_members"
    MANAGE_MEMBERS = "manage_members"
    MANAGE_SEATS = "manage_seats"
    MANAGE_SETTINGS = "manage_settings"
    VIEW_AUDIT = "view_audit"
    VIEW_AGREEMENTS = "view_agreements"
    MANAGE_AGREEMENTS = "manage_agreements"
    VIEW_EXTRACTS = "view_extracts"
    UPLOAD_OWN_ORGANISATION = "upload_own_organisation"
    UPLOAD_FOR_PARTNERSHIP = "upload_for_partnership"
    VIEW_ASSESSMENTS = "view_assessments"
    PREPARE_ASSESSMENTS = "prepare_assessments"


PERM_LABELS = {
    Perm.VIEW_PARTNERSHIP: _("See the partnership, its area and its line-up of organisations"),
    Perm.VIEW_MEMBERS: _("See the people in the partnership and their roles"),
    Perm.MANAGE_MEMBERS: _("Invite people, change their roles and remove them"),
    Perm.MANAGE_SEATS: _("Add, change and remove organisations' seats"),
    Perm.MANAGE_SETTINGS: _("Change the partnership's settings and two-factor policy"),
    Perm.VIEW_AUDIT: _("Read the audit history of the partnership's records"),
    Perm.VIEW_AGREEMENTS: _("See the information-sharing agreements register"),
    Perm.MANAGE_AGREEMENTS: _("Record information-sharing agreements"),
    Perm.VIEW_EXTRACTS: _("See uploaded extracts, validation reports and data coverage"),
    Perm.UPLOAD_OWN_ORGANISATION: _("Upload extracts for their own organisation"),
    Perm.UPLOAD_FOR_PARTNERSHIP: _("Upload extracts for any organisation under the "
                                   "partnership's agreements"),
    Perm.VIEW_ASSESSMENTS: _("Read the needs assessment: figures, charts, findings and the "
                             "priority proposal, with small numbers suppressed for their "
                             "audience"),
    Perm.PREPARE_ASSESSMENTS: _("Write local definitions, run assessments, word findings and "
                                "weigh the priority proposal"),
}


class Audience(StrEnum):
    """Who a figure is shown to; disclosure control suppresses by audience."""

    PARTNERSHIP = "partnership"
    BOARD = "board"
    SCRUTINY = "scrutiny"
    PUBLIC = "public"


@dataclass(frozen=True)
class RoleSpec:
    perms: frozenset[Perm]
    audience: Audience
    two_factor_by_default: bool  # the partnership's policy starts with these roles required
    summary: object  # lazy translatable text


_EVERYONE = {Perm.VIEW_PARTNERSHIP, Perm.VIEW_ASSESSMENTS}
_COLLEAGUES = _EVERYONE | {Perm.VIEW_MEMBERS}
_BOARD = _COLLEAGUES | {Perm.VIEW_AGREEMENTS}
_DATA = _COLLEAGUES | {Perm.VIEW_AGREEMENTS, Perm.VIEW_EXTRACTS}

ROLES: dict[Role, RoleSpec] = {
    Role.ANALYST: RoleSpec(
        frozenset(_DATA | {Perm.UPLOAD_FOR_PARTNERSHIP, Perm.MANAGE_AGREEMENTS,
                           Perm.PREPARE_ASSESSMENTS}),
        Audience.PARTNERSHIP, True,
        _("Prepares the partnership's data and its annual needs assessment."),
    ),
    Role.DATA_PROVIDER: RoleSpec(
        frozenset(_DATA | {Perm.UPLOAD_OWN_ORGANISATION}), Audience.PARTNERSHIP, True,
        _("Shares their own organisation's depersonalised extracts."),
    ),
    Role.BOARD_MEMBER: RoleSpec(
        frozenset(_BOARD), Audience.BOARD, False,
        _("Represents an organisation on the executive board."),
    ),
    Role.CHAIR: RoleSpec(
        frozenset(_BOARD), Audience.BOARD, False,
        _("Chairs the executive board."),
    ),
    Role.ACTION_OWNER: RoleSpec(
        frozenset(_COLLEAGUES), Audience.BOARD, False,
        _("Owns actions in the partnership's plan and reports progress."),
    ),
    Role.SCRUTINY_MEMBER: RoleSpec(
        frozenset(_EVERYONE), Audience.SCRUTINY, False,
        _("Sits on the council's crime and disorder scrutiny committee."),
    ),
    Role.PARTNERSHIP_ADMIN: RoleSpec(
        frozenset(_DATA | {Perm.MANAGE_MEMBERS, Perm.MANAGE_SEATS, Perm.MANAGE_SETTINGS,
                           Perm.VIEW_AUDIT, Perm.MANAGE_AGREEMENTS}),
        Audience.PARTNERSHIP, True,
        _("Manages the partnership's seats, people, roles and settings."),
    ),
}

# A site superuser may do everything, everywhere, and must use two-factor authentication.
SUPERUSER_PERMS = frozenset(Perm)


def perms_for_roles(roles: set[Role] | frozenset[Role]) -> frozenset[Perm]:
    found: set[Perm] = set()
    for role in roles:
        found |= ROLES[Role(role)].perms
    return frozenset(found)


def default_two_factor_roles() -> list[str]:
    return [role.value for role, spec in ROLES.items() if spec.two_factor_by_default]
