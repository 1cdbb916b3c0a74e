"""Assessment pages: runs with progress, the overview and a page per analysis (charts, tables,
CSV), findings, the priority matrix, definitions with a live preview, comparator groups.

Every figure reaches the page through presentation.py, which applies disclosure control for
the reader's audience (partners.access.audience_in)."""

import uuid as uuid_module

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.text import slugify
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from ingest.models import DownloadLog, HomeOfficeCount
from partners import access
from partners.decorators import partnership_view
from partners.forms import posted
from partners.roles import Perm

from . import charts, labels, presentation, selectors, services
from .computation import definitions, disclosure, presets
from .computation.assessment import evaluability_by_source, record_counts, selected_counts
from .computation.tables import Table
from .findings import shown_findings
from .forms import (
    ComparatorForm,
    DefinitionForm,
    FindingForm,
    StartForm,
    WeightsForm,
    year_choices,
)
from .models import Assessment, ComparatorGroup, Definition

VIEW, PREPARE = Perm.VIEW_ASSESSMENTS, Perm.PREPARE_ASSESSMENTS


def _assessment(partnership, uuid) -> Assessment:
    # SECURITY: looked up inside the partnership the access layer resolved.
    found = Assessment.objects.filter(partnership=partnership, uuid=uuid).select_related(
        "definition_version__definition", "started_by").first()
    if found is None:
        raise Http404
    return found


def _audience(request, partnership) -> tuple[str, int]:
    return (str(access.audience_in(request.user, partnership)),
            partnership.suppression_threshold)


def _can_prepare(request, partnership) -> bool:
    return access.has_perm(request.user, PREPARE, partnership)


# --- Runs --------------------------------------------------------------------------------------

@partnership_view(VIEW)
def assessments(request, partnership):
    runs = (Assessment.objects.filter(partnership=partnership)
            .select_related("definition_version__definition", "started_by"))
    if not _can_prepare(request, partnership):
        runs = runs.filter(status=Assessment.Status.DONE)
    if _suppressed_for(request, partnership):
        latest = {run.financial_year: run.pk for run in runs.order_by("version")
                  if run.suppressible}
        runs = runs.filter(pk__in=latest.values())
    form = None
    if _can_prepare(request, partnership):
        form = _start_form(partnership, None)
    return render(request, "assessments/list.html", {
        "runs": runs, "form": form,
        "definitions": Definition.objects.filter(partnership=partnership)})


def _start_form(partnership, data):
    definitions = Definition.objects.filter(partnership=partnership)
    years = selectors.police_years(partnership)
    form = StartForm(data, definitions=definitions,
                     groups=ComparatorGroup.objects.filter(partnership=partnership),
                     harm_indices=services.harm_indices(), years=years)
    if data is None:
        form.initial = _start_initial(partnership, definitions, years)
    form.has_police_years = bool(years)
    return form


def _start_initial(partnership, definitions, years) -> dict:
    """What the last run used, so a re-run is one click; else the newest definition."""
    last = (Assessment.objects.filter(partnership=partnership)
            .select_related("definition_version").order_by("-created_at").first())
    if last is not None and last.definition_version is not None:
        initial = {"definition": last.definition_version.definition_id,
                   "financial_year": last.financial_year,
                   "comparator_group": last.comparator_group_id,
                   "harm_index": last.harm_index}
    else:
        newest = definitions.order_by("-financial_year", "-created_at").first()
        group = ComparatorGroup.objects.filter(partnership=partnership).first()
        initial = {"definition": newest.pk if newest else None,
                   "financial_year": newest.financial_year if newest else None,
                   "comparator_group": group.pk if group else None}
    if years and initial["financial_year"] not in years:
        initial["financial_year"] = years[0]
    return initial


@partnership_view(PREPARE)
def assessment_start(request, partnership):
    form = _start_form(partnership, posted(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            assessment = services.assessment_start(
                partnership=partnership, financial_year=data["financial_year"],
                definition_version=data["definition"].current,
                comparator_group=data["comparator_group"],
                harm_index=data["harm_index"] or "", user=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect("assessment", slug=partnership.slug, uuid=assessment.uuid)
    return render(request, "assessments/start.html", {"form": form})


@partnership_view(VIEW)
def assessment(request, partnership, uuid):
    item = _assessment(partnership, uuid)
    if item.status != Assessment.Status.DONE and not _can_prepare(request, partnership):
        raise Http404
    if item.status == Assessment.Status.DONE:
        _only_latest_if_suppressed(request, partnership, item)
    partial = request.headers.get("HX-Request") == "true"
    if not item.is_finished or partial:
        response = render(request, "assessments/progress.html" if partial
                          else "assessments/running.html",
                          {"assessment": item, "stage": labels.STAGES.get(item.stage, "")})
        if partial and item.is_finished:
            response["HX-Refresh"] = "true"
        return response
    if item.status == Assessment.Status.FAILED:
        return render(request, "assessments/running.html", {"assessment": item})
    audience, threshold = _audience(request, partnership)
    volumes = presentation.protected(item.result["sections"]["volumes"], audience, threshold)
    headline = volumes.tables.get("by_category")
    return render(request, "assessments/overview.html", {
        "assessment": item, "audience": audience,
        "audience_label": labels.AUDIENCES.get(audience, audience),
        "harm_index": labels.harm_index(item.harm_index) if item.harm_index else "",
        "sections": _section_links(item),
        "headline": presentation.compact(presentation.show(headline)) if headline else None,
        "chart": charts.for_table("volumes", headline) if headline else None,
        "findings": shown_findings(item, audience, threshold, get_language())[:6],
        "evaluability": _evaluability(item.result),
        "earlier": Assessment.objects.filter(
            partnership=partnership, financial_year=item.financial_year,
            status=Assessment.Status.DONE).exclude(pk=item.pk)[:10],
        "can_prepare": _can_prepare(request, partnership)})


def _section_links(item) -> list[dict]:
    return [{"key": key, "label": labels.SECTIONS.get(key, key)}
            for key in item.result.get("sections", {})]


def _evaluability(result: dict) -> list[dict]:
    """Per source with records, the rules of the definition and whether they applied."""
    rows = []
    counts = result.get("counts")
    for source_key, rules in result.get("evaluability", {}).items():
        if counts is not None and not (counts.get(source_key) or {}).get("read"):
            continue
        used = {rule: status for rule, status in rules.items() if status != "not_set"}
        if not used:
            continue
        rows.append({"source": labels.source(source_key),
                     "rules": [{"rule": labels.rule(r), "status": s,
                                "label": labels.verdict(s)} for r, s in used.items()],
                     "partly": any(s in ("partly", "not_evaluable") for s in used.values())})
    return rows


@partnership_view(VIEW)
def assessment_section(request, partnership, uuid, section):
    item = _done(partnership, uuid, request)
    data = item.result["sections"].get(section)
    if data is None:
        raise Http404
    audience, threshold = _audience(request, partnership)
    protected = presentation.protected(data, audience, threshold)
    tables = [{"shown": presentation.show(table, section=section),
               "chart": charts.for_table(section, table, protected)}
              for table in protected.tables.values()]
    return render(request, "assessments/section.html", {
        "assessment": item, "section": section,
        "title": labels.SECTIONS.get(section, section), "tables": tables,
        "notes": [presentation.note_text(n) for n in protected.notes
                  if presentation.shown_note(n)],
        "sections": _section_links(item), "audience": audience})


def _done(partnership, uuid, request=None) -> Assessment:
    item = _assessment(partnership, uuid)
    if item.status != Assessment.Status.DONE:
        raise Http404
    if request is not None:
        _only_latest_if_suppressed(request, partnership, item)
    return item


def _only_latest_if_suppressed(request, partnership, item: Assessment) -> None:
    # SECURITY: a reader of suppressed figures sees one version of each year only: two
    # versions suppress different cells, and side by side would give them away.
    # Nor a snapshot whose tables do not declare what suppression needs (Assessment.suppressible).
    if _suppressed_for(request, partnership) and (
            not item.suppressible
            or item.pk != _latest_done(partnership, item.financial_year).pk):
        raise Http404


def _suppressed_for(request, partnership) -> bool:
    return _audience(request, partnership)[0] in disclosure.SUPPRESSING


def _latest_done(partnership, financial_year: str) -> Assessment | None:
    return (Assessment.objects.filter(partnership=partnership, financial_year=financial_year,
                                      status=Assessment.Status.DONE)
            .order_by("-version").first())


@partnership_view(VIEW)
def assessment_csv(request, partnership, uuid, section, table):
    item = _done(partnership, uuid, request)
    data = item.result["sections"].get(section, {})
    if table not in data.get("tables", {}):
        raise Http404
    audience, threshold = _audience(request, partnership)
    # The whole section, as its page shows it: a table repeating another's rows follows
    # what that one hides (Table.mirror_of).
    shown = presentation.protected(data, audience, threshold).tables[table]
    DownloadLog.objects.create(user=request.user, partnership=partnership,
                               what=f"assessment {item} {section}/{table} (CSV, {audience})")
    response = HttpResponse(presentation.csv_bytes(shown), content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="{_csv_name(item, section, shown)}"'
    return response


def _csv_name(item, section: str, table: Table) -> str:
    """Named as the page names the table, in the reader's language, so a folder of
    downloads reads as the assessment does."""
    title = presentation.table_title(table.key, table, section)
    parts = [item.partnership.slug, item.financial_year.replace("/", "-"), f"v{item.version}",
             slugify(str(labels.SECTIONS.get(section, section))), slugify(title) or table.key]
    return "-".join(parts) + ".csv"


@partnership_view(VIEW)
def assessment_compare(request, partnership, uuid):
    item = _done(partnership, uuid, request)
    other_uuid = request.GET.get("with", "")
    others = Assessment.objects.filter(partnership=partnership, status=Assessment.Status.DONE,
                                       financial_year=item.financial_year).exclude(pk=item.pk)
    if _suppressed_for(request, partnership):
        others = others.none()  # one version only (_done)
    if other_uuid:
        try:
            other = others.filter(uuid=uuid_module.UUID(other_uuid)).first()
        except ValueError:
            raise Http404 from None
        if other is None:
            raise Http404
    else:
        other = others.first()
    audience, threshold = _audience(request, partnership)
    rows = []
    if other is not None:
        rows = _compare_rows(item, other, audience, threshold)
    return render(request, "assessments/compare.html", {
        "assessment": item, "other": other, "others": others, "rows": rows})


def _compare_rows(item, other, audience, threshold) -> list[dict]:
    def counts(run):
        table = presentation.protected(run.result["sections"]["volumes"], audience,
                                       threshold).tables.get("by_category")
        return {} if table is None else {r["category"]: r for r in table.rows}

    year = item.financial_year
    mine, theirs = counts(item), counts(other)
    keys = list(dict.fromkeys([*mine, *theirs]))
    return [{"category": labels.category(k),
             "this": presentation.cell((mine.get(k) or {}).get(year), "count"),
             "other": presentation.cell((theirs.get(k) or {}).get(year), "count"),
             "this_verdict": labels.verdict((mine.get(k) or {}).get("verdict")),
             "other_verdict": labels.verdict((theirs.get(k) or {}).get("verdict")),
             "differs": (mine.get(k) or {}).get(year) != (theirs.get(k) or {}).get(year)}
            for k in keys]


# --- Findings and priorities ---------------------------------------------------------------------

@partnership_view(VIEW)
def assessment_findings(request, partnership, uuid):
    item = _done(partnership, uuid, request)
    audience, threshold = _audience(request, partnership)
    return render(request, "assessments/findings.html", {
        "assessment": item,
        "findings": shown_findings(item, audience, threshold, get_language()),
        "can_prepare": _can_prepare(request, partnership)})


@partnership_view(PREPARE)
def finding_edit(request, partnership, uuid, key):
    item = _done(partnership, uuid)
    found = next((f for f in shown_findings(item, "partnership", 0, get_language())
                  if f["key"] == key), None)
    if found is None:
        raise Http404
    form = FindingForm(posted(request), initial={"text": found["text"]})
    if request.method == "POST" and form.is_valid():
        services.finding_edit(assessment=item, key=key, language=get_language(),
                              text=form.cleaned_data["text"], figures=found["figures"],
                              user=request.user)
        messages.success(request, _("Wording saved."))
        return redirect("assessment_findings", slug=partnership.slug, uuid=item.uuid)
    return render(request, "assessments/finding_edit.html", {
        "assessment": item, "finding": found, "form": form})


@partnership_view(VIEW)
def assessment_priorities(request, partnership, uuid):
    item = _done(partnership, uuid, request)
    proposal = getattr(item, "proposal", None)
    inputs = item.result.get("priority_inputs", [])
    categories = [row["category"] for row in inputs]
    initial = _weights_initial(proposal, item.result.get("priority", {}))
    form = WeightsForm(posted(request) if _can_prepare(request, partnership) else None,
                       categories=categories, initial=initial)
    result = item.result.get("priority", {})
    if request.method == "POST":
        if not _can_prepare(request, partnership):
            raise PermissionDenied
        if form.is_valid():
            result = services.propose(inputs, form.weights(), form.ratings())
            if "save" in request.POST:
                services.proposal_save(assessment=item, weights=form.weights(),
                                       ratings=form.ratings(), user=request.user)
                messages.success(request, _("Weights and ratings saved for this assessment."))
                return redirect("assessment_priorities", slug=partnership.slug,
                                uuid=item.uuid)
    elif proposal is not None:
        result = services.propose(inputs, proposal.weights, proposal.ratings)
    audience, threshold = _audience(request, partnership)
    context = {"assessment": item, "form": form, "can_prepare": _can_prepare(request,
                                                                            partnership),
               **_priority_context(result, inputs, audience, threshold)}
    partial = request.headers.get("HX-Request") == "true"
    template = "assessments/priorities_result.html" if partial else "assessments/priorities.html"
    return render(request, template, {**context, "partial": partial})


def _weights_initial(proposal, result) -> dict:
    weights = (proposal.weights if proposal else None) or result.get("weights") or {}
    ratings = proposal.ratings if proposal else {}
    initial = {f"w_{k}": v for k, v in weights.items()}
    initial.update({f"r_{k}": v for k, v in ratings.items()})
    return initial


def _priority_context(result: dict, inputs: list[dict], audience: str, threshold: int):
    ranking = []
    for entry in result.get("ranking", []):
        ranking.append({
            **entry, "label": labels.category(entry["category"]),
            "reasons": [presentation.note_text(r) if isinstance(r, dict) else str(r)
                        for r in entry.get("reasons", [])],
            "components": [{"name": name, "label": labels_component(name),
                            "score": c.get("score"),
                            "value": _component_value(name, c.get("value"), audience,
                                                      threshold)}
                           for name, c in (entry.get("components") or {}).items()]})
    return {"ranking": ranking, "matrix": charts.priority_matrix(result),
            "weights": result.get("weights", {})}


def labels_component(name: str) -> str:
    from .forms import COMPONENT_LABELS

    return str(COMPONENT_LABELS.get(name, name))


def _component_value(name, value, audience, threshold):
    if name == "volume":
        return disclosure.protect_value(value, audience, threshold)
    return value


# --- Definitions ---------------------------------------------------------------------------------

@partnership_view(VIEW)
def definitions_list(request, partnership):
    return render(request, "assessments/definitions.html", {
        "definitions": Definition.objects.filter(partnership=partnership)
        .prefetch_related("versions"),
        "presets": [_preset(k) for k in presets.PRESETS],
        "can_prepare": _can_prepare(request, partnership)})


@partnership_view(PREPARE)
def definition_new(request, partnership):
    key = request.GET.get("preset", "")
    preset = _preset(key) if key in presets.PRESETS else None
    return _definition_form(request, partnership, None, preset)


def _preset(key: str) -> dict:
    """A preset with its name in the reader's language (its source is cited as published)."""
    preset = presets.PRESETS[key]
    return {**preset, "key": key, "name": labels.preset_name(key, preset["name"])}


@partnership_view(VIEW)
def definition(request, partnership, pk):
    item = Definition.objects.filter(partnership=partnership, pk=pk).first()
    if item is None:
        raise Http404
    if not _can_prepare(request, partnership) and request.method == "POST":
        raise PermissionDenied
    if not _can_prepare(request, partnership):
        return render(request, "assessments/definition_read.html", {
            "definition": item,
            "versions": presentation.with_rules_text(item.versions.all())})
    return _definition_form(request, partnership, item, None)


def _definition_form(request, partnership, item, preset):
    # A new definition is for the latest year with police records, as its preview counts.
    year = next(iter(selectors.police_years(partnership)), None) or year_choices()[0][0]
    if item is not None:
        initial = DefinitionForm.initial_from(item.name, item.financial_year, item.current.rules)
    elif preset is not None:
        initial = DefinitionForm.initial_from(preset["name"], year, preset["rules"])
    else:
        initial = {"financial_year": year, "flags_mode": "any", "age_who": "either"}
    form = DefinitionForm(posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        saved = _definition_save(request, partnership, item, form, preset)
        if saved is not None:
            return redirect("definition", slug=partnership.slug, pk=saved.pk)
    return render(request, "assessments/definition_form.html", {
        "form": form, "definition": item, "preset": preset,
        "versions": presentation.with_rules_text(item.versions.all()) if item else [],
        "preview": _preview(partnership, form.initial if request.method == "GET" else None,
                            form if request.method == "POST" else None)})


def _definition_save(request, partnership, item, form, preset):
    data = form.cleaned_data
    try:
        if item is None:
            saved = services.definition_create(
                partnership=partnership, name=data["name"], financial_year=data["financial_year"],
                rules=form.rules(), preset=request.GET.get("preset", ""), user=request.user)
        else:
            services.definition_version_save(definition=item, rules=form.rules(),
                                             note=data["note"], user=request.user)
            saved = item
    except ValidationError as error:
        for message in error.messages:
            form.add_error(None, message)
        return None
    except IntegrityError:  # a definition of that name and year exists
        form.add_error("name", _("There is already a definition with that name for that "
                                 "year."))
        return None
    messages.success(request, _("Definition saved."))
    return saved


@partnership_view(PREPARE)
def definition_preview(request, partnership):
    if request.method != "POST":  # the editor posts here; a person lands on the editor
        return redirect("definition_new", slug=partnership.slug)
    form = DefinitionForm(request.POST)
    return render(request, "assessments/definition_preview.html",
                  {"preview": _preview(partnership, None, form)})


def _preview(partnership, initial, form) -> dict | None:
    """Records the rules select in the chosen year, per source, and what could not be
    applied: the editor's live preview."""
    if form is not None:
        if not form.is_valid():
            return {"errors": [e for errors in form.errors.values() for e in errors]}
        rules, year = form.rules(), form.cleaned_data["financial_year"]
    elif initial and initial.get("categories") is not None:
        bound = DefinitionForm(initial)
        if not bound.is_valid():
            return None
        rules, year = bound.rules(), bound.cleaned_data["financial_year"]
    else:
        return None
    errors = services.definition_errors(rules)
    if errors:
        return {"errors": errors}
    inputs = selectors.preview_inputs(partnership, year)
    selection = definitions.select(inputs, rules)
    counts = [{"source": labels.source(key), **count}
              for key, count in selected_counts(selection).items()]
    return {"year": year, "counts": counts,
            "evaluability": _evaluability({"evaluability": evaluability_by_source(selection),
                                           "counts": record_counts(inputs, selection)})}


# --- Comparator groups ---------------------------------------------------------------------------

@partnership_view(VIEW)
def comparators(request, partnership):
    known = sorted(set(HomeOfficeCount.objects.filter(area_level="csp")
                       .values_list("area_name", flat=True)))
    can_prepare = _can_prepare(request, partnership)
    form = ComparatorForm(posted(request) if can_prepare else None, known=known)
    if request.method == "POST":
        if not can_prepare:
            raise PermissionDenied
        if form.is_valid():
            ComparatorGroup.objects.update_or_create(
                partnership=partnership, name=form.cleaned_data["name"],
                defaults={"own_area": form.cleaned_data["own_area"],
                          "areas": form.cleaned_data["areas"]})
            messages.success(request, _("Comparator group saved."))
            return redirect("comparators", slug=partnership.slug)
    return render(request, "assessments/comparators.html", {
        "groups": ComparatorGroup.objects.filter(partnership=partnership), "form": form,
        "known": known, "can_prepare": can_prepare})
