"""Reading and parsing in chunks gives what reading and parsing whole files gives: the
ledger of a chunked parse (police_occurrences.ChunkLedger), coded frames (reading.coded),
and the vectorised field count of the ragged-row check (csv_fields)."""

import datetime as dt
import random

import numpy as np
import pandas as pd
import pytest

from ingest import synthetic
from ingest.parsers import csv_fields, csv_text
from ingest.parsers import police_occurrences as po
from ingest.parsers.errors import ReadError
from ingest.parsers.pii import scan_frame
from ingest.parsers.reading import coded, open_table, read_table

from .corpus import write_text

TODAY = dt.date(2024, 6, 1)


@pytest.fixture(scope="module")
def extract() -> pd.DataFrame:
    """1,000 rows with bad rows, and references repeated within and across chunks of 250."""
    places = synthetic.geography({"E06000058": "Bournemouth, Christchurch and Poole"}, 20, 3)
    frame = synthetic.police_occurrences(places, 2022, 1, 1_000, seed=3, bad_rows=12)
    refs = frame["occurrence_ref"]
    frame.loc[[40, 300, 900], "occurrence_ref"] = refs[10]  # kept: row 900
    frame.loc[520, ["occurrence_ref", "offence_code"]] = [refs[260], "105A"]
    frame.loc[600, "occurrence_ref"] = refs[599]  # within one chunk
    return frame.astype(str).replace({"<NA>": "", "nan": ""})


def chunked(frame: pd.DataFrame, rows: int, max_errors: int | None = None):
    ledger = po.ChunkLedger(max_errors=max_errors)
    again = []
    for start in range(0, len(frame), rows):
        again += ledger.add(po.parse(frame.iloc[start:start + rows], today=TODAY))
    return ledger.result(), again


def test_a_chunked_parse_counts_as_the_whole_file(extract):
    whole = po.parse(extract, today=TODAY)
    result, again = chunked(extract, 250)
    assert result.summary == whole.summary
    assert result.summary.duplicates >= 5 and result.summary.rows_rejected > 0
    pd.testing.assert_frame_equal(result.duplicates, whole.duplicates, check_dtype=False)
    pd.testing.assert_frame_equal(result.errors, whole.errors, check_dtype=False)
    kept = result.loaded.set_index("occurrence_ref")["source_row"]
    assert kept[extract.loc[10, "occurrence_ref"]] == 900
    assert sorted(result.loaded["source_row"]) == sorted(whole.records["source_row"])
    # What the caller must remove of what it stored: earlier rows of later references.
    ten, later = extract.loc[10, "occurrence_ref"], extract.loc[260, "occurrence_ref"]
    assert [ref for ref in again if ref in {ten, later}] == [ten, later, ten]  # chunks 2, 3, 4


def test_the_ledger_keeps_the_first_errors_only_when_asked(extract):
    whole = po.parse(extract, today=TODAY)
    result, _again = chunked(extract, 100, max_errors=3)
    pd.testing.assert_frame_equal(result.errors, whole.errors.head(3), check_dtype=False)
    assert result.summary.rows_rejected == whole.summary.rows_rejected


def test_the_ledger_carries_the_callers_columns(extract):
    ledger = po.ChunkLedger()
    for start in (0, 500):
        parsed = po.parse(extract.iloc[start:start + 500], today=TODAY)
        ledger.add(parsed, pd.DataFrame({"half": start}, index=parsed.records.index))
    loaded = ledger.result().loaded
    assert set(loaded["half"]) == {0, 500}
    assert loaded.loc[loaded["source_row"] == 900, "half"].item() == 500


def test_coded_frames_parse_and_scan_as_plain_ones(extract):
    frame = extract.copy()
    frame.loc[77, "offence_description"] = "rang 07700 900123 about it"
    plain, coded_frame = po.parse(frame, today=TODAY), po.parse(coded(frame), today=TODAY)
    pd.testing.assert_frame_equal(coded_frame.records, plain.records)
    pd.testing.assert_frame_equal(coded_frame.errors, plain.errors)
    assert coded_frame.summary == plain.summary
    assert scan_frame(coded(frame)).findings == scan_frame(frame).findings
    assert isinstance(coded(frame)["knife"].dtype, pd.CategoricalDtype)
    assert coded(frame)["occurrence_ref"].dtype == frame["occurrence_ref"].dtype  # all distinct


# --- the field count of the ragged-row check --------------------------------------------------

PIECES = ["a", "b,c", '"x"', '"y,z"', '"q""r"', '"two\nlines"', "", " ", "\t", '""', "é",
          "\xa0", 'ab"c', '"a"b', "2023-04", '"a" ', "\r"]  # fmt: skip


def exact_check(path):
    """The ragged-row check as the csv module alone makes it."""
    probe = csv_text.probe_text(path)
    layout = csv_text.detect_layout(probe)
    counts = csv_text._count_fields_csv(path, layout, probe.encoding)
    if not probe.has_quotes and "\n" in probe.sample:
        with path.open("rb") as handle:
            lines = list(handle)[layout.skip_records:]
        counts = (None if not line.strip() else line.count(layout.delimiter.encode()) + 1
                  for line in lines)
    return csv_text._check_counts(counts, len(layout.columns))


def outcome(check):
    try:
        return check()
    except ReadError as error:
        return error.code


def test_the_vectorised_count_agrees_with_the_csv_module(tmp_path, monkeypatch):
    monkeypatch.setattr(csv_fields, "BLOCK_BYTES", 37)  # records across block boundaries
    rng, compared = random.Random(4), 0
    for trial in range(400):
        width = rng.choice([2, 3])
        lines = [",".join(f"H{i}" for i in range(width))]
        for _ in range(rng.randint(1, 12)):
            fields = width if rng.random() < 0.8 else rng.choice([1, width + 1])
            lines.append(",".join(rng.choice(PIECES) for _ in range(fields)))
        end = rng.choice(["\n", "\r\n"])
        path = write_text(tmp_path / f"f{trial}.csv", end.join(lines) + rng.choice(["", end]))
        found = outcome(lambda path=path: csv_text.check_rows(
            path, csv_text.probe_text(path), csv_text.detect_layout(csv_text.probe_text(path))))
        assert found == outcome(lambda path=path: exact_check(path)), path.read_text()
        compared += not isinstance(found, str)
    assert compared > 300


def test_quoting_the_vectorised_count_cannot_follow_goes_to_the_csv_module(tmp_path):
    path = write_text(tmp_path / "q.csv", 'a,b\nx"y,1\n"z"w,2\n')
    layout = csv_text.detect_layout(csv_text.probe_text(path))
    assert csv_fields.record_counts(path, ",", layout.skip_records) is None
    assert len(read_table(path).frame) == 2


def test_a_large_quoted_file_is_counted_in_blocks(tmp_path):
    rows = [f'{i},"note, {i}",x' for i in range(30_000)]
    path = write_text(tmp_path / "big.csv", "Id,Note,Flag\n" + "\n".join(rows) + "\n")
    counts = csv_fields.record_counts(path, ",", 1)
    assert len(counts) == 30_000 and (counts == 3).all()
    stream = open_table(path, chunk_rows=10_000)
    assert stream.info.rows == 30_000
    assert np.array_equal(pd.concat(list(stream))["Id"].astype(int), np.arange(30_000))
