"""Finding a parser's columns among a file's headings, and text values handled over a
column's distinct values."""

import re
from collections.abc import Sequence

import pandas as pd

from ..columns import heading_key
from ..errors import ReadError


def loose_key(heading: object) -> str:
    """heading_key that also treats underscores as spaces: 'Age_group' == 'age group'."""
    return heading_key(str(heading).replace("_", " "))


def find_column(frame: pd.DataFrame, *names: str) -> str | None:
    """The first of `names` present among the frame's headings (loosely matched)."""
    by_key = {loose_key(c): c for c in frame.columns}
    for name in names:
        if loose_key(name) in by_key:
            return by_key[loose_key(name)]
    return None


def missing_columns_error(what: str, missing: Sequence[str], hint: str = "") -> ReadError:
    names = ", ".join(repr(m) for m in missing)
    return ReadError(
        "missing_columns",
        f"This does not look like {what}: it has no {names} column. {hint}".rstrip()
        + (" " if hint else "")
        + "Check that you chose the right kind of data and the right sheet.",
        {"missing": list(missing)},
    )


def per_distinct(values: pd.Series, convert) -> pd.Series:
    """convert(distinct values) mapped back onto every row: extracts repeat their values
    (dates, codes, labels), so string work is done once per distinct value. <NA> stays <NA>.
    """
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    converted = convert(pd.Series(uniques, dtype=values.dtype if len(uniques) else "string"))
    out = converted.reindex(codes)
    return out.set_axis(values.index)


def text(values: pd.Series) -> pd.Series:
    """Stripped text with blanks as <NA>."""

    def strip(distinct: pd.Series) -> pd.Series:
        stripped = distinct.astype("string").str.strip()
        return stripped.mask(stripped == "")

    return per_distinct(values.astype("string"), strip)


def blank(index: pd.Index) -> pd.Series:
    return pd.Series(pd.NA, index=index, dtype="string")


def column_text(frame: pd.DataFrame, column: str | None) -> pd.Series:
    return blank(frame.index) if column is None else text(frame[column])


def label_key(label: object) -> str:
    """Labels compared ignoring case, spacing and dash style ('–' == '-')."""
    return " ".join(re.sub(r"[‐-―−]", "-", str(label)).split()).casefold()
