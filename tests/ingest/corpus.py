"""Builders for the corpus of bad (and awkward) upload files, written into tmp_path.

Each builder writes a real file the way a user's tool would (openpyxl, odfpy, raw bytes),
so the reader is tested on files, not on DataFrames.
"""

import io
import zipfile
from pathlib import Path

import openpyxl

STREET_HEADER = (
    "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,"
    "LSOA code,LSOA name,Crime type,Last outcome category,Context"
)


def write_text(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def write_xlsx(
    path: Path, sheets: dict[str, list[list[object]]], hidden: tuple[str, ...] = ()
) -> Path:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
        if name in hidden:
            sheet.sheet_state = "hidden"
    book.save(path)
    return path


def write_xlsx_bomb(path: Path, padding_bytes: int = 64 * 1024 * 1024) -> Path:
    """A valid workbook whose sheet XML is ~64 MB of whitespace: it compresses ~1000:1.

    Whitespace between elements is legal XML, so without the guard openpyxl would happily
    parse it; a real bomb would repeat rows instead, to the same effect.
    """
    plain = io.BytesIO()
    write_xlsx_to(plain, {"data": [["Month", "Count"], ["2023-04", 1]]})
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as bomb:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                marker = b"<sheetData>"
                data = data.replace(marker, marker + b" " * padding_bytes, 1)
            bomb.writestr(item, data, compress_type=zipfile.ZIP_DEFLATED)
    return path


def write_xlsx_to(target: io.BytesIO, sheets: dict[str, list[list[object]]]) -> None:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    book.save(target)
    target.seek(0)


def write_ods(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    import pandas as pd

    with pd.ExcelWriter(path, engine="odf") as writer:
        for name, rows in sheets.items():
            pd.DataFrame(rows).to_excel(writer, sheet_name=name, header=False, index=False)
    return path


def street_row(
    crime_id: str = "a" * 64,
    month: str = "2023-04",
    crime_type: str = "Violence and sexual offences",
    outcome: str = "Under investigation",
    lsoa_code: str = "E01014399",
    location: str = "On or near Lincoln Close",
    longitude: str = "-2.513516",
    latitude: str = "51.408799",
) -> str:
    force = "Avon and Somerset Constabulary"
    lsoa_name = "Bath and North East Somerset 001A" if lsoa_code else ""
    return ",".join(
        [crime_id, month, force, force, longitude, latitude, location, lsoa_code, lsoa_name,
         crime_type, outcome, ""]
    )  # fmt: skip


def street_csv(path: Path, rows: list[str]) -> Path:
    return write_text(path, "\n".join([STREET_HEADER, *rows]) + "\n")
