"""Findings as a reader sees them: the generated sentence in their language, or the
analyst's wording, flagged when a later run changed the figures it was written against;
small numbers never shown to audiences that must not see them."""

from django.urls import reverse
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, override

from . import labels
from .computation import disclosure
from .computation.findings import COUNT_PARAMS, priority_findings
from .computation.tables import Section
from .models import Assessment, FindingEdit


def shown_findings(assessment: Assessment, audience: str, threshold: int,
                   language: str) -> list[dict]:
    edits = {e.key: e for e in FindingEdit.objects.filter(
        partnership=assessment.partnership, financial_year=assessment.financial_year,
        language=language)}
    protected = {}
    out, seen = [], set()
    for item in _with_current_priority(assessment):
        hidden = _reveals_suppressed(item, assessment, audience, threshold, protected)
        generated = render(item, language)
        edit = edits.get(_key(item))
        text = generated
        if hidden:
            text = small_numbers(item, language)
        elif edit is not None:
            text = edit.text
        if text in seen:  # e.g. two findings on one category, both too small to publish
            continue
        seen.add(text)
        out.append({
            "key": _key(item), "text": text, "generated": generated,
            "edited": edit is not None and not hidden,
            "stale": edit is not None and edit.figures != item["figures"],
            "figures": item["figures"], "suppressed": hidden,
            "link": _link(assessment, item["ref"]),
        })
    return out


def _with_current_priority(assessment: Assessment) -> list[dict]:
    """The snapshot's findings, the one on the top priority following the weights saved for
    the assessment since (the ranking on the priorities page)."""
    from .services import current_priority

    findings = assessment.result.get("findings", [])
    if not any(item["key"] == "top_priority" for item in findings):
        return findings
    current = priority_findings(current_priority(assessment))  # none or one
    out = []
    for item in findings:
        out += current if item["key"] == "top_priority" else [item]
    return out


def _key(item: dict) -> str:
    """A finding's stable identity across runs: its template family and subject."""
    params = item["params"]
    family = item["key"].split("_")[0] if item["key"].startswith("change_") else item["key"]
    subject = params.get("category") or params.get("source") or ""
    return f"{family}:{subject}" if subject else family


# Findings whose noun follows a count ("1 offence", "2 offences"): the count's parameter and
# the sentence's singular and plural, the plural being the computation's template.
PLURALS = {
    "change_none": ("count", lambda n: ngettext(
        "Police recorded %(category)s: unchanged between %(previous_year)s and %(year)s at "
        "%(count)s offence.",
        "Police recorded %(category)s: unchanged between %(previous_year)s and %(year)s at "
        "%(count)s offences.", n)),
    "change_too_few": ("previous", lambda n: ngettext(
        "Police recorded %(category)s: %(previous)s offence in %(previous_year)s and "
        "%(count)s in %(year)s, too few to say whether the change is real.",
        "Police recorded %(category)s: %(previous)s offences in %(previous_year)s and "
        "%(count)s in %(year)s, too few to say whether the change is real.", n)),
    "change_new": ("count", lambda n: ngettext(
        "Police recorded %(category)s: %(count)s offence in %(year)s and none in "
        "%(previous_year)s.",
        "Police recorded %(category)s: %(count)s offences in %(year)s and none in "
        "%(previous_year)s.", n)),
    "peak": ("peak", lambda n: ngettext(
        "Police recorded %(category)s peaked over the five years in %(peak_year)s at "
        "%(peak)s offence; there were %(count)s in %(year)s.",
        "Police recorded %(category)s peaked over the five years in %(peak_year)s at "
        "%(peak)s offences; there were %(count)s in %(year)s.", n)),
    "most_common": ("count", lambda n: ngettext(
        "The most common serious violence category in %(year)s was %(category)s, with "
        "%(count)s offence (%(share)s%% of the total).",
        "The most common serious violence category in %(year)s was %(category)s, with "
        "%(count)s offences (%(share)s%% of the total).", n)),
    "non_recent": ("count", lambda n: ngettext(
        "%(count)s offence recorded during %(year)s had been committed a year or more "
        "earlier; it is counted apart from the year's figures.",
        "%(count)s offences recorded during %(year)s had been committed a year or more "
        "earlier; they are counted apart from the year's figures.", n)),
}


def _template(item: dict) -> str:
    plural = PLURALS.get(item["key"])
    count = item["params"].get(plural[0]) if plural else None
    if isinstance(count, int | float) and not isinstance(count, bool):
        return plural[1](int(count))
    return _(item["template"])


def render(item: dict, language: str) -> str:
    with override(language):
        template = _template(item)
        params = {name: _param(name, value) for name, value in item["params"].items()}
        try:
            return template % params
        except (KeyError, TypeError, ValueError):
            return item["template"] % params


def _param(name, value):
    if name == "category":
        return labels.category(value)
    if name == "source":
        return labels.source(value)
    if name == "rules" and isinstance(value, list):
        return ", ".join(labels.rule(v) for v in value)
    if isinstance(value, int | float) and not isinstance(value, bool) and name != "n":
        return number_format(value, use_l10n=True, force_grouping=True)
    return value


def small_numbers(item: dict, language: str) -> str:
    with override(language):
        subject = item["params"].get("category")
        if subject:
            return _("Figures for %(category)s in %(year)s are not published: they are small, "
                     "or would let small numbers be worked out.") % {
                "category": labels.category(subject), "year": item["params"].get("year", "")}
        return _("This finding rests on numbers too small to publish.")


def _reveals_suppressed(item, assessment, audience, threshold, cache) -> bool:
    if audience not in disclosure.SUPPRESSING:
        return False
    params = item["params"]
    for name in COUNT_PARAMS:
        value = params.get(name)
        if isinstance(value, int | float) and 0 < value < threshold:
            return True
    ref = item.get("ref") or {}
    section = ref.get("section")
    if section not in assessment.result.get("sections", {}):
        return False
    if section not in cache:
        cache[section] = disclosure.protect_section(
            Section.from_dict(assessment.result["sections"][section]), audience, threshold)
    table = cache[section].tables.get(ref.get("table"))
    if table is None:
        return False
    used = _columns_used(item, table)
    for row in table.rows:
        if ref.get("row") in row.values():
            return any(disclosure.is_suppressed(row.get(column)) for column in used)
    return False


def _columns_used(item: dict, table) -> list[str]:
    """The table columns a finding quotes: its years, and what is worked out from them."""
    params, ref = item["params"], item.get("ref") or {}
    keys = {c.key for c in table.columns}
    used = {params.get(k) for k in ("year", "previous_year", "peak_year")} | {ref.get("column")}
    if {"change", "signed_change"} & set(params):
        used |= {"change", "difference", "verdict"}
    return [key for key in used if key in keys] or list(keys)


def _link(assessment: Assessment, ref: dict) -> str:
    section = (ref or {}).get("section")
    slug = assessment.partnership.slug
    if section == "priority":
        return reverse("assessment_priorities", kwargs={"slug": slug, "uuid": assessment.uuid})
    if section in assessment.result.get("sections", {}):
        url = reverse("assessment_section", kwargs={"slug": slug, "uuid": assessment.uuid,
                                                    "section": section})
        return f"{url}#table-{ref.get('table')}"
    return ""
