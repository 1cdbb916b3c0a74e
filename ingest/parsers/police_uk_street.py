"""data.police.uk monthly street-level crime files -> canonical records + validation.

What counts as one crime (decided here, reported in every parse):
  - A non-blank Crime ID is one crime per (Crime ID, month). The published files repeat an
    ID within a month, usually with a different "Last outcome category" and sometimes a
    different Location. We keep the LAST row in file order (its outcome, location and
    all) and list every folded row in `folded`, so each difference between raw rows and
    loaded records is explained row by row.
  - Anti-social behaviour rows have no Crime ID and are never de-duplicated: identical ASB
    rows are separate incidents snapped to the same anonymised point. The same goes for
    any other row with a blank ID.
  - A blank LSOA ("No Location": no coordinates, no LSOA) is loaded but counted as
    unplaced; it cannot be attributed to an area.

A row is rejected (listed in `errors`, not loaded) for an unparseable month, a month after
the current one, an unknown crime type, or coordinates that are not numbers in range.
"""

import datetime as dt
from dataclasses import dataclass, field

import pandas as pd

from ingest.taxonomy import load_taxonomy

from .columns import select_columns

SOURCE_KEY = "police_uk_street"
REQUIRED_COLUMNS = (
    "Crime ID",
    "Month",
    "Falls within",
    "Longitude",
    "Latitude",
    "Location",
    "LSOA code",
    "LSOA name",
    "Crime type",
    "Last outcome category",
)
OPTIONAL_COLUMNS = ("Reported by", "Context")
CANONICAL_COLUMNS = (
    "source_row",
    "month",
    "crime_id",
    "reported_by",
    "falls_within",
    "longitude",
    "latitude",
    "location",
    "lsoa_code",
    "lsoa_name",
    "crime_type",
    "coarse_category",
    "outcome",
    "placed",
)
ERROR_COLUMNS = ("row", "field", "reason", "message", "value")
FOLDED_COLUMNS = ("row", "kept_row", "crime_id", "month", "crime_type", "lsoa_code")
ASB = "Anti-social behaviour"


@dataclass(frozen=True)
class StreetSummary:
    rows_read: int
    rows_rejected: int
    rows_loaded: int
    repeats_folded: int  # rows dropped as earlier versions of a repeated (Crime ID, month)
    crime_ids_repeated: int  # distinct (Crime ID, month) pairs that had repeats
    asb_rows: int
    unplaced_rows: int  # loaded rows with no LSOA ("No Location")
    by_crime_type: dict[str, int] = field(default_factory=dict)
    by_coarse_category: dict[str, int] = field(default_factory=dict)


@dataclass
class StreetParse:
    records: pd.DataFrame  # CANONICAL_COLUMNS, one row per crime or ASB incident
    errors: pd.DataFrame  # ERROR_COLUMNS, one row per problem (a row may have several)
    folded: pd.DataFrame  # FOLDED_COLUMNS, the repeated-ID rows that were not loaded
    summary: StreetSummary


def _text(values: pd.Series) -> pd.Series:
    """Stripped text with blanks as <NA>."""
    stripped = values.astype("string").str.strip()
    return stripped.mask(stripped == "")


def _error(
    rows: pd.Series, field_name: str, reason: str, message: str, values: pd.Series
) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "row": rows.to_numpy(),
            "field": field_name,
            "reason": reason,
            "message": message,
            "value": values.fillna("").to_numpy(),
        }
    )


def _parse_month(raw: pd.Series, today: dt.date) -> tuple[pd.Series, list[pd.DataFrame]]:
    month = pd.to_datetime(raw, format="%Y-%m", errors="coerce")
    bad = month.isna()
    future = month > pd.Timestamp(today.year, today.month, 1)
    rows = raw.index.to_series()
    errors = [
        _error(
            rows[bad],
            "Month",
            "unparseable_month",
            "Month is not a year and month (YYYY-MM).",
            raw[bad],
        ),
        _error(
            rows[future], "Month", "future_month", "Month is after the current month.", raw[future]
        ),
    ]
    return month.mask(future), errors


def _parse_crime_type(raw: pd.Series) -> tuple[pd.Series, pd.Series, list[pd.DataFrame]]:
    types = load_taxonomy().police_uk_types
    canonical = dict(zip(types["crime_type"].str.casefold(), types["crime_type"], strict=True))
    coarse = dict(zip(types["crime_type"], types["coarse_category"], strict=True))
    crime_type = raw.str.casefold().map(canonical).astype("string")
    unknown = crime_type.isna()
    message = "Crime type is not one of the 14 data.police.uk crime types."
    errors = [
        _error(
            raw.index.to_series()[unknown],
            "Crime type",
            "unknown_crime_type",
            message,
            raw[unknown],
        )
    ]
    return crime_type, crime_type.map(coarse).astype("string"), errors


def _parse_coordinates(
    longitude: pd.Series, latitude: pd.Series
) -> tuple[pd.Series, pd.Series, list[pd.DataFrame]]:
    lon = pd.to_numeric(longitude, errors="coerce").astype("Float64")
    lat = pd.to_numeric(latitude, errors="coerce").astype("Float64")
    not_number = (longitude.notna() & lon.isna()) | (latitude.notna() & lat.isna())
    out_of_range = (lon.abs() > 180).fillna(False) | (lat.abs() > 90).fillna(False)
    half = lon.isna() != lat.isna()
    bad = not_number | out_of_range | half
    message = "Longitude and latitude must both be numbers in range, or both blank."
    shown = longitude.fillna("") + " " + latitude.fillna("")
    errors = [
        _error(
            longitude.index.to_series()[bad],
            "Longitude/Latitude",
            "bad_coordinates",
            message,
            shown[bad],
        )
    ]
    return lon, lat, errors


def _canonical(frame: pd.DataFrame, today: dt.date) -> tuple[pd.DataFrame, pd.DataFrame]:
    raw = {name: _text(frame[name]) for name in frame.columns}
    month, month_errors = _parse_month(raw["Month"].fillna(""), today)
    crime_type, coarse, type_errors = _parse_crime_type(raw["Crime type"].fillna(""))
    lon, lat, coordinate_errors = _parse_coordinates(raw["Longitude"], raw["Latitude"])
    records = pd.DataFrame(
        {
            "source_row": frame.index.to_numpy(),
            "month": month.to_numpy(),
            "crime_id": raw["Crime ID"],
            "reported_by": raw.get(
                "Reported by", pd.Series(pd.NA, index=frame.index, dtype="string")
            ),
            "falls_within": raw["Falls within"],
            "longitude": lon,
            "latitude": lat,
            "location": raw["Location"],
            "lsoa_code": raw["LSOA code"],
            "lsoa_name": raw["LSOA name"],
            "crime_type": crime_type,
            "coarse_category": coarse,
            "outcome": raw["Last outcome category"],
        },
        index=frame.index,
    )
    records["placed"] = records["lsoa_code"].notna()
    errors = pd.concat([*month_errors, *type_errors, *coordinate_errors], ignore_index=True)
    return records, errors.sort_values(["row", "field"], ignore_index=True)


def _fold_repeats(records: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Keep the last row of each (Crime ID, month); blank IDs are never folded."""
    keyed = records["crime_id"].notna()
    key = ["crime_id", "month"]
    superseded = keyed & records.duplicated(subset=key, keep="last")
    last_rows = records[keyed].drop_duplicates(subset=key, keep="last").set_index(key)["source_row"]
    folded = records.loc[superseded, ["source_row", "crime_id", "month", "crime_type", "lsoa_code"]]
    kept = last_rows.reindex(pd.MultiIndex.from_frame(folded[key])).to_numpy()
    folded = folded.rename(columns={"source_row": "row"}).assign(kept_row=kept)
    return records[~superseded], folded[list(FOLDED_COLUMNS)].reset_index(drop=True)


def _counts(values: pd.Series) -> dict[str, int]:
    return {str(k): int(v) for k, v in values.value_counts().sort_index().items()}


def parse(frame: pd.DataFrame, *, today: dt.date | None = None) -> StreetParse:
    """Parse one street file read by reading.py (strings, indexed by data row number)."""
    frame = select_columns(
        frame, REQUIRED_COLUMNS, OPTIONAL_COLUMNS, "a data.police.uk street file"
    )
    records, errors = _canonical(frame, today or dt.date.today())
    valid = records[~records["source_row"].isin(errors["row"])]
    loaded, folded = _fold_repeats(valid)
    loaded = loaded[list(CANONICAL_COLUMNS)].reset_index(drop=True)
    summary = StreetSummary(
        rows_read=len(frame),
        rows_rejected=len(records) - len(valid),
        rows_loaded=len(loaded),
        repeats_folded=len(folded),
        crime_ids_repeated=folded[["crime_id", "month"]].drop_duplicates().shape[0],
        asb_rows=int((loaded["crime_type"] == ASB).sum()),
        unplaced_rows=int((~loaded["placed"]).sum()),
        by_crime_type=_counts(loaded["crime_type"]),
        by_coarse_category=_counts(loaded["coarse_category"]),
    )
    return StreetParse(loaded, errors[list(ERROR_COLUMNS)], folded, summary)
