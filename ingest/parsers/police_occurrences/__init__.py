"""A force's depersonalised occurrence-level extract -> canonical records + validation.

Headings differ by force: mapping.py proposes which heading holds each canonical field,
the analyst confirms, and `parse(frame, mapping=...)` applies it. Without a mapping the
headings must be the canonical field names (the downloadable template). The fields, their
formats and these rules are written up for uploaders in
ingest/templates_data/police_occurrences_field_guide.md.

What counts as one occurrence (decided here, reported in every parse):
  - One row per occurrence_ref. A reference repeated in the file (an extract appended to,
    or re-run after an update) is one occurrence: the LAST valid row in file order is kept,
    on the reasoning that later rows carry the later state (classification, outcome). Each
    dropped row is listed in `duplicates` beside the row kept and both offence codes, and
    `summary.duplicates_other_offence` counts those whose code differed, which is the sign
    of a file written one row per offence rather than per occurrence.

A row is rejected (listed in `errors`, not loaded) for: a blank occurrence_ref, date or
offence code; a date that cannot be read or is before 1900 or after today; recorded before
committed; an offence code not in the taxonomy (aliases and "37/2" spellings resolve); an
age that is not a whole number from 0 to 120; a committed_time that is not a time; an
lsoa_code not shaped like one. A blank LSOA is loaded but cannot be placed in an area.

Values (all normalised over a column's DISTINCT values via pandas.factorize, then spread
back to the rows: a 1,000,000-row file has a few thousand distinct dates and a handful of
flag spellings, so the cost follows those and not the rows):
  - Dates: ISO yyyy-mm-dd, UK dd/mm/yyyy (or - or .), dd-Mon-yyyy, each with an optional
    time (as Excel and databases write them), and Excel serial day numbers. Day first,
    always: 05/04/2023 is 5 April. When no committed_time column is mapped and the
    committed dates carry times that are not all midnight, the time is taken from them.
  - Flags: Y/Yes/1/True/T or N/No/0/False/F in any case; anything else (blank included)
    is unknown, loaded as False and counted in `summary.flag_unknown`.
  - Ethnicity: the code exactly as given, never recoded or guessed. Its basis comes from
    the file's basis column where that says self- or officer-defined; otherwise from the
    code: Census codes (W1, A9, M3, NS...: the 16+1 and 18+1 lists) are self-defined,
    IC0-IC9 officer-defined, anything else has no basis.

The package, by concern:
    fields.py   canonical fields, vocabularies, error reasons; select_fields
    dates.py    dates and times in the layouts forces export
    values.py   a column's distinct values, row errors, outcome/location/ethnicity/age
    reader.py   the fields of a selected frame -> canonical records
    results.py  the parse result, repeated references, the summary; combine
    chunks.py   results of a file parsed chunk by chunk, combined as the whole file's
"""

import datetime as dt
from collections.abc import Mapping

import pandas as pd

from .chunks import ChunkedParse, ChunkLedger
from .dates import parse_datetimes, parse_times
from .fields import (
    BASIS_VALUES,
    CANONICAL_COLUMNS,
    DERIVED,
    DUPLICATE_COLUMNS,
    EARLIEST_YEAR,
    ERROR_COLUMNS,
    ERROR_REASONS,
    FALSE_VALUES,
    FIELDS,
    FLAGS,
    LOCATION_TYPES,
    LSOA_PATTERN,
    MAX_AGE,
    MISSING_SHARE_FIELDS,
    NON_RECENT_DAYS,
    OFFICER_DEFINED,
    OPTIONAL_FIELDS,
    PUBLIC_LOCATION_TYPES,
    REQUIRED_FIELDS,
    SELF_DEFINED,
    SEX_VALUES,
    SEXES,
    SOURCE_KEY,
    TRUE_VALUES,
    WHAT,
    select_fields,
)
from .reader import canonical
from .results import (
    OccurrenceParse,
    OccurrenceSummary,
    Tally,
    combine,
    counted,
    fold_duplicates,
    summary,
)
from .values import ethnicity_basis_of, location_type_of, outcome_of

__all__ = [
    "BASIS_VALUES",
    "CANONICAL_COLUMNS",
    "DERIVED",
    "DUPLICATE_COLUMNS",
    "EARLIEST_YEAR",
    "ERROR_COLUMNS",
    "ERROR_REASONS",
    "FALSE_VALUES",
    "FIELDS",
    "FLAGS",
    "LOCATION_TYPES",
    "LSOA_PATTERN",
    "MAX_AGE",
    "MISSING_SHARE_FIELDS",
    "NON_RECENT_DAYS",
    "OFFICER_DEFINED",
    "OPTIONAL_FIELDS",
    "PUBLIC_LOCATION_TYPES",
    "REQUIRED_FIELDS",
    "SELF_DEFINED",
    "SEXES",
    "SEX_VALUES",
    "SOURCE_KEY",
    "TRUE_VALUES",
    "WHAT",
    "ChunkLedger",
    "ChunkedParse",
    "OccurrenceParse",
    "OccurrenceSummary",
    "combine",
    "ethnicity_basis_of",
    "location_type_of",
    "outcome_of",
    "parse",
    "parse_datetimes",
    "parse_times",
    "select_fields",
]


def parse(
    frame: pd.DataFrame,
    *,
    mapping: Mapping[str, str] | None = None,
    today: dt.date | None = None,
) -> OccurrenceParse:
    """Parse one extract read by reading.py (strings, indexed by data row number).

    `mapping`: canonical field -> the file's heading (see mapping.py); None when the
    headings are already the canonical names. `today` bounds dates (default: today)."""
    frame = select_fields(frame, mapping)
    records, read = canonical(frame, today or dt.date.today())
    errors = read.errors.frame()
    is_valid = ~records["source_row"].isin(errors["row"]).to_numpy()
    valid = records[is_valid]
    loaded, folded = fold_duplicates(valid, read.distinct("occurrence_ref").codes[is_valid])
    tally = Tally(
        rows_read=len(frame),
        rows_rejected=len(records) - len(valid),
        fields=tuple(frame.columns),
        flag_unknown={f: read.flag_unknown[f] for f in FLAGS if f in frame},
        unrecognised=read.unrecognised,
    )
    loaded = loaded.reset_index(drop=True)
    kept = counted(loaded)
    return OccurrenceParse(
        loaded, errors[list(ERROR_COLUMNS)], folded, summary(kept, folded, tally), kept
    )
