"""Matching a file's headings to the columns a parser needs."""

from collections.abc import Iterable, Sequence

import pandas as pd

from .errors import ReadError


def heading_key(heading: object) -> str:
    """Headings match ignoring case and runs of spaces: 'LSOA  code' == 'lsoa code'."""
    return " ".join(str(heading).split()).casefold()


def missing_columns(columns: Iterable[object], required: Sequence[str]) -> list[str]:
    present = {heading_key(c) for c in columns}
    return [name for name in required if heading_key(name) not in present]


def select_columns(
    frame: pd.DataFrame, required: Sequence[str], optional: Sequence[str], what: str
) -> pd.DataFrame:
    """The required and any optional columns, renamed to the parser's spelling.

    Raises ReadError("missing_columns") naming every required column that is absent.
    """
    missing = missing_columns(frame.columns, required)
    if missing:
        raise ReadError(
            "missing_columns",
            f"This does not look like {what}: it has no {', '.join(repr(m) for m in missing)} "
            "column. Check that you chose the right kind of data and the right sheet.",
            {"missing": missing},
        )
    by_key = {heading_key(c): c for c in frame.columns}
    wanted = [name for name in (*required, *optional) if heading_key(name) in by_key]
    selected = frame[[by_key[heading_key(name)] for name in wanted]]
    return selected.set_axis(wanted, axis=1)
