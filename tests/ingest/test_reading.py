"""reading.py on a corpus of bad and awkward files generated in tmp_path.

Every failure must carry its specific code, and its message must name rows/sheets/columns
but never echo a cell value (a value may be personal data)."""

import pandas as pd
import pytest

from ingest.parsers.errors import READ_ERROR_CODES
from ingest.parsers.reading import ReadError, ReadLimits, open_table, read_table

from .corpus import write_ods, write_text, write_xlsx, write_xlsx_bomb

SECRET = "Zebedee-Quux"  # a value that must never appear in a message


def read_error(path, **options) -> ReadError:
    with pytest.raises(ReadError) as caught:
        table = open_table(path, **options)
        for _ in table:  # spreadsheets report some problems while streaming
            pass
    assert caught.value.code in READ_ERROR_CODES
    assert SECRET not in caught.value.message
    assert caught.value.message.endswith(".")
    return caught.value


# --- empty, header only, too large -------------------------------------------------------


@pytest.mark.parametrize("content", [b"", b"   \n\n", b"\xef\xbb\xbf", b"\xef\xbb\xbf\r\n"])
def test_empty_file(tmp_path, content):
    path = tmp_path / "empty.csv"
    path.write_bytes(content)
    assert read_error(path).code == "empty_file"


def test_header_only_csv(tmp_path):
    path = write_text(tmp_path / "h.csv", "Month,Crime type,Count\n\n")
    error = read_error(path)
    assert error.code == "header_only"
    assert "no data rows" in error.message


def test_header_only_xlsx(tmp_path):
    path = write_xlsx(tmp_path / "h.xlsx", {"data": [["Month", "Crime type"]]})
    assert read_error(path).code == "header_only"


def test_empty_xlsx_sheet(tmp_path):
    path = write_xlsx(tmp_path / "e.xlsx", {"data": []})
    assert read_error(path).code == "empty_file"


def test_over_the_size_limit(tmp_path):
    path = write_text(tmp_path / "big.csv", "a,b\n" + "1,2\n" * 100)
    error = read_error(path, limits=ReadLimits(max_bytes=100))
    assert error.code == "too_large"
    assert error.details["max_bytes"] == 100
    assert read_table(path).frame.shape == (100, 2)  # fine under the default limit


# --- encodings ---------------------------------------------------------------------------


def test_windows_1252_is_read_and_recorded(tmp_path):
    path = write_text(tmp_path / "w.csv", "Place;Cost\nCafé Röyal;£5\n", encoding="cp1252")
    table = read_table(path)
    assert table.info.encoding == "cp1252"
    assert table.info.delimiter == ";"
    assert table.frame.loc[1].tolist() == ["Café Röyal", "£5"]


def test_utf8_with_bom_is_read_and_the_bom_dropped(tmp_path):
    path = write_text(tmp_path / "b.csv", "\ufeffMonth,Place\n2023-04,Café\n")
    table = read_table(path)
    assert table.info.encoding == "utf-8-sig"
    assert table.info.columns == ["Month", "Place"]
    assert table.frame.loc[1, "Place"] == "Café"


def test_plain_utf8_is_recorded(tmp_path):
    table = read_table(write_text(tmp_path / "u.csv", "Month,Place\n2023-04,Café\n"))
    assert table.info.encoding == "utf-8"


def test_neither_utf8_nor_windows_1252(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_bytes(b"Month,Place\n2023-04,\xc3\x81\x81\n")  # 0x81 is undefined in cp1252
    assert read_error(path).code == "unreadable"


@pytest.mark.parametrize(
    "content",
    [
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100,  # legacy .xls / encrypted workbook
        "Month,Place\n".encode("utf-16"),  # Excel "Unicode text": NUL bytes
        b"PK\x03\x04 not really a zip",
    ],
)
def test_files_that_are_not_tables(tmp_path, content):
    path = tmp_path / "upload.csv"
    path.write_bytes(content)
    assert read_error(path).code == "unreadable"


def test_a_zip_that_is_not_a_workbook(tmp_path):
    import zipfile

    path = tmp_path / "folder.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("notes.txt", "hello")
    assert read_error(path).code == "unreadable"


# --- delimiters --------------------------------------------------------------------------


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_delimiter_is_detected(tmp_path, delimiter):
    rows = [
        ["Month", "Crime type", "Count"],
        ["2023-04", "Robbery", "3"],
        ["2023-05", "Drugs", "4"],
    ]
    path = write_text(tmp_path / "d.csv", "\n".join(delimiter.join(r) for r in rows) + "\n")
    table = read_table(path)
    assert table.info.delimiter == delimiter
    assert table.frame.to_dict("records")[1] == {
        "Month": "2023-05",
        "Crime type": "Drugs",
        "Count": "4",
    }


def test_commas_inside_quotes_do_not_fool_detection(tmp_path):
    text = 'Offence;Note\n"Going equipped for stealing, etc";"a, b, c"\n"Bigamy";"x"\n'
    table = read_table(write_text(tmp_path / "q.csv", text))
    assert table.info.delimiter == ";"
    assert table.frame.loc[1, "Offence"] == "Going equipped for stealing, etc"


def test_header_and_rows_with_different_separators(tmp_path):
    path = write_text(
        tmp_path / "mixed.csv", f"Month;Place;Count\n2023-04,{SECRET},3\n2023-05,X,4\n"
    )
    error = read_error(path)
    assert error.code == "bad_delimiter"
    assert "semicolon" in error.message


def test_a_chosen_delimiter_that_is_wrong(tmp_path):
    path = write_text(tmp_path / "semi.csv", f"Month;Place\n2023-04;{SECRET}\n")
    error = read_error(path, delimiter=",")
    assert error.code == "bad_delimiter"
    assert "comma separator you chose" in error.message


def test_a_genuine_single_column_file(tmp_path):
    table = read_table(write_text(tmp_path / "one.csv", "LSOA code\nE01014399\nE01014400\n"))
    assert table.info.columns == ["LSOA code"]
    assert len(table.frame) == 2


# --- ragged rows -------------------------------------------------------------------------


def test_truncated_last_row(tmp_path):
    text = f"Month,Place,Count\n2023-04,{SECRET},3\n2023-05,Bath,4\n2023-06,Ba"
    error = read_error(write_text(tmp_path / "cut.csv", text))
    assert error.code == "ragged_rows"
    assert error.details == {"rows": [3], "row_count": 1, "expected_fields": 3}
    assert "row 3" in error.message


def test_extra_and_missing_fields_are_all_listed(tmp_path):
    rows = ["2023-04,A,1"] * 30
    rows[4] = "2023-04,A,1,extra"
    rows[9] = "2023-04,A"
    for i in range(10, 30):
        rows[i] = f"2023-04,{SECRET}"  # 20 more short rows
    error = read_error(write_text(tmp_path / "r.csv", "Month,Place,Count\n" + "\n".join(rows)))
    assert error.code == "ragged_rows"
    assert error.details["row_count"] == 22
    assert error.details["rows"][:3] == [5, 10, 11]
    assert len(error.details["rows"]) == 20  # capped
    assert "and 2 more" in error.message


def test_ragged_row_in_a_quoted_file_uses_the_csv_module_path(tmp_path):
    text = 'Month,Place,Count\n"2023-04","Bath, Somerset",1\n"2023-05","Bath"\n'
    error = read_error(write_text(tmp_path / "rq.csv", text))
    assert error.code == "ragged_rows"
    assert error.details["rows"] == [2]


def test_blank_lines_are_skipped_and_not_counted(tmp_path):
    text = "Month,Count\n\n2023-04,1\n\n\n2023-05,2\r\n   \n2023-06,3\n"
    frame = read_table(write_text(tmp_path / "blank.csv", text)).frame
    assert frame.index.tolist() == [1, 2, 3]
    assert frame["Count"].tolist() == ["1", "2", "3"]


def test_quoted_newlines_stay_in_one_value(tmp_path):
    text = 'Id,Note\n1,"line one\nline two"\n2,plain\n'
    frame = read_table(write_text(tmp_path / "nl.csv", text)).frame
    assert frame.loc[1, "Note"] == "line one\nline two"
    assert frame.index.tolist() == [1, 2]


# --- values stay text --------------------------------------------------------------------


def test_values_are_strings_exactly_as_written(tmp_path):
    text = "Code,Count,Missing,Offence\n007,NA,,4.10\n"
    frame = read_table(write_text(tmp_path / "v.csv", text)).frame
    assert frame.loc[1].tolist() == ["007", "NA", "", "4.10"]
    assert all(dtype == "str" for dtype in frame.dtypes)


def test_blank_and_repeated_headings_are_named(tmp_path):
    text = ",Date,Date,\n0,2023-04-01,2023-04-02,x\n"
    table = read_table(write_text(tmp_path / "names.csv", text))
    assert table.info.columns == ["Column 1", "Date", "Date (2)", "Column 4"]


# --- header row detection ----------------------------------------------------------------


def test_csv_title_rows_above_the_header_are_skipped(tmp_path):
    text = (
        "Table 3: recorded crime by force\nSource: Home Office\n\n"
        "Force,Offence,Count\nDorset,8N,12\n"
    )
    table = read_table(write_text(tmp_path / "t.csv", text))
    assert table.info.columns == ["Force", "Offence", "Count"]
    assert table.info.header_row == 3
    assert table.frame.loc[1].tolist() == ["Dorset", "8N", "12"]


def test_numeric_year_headings_are_a_header(tmp_path):
    text = "LSOA11CD,Sex,2016,2017\nE01031349,Male,76,80\n"
    assert read_table(write_text(tmp_path / "y.csv", text)).info.columns[2] == "2016"


def test_no_header_row(tmp_path):
    text = "1,2,3\n4,5,6\n7,8,9\n"
    assert read_error(write_text(tmp_path / "nh.csv", text)).code == "no_header"


def test_xlsx_title_and_blank_rows_above_the_header(tmp_path):
    rows = [
        ["Police recorded crime, Dorset, 2017/18"],
        [],
        ["Force", "Quarter", "Offence code", "Count"],
        ["Dorset", "Q1", "8N", 12],
        [None, None, None, None],
        ["Dorset", "Q2", "105A", 30.0],
    ]
    table = read_table(write_xlsx(tmp_path / "t.xlsx", {"Table 3": rows}))
    assert table.info.header_row == 3
    assert table.info.sheet == "Table 3"
    assert table.frame.to_dict("records") == [
        {"Force": "Dorset", "Quarter": "Q1", "Offence code": "8N", "Count": "12"},
        {"Force": "Dorset", "Quarter": "Q2", "Offence code": "105A", "Count": "30"},
    ]


def test_xlsx_cells_become_the_text_a_user_sees(tmp_path):
    import datetime as dt

    rows = [
        ["Reference", "Longitude", "Date", "When", "Flag"],
        [1234567890, -2.513516, dt.datetime(2023, 4, 1), dt.datetime(2023, 4, 1, 22, 15), True],
    ]
    frame = read_table(write_xlsx(tmp_path / "c.xlsx", {"data": rows})).frame
    assert frame.loc[1].tolist() == [
        "1234567890",
        "-2.513516",
        "2023-04-01",
        "2023-04-01 22:15:00",
        "TRUE",
    ]


def test_xlsx_values_beyond_the_last_heading(tmp_path):
    rows = [["Month", "Count"], ["2023-04", 1], ["2023-05", 2, SECRET]]
    error = read_error(write_xlsx(tmp_path / "wide.xlsx", {"data": rows}))
    assert error.code == "ragged_rows"
    assert error.details["rows"] == [2]


# --- workbooks: sheets and zip bombs -----------------------------------------------------


def test_several_sheets_and_none_chosen(tmp_path):
    sheets = {
        "Notes": [["About", "this"], ["x", "y"]],
        "Data": [["Month", "Count"], ["2023-04", 1]],
    }
    path = write_xlsx(tmp_path / "two.xlsx", sheets)
    error = read_error(path)
    assert error.code == "several_sheets"
    assert error.details["sheets"] == ["Notes", "Data"]
    assert "Notes" in error.message and "Data" in error.message
    table = read_table(path, sheet="Data")
    assert table.info.sheet == "Data"
    assert table.frame.loc[1].tolist() == ["2023-04", "1"]


def test_a_chosen_sheet_that_does_not_exist(tmp_path):
    path = write_xlsx(tmp_path / "one.xlsx", {"Data": [["Month", "Count"], ["2023-04", 1]]})
    error = read_error(path, sheet="Sheet1")
    assert error.code == "sheet_not_found"
    assert error.details["sheets"] == ["Data"]


def test_hidden_sheets_are_not_counted(tmp_path):
    sheets = {
        "Data": [["Month", "Count"], ["2023-04", 1]],
        "Lookup": [["Code", "Name"], ["A", "B"]],
    }
    path = write_xlsx(tmp_path / "hidden.xlsx", sheets, hidden=("Lookup",))
    assert read_table(path).info.sheet == "Data"
    assert read_table(path, sheet="Lookup").info.columns == ["Code", "Name"]


def test_xlsx_zip_bomb_is_refused_before_opening(tmp_path):
    path = write_xlsx_bomb(tmp_path / "bomb.xlsx")
    assert path.stat().st_size < 1024 * 1024  # ~64 MB of XML in well under 1 MB
    error = read_error(path)
    assert error.code == "zip_bomb"
    assert error.details["ratio"] > 100


def test_uncompressed_size_limit(tmp_path):
    path = write_xlsx(tmp_path / "ok.xlsx", {"Data": [["Month", "Count"], ["2023-04", 1]]})
    error = read_error(path, limits=ReadLimits(max_uncompressed_bytes=1000))
    assert error.code == "zip_bomb"
    assert read_table(path).frame.shape == (1, 2)


def test_ods_with_sheet_choice(tmp_path):
    pytest.importorskip("odf", reason="odfpy is not installed")
    sheets = {"Notes": [["About", "x"]], "Data": [["Month", "Count"], ["2023-04", 5]]}
    path = write_ods(tmp_path / "t.ods", sheets)
    assert read_error(path).code == "several_sheets"
    table = read_table(path, sheet="Data")
    assert table.info.format == "ods"
    assert table.frame.loc[1].tolist() == ["2023-04", "5"]


# --- chunks ------------------------------------------------------------------------------


def test_large_csv_streams_in_chunks_numbered_across_chunks(tmp_path):
    lines = ["Ref,Month,Count"] + [f"R{i},2023-04,{i}" for i in range(25_000)]
    path = write_text(tmp_path / "big.csv", "\n".join(lines) + "\n")
    stream = open_table(path, chunk_rows=10_000)
    chunks = list(stream)
    assert [len(c) for c in chunks] == [10_000, 10_000, 5_000]
    assert chunks[1].index[0] == 10_001 and chunks[2].index[-1] == 25_000
    assert stream.info.columns == ["Ref", "Month", "Count"]
    whole = read_table(path).frame
    pd.testing.assert_frame_equal(pd.concat(chunks), whole)


def test_large_xlsx_streams_in_chunks(tmp_path):
    rows = [["Ref", "Count"]] + [[f"R{i}", i] for i in range(2_500)]
    chunks = list(open_table(write_xlsx(tmp_path / "big.xlsx", {"d": rows}), chunk_rows=1_000))
    assert [len(c) for c in chunks] == [1_000, 1_000, 500]
    assert chunks[2].loc[2_500, "Count"] == "2499"


def test_read_error_codes_are_identifiers():
    with pytest.raises(ValueError):
        ReadError("Not a code", "Message.")
