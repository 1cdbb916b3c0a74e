"""Data quality and gaps for the assessed year: sources not supplied, quarters not covered,
missing fields, records not placed in an area, records the definition left out, and which
rules could be applied to which source.

"sources" and "coverage" read everything supplied (`inputs`); the record-level tables read the
records the assessment counts (`selection`, assessed year), because their quality is what the
figures rest on. Those tables need police data; the others are shown without it (they are
how a reader learns it is missing). Quarter counts are MEASUREs, not COUNTs: they count
quarters, not people, and must not be suppressed as small numbers.
"""

from __future__ import annotations

import re
from typing import Any

import pandas as pd

from .inputs import Inputs, Selection
from .tables import COUNT, LABEL, MEASURE, PERCENT, TEXT, Column, Section, Table
from .volumes import as_text, year_start

SOURCES = ("police_occurrences", "police_uk_street", "istv", "hospital_admissions",
           "ambulance", "youth_justice", "indicator")
SUPPLIED, NOT_SUPPLIED = "supplied", "not_supplied"

POLICE_FIELDS = ("victim_age", "victim_sex", "victim_ethnicity", "suspect_age", "suspect_sex",
                 "suspect_ethnicity", "lsoa_code", "committed_time", "location_type")
STREET_FIELDS = ("lsoa_code",)

# Why a record has no local authority or ward (as ingest/placement.py decides it).
NO_LSOA, LSOA_2021_NO_LOOKUP, LSOA_UNKNOWN, NO_WARD = (
    "no_lsoa", "lsoa_2021_no_lookup", "lsoa_unknown", "no_ward")
FIRST_2021_LSOA = 33769  # English LSOA codes from E01033769 were first issued in 2021


def compute(inputs: Inputs, selection: Selection) -> Section:
    section = Section("quality")
    section.add(_sources(inputs))
    coverage = _coverage(inputs.coverage, inputs.financial_year)
    if coverage is None:
        section.notes.append({"key": "coverage_not_recorded"})
    else:
        section.add(coverage)
    police = _in_year(selection.police, inputs.financial_year)
    street = _in_year(selection.street, inputs.financial_year)
    if not selection.police.empty:
        section.add(_missing_fields(police, POLICE_FIELDS))
    elif not selection.street.empty:
        section.notes.append({"key": "coarse_police_uk"})
        section.add(_missing_fields(street, STREET_FIELDS))
    else:
        section.notes.append({"key": "no_police_data"})
    placed = {k: v for k, v in (("police_occurrences", police), ("police_uk_street", street))
              if not v.empty}
    if placed:
        section.add(_unplaced(placed))
        section.add(_lsoa_vintage(placed))
    section.add(_excluded(selection.excluded))
    section.add(_evaluability(selection.evaluability))
    return section


def _in_year(frame: pd.DataFrame, year: str) -> pd.DataFrame:
    if frame.empty or "financial_year" not in frame:
        return frame
    return frame[as_text(frame["financial_year"]) == year]


def _sources(inputs: Inputs) -> Table:
    """Each source: records for the assessed year and whether any were supplied."""
    year = inputs.financial_year
    frames = {"police_occurrences": [inputs.police], "police_uk_street": [inputs.street],
              "istv": [inputs.istv], "hospital_admissions": [inputs.admissions],
              "ambulance": [inputs.ambulance],
              "youth_justice": [inputs.youth_records, inputs.youth_aggregates]}
    records = {k: sum(len(_in_year(f, year)) for f in v) for k, v in frames.items()}
    records["indicator"] = _indicators_in_year(inputs.indicators, year)
    rows = [{"source": s, "records": records[s],
             "status": SUPPLIED if records[s] else NOT_SUPPLIED} for s in SOURCES]
    notes = [{"key": "sources_count_records"}]
    return Table("sources", [Column("source", LABEL), Column("records", COUNT),
                             Column("status", TEXT)], rows, notes=notes)


def _indicators_in_year(indicators: pd.DataFrame, year: str) -> int:
    """Indicator values whose period overlaps the financial year."""
    if indicators.empty:
        return 0
    start = year_start(year)
    end = start + pd.DateOffset(years=1, days=-1)
    overlaps = ((pd.to_datetime(indicators["period_start"]) <= end)
                & (pd.to_datetime(indicators["period_end"]) >= start))
    return int(overlaps.sum())


def quarter_label(raw: str) -> str:
    """"2023Q1" (April-June 2023) from "2023Q1", "2023 Q1" or "2023/24 Q1"; "" otherwise."""
    found = re.match(r"^\s*(\d{4})(?:/\d{2})?\s*Q([1-4])\s*$", raw)
    return f"{found[1]}Q{found[2]}" if found else ""


def _coverage(coverage: pd.DataFrame, year: str) -> Table | None:
    """Per source and organisation: the assessed year's quarters loaded, partly loaded and
    missing (superseded-only quarters count as missing: the assessment does not use them)."""
    if coverage.empty:
        return None
    quarters = [f"{year[:4]}Q{n}" for n in (1, 2, 3, 4)]
    frame = coverage.assign(quarter=as_text(coverage["quarter"]).map(quarter_label),
                            source=as_text(coverage["source"]),
                            organisation=_organisation(coverage),
                            status=as_text(coverage["status"]))
    rows = [_coverage_row(source, organisation, group, quarters)
            for (source, organisation), group in frame.groupby(["source", "organisation"])]
    columns = [Column("source", LABEL), Column("organisation", LABEL),
               Column("loaded", MEASURE), Column("partial", MEASURE), Column("missing", MEASURE),
               Column("missing_quarters", TEXT), Column("partial_quarters", TEXT)]
    return Table("coverage", columns, rows)


def _organisation(coverage: pd.DataFrame) -> pd.Series:
    names = as_text(coverage["organisation_name"])
    return names.where(names != "", as_text(coverage["organisation_id"]))


def _coverage_row(source: str, organisation: str, group: pd.DataFrame,
                  quarters: list[str]) -> dict[str, Any]:
    statuses = group.groupby("quarter")["status"].agg(set)
    state = {q: _best(statuses.get(q, set())) for q in quarters}
    missing = [q for q in quarters if state[q] == "missing"]
    partial = [q for q in quarters if state[q] == "partial"]
    return {"source": source, "organisation": organisation,
            "loaded": sum(s == "loaded" for s in state.values()), "partial": len(partial),
            "missing": len(missing), "missing_quarters": ", ".join(missing),
            "partial_quarters": ", ".join(partial)}


def _best(statuses: set[str]) -> str:
    # Several rows for one quarter (e.g. two extracts): the best coverage wins.
    for status in ("loaded", "partial"):
        if status in statuses:
            return status
    return "missing"


def is_missing(values: pd.Series) -> pd.Series:
    """Blank text or a missing value (ages, dates)."""
    return values.isna() | (as_text(values) == "")


def _missing_fields(records: pd.DataFrame, fields: tuple[str, ...]) -> Table:
    total = len(records)
    rows = []
    for field in fields:
        missing = int(is_missing(records[field]).sum())
        rows.append({"field": field, "missing": missing, "total": total,
                     "percent": 100 * missing / total if total else None})
    columns = [Column("field", LABEL), Column("missing", COUNT), Column("total", COUNT),
               Column("percent", PERCENT, ("missing", "total"))]
    return Table("missing_fields", columns, rows, notes=[{"key": "missing_fields_blank"}])


def unplaced_reason(records: pd.DataFrame) -> pd.Series:
    """Why each record is not placed ("" when it has a local authority and a ward)."""
    lsoa = as_text(records["lsoa_code"]).str.upper()
    no_area = as_text(records["local_authority_code"]) == ""
    reason = pd.Series("", index=records.index, dtype=object)
    reason[~no_area & (as_text(records["ward_code"]) == "")] = NO_WARD
    reason[no_area & (lsoa != "")] = LSOA_UNKNOWN
    unplaced = lsoa[no_area]  # usually few: the code test runs on those only
    reason[unplaced.index[looks_2021(unplaced)]] = LSOA_2021_NO_LOOKUP
    reason[no_area & (lsoa == "")] = NO_LSOA
    return reason


def looks_2021(lsoa: pd.Series) -> pd.Series:
    """English LSOA codes first issued in 2021 (as ingest/placement.py tells them)."""
    number = pd.to_numeric(lsoa.str[3:], errors="coerce")
    return (lsoa.str[:3] == "E01") & (number >= FIRST_2021_LSOA)


def _unplaced(sources: dict[str, pd.DataFrame]) -> Table:
    rows = []
    for source, records in sources.items():
        counts = unplaced_reason(records).value_counts()
        rows += [{"source": source, "reason": r, "count": int(counts.get(r, 0)),
                  "total": len(records), "percent": float(100 * counts.get(r, 0) / len(records))}
                 for r in (NO_LSOA, LSOA_2021_NO_LOOKUP, LSOA_UNKNOWN, NO_WARD)]
    return Table("unplaced", _share_columns("reason"), rows)


def _lsoa_vintage(sources: dict[str, pd.DataFrame]) -> Table:
    """Records by the vintage of their LSOA code (real extracts mix 2011 and 2021)."""
    rows = []
    for source, records in sources.items():
        counts = pd.to_numeric(records["lsoa_vintage"], errors="coerce").value_counts()
        counts.index = [str(int(v)) for v in counts.index]
        unknown = len(records) - int(counts.sum())
        if unknown:
            counts["unknown"] = unknown
        rows += [{"source": source, "vintage": v, "count": int(counts[v]),
                  "total": len(records), "percent": float(100 * counts[v] / len(records))}
                 for v in sorted(counts.index)]
    return Table("lsoa_vintage", _share_columns("vintage"), rows)


def _share_columns(label: str) -> list[Column]:
    return [Column("source", LABEL), Column(label, LABEL), Column("count", COUNT),
            Column("total", COUNT), Column("percent", PERCENT, ("count", "total"))]


def _excluded(excluded: pd.DataFrame) -> Table:
    frame = excluded.assign(source=as_text(excluded["source"]),
                            reason=as_text(excluded["reason"]))
    frame = frame.sort_values(["source", "count", "reason"], ascending=[True, False, True])
    rows = [{"source": s, "reason": r, "count": int(n)}
            for s, r, n in zip(frame["source"], frame["reason"], frame["count"], strict=True)]
    return Table("excluded", [Column("source", LABEL), Column("reason", LABEL),
                              Column("count", COUNT)], rows)


def _evaluability(evaluability: dict[str, dict[str, str]]) -> Table:
    rows = [{"source": source, "rule": rule, "status": status}
            for source, rules in evaluability.items() for rule, status in rules.items()]
    return Table("evaluability", [Column("source", LABEL), Column("rule", LABEL),
                                  Column("status", TEXT)], rows)
