"""The navigation, derived from the role table: an item shows when its permission holds."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from . import access
from .roles import Perm


@dataclass(frozen=True)
class NavItem:
    url_name: str
    label: object
    perm: Perm


PARTNERSHIP_NAV: tuple[NavItem, ...] = (
    NavItem("partnership", _("Overview"), Perm.VIEW_PARTNERSHIP),
    NavItem("extracts", _("Data"), Perm.VIEW_EXTRACTS),
    NavItem("agreements", _("Sharing agreements"), Perm.VIEW_AGREEMENTS),
    NavItem("people", _("People"), Perm.VIEW_MEMBERS),
    NavItem("seats", _("Seats"), Perm.MANAGE_SEATS),
    NavItem("partnership_settings", _("Settings"), Perm.MANAGE_SETTINGS),
    NavItem("audit", _("Audit history"), Perm.VIEW_AUDIT),
)


def items_for(user, partnership) -> list[dict]:
    perms = access.perms_in(user, partnership)
    return [
        {"label": item.label, "url_name": item.url_name,
         "url": reverse(item.url_name, kwargs={"slug": partnership.slug})}
        for item in PARTNERSHIP_NAV if item.perm in perms
    ]
