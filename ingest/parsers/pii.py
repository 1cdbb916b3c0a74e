"""Personal-data scanner: refuse uploads that carry direct identifiers.

Two ways a column is caught:
  - by heading (rules in pii_names.py), when at least one of its values has the shape of
    that identifier (a "Telephone contact made" column of Y/N is not a phone column);
  - by value, anywhere, free text included: full UK unit postcodes, email addresses, UK
    phone numbers, NHS numbers, and dates that are plausible dates of birth beside an event
    date.

Numbers without formatting are the hard case: extracts carry 10- and 11-digit
pseudonymised references, and about one in eleven random 10-digit numbers passes the NHS
Modulus 11 check. So a bare run of digits is only an identifier when something says so:
  - NHS number: formatted 3-3-4 with spaces or dashes (and a valid check digit) anywhere;
    bare 10 digits with a valid check digit only when the column heading mentions NHS or
    patient, or the words "NHS" or "patient" come shortly before it in the same cell;
  - phone: formatted (+44, brackets, spaces or dashes between groups) anywhere; bare digits
    only inside text ("call 07700900123"), never when the digits are the whole cell.

The result lists columns, kinds and data row numbers, never values, and renders the
refusal message. Scanning works on the distinct values of a column joined into one string,
so a regex runs once per column over C-level text rather than once per cell.
"""

from collections.abc import Iterable
from dataclasses import asdict, dataclass, field

import numpy as np
import pandas as pd

from . import pii_dates, pii_values
from .errors import ReadError, describe_rows
from .pii_names import KIND_LABELS, classify_heading

MAX_ROWS_LISTED = 20
# Values that say "nothing here": a Surname column filled with these holds no names.
PLACEHOLDERS = [
    "",
    "-",
    "n/a",
    "na",
    "null",
    "none",
    "unknown",
    "not known",
    "redacted",
    "withheld",
    "not recorded",
    "not stated",
    "removed",
]


@dataclass(frozen=True)
class Finding:
    column: str
    kind: str  # a key of pii_names.KIND_LABELS
    # "heading": the heading names an identifier; "values": found in the values;
    # "heading_text": the heading itself holds one (a data row read as the header), and
    # `column` is then "Column N" so the message does not repeat it.
    basis: str
    rows: tuple[int, ...]  # the first MAX_ROWS_LISTED data row numbers (1-based)
    row_count: int

    def describe(self) -> str:
        """E.g. 'NHS numbers in data rows 4 and 9' (the column is named by the caller)."""
        label = KIND_LABELS[self.kind]
        if self.basis == "heading_text":
            return f"{label} in the column heading itself"
        where = describe_rows(list(self.rows), self.row_count)
        if self.basis == "heading":
            return f"{label}, going by its heading (data {where})"
        return f"{label} in data {where}"


@dataclass
class PiiReport:
    findings: list[Finding]
    rows_scanned: int

    @property
    def clean(self) -> bool:
        return not self.findings

    @property
    def columns(self) -> list[str]:
        return list(dict.fromkeys(f.column for f in self.findings))

    def refusal_message(self) -> str:
        if self.clean:
            return ""
        by_column: dict[str, list[str]] = {}
        for finding in self.findings:
            by_column.setdefault(finding.column, []).append(finding.describe())
        items = "; ".join(f'column "{c}": {", ".join(d)}' for c, d in by_column.items())
        return (
            "This file was refused because it contains personal data, and nothing from it "
            "has been kept. Shared extracts must be depersonalised: remove or pseudonymise "
            f"the following, then upload the file again. {items[0].upper()}{items[1:]}. "
            "Row numbers count data rows from the first row under the column headings."
        )

    def raise_if_found(self) -> None:
        if not self.clean:
            details = {"findings": [asdict(f) for f in self.findings]}
            raise ReadError("personal_data", self.refusal_message(), details)


@dataclass
class _Tally:
    rows: list[int] = field(default_factory=list)
    count: int = 0

    def add(self, row_numbers: np.ndarray) -> None:
        room = MAX_ROWS_LISTED - len(self.rows)
        if room > 0:
            self.rows.extend(int(r) for r in row_numbers[:room])
        self.count += len(row_numbers)


class PiiScanner:
    """Accumulates findings over the chunks of one file (all chunks share the columns)."""

    def __init__(self, *, reference_date: pd.Timestamp | None = None):
        # reference_date stands in for an event date column when a file has none
        # (e.g. the end of the extract's period) for the date-of-birth check.
        self.reference_date = reference_date
        self._tallies: dict[tuple[str, str, str], _Tally] = {}
        self._heading_texts: set[tuple[str, str]] = set()
        self._hidden_headings: dict[str, str] = {}  # heading -> "Column N" in messages
        self.rows_scanned = 0

    @property
    def found(self) -> bool:
        """Whether anything has been found so far."""
        return bool(self._tallies or self._heading_texts)

    def _record(self, column: object, kind: str, basis: str, rows: np.ndarray) -> None:
        if len(rows):
            label = self._hidden_headings.get(str(column), str(column))
            self._tallies.setdefault((label, kind, basis), _Tally()).add(rows)

    def _row_numbers(self, frame: pd.DataFrame) -> np.ndarray:
        # Frames from reading.py carry data row numbers in an index named "row"; for any
        # other frame, rows are numbered 1, 2, ... across the chunks this scanner has seen.
        if frame.index.name == "row":
            return frame.index.to_numpy()
        return np.arange(self.rows_scanned + 1, self.rows_scanned + len(frame) + 1)

    def _scan_headings(self, columns: pd.Index) -> None:
        # A file without a header row has its first data row read as headings, and
        # headings are repeated in messages: they must not carry identifiers either.
        for position, heading in enumerate(columns, start=1):
            for kind in pii_values.scan_column(pd.Series([str(heading)]), ""):
                self._hidden_headings[str(heading)] = f"Column {position}"
                self._heading_texts.add((f"Column {position}", kind))

    def scan(self, frame: pd.DataFrame) -> None:
        """Scan one chunk of a file."""
        if self.rows_scanned == 0:
            self._scan_headings(frame.columns)
        row_numbers = self._row_numbers(frame)
        self.rows_scanned += len(frame)
        by_heading = {c: kind for c in frame.columns if (kind := classify_heading(str(c)))}
        for column, kind in by_heading.items():
            mask = _shaped_values(frame[column], kind)
            self._record(column, kind, "heading", row_numbers[mask])
        for column in frame.columns:
            if column in by_heading:
                continue  # already refused whole; scanning its values would only repeat it
            for kind, mask in pii_values.scan_column(frame[column], str(column)).items():
                self._record(column, kind, "values", row_numbers[mask])
        rest = frame.drop(columns=list(by_heading))
        for column, mask in pii_dates.birth_date_columns(rest, self.reference_date).items():
            self._record(column, "date_of_birth", "values", row_numbers[mask])

    def report(self) -> PiiReport:
        findings = [
            Finding(column, kind, "heading_text", (), 0)
            for column, kind in sorted(self._heading_texts)
        ]
        findings += [
            Finding(column, kind, basis, tuple(t.rows), t.count)
            for (column, kind, basis), t in self._tallies.items()
        ]
        return PiiReport(findings, self.rows_scanned)


def _shaped_values(values: pd.Series, kind: str) -> np.ndarray:
    """Rows of a heading-flagged column whose value looks like that identifier."""
    text = values.fillna("").astype(str).str.strip()
    present = ~text.str.lower().isin(PLACEHOLDERS)
    pattern = pii_values.SHAPES.get(kind)
    if pattern is not None:
        present &= text.str.contains(pattern, regex=True)
    return present.to_numpy(dtype=bool)


def scan_frames(
    frames: Iterable[pd.DataFrame], *, reference_date: pd.Timestamp | None = None
) -> PiiReport:
    scanner = PiiScanner(reference_date=reference_date)
    for frame in frames:
        scanner.scan(frame)
    return scanner.report()


def scan_frame(frame: pd.DataFrame, *, reference_date: pd.Timestamp | None = None) -> PiiReport:
    return scan_frames([frame], reference_date=reference_date)
