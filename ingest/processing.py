"""Scanning, validating and loading one extract. Called by the Celery task.

Order matters: nothing is stored until the personal-data scan and validation have passed,
and the load (superseding older rows for the same period) is one transaction, so a worker
killed midway leaves the previous data intact."""

import dataclasses
import datetime as dt
import logging
from datetime import timedelta
from pathlib import Path

import numpy as np
import pandas as pd
from django.conf import settings
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from . import mappings
from .bulk import insert_frame
from .loaders import LOADERS, LOOKUP_SOURCES, RENAMES, Loader
from .models import (
    Extract,
    LocalAuthority,
    LsoaArea,
    LsoaBestFit,
    PostcodeDistrictShare,
    RowError,
)
from .parsers import geography, hospital_admissions
from .parsers import mapping as mapping_module
from .parsers.columns import missing_columns
from .parsers.common import Summary
from .parsers.errors import ReadError
from .parsers.pii import PiiScanner
from .parsers.reading import ReadLimits, read_table
from .parsers.registry import get_parser
from .placement import Geography, current_code, place

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
    if extract.source in LOOKUP_SOURCES:
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
    loader = LOADERS[extract.source].for_parse(parsed)
    records = parsed.records.rename(columns=RENAMES.get(extract.source, {}))
    notes = {}
    if loader.placed:
        progress(extract, _("Placing records in areas"), 65)
        records = _placed(records)
        if loader.apportion:
            records, notes = _apportioned(records)
    progress(extract, _("Loading"), 80)
    _load_records(extract, loader, records, parsed, notes)


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


UNPLACED_NO_LOOKUP = "postcode district, no postcode district lookup loaded"
UNPLACED_DISTRICT = "postcode district not in the postcode district lookup"


def _apportioned(records: pd.DataFrame) -> tuple[pd.DataFrame, dict]:
    """Records not placed by LSOA but given an outward postcode district are apportioned to
    local authorities by the loaded lookup (hospital_admissions.apportion): one row per
    (record, local authority) with its share. Placed and unplaced records keep one row,
    share 1, so sums of `share` are records."""
    records = records.assign(share=1.0, apportioned=False)
    todo = (records["local_authority_code"] == "") & records["postcode_district"].notna()
    if not todo.any():
        return records, {}
    districts = set(records.loc[todo, "postcode_district"].astype(str).str.upper()
                    .str.replace(r"\s+", "", regex=True))
    lookup = pd.DataFrame.from_records(
        list(PostcodeDistrictShare.objects.filter(postcode_district__in=districts)
             .values_list(*hospital_admissions.LOOKUP_COLUMNS)),
        columns=list(hospital_admissions.LOOKUP_COLUMNS))
    # Authorities abolished since are replaced by their successor, as LSOA placement does.
    lookup["local_authority_code"] = lookup["local_authority_code"].map(current_code)
    lookup = lookup.groupby(["postcode_district", "local_authority_code"],
                            as_index=False)["share"].sum()
    subset = records[todo].drop(columns=[*PLACEMENT_COLUMNS, "unplaced_reason", "share",
                                         "apportioned"])
    result = hospital_admissions.apportion(subset, lookup)
    split = result.records.assign(lsoa_vintage=pd.NA, ward_code="", unplaced_reason="",
                                  apportioned=True)
    done = records["source_row"].isin(split["source_row"])
    reason = UNPLACED_DISTRICT if len(lookup) else UNPLACED_NO_LOOKUP
    rest = records[todo & ~done].assign(unplaced_reason=reason)
    out = pd.concat([records[~todo], split[records.columns], rest], ignore_index=True)
    notes = {"apportioned": True, "apportionment": {
        "method": hospital_admissions.METHOD,
        "districts_not_in_lookup": list(result.districts_not_in_lookup)}} if len(split) else {}
    return out, notes


def _outside(extract: Extract, records: pd.DataFrame) -> pd.Series:
    """Placed records outside the supplying organisation's area."""
    area = set(extract.organisation.local_authority_codes) if extract.organisation else set()
    placed = records["local_authority_code"] != ""
    if not area:
        return pd.Series(False, index=records.index)
    outside = placed & ~records["local_authority_code"].isin(area)
    if "share" in records.columns:  # apportioned: outside only if no part of it is inside
        inside = (~outside).groupby(records["source_row"]).transform("any")
        outside = outside & ~inside
    return outside


def _file_rows(frame: pd.DataFrame) -> int:
    """File rows, not records: a wide population row or an apportioned admission is one
    file row stored as several records."""
    return int(frame["source_row"].nunique()) if "source_row" in frame.columns else len(frame)


def _period(keep: pd.DataFrame, loader: Loader, summary) -> tuple:
    if not loader.date_column:
        return summary.period_start, summary.period_end
    dates = pd.to_datetime(keep[loader.date_column])
    ends = pd.to_datetime(keep[loader.end_column or loader.date_column])
    if dates.isna().all():
        return None, None
    return dates.min().date(), ends.max().date()


def _aware(model, frame: pd.DataFrame) -> pd.DataFrame:
    """Date-times (local times in the files) made aware in the platform's time zone, so
    they are stored as meant whatever the database session's zone. In the autumn hour that
    happens twice, a time is read as GMT."""
    aware = {}
    for name in frame.columns:
        if isinstance(model._meta.get_field(name), models.DateTimeField):
            values = pd.to_datetime(frame[name], errors="coerce")
            if values.dt.tz is None:
                values = values.dt.tz_localize(settings.TIME_ZONE,
                                               ambiguous=np.zeros(len(values), dtype=bool),
                                               nonexistent="shift_forward")
            aware[name] = values
    return frame.assign(**aware) if aware else frame


def _load_records(extract: Extract, loader: Loader, records: pd.DataFrame, parsed,
                  notes: dict | None = None) -> None:
    outside = (_outside(extract, records) if loader.placed
               else pd.Series(False, index=records.index))
    keep = records[~outside]
    notes = dict(notes or {})
    if notes.get("apportioned"):  # say how many of the records stored were apportioned
        apportioned = keep.loc[keep["apportioned"].astype(bool), "source_row"].nunique()
        notes["apportionment"]["records_apportioned"] = int(apportioned)
        if not apportioned:
            notes = {}
    start, end = _period(keep, loader, parsed.summary)
    columns = list(dict.fromkeys([*loader.columns, *PLACEMENT_COLUMNS[: 3 * loader.placed]]))
    stored = _aware(loader.model, keep[columns]).assign(
        extract=extract.pk, organisation=extract.organisation_id)
    with transaction.atomic():
        locked = Extract.objects.select_for_update().get(pk=extract.pk)
        if locked.status != Extract.Status.PROCESSING:
            return
        replaced = _supersede(extract, loader, start, end, keep)
        insert_frame(loader.model, stored)
        _save_row_errors(extract, parsed.errors, records[outside])
        summary = parsed.summary
        extract.period_start, extract.period_end = start, end
        extract.rows_loaded = _file_rows(keep)
        extract.rows_rejected = summary.rows_rejected
        extract.duplicates = getattr(summary, "repeats_folded", None) or getattr(
            summary, "duplicates", 0)
        extract.outside_area = _file_rows(records[outside])
        if loader.placed:
            extract.unplaced = int((keep["local_authority_code"].fillna("") == "").sum())
        extract.by_category = _by_category(keep, loader, summary)
        if loader.provenance:
            extract.publisher, extract.licence = loader.provenance(parsed)
        extract.report.update(_report(keep, summary, loader))
        extract.report.update(notes)
        if replaced:
            extract.report["rows_replaced"] = replaced
        message = _("Loaded.")
        if notes.get("apportioned"):
            message += " " + _(
                "%(n)d records had only an outward postcode district: they were apportioned "
                "to local authorities by the loaded postcode district lookup, so figures by "
                "local authority for them are estimates.") % {
                    "n": notes["apportionment"]["records_apportioned"]}
        _finish(extract, Extract.Status.LOADED, message)


def _by_category(keep: pd.DataFrame, loader: Loader, summary) -> dict:
    if not loader.category_column:
        return _json_safe(summary.by_category)
    records = keep.drop_duplicates("source_row") if "share" in keep.columns else keep
    return records[loader.category_column].value_counts().to_dict()


def _json_safe(value):
    if isinstance(value, dict):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_safe(v) for v in value]
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating | float):
        return None if np.isnan(value) else float(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _report(keep: pd.DataFrame, summary, loader: Loader) -> dict:
    report = {"rule": str(RULES.get(loader.model.__name__, ""))}
    if isinstance(summary, Summary):  # what the health, youth justice and reference parsers
        # found beyond the counts: layout, identical rows, unrecognised values, index name...
        shown = {f.name for f in dataclasses.fields(Summary)}
        report["summary"] = {f.name: _json_safe(getattr(summary, f.name))
                             for f in dataclasses.fields(summary) if f.name not in shown}
    if loader.replace_keys or not loader.per_organisation:
        report["replacement"] = str(REPLACEMENT.get(loader.model.__name__, ""))
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
    "IstvAttendance": _lazy("ISTV has no attendance identifier and two victims of one fight "
                            "can arrive together, so identical rows are all loaded (and "
                            "counted, for you to check)."),
    "HospitalAdmission": _lazy("An admission is one admission reference: later rows with the "
                               "same reference (episodes of one spell) are folded into the "
                               "first. Without a reference, identical rows are all loaded."),
    "AmbulanceCallout": _lazy("A call-out is one incident reference: further vehicles sent to "
                              "the same incident are folded into the first row. Without a "
                              "reference, identical rows are all loaded."),
    "YouthJusticeRecord": _lazy("A row identical on every field to an earlier one (same child, "
                                "offence date, outcome and flags) is a duplicate."),
    "YouthJusticeAggregate": _lazy("One value per financial year, area and measure: a repeat "
                                   "with the same value is folded, repeats with different "
                                   "values are all rejected."),
    "IndicatorValue": _lazy("One value per period, area and measure: a repeat with the same "
                            "value is folded, repeats with different values are all "
                            "rejected."),
    "PopulationEstimate": _lazy("One estimate per area, year, age band and sex: a repeat with "
                                "the same value is folded, repeats with different values are "
                                "all rejected. A wide file's row holds one estimate per year."),
    "CensusEthnicity": _lazy("One count per area and ethnic group: a repeat with the same "
                             "count is folded, repeats with different counts are all "
                             "rejected."),
    "HomeOfficeCount": _lazy("Rows are never folded: the Home Office tables repeat rows with "
                             "the same text and different counts (homicide), so totals are "
                             "sums over rows."),
    "HarmWeight": _lazy("One weight per offence code or subgroup: a repeat with the same "
                        "weight is folded, repeats with different weights are all rejected."),
}

# What a new extract replaces, per table (see loaders.py), for the validation report.
REPLACEMENT = {
    "IstvAttendance": _lazy("Replaces this organisation's earlier attendances for the same "
                            "sites and reporting periods."),
    "YouthJusticeAggregate": _lazy("Replaces this organisation's earlier values for the same "
                                   "financial years, areas and measures."),
    "IndicatorValue": _lazy("Replaces this organisation's earlier values for the same "
                            "periods, areas and measures."),
    "PopulationEstimate": _lazy("Replaces the estimates loaded before for the same years and "
                                "areas."),
    "CensusEthnicity": _lazy("Replaces the counts loaded before for the same areas."),
    "HomeOfficeCount": _lazy("Replaces the counts loaded before for the same financial years "
                             "and areas."),
    "HarmWeight": _lazy("Replaces the weights loaded before for the same index at the same "
                        "granularity (by offence code or by subgroup)."),
}

IN_CHUNK = 2000  # values per IN (...) list when replacing by key


def _supersede(extract: Extract, loader: Loader, start, end, keep: pd.DataFrame) -> int:
    """Older rows give way to the new extract's (loaders.py says which); an older extract
    left with no rows is marked superseded. Returns the number of rows replaced."""
    older = Extract.objects.filter(source=extract.source,
                                   status=Extract.Status.LOADED).exclude(pk=extract.pk)
    if loader.per_organisation:
        older = older.filter(organisation=extract.organisation)
    rows = loader.model.objects.filter(extract__in=older)
    if loader.date_column:
        if start is None:
            return 0
        rows = rows.filter(**_within(loader, start, end))
    batches = _matching(rows, keep, loader.replace_keys) if loader.replace_keys else [rows]
    affected, replaced = set(), 0
    for batch in batches:
        affected.update(batch.values_list("extract_id", flat=True).distinct())
        replaced += batch.delete()[0]
    candidates = older.filter(pk__in=affected)
    if loader.date_column:
        candidates = candidates | older.filter(period_start__lte=end, period_end__gte=start)
    every_model = LOADERS[extract.source].models
    for old in candidates.distinct():
        if not any(model.objects.filter(extract=old).exists() for model in every_model):
            old.status, old.superseded_by = Extract.Status.SUPERSEDED, extract
            old.save(update_fields=["status", "superseded_by"])
    return replaced


def _within(loader: Loader, start, end) -> dict:
    """Rows dated within [start, end] (with an end column: whose whole period is)."""

    def lookup(column: str) -> str:
        field = loader.model._meta.get_field(column)
        return column + ("__date" if isinstance(field, models.DateTimeField) else "")

    return {f"{lookup(loader.date_column)}__gte": start,
            f"{lookup(loader.end_column or loader.date_column)}__lte": end}


def _matching(rows, keep: pd.DataFrame, keys: tuple[str, ...]):
    """Querysets of the rows whose `keys` values occur together in `keep`: one per
    combination of all keys but the last, the last in chunked IN lists."""
    *fixed, last = keys
    frame = keep[list(keys)].drop_duplicates()
    groups = frame.groupby(fixed, dropna=False, sort=False) if fixed else [((), frame)]
    for values, group in groups:
        values = values if isinstance(values, tuple) else (values,)
        fixed_filter = {name: _db_value(rows.model, name, v)
                        for name, v in zip(fixed, values, strict=True)}
        wanted = [_db_value(rows.model, last, v) for v in group[last].unique()]
        for i in range(0, len(wanted), IN_CHUNK):
            yield rows.filter(**fixed_filter, **{f"{last}__in": wanted[i:i + IN_CHUNK]})


def _db_value(model, name: str, value):
    """A key value as stored: blank text is stored as "" (bulk.prepare), dates as dates."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        field = model._meta.get_field(name)
        blank_text = isinstance(field, models.CharField | models.TextField) and not field.null
        return "" if blank_text else None
    if isinstance(value, pd.Timestamp):
        return value.date()
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.bool_):
        return bool(value)
    return value


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


def _save_row_errors(extract: Extract, errors: pd.DataFrame, outside: pd.DataFrame) -> None:
    limit = settings.INGEST_STORED_ROW_ERRORS
    rows = [RowError(extract=extract, row_number=int(e.row), column=str(e.field)[:120],
                     reason=str(e.message)[:300], value=str(e.value)[:200])
            for e in errors.head(limit).itertuples(index=False)]
    outside = outside.drop_duplicates("source_row")  # an apportioned record: listed once
    rows += [RowError(extract=extract, row_number=int(r.source_row), column=column,
                      reason=_("Outside the supplying organisation's area"),
                      value=str(value)[:200])
             for r in outside.head(max(0, limit - len(rows))).itertuples(index=False)
             for column, value in [_outside_place(r)]]
    RowError.objects.bulk_create(rows, batch_size=5000)


def _outside_place(record) -> tuple[str, str]:
    """The column that placed a record outside the area: its LSOA, else its district."""
    lsoa = getattr(record, "lsoa_code", "")
    district = getattr(record, "postcode_district", None)
    if (pd.isna(lsoa) or lsoa == "") and not pd.isna(district) and district:
        return "Postcode district", district
    return "LSOA code", lsoa


def _is_district_lookup(frame: pd.DataFrame) -> bool:
    return not missing_columns(frame.columns, hospital_admissions.LOOKUP_COLUMNS)


def _load_geography(extract: Extract, frame: pd.DataFrame) -> None:
    if extract.source == "postcode_districts" or _is_district_lookup(frame):
        _load_district_lookup(extract, frame)
        return
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


def _load_district_lookup(extract: Extract, frame: pd.DataFrame) -> None:
    """Postcode district -> local authority shares, for apportioning records that come by
    outward postcode district (hospital admissions). Each district's shares must total 1
    (hospital_admissions checks, and refuses the file otherwise). A new lookup replaces the
    rows of the districts it lists and leaves other districts alone."""
    table = hospital_admissions._lookup(frame)
    if table.empty:
        raise Refused("unknown_lookup", _("The postcode district lookup has no rows with a "
                                          "postcode district and a local authority code."))
    progress(extract, _("Loading"), 70)
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
        _finish(extract, Extract.Status.LOADED, _(
            "Loaded %(n)d rows of the postcode district to local authority lookup "
            "(%(d)d districts).") % {"n": len(table), "d": len(districts)})


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
