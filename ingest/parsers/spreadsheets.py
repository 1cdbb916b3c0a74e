"""XLSX and ODS workbooks: zip-bomb guard, sheet choice, header row, frames of strings.

Both formats are zip archives of XML. The guard reads only the archive's central directory
(never decompressing anything) and refuses archives that declare more uncompressed data, or
a higher compression ratio, than a real export has. Python's zipfile never inflates a member
beyond the size its central directory declares, so checking the declared sizes is enough to
bound what openpyxl and odfpy will later decompress.
"""

import datetime as dt
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from .errors import ReadError, describe_rows
from .headers import HEADER_SEARCH_ROWS, clean_column_names, find_header_row, is_blank_row

MAX_LISTED_ROWS = 20
ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"


@dataclass(frozen=True)
class ZipLimits:
    max_uncompressed_bytes: int
    max_ratio: float
    ratio_floor_bytes: int  # members smaller than this are not ratio-checked
    max_members: int


def _bomb(message: str, **details: Any) -> ReadError:
    return ReadError(
        "zip_bomb",
        f"The spreadsheet was not opened because it {message}. This happens with damaged "
        "or deliberately malicious files; save it again from your spreadsheet program, or "
        "export the sheet as CSV, and upload that.",
        details,
    )


def check_zip(archive: zipfile.ZipFile, limits: ZipLimits) -> None:
    members = archive.infolist()
    if len(members) > limits.max_members:
        raise _bomb("holds too many parts", members=len(members))
    total = sum(m.file_size for m in members)
    packed = sum(m.compress_size for m in members)
    if total > limits.max_uncompressed_bytes:
        raise _bomb("would expand to more data than the limit", uncompressed_bytes=total)
    for member in members:
        if member.flag_bits & 0x1:
            raise ReadError(
                "unreadable",
                "The spreadsheet is password-protected. Remove the password and upload it again.",
            )
        if member.file_size > limits.ratio_floor_bytes:
            ratio = member.file_size / max(member.compress_size, 1)
            if ratio > limits.max_ratio:
                raise _bomb("is compressed far more than a real spreadsheet", ratio=round(ratio))
    if total > limits.ratio_floor_bytes and total / max(packed, 1) > limits.max_ratio:
        raise _bomb("is compressed far more than a real spreadsheet", ratio=round(total / packed))


def open_archive(path: Path) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as error:
        raise ReadError(
            "unreadable",
            "The spreadsheet is damaged and cannot be opened. Save it again and upload it.",
        ) from error


def archive_kind(archive: zipfile.ZipFile) -> str:
    names = set(archive.namelist())
    if "mimetype" in names and archive.read("mimetype").strip() == ODS_MIMETYPE:
        return "ods"
    if "xl/workbook.xml" in names:
        return "xlsx"
    raise ReadError(
        "unreadable",
        "The file is a zip archive but not an .xlsx or .ods spreadsheet (an .xlsb or a "
        "zipped folder?). Save the data as .xlsx, .ods or CSV and upload that.",
    )


def cell_text(value: Any) -> str:
    """A cell as the text a user would see, without spreadsheet float noise."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        if pd.isna(value):
            return ""
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value)


def choose_sheet(names: list[str], sheet: str | None) -> str:
    if sheet is not None:
        if sheet not in names:
            raise ReadError(
                "sheet_not_found",
                f"The workbook has no sheet called {sheet!r}. Choose one of: {', '.join(names)}.",
                {"sheets": names},
            )
        return sheet
    if len(names) > 1:
        raise ReadError(
            "several_sheets",
            f"The workbook has {len(names)} sheets ({', '.join(names)}). Choose the sheet "
            "that holds the data.",
            {"sheets": names},
        )
    if not names:
        raise ReadError("empty_file", "The workbook has no sheets with data in them.")
    return names[0]


def _xlsx_rows(path: Path, sheet: str | None) -> tuple[str, Iterator[list[str]]]:
    import openpyxl

    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    visible = [ws.title for ws in book.worksheets if ws.sheet_state == "visible"]
    # Hidden sheets (lookups, pivot caches) are not offered, but can be chosen by name.
    all_names = [ws.title for ws in book.worksheets]
    name = choose_sheet(all_names if sheet in all_names else visible, sheet)

    def rows() -> Iterator[list[str]]:
        try:
            worksheet = book[name]
            worksheet.reset_dimensions()  # some writers record a wrong sheet size
            for values in worksheet.iter_rows(values_only=True):
                yield [cell_text(v) for v in values]
        finally:
            book.close()

    return name, rows()


def _ods_rows(path: Path, sheet: str | None) -> tuple[str, Iterator[list[str]]]:
    try:
        with pd.ExcelFile(path, engine="odf") as book:
            name = choose_sheet([str(n) for n in book.sheet_names], sheet)
            frame = pd.read_excel(book, sheet_name=name, header=None, dtype=object)
    except ImportError as error:  # odfpy is an optional dependency
        raise ReadError(
            "unreadable",
            "This server cannot read .ods spreadsheets yet. "
            "Save the sheet as .xlsx or CSV and upload that.",
        ) from error
    return name, ([cell_text(v) for v in row] for row in frame.itertuples(index=False))


def sheet_rows(path: Path, kind: str, sheet: str | None) -> tuple[str, Iterator[list[str]]]:
    return _xlsx_rows(path, sheet) if kind == "xlsx" else _ods_rows(path, sheet)


def _trimmed(row: list[str]) -> list[str]:
    end = len(row)
    while end and not row[end - 1].strip():
        end -= 1
    return row[:end]


@dataclass(frozen=True)
class SheetLayout:
    header_row: int  # 1-based row number within the sheet
    columns: list[str]


def split_header(
    rows: Iterator[list[str]],
) -> tuple[SheetLayout, list[list[str]], Iterator[list[str]]]:
    """Find the header among the first non-blank rows; return it, the buffered data rows
    already read past it, and the rest of the row iterator."""
    seen: list[tuple[int, list[str]]] = []  # (sheet row number, cells) of non-blank rows
    for number, row in enumerate(rows, start=1):
        if not is_blank_row(row):
            seen.append((number, _trimmed(row)))
            if len(seen) >= HEADER_SEARCH_ROWS:
                break
    if not seen:
        raise ReadError("empty_file", "The sheet is empty. Choose the sheet with your data in it.")
    index = find_header_row([cells for _, cells in seen])
    if index is None:
        raise ReadError(
            "no_header",
            "No row of column headings was found near the top of the sheet. Add a header "
            "row naming each column above the data and upload it again.",
        )
    number, cells = seen[index]
    layout = SheetLayout(number, clean_column_names(cells))
    return layout, [cells for _, cells in seen[index + 1 :]], rows


def _frame(rows: list[list[str]], columns: list[str], start: int) -> pd.DataFrame:
    width = len(columns)
    padded = [row + [""] * (width - len(row)) for row in rows]
    data = {name: [row[i] for row in padded] for i, name in enumerate(columns)}
    index = pd.RangeIndex(start, start + len(rows), name="row")
    return pd.DataFrame(data, index=index, dtype=str)


def iter_sheet_frames(
    layout: SheetLayout,
    buffered: list[list[str]],
    rest: Iterator[list[str]],
    chunk_rows: int | None,
) -> Iterator[pd.DataFrame]:
    """Frames of data rows, numbered from 1 under the header, blank rows skipped.

    A value to the right of the last heading is refused as a ragged row rather than
    dropped: it has no column name to be checked or mapped under (it could be anything,
    personal data included). The error is raised when the sheet ends, so the caller must
    treat a raise at any point of the iteration as a failed read.
    """
    width, batch, number = len(layout.columns), [], 0
    ragged: list[int] = []
    ragged_total = 0

    def data_rows() -> Iterator[list[str]]:
        yield from buffered
        yield from rest

    for row in data_rows():
        if is_blank_row(row):
            continue
        number += 1
        cells = _trimmed(row)
        if len(cells) > width:
            ragged_total += 1
            if len(ragged) < MAX_LISTED_ROWS:
                ragged.append(number)
        batch.append(cells[:width])
        if chunk_rows and len(batch) >= chunk_rows:
            yield _frame(batch, layout.columns, number - len(batch) + 1)
            batch = []
    if number == 0:
        raise ReadError(
            "header_only",
            "The sheet has column headings but no data rows. "
            "Export the data as well as the headings.",
        )
    if ragged_total:
        raise ReadError(
            "ragged_rows",
            f"Data {describe_rows(ragged, ragged_total)} have values to the right of the last "
            f"of the {width} column headings. Give those columns a heading or delete the "
            "values, then upload the file again.",
            {"rows": ragged, "row_count": ragged_total, "expected_fields": width},
        )
    if batch:
        yield _frame(batch, layout.columns, number - len(batch) + 1)
