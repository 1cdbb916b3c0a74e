"""Turn an uploaded file into DataFrames of strings, or fail with one clear ReadError.

    table = read_table(path)                      # small files: one DataFrame
    stream = open_table(path, chunk_rows=100_000)  # large files: an iterator of DataFrames
    for frame in stream: ...                       # stream.info says how it was read

Every value is a string ("" for a blank cell): typing belongs to the source's parser, which
knows what a column means. Frames are indexed by DATA row number (1 = the first non-blank
row under the header), the number every message and validation report uses.

The kind of file is decided by its first bytes, not its name: a zip archive is an XLSX or
ODS workbook, an OLE2 file is a legacy .xls (refused with advice), anything else is read as
delimited text. All checks that can fail before parsing (size, zip bomb, encoding, header,
ragged rows in CSV) run when the table is opened, before any frame is produced.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from . import csv_text, spreadsheets
from .errors import READ_ERROR_CODES, ReadError

__all__ = [
    "READ_ERROR_CODES",
    "ReadError",
    "ReadLimits",
    "Table",
    "TableInfo",
    "TableStream",
    "coded",
    "open_table",
    "read_table",
]

MIB = 1024 * 1024
DEFAULT_CHUNK_ROWS = 100_000
CODED_SAMPLE = 10_000  # values looked at to tell a column of mostly distinct values


@dataclass(frozen=True)
class ReadLimits:
    """Limits on what an upload may cost to read. Defaults fit a 1,000,000-row extract.

    A real XLSX sheet compresses about 8 to 15 times; a zip bomb about 1,000 times.
    """

    max_bytes: int = 512 * MIB
    max_uncompressed_bytes: int = 1024 * MIB
    max_compression_ratio: float = 100.0
    ratio_floor_bytes: int = 1 * MIB  # small parts (styles, themes) may compress very well
    max_zip_members: int = 10_000

    def zip_limits(self) -> spreadsheets.ZipLimits:
        return spreadsheets.ZipLimits(
            self.max_uncompressed_bytes,
            self.max_compression_ratio,
            self.ratio_floor_bytes,
            self.max_zip_members,
        )


@dataclass(frozen=True)
class TableInfo:
    format: str  # "csv", "xlsx" or "ods"
    columns: list[str]
    header_row: int  # 1-based: the sheet row, or for CSV the non-blank record number
    encoding: str | None = None  # CSV: "utf-8", "utf-8-sig" or "cp1252"
    delimiter: str | None = None  # CSV only
    sheet: str | None = None  # workbooks only
    rows: int | None = None  # data rows, where known before reading them (CSV)


class TableStream:
    """An opened table: `info` now, the data as DataFrames when iterated (once)."""

    def __init__(self, info: TableInfo, frames: Iterator[pd.DataFrame]):
        self.info = info
        self._frames = frames

    def __iter__(self) -> Iterator[pd.DataFrame]:
        return self._frames


@dataclass
class Table:
    info: TableInfo
    frame: pd.DataFrame


def _check_size(path: Path, limits: ReadLimits) -> None:
    size = path.stat().st_size
    if size == 0:
        raise ReadError("empty_file", "The file is empty. Choose the file with your data in it.")
    if size > limits.max_bytes:
        raise ReadError(
            "too_large",
            f"The file is {size / MIB:.1f} MB, over the {limits.max_bytes / MIB:.0f} MB limit. "
            "Split it into smaller files (for example one per quarter) and upload each.",
            {"bytes": size, "max_bytes": limits.max_bytes},
        )


def _sniff_container(path: Path) -> str:
    with path.open("rb") as handle:
        head = handle.read(8)
    if head.startswith(b"PK\x03\x04"):
        return "zip"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        # OLE2: a legacy .xls workbook, or an .xlsx encrypted with a password.
        raise ReadError(
            "unreadable",
            "The file is an old-style .xls workbook or is password-protected. Save it as "
            ".xlsx or CSV without a password and upload that.",
        )
    return "text"


def _open_csv(path: Path, delimiter: str | None, chunk_rows: int | None) -> TableStream:
    probe = csv_text.probe_text(path)
    layout = csv_text.detect_layout(probe, delimiter)
    check = csv_text.check_rows(path, probe, layout)
    csv_text.raise_for_rows(check, len(layout.columns))
    info = TableInfo(
        "csv",
        layout.columns,
        layout.header_row,
        probe.encoding,
        layout.delimiter,
        rows=check.data_rows,
    )
    return TableStream(info, csv_text.iter_frames(path, probe, layout, chunk_rows))


def _open_workbook(
    path: Path, sheet: str | None, limits: ReadLimits, chunk_rows: int | None
) -> TableStream:
    with spreadsheets.open_archive(path) as archive:
        spreadsheets.check_zip(archive, limits.zip_limits())
        kind = spreadsheets.archive_kind(archive)
    name, rows = spreadsheets.sheet_rows(path, kind, sheet)
    layout, buffered, rest = spreadsheets.split_header(rows)
    info = TableInfo(kind, layout.columns, layout.header_row, sheet=name)
    frames = spreadsheets.iter_sheet_frames(layout, buffered, rest, chunk_rows)
    return TableStream(info, frames)


def open_table(
    path: str | Path,
    *,
    sheet: str | None = None,
    delimiter: str | None = None,
    limits: ReadLimits | None = None,
    chunk_rows: int | None = DEFAULT_CHUNK_ROWS,
) -> TableStream:
    """Open an upload for reading in chunks of `chunk_rows` rows (None: one frame).

    `delimiter` forces the CSV separator instead of detecting it; `sheet` chooses a
    workbook sheet (required when a workbook has several visible sheets).
    """
    path, limits = Path(path), limits or ReadLimits()
    _check_size(path, limits)
    if _sniff_container(path) == "zip":
        return _open_workbook(path, sheet, limits, chunk_rows)
    return _open_csv(path, delimiter, chunk_rows)


def read_table(
    path: str | Path,
    *,
    sheet: str | None = None,
    delimiter: str | None = None,
    limits: ReadLimits | None = None,
) -> Table:
    """Read a whole upload into one DataFrame (for files that fit in memory)."""
    stream = open_table(path, sheet=sheet, delimiter=delimiter, limits=limits, chunk_rows=None)
    frames = list(stream)
    return Table(stream.info, frames[0] if len(frames) == 1 else pd.concat(frames))


def coded(frame: pd.DataFrame) -> pd.DataFrame:
    """The same frame with each column that repeats its values as a Categorical of its
    distinct values (in order of first appearance). The personal-data scan and the
    occurrence parser work on a column's distinct values; given a coded frame, they need
    not find them again each. A column of mostly distinct values (references) is left as
    it is: coding it would save nothing."""
    columns = {}
    for name in frame.columns:
        values = frame[name].to_numpy(dtype=object)
        sample = values[:CODED_SAMPLE].tolist()
        if len(set(sample)) > len(sample) / 2:
            columns[name] = frame[name]
        else:
            codes, uniques = pd.factorize(values)
            categories = pd.Index(uniques, dtype=object)
            columns[name] = pd.Categorical.from_codes(codes, categories=categories)
    return pd.DataFrame(columns, index=frame.index)
