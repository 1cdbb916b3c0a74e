"""Writes for ingest: agreements, receiving files into quarantine, and loading them."""

import hashlib
import os
import uuid
from datetime import date, timedelta
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from partners.models import Organisation, Partnership

from . import sources
from .models import Extract, SharingAgreement


@transaction.atomic
def agreement_add(*, reference: str, organisation: Organisation,
                  partnerships: list[Partnership], source_keys: list[str], lawful_basis: str,
                  starts_on: date, review_on: date, retention_days: int = 3 * 365,
                  lawful_basis_detail: str = "", ends_on: date | None = None,
                  created_by=None) -> SharingAgreement:
    for key in source_keys:
        spec = sources.source(key)
        if spec.open_data:
            raise ValidationError(_("%(source)s is open data: it needs no sharing agreement.")
                                  % {"source": spec.label})
    if review_on < starts_on:
        raise ValidationError(_("The review date must be on or after the start date."))
    if SharingAgreement.objects.filter(reference=reference).exists():
        raise ValidationError(_("An agreement with reference %(ref)s already exists.")
                              % {"ref": reference})
    agreement = SharingAgreement.objects.create(
        reference=reference, organisation=organisation, sources=sorted(set(source_keys)),
        lawful_basis=lawful_basis, lawful_basis_detail=lawful_basis_detail,
        retention_days=retention_days, starts_on=starts_on, review_on=review_on,
        ends_on=ends_on, created_by=created_by)
    agreement.partnerships.set(partnerships)
    return agreement


def agreement_in_force(*, organisation: Organisation, source_key: str,
                       partnership: Partnership, on: date | None = None) -> SharingAgreement:
    """The one agreement in force for this organisation, source and partnership."""
    day = on or timezone.localdate()
    candidates = [a for a in SharingAgreement.objects.filter(
        organisation=organisation, partnerships=partnership).order_by("-starts_on")
        if source_key in a.sources and a.in_force(day)]
    if not candidates:
        raise ValidationError(
            _("%(org)s has no information-sharing agreement in force with %(p)s for "
              "%(source)s. Record the agreement before uploading.") % {
                "org": organisation, "p": partnership, "source": sources.source(source_key).label})
    if len(candidates) > 1:
        refs = ", ".join(a.reference for a in candidates)
        raise ValidationError(_("Several agreements are in force (%(refs)s): choose one.")
                              % {"refs": refs})
    return candidates[0]


def extracts_purge_expired(*, today: date | None = None) -> list[Extract]:
    """Delete the rows of extracts past their agreement's retention period.

    The extract record stays (checksum, supplier, counts), so assessments built on it
    remain traceable; its status says the rows were purged."""
    from .processing import delete_rows

    day = today or timezone.localdate()
    purged = []
    candidates = Extract.objects.filter(
        agreement__isnull=False, finished_at__isnull=False,
        status__in=[Extract.Status.LOADED, Extract.Status.SUPERSEDED]).select_related("agreement")
    for extract in candidates:
        if extract.finished_at.date() + timedelta(days=extract.agreement.retention_days) < day:
            with transaction.atomic():
                delete_rows(extract)
                extract.status = Extract.Status.PURGED
                extract.save(update_fields=["status"])
            purged.append(extract)
    return purged


SAFE_SUFFIXES = {".csv", ".txt", ".tsv", ".xlsx", ".xlsm", ".ods"}


def _quarantine_path(filename: str) -> Path:
    """A random name (never the user's), keeping a known extension for the readers."""
    folder = Path(settings.INGEST_QUARANTINE_DIR)
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    suffix = Path(filename).suffix.lower()
    return folder / (uuid.uuid4().hex + (suffix if suffix in SAFE_SUFFIXES else ""))


def _store(chunks, target: Path) -> tuple[str, int]:
    """Write the upload into quarantine (owner-only), hashing as it streams."""
    digest, size = hashlib.sha256(), 0
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as handle:
            for chunk in chunks:
                size += len(chunk)
                if size > settings.INGEST_MAX_UPLOAD_BYTES:
                    raise ValidationError(
                        _("The file is larger than the %(mb)d MB limit. Split it by period "
                          "and upload the parts.") % {
                            "mb": settings.INGEST_MAX_UPLOAD_BYTES // (1024 * 1024)},
                        code="too_large")
                digest.update(chunk)
                handle.write(chunk)
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    return digest.hexdigest(), size


def extract_receive(*, partnership: Partnership, organisation: Organisation | None,
                    source_key: str,
                    filename: str, chunks, uploaded_by, agreement: SharingAgreement | None = None,
                    sheet: str = "", enqueue: bool = True) -> Extract:
    """Take a file into quarantine and queue its scan and load.

    Shared data needs an agreement in force; open data records its publisher and licence.
    The same file loaded before for the organisation and source is recorded as a duplicate
    and not loaded again. `sheet` names the workbook sheet to read; without it a workbook
    with several sheets waits for one to be chosen (extract_sheet_choose)."""
    spec = sources.source(source_key)
    if organisation is None and not spec.reference:
        raise ValidationError(_("Choose the organisation that supplied the data."))
    if not spec.open_data and agreement is None:
        agreement = agreement_in_force(organisation=organisation, source_key=source_key,
                                       partnership=partnership)
    if agreement is not None:
        _check_agreement(agreement, organisation, source_key, partnership)
    path = _quarantine_path(filename)
    sha256, size = _store(chunks, path)
    if size == 0:
        path.unlink(missing_ok=True)
        raise ValidationError(_("The file is empty. Choose the file again, it may not have "
                                "finished saving."), code="empty_file")
    return _record(partnership=partnership, organisation=organisation, spec=spec,
                   agreement=agreement, filename=filename, sha256=sha256, size=size,
                   path=path, uploaded_by=uploaded_by, sheet=sheet, enqueue=enqueue)


def _check_agreement(agreement, organisation, source_key, partnership) -> None:
    if agreement.organisation_id != organisation.pk or source_key not in agreement.sources:
        raise ValidationError(_("Agreement %(ref)s does not cover this organisation and "
                                "source.") % {"ref": agreement.reference})
    if not agreement.partnerships.filter(pk=partnership.pk).exists():
        raise ValidationError(_("Agreement %(ref)s does not include %(p)s.") % {
            "ref": agreement.reference, "p": partnership})
    if not agreement.in_force():
        raise ValidationError(_("Agreement %(ref)s is not in force today.") % {
            "ref": agreement.reference})


@transaction.atomic
def _record(*, partnership, organisation, spec, agreement, filename, sha256, size, path,
            uploaded_by, sheet, enqueue) -> Extract:
    from .tasks import extract_process

    earlier = Extract.objects.filter(organisation=organisation, source=spec.key, sha256=sha256,
                                     status=Extract.Status.LOADED).first()
    extract = Extract.objects.create(
        partnership=partnership, organisation=organisation, source=spec.key,
        agreement=agreement, publisher=spec.publisher, licence=spec.licence,
        uploaded_by=uploaded_by, filename=os.path.basename(filename)[:255], sha256=sha256,
        size=size, stored_path=str(path), sheet=sheet[:100])
    if earlier:
        path.unlink(missing_ok=True)
        extract.status, extract.stored_path = Extract.Status.DUPLICATE, ""
        extract.report = {"earlier": str(earlier.uuid)}
        extract.message = _("This file was already loaded on %(date)s (%(name)s). It was not "
                            "loaded again.") % {
            "date": date_format(timezone.localtime(earlier.created_at), "j F Y"),
            "name": earlier.filename}
        extract.finished_at = timezone.now()
        extract.save()
        return extract
    if enqueue:
        transaction.on_commit(lambda: extract_process.delay(extract.pk))
    return extract


@transaction.atomic
def extract_sheet_choose(*, extract: Extract, sheet: str) -> Extract:
    """Read the chosen sheet of a workbook that was waiting for one, from the start."""
    locked = Extract.objects.select_for_update().get(pk=extract.pk)
    if locked.status != Extract.Status.NEEDS_SHEET:
        raise ValidationError(_("This file is no longer waiting for a sheet to be chosen."))
    if sheet not in locked.report.get("sheets", []):
        raise ValidationError(_("Choose one of the workbook's sheets."))
    locked.sheet = sheet
    return extract_requeue(locked)


def extract_requeue(locked: Extract) -> Extract:
    """Send a waiting extract (locked by the caller), its question now answered (columns
    matched, sheet chosen), back to the queue to be read from the start."""
    from .tasks import extract_process

    locked.status, locked.message, locked.claimed_at = Extract.Status.QUARANTINED, "", None
    locked.save()
    transaction.on_commit(lambda: extract_process.delay(locked.pk))
    return locked
