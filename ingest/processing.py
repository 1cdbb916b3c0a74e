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
from django.utils.translation import gettext_lazy as _lazy

from . import mappings
from .bulk import insert_frame
from .loaders import LOADERS, RENAMES, Loader
from .models import Extract, LocalAuthority, LsoaArea, LsoaBestFit, RowError
from .parsers import geography
from .parsers import mapping as mapping_module
from .parsers.errors import ReadError
from .parsers.pii import PiiScanner
from .parsers.reading import ReadLimits, read_table
from .parsers.registry import get_parser
from .placement import Geography, place

log = logging.getLogger(__name__)

NEEDS_MAPPING = {"police_occurrences"}
PLACEMENT_COLUMNS = ("lsoa_vintage", "ward_code", "local_authority_code")


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
    if extract.source in NEEDS_MAPPING:
        frame = _mapped(extract, frame)
        if frame is None:
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
    loader = LOADERS[extract.source]
    records = parsed.records.rename(columns=RENAMES.get(extract.source, {}))
    if loader.placed:
        progress(extract, _("Placing records in areas"), 65)
        records = _placed(records)
    progress(extract, _("Loading"), 80)
    _load_records(extract, loader, records, parsed)


def _mapped(extract: Extract, frame: pd.DataFrame) -> pd.DataFrame | None:
    """The frame with canonical headings, or None when the analyst must match columns."""
    columns = [str(c) for c in frame.columns]
    mapping = mappings.choose(extract, columns, frame.head(mapping_module.SAMPLE_VALUES))
    if mapping is None:
        mappings.ask(extract, columns, frame)
        return None
    extract.report["mapping"] = mapping.name if hasattr(mapping, "name") else "template"
    return mapping_module.apply_mapping(frame, mappings.as_dict(mapping))


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
    records = records.copy()
    for column in placed.columns:
        if column in records.columns:  # e.g. a ward code the file gave: it wins if present
            given = records[column].astype("string").fillna("")
            records[column] = given.where(given != "", placed[column])
        else:
            records[column] = placed[column]
    return records


def _outside(extract: Extract, records: pd.DataFrame) -> pd.Series:
    """Placed records outside the supplying organisation's area."""
    area = set(extract.organisation.local_authority_codes) if extract.organisation else set()
    placed = records["local_authority_code"] != ""
    if not area:
        return pd.Series(False, index=records.index)
    return placed & ~records["local_authority_code"].isin(area)


def _load_records(extract: Extract, loader: Loader, records: pd.DataFrame, parsed) -> None:
    outside = _outside(extract, records)
    keep = records[~outside]
    dates = pd.to_datetime(keep[loader.date_column])
    start, end = dates.min().date(), dates.max().date()
    columns = list(dict.fromkeys([*loader.columns, *PLACEMENT_COLUMNS[: 3 * loader.placed]]))
    stored = keep[columns].assign(
        extract=extract.pk, organisation=extract.organisation_id)
    with transaction.atomic():
        locked = Extract.objects.select_for_update().get(pk=extract.pk)
        if locked.status != Extract.Status.PROCESSING:
            return
        _supersede(extract, loader, start, end)
        insert_frame(loader.model, stored)
        _save_row_errors(extract, parsed.errors, records[outside])
        summary = parsed.summary
        extract.period_start, extract.period_end = start, end
        extract.rows_loaded = len(keep)
        extract.rows_rejected = summary.rows_rejected
        extract.duplicates = getattr(summary, "repeats_folded", None) or getattr(
            summary, "duplicates", 0)
        extract.outside_area = int(outside.sum())
        if loader.placed:
            extract.unplaced = int((keep["local_authority_code"].fillna("") == "").sum())
        extract.by_category = keep[loader.category_column].value_counts().to_dict()
        extract.report.update(_report(keep, summary, loader))
        _finish(extract, Extract.Status.LOADED, _("Loaded."))


def _report(keep: pd.DataFrame, summary, loader: Loader) -> dict:
    report = {"rule": str(RULES.get(loader.model.__name__, ""))}
    if loader.placed:
        reasons = keep.loc[keep["unplaced_reason"] != "", "unplaced_reason"]
        report["unplaced_by_reason"] = reasons.value_counts().to_dict()
        report["by_lsoa_vintage"] = (keep["lsoa_vintage"].dropna().astype(int).astype(str)
                                     .value_counts().to_dict())
    for name in ("asb_rows", "crime_ids_repeated", "duplicates_other_offence"):
        if hasattr(summary, name):
            report[name] = getattr(summary, name)
    missing = getattr(summary, "missing_shares", None)
    if missing:
        report["missing"] = {k: round(float(v) * len(keep)) for k, v in missing.items()}
    return report


RULES = {
    "StreetCrime": _lazy("A crime is one Crime ID in one month: repeated rows (later outcomes) "
                         "are folded into the last one. Anti-social behaviour rows have no ID "
                         "and each is one incident, even when identical."),
    "PoliceOccurrence": _lazy("An occurrence is one reference: when a reference is repeated, "
                              "the last row in the file is kept."),
}


def _supersede(extract: Extract, loader: Loader, start, end) -> None:
    """Older rows of this organisation and source for the same period give way."""
    older = Extract.objects.filter(organisation=extract.organisation, source=extract.source,
                                   status=Extract.Status.LOADED).exclude(pk=extract.pk)
    rows = loader.model.objects.filter(extract__in=older)
    rows.filter(**{f"{loader.date_column}__gte": start,
                   f"{loader.date_column}__lte": end}).delete()
    for old in older.filter(period_start__lte=end, period_end__gte=start):
        if not loader.model.objects.filter(extract=old).exists():
            old.status, old.superseded_by = Extract.Status.SUPERSEDED, extract
            old.save(update_fields=["status", "superseded_by"])


def delete_rows(extract: Extract) -> int:
    """Delete an extract's canonical records, whatever table its source loads into."""
    loader = LOADERS.get(extract.source)
    if loader is None:
        return 0
    deleted, _counts = loader.model.objects.filter(extract=extract).delete()
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
        kinds = {"lsoa": _("LSOA to ward and local authority"),
                 "local_authority": _("local authority to CSP and police force area"),
                 "lsoa_best_fit": _("LSOA 2021 to LSOA 2011 best fit"),
                 "deprivation": _("Index of Multiple Deprivation")}
        _finish(extract, Extract.Status.LOADED, _("Loaded %(n)d rows of the %(kind)s lookup.")
                % {"n": len(parsed.frame), "kind": kinds[parsed.kind]})


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
    if extract.status == Extract.Status.NEEDS_MAPPING:
        return  # kept in quarantine until the analyst has matched its columns
    refused = extract.status in {Extract.Status.REFUSED, Extract.Status.FAILED}
    if extract.stored_path and (refused or settings.INGEST_DELETE_RAW_FILES):
        Path(extract.stored_path).unlink(missing_ok=True)
        Extract.objects.filter(pk=extract.pk).update(stored_path="")
        extract.stored_path = ""
