"""Fast bulk inserts of canonical frames: PostgreSQL COPY, or batched INSERTs elsewhere.

Everything runs inside the caller's transaction, so a failed or killed load leaves nothing.
`insert_frame` inserts one frame; a `Writer` inserts the chunks of a streamed load in order
and, on PostgreSQL, sends them from a thread of its own, so that the server takes in one
chunk while the next is read and checked.
"""

import io
import queue
import threading

import pandas as pd
from django.db import DEFAULT_DB_ALIAS, connection, connections

from . import copy_format

CHUNK_ROWS = 100_000
IN_CHUNK = 2000  # values per IN (...) list when deleting by value elsewhere than PostgreSQL


def insert_frame(model, frame: pd.DataFrame) -> int:
    """Insert every row of `frame` (columns named as the model's fields) into `model`."""
    if frame.empty:
        return 0
    if connection.vendor == "postgresql":
        database = connections[DEFAULT_DB_ALIAS]
        database.ensure_connection()
        for start in range(0, len(frame), CHUNK_ROWS):
            part = frame.iloc[start:start + CHUNK_ROWS]
            _copy(database, *copy_data(model, part))
        return len(frame)
    return _batched(model, prepare(model, frame))


def prepare(model, frame: pd.DataFrame) -> pd.DataFrame:
    """Values shaped for the model's field types (copy_format.typed), for INSERTs and CSV."""
    return pd.DataFrame({name: copy_format.typed(model._meta.get_field(name), frame[name])
                         for name in frame.columns}, index=frame.index)


def copy_data(model, frame: pd.DataFrame) -> tuple[str, bytes]:
    """(COPY statement, data) for the frame's rows: binary COPY, or CSV for the columns that
    binary COPY does not take (copy_format)."""
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(model._meta.get_field(name).column)
                        for name in frame.columns)
    data = copy_format.binary(model, frame)
    if data is not None:
        return f"COPY {table} ({columns}) FROM STDIN WITH (FORMAT binary)", data
    buffer = io.StringIO()
    prepare(model, frame).to_csv(buffer, index=False, header=False, na_rep="\\N")
    sql = f"COPY {table} ({columns}) FROM STDIN WITH (FORMAT csv, NULL '\\N')"
    return sql, buffer.getvalue().encode("utf-8")


def _copy(database, sql: str, data: bytes) -> None:
    """COPY on `database` (a Django connection, perhaps another thread's), with its errors
    raised as Django's."""
    with database.wrap_database_errors, database.connection.cursor() as cursor:
        # All of it handed to libpq at once: the writer's thread then takes the interpreter
        # lock back once per chunk, rather than once per megabyte, from the thread preparing
        # the next chunk.
        cursor.copy_expert(sql, io.BytesIO(data), size=max(len(data), 1))


def _batched(model, frame: pd.DataFrame) -> int:
    fields = [model._meta.get_field(name).attname for name in frame.columns]
    objects = (model(**dict(zip(fields, row, strict=True)))
               for row in frame.astype(object).where(frame.notna(), None)
               .itertuples(index=False, name=None))
    model.objects.bulk_create(objects, batch_size=2000)
    return len(frame)


class Writer:
    """Inserts the chunks of one streamed load into `model`, in order, in the caller's
    transaction: `insert(frame)`, `delete(filters, column, values)`, then `close()` (or leave
    the `with` block), which waits for all of it and raises what went wrong in it.

    On PostgreSQL the COPY data is built by the caller's thread and sent by the writer's own
    (psycopg2 lets go of the GIL while it sends), at most QUEUED chunks behind, so memory stays
    bounded. Nothing else may use the database connection until `drain()` or `close()`
    returns. Elsewhere each call runs at once."""

    QUEUED = 2

    def __init__(self, model):
        self.model = model
        self.threaded = connection.vendor == "postgresql"
        self._error: BaseException | None = None
        self._stopping = False
        self._thread: threading.Thread | None = None
        if self.threaded:
            self._database = connections[DEFAULT_DB_ALIAS]  # this thread's, used by the writer's
            self._database.ensure_connection()
            self._check_references_per_chunk()
            self._jobs: queue.Queue = queue.Queue(maxsize=self.QUEUED)
            self._thread = threading.Thread(target=self._run, name="ingest-copy", daemon=True)
            self._thread.start()

    def _check_references_per_chunk(self) -> None:
        """The table's foreign keys (deferred, as Django makes them) are checked as each
        chunk goes in, while the next is being prepared, instead of all at commit, where
        nothing else is left to do meanwhile. The check is the same."""
        table = self.model._meta.db_table
        with self._database.connection.cursor() as cursor:
            cursor.execute("SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass "
                           "AND contype = 'f' AND condeferred", [table])
            names = [connection.ops.quote_name(name) for (name,) in cursor.fetchall()]
            if names:
                cursor.execute(f"SET CONSTRAINTS {', '.join(names)} IMMEDIATE")

    def insert(self, frame: pd.DataFrame) -> None:
        if frame.empty:
            return
        if not self.threaded:
            _batched(self.model, prepare(self.model, frame))
            return
        sql, data = copy_data(self.model, frame)
        self._put(lambda: _copy(self._database, sql, data))

    def delete(self, filters: dict, column: str, values: list) -> None:
        """Delete the rows matching `filters` whose `column` is one of `values`."""
        if not values:
            return
        if not self.threaded:
            for start in range(0, len(values), IN_CHUNK):
                self.model.objects.filter(
                    **filters, **{f"{column}__in": values[start:start + IN_CHUNK]}).delete()
            return
        meta, quote = self.model._meta, connection.ops.quote_name
        where = [f"{quote(meta.get_field(name).column)} = %s" for name in filters]
        # Identifiers from the model, quoted; values as parameters.
        sql = (f"DELETE FROM {quote(meta.db_table)} WHERE {' AND '.join(where)} AND "  # noqa: S608
               f"{quote(meta.get_field(column).column)} = ANY(%s)")
        params = [*filters.values(), list(values)]

        def run():
            with self._database.wrap_database_errors, self._database.connection.cursor() as cursor:
                cursor.execute(sql, params)

        self._put(run)

    def drain(self) -> None:
        """Wait until everything given so far is in the database."""
        if self.threaded:
            self._jobs.join()
            self._raise()

    def close(self) -> None:
        if self._thread is not None:
            self._jobs.put(None)
            self._thread.join()
            self._thread = None
        self._raise()

    def __enter__(self) -> "Writer":
        return self

    def __exit__(self, kind, error, traceback) -> None:
        if kind is None:
            self.close()
            return
        # Something failed in the caller: stop after the statement under way, and let the
        # caller's exception (and its transaction's rollback) go on.
        if self._thread is not None:
            self._stopping = True
            self._jobs.put(None)
            self._thread.join()
            self._thread = None

    def _put(self, job) -> None:
        self._raise()
        self._jobs.put(job)

    def _raise(self) -> None:
        if self._error is not None:
            error, self._error = self._error, None
            raise error

    def _run(self) -> None:
        while True:
            job = self._jobs.get()
            try:
                if job is None:
                    return
                if self._error is None and not self._stopping:  # else only drain the queue
                    job()
            except BaseException as error:  # noqa: BLE001 - raised again in the caller
                self._error = error
            finally:
                self._jobs.task_done()
