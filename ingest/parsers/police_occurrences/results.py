"""What a parse returns, the rule for repeated references (the last valid row of each
occurrence_ref is kept) and the summary counted over the rows."""

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .fields import (
    DUPLICATE_COLUMNS,
    MISSING_SHARE_FIELDS,
    OFFICER_DEFINED,
    SELF_DEFINED,
)


@dataclass(frozen=True)
class OccurrenceSummary:
    rows_read: int
    rows_rejected: int
    rows_loaded: int
    duplicates: int  # rows not loaded because a later row had the same occurrence_ref
    duplicate_refs: int  # distinct references that were repeated
    duplicates_other_offence: int  # of `duplicates`, those with another offence code
    non_recent: int  # loaded records recorded NON_RECENT_DAYS or more after committed
    period_start: dt.date | None  # earliest and latest committed_date loaded
    period_end: dt.date | None
    fields_supplied: tuple[str, ...] = ()  # canonical fields the file had a column for
    by_category: dict[str, int] = field(default_factory=dict)
    by_financial_year: dict[str, int] = field(default_factory=dict)
    missing_shares: dict[str, float] = field(default_factory=dict)  # blank or no column
    flag_unknown: dict[str, int] = field(default_factory=dict)  # blank/unreadable -> False
    unrecognised: dict[str, int] = field(default_factory=dict)  # values read as unknown
    ethnicity_basis: dict[str, int] = field(default_factory=dict)  # "victim self-defined": n


@dataclass
class OccurrenceParse:
    records: pd.DataFrame  # CANONICAL_COLUMNS, one row per occurrence
    errors: pd.DataFrame  # ERROR_COLUMNS, one row per problem (a row may have several)
    duplicates: pd.DataFrame  # DUPLICATE_COLUMNS, the repeated-reference rows not loaded
    summary: OccurrenceSummary
    # Of `records`, what the summary counts (counted()): all a chunk leaves to chunks.py.
    counted: pd.DataFrame | None = None


def fold_duplicates(
    records: pd.DataFrame, ref_codes: np.ndarray
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Keep the last row of each occurrence_ref (in file order); `ref_codes` are the
    references' factorize codes, integers being far quicker to compare than text."""
    dropped = pd.Series(ref_codes, index=records.index).duplicated(keep="last")
    folded = records.loc[dropped, ["source_row", "occurrence_ref", "offence_code"]]
    folded = point_to_kept(folded.rename(columns={"source_row": "row"}), records[~dropped])
    return records[~dropped], folded


def point_to_kept(folded: pd.DataFrame, kept: pd.DataFrame) -> pd.DataFrame:
    """The folded rows, each beside the row kept for its reference."""
    kept = kept.set_index("occurrence_ref")
    refs = folded["occurrence_ref"].to_numpy()
    return folded.assign(
        kept_row=kept["source_row"].reindex(refs).to_numpy(),
        kept_offence_code=kept["offence_code"].reindex(refs).to_numpy(),
    )[list(DUPLICATE_COLUMNS)].reset_index(drop=True)


# The columns of loaded records that the summary counts, besides whether each of
# MISSING_SHARE_FIELDS is missing ("missing <field>").
COUNTED = (
    "source_row",
    "occurrence_ref",
    "offence_code",
    "committed_date",
    "category",
    "financial_year",
    "non_recent",
    "victim_ethnicity_basis",
    "suspect_ethnicity_basis",
)


def counted(loaded: pd.DataFrame) -> pd.DataFrame:
    """What the summary counts of the loaded records: COUNTED and "missing <field>" flags."""
    missing = {f"missing {f}": loaded[f].isna().to_numpy() for f in MISSING_SHARE_FIELDS}
    return loaded[list(COUNTED)].assign(**missing)


def _counts(values: pd.Series) -> dict[str, int]:
    return {str(k): int(v) for k, v in values.value_counts().sort_index().items()}


@dataclass(frozen=True)
class Tally:
    """What the summary counts over every row read, rejected rows included."""

    rows_read: int
    rows_rejected: int
    fields: tuple[str, ...]
    flag_unknown: dict[str, int]
    unrecognised: dict[str, int]


def summary(loaded: pd.DataFrame, folded: pd.DataFrame, tally: Tally) -> OccurrenceSummary:
    """The summary of `loaded` (counted() of the loaded records), `folded` (the rows dropped
    as repeats, DUPLICATE_COLUMNS) and the tally of every row read."""
    n = len(loaded)
    missing = {
        f: round(float(loaded[f"missing {f}"].mean()), 4) if n and f in tally.fields else 1.0
        for f in MISSING_SHARE_FIELDS
    }
    basis = {
        f"{p} {b}": int((loaded[f"{p}_ethnicity_basis"] == b).sum())
        for p in ("victim", "suspect")
        for b in (SELF_DEFINED, OFFICER_DEFINED)
    }
    committed = loaded["committed_date"]
    return OccurrenceSummary(
        rows_read=tally.rows_read,
        rows_rejected=tally.rows_rejected,
        rows_loaded=n,
        duplicates=len(folded),
        duplicate_refs=int(folded["occurrence_ref"].nunique()),
        duplicates_other_offence=int((folded["offence_code"] != folded["kept_offence_code"]).sum()),
        non_recent=int(loaded["non_recent"].sum()),
        period_start=committed.min().date() if n else None,
        period_end=committed.max().date() if n else None,
        fields_supplied=tally.fields,
        by_category=_counts(loaded["category"]),
        by_financial_year=_counts(loaded["financial_year"]),
        missing_shares=missing,
        flag_unknown=tally.flag_unknown,
        unrecognised={k: v for k, v in tally.unrecognised.items() if v},
        ethnicity_basis=basis,
    )


def combine(parts: Sequence[OccurrenceParse]) -> OccurrenceParse:
    """One result for a file parsed chunk by chunk (reading.open_table streams a large file
    in chunks, numbering rows across them): the duplicate rule is applied again across
    the chunks, so the result equals parsing the whole file at once."""
    records = pd.concat([p.records for p in parts], ignore_index=True)
    loaded, folded = fold_duplicates(records, pd.factorize(records["occurrence_ref"])[0])
    earlier = pd.concat([p.duplicates[["row", "occurrence_ref", "offence_code"]] for p in parts])
    folded = point_to_kept(pd.concat([earlier, folded[earlier.columns]]), loaded)
    summaries = [p.summary for p in parts]
    tally = Tally(
        rows_read=sum(s.rows_read for s in summaries),
        rows_rejected=sum(s.rows_rejected for s in summaries),
        fields=summaries[0].fields_supplied,
        flag_unknown=added(s.flag_unknown for s in summaries),
        unrecognised=added(s.unrecognised for s in summaries),
    )
    errors = pd.concat([p.errors for p in parts], ignore_index=True)
    folded = folded.sort_values("row", ignore_index=True)
    loaded = loaded.reset_index(drop=True)
    kept = counted(loaded)
    return OccurrenceParse(loaded, errors, folded, summary(kept, folded, tally), kept)


def added(counts: Iterable[dict[str, int]]) -> dict[str, int]:
    """Counts by key, added up."""
    total: dict[str, int] = {}
    for count in counts:
        for key, value in count.items():
            total[key] = total.get(key, 0) + value
    return total
