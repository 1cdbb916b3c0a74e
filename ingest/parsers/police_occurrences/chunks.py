"""An extract parsed chunk by chunk (reading.open_table), counted as parse() counts the whole
file, without keeping its records.

Give ChunkLedger.add() each chunk's parse in file order (rows are numbered across chunks).
The ledger keeps, per loaded record, only what the summary counts (results.counted) and the
caller's own columns about it (where it was placed, say). A reference that an earlier chunk
loaded and a later chunk loads again is one occurrence whose LAST row is kept, as in parse():
add() returns such references, so that the caller can remove the earlier rows it stored, and
result() counts them among the duplicates. Everything result() returns equals what parsing
the whole file at once would give, its records aside."""

from dataclasses import dataclass

import pandas as pd

from .fields import DUPLICATE_COLUMNS, ERROR_COLUMNS
from .results import OccurrenceParse, OccurrenceSummary, Tally, added, point_to_kept, summary

_FOLDED = ["row", "occurrence_ref", "offence_code"]


@dataclass
class ChunkedParse:
    loaded: pd.DataFrame  # per loaded record: results.COUNTED, missing flags, caller's columns
    errors: pd.DataFrame  # ERROR_COLUMNS, the first `max_errors` of them
    duplicates: pd.DataFrame  # DUPLICATE_COLUMNS, pointing at the row finally kept
    summary: OccurrenceSummary


class ChunkLedger:
    def __init__(self, max_errors: int | None = None):
        self.max_errors = max_errors
        self._parts: list[pd.DataFrame] = []
        self._folded: list[pd.DataFrame] = []
        self._errors: list[pd.DataFrame] = []
        self._errors_kept = 0
        self._summaries: list[OccurrenceSummary] = []
        self._seen: set[str] = set()
        self._repeated = False

    def add(self, parsed: OccurrenceParse, extra: pd.DataFrame | None = None) -> list[str]:
        """Count the next chunk. `extra`: the caller's columns, a row per parsed.records row.
        Returns the references an earlier chunk loaded that this one loads again."""
        part = parsed.counted
        if extra is not None:
            part = part.assign(**{name: extra[name].to_numpy() for name in extra.columns})
        refs = part["occurrence_ref"].tolist()
        again = [] if self._seen.isdisjoint(refs) else [r for r in refs if r in self._seen]
        self._seen.update(refs)
        self._repeated = self._repeated or bool(again)
        self._parts.append(part)
        if len(parsed.duplicates):
            self._folded.append(parsed.duplicates[_FOLDED])
        self._keep_errors(parsed.errors)
        self._summaries.append(parsed.summary)
        return again

    def _keep_errors(self, errors: pd.DataFrame) -> None:
        room = None if self.max_errors is None else self.max_errors - self._errors_kept
        if len(errors) and (room is None or room > 0):
            kept = errors if room is None else errors.head(room)
            self._errors.append(kept)
            self._errors_kept += len(kept)

    def result(self) -> ChunkedParse:
        loaded = pd.concat(self._parts, ignore_index=True)
        folded = self._folded
        if self._repeated:  # earlier rows of references loaded again later
            dropped = loaded["occurrence_ref"].duplicated(keep="last").to_numpy()
            earlier = loaded.loc[dropped, ["source_row", "occurrence_ref", "offence_code"]]
            folded = [*folded, earlier.rename(columns={"source_row": "row"})]
            loaded = loaded[~dropped].reset_index(drop=True)
        if folded:
            duplicates = point_to_kept(pd.concat(folded, ignore_index=True), loaded)
            duplicates = duplicates.sort_values("row", kind="stable", ignore_index=True)
        else:
            duplicates = pd.DataFrame({c: pd.Series(dtype=object) for c in DUPLICATE_COLUMNS})
        summaries = self._summaries
        tally = Tally(
            rows_read=sum(s.rows_read for s in summaries),
            rows_rejected=sum(s.rows_rejected for s in summaries),
            fields=summaries[0].fields_supplied,
            flag_unknown=added(s.flag_unknown for s in summaries),
            unrecognised=added(s.unrecognised for s in summaries),
        )
        errors = (
            pd.concat(self._errors, ignore_index=True)
            if self._errors
            else pd.DataFrame({c: pd.Series(dtype=object) for c in ERROR_COLUMNS})
        )
        return ChunkedParse(loaded, errors, duplicates, summary(loaded, duplicates, tally))
