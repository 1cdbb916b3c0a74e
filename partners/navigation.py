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
    section: tuple[str, ...] = ()  # the pages beneath it, shown as "in this section"


PARTNERSHIP_NAV: tuple[NavItem, ...] = (
    NavItem("partnership", _("Overview"), Perm.VIEW_PARTNERSHIP),
    NavItem("assessments", _("Needs assessment"), Perm.VIEW_ASSESSMENTS,
            ("assessment_start", "assessment", "assessment_section", "assessment_compare",
             "assessment_findings", "finding_edit", "assessment_priorities", "definitions",
             "definition_new", "definition", "comparators")),
    NavItem("extracts", _("Data"), Perm.VIEW_EXTRACTS,
            ("upload", "extract", "extract_mapping", "extract_sheet", "data_coverage")),
    NavItem("agreements", _("Sharing agreements"), Perm.VIEW_AGREEMENTS, ("agreement_add",)),
    NavItem("people", _("People"), Perm.VIEW_MEMBERS,
            ("invite", "membership_edit", "membership_remove")),
    NavItem("seats", _("Seats"), Perm.MANAGE_SEATS, ("seat_add", "seat_edit", "seat_remove")),
    NavItem("partnership_settings", _("Settings"), Perm.MANAGE_SETTINGS),
    NavItem("audit", _("Audit history"), Perm.VIEW_AUDIT),
)


def items_for(user, partnership, current: str = "") -> list[dict]:
    perms = access.perms_in(user, partnership)
    return [
        {"label": item.label, "url_name": item.url_name,
         "url": reverse(item.url_name, kwargs={"slug": partnership.slug}),
         "current": current == item.url_name, "in_section": current in item.section}
        for item in PARTNERSHIP_NAV if item.perm in perms
    ]


# Pages beneath a section's page but below another page of it: the current page's url name
# -> the page above it, and which of the current page's url arguments that page takes.
PARENTS: dict[str, tuple[str, tuple[str, ...]]] = {
    "definition_new": ("definitions", ("slug",)),
    "definition": ("definitions", ("slug",)),
    "assessment_section": ("assessment", ("slug", "uuid")),
    "assessment_findings": ("assessment", ("slug", "uuid")),
    "assessment_priorities": ("assessment", ("slug", "uuid")),
    "assessment_compare": ("assessment", ("slug", "uuid")),
    "finding_edit": ("assessment_findings", ("slug", "uuid")),
    "extract_mapping": ("extract", ("slug", "uuid")),
    "extract_sheet": ("extract", ("slug", "uuid")),
}
PAGE_LABELS = {"definitions": _("Local definitions"), "assessment_findings": _("Findings")}


def trail(items: list[dict], current: str, kwargs: dict, labels: dict) -> list[dict]:
    """Breadcrumbs between the partnership and the current page: its section's page (from
    `items`, so only when the reader may see it), then each page above the current one.
    `labels` names pages that stand for one record (an assessment, an extract)."""
    above = []
    name = current
    while name in PARENTS:
        name, keys = PARENTS[name]
        label = labels.get(name) or PAGE_LABELS.get(name)
        if label:
            above.append({"label": label,
                          "url": reverse(name, kwargs={k: kwargs[k] for k in keys})})
    section = [{"label": item["label"], "url": item["url"]}
               for item in items if item["in_section"]]
    return section + above[::-1]
