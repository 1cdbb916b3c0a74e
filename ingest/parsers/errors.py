"""The one exception every reading failure raises.

`code` is a stable identifier that the upload service, the API and the tests match on;
`message` is a plain-English sentence telling the uploader what to fix. Messages may name
columns, sheets and row numbers but never echo a cell value: the file may hold personal
data, and error messages end up in logs, emails and the browser.
"""

import re
from collections.abc import Mapping
from typing import Any

# The codes reading and the parsers here raise, which callers can rely on. Adding one is
# fine (parsers for other sources add their own); renaming one breaks callers.
READ_ERROR_CODES = frozenset(
    {
        "too_large",  # the file is over the byte limit
        "empty_file",  # nothing in it (or only blank lines / blank cells)
        "header_only",  # column headings but no data rows
        "no_header",  # no row that looks like column headings near the top
        "unreadable",  # not CSV/XLSX/ODS, not UTF-8 or Windows-1252, corrupt archive...
        "zip_bomb",  # a spreadsheet archive that would expand to far more than it looks
        "several_sheets",  # a workbook with several sheets and no sheet chosen
        "sheet_not_found",  # the chosen sheet is not in the workbook
        "bad_delimiter",  # the separator could not be worked out (or the one given is wrong)
        "ragged_rows",  # rows with a different number of fields from the header
        "missing_columns",  # columns the chosen source's parser needs are not there
        "personal_data",  # raised by pii.PiiReport.raise_if_found()
    }
)


_CODE = re.compile(r"[a-z][a-z0-9_]*")


class ReadError(Exception):
    """A file could not be turned into a table; nothing of it should be kept."""

    def __init__(self, code: str, message: str, details: Mapping[str, Any] | None = None):
        if not _CODE.fullmatch(code):
            raise ValueError(f"ReadError code must be a snake_case identifier, not {code!r}")
        super().__init__(message)
        self.code = code
        self.message = message
        self.details: dict[str, Any] = dict(details or {})

    def __repr__(self) -> str:
        return f"ReadError({self.code!r}, {self.message!r})"


def describe_rows(rows: list[int], total: int) -> str:
    """'rows 3, 7 and 9' or 'rows 3, 7, 9 and 41 more': row numbers only, never values."""
    shown = ", ".join(str(r) for r in rows)
    word = "row" if total == 1 else "rows"
    if total > len(rows):
        return f"{word} {shown} and {total - len(rows)} more"
    if len(rows) > 1:
        head, last = ", ".join(str(r) for r in rows[:-1]), rows[-1]
        return f"{word} {head} and {last}"
    return f"{word} {shown}"
