"""Numbers, sex and codes (ONS area codes, postcode districts, LSOA codes, offence codes)
read over a column's distinct values, with the row errors they find."""

from collections.abc import Iterable

import pandas as pd

from ingest.taxonomy import normalise_offence_code

from .results import Problems
from .text import per_distinct


def parse_numbers(raw: pd.Series) -> pd.Series:
    """' 1,234 ' -> 1234.0; '-00' -> 0.0 (spreadsheet zero); blank or text -> <NA>."""

    def read(distinct: pd.Series) -> pd.Series:
        cleaned = distinct.str.strip().str.replace(",", "", regex=False)
        return pd.to_numeric(cleaned, errors="coerce").astype("Float64")

    return per_distinct(raw.astype("string"), read).astype("Float64")


_SEX = {
    "m": "male", "male": "male", "males": "male", "man": "male", "1": "male",
    "f": "female", "female": "female", "females": "female", "woman": "female", "2": "female",
    "persons": "persons", "person": "persons", "all persons": "persons", "all": "persons",
    "total": "persons", "p": "persons",
    "other": "other", "indeterminate": "other", "x": "other", "9": "other",
    "unknown": "unknown", "not known": "unknown", "not stated": "unknown", "u": "unknown",
    "0": "unknown",
}  # fmt: skip
# NHS Data Dictionary PERSON STATED GENDER CODE: 1 male, 2 female, 9 indeterminate, 0 not known.


def normalise_sex(raw: pd.Series) -> pd.Series:
    """male / female / persons / other / unknown; <NA> for blank or unrecognised."""
    return per_distinct(
        raw.astype("string"), lambda d: d.str.casefold().str.strip().map(_SEX)
    ).astype("string")


_AREA_LEVELS = {
    "E01": "lsoa", "W01": "lsoa", "E02": "msoa", "W02": "msoa", "E05": "ward", "W05": "ward",
    "E06": "local_authority", "E07": "local_authority", "E08": "local_authority",
    "E09": "local_authority", "W06": "local_authority", "E10": "county", "E12": "region",
    "E22": "csp", "W14": "csp", "E23": "pfa", "W15": "pfa", "E92": "country",
    "W92": "country",
}  # fmt: skip
# ONS GSS code prefixes (LA -> CSP -> PFA codes as in LAD19_CSP19_PFA19_EW_LU.csv).
AREA_LEVELS = tuple(dict.fromkeys(_AREA_LEVELS.values()))


def area_levels(codes: pd.Series) -> pd.Series:
    """ONS area code -> 'lsoa', 'ward', 'local_authority', ... ; <NA> if not a known code."""

    def level(distinct: pd.Series) -> pd.Series:
        upper = distinct.str.upper()
        well_formed = upper.str.fullmatch(r"[EW]\d{8}").fillna(False)
        return upper.str[:3].map(_AREA_LEVELS).where(well_formed)

    return per_distinct(codes.astype("string"), level).astype("string")


def check_area_codes(
    problems: Problems, codes: pd.Series, field_name: str, levels: Iterable[str] | None = None
) -> pd.Series:
    """Record codes that are not ONS codes (of one of `levels`); return each code's level."""
    level = area_levels(codes)
    allowed = tuple(levels) if levels else AREA_LEVELS
    problems.add(
        codes.notna() & ~level.isin(allowed).fillna(False),
        field_name,
        "unknown_area_code",
        f"{field_name} is not an ONS code of a "
        f"{' or '.join(a.replace('_', ' ') for a in allowed)} (such as E01014399).",
        codes,
    )
    return level


_DISTRICT = r"[A-Z]{1,2}\d[A-Z\d]?"
_FULL_POSTCODE = rf"{_DISTRICT}\s*\d[A-Z]{{2}}"


def check_postcode_districts(problems: Problems, raw: pd.Series, field_name: str) -> pd.Series:
    """Outward codes such as 'BH1' or 'SW1A', upper case without spaces.

    A full unit postcode is personal data: the row is rejected and its value not repeated.
    """
    upper = per_distinct(
        raw.astype("string"), lambda d: d.str.upper().str.replace(r"\s+", " ", regex=True)
    ).astype("string")
    full = per_distinct(upper, lambda d: d.str.fullmatch(_FULL_POSTCODE)).fillna(False)
    problems.add(
        full,
        field_name,
        "full_postcode",
        f"{field_name} holds a full postcode. Give only the outward code (such as BH1): "
        "a full postcode can identify a person.",
    )
    district = per_distinct(upper, lambda d: d.str.fullmatch(_DISTRICT)).fillna(False)
    bad = raw.notna() & ~full & ~district
    problems.add(
        bad,
        field_name,
        "bad_postcode_district",
        f"{field_name} is not an outward postcode (the part before the space, such as BH1).",
        raw,
    )
    return upper.where(~full & ~bad).astype("string")


def check_lsoa_codes(problems: Problems, raw: pd.Series, field_name: str) -> pd.Series:
    upper = per_distinct(raw.astype("string"), lambda d: d.str.upper()).astype("string")
    lsoa = per_distinct(upper, lambda d: d.str.fullmatch(r"[EW]01\d{6}")).fillna(False)
    bad = raw.notna() & ~lsoa
    problems.add(
        bad,
        field_name,
        "bad_lsoa_code",
        f"{field_name} is not an LSOA code (E01 or W01 and six digits, such as E01014399).",
        raw,
    )
    return upper.where(~bad).astype("string")


def taxonomy_codes(taxonomy) -> dict[str, str]:
    """normalise_offence_code(spelling) -> the taxonomy's code, for codes and their aliases.

    Built here rather than with Taxonomy.resolve_code, which upper-cases the code it is
    given and so misses the one mixed-case code ("UK Finance")."""
    codes = {normalise_offence_code(c): c for c in taxonomy.offences.index}
    aliases = taxonomy.aliases
    return codes | {
        normalise_offence_code(a): c for a, c in zip(aliases["alias"], aliases["code"], strict=True)
    }
