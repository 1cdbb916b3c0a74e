"""What the health, youth justice, indicator and reference parsers return, the row errors
they collect (Problems) and the last steps: dropping rejected rows, folding repeats,
counting."""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

import pandas as pd

ERROR_COLUMNS = ("row", "field", "reason", "message", "value")


@dataclass(frozen=True)
class Summary:
    rows_read: int
    rows_rejected: int
    rows_loaded: int
    duplicates: int  # rows not loaded because they repeat another row (rule per parser)
    by_category: dict[str, float] = field(default_factory=dict)
    period_start: dt.date | None = None
    period_end: dt.date | None = None


@dataclass
class ParseResult:
    records: pd.DataFrame
    errors: pd.DataFrame
    summary: Summary


class Problems:
    """Collects row errors. `rows` gives each record's source row (file row number)."""

    def __init__(self, rows: pd.Series):
        self._rows = rows
        self._parts: list[pd.DataFrame] = []

    def add(
        self,
        mask: pd.Series,
        field_name: str,
        reason: str,
        message: str,
        values: pd.Series | None = None,
    ) -> None:
        mask = mask.fillna(False).astype(bool)
        if not mask.any():
            return
        shown = "" if values is None else values[mask].astype("string").fillna("").to_numpy()
        self._parts.append(
            pd.DataFrame(
                {
                    "row": self._rows[mask].to_numpy(),
                    "field": field_name,
                    "reason": reason,
                    "message": message,
                    "value": shown,
                }
            )
        )

    def extend(self, errors: pd.DataFrame) -> None:
        if len(errors):
            self._parts.append(errors[list(ERROR_COLUMNS)])

    def rejected(self) -> pd.Series:
        """Per record: does its source row have any problem?"""
        rows = self.frame()["row"]
        return self._rows.isin(rows)

    def frame(self) -> pd.DataFrame:
        if not self._parts:
            return pd.DataFrame({c: pd.Series(dtype="object") for c in ERROR_COLUMNS})
        errors = pd.concat(self._parts, ignore_index=True)
        errors["row"] = errors["row"].astype("int64")
        errors = errors.drop_duplicates()  # a wide row's cell problems, once per field
        return errors.sort_values(["row", "field"], kind="stable", ignore_index=True)[
            list(ERROR_COLUMNS)
        ]


def require_value(problems: Problems, values: pd.Series, field_name: str, what: str) -> None:
    problems.add(
        values.isna(), field_name, "missing_value", f"{what} is blank. Fill it in.", values
    )


def counts(values: pd.Series) -> dict[str, int]:
    return {str(k): int(v) for k, v in values.dropna().value_counts().sort_index().items()}


def sums(values: pd.Series, by: pd.Series) -> dict[str, float]:
    totals = values.groupby(by.astype("string"), dropna=True).sum().sort_index()
    return {str(k): (int(v) if float(v).is_integer() else float(v)) for k, v in totals.items()}


def fold_keyed(
    records: pd.DataFrame,
    key: Sequence[str],
    value: str,
    problems: Problems,
    what: str,
) -> pd.DataFrame:
    """Aggregates have one value per key: fold repeats, reject contradictions.

    A later row with the same key AND value is a duplicate (dropped). Rows whose key repeats
    with DIFFERENT values are all rejected: which one is right cannot be known. Records must
    already be valid.
    """
    if records.empty:
        return records
    group = records.groupby(list(key), dropna=False, sort=False).ngroup()
    values = records[value].astype("string").fillna("\x00")
    conflicting = group.map(values.groupby(group).nunique()) > 1
    rows = Problems(records["source_row"])
    rows.add(
        conflicting,
        value,
        "conflicting_values",
        f"Another row has the same {what} but a different value. Keep only the right row.",
        records[value],
    )
    problems.extend(rows.frame())
    return records[~conflicting & ~group.duplicated(keep="first")]


def finish(
    frame_rows: int,
    records: pd.DataFrame,
    problems: Problems,
    columns: Sequence[str],
    *,
    key: Sequence[str] | None = None,
    value: str | None = None,
    what: str = "",
    same_record: Sequence[str] | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, int]]:
    """Drop rejected rows and fold repeats: (loaded, errors, counts for the summary).

    `key`/`value`: an aggregate's key and value (see fold_keyed). `same_record`: columns that
    together identify a record (an identifier first): a valid row equal to an earlier one on
    all of them is a duplicate; a row with a blank identifier is never folded.
    Counts are of FILE rows (a wide row may load as several records): a row is rejected if
    it has any error, a duplicate if all its records repeat earlier ones.
    """
    valid = records[~records["source_row"].isin(problems.frame()["row"])]
    if same_record:
        repeat = valid.duplicated(subset=list(same_record), keep="first")
        valid = valid[~(repeat & valid[same_record[0]].notna())]
    if key is not None and value is not None:
        valid = fold_keyed(valid, key, value, problems, what)
    errors = problems.frame()
    valid = valid[~valid["source_row"].isin(errors["row"])]
    loaded = valid[list(columns)].reset_index(drop=True)
    rejected = int(errors["row"].nunique())
    loaded_rows = int(loaded["source_row"].nunique())
    return (
        loaded,
        errors,
        {
            "rows_read": frame_rows,
            "rows_rejected": rejected,
            "rows_loaded": loaded_rows,
            "duplicates": frame_rows - rejected - loaded_rows,
        },
    )
