"""Bulk loading on PostgreSQL (ingest/bulk.py, ingest/copy_format.py): binary COPY stores
exactly what CSV COPY stores, for every field type of every record table, awkward values
included; the streamed writer keeps order, deletes, and reports a failure in its thread to
its caller, whose transaction then leaves nothing."""

import datetime as dt
from itertools import cycle, islice

import pandas as pd
import pytest
from django.db import IntegrityError, models, transaction

from ingest import bulk, copy_format
from ingest.loaders import LOADERS
from ingest.loading import PLACEMENT_COLUMNS
from ingest.models import Extract, OptionalBooleanField, PoliceOccurrence
from partners import services
from partners.models import Sector

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

ROWS = 9
LONDON = "Europe/London"
TEXTS = ["plain", "", None, 'comma, "quoted"\nand a new line', "ünïcødé ✓ — 'dash'",
         " spaced ", "x" * 400, "tab\there", "back\\slash"]  # fmt: skip
DATES = [dt.date(2024, 2, 29), None, pd.Timestamp("1999-12-31"), "2000-01-01",
         "not a date", pd.Timestamp("2030-06-01"), dt.date(1900, 1, 1)]  # fmt: skip
STAMPS = [pd.Timestamp("2023-03-26 00:30", tz=LONDON), pd.Timestamp("2023-03-26 02:30", tz=LONDON),
          pd.Timestamp("2023-10-29 01:30", tz="UTC").tz_convert(LONDON), pd.NaT,
          pd.Timestamp("1999-12-31 23:59:59.123456", tz=LONDON)]  # fmt: skip
NUMBERS = [0, 120, None, 7.0, "42", 3.6]
FLOATS = [0.1, -1e-05, None, 1e16, 51.501234567890123, float("nan"), 2.5]
FLAGS = [True, False, None, True]


def values_for(field) -> list:
    """ROWS values of the field's type, the awkward ones included where allowed."""
    if isinstance(field, OptionalBooleanField | models.BooleanField):
        values = FLAGS
    elif isinstance(field, models.DateTimeField):
        values = STAMPS
    elif isinstance(field, models.DateField):
        values = DATES
    elif isinstance(field, models.FloatField):
        values = FLOATS
    elif isinstance(field, models.IntegerField):
        values = NUMBERS
    else:
        values = TEXTS
    if not field.null and not isinstance(field, models.BooleanField | models.CharField):
        values = [v for v in values if v is not None and not pd.isna(v) and v != "not a date"]
    return list(islice(cycle(values), ROWS))


def frame_for(model, columns) -> pd.DataFrame:
    frame = pd.DataFrame({name: values_for(model._meta.get_field(name)) for name in columns})
    for name in columns:
        if isinstance(model._meta.get_field(name), models.DateTimeField):
            frame[name] = pd.to_datetime(frame[name], utc=True).dt.tz_convert(LONDON)
    return frame


@pytest.fixture
def owner():
    org = services.organisation_ensure(name="Test Police", sector=Sector.POLICE)
    partnership, _ = services.partnership_create(slug="bulk-csp", name="Bulk CSP", kind="csp",
                                                 with_seats=False)

    def extract(name: str) -> Extract:
        return Extract.objects.create(partnership=partnership, organisation=org,
                                      source="police_occurrences", filename=name, size=1)
    return org, extract


def stored(model, extract) -> list[tuple]:
    names = [f.name for f in model._meta.concrete_fields if f.name not in {"id", "extract"}]
    return list(model.objects.filter(extract=extract).order_by("id").values_list(*names))


@pytest.mark.parametrize("source", sorted(LOADERS))
def test_binary_copy_stores_what_csv_copy_stores(source, owner, monkeypatch):
    org, new_extract = owner
    model = LOADERS[source].model
    loader = LOADERS[source]
    columns = list(dict.fromkeys([*loader.columns, *PLACEMENT_COLUMNS[: 3 * loader.placed]]))
    frame = frame_for(model, columns)
    as_binary, as_csv = new_extract("binary.csv"), new_extract("csv.csv")
    assert copy_format.binary(model, frame.assign(extract=1, organisation=1)) is not None
    with transaction.atomic():
        bulk.insert_frame(model, frame.assign(extract=as_binary.pk, organisation=org.pk))
    monkeypatch.setattr(copy_format, "binary", lambda model, frame: None)
    with transaction.atomic():
        bulk.insert_frame(model, frame.assign(extract=as_csv.pk, organisation=org.pk))
    binary_rows, csv_rows = stored(model, as_binary), stored(model, as_csv)
    assert len(binary_rows) == ROWS
    assert binary_rows == csv_rows


def test_binary_copy_keeps_text_that_csv_copy_would_read_as_null(owner):
    org, new_extract = owner
    extract = new_extract("null-text.csv")
    frame = occurrences(extract, org, ["n1"]).assign(beat="\\N")
    with transaction.atomic():
        bulk.insert_frame(PoliceOccurrence, frame)
    assert PoliceOccurrence.objects.get(extract=extract).beat == "\\N"


def occurrences(extract, org, refs) -> pd.DataFrame:
    frame = frame_for(PoliceOccurrence, [*LOADERS["police_occurrences"].columns,
                                         *PLACEMENT_COLUMNS])
    frame = frame.iloc[: len(refs)].assign(occurrence_ref=refs)
    return frame.assign(extract=extract.pk, organisation=org.pk)


def test_the_writer_inserts_and_deletes_in_order(owner):
    org, new_extract = owner
    extract = new_extract("streamed.csv")
    with transaction.atomic(), bulk.Writer(PoliceOccurrence) as writer:
        assert writer.threaded
        writer.insert(occurrences(extract, org, ["a", "b", "c"]))
        writer.delete({"extract": extract.pk}, "occurrence_ref", ["b"])  # "b" comes again
        writer.insert(occurrences(extract, org, ["b", "d"]))
    refs = PoliceOccurrence.objects.filter(extract=extract).order_by("id")
    assert list(refs.values_list("occurrence_ref", flat=True)) == ["a", "c", "b", "d"]


def test_a_failure_in_the_writer_reaches_the_caller_and_nothing_is_kept(owner):
    org, new_extract = owner
    extract = new_extract("broken.csv")
    bad = occurrences(extract, org, ["y", "z"]).assign(victim_age=-5)  # not an age
    with pytest.raises(IntegrityError), transaction.atomic(), \
            bulk.Writer(PoliceOccurrence) as writer:  # fmt: skip
        writer.insert(occurrences(extract, org, ["x"]))
        writer.insert(bad)
        writer.drain()
    assert not PoliceOccurrence.objects.exists()
