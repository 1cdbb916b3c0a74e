"""Reading the canonical fields of one selected frame into canonical records, collecting
row errors and the counts the summary reports."""

import datetime as dt
from collections.abc import Callable

import numpy as np
import pandas as pd

from ingest.taxonomy import load_taxonomy

from .dates import hhmm, parse_datetimes, parse_times
from .fields import (
    BASIS_VALUES,
    CANONICAL_COLUMNS,
    FALSE_VALUES,
    FLAGS,
    LSOA_PATTERN,
    NON_RECENT_DAYS,
    PUBLIC_LOCATION_TYPES,
    SEX_VALUES,
    TRUE_VALUES,
)
from .values import (
    Distinct,
    RowErrors,
    ethnicity_basis_of,
    financial_year,
    location_type_of,
    lookup,
    outcome_of,
    parse_ages,
)


class Reader:
    """Normalises the columns of one selected frame, collecting errors and counts."""

    def __init__(self, frame: pd.DataFrame, today: dt.date):
        self.frame, self.index, self.today = frame, frame.index, pd.Timestamp(today)
        self.errors = RowErrors(frame.index)
        self.unrecognised: dict[str, int] = {}
        self.flag_unknown: dict[str, int] = {}
        self._distinct: dict[str, Distinct] = {}
        self._text: dict[str, pd.Series] = {}

    def distinct(self, name: str) -> Distinct:
        if name not in self._distinct:
            raw = self.frame[name] if name in self.frame else pd.Series("", index=self.index)
            self._distinct[name] = Distinct.of(raw)
        return self._distinct[name]

    def raw(self, name: str) -> pd.Series:
        if name not in self._text:
            self._text[name] = self.distinct(name).text(self.index)
        return self._text[name]

    def per_value(self, name: str, convert: Callable[[pd.Series], pd.Series]) -> pd.Series:
        column = self.distinct(name)
        return column.spread(convert(column.values), self.index)

    def count_unrecognised(self, name: str, converted: pd.Series) -> None:
        """Rows whose non-blank value `converted` (per distinct value) could not read."""
        if name in self.frame:
            column = self.distinct(name)
            self.unrecognised[name] = column.rows(converted.isna() & (column.values != ""))

    def blank(self, name: str) -> np.ndarray:
        """Per row: is the value blank? (Worked out over the distinct values.)"""
        column = self.distinct(name)
        return column.spread((column.values == "").to_numpy(), self.index).to_numpy()

    def required_text(self, name: str) -> pd.Series:
        text = self.raw(name)
        self.errors.add(self.blank(name), name, "missing_value", text)
        return text

    def date(self, name: str) -> tuple[pd.Series, pd.Series]:
        column = self.distinct(name)
        parsed, has_time = parse_datetimes(column.values)
        stamps = column.spread(parsed, self.index)
        text, blank = self.raw(name), self.blank(name)
        bad, future = stamps.isna().to_numpy() & ~blank, stamps.dt.normalize() > self.today
        self.errors.add(blank, name, "missing_value", text)
        self.errors.add(bad, name, "unparseable_date", text)
        self.errors.add(future, name, "future_date", text)
        return stamps.mask(future), column.spread(has_time.to_numpy(), self.index)

    def committed_time(self, committed: pd.Series, has_time: pd.Series) -> pd.Series:
        if "committed_time" in self.frame:
            times = self.per_value("committed_time", parse_times)
            text = self.raw("committed_time")
            bad = times.isna() & text.notna()
            self.errors.add(bad, "committed_time", "unparseable_time", text)
            return times
        stamped = committed.where(has_time.astype(bool))
        if (stamped.notna() & (stamped.dt.normalize() != stamped)).any():
            return hhmm(stamped)  # times in the date column, not all midnight: real ones
        return pd.Series(pd.NA, index=self.index, dtype="string")

    def offence(self) -> pd.DataFrame:
        taxonomy = load_taxonomy()
        column = self.distinct("offence_code")
        codes = column.values.map(lambda c: taxonomy.resolve_code(c) if c else None)
        columns = ["offence_group", "offence_subgroup", "category", "weapon_type"]
        known = taxonomy.offences[columns].replace("", pd.NA)
        per_code = known.reindex(codes.fillna("").to_numpy()).astype("string")
        per_code["offence_code"] = pd.array(codes.to_numpy(), dtype="string")
        offence = pd.DataFrame({c: column.spread(per_code[c], self.index) for c in per_code})
        text = self.required_text("offence_code")
        unknown = offence["offence_code"].isna() & text.notna()
        self.errors.add(unknown, "offence_code", "unknown_offence_code", text)
        return offence

    def lsoa(self) -> pd.Series:
        column = self.distinct("lsoa_code")
        upper = column.values.str.upper()
        bad = (upper != "") & ~upper.str.match(LSOA_PATTERN)
        codes = column.spread(upper.mask(upper == "").astype("string"), self.index)
        self.errors.add(
            column.spread(bad.to_numpy(), self.index), "lsoa_code", "bad_lsoa_code", codes
        )
        return codes

    def age(self, name: str) -> pd.Series:
        column = self.distinct(name)
        age, not_number, impossible = parse_ages(column.values)
        text = self.raw(name)
        self.errors.add(
            column.spread(not_number.to_numpy(), self.index), name, "unparseable_age", text
        )
        self.errors.add(
            column.spread(impossible.to_numpy(), self.index), name, "impossible_age", text
        )
        return column.spread(age, self.index)

    def flag(self, name: str) -> pd.Series:
        table = {**dict.fromkeys(TRUE_VALUES, True), **dict.fromkeys(FALSE_VALUES, False)}
        column = self.distinct(name)
        read = lookup(column.values, table).astype("boolean")
        self.flag_unknown[name] = column.rows(read.isna())
        self.count_unrecognised(name, read)
        return column.spread(read.fillna(False).astype(bool).to_numpy(), self.index)

    def vocabulary(self, name: str, convert: Callable[[pd.Series], pd.Series]) -> pd.Series:
        column = self.distinct(name)
        read = convert(column.values).astype("string")
        self.count_unrecognised(name, read)
        return column.spread(read, self.index)

    def basis(self, person: str) -> tuple[pd.Series, pd.Series]:
        code, given = f"{person}_ethnicity", f"{person}_ethnicity_basis"
        ethnicity = self.raw(code)
        detected = self.per_value(code, lambda v: v.map(ethnicity_basis_of)).astype("string")
        stated = self.vocabulary(given, lambda v: lookup(v, BASIS_VALUES))
        return ethnicity, stated.fillna(detected).where(ethnicity.notna())


def canonical(frame: pd.DataFrame, today: dt.date) -> tuple[pd.DataFrame, Reader]:
    read = Reader(frame, today)
    committed, has_time = read.date("committed_date")
    recorded, _ = read.date("recorded_date")
    before = (recorded.dt.normalize() < committed.dt.normalize()).fillna(False)
    read.errors.add(before, "recorded_date", "recorded_before_committed", read.raw("recorded_date"))
    location = read.vocabulary("location_type", lambda v: v.map(location_type_of))
    ages = {f"{p}_age": read.age(f"{p}_age") for p in ("victim", "suspect")}
    records = pd.DataFrame(
        {
            "source_row": frame.index.to_numpy(),
            "occurrence_ref": read.required_text("occurrence_ref"),
            "committed_date": committed.dt.normalize(),
            "committed_time": read.committed_time(committed, has_time),
            "recorded_date": recorded.dt.normalize(),
            **read.offence(),
            "offence_description": read.raw("offence_description"),
            "lsoa_code": read.lsoa(),
            "ward_code": read.raw("ward_code"),
            "beat": read.raw("beat"),
            "location_type": location,
            "public_place": location.isin(PUBLIC_LOCATION_TYPES).fillna(False).astype(bool),
            **{name: read.flag(name) for name in FLAGS},
            **ages,
            "outcome": read.per_value("outcome", lambda v: v.map(outcome_of)).astype("string"),
        },
        index=frame.index,
    )
    for person in ("victim", "suspect"):
        records[f"{person}_sex"] = read.vocabulary(f"{person}_sex", lambda v: lookup(v, SEX_VALUES))
        ethnicity, basis = read.basis(person)
        records[f"{person}_ethnicity"], records[f"{person}_ethnicity_basis"] = ethnicity, basis
    delay = (records["recorded_date"] - records["committed_date"]).dt.days
    records["non_recent"] = (delay >= NON_RECENT_DAYS).fillna(False).astype(bool)
    records["financial_year"] = financial_year(records["committed_date"])
    return records[list(CANONICAL_COLUMNS)], read
