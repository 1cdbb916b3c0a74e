"""Building blocks shared by the parsers for health, youth justice, indicator and reference data.

Every parser here takes a frame of strings from reading.py (indexed by 1-based data row
number) and returns a `ParseResult`: canonical `records` (with `source_row`), `errors` (one
row per problem: row, field, reason, message, value) and a `Summary`. A row with any error
is rejected whole; `rows_read == rows_rejected + rows_loaded + duplicates` always holds.

Messages are plain English and say what to fix. They never contain a cell value: the value
goes in the `value` column (blank where the value itself may be personal data).

By concern:
    results.py     Summary, ParseResult, Problems (row errors); finish, fold_keyed, counts
    text.py        headings (find_column, loose_key), text over distinct values, label_key
    dates.py       dates and financial years: parse, check, bounds
    codes.py       numbers, sex, ONS area codes, postcode districts, LSOA and offence codes
    vocabulary.py  classify (free text to a vocabulary), age bands
"""

from .codes import (
    AREA_LEVELS,
    area_levels,
    check_area_codes,
    check_lsoa_codes,
    check_postcode_districts,
    normalise_sex,
    parse_numbers,
    taxonomy_codes,
)
from .dates import (
    DATE_FORMATS,
    DATE_FORMATS_TRIED,
    bounds,
    check_dates,
    check_future_years,
    financial_year_bounds,
    financial_year_of,
    parse_datetimes,
    parse_financial_years,
)
from .results import (
    ERROR_COLUMNS,
    ParseResult,
    Problems,
    Summary,
    counts,
    finish,
    fold_keyed,
    require_value,
    sums,
)
from .text import (
    blank,
    column_text,
    find_column,
    label_key,
    loose_key,
    missing_columns_error,
    per_distinct,
    text,
)
from .vocabulary import classify, parse_age_bands

__all__ = [
    "AREA_LEVELS",
    "DATE_FORMATS",
    "DATE_FORMATS_TRIED",
    "ERROR_COLUMNS",
    "ParseResult",
    "Problems",
    "Summary",
    "area_levels",
    "blank",
    "bounds",
    "check_area_codes",
    "check_dates",
    "check_future_years",
    "check_lsoa_codes",
    "check_postcode_districts",
    "classify",
    "column_text",
    "counts",
    "financial_year_bounds",
    "financial_year_of",
    "find_column",
    "finish",
    "fold_keyed",
    "label_key",
    "loose_key",
    "missing_columns_error",
    "normalise_sex",
    "parse_age_bands",
    "parse_datetimes",
    "parse_financial_years",
    "parse_numbers",
    "per_distinct",
    "require_value",
    "sums",
    "taxonomy_codes",
    "text",
]
