"""The canonical fields of a police occurrence extract, their vocabularies and why a row is
rejected; choosing a file's columns for them (select_fields)."""

from collections.abc import Mapping

import pandas as pd

from ..columns import heading_key, select_columns
from ..errors import ReadError

SOURCE_KEY = "police_occurrences"


def _split(text: str) -> tuple[str, ...]:
    """'a|b c|d' -> ('a', 'b c', 'd'): word lists kept short on the page."""
    return tuple(text.split("|"))


FLAGS = ("domestic_abuse", "knife", "firearm", "alcohol", "drugs", "hate")
# What a file supplies, in the template's column order.
FIELDS = (
    *_split("occurrence_ref|committed_date|committed_time|recorded_date|offence_code|"
            "offence_description|lsoa_code|ward_code|beat|location_type"),
    *FLAGS,
    *_split("victim_age|victim_sex|victim_ethnicity|victim_ethnicity_basis|suspect_age|"
            "suspect_sex|suspect_ethnicity|suspect_ethnicity_basis|outcome"),
)  # fmt: skip
REQUIRED_FIELDS = ("occurrence_ref", "committed_date", "recorded_date", "offence_code", "lsoa_code")
OPTIONAL_FIELDS = tuple(f for f in FIELDS if f not in REQUIRED_FIELDS)
DERIVED = _split(
    "public_place|category|offence_group|offence_subgroup|weapon_type|non_recent|financial_year"
)
CANONICAL_COLUMNS = ("source_row", *FIELDS, *DERIVED)
ERROR_COLUMNS = ("row", "field", "reason", "message", "value")
DUPLICATE_COLUMNS = ("row", "kept_row", "occurrence_ref", "offence_code", "kept_offence_code")

LOCATION_TYPES = _split("public_place|licensed_premises|commercial|education|dwelling|other")
PUBLIC_LOCATION_TYPES = frozenset({"public_place", "licensed_premises"})
SEXES = ("male", "female", "other", "unknown")
SELF_DEFINED, OFFICER_DEFINED = "self-defined", "officer-defined"
MAX_AGE = 120
NON_RECENT_DAYS = 365
EARLIEST_YEAR = 1900
MISSING_SHARE_FIELDS = _split(
    "victim_ethnicity|suspect_ethnicity|victim_age|suspect_age|victim_sex|suspect_sex|"
    "lsoa_code|location_type|committed_time"
)
WHAT = "a police occurrence extract"
# Why a row is rejected: reason -> message ({field} is the canonical field). Messages never
# hold the value (that is in the error's own `value` column, for the uploader's download).
ERROR_REASONS = {
    "missing_value": "{field} is blank.",
    "unparseable_date": "{field} is not a date from 1900 on (yyyy-mm-dd or dd/mm/yyyy, "
    "optionally with a time).",
    "future_date": "{field} is after today.",
    "recorded_before_committed": "{field} is before committed_date.",
    "unparseable_time": "{field} is not a time of day (HH:MM).",
    "unknown_offence_code": "{field} is not a Home Office offence code the platform knows.",
    "bad_lsoa_code": "{field} is not an LSOA code (E01 or W01 and six digits).",
    "unparseable_age": "{field} is not a number of years.",
    "impossible_age": f"{{field}} is an impossible age (not a whole number from 0 to {MAX_AGE}).",
}


def _spellings(text: str, meaning: object) -> dict[str, object]:
    """'a|b c' -> {'a': meaning, 'b c': meaning}: lower-case spellings, one meaning."""
    return dict.fromkeys(_split(text), meaning)


TRUE_VALUES = frozenset(_split("y|yes|1|true|t"))
FALSE_VALUES = frozenset(_split("n|no|0|false|f"))
SEX_VALUES = {
    **_spellings("m|male|man|boy", "male"),
    **_spellings("f|female|woman|girl", "female"),
    **_spellings("x|other|non-binary|nonbinary|indeterminate|i", "other"),
    **_spellings("u|unknown|not known|nk|not stated|ns|not recorded", "unknown"),
}
BASIS_VALUES = {
    **_spellings("sde|self|self defined|self-defined|selfdefined|16+1|18+1", SELF_DEFINED),
    **_spellings(
        "ode|officer|officer defined|officer-defined|officerdefined|ic|ic code|visual|"
        "observed|perceived",
        OFFICER_DEFINED,
    ),
}
LSOA_PATTERN = r"^[EW]01\d{6}$"


def select_fields(frame: pd.DataFrame, mapping: Mapping[str, str] | None = None) -> pd.DataFrame:
    """The file's columns renamed to canonical fields, in FIELDS order.

    `mapping` is canonical field -> the file's heading (headings match ignoring case and
    runs of spaces). Raises ReadError("missing_columns") for required fields with no column
    and for mapped headings the file does not have (a saved mapping that no longer fits)."""
    if mapping is None:
        selected = select_columns(frame, REQUIRED_FIELDS, OPTIONAL_FIELDS, WHAT)
        return selected[[f for f in FIELDS if f in selected.columns]]
    by_key = {heading_key(c): c for c in frame.columns}
    wanted = {f: h for f, h in mapping.items() if f in FIELDS and h}
    absent = {f: h for f, h in wanted.items() if heading_key(h) not in by_key}
    unmapped = [f for f in REQUIRED_FIELDS if f not in wanted]
    if absent or unmapped:
        problems = [f"no column is chosen for {', '.join(unmapped)}"] if unmapped else []
        problems += [
            f"the column {h!r} chosen for {f} is not in this file" for f, h in absent.items()
        ]
        raise ReadError(
            "missing_columns",
            f"The column mapping does not fit {WHAT}: {'; '.join(problems)}. Check the mapping "
            "and the file (its headings may have changed since the mapping was saved).",
            {"missing": unmapped + list(absent)},
        )
    fields = [f for f in FIELDS if f in wanted]
    return frame[[by_key[heading_key(wanted[f])] for f in fields]].set_axis(fields, axis=1)
