"""The number of fields of every record of a delimited file, counted with numpy.

csv_text.check_rows needs it to report short and long rows by number. A loop in Python over
a million records takes seconds; here the file is read in blocks and each block's bytes are
compared at once. The counts are those of csv_text's exact readers, which stay the reference:
  - a file without double quotes is counted line by line (split on \\n, as iterating a binary
    file does): a line that is only ASCII whitespace is blank, otherwise it has one field
    more than it has separators;
  - a file with double quotes is counted record by record, as the csv module reads it: a
    separator or line end between quotes belongs to a value. That holds when every quote
    opens a value (at its start) or closes it (at its end) or is doubled inside it, and the
    file ends outside quotes. Otherwise, and where a record might be blank to the csv module
    but not here (a lone carriage return, a record of only quotes or non-ASCII spaces),
    `record_counts` returns None and the caller counts with the csv module.

Counts are per record after the first `skip` records (the header and what is above it);
-1 marks a blank record.
"""

from pathlib import Path

import numpy as np

BLOCK_BYTES = 4 * 1024 * 1024
BOM = b"\xef\xbb\xbf"
BLANK = -1
NEWLINE, CARRIAGE_RETURN, QUOTE = 10, 13, 34
# Bytes after which a quote may open a value, or before which it may close one.
_BOUNDS = np.array([NEWLINE, CARRIAGE_RETURN, QUOTE])
# In a record without separators: bytes that str.strip() (text) and bytes.strip() may judge
# differently, and quotes, which the csv module removes.
_UNSURE = frozenset([QUOTE, 28, 29, 30, 31, *range(128, 256)])


def line_counts(path: Path, separator: str, skip: int) -> np.ndarray:
    """Fields per line of a file without quotes (BLANK for a blank line)."""
    sep = ord(separator)
    counts, carry = [], b""
    with path.open("rb") as handle:
        while block := handle.read(BLOCK_BYTES):
            buffer = carry + block
            data = np.frombuffer(buffer, dtype=np.uint8)
            ends = np.flatnonzero(data == NEWLINE)
            used = int(ends[-1]) + 1 if len(ends) else 0
            counts.append(_fields(buffer, data[:used], ends, sep))
            carry = buffer[used:]
    if carry:  # a last line without a line end
        data = np.frombuffer(carry, dtype=np.uint8)
        counts.append(_fields(carry, data, np.array([len(carry) - 1]), sep))
    return _after(counts, skip)


def record_counts(path: Path, separator: str, skip: int) -> np.ndarray | None:
    """Fields per record of a file with quotes, or None where the csv module must count."""
    sep = ord(separator)
    counts = []
    with path.open("rb") as handle:
        head = handle.read(len(BOM))
        carry = b"" if head == BOM else head  # the header's mark, not part of a value
        while block := handle.read(BLOCK_BYTES):
            found = _record_fields(carry + block, sep, final=False)
            if found is None:
                return None
            counts.append(found[0])
            carry = found[1]
    if carry:
        found = _record_fields(carry, sep, final=True)
        if found is None:
            return None
        counts.append(found[0])
    return _after(counts, skip)


def _record_fields(buffer: bytes, sep: int, final: bool) -> tuple[np.ndarray, bytes] | None:
    """(fields per complete record, the bytes after them) of a buffer that starts a record;
    with `final`, the rest is a last record without a line end."""
    data = np.frombuffer(buffer, dtype=np.uint8)
    quotes = np.flatnonzero(data == QUOTE)
    newlines = np.flatnonzero(data == NEWLINE)
    ends = newlines[np.searchsorted(quotes, newlines) % 2 == 0]  # not within quotes
    if final:
        if len(quotes) % 2:
            return None  # the file ends within quotes
        if not len(ends) or ends[-1] != len(data) - 1:
            ends = np.append(ends, len(data) - 1)
    used = int(ends[-1]) + 1 if len(ends) else 0
    data, quotes = data[:used], quotes[quotes < used]
    bounds = np.append(_BOUNDS, sep)
    opening, closing = quotes[0::2], quotes[1::2]  # the buffer starts outside quotes
    if (
        not np.isin(_beside(data, opening, -1), bounds).all()
        or not np.isin(_beside(data, closing, 1), bounds).all()
    ):
        return None  # a quote within a value, or text after a closing quote: text to csv
    returns = np.flatnonzero(data == CARRIAGE_RETURN)
    if np.any(_beside(data, returns, 1) != NEWLINE):
        return None  # a lone carriage return ends a record for the csv module
    fields = _fields(buffer, data, ends, sep, (opening, closing))
    return None if fields is None else (fields, buffer[used:])


def _beside(data: np.ndarray, positions: np.ndarray, step: int) -> np.ndarray:
    """The bytes before (step -1) or after (1) positions; a line end beyond the buffer."""
    beside = positions + step
    inside = (beside >= 0) & (beside < len(data))
    return np.where(inside, data[np.clip(beside, 0, max(len(data) - 1, 0))], NEWLINE)


def _fields(
    buffer: bytes,
    data: np.ndarray,
    ends: np.ndarray,
    sep: int,
    quoted: tuple[np.ndarray, np.ndarray] | None = None,
) -> np.ndarray | None:
    """Per record ending at each of `ends` (inclusive): separators + 1, or BLANK. With
    `quoted` (where quoted values open and close), separators within them do not count and
    records are the csv module's: None when one without separators holds what only the csv
    module can judge blank or not."""
    separators = np.flatnonzero(data == sep)
    counts = np.diff(np.searchsorted(separators, ends, side="right"), prepend=0) + 1
    if quoted is not None and len(quoted[0]):
        opening, closing = quoted
        within = np.searchsorted(separators, closing) - np.searchsorted(separators, opening)
        np.subtract.at(counts, np.searchsorted(ends, opening), within)
    starts = np.concatenate(([0], ends[:-1] + 1))
    for record in np.flatnonzero(counts == 1):  # no separator: one value, or blank?
        text = buffer[starts[record] : ends[record] + 1]
        if quoted is not None and any(byte in _UNSURE for byte in text):
            return None
        if not text.strip():
            counts[record] = BLANK
    return counts


def _after(counts: list[np.ndarray], skip: int) -> np.ndarray:
    every = np.concatenate(counts) if counts else np.empty(0, dtype=np.int64)
    return every[skip:]
