"""Querysets into pandas frames, fast and lean.

On PostgreSQL the rows come out through `COPY (SELECT ...) TO STDOUT` (one round trip, no
Python object per row) and are parsed by pandas' C reader; elsewhere (SQLite in embedded
mode) through the cursor. Repetitive text (categories, codes, flags' labels) is read as
pandas categoricals, which keeps a million rows well under the memory target.

A read of a big table (ASSESSMENT_READ_SPLIT_BYTES) is split by the table's blocks into
ASSESSMENT_READ_PARTS ranges of `ctid`, each read by a connection of its own in a thread,
so that several server processes scan and format the rows while pandas parses them (the
C reader lets go of the interpreter lock). All the parts read one snapshot, exported by the
first (as `pg_dump --jobs` does), so together they are exactly what one read would give.
A caller inside a transaction reads in one part, through its own connection: its rows may
not be committed, and other connections would not see them.
"""

import io
from concurrent.futures import ThreadPoolExecutor

import pandas as pd
from django.conf import settings
from django.db import connections
from django.db.models import BooleanField
from django.db.models.expressions import RawSQL
from pandas.api.types import union_categoricals

# Column kinds for `read`.
TEXT = "text"  # free text, kept as str
CODE = "code"  # few distinct values: categorical
INT = "int"  # nullable integer
FLOAT = "float"
BOOL = "bool"  # NOT NULL booleans
OPTIONAL_BOOL = "optional_bool"  # yes / no / not known
DATE = "date"
DATETIME = "datetime"


def read(queryset, columns: dict[str, str]) -> pd.DataFrame:
    """The queryset's rows as a frame with `columns` (name -> kind), in that order."""
    names = list(columns)
    rows = queryset.values_list(*names)
    connection = connections[rows.db]
    if connection.vendor != "postgresql":
        return _typed(_fetch(rows, names), columns)
    parts = _parts(rows, connection)
    if parts > 1:
        return _typed(_split_copy_out(rows, columns, parts), columns)
    return _typed(_copy_out(rows, connection, columns), columns)


# How pandas' C reader parses each kind straight from COPY's CSV (fewer Python objects than
# reading text and converting: the assessment reads a million rows this way).
READ_AS = {TEXT: str, CODE: "category", INT: "float64", FLOAT: "float64", BOOL: "category",
           OPTIONAL_BOOL: "category", DATE: str, DATETIME: str}


def _copy_out(rows, connection, columns: dict[str, str]) -> pd.DataFrame:
    sql, params = rows.query.sql_with_params()
    buffer = io.BytesIO()
    with connection.cursor() as cursor:
        statement = cursor.mogrify(sql, params).decode()
        cursor.copy_expert(f"COPY ({statement}) TO STDOUT WITH (FORMAT csv)", buffer)
    return _parsed(buffer, columns)


def _parsed(buffer: io.BytesIO, columns: dict[str, str]) -> pd.DataFrame:
    names = list(columns)
    buffer.seek(0)
    if buffer.getbuffer().nbytes == 0:
        return pd.DataFrame(columns=names)
    # Only empty fields are missing (COPY writes NULL as an empty field): no "NA" guessing.
    return pd.read_csv(buffer, header=None, names=names, keep_default_na=False,
                       na_values={n: [""] for n in names},
                       dtype={n: READ_AS[k] for n, k in columns.items()})


def _parts(rows, connection) -> int:
    """How many connections read `rows`: ASSESSMENT_READ_PARTS for a big table, else one."""
    wanted = settings.ASSESSMENT_READ_PARTS
    if wanted < 2 or connection.in_atomic_block:
        return 1
    return wanted if _table_bytes(rows, connection) >= settings.ASSESSMENT_READ_SPLIT_BYTES else 1


def _table_bytes(rows, connection) -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_relation_size(%s::regclass)",
                       [connection.ops.quote_name(rows.model._meta.db_table)])
        return cursor.fetchone()[0]


def _split_copy_out(rows, columns: dict[str, str], parts: int) -> pd.DataFrame:
    side = [connections.create_connection(rows.db) for _ in range(parts)]
    try:
        for wrapper in side:
            wrapper.ensure_connection()
        _share_snapshot([wrapper.connection for wrapper in side])
        statements = _part_statements(rows, side[0], parts)

        def read_part(wrapper, statement: str) -> pd.DataFrame:
            buffer = io.BytesIO()
            with wrapper.wrap_database_errors, wrapper.connection.cursor() as cursor:
                cursor.copy_expert(f"COPY ({statement}) TO STDOUT WITH (FORMAT csv)", buffer)
            return _parsed(buffer, columns)

        with ThreadPoolExecutor(max_workers=parts, thread_name_prefix="assessment-read") as pool:
            frames = list(pool.map(read_part, side, statements))
    finally:
        for wrapper in side:
            wrapper.close()  # ends its read-only transaction
    return _combined(frames, columns)


def _share_snapshot(raw_connections: list) -> None:
    """One read-only snapshot for all: the first connection's, imported by the others."""
    first, *others = raw_connections
    with first.cursor() as cursor:
        cursor.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        (snapshot,) = cursor.fetchone()
    for other in others:
        with other.cursor() as cursor:
            cursor.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            cursor.execute("SET TRANSACTION SNAPSHOT %s", [snapshot])


def _part_statements(rows, wrapper, parts: int) -> list[str]:
    """The query once per range of the table's blocks; the last range is open-ended, so rows
    in blocks added since the table was measured are read too."""
    table = wrapper.ops.quote_name(rows.model._meta.db_table)
    with wrapper.connection.cursor() as cursor:  # inside the shared snapshot's transaction
        cursor.execute("SELECT pg_relation_size(%s::regclass) / current_setting('block_size')::int",
                       [table])
        (blocks,) = cursor.fetchone()
        step = blocks // parts + 1
        statements = []
        for part in range(parts):
            bounds = [f"{table}.ctid >= %s::tid"] + ([f"{table}.ctid < %s::tid"]
                                                     if part < parts - 1 else [])
            values = [f"({part * step},0)", f"({(part + 1) * step},0)"][:len(bounds)]
            # The model's quoted table name; the bounds are parameters.
            ranged = rows.filter(RawSQL(" AND ".join(bounds), values,  # noqa: S611
                                        output_field=BooleanField()))
            sql, params = ranged.query.sql_with_params()
            statements.append(cursor.mogrify(sql, params).decode())
    return statements


def _combined(frames: list[pd.DataFrame], columns: dict[str, str]) -> pd.DataFrame:
    """The parts' frames as one; categoricals united (their categories differ by part)."""
    frames = [frame for frame in frames if len(frame)] or frames[:1]
    if len(frames) == 1:
        return frames[0]
    out = {}
    for name in columns:
        pieces = [frame[name] for frame in frames]
        if all(isinstance(piece.dtype, pd.CategoricalDtype) for piece in pieces):
            out[name] = pd.Series(union_categoricals(pieces, ignore_order=True))
        else:
            out[name] = pd.concat(pieces, ignore_index=True)
    return pd.DataFrame(out)


def _fetch(rows, names: list[str]) -> pd.DataFrame:
    return pd.DataFrame.from_records(list(rows.iterator(chunk_size=20_000)), columns=names)


def _typed(frame: pd.DataFrame, columns: dict[str, str]) -> pd.DataFrame:
    out = {}
    for name, kind in columns.items():
        values = frame[name]
        if kind == TEXT:
            out[name] = values.fillna("").astype(str)
        elif kind == CODE:
            out[name] = _codes(values)
        elif kind == INT:
            out[name] = pd.to_numeric(values, errors="coerce").astype("Int64")
        elif kind == FLOAT:
            out[name] = pd.to_numeric(values, errors="coerce").astype("float64")
        elif kind == BOOL:
            out[name] = _booleans(values).fillna(False).astype(bool)
        elif kind == OPTIONAL_BOOL:
            out[name] = _booleans(values).astype("boolean")
        elif kind == DATE:
            out[name] = pd.to_datetime(values, errors="coerce", format="mixed").astype(
                "datetime64[ns]")
        elif kind == DATETIME:
            stamps = pd.to_datetime(values, errors="coerce", utc=True, format="mixed")
            out[name] = stamps.dt.tz_convert("Europe/London").dt.tz_localize(None)
        else:
            raise ValueError(f"unknown column kind {kind!r}")
    return pd.DataFrame(out, index=pd.RangeIndex(len(frame)))


def _codes(values: pd.Series) -> pd.Series:
    """A categorical with "" for missing values."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        if values.isna().any():
            if "" not in values.cat.categories:
                values = values.cat.add_categories([""])
            values = values.fillna("")
        return values
    return values.fillna("").astype(str).astype("category")


def _booleans(values: pd.Series) -> pd.Series:
    # PostgreSQL's COPY writes t/f; SQLite's cursor gives 1/0 (or True/False).
    mapping = {"t": True, "f": False, "true": True, "false": False, "1": True, "0": False,
               "True": True, "False": False}
    if isinstance(values.dtype, pd.CategoricalDtype):  # maps the categories only: fast
        return values.map(mapping).astype(object)
    return values.astype("string").str.lower().map(mapping)
