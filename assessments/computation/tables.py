"""Result tables: the one shape every analysis returns and every output reads.

An analysis returns `Table`s. A table knows which of its cells are counts and which values
are worked out from which counts (a rate from its count, a change from two years' counts),
and which rows or columns are totals of others. That is what disclosure control
(`disclosure.py`) needs to suppress a small count *and* everything that would reveal it,
and it is all pages, CSV files, charts and the API need to show a figure with its kind.

Labels are keys, never sentences: the computation knows no language. The Django layer turns
column keys, category keys and note keys into translated text.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

# What a column holds. Counts are what disclosure control protects; every other numeric kind
# is protected through `derived_from`.
LABEL = "label"  # a row's name: category key, area code, age band...
COUNT = "count"  # a number of records (people, offences, admissions)
POPULATION = "population"  # a denominator (never suppressed: it is published)
RATE = "rate"  # per 1,000 population (or per unit stated in the table's notes)
CI_LOW = "ci_low"
CI_HIGH = "ci_high"
PERCENT = "percent"  # a share, 0-100
CHANGE = "change"  # percentage change between two counts
DIFFERENCE = "difference"  # count minus count
RATIO = "ratio"  # e.g. rate ratio, location quotient, representation ratio
P_VALUE = "p_value"
VERDICT = "verdict"  # a key such as "significant_increase", translated by the Django layer
MEASURE = "measure"  # any other number (harm, score, weight, density)
TEXT = "text"

KINDS = (LABEL, COUNT, POPULATION, RATE, CI_LOW, CI_HIGH, PERCENT, CHANGE, DIFFERENCE,
         RATIO, P_VALUE, VERDICT, MEASURE, TEXT)


@dataclass(frozen=True)
class Column:
    key: str
    kind: str
    # Count columns of the same row this value is worked out from: if any of them is
    # suppressed, so is this value.
    derived_from: tuple[str, ...] = ()

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"unknown column kind {self.kind!r}")


@dataclass
class Table:
    key: str
    columns: list[Column]
    rows: list[dict[str, Any]]
    # Row sums: (index of the total row, indices of the rows that add up to it). A table
    # whose last row is the total of all the others has ((len(rows) - 1, [0, ..., n - 2]),).
    row_sums: list[tuple[int, list[int]]] = field(default_factory=list)
    # Column sums within a row: total column key -> the count columns that add up to it.
    column_sums: dict[str, list[str]] = field(default_factory=dict)
    # Values worked out against other rows' counts: column key -> the rows whose counts (in
    # the column's first `derived_from`) make its denominator, as a share of people of known
    # ethnicity is of the total minus the unknown. If any of them is suppressed, the whole
    # column is: a visible count and its share would give the denominator away.
    shares_of: dict[str, list[int]] = field(default_factory=dict)
    # Notes as keys with parameters, e.g. {"key": "partly_applied", "params": {...}}.
    notes: list[dict[str, Any]] = field(default_factory=list)
    # Rows that repeat another table's (the funnel's points are the area tables' areas):
    # [{"table": "areas_ward", "key": "area", "match": {"level": "ward"}}]. Whatever
    # disclosure control hides in the other table's row is hidden here too, since a copy
    # without that table's sums would give it away.
    mirror_of: list[dict[str, Any]] = field(default_factory=list)

    def column(self, key: str) -> Column:
        for column in self.columns:
            if column.key == key:
                return column
        raise KeyError(key)

    @property
    def count_columns(self) -> list[str]:
        return [c.key for c in self.columns if c.kind == COUNT]

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["columns"] = [asdict(c) | {"derived_from": list(c.derived_from)}
                           for c in self.columns]
        data["row_sums"] = [[total, list(parts)] for total, parts in self.row_sums]
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Table:
        return cls(
            key=data["key"],
            columns=[Column(c["key"], c["kind"], tuple(c.get("derived_from", ())))
                     for c in data["columns"]],
            rows=[dict(r) for r in data["rows"]],
            row_sums=[(int(t), [int(i) for i in parts]) for t, parts in data.get("row_sums", [])],
            column_sums={k: list(v) for k, v in data.get("column_sums", {}).items()},
            shares_of={k: [int(i) for i in v] for k, v in data.get("shares_of", {}).items()},
            notes=list(data.get("notes", [])),
            mirror_of=list(data.get("mirror_of", [])),
        )

    @classmethod
    def from_frame(cls, key: str, frame, kinds: dict[str, str | Column], *,
                   total_row: bool = False, notes: list[dict[str, Any]] | None = None,
                   column_sums: dict[str, list[str]] | None = None) -> Table:
        """A table from a pandas frame; `kinds` gives each column's kind (or a Column).
        Missing values (NaN, NaT, pd.NA) become None so the result is JSON-ready."""
        import math

        columns = [v if isinstance(v, Column) else Column(k, v) for k, v in kinds.items()]
        rows = []
        for record in frame[[c.key for c in columns]].to_dict("records"):
            row = {}
            for k, v in record.items():
                if v is None or (isinstance(v, float) and math.isnan(v)):
                    row[k] = None
                elif hasattr(v, "item"):  # numpy scalar
                    row[k] = v.item()
                elif v.__class__.__name__ in {"NAType", "NaTType"}:
                    row[k] = None
                else:
                    row[k] = v
            rows.append(row)
        sums = [(len(rows) - 1, list(range(len(rows) - 1)))] if total_row and rows else []
        return cls(key, columns, rows, row_sums=sums, column_sums=column_sums or {},
                   notes=notes or [])


@dataclass
class Section:
    """One analysis's result: its tables and notes (keys with parameters, translated by the
    Django layer). `figures` holds headline numbers findings may quote, each a dict with
    at least "value" and "table"/"row"/"column" naming the cell it comes from."""

    key: str
    tables: dict[str, Table] = field(default_factory=dict)
    notes: list[dict[str, Any]] = field(default_factory=list)
    figures: dict[str, dict[str, Any]] = field(default_factory=dict)

    def add(self, table: Table) -> Table:
        self.tables[table.key] = table
        return table

    def to_dict(self) -> dict[str, Any]:
        return {"key": self.key, "tables": {k: t.to_dict() for k, t in self.tables.items()},
                "notes": list(self.notes), "figures": dict(self.figures)}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Section:
        return cls(data["key"], {k: Table.from_dict(t) for k, t in data["tables"].items()},
                   list(data.get("notes", [])), dict(data.get("figures", {})))
