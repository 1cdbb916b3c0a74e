from django import template
from django.utils.translation import gettext as _

from partners import navigation

register = template.Library()


@register.simple_tag(takes_context=True)
def breadcrumbs(context) -> list[dict]:
    """The trail from the partnership to the page above this one. Pages that stand for one
    record are named from the record the view put in the context."""
    request = context.get("request")
    match = getattr(request, "resolver_match", None)
    if match is None:
        return []
    labels = {}
    assessment = context.get("assessment")
    if assessment is not None:
        labels["assessment"] = _("%(year)s, version %(version)s") % {
            "year": assessment.financial_year, "version": assessment.version}
    extract = context.get("extract")
    if extract is not None:
        labels["extract"] = extract.filename
    return navigation.trail(context.get("nav_items") or [], match.url_name or "",
                            match.kwargs, labels)
