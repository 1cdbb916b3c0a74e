"""Ingest through the real worker into PostgreSQL.

Files are uploaded through services.extract_receive, which enqueues the scan and load with
transaction.on_commit; a `celery worker` subprocess takes the task from Redis, scans,
validates, places and loads the rows (ingest/processing.py, one transaction that supersedes
and COPYs). The test only watches the Extract's status, with a deadline.

The second test kills a worker (SIGKILL, main and pool processes) while its load
transaction is open and has written rows, and shows that none of them is visible afterwards,
that the data it was superseding is intact, and that a fresh worker loads the extract once
the claim of the dead one is stale.
"""

import csv
from collections import Counter
from datetime import date, timedelta

import psycopg2
import pytest
from celery.signals import after_task_publish
from django.conf import settings
from django.db import connection
from django.db.models import Count, F
from django_celery_results.models import TaskResult

from ingest import bulk, services, synthetic
from ingest.models import Extract, LsoaArea, PoliceOccurrence, StreetCrime
from ingest.tasks import extract_process
from partners import demo
from partners.models import Organisation, Partnership
from svd_platform import jobs
from tests.shared import shared_path

from .conftest import wait_for

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

LOOKUP = "ons-lookups/LSOA11_WD19_LAD19_EW_LU.csv"
STREET_FILES = ("police-uk-avon-and-somerset/2023-04-avon-and-somerset-street.csv",
                "police-uk-avon-and-somerset/2023-05-avon-and-somerset-street.csv")
LOOKUP_ROWS = 34_753
FORCE = "Avon and Somerset Constabulary"
AVON_AND_SOMERSET = {
    "E06000022": "Bath and North East Somerset",
    "E06000023": "Bristol, City of",
    "E06000024": "North Somerset",
    "E06000025": "South Gloucestershire",
    "E06000066": "Somerset",
}
OUTSIDE_COLUMN = "LSOA code"  # RowError.column of rows outside the supplier's area
LOAD_TIMEOUT = 180


# --- helpers --------------------------------------------------------------------------------

@pytest.fixture
def avon():
    """The demo's Avon and Somerset VRP and its police force (whose area is the 5 LAs)."""
    demo.seed()
    region = Partnership.objects.get(slug="avon-and-somerset-vrp")
    force = Organisation.objects.get(name=FORCE)
    assert set(AVON_AND_SOMERSET) <= set(force.local_authority_codes)
    return region, force


@pytest.fixture
def published():
    """The ids of the extract_process tasks published to the broker during the test."""
    sent: list[str] = []

    def record(sender=None, headers=None, **kwargs):
        if headers["task"] == extract_process.name:
            sent.append(headers["id"])

    after_task_publish.connect(record, weak=False)
    yield sent
    after_task_publish.disconnect(record)


def upload_file(partnership, organisation, source, path) -> Extract:
    with open(path, "rb") as handle:
        return services.extract_receive(
            partnership=partnership, organisation=organisation, source_key=source,
            filename=path.name, chunks=iter(lambda: handle.read(1 << 20), b""),
            uploaded_by=None)


def upload_frame(partnership, organisation, source, frame, name) -> Extract:
    return services.extract_receive(
        partnership=partnership, organisation=organisation, source_key=source, filename=name,
        chunks=[frame.to_csv(index=False).encode()], uploaded_by=None)


def finished(extract: Extract, worker, timeout: float = LOAD_TIMEOUT) -> Extract:
    """Poll the extract until the worker is done with it (loaded, refused, failed...)."""
    def done():
        worker.assert_alive()
        extract.refresh_from_db()
        return not extract.is_working

    wait_for(done, timeout=timeout, what=f"the worker to finish {extract.filename}",
             details=lambda: (f"status {extract.status}, stage {extract.stage!r} "
                              f"({extract.progress}%)\n{worker.log_tail()}"))
    return extract


def assert_counts_reconcile(extract: Extract, model) -> None:
    assert extract.status == Extract.Status.LOADED, extract.message
    assert model.objects.filter(extract=extract).count() == extract.rows_loaded > 0
    assert extract.rows_read == (extract.rows_loaded + extract.rows_rejected
                                 + extract.duplicates + extract.outside_area)


def expected_by_crime_type(path, extract: Extract) -> Counter:
    """An independent count of the raw file by crime type, minus what the validation report
    explains: rejected rows (listed by row number), earlier rows of a repeated Crime ID in a
    month (the last one is kept, data.police.uk repeats IDs with later outcomes), and rows
    outside the force's area (listed by row number)."""
    errors = list(extract.row_errors.values_list("row_number", "column"))
    outside = {row for row, column in errors if column == OUTSIDE_COLUMN}
    rejected = {row for row, column in errors if column != OUTSIDE_COLUMN}
    assert len(outside) == extract.outside_area and len(rejected) == extract.rows_rejected
    with open(path, newline="", encoding="utf-8-sig") as handle:
        rows = [(number, row) for number, row in enumerate(csv.DictReader(handle), start=1)
                if number not in rejected]
    last_of = {}  # (Crime ID, month) -> the last row number with that key
    for number, row in rows:
        if row["Crime ID"].strip():
            last_of[(row["Crime ID"].strip(), row["Month"])] = number
    kept = [row for number, row in rows
            if (not row["Crime ID"].strip()
                or last_of[(row["Crime ID"].strip(), row["Month"])] == number)
            and number not in outside]
    assert len(rows) - len(kept) - len(outside) == extract.duplicates
    return Counter(row["Crime type"] for row in kept)


# --- a. real files, real worker -------------------------------------------------------------

def test_real_files_load_through_the_worker_and_reconcile(worker, avon, published):
    region, force = avon

    geography = finished(upload_file(region, None, "geography", shared_path(LOOKUP)), worker)
    assert geography.status == Extract.Status.LOADED, geography.message
    assert geography.rows_loaded == LsoaArea.objects.count() == LOOKUP_ROWS

    for relative in STREET_FILES:
        path = shared_path(relative)
        extract = finished(upload_file(region, force, "police_uk_street", path), worker)
        assert_counts_reconcile(extract, StreetCrime)
        with open(path, newline="", encoding="utf-8-sig") as handle:
            assert extract.rows_read == sum(1 for _ in csv.DictReader(handle))
        month = date(int(path.name[:4]), int(path.name[5:7]), 1)
        assert extract.period_start == extract.period_end == month
        stored = StreetCrime.objects.filter(extract=extract)
        assert set(stored.values_list("organisation_id", "month").distinct()) == {
            (force.pk, month)}
        # counted by PostgreSQL, against the raw file minus what the report explains
        in_database = Counter(dict(stored.values_list("crime_type").annotate(n=Count("id"))))
        assert in_database == expected_by_crime_type(path, extract)
        assert in_database == Counter(extract.by_category)
        placed = stored.exclude(local_authority_code="")
        assert not placed.exclude(local_authority_code__in=list(AVON_AND_SOMERSET)).exists()
        assert stored.filter(local_authority_code="").count() == extract.unplaced

    # every load was done by the worker subprocess, not in this process
    assert len(published) == 1 + len(STREET_FILES)
    results = TaskResult.objects.filter(task_id__in=published)
    assert {(r.status, r.worker, r.result) for r in results} == {
        ("SUCCESS", worker.hostname, '"loaded"')}
    assert results.count() == len(published)


# --- b. a worker killed mid-load ------------------------------------------------------------

BIG_ROWS = 130_000  # with bulk.CHUNK_ROWS = 100,000, two COPY statements in one transaction
BARRIER_AT = 110_000  # rows of the big extract written before its COPY is held up


def _raw_connection():
    params = connection.settings_dict
    return psycopg2.connect(dbname=params["NAME"], user=params["USER"],
                            password=params["PASSWORD"], host=params["HOST"],
                            port=params["PORT"])


def _next_id(cursor, table: str) -> int:
    cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
    (sequence,) = cursor.fetchone()
    cursor.execute(f"SELECT last_value, is_called FROM {sequence}")
    last, called = cursor.fetchone()
    return last + 1 if called else last


def _relation_bytes(table: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_relation_size(%s)", [table])
        return cursor.fetchone()[0]


def _copy_held_by(blocker_pid: int, table: str):
    """The backend whose COPY into `table` waits on the blocker's row, with the rows its
    current COPY statement has processed so far (pg_stat_progress_copy), or None."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT a.pid, p.tuples_processed FROM pg_stat_activity a "
            "LEFT JOIN pg_stat_progress_copy p ON p.pid = a.pid "
            "WHERE a.datname = current_database() AND a.query LIKE %s "
            "AND a.wait_event_type = 'Lock' AND %s = ANY(pg_blocking_pids(a.pid))",
            [f'COPY "{table}"%', blocker_pid])
        return cursor.fetchone()


def _state(extract: Extract) -> str:
    extract.refresh_from_db()
    return f"status {extract.status}, stage {extract.stage!r}: {extract.message}"


def _backend_alive(pid: int) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE pid = %s", [pid])
        return cursor.fetchone()[0] == 1


def test_worker_killed_mid_load_leaves_no_partial_rows(worker_factory, avon):
    """Deterministic timing: the test holds, in a transaction of its own, an uncommitted row
    with the primary key the load's COPY reaches after BARRIER_AT rows, so the COPY waits on
    it (a unique-index wait) with those rows written inside the load transaction. The worker
    is SIGKILLed in that state; then the test lets go of its row."""
    region, force = avon
    table = PoliceOccurrence._meta.db_table
    first = worker_factory()

    area = synthetic.geography(AVON_AND_SOMERSET, 40, seed=1)
    geography = finished(upload_frame(region, None, "geography", area, "areas.csv"), first)
    assert geography.status == Extract.Status.LOADED, geography.message
    services.agreement_add(reference="ASC-ISA-1", organisation=force, partnerships=[region],
                           source_keys=["police_occurrences"], lawful_basis="s17a",
                           starts_on=date.today() - timedelta(days=30),
                           review_on=date.today() + timedelta(days=335))

    # Data already loaded for the period: the big extract supersedes it in its transaction.
    earlier = finished(upload_frame(
        region, force, "police_occurrences",
        synthetic.police_occurrences(area, 2022, 1, 2_000, seed=11), "2022-23-first.csv"), first)
    assert_counts_reconcile(earlier, PoliceOccurrence)
    earlier_rows = set(PoliceOccurrence.objects.filter(extract=earlier)
                       .values_list("id", "occurrence_ref"))

    big_frame = synthetic.police_occurrences(area, 2022, 1, BIG_ROWS, seed=12)
    size_before = _relation_bytes(table)
    stored_columns = [f.column for f in PoliceOccurrence._meta.concrete_fields
                      if not f.primary_key]
    blocker = _raw_connection()
    try:
        with blocker.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            (blocker_pid,) = cursor.fetchone()
            barrier_id = _next_id(cursor, table) + BARRIER_AT
            columns = ", ".join(f'"{c}"' for c in stored_columns)
            cursor.execute(f'INSERT INTO "{table}" (id, {columns}) SELECT %s, {columns} '
                           f'FROM "{table}" WHERE extract_id = %s LIMIT 1',
                           [barrier_id, earlier.pk])  # not committed: a barrier

        big = upload_frame(region, force, "police_occurrences", big_frame, "2022-23-big.csv")
        held = wait_for(lambda: _copy_held_by(blocker_pid, table), timeout=LOAD_TIMEOUT,
                        what="the load's COPY to reach the barrier row",
                        details=lambda: _state(big) + "\n" + first.log_tail())
        copy_pid, processed = held
        big.refresh_from_db()
        assert big.status == Extract.Status.PROCESSING
        assert (big.stage, big.progress) == ("Loading", 80)
        # The transaction has written BARRIER_AT rows (a first COPY statement complete, the
        # second under way: pg_stat_progress_copy counts its rows, and the table's file has
        # grown), which nobody else can see.
        assert processed >= BARRIER_AT % bulk.CHUNK_ROWS  # rows of the current statement
        assert _relation_bytes(table) - size_before > BARRIER_AT * 100
        assert not PoliceOccurrence.objects.filter(extract=big).exists()

        pool = first.kill()
        assert pool and first.process.returncode == -9
    finally:
        blocker.rollback()  # the barrier goes; the dead worker's COPY reads end-of-file
        blocker.close()
    wait_for(lambda: not _backend_alive(copy_pid), timeout=30,
             what="PostgreSQL to end the dead worker's session")

    # Nothing of the killed load is stored, and what it was superseding is intact.
    assert not PoliceOccurrence.objects.filter(extract=big).exists()
    assert PoliceOccurrence.objects.count() == len(earlier_rows)
    assert set(PoliceOccurrence.objects.filter(extract=earlier)
               .values_list("id", "occurrence_ref")) == earlier_rows
    earlier.refresh_from_db()
    assert earlier.status == Extract.Status.LOADED and earlier.superseded_by is None
    big.refresh_from_db()
    assert big.status == Extract.Status.PROCESSING and big.rows_loaded == 0  # abandoned

    # A fresh worker takes the extract again once the dead worker's claim is older than the
    # hard time limit (no worker can still be running it then). The killed task's Redis
    # message stays unacknowledged until the broker's visibility timeout (an hour), so the
    # test sends the task again, after moving the claim back by the time limit.
    second = worker_factory()
    Extract.objects.filter(pk=big.pk).update(
        claimed_at=F("claimed_at") - timedelta(
            seconds=settings.CELERY_TASK_TIME_LIMIT + jobs.STALE_MARGIN_SECONDS + 1))
    result = extract_process.delay(big.pk)
    assert result.get(timeout=LOAD_TIMEOUT) == "loaded", second.log_tail()
    assert TaskResult.objects.get(task_id=result.id).worker == second.hostname
    big.refresh_from_db()
    assert_counts_reconcile(big, PoliceOccurrence)
    assert big.rows_read == len(big_frame)
    assert big.rows_loaded > BARRIER_AT
    # ... superseding, now, the earlier extract (the same financial year, seeded data)
    assert big.period_start <= earlier.period_start and earlier.period_end <= big.period_end
    assert PoliceOccurrence.objects.count() == big.rows_loaded
    earlier.refresh_from_db()
    assert earlier.status == Extract.Status.SUPERSEDED and earlier.superseded_by == big
