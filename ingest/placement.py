"""Placing records in areas: LSOA (2011 or 2021) -> ward -> local authority (current).

Records in either LSOA vintage are placed in the 2011 geography (a 2021 code through the
best-fit lookup, when loaded), and local authorities abolished since are replaced by their
successor (Somerset's districts became Somerset Council in April 2023), so a time series
covers one geography."""

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pandas as pd

from .models import LsoaArea, LsoaBestFit

SUCCESSIONS = Path(__file__).resolve().parent / "reference_data" / "la_successions.csv"

NO_LOCATION = "no location"
LSOA21_NO_LOOKUP = "LSOA 2021 code, no 2011 to 2021 lookup loaded for it"
UNKNOWN_LSOA = "LSOA code not in the geography lookup"


@cache
def successors() -> dict[str, str]:
    with SUCCESSIONS.open(newline="", encoding="utf-8") as handle:
        return {row["old_code"]: row["new_code"] for row in csv.DictReader(handle)}


def current_code(code: str) -> str:
    return successors().get(code, code)


@dataclass
class Geography:
    lsoa: pd.DataFrame  # index code: ward_code, local_authority_code, vintage
    best_fit: dict[str, str]

    @classmethod
    def load(cls, codes: set[str] | None = None) -> "Geography":
        fits = LsoaBestFit.objects.all()
        if codes is not None:
            fits = fits.filter(lsoa21__in=codes)
        best_fit = dict(fits.values_list("lsoa21", "lsoa11"))
        wanted = None if codes is None else codes | set(best_fit.values())
        rows = LsoaArea.objects.all()
        if wanted is not None:
            rows = rows.filter(code__in=wanted)
        frame = pd.DataFrame.from_records(
            rows.values("code", "ward_code", "local_authority_code", "vintage"),
            columns=["code", "ward_code", "local_authority_code", "vintage"])
        return cls(frame.set_index("code"), best_fit)

    def merged(self, other: "Geography") -> "Geography":
        lsoa = pd.concat([self.lsoa, other.lsoa])
        return Geography(lsoa[~lsoa.index.duplicated()], {**self.best_fit, **other.best_fit})


def place(lsoa_codes: pd.Series, geography: Geography) -> pd.DataFrame:
    """For each LSOA code: vintage, ward, current local authority and, if unplaced, why.

    Worked out once per distinct code (an extract repeats a few thousand codes) and spread
    back to the rows."""
    codes, uniques = pd.factorize(lsoa_codes)
    distinct = pd.Series(uniques, dtype=object).astype(str).str.strip()
    distinct = pd.concat([distinct, pd.Series([""])], ignore_index=True)  # last: no code
    placed = _place_distinct(distinct, geography)
    return placed.take(codes).set_axis(lsoa_codes.index)  # code -1 (none) takes the last


def _place_distinct(codes: pd.Series, geography: Geography) -> pd.DataFrame:
    known = codes.isin(geography.lsoa.index)
    fitted = codes.map(geography.best_fit)
    via_fit = ~known & fitted.notna()
    lookup_code = codes.where(known, fitted)
    area = geography.lsoa.reindex(lookup_code.fillna(""))
    out = pd.DataFrame({
        "lsoa_vintage": pd.Series(area["vintage"].to_numpy(), index=codes.index),
        "ward_code": pd.Series(area["ward_code"].to_numpy(), index=codes.index).fillna(""),
        "local_authority_code": pd.Series(area["local_authority_code"].to_numpy(),
                                          index=codes.index).fillna("").map(current_code),
    })
    out.loc[via_fit, "lsoa_vintage"] = 2021
    out["unplaced_reason"] = ""
    missing = (out["local_authority_code"] == "") & (codes != "")
    newer = _looks_2021(codes)
    out.loc[(out["local_authority_code"] == "") & (codes == ""), "unplaced_reason"] = NO_LOCATION
    out.loc[missing & newer, "unplaced_reason"] = LSOA21_NO_LOOKUP
    out.loc[missing & ~newer, "unplaced_reason"] = UNKNOWN_LSOA
    return out


def _looks_2021(codes: pd.Series) -> pd.Series:
    """English LSOA codes first issued in 2021 (E01033769 and above)."""
    number = pd.to_numeric(codes.str[3:], errors="coerce")
    return (codes.str[:3] == "E01") & (number >= 33769)
