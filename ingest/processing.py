"""Scanning, validating and loading one extract. Called by the Celery task.

Order matters: nothing is stored until the personal-data scan and validation have passed,
and the load (superseding older rows for the same period) is one transaction, so a worker
killed midway leaves the previous data intact."""

import logging
from datetime import timedelta
from pathlib import Path

import pandas as pd
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Extract, LocalAuthority, LsoaArea, LsoaBestFit, RowError, StreetCrime
from .parsers import geography
from .parsers.errors import ReadError
from .parsers.pii import PiiScanner
from .parsers.reading import ReadLimits, read_table
from .parsers.registry import get_parser
from .placement import Geography, place

log = logging.getLogger(__name__)


class Refused(Exception):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code, self.message = code, message


def claim(extract_id: int) -> Extract | None:
    """Take the extract for processing, once: a conditional update, safe to run twice.

    An extract left 'processing' by a worker that died is claimed again after the hard
    time limit, when that worker can no longer be running."""
    stale = timezone.now() - timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT)
    claimed = Extract.objects.filter(pk=extract_id).filter(
        Q(status=Extract.Status.QUARANTINED)
        | Q(status=Extract.Status.PROCESSING, claimed_at__lt=stale)
    ).update(status=Extract.Status.PROCESSING, claimed_at=timezone.now(),
             stage=_("Starting"), progress=5)
    return Extract.objects.get(pk=extract_id) if claimed else None


def progress(extract: Extract, stage: str, percent: int) -> None:
    Extract.objects.filter(pk=extract.pk).update(stage=stage, progress=percent)


def process(extract: Extract) -> Extract:
    try:
        _process(extract)
    except (Refused, ReadError) as problem:
        _refuse(extract, getattr(problem, "code", "refused"), problem.message)
    except Exception:
        log.exception("extract %s failed", extract.pk)
        _finish(extract, Extract.Status.FAILED,
                _("Something went wrong while loading this file. Nothing from it was "
                  "stored. Try again; if it fails again, tell the platform's administrator."))
        raise
    finally:
        _discard_raw_file(extract)
    return extract


def _process(extract: Extract) -> None:
    progress(extract, _("Reading the file"), 10)
    table = read_table(Path(extract.stored_path),
                       limits=ReadLimits(max_bytes=settings.INGEST_MAX_UPLOAD_BYTES))
    frame = table.frame
    extract.rows_read = len(frame)
    extract.report = {"format": table.info.format, "encoding": table.info.encoding,
                      "delimiter": table.info.delimiter, "sheet": table.info.sheet,
                      "columns": list(map(str, frame.columns))}
    progress(extract, _("Checking for personal data"), 25)
    scanner = PiiScanner()
    scanner.scan(frame)
    report = scanner.report()
    if not report.clean:
        raise Refused("personal_data", report.refusal_message())
    if extract.source == "geography":
        _load_geography(extract, frame)
        return
    parser = get_parser(extract.source)
    missing = parser.missing_columns(frame)
    if missing:
        raise Refused("missing_columns", _(
            "The file is missing these columns for %(source)s: %(cols)s. Check you chose the "
            "right kind of data, or correct the column headings.") % {
                "source": extract.get_source_display(), "cols": ", ".join(missing)})
    progress(extract, _("Validating rows"), 45)
    parsed = parser.parse(frame)
    _check_error_share(parsed.summary.rows_rejected, extract.rows_read)
    progress(extract, _("Placing records in areas"), 65)
    records = _placed(parsed.records)
    progress(extract, _("Loading"), 80)
    _load_street(extract, records, parsed)


def _check_error_share(rejected: int, read: int) -> None:
    share = rejected / read if read else 0
    if share > settings.INGEST_MAX_ERROR_SHARE:
        raise Refused("too_many_errors", _(
            "%(n)d of %(total)d rows (%(pct).1f%%) have errors, more than the %(max).0f%% "
            "allowed, so nothing was loaded. Download the error report, correct the file and "
            "upload it again.") % {"n": rejected, "total": read, "pct": 100 * share,
                                   "max": 100 * settings.INGEST_MAX_ERROR_SHARE})


def _placed(records: pd.DataFrame) -> pd.DataFrame:
    codes = set(records["lsoa_code"].dropna().astype(str))
    placed = place(records["lsoa_code"], Geography.load(codes))
    return pd.concat([records, placed], axis=1)


def _outside(extract: Extract, records: pd.DataFrame) -> pd.Series:
    """Placed records outside the supplying organisation's area."""
    area = set(extract.organisation.local_authority_codes) if extract.organisation else set()
    placed = records["local_authority_code"] != ""
    if not area:
        return pd.Series(False, index=records.index)
    return placed & ~records["local_authority_code"].isin(area)


def _load_street(extract: Extract, records: pd.DataFrame, parsed) -> None:
    outside = _outside(extract, records)
    keep = records[~outside]
    months = pd.to_datetime(keep["month"])
    with transaction.atomic():
        locked = Extract.objects.select_for_update().get(pk=extract.pk)
        if locked.status != Extract.Status.PROCESSING:
            return
        _supersede(extract, months.min().date(), months.max().date())
        StreetCrime.objects.bulk_create(_street_rows(extract, keep), batch_size=5000)
        _save_row_errors(extract, parsed.errors, records[outside])
        summary = parsed.summary
        extract.period_start, extract.period_end = months.min().date(), months.max().date()
        extract.rows_loaded = len(keep)
        extract.rows_rejected = summary.rows_rejected
        extract.duplicates = summary.repeats_folded
        extract.outside_area = int(outside.sum())
        extract.unplaced = int((keep["local_authority_code"] == "").sum())
        extract.by_category = keep["crime_type"].value_counts().to_dict()
        extract.report.update({
            "unplaced_by_reason": keep.loc[keep["unplaced_reason"] != "", "unplaced_reason"]
            .value_counts().to_dict(),
            "by_lsoa_vintage": keep["lsoa_vintage"].dropna().astype(int).astype(str)
            .value_counts().to_dict(),
            "asb_rows": summary.asb_rows, "crime_ids_repeated": summary.crime_ids_repeated,
            "rule": _("A crime is one Crime ID in one month: repeated rows (later outcomes) "
                      "are folded into the last one. Anti-social behaviour rows have no ID "
                      "and each is one incident, even when identical."),
        })
        _finish(extract, Extract.Status.LOADED, _("Loaded."))


def _street_rows(extract: Extract, records: pd.DataFrame):
    for row in records.itertuples(index=False):
        yield StreetCrime(
            extract_id=extract.pk, organisation_id=extract.organisation_id,
            month=row.month, crime_id=row.crime_id if isinstance(row.crime_id, str) else "",
            crime_type=row.crime_type, category=row.coarse_category,
            outcome=row.outcome if isinstance(row.outcome, str) else "",
            lsoa_code=row.lsoa_code if isinstance(row.lsoa_code, str) else "",
            lsoa_vintage=None if pd.isna(row.lsoa_vintage) else int(row.lsoa_vintage),
            ward_code=row.ward_code, local_authority_code=row.local_authority_code,
            longitude=None if pd.isna(row.longitude) else float(row.longitude),
            latitude=None if pd.isna(row.latitude) else float(row.latitude),
            location=(row.location if isinstance(row.location, str) else "")[:200])


def _supersede(extract: Extract, start, end) -> None:
    """Older rows of this organisation and source for the same months give way."""
    older = Extract.objects.filter(organisation=extract.organisation, source=extract.source,
                                   status=Extract.Status.LOADED).exclude(pk=extract.pk)
    StreetCrime.objects.filter(extract__in=older, month__gte=start, month__lte=end).delete()
    for old in older.filter(period_start__lte=end, period_end__gte=start):
        if not StreetCrime.objects.filter(extract=old).exists():
            old.status, old.superseded_by = Extract.Status.SUPERSEDED, extract
            old.save(update_fields=["status", "superseded_by"])


def delete_rows(extract: Extract) -> int:
    """Delete an extract's canonical records, whatever table its source loads into."""
    deleted, _counts = StreetCrime.objects.filter(extract=extract).delete()
    return deleted


def _save_row_errors(extract: Extract, errors: pd.DataFrame, outside: pd.DataFrame) -> None:
    limit = settings.INGEST_STORED_ROW_ERRORS
    rows = [RowError(extract=extract, row_number=int(e.row), column=str(e.field)[:120],
                     reason=str(e.message)[:300], value=str(e.value)[:200])
            for e in errors.head(limit).itertuples(index=False)]
    rows += [RowError(extract=extract, row_number=int(r.source_row), column="LSOA code",
                      reason=_("Outside the supplying organisation's area"),
                      value=str(r.lsoa_code)[:200])
             for r in outside.head(max(0, limit - len(rows))).itertuples(index=False)]
    RowError.objects.bulk_create(rows, batch_size=5000)


def _load_geography(extract: Extract, frame: pd.DataFrame) -> None:
    parsed = geography.parse(frame)
    progress(extract, _("Loading"), 70)
    with transaction.atomic():
        loaders = {"lsoa": _upsert_lsoa, "local_authority": _upsert_local_authorities,
                   "lsoa_best_fit": _upsert_best_fit, "deprivation": _upsert_deprivation}
        loaders[parsed.kind](parsed.frame)
        extract.rows_loaded = len(parsed.frame)
        extract.report.update({"lookup": parsed.kind, "vintage": parsed.vintage})
        _finish(extract, Extract.Status.LOADED, _("Loaded %(n)d rows of the %(kind)s lookup.")
                % {"n": len(parsed.frame), "kind": parsed.kind.replace("_", " ")})


def _upsert_lsoa(frame: pd.DataFrame) -> None:
    LsoaArea.objects.bulk_create(
        [LsoaArea(**row) for row in frame.to_dict("records")], batch_size=5000,
        update_conflicts=True, unique_fields=["code"],
        update_fields=["name", "vintage", "ward_code", "ward_name", "local_authority_code",
                       "local_authority_name"])


def _upsert_local_authorities(frame: pd.DataFrame) -> None:
    LocalAuthority.objects.bulk_create(
        [LocalAuthority(**row) for row in frame.to_dict("records")], batch_size=5000,
        update_conflicts=True, unique_fields=["code"],
        update_fields=["name", "csp_code", "csp_name", "pfa_code", "pfa_name"])


def _upsert_best_fit(frame: pd.DataFrame) -> None:
    LsoaBestFit.objects.bulk_create(
        [LsoaBestFit(**row) for row in frame.to_dict("records")], batch_size=5000,
        update_conflicts=True, unique_fields=["lsoa21"], update_fields=["lsoa11"])


def _upsert_deprivation(frame: pd.DataFrame) -> None:
    ranks = dict(zip(frame["code"], frame["imd_rank"].astype(int), strict=True))
    areas = list(LsoaArea.objects.filter(code__in=ranks))
    for area in areas:
        area.imd_rank = ranks[area.code]
    LsoaArea.objects.bulk_update(areas, ["imd_rank"], batch_size=5000)


def _refuse(extract: Extract, code: str, message: str) -> None:
    extract.report = {**(extract.report or {}), "refusal": code}
    _finish(extract, Extract.Status.REFUSED, message)


def _finish(extract: Extract, status: str, message: str) -> None:
    extract.status, extract.message = status, message
    extract.stage, extract.progress = "", 100
    extract.finished_at = timezone.now()
    extract.save()


def _discard_raw_file(extract: Extract) -> None:
    refused = extract.status in {Extract.Status.REFUSED, Extract.Status.FAILED}
    if extract.stored_path and (refused or settings.INGEST_DELETE_RAW_FILES):
        Path(extract.stored_path).unlink(missing_ok=True)
        Extract.objects.filter(pk=extract.pk).update(stored_path="")
        extract.stored_path = ""
