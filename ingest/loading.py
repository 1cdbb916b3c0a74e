"""The steps of storing parsed records, shared by the whole-file load (processing.py) and
the streamed one (streaming.py): progress and refusals, placement in areas, the supplier's
area, superseding older rows, row errors and the validation report."""

import dataclasses
import datetime as dt
from collections import defaultdict
from contextlib import contextmanager

import numpy as np
import pandas as pd
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connection, connections, models
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from .loaders import LOADERS, Loader
from .models import Extract, PostcodeDistrictShare, RowError
from .parsers import hospital_admissions
from .parsers.common import Summary
from .placement import Geography, current_code, place

PLACEMENT_COLUMNS = ("lsoa_vintage", "ward_code", "local_authority_code")

class Refused(Exception):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code, self.message = code, message



# Extracts whose progress goes through a connection of their own (visible_progress).
_SIDE_CONNECTIONS: dict[int, object] = {}


def progress(extract: Extract, stage: str, percent: int) -> None:
    side = _SIDE_CONNECTIONS.get(extract.pk)
    if side is None:
        Extract.objects.filter(pk=extract.pk).update(stage=stage, progress=percent)
        return
    meta = Extract._meta
    quote = side.ops.quote_name
    with side.cursor() as cursor:
        cursor.execute(
            f"UPDATE {quote(meta.db_table)} SET {quote(meta.get_field('stage').column)} = %s, "  # noqa: S608
            f"{quote(meta.get_field('progress').column)} = %s WHERE {quote(meta.pk.column)} = %s",
            [stage, percent, extract.pk])


@contextmanager
def visible_progress(extract: Extract):
    """While this lasts, progress() shows at once even inside a transaction: on PostgreSQL it
    goes through a connection of its own (autocommit). SQLite takes one writer at a time, so
    there it stays in the transaction and shows at its end."""
    if connection.vendor != "postgresql":
        yield
        return
    side = connections.create_connection(DEFAULT_DB_ALIAS)
    _SIDE_CONNECTIONS[extract.pk] = side
    try:
        yield
    finally:
        _SIDE_CONNECTIONS.pop(extract.pk, None)
        side.close()


def check_error_share(rejected: int, read: int) -> None:
    share = rejected / read if read else 0
    if share > settings.INGEST_MAX_ERROR_SHARE:
        raise Refused("too_many_errors", _(
            "%(n)d of %(total)d rows (%(pct).1f%%) have errors, more than the %(max).0f%% "
            "allowed, so nothing was loaded. Download the error report, correct the file and "
            "upload it again.") % {"n": rejected, "total": read, "pct": 100 * share,
                                   "max": 100 * settings.INGEST_MAX_ERROR_SHARE})



def missing_columns_refusal(extract: Extract, missing: list[str]) -> Refused:
    return Refused("missing_columns", _(
        "The file is missing these columns for %(source)s: %(cols)s. Check you chose the "
        "right kind of data, or correct the column headings.") % {
            "source": extract.get_source_display(), "cols": ", ".join(missing)})


def placed(records: pd.DataFrame, geography: Geography | None = None) -> pd.DataFrame:
    """The records with their LSOA's vintage, ward and local authority (and why not, if
    unplaced); `geography` defaults to the lookup's rows for their LSOA codes."""
    if geography is None:
        geography = Geography.load(set(records["lsoa_code"].dropna().astype(str).unique()))
    found = place(records["lsoa_code"], geography)
    records = records.copy()
    for column in found.columns:
        if column in records.columns:  # e.g. a ward code the file gave: it wins if present
            given = records[column].astype("string").fillna("")
            records[column] = given.where(given != "", found[column])
        else:
            records[column] = found[column]
    return records


UNPLACED_NO_LOOKUP = "postcode district, no postcode district lookup loaded"
UNPLACED_DISTRICT = "postcode district not in the postcode district lookup"


def apportioned(records: pd.DataFrame) -> tuple[pd.DataFrame, dict]:
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


def outside(extract: Extract, records: pd.DataFrame) -> pd.Series:
    """Placed records outside the supplying organisation's area."""
    area = set(extract.organisation.local_authority_codes) if extract.organisation else set()
    is_placed = records["local_authority_code"] != ""
    if not area:
        return pd.Series(False, index=records.index)
    beyond = is_placed & ~records["local_authority_code"].isin(area)
    if "share" in records.columns:  # apportioned: outside only if no part of it is inside
        inside = (~beyond).groupby(records["source_row"]).transform("any")
        beyond = beyond & ~inside
    return beyond


def file_rows(frame: pd.DataFrame) -> int:
    """File rows, not records: a wide population row or an apportioned admission is one
    file row stored as several records."""
    return int(frame["source_row"].nunique()) if "source_row" in frame.columns else len(frame)


def period(keep: pd.DataFrame, loader: Loader, summary) -> tuple:
    if not loader.date_column:
        return summary.period_start, summary.period_end
    dates = pd.to_datetime(keep[loader.date_column])
    ends = pd.to_datetime(keep[loader.end_column or loader.date_column])
    if dates.isna().all():
        return None, None
    return dates.min().date(), ends.max().date()


def aware(model, frame: pd.DataFrame) -> pd.DataFrame:
    """Date-times (local times in the files) made aware in the platform's time zone, so
    they are stored as meant whatever the database session's zone. In the autumn hour that
    happens twice, a time is read as GMT."""
    converted = {}
    for name in frame.columns:
        if isinstance(model._meta.get_field(name), models.DateTimeField):
            values = pd.to_datetime(frame[name], errors="coerce")
            if values.dt.tz is None:
                values = values.dt.tz_localize(settings.TIME_ZONE,
                                               ambiguous=np.zeros(len(values), dtype=bool),
                                               nonexistent="shift_forward")
            converted[name] = values
    return frame.assign(**converted) if converted else frame



def by_category(keep: pd.DataFrame, loader: Loader, summary) -> dict:
    if not loader.category_column:
        return json_safe(summary.by_category)
    records = keep.drop_duplicates("source_row") if "share" in keep.columns else keep
    return records[loader.category_column].value_counts().to_dict()


def json_safe(value):
    if isinstance(value, dict):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_safe(v) for v in value]
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating | float):
        return None if np.isnan(value) else float(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def report(keep: pd.DataFrame, summary, loader: Loader) -> dict:
    out = {"rule": str(RULES.get(loader.model.__name__, ""))}
    if isinstance(summary, Summary):  # what the health, youth justice and reference parsers
        # found beyond the counts: layout, identical rows, unrecognised values, index name...
        shown = {f.name for f in dataclasses.fields(Summary)}
        out["summary"] = {f.name: json_safe(getattr(summary, f.name))
                          for f in dataclasses.fields(summary) if f.name not in shown}
    if loader.replace_keys or not loader.per_organisation:
        out["replacement"] = str(REPLACEMENT.get(loader.model.__name__, ""))
    if loader.placed:
        reasons = keep.loc[keep["unplaced_reason"] != "", "unplaced_reason"]
        out["unplaced_by_reason"] = reasons.value_counts().to_dict()
        out["by_lsoa_vintage"] = {str(int(vintage)): count for vintage, count
                                  in keep["lsoa_vintage"].value_counts().items()}
    for name in ("asb_rows", "crime_ids_repeated", "duplicates_other_offence"):
        if hasattr(summary, name):
            out[name] = getattr(summary, name)
    missing = getattr(summary, "missing_shares", None)
    if missing:
        out["missing"] = {k: round(float(v) * len(keep)) for k, v in missing.items()}
    return out


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


def supersede(extract: Extract, loader: Loader, start, end, keep: pd.DataFrame) -> int:
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
    by_extract: dict[int, int] = defaultdict(int)
    for batch in batches:
        for extract_id, n in (batch.order_by().values_list("extract_id")
                              .annotate(n=Count("pk"))):
            by_extract[extract_id] += n
        batch.delete()
    replaced = sum(by_extract.values())
    candidates = older.filter(pk__in=by_extract)
    _note_replaced(extract, candidates, by_extract)
    if loader.date_column:
        candidates = candidates | older.filter(period_start__lte=end, period_end__gte=start)
    every_model = LOADERS[extract.source].models
    for old in candidates.distinct():
        if not any(model.objects.filter(extract=old).exists() for model in every_model):
            old.status, old.superseded_by = Extract.Status.SUPERSEDED, extract
            old.save(update_fields=["status", "superseded_by"])
    return replaced


def _note_replaced(extract: Extract, olders, by_extract: dict[int, int]) -> None:
    """On each older extract, which newer one replaced how many of its rows (its page says
    so, and how many remain); on the new one, which it replaced."""
    replaced = []
    for old in olders:
        entry = {"uuid": str(extract.uuid), "filename": extract.filename,
                 "rows": by_extract[old.pk], "on": timezone.localdate().isoformat()}
        old.report = {**(old.report or {}),
                      "replaced_by": [*(old.report or {}).get("replaced_by", []), entry]}
        old.save(update_fields=["report"])
        replaced.append({"uuid": str(old.uuid), "filename": old.filename,
                         "rows": by_extract[old.pk]})
    if replaced:
        extract.report["replaced"] = replaced


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



def save_row_errors(extract: Extract, errors: pd.DataFrame, outside_rows: pd.DataFrame) -> None:
    limit = settings.INGEST_STORED_ROW_ERRORS
    rows = [RowError(extract=extract, row_number=int(e.row), column=str(e.field)[:120],
                     reason=str(e.message)[:300], value=str(e.value)[:200])
            for e in errors.head(limit).itertuples(index=False)]
    # An apportioned record (several rows for one file row) is listed once.
    outside_rows = outside_rows.drop_duplicates("source_row")
    rows += [RowError(extract=extract, row_number=int(r.source_row), column=column,
                      reason=_("Outside the supplying organisation's area"),
                      value=str(value)[:200])
             for r in outside_rows.head(max(0, limit - len(rows))).itertuples(index=False)
             for column, value in [_outside_place(r)]]
    RowError.objects.bulk_create(rows, batch_size=5000)


def _outside_place(record) -> tuple[str, str]:
    """The column that placed a record outside the area: its LSOA, else its district."""
    lsoa = getattr(record, "lsoa_code", "")
    district = getattr(record, "postcode_district", None)
    if (pd.isna(lsoa) or lsoa == "") and not pd.isna(district) and district:
        return "Postcode district", district
    return "LSOA code", lsoa


def finish(extract: Extract, status: str, message: str) -> None:
    extract.status, extract.message = status, message
    extract.stage, extract.progress = "", 100
    extract.finished_at = timezone.now()
    extract.save()


def record_outcome(extract: Extract, loader: Loader, *, keep: pd.DataFrame,
                   outside_rows: pd.DataFrame, errors: pd.DataFrame, summary, period: tuple,
                   replaced: int, notes: dict, provenance: tuple | None = None) -> None:
    """In the load's transaction, once its rows are in: the row errors, the counts and the
    validation report on the extract, which is marked loaded. `keep`: the records stored;
    `outside_rows`: those left out as outside the supplier's area."""
    save_row_errors(extract, errors, outside_rows)
    extract.period_start, extract.period_end = period
    extract.rows_loaded = file_rows(keep)
    extract.rows_rejected = summary.rows_rejected
    extract.duplicates = getattr(summary, "repeats_folded", None) or getattr(
        summary, "duplicates", 0)
    extract.outside_area = file_rows(outside_rows)
    if loader.placed:
        placed_in = keep["local_authority_code"]
        extract.unplaced = int((placed_in.fillna("") == "").sum())
        # Every local authority its rows lie in ("" for unplaced rows): a partnership whose
        # area holds them all reads the extract whole (assessments.selectors.Scope).
        extract.report["local_authorities"] = sorted(
            {"" if pd.isna(code) else str(code) for code in placed_in.unique()})
    extract.by_category = by_category(keep, loader, summary)
    if provenance:
        extract.publisher, extract.licence = provenance
    extract.report.update(report(keep, summary, loader))
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
    finish(extract, Extract.Status.LOADED, message)
