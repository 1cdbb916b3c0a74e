"""Delimited text: encoding, separator, header row, ragged rows, then pandas in chunks.

Reading a CSV takes three passes, each bounded in memory:
  1. `probe_text` decodes the whole file strictly (UTF-8 with or without BOM, else
     Windows-1252) so an encoding problem is reported before anything is parsed;
  2. `check_rows` counts the fields of every record so a short or long row is reported
     with its number. pandas cannot do this for us: it silently pads a short row with
     blanks (an export cut off mid-row would load with its last fields empty). The count
     is vectorised (csv_fields.py), with the csv module for quoting only it reads exactly;
  3. `iter_frames` parses with the pandas C engine, `chunk_rows` records at a time.

Row numbers everywhere are DATA row numbers: 1 is the first non-blank record under the
header row. Blank lines are skipped, as pandas skips them.
"""

import codecs
import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from . import csv_fields
from .errors import ReadError, describe_rows
from .headers import clean_column_names, find_header_row, is_blank_row

DELIMITERS = (",", ";", "\t", "|")
DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}
SAMPLE_BYTES = 64 * 1024
SAMPLE_RECORDS = 200
BLOCK_BYTES = 4 * 1024 * 1024
MAX_LISTED_ROWS = 20


@dataclass(frozen=True)
class TextProbe:
    encoding: str  # "utf-8", "utf-8-sig" (had a byte-order mark) or "cp1252"
    has_quotes: bool
    sample: str  # the start of the file, decoded, cut at a line end


@dataclass(frozen=True)
class Layout:
    delimiter: str
    skip_records: int  # records (blank ones included) up to and including the header
    header_row: int  # 1-based position of the header among non-blank records
    columns: list[str]


def _decodes(path: Path, encoding: str) -> tuple[bool, bool, bool]:
    """(decodes strictly, contains a double quote, contains non-blank text)."""
    decoder = codecs.getincrementaldecoder(encoding)("strict")
    quotes = text = False
    with path.open("rb") as handle:
        while block := handle.read(BLOCK_BYTES):
            if b"\x00" in block:
                # NUL bytes mean a binary file (an .xls renamed .csv, UTF-16 text...).
                raise ReadError(
                    "unreadable",
                    "The file is not a text CSV. Save it as 'CSV UTF-8' (or as .xlsx) "
                    "and upload it again.",
                )
            try:
                chunk = decoder.decode(block)
            except UnicodeDecodeError:
                return False, False, False
            quotes = quotes or '"' in chunk
            text = text or bool(chunk.strip())
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False, False, False
    return True, quotes, text


def probe_text(path: Path) -> TextProbe:
    for encoding in ("utf-8-sig", "cp1252"):
        ok, quotes, text = _decodes(path, encoding)
        if ok:
            break
    else:
        raise ReadError(
            "unreadable",
            "The file's text is neither UTF-8 nor Windows-1252. Save it as 'CSV UTF-8' "
            "and upload it again.",
        )
    if not text:
        raise ReadError("empty_file", "The file is empty. Choose the file with your data in it.")
    with path.open("rb") as handle:
        head = handle.read(SAMPLE_BYTES + 1)
    if encoding == "utf-8-sig" and not head.startswith(codecs.BOM_UTF8):
        encoding = "utf-8"
    if len(head) > SAMPLE_BYTES and b"\n" in head:
        head = head[: head.rindex(b"\n") + 1]  # whole lines only; \n is one byte in both codecs
    return TextProbe(encoding, quotes, head.decode(encoding, errors="replace"))


def _sample_records(sample: str, delimiter: str) -> list[list[str]]:
    reader = csv.reader(io.StringIO(sample), delimiter=delimiter)
    records: list[list[str]] = []
    try:
        for row in reader:
            records.append(row)
            if len(records) >= SAMPLE_RECORDS:
                break
    except csv.Error:
        pass  # a quoted field cut by the end of the sample: judge on what we have
    return records


@dataclass(frozen=True)
class _Shape:
    delimiter: str
    width: int  # fields in the header row
    share: float  # share of sampled data rows with exactly `width` fields
    header_position: int | None  # index of the header among all sampled records

    @property
    def plausible(self) -> bool:
        # A majority, not all: ragged rows get their own, more precise error later.
        return self.header_position is not None and self.width >= 2 and self.share > 0.5


def _shape(sample: str, delimiter: str) -> _Shape:
    records = _sample_records(sample, delimiter)
    positions = [i for i, row in enumerate(records) if not is_blank_row(row)]
    header = find_header_row([records[i] for i in positions])
    if header is None:
        return _Shape(delimiter, 0, 0.0, None)
    width = len(records[positions[header]])
    data = [records[i] for i in positions[header + 1 :]]
    share = sum(len(row) == width for row in data) / len(data) if data else 1.0
    return _Shape(delimiter, width, share, positions[header])


def _sniffed(sample: str) -> str | None:
    try:
        return (
            csv.Sniffer().sniff("\n".join(sample.splitlines()[:50]), "".join(DELIMITERS)).delimiter
        )
    except csv.Error:
        return None


def _choose_shape(sample: str, delimiter: str | None) -> _Shape:
    if delimiter is not None:
        return _shape(sample, delimiter)
    shapes = {d: _shape(sample, d) for d in DELIMITERS}
    sniffed = _sniffed(sample)
    # csv.Sniffer is right most of the time but guesses on odd files; keep its answer
    # only when the rows it implies are mostly the header's width.
    if sniffed in shapes and shapes[sniffed].plausible:
        return shapes[sniffed]
    plausible = [s for s in shapes.values() if s.plausible]
    if plausible:
        return max(plausible, key=lambda s: (s.share, s.width))
    return _shape(sample, ",")  # a one-column file, or one whose separator we cannot tell


def _first_line(sample: str) -> str:
    return next((line for line in sample.splitlines() if line.strip()), "")


def _split_count(line: str, delimiter: str) -> int:
    return len(next(csv.reader([line], delimiter=delimiter), []))


def _header_uses_another_separator(sample: str, shape: _Shape) -> list[str]:
    """Separators other than the chosen one that occur in the first line. They matter when
    the table has one column, or when the first line was skipped as a title although
    another separator splits it into exactly the table's columns (a header written with
    ';' above rows written with ',')."""
    first = _first_line(sample)
    others = [d for d in DELIMITERS if d != shape.delimiter and d in first]
    records = _sample_records(sample, shape.delimiter)
    first_position = next((i for i, r in enumerate(records) if not is_blank_row(r)), 0)
    if shape.width <= 1:
        return others
    if shape.header_position != first_position:
        return [d for d in others if _split_count(first, d) == shape.width]
    return []


def _bad_delimiter(sample: str, shape: _Shape, chosen: str | None) -> ReadError | None:
    others = [DELIMITER_NAMES[d] for d in _header_uses_another_separator(sample, shape)]
    if not others:
        return None
    used = f"the {DELIMITER_NAMES[chosen]} separator you chose" if chosen else "any one separator"
    return ReadError(
        "bad_delimiter",
        f"The columns could not be split with {used}: the header row has "
        f"{', '.join(others)} characters in it but the rows do not match it. Save the "
        "file as CSV with one separator (comma) throughout and upload it again.",
        {"found": others},
    )


def detect_layout(probe: TextProbe, delimiter: str | None = None) -> Layout:
    shape = _choose_shape(probe.sample, delimiter)
    if (error := _bad_delimiter(probe.sample, shape, delimiter)) is not None:
        raise error
    if shape.header_position is None:
        raise ReadError(
            "no_header",
            "No row of column headings was found near the top of the file. Add a header "
            "row naming each column above the data and upload it again.",
        )
    records = _sample_records(probe.sample, shape.delimiter)
    header_cells = records[shape.header_position]
    header_row = sum(not is_blank_row(r) for r in records[: shape.header_position + 1])
    return Layout(
        shape.delimiter, shape.header_position + 1, header_row, clean_column_names(header_cells)
    )


@dataclass
class RowCheck:
    data_rows: int
    ragged: list[int]  # the first MAX_LISTED_ROWS ragged data row numbers
    ragged_total: int


def _count_fields_csv(path: Path, layout: Layout, encoding: str) -> Iterator[int | None]:
    with path.open(encoding=encoding, newline="") as handle:
        for number, row in enumerate(csv.reader(handle, delimiter=layout.delimiter)):
            if number >= layout.skip_records:
                # Blank as pandas sees it: an empty or whitespace-only line (",,," is a row).
                yield None if len(row) <= 1 and not "".join(row).strip() else len(row)


def check_rows(path: Path, probe: TextProbe, layout: Layout) -> RowCheck:
    """Count the data rows and find those with another number of fields than the header."""
    skip, width = layout.skip_records, len(layout.columns)
    if not probe.has_quotes and "\n" in probe.sample:
        counts = csv_fields.line_counts(path, layout.delimiter, skip)
    else:
        counts = csv_fields.record_counts(path, layout.delimiter, skip)
    if counts is None:  # quoting that only the csv module reads exactly
        return _check_counts(_count_fields_csv(path, layout, probe.encoding), width)
    fields = counts[counts != csv_fields.BLANK]
    ragged = np.flatnonzero(fields != width) + 1  # data row numbers
    return RowCheck(len(fields), ragged[:MAX_LISTED_ROWS].tolist(), len(ragged))


def _check_counts(counts: Iterator[int | None], width: int) -> RowCheck:
    result = RowCheck(0, [], 0)
    for count in counts:
        if count is None:
            continue
        result.data_rows += 1
        if count != width:
            result.ragged_total += 1
            if len(result.ragged) < MAX_LISTED_ROWS:
                result.ragged.append(result.data_rows)
    return result


def raise_for_rows(check: RowCheck, width: int) -> None:
    if check.data_rows == 0:
        raise ReadError(
            "header_only",
            "The file has column headings but no data rows. "
            "Export the data as well as the headings.",
        )
    if check.ragged_total:
        raise ReadError(
            "ragged_rows",
            f"Data {describe_rows(check.ragged, check.ragged_total)} do not have the "
            f"{width} fields of the header row. The file may have been cut short or have a "
            "stray separator in a value (put such values in double quotes); fix or re-export "
            "it and upload it again.",
            {"rows": check.ragged, "row_count": check.ragged_total, "expected_fields": width},
        )


def _numbered(frames: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
    start = 1
    for frame in frames:
        frame.index = pd.RangeIndex(start, start + len(frame), name="row")
        start += len(frame)
        yield frame


def iter_frames(
    path: Path, probe: TextProbe, layout: Layout, chunk_rows: int | None
) -> Iterator[pd.DataFrame]:
    """DataFrames of strings ("" for blank), indexed by 1-based data row number."""
    options = {
        "sep": layout.delimiter,
        "header": None,
        "names": layout.columns,
        "skiprows": layout.skip_records,
        "dtype": str,
        "na_filter": False,  # a blank stays "", never NaN; "NA" stays the text "NA"
        "index_col": False,
        "encoding": probe.encoding,
        "quotechar": '"',
        "skip_blank_lines": True,
        "engine": "c",
    }
    try:
        if chunk_rows is None:
            yield from _numbered(iter([pd.read_csv(path, **options)]))
            return
        with pd.read_csv(path, chunksize=chunk_rows, **options) as reader:
            yield from _numbered(reader)
    except pd.errors.ParserError as error:
        # check_rows has already matched every record to the header, so this is a
        # quoting problem the csv module tolerated and pandas did not.
        raise ReadError(
            "unreadable",
            "The file could not be read as CSV: check that every double quote that opens "
            "a value also closes it, then upload it again.",
        ) from error
