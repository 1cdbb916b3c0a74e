"""Querysets into pandas frames, fast and lean.

On PostgreSQL the rows come out through `COPY (SELECT ...) TO STDOUT` (one round trip, no
Python object per row) and are parsed by pandas' C reader; elsewhere (SQLite in embedded
mode) through the cursor. Repetitive text (categories, codes, flags' labels) is read as
pandas categoricals, which keeps a million rows well under the memory target.
"""

import io

import pandas as pd
from django.db import connections, transaction

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
    if connection.vendor == "postgresql":
        frame = _copy_out(rows, connection, columns)
    else:
        frame = _fetch(rows, names)
    return _typed(frame, columns)


# How pandas' C reader parses each kind straight from COPY's CSV (fewer Python objects than
# reading text and converting: the assessment reads a million rows this way).
# PostgreSQL prices passing a row from a parallel worker to the leader (parallel_tuple_cost,
# 0.1) so high that a read whose rows all leave the server is planned on one core. Here the
# scan and the filter are most of the server's work, so a read lets workers share them: a
# million-row read of the assessment's columns takes about a sixth less (bench/assess.py).
# SET LOCAL: for this read's transaction only, put back as soon as the rows are out.
PARALLEL_TUPLE_COST = "0.001"

READ_AS = {TEXT: str, CODE: "category", INT: "float64", FLOAT: "float64", BOOL: "category",
           OPTIONAL_BOOL: "category", DATE: str, DATETIME: str}


def _copy_out(rows, connection, columns: dict[str, str]) -> pd.DataFrame:
    names = list(columns)
    sql, params = rows.query.sql_with_params()
    buffer = io.BytesIO()
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        statement = cursor.mogrify(sql, params).decode()
        cursor.execute(f"SET LOCAL parallel_tuple_cost = {PARALLEL_TUPLE_COST}")
        cursor.copy_expert(f"COPY ({statement}) TO STDOUT WITH (FORMAT csv)", buffer)
        cursor.execute("SET LOCAL parallel_tuple_cost TO DEFAULT")
    buffer.seek(0)
    if buffer.getbuffer().nbytes == 0:
        return pd.DataFrame(columns=names)
    # Only empty fields are missing (COPY writes NULL as an empty field): no "NA" guessing.
    return pd.read_csv(buffer, header=None, names=names, keep_default_na=False,
                       na_values={n: [""] for n in names},
                       dtype={n: READ_AS[k] for n, k in columns.items()})


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
