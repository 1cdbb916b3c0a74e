"""Scanning, validating and loading one extract. Called by the Celery task.

Order matters: nothing is stored until the personal-data scan and validation have passed,
and the load (superseding older rows for the same period) is one transaction, so a worker
killed midway leaves the previous data intact. Police occurrence extracts, the large ones,
are streamed in chunks in that one transaction (streaming.py); other files are read whole
here. The steps both share are in loading.py."""

import logging
from pathlib import Path

import pandas as pd
from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from svd_platform import jobs

from . import loading, streaming
from .bulk import insert_frame
from .loaders import LOADERS, LOOKUP_SOURCES, RENAMES, Loader
from .loading import (  # noqa: F401 - UNPLACED_*: the reasons, named here for callers
    IN_CHUNK,
    PLACEMENT_COLUMNS,
    UNPLACED_DISTRICT,
    UNPLACED_NO_LOOKUP,
    Refused,
    finish,
)
from .models import (
    Extract,
    LocalAuthority,
    LsoaArea,
    LsoaBestFit,
    PostcodeDistrictShare,
)
from .parsers import geography, hospital_admissions
from .parsers.columns import missing_columns
from .parsers.errors import ReadError
from .parsers.pii import PiiScanner
from .parsers.reading import ReadLimits, read_table
from .parsers.registry import get_parser

log = logging.getLogger(__name__)


def claim(extract_id: int) -> Extract | None:
    """Take the extract for processing, once (svd_platform.jobs: a conditional update, safe
    to run twice; an extract left 'processing' by a worker that died is taken again once no
    worker can still hold it)."""
    return jobs.claim(Extract.objects, extract_id, waiting=Extract.Status.QUARANTINED,
                      running=Extract.Status.PROCESSING, claimed_at="claimed_at",
                      stage=_("Starting"), progress=5)


def process(extract: Extract) -> Extract:
    try:
        _process(extract)
    except ReadError as problem:
        if problem.code == "several_sheets" and not extract.sheet:
            _ask_sheet(extract, problem.details["sheets"])
        else:
            _refuse(extract, problem.code, problem.message)
    except Refused as problem:
        _refuse(extract, problem.code, problem.message)
    except Exception:
        log.exception("extract %s failed", extract.pk)
        finish(extract, Extract.Status.FAILED,
                _("Something went wrong while loading this file. Nothing from it was "
                  "stored. Try again; if it fails again, tell the platform's administrator."))
        raise
    finally:
        _discard_raw_file(extract)
    return extract


def _process(extract: Extract) -> None:
    loading.progress(extract, _("Reading the file"), 10)
    limits = ReadLimits(max_bytes=settings.INGEST_MAX_UPLOAD_BYTES)
    if extract.source in streaming.STREAMED:
        streaming.load(extract, Path(extract.stored_path), limits)
        return
    table = read_table(Path(extract.stored_path), sheet=extract.sheet or None, limits=limits)
    frame = table.frame
    extract.rows_read = len(frame)
    extract.report = streaming.read_report(table.info)
    loading.progress(extract, _("Checking for personal data"), 25)
    scanner = PiiScanner()
    scanner.scan(frame)
    report = scanner.report()
    if not report.clean:
        raise Refused("personal_data", report.refusal_message())
    if extract.source in LOOKUP_SOURCES:
        _load_geography(extract, frame)
        return
    parser = get_parser(extract.source)
    missing = parser.missing_columns(frame)
    if missing:
        raise loading.missing_columns_refusal(extract, missing)
    loading.progress(extract, _("Validating rows"), 45)
    parsed = parser.parse(frame)
    loading.check_error_share(parsed.summary.rows_rejected, extract.rows_read)
    loader = LOADERS[extract.source].for_parse(parsed)
    records = parsed.records.rename(columns=RENAMES.get(extract.source, {}))
    notes = {}
    if loader.placed:
        loading.progress(extract, _("Placing records in areas"), 65)
        records = loading.placed(records)
        if loader.apportion:
            records, notes = loading.apportioned(records)
    loading.progress(extract, _("Loading"), 80)
    _load_records(extract, loader, records, parsed, notes)


def _load_records(extract: Extract, loader: Loader, records: pd.DataFrame, parsed,
                  notes: dict | None = None) -> None:
    outside = (loading.outside(extract, records) if loader.placed
               else pd.Series(False, index=records.index))
    keep = records[~outside]
    notes = dict(notes or {})
    if notes.get("apportioned"):  # say how many of the records stored were apportioned
        apportioned = keep.loc[keep["apportioned"].astype(bool), "source_row"].nunique()
        notes["apportionment"]["records_apportioned"] = int(apportioned)
        if not apportioned:
            notes = {}
    start, end = loading.period(keep, loader, parsed.summary)
    columns = list(dict.fromkeys([*loader.columns, *PLACEMENT_COLUMNS[: 3 * loader.placed]]))
    stored = loading.aware(loader.model, keep[columns]).assign(
        extract=extract.pk, organisation=extract.organisation_id)
    with transaction.atomic():
        locked = Extract.objects.select_for_update().get(pk=extract.pk)
        if locked.status != Extract.Status.PROCESSING:
            return
        replaced = loading.supersede(extract, loader, start, end, keep)
        insert_frame(loader.model, stored)
        loading.record_outcome(
            extract, loader, keep=keep, outside_rows=records[outside], errors=parsed.errors,
            summary=parsed.summary, period=(start, end), replaced=replaced, notes=notes,
            provenance=loader.provenance(parsed) if loader.provenance else None)


def delete_rows(extract: Extract) -> int:
    """Delete an extract's canonical records, whatever table its source loads into."""
    loader = LOADERS.get(extract.source)
    if loader is None:
        return 0
    deleted = 0
    for model in loader.models:
        count, _counts = model.objects.filter(extract=extract).delete()
        deleted += count
    return deleted



def _is_district_lookup(frame: pd.DataFrame) -> bool:
    return not missing_columns(frame.columns, hospital_admissions.LOOKUP_COLUMNS)


def _load_geography(extract: Extract, frame: pd.DataFrame) -> None:
    if extract.source == "postcode_districts" or _is_district_lookup(frame):
        _load_district_lookup(extract, frame)
        return
    parsed = geography.parse(frame)
    loading.progress(extract, _("Loading"), 70)
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
        finish(extract, Extract.Status.LOADED, _("Loaded %(n)d rows of the %(kind)s lookup.")
                % {"n": len(parsed.frame), "kind": kinds[parsed.kind]})


def _load_district_lookup(extract: Extract, frame: pd.DataFrame) -> None:
    """Postcode district -> local authority shares, for apportioning records that come by
    outward postcode district (hospital admissions). Each district's shares must total 1
    (hospital_admissions checks, and refuses the file otherwise). A new lookup replaces the
    rows of the districts it lists and leaves other districts alone."""
    table = hospital_admissions._lookup(frame)
    if table.empty:
        raise Refused("unknown_lookup", _("The postcode district lookup has no rows with a "
                                          "postcode district and a local authority code."))
    loading.progress(extract, _("Loading"), 70)
    districts = sorted(table["postcode_district"].unique())
    with transaction.atomic():
        for i in range(0, len(districts), IN_CHUNK):
            PostcodeDistrictShare.objects.filter(
                postcode_district__in=districts[i:i + IN_CHUNK]).delete()
        PostcodeDistrictShare.objects.bulk_create(
            [PostcodeDistrictShare(**row) for row in table.to_dict("records")], batch_size=5000)
        extract.rows_loaded = len(table)
        extract.report.update({"lookup": "postcode_district", "districts": len(districts),
                               "split_districts": int(table["postcode_district"]
                                                      .duplicated().sum())})
        finish(extract, Extract.Status.LOADED, _(
            "Loaded %(n)d rows of the postcode district to local authority lookup "
            "(%(d)d districts).") % {"n": len(table), "d": len(districts)})


def _upsert_lsoa(frame: pd.DataFrame) -> None:
    """A lookup without areas leaves the areas loaded before as they are."""
    fields = ["name", "vintage", "ward_code", "ward_name", "local_authority_code",
              "local_authority_name", *(["area_km2"] if "area_km2" in frame.columns else [])]
    rows = frame.astype(object).where(frame.notna(), None).to_dict("records")  # NaN: NULL
    LsoaArea.objects.bulk_create(
        [LsoaArea(**row) for row in rows], batch_size=5000,
        update_conflicts=True, unique_fields=["code"], update_fields=fields)


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




def _ask_sheet(extract: Extract, sheets: list[str]) -> None:
    """A workbook with several sheets and none chosen: the uploader picks one (sheet_choose);
    nothing is read further, and the file waits in quarantine."""
    extract.report = {**(extract.report or {}), "sheets": list(sheets)}
    extract.status, extract.stage, extract.progress = Extract.Status.NEEDS_SHEET, "", 0
    extract.message = _("The workbook has %(n)d sheets. Choose the one that holds the data.") % {
        "n": len(sheets)}
    extract.save()


def _refuse(extract: Extract, code: str, message: str) -> None:
    extract.report = {**(extract.report or {}), "refusal": code}
    finish(extract, Extract.Status.REFUSED, message)



def _discard_raw_file(extract: Extract) -> None:
    if extract.is_waiting:
        return  # kept in quarantine until its columns are matched or its sheet chosen
    refused = extract.status in {Extract.Status.REFUSED, Extract.Status.FAILED}
    if extract.stored_path and (refused or settings.INGEST_DELETE_RAW_FILES):
        Path(extract.stored_path).unlink(missing_ok=True)
        Extract.objects.filter(pk=extract.pk).update(stored_path="")
        extract.stored_path = ""
