"""Identifiers found by value: postcodes, emails, phone numbers, NHS numbers.

A column's distinct values are joined with NUL separators (NUL never occurs in a value:
the CSV reader refuses files containing it and XML cannot hold it) and each regex runs once
over that text. A match is mapped back to its distinct value by its offset, and
values to rows through pandas.factorize codes. Low-cardinality columns (crime type,
outcome, LSOA) therefore cost almost nothing, and a 1,000,000-row column is one regex pass.
"""

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .pii_names import heading_mentions

SEPARATOR = "\x00"
DISTINCT_SAMPLE = 20_000
CONTEXT_CHARS = 40  # how far before a bare number "NHS"/"patient" may appear in a cell

# Full unit postcode: outward code (letters restricted as Royal Mail allocates them) then
# the inward code "9AA". An outward code alone ("BH1") never matches.
POSTCODE = re.compile(
    r"(?<![A-Za-z0-9])(?:GIR ?0AA|[A-PR-UWYZ](?:[0-9][0-9]?|[A-HK-Y][0-9][0-9]?|[0-9][A-HJKPSTUW]"
    r"|[A-HK-Y][0-9][ABEHMNPRVWXY]) ?[0-9][ABD-HJLNP-UW-Z]{2})(?![A-Za-z0-9])",
    re.IGNORECASE,
)
EMAIL = re.compile(r"[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
# Candidates only: _is_uk_phone checks the digits. Starts with 0, +44 or 0044.
PHONE = re.compile(r"(?<![\w+])(?:\+44|0044|\(0|0)[\d ()-]{8,16}\d(?!\w)")
NHS_FORMATTED = re.compile(r"(?<![\w-])\d{3}([ -])\d{3}\1\d{4}(?![\w-])")
NHS_BARE = re.compile(r"(?<![\w-])\d{10}(?![\w-])")
NHS_CONTEXT = re.compile(r"\b(?:nhs|patient)", re.IGNORECASE)
_DIGIT = re.compile(r"\d")
_ONLY_DIGITS = re.compile(r"[\d\x00]*")
_NHS_WORDS = {"nhs", "patient", "patients"}

# What a value must look like for a heading-flagged column to count (see pii.py).
SHAPES = {
    "phone": r"\d(?:[ ()-]*\d){6}",
    "email": "@",
    "nhs_number": r"\d{3}",
    "pnc_id": r"\d",
    "date_of_birth": r"\d",
    "postcode": r"\d",
    "name": r"[^\W\d_]",
    "address": r"\w",
}


@dataclass
class _Column:
    """The values of one column, joined for scanning (distinct values only, unless most
    values are distinct anyway, when finding them would cost more than it saves)."""

    codes: np.ndarray | None  # per row: index of its value in `starts`; None: row i is value i
    text: str
    starts: np.ndarray  # offset of each value in `text`
    heading: str

    def value_at(self, offset: int) -> int:
        return int(np.searchsorted(self.starts, offset, side="right") - 1)

    def cell_bounds(self, index: int) -> tuple[int, int]:
        start = int(self.starts[index])
        end = int(self.starts[index + 1]) - 1 if index + 1 < len(self.starts) else len(self.text)
        return start, end

    def rows_mask(self, hits: np.ndarray, row_count: int) -> np.ndarray:
        if self.codes is not None:
            return np.isin(self.codes, hits)
        mask = np.zeros(row_count, dtype=bool)
        mask[hits] = True
        return mask


def _mostly_distinct(values: np.ndarray) -> bool:
    sample = values[:DISTINCT_SAMPLE]
    return len(set(sample.tolist())) > len(sample) / 2


def _as_text(value: object) -> str:
    return "" if value is None or pd.isna(value) else str(value)


def _prepare(values: pd.Series, heading: str) -> _Column:
    codes: np.ndarray | None = None
    if isinstance(values.dtype, pd.CategoricalDtype):  # reading.coded: distinct values known
        codes, array = values.cat.codes.to_numpy(), values.cat.categories.to_numpy(object)
    else:
        array = values.to_numpy(dtype=object)
        if not _mostly_distinct(array):
            codes, array = pd.factorize(array)
    texts = array.tolist()
    try:
        text = SEPARATOR.join(texts)
    except TypeError:  # not a frame from reading.py: NaN or numbers among the values
        texts = [_as_text(v) for v in texts]
        text = SEPARATOR.join(texts)
    lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts)) + 1
    starts = np.concatenate(([0], np.cumsum(lengths)[:-1])) if texts else lengths
    return _Column(codes, text, starts, heading)


def nhs_check_digit_ok(digits: str) -> bool:
    """NHS number Modulus 11: weights 10..2 on the first nine digits."""
    if len(digits) != 10 or not digits.isdigit() or len(set(digits)) == 1:
        return False
    remainder = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True)) % 11
    check = 11 - remainder
    if check == 11:
        check = 0
    return check != 10 and check == int(digits[9])


def _is_uk_phone(candidate: str) -> bool:
    """A UK number: 10 or 11 digits from a national 0 (01, 02, 03, 05, 07, 08), written as
    one run of digits or in groups the way numbers are written: an area code of 3 to 6
    digits, then groups of 3 or more. The grouping rule keeps "01-02-2023 10:30" out."""
    body = candidate.replace("(0)", "")
    international = body.startswith(("+44", "0044"))
    if international:
        body = body[3:] if body.startswith("+44") else body[4:]
    groups = re.findall(r"\d+", body)
    if not groups:
        return False
    if international:
        groups[0] = "0" + groups[0]
    digits = "".join(groups)
    if len(digits) not in (10, 11) or digits[0] != "0" or digits[1] not in "123578":
        return False
    return len(groups) == 1 or (3 <= len(groups[0]) <= 6 and all(len(g) >= 3 for g in groups[1:]))


def _postcodes(column: _Column) -> Iterator[int]:
    for match in POSTCODE.finditer(column.text):
        yield column.value_at(match.start())


def _emails(column: _Column) -> Iterator[int]:
    if "@" in column.text:
        for match in EMAIL.finditer(column.text):
            yield column.value_at(match.start())


def _phones(column: _Column) -> Iterator[int]:
    for match in PHONE.finditer(column.text):
        candidate = match.group()
        if not _is_uk_phone(candidate):
            continue
        index = column.value_at(match.start())
        if candidate.isdigit() and (match.start(), match.end()) == column.cell_bounds(index):
            continue  # bare digits filling the cell: a reference unless the heading says phone
        yield index


def _nhs_numbers(column: _Column) -> Iterator[int]:
    # Formatted numbers have spaces or dashes: a column of references without any is
    # skipped by a plain substring search, far faster than the regex.
    if " " in column.text or "-" in column.text:
        for match in NHS_FORMATTED.finditer(column.text):
            if nhs_check_digit_ok(re.sub(r"\D", "", match.group())):
                yield column.value_at(match.start())
    heading_context = heading_mentions(column.heading, _NHS_WORDS)
    lowered = column.text.lower()  # plain substring search is far faster than a regex here
    if not heading_context and "nhs" not in lowered and "patient" not in lowered:
        return  # no mention of NHS or patients anywhere: bare numbers are references
    for match in NHS_BARE.finditer(column.text):
        if not nhs_check_digit_ok(match.group()):
            continue
        index = column.value_at(match.start())
        before = column.text[
            max(column.cell_bounds(index)[0], match.start() - CONTEXT_CHARS) : match.start()
        ]
        if heading_context or NHS_CONTEXT.search(before):
            yield index


_FINDERS: dict[str, Callable[[_Column], Iterator[int]]] = {
    "postcode": _postcodes,
    "email": _emails,
    "phone": _phones,
    "nhs_number": _nhs_numbers,
}


def scan_column(values: pd.Series, heading: str) -> dict[str, np.ndarray]:
    """Boolean row masks, by kind, of the values holding an identifier."""
    column = _prepare(values, heading)
    if not column.text.strip(SEPARATOR + " "):
        return {}
    has_digits = _DIGIT.search(column.text) is not None
    only_digits = _ONLY_DIGITS.fullmatch(column.text) is not None
    found: dict[str, np.ndarray] = {}
    for kind, finder in _FINDERS.items():
        if kind != "email" and not has_digits:
            continue  # postcodes, phones and NHS numbers all contain digits
        if only_digits and kind != "nhs_number":
            continue  # a column of bare numbers holds no postcodes, emails or formatted phones
        hits = np.fromiter(set(finder(column)), dtype=np.int64)
        if len(hits):
            found[kind] = column.rows_mask(hits, len(values))
    return found
