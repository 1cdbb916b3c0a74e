"""Data pages: the agreement register, uploads with progress, validation reports."""

import csv
from pathlib import Path

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Max
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from partners import access
from partners.decorators import partnership_view
from partners.forms import posted
from partners.models import Organisation
from partners.roles import Perm
from svd_platform.exports import safe_cell

from . import mappings, selectors, services, sources
from .forms import AgreementForm, MappingForm, SheetForm, UploadForm
from .models import DownloadLog, Extract

UPLOADERS = (Perm.UPLOAD_FOR_PARTNERSHIP, Perm.UPLOAD_OWN_ORGANISATION)
TEMPLATES_DATA = Path(__file__).resolve().parent / "templates_data"


@partnership_view(Perm.VIEW_AGREEMENTS)
def agreements(request, partnership):
    return render(request, "ingest/agreements.html", {
        "agreements": selectors.agreements_of(partnership),
        "can_manage": access.has_perm(request.user, Perm.MANAGE_AGREEMENTS, partnership),
        "source_labels": {key: spec.label for key, spec in sources.SOURCES.items()}})


@partnership_view(Perm.MANAGE_AGREEMENTS)
def agreement_add(request, partnership):
    # An agreement can include only partnerships the user manages agreements in.
    form = AgreementForm(posted(request), organisations=_seated(partnership),
                         partnerships=access.partnerships(request.user, Perm.MANAGE_AGREEMENTS))
    if request.method == "GET":
        form.initial["partnerships"] = [partnership.pk]
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.agreement_add(
                reference=data["reference"], organisation=data["organisation"],
                partnerships=list(data["partnerships"]), source_keys=data["source_keys"],
                lawful_basis=data["lawful_basis"],
                lawful_basis_detail=data["lawful_basis_detail"],
                retention_days=data["retention_days"], starts_on=data["starts_on"],
                review_on=data["review_on"], created_by=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Agreement %(ref)s recorded.") % {
                "ref": data["reference"]})
            return redirect("agreements", slug=partnership.slug)
    return render(request, "ingest/agreement_form.html", {"form": form})


def _seated(partnership):
    return Organisation.objects.filter(seats__partnership=partnership)


WORKING = (Extract.Status.QUARANTINED, Extract.Status.PROCESSING)


@partnership_view(Perm.VIEW_EXTRACTS)
def extracts(request, partnership):
    can_upload = bool(set(UPLOADERS) & access.perms_in(request.user, partnership))
    extracts = list(selectors.extracts_of(partnership)[:200])
    # While a file waits for the worker the table refreshes itself (htmx), and stops once
    # none does.
    working = any(e.status in WORKING for e in extracts)
    partial = request.headers.get("HX-Request") == "true"
    return render(request, "ingest/_extracts_table.html" if partial else "ingest/extracts.html",
                  {"extracts": extracts, "can_upload": can_upload, "working": working})


@partnership_view(*UPLOADERS)
def upload(request, partnership):
    choices = selectors.upload_choices(request.user, partnership)
    form = UploadForm(posted(request), request.FILES or None,
                      organisations=choices["organisations"], source_choices=choices["sources"])
    if request.method == "POST" and form.is_valid():
        received = _receive_all(request, partnership, form, form.cleaned_data["files"])
        if received is not None:
            return received
    return render(request, "ingest/upload.html", {"form": form})


def _receive_all(request, partnership, form, files):
    data = form.cleaned_data
    spec = sources.source(data["source_key"])
    organisation = None if spec.reference else data.get("organisation")
    if organisation is not None and not choices_allow(request.user, partnership, organisation):
        raise PermissionDenied
    created = []
    for upload_file in files:
        try:
            created.append(services.extract_receive(
                partnership=partnership, organisation=organisation, source_key=spec.key,
                filename=upload_file.name, chunks=upload_file.chunks(),
                uploaded_by=request.user))
        except ValidationError as error:
            form.add_error("files", f"{upload_file.name}: {error.messages[0]}")
    if form.errors:
        return None
    if len(created) == 1:
        return _go(request, reverse("extract", kwargs={"slug": partnership.slug,
                                                       "uuid": created[0].uuid}))
    messages.success(request, _("%(n)d files received. They are checked and loaded one after "
                                "another.") % {"n": len(created)})
    return _go(request, reverse("extracts", kwargs={"slug": partnership.slug}))


def _go(request, url: str):
    """A redirect; to the upload script, the address to go to. Its request would follow a
    redirect itself and use up the one-time message before the browser got there."""
    if request.headers.get("X-Requested-With") == "XMLHttpRequest":
        return JsonResponse({"redirect": url})
    return redirect(url)


def choices_allow(user, partnership, organisation) -> bool:
    return access.organisations_for_upload(user, partnership).filter(pk=organisation.pk).exists()


@partnership_view(Perm.VIEW_EXTRACTS)
def extract(request, partnership, uuid):
    item = _visible(partnership, uuid)
    # htmx polls the status panel while the worker processes the file.
    partial = request.headers.get("HX-Request") == "true"
    template = "ingest/extract_status.html" if partial else "ingest/extract.html"
    response = render(request, template, {
        "extract": item, "errors": item.row_errors.all()[:50],
        "error_count": item.row_errors.count(),
        "values_visible": access.row_values_visible(request.user, partnership,
                                                    item.organisation),
        "earlier": selectors.extracts_of(partnership).filter(
            uuid=item.report.get("earlier") or None).first(),
        "rows_remaining": max(0, item.rows_loaded - sum(
            r["rows"] for r in item.report.get("replaced_by", [])))})
    if partial and not item.is_working:
        response["HX-Refresh"] = "true"  # show the whole validation report
    return response


def _waiting(request, partnership, uuid, status):
    """An extract waiting for `status`'s answer, for one who may upload for its supplier;
    once it no longer waits, a redirect to its page."""
    item = _visible(partnership, uuid)
    if not choices_allow(request.user, partnership, item.organisation):
        raise PermissionDenied
    if item.status != status:
        return redirect("extract", slug=partnership.slug, uuid=item.uuid)
    return item


def _visible(partnership, uuid):
    # SECURITY: the lookup runs inside the partnership's visible extracts.
    item = selectors.extracts_of(partnership).filter(uuid=uuid).first()
    if item is None:
        raise Http404
    return item


@partnership_view(Perm.VIEW_EXTRACTS)
def data_coverage(request, partnership):
    from .coverage import coverage, financial_year

    latest = financial_year(timezone.localdate())
    # By default the three years up to the latest with data, not the current (empty) one.
    newest = (selectors.extracts_of(partnership).filter(status=Extract.Status.LOADED)
              .aggregate(end=Max("period_end"))["end"])
    default = min(latest, financial_year(newest)) if newest else latest
    try:
        last_fy = int(request.GET.get("year", default))
    except ValueError:
        last_fy = default
    last_fy = max(2000, min(latest, last_fy))
    return render(request, "ingest/coverage.html", {
        **coverage(partnership, last_fy=last_fy, years=3), "last_fy": last_fy,
        "years": [f"{y}/{(y + 1) % 100:02d}" for y in range(last_fy - 2, last_fy + 1)],
        "year_choices": [(y, f"{y}/{(y + 1) % 100:02d}") for y in range(latest, latest - 6, -1)]})


@partnership_view(*UPLOADERS)  # and of the extract's supplier: row_values_visible
def extract_errors_csv(request, partnership, uuid):
    item = _visible(partnership, uuid)
    # SECURITY: the rows' values are the supplier's row-level data.
    if not access.row_values_visible(request.user, partnership, item.organisation):
        raise PermissionDenied
    DownloadLog.objects.create(user=request.user, extract=item, partnership=partnership,
                               what="rejected rows (CSV)")
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="errors-{item.uuid}.csv"'
    writer = csv.writer(response)
    writer.writerow([_("Row"), _("Column"), _("Problem"), _("Value")])
    for error in item.row_errors.all().iterator():
        writer.writerow([error.row_number, safe_cell(error.column), safe_cell(error.reason),
                         safe_cell(error.value)])
    return response


@partnership_view(*UPLOADERS)
def extract_mapping(request, partnership, uuid):
    item = _waiting(request, partnership, uuid, Extract.Status.NEEDS_MAPPING)
    if not isinstance(item, Extract):
        return item
    form = MappingForm(posted(request), proposal=item.report.get("mapping_proposal", []),
                       columns=item.report.get("columns", []),
                       default_name=f"{item.organisation} layout {timezone.localdate():%Y-%m}")
    if request.method == "POST" and form.is_valid():
        try:
            mappings.confirm(extract=item, mapping=form.mapping(),
                             name=form.cleaned_data["name"], user=request.user)
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            messages.success(request, _("Mapping “%(name)s” saved. Files from %(org)s with the "
                                        "same columns will use it automatically.") % {
                "name": form.cleaned_data["name"], "org": item.organisation})
            return redirect("extract", slug=partnership.slug, uuid=item.uuid)
    return render(request, "ingest/mapping.html", {
        "extract": item, "form": form, "rows": form.rows(item.report.get("samples", {}))})


@partnership_view(*UPLOADERS)
def extract_sheet(request, partnership, uuid):
    item = _waiting(request, partnership, uuid, Extract.Status.NEEDS_SHEET)
    if not isinstance(item, Extract):
        return item
    form = SheetForm(posted(request), sheets=item.report.get("sheets", []))
    if request.method == "POST" and form.is_valid():
        try:
            services.extract_sheet_choose(extract=item, sheet=form.cleaned_data["sheet"])
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            return redirect("extract", slug=partnership.slug, uuid=item.uuid)
    return render(request, "ingest/sheet.html", {"extract": item, "form": form})


@partnership_view(Perm.VIEW_EXTRACTS)
def template_download(request, partnership, name):
    files = {"police_occurrences_template.csv": "text/csv; charset=utf-8",
             "police_occurrences_field_guide.md": "text/markdown; charset=utf-8"}
    if name not in files:
        raise Http404
    response = FileResponse((TEMPLATES_DATA / name).open("rb"), content_type=files[name],
                            as_attachment=True, filename=name)
    return response
