"""Fast bulk inserts of canonical frames: PostgreSQL COPY, or batched INSERTs elsewhere.

Both run inside the caller's transaction, so a failed or killed load leaves nothing."""

import io

import pandas as pd
from django.db import connection

CHUNK_ROWS = 100_000


def insert_frame(model, frame: pd.DataFrame) -> int:
    """Insert every row of `frame` (columns named as the model's fields) into `model`."""
    if frame.empty:
        return 0
    frame = prepare(model, frame)
    if connection.vendor == "postgresql":
        return _copy(model, frame)
    return _batched(model, frame)


def prepare(model, frame: pd.DataFrame) -> pd.DataFrame:
    """Values shaped for the model's field types: dates as dates, whole numbers as nullable
    integers (not floats), blank text as "" where the column may not be NULL."""
    from django.db import models

    out = {}
    for name in frame.columns:
        field, values = model._meta.get_field(name), frame[name]
        if isinstance(field, models.DateField) and not isinstance(field, models.DateTimeField):
            values = pd.to_datetime(values, errors="coerce").dt.date
        elif isinstance(field, models.IntegerField | models.ForeignKey):
            values = pd.to_numeric(values, errors="coerce").round().astype("Int64")
        elif isinstance(field, models.FloatField):
            values = pd.to_numeric(values, errors="coerce")
        elif isinstance(field, models.BooleanField):
            values = values.fillna(False).astype(bool)
        elif isinstance(field, models.CharField | models.TextField):
            values = values.astype("string").fillna("" if not field.null else pd.NA)
            # Cut only when something is too long: slicing every cell costs seconds a million.
            if field.max_length and (values.str.len() > field.max_length).any():
                values = values.str.slice(0, field.max_length)
        out[name] = values
    return pd.DataFrame(out, index=frame.index)


def _columns(model, frame: pd.DataFrame) -> list[str]:
    return [model._meta.get_field(name).column for name in frame.columns]


def _copy(model, frame: pd.DataFrame) -> int:
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(c) for c in _columns(model, frame))
    sql = f"COPY {table} ({columns}) FROM STDIN WITH (FORMAT csv, NULL '\\N')"
    with connection.cursor() as cursor:
        for start in range(0, len(frame), CHUNK_ROWS):
            buffer = io.StringIO()
            frame.iloc[start:start + CHUNK_ROWS].to_csv(buffer, index=False, header=False,
                                                        na_rep="\\N")
            buffer.seek(0)
            cursor.cursor.copy_expert(sql, buffer)
    return len(frame)


def _batched(model, frame: pd.DataFrame) -> int:
    fields = [model._meta.get_field(name).attname for name in frame.columns]
    objects = (model(**dict(zip(fields, row, strict=True)))
               for row in frame.astype(object).where(frame.notna(), None)
               .itertuples(index=False, name=None))
    model.objects.bulk_create(objects, batch_size=2000)
    return len(frame)
