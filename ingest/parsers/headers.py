"""Finding the header row and cleaning column names.

Rule (documented because uploads from real systems vary): the header is the FIRST row within
the first HEADER_SEARCH_ROWS non-blank rows that
  1. fills at least half as many cells as the widest row in that window (so a title such as
     "Table 3: police recorded crime" or a "Source:" note above the table is skipped),
  2. has at least one cell that is not a number or a date (so a data row made only of
     numbers is never mistaken for headings; year headings such as "2016" are fine as long
     as one other heading is text, as in the ONS population file).
Repeated headings are allowed (they are renamed "Date (2)"). A data file with no heading
row and a text first row will still be read with that row as the header; the parser's
required-column check then reports the missing columns.
"""

import math
import re
from collections.abc import Sequence

HEADER_SEARCH_ROWS = 20

_NUMBER = re.compile(r"^[-+]?(\d[\d,]*)?(\.\d+)?([eE][-+]?\d+)?%?$")
_DATE = re.compile(
    r"^(\d{4}-\d{1,2}(-\d{1,2})?|\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4})([ T]\d{1,2}:\d{2}(:\d{2})?)?$"
)


def is_blank_row(row: Sequence[str]) -> bool:
    return all(not cell.strip() for cell in row)


def looks_like_value(cell: str) -> bool:
    """True for numbers and dates: things that are data rather than headings."""
    text = cell.strip()
    return bool(text) and (_NUMBER.match(text) is not None or _DATE.match(text) is not None)


def _filled(row: Sequence[str]) -> list[str]:
    return [cell.strip() for cell in row if cell.strip()]


def find_header_row(
    rows: Sequence[Sequence[str]], search_rows: int = HEADER_SEARCH_ROWS
) -> int | None:
    """Index (into `rows`) of the header row, or None when no row qualifies.

    `rows` should already exclude blank rows, so the index counts non-blank rows.
    """
    window = rows[:search_rows]
    widest = max((len(_filled(row)) for row in window), default=0)
    if widest == 0:
        return None
    needed = max(1, math.ceil(widest / 2))
    for index, row in enumerate(window):
        cells = _filled(row)
        has_text = any(not looks_like_value(cell) for cell in cells)
        if len(cells) >= needed and has_text:
            return index
    return None


def clean_column_names(raw: Sequence[str]) -> list[str]:
    """Strip names, name blank headings by position and make duplicates distinct.

    Blank headings become "Column 4" (1-based position) and a repeated "Date" becomes
    "Date (2)", so every column can be named in messages and mappings.
    """
    names: list[str] = []
    seen: set[str] = set()
    for position, cell in enumerate(raw, start=1):
        base = " ".join(cell.split()) or f"Column {position}"
        name, copy = base, 1
        while name.casefold() in seen:
            copy += 1
            name = f"{base} ({copy})"
        seen.add(name.casefold())
        names.append(name)
    return names
