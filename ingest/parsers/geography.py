"""ONS geography lookups -> canonical reference frames.

Which lookup a file is comes from its ONS column codes, whatever the vintage year:
  LSOAyyCD, LSOAyyNM, WDyyCD, WDyyNM, LADyyCD, LADyyNM   -> "lsoa"   (LSOA -> ward -> LA)
  LADyyCD, LADyyNM, CSPyyCD, CSPyyNM, PFAyyCD, PFAyyNM   -> "local_authority"
  LSOA11CD, LSOA21CD                                     -> "lsoa_best_fit" (2021 -> 2011)
  LSOA11CD, IMD19 (or IMDyy rank)                        -> "deprivation"

An "lsoa" lookup may also give each LSOA's area, for densities, in one of AREA_COLUMNS:
ONS boundary files' Shape__Area (square metres), the Standard Area Measurements' AREAEHECT
(hectares, to the extent of the realm) or area_km2. It becomes `area_km2`; a blank, unreadable
or non-positive area is left empty. Without such a column the frame has no `area_km2`, so
loading the lookup leaves areas loaded before as they are.
"""

import re
from dataclasses import dataclass

import pandas as pd

from .errors import ReadError

_CODE = re.compile(r"^(LSOA|WD|LAD|CSP|PFA)(\d\d)(CD|NM)$", re.IGNORECASE)
# Area column (matched ignoring case) -> square kilometres per unit.
AREA_COLUMNS = {"shape__area": 1e-6, "areaehect": 0.01, "area_km2": 1.0}
_IMD = re.compile(r"^IMD(\d\d)$", re.IGNORECASE)


@dataclass
class GeographyParse:
    kind: str
    vintage: int | None
    frame: pd.DataFrame


def _columns(frame: pd.DataFrame) -> dict[tuple[str, str], tuple[str, int]]:
    """{(prefix, CD|NM): (column name, year)} for every ONS code column."""
    found = {}
    for column in frame.columns:
        match = _CODE.match(str(column).strip())
        if match:
            prefix, year, part = match.group(1).upper(), int(match.group(2)), match.group(3).upper()
            found.setdefault((prefix, part), (column, 2000 + year))
    return found


def _text(series: pd.Series) -> pd.Series:
    return series.astype("string").str.strip().fillna("")


def parse(frame: pd.DataFrame) -> GeographyParse:
    cols = _columns(frame)
    lsoa_codes = [c for c in frame.columns if re.match(r"^LSOA\d\dCD$", str(c), re.I)]
    if len(lsoa_codes) >= 2:
        return _best_fit(frame, lsoa_codes)
    imd = [c for c in frame.columns if _IMD.match(str(c).strip())]
    if ("LSOA", "CD") in cols and imd:
        return _deprivation(frame, cols, imd[0])
    if {("LSOA", "CD"), ("LAD", "CD")} <= cols.keys():
        return _lsoa(frame, cols)
    if {("LAD", "CD"), ("CSP", "CD"), ("PFA", "CD")} <= cols.keys():
        return _local_authority(frame, cols)
    raise ReadError(
        "unknown_lookup",
        "This does not look like an ONS geography lookup. Expected columns such as "
        "LSOA11CD with WD19CD and LAD19CD, or LAD19CD with CSP19CD and PFA19CD, or "
        "LSOA11CD with LSOA21CD.",
    )


def _pick(frame, cols, prefix, part) -> pd.Series:
    if (prefix, part) not in cols:
        return pd.Series([""] * len(frame), index=frame.index, dtype="string")
    return _text(frame[cols[(prefix, part)][0]])


def _lsoa(frame, cols) -> GeographyParse:
    vintage = 2011 if cols[("LSOA", "CD")][1] < 2021 else 2021
    out = pd.DataFrame(
        {
            "code": _pick(frame, cols, "LSOA", "CD"),
            "name": _pick(frame, cols, "LSOA", "NM"),
            "ward_code": _pick(frame, cols, "WD", "CD"),
            "ward_name": _pick(frame, cols, "WD", "NM"),
            "local_authority_code": _pick(frame, cols, "LAD", "CD"),
            "local_authority_name": _pick(frame, cols, "LAD", "NM"),
        }
    )
    out["vintage"] = vintage
    area = _area_km2(frame)
    if area is not None:
        out["area_km2"] = area
    return GeographyParse("lsoa", vintage, out[out["code"] != ""].drop_duplicates("code"))


def _area_km2(frame: pd.DataFrame) -> pd.Series | None:
    """The LSOAs' areas in square kilometres, from the first area column found."""
    by_key = {str(c).strip().lower(): c for c in frame.columns}
    for key, per_unit in AREA_COLUMNS.items():
        if key in by_key:
            text = _text(frame[by_key[key]]).str.replace(",", "", regex=False)
            area = pd.to_numeric(text, errors="coerce") * per_unit
            return area.where(area > 0).astype("float64")
    return None


def _local_authority(frame, cols) -> GeographyParse:
    out = pd.DataFrame(
        {
            "code": _pick(frame, cols, "LAD", "CD"),
            "name": _pick(frame, cols, "LAD", "NM"),
            "csp_code": _pick(frame, cols, "CSP", "CD"),
            "csp_name": _pick(frame, cols, "CSP", "NM"),
            "pfa_code": _pick(frame, cols, "PFA", "CD"),
            "pfa_name": _pick(frame, cols, "PFA", "NM"),
        }
    )
    return GeographyParse(
        "local_authority", cols[("LAD", "CD")][1], out[out["code"] != ""].drop_duplicates("code")
    )


def _best_fit(frame, lsoa_codes) -> GeographyParse:
    by_year = {int(str(c)[4:6]): c for c in lsoa_codes}
    if 11 not in by_year or 21 not in by_year:
        raise ReadError("unknown_lookup", "An LSOA best-fit lookup needs LSOA11CD and LSOA21CD.")
    out = pd.DataFrame({"lsoa21": _text(frame[by_year[21]]), "lsoa11": _text(frame[by_year[11]])})
    out = out[(out["lsoa21"] != "") & (out["lsoa11"] != "")]
    # A 2021 LSOA merged from several 2011 LSOAs keeps the first listed: a best fit.
    return GeographyParse("lsoa_best_fit", 2021, out.drop_duplicates("lsoa21"))


def _deprivation(frame, cols, imd_column) -> GeographyParse:
    rank = pd.to_numeric(frame[imd_column], errors="coerce")
    out = pd.DataFrame({"code": _pick(frame, cols, "LSOA", "CD"), "imd_rank": rank})
    return GeographyParse(
        "deprivation", 2000 + int(str(imd_column)[3:5]), out.dropna(subset=["imd_rank"])
    )
