"""Disclosure control: what each audience may see of a result table.

Analyses produce unsuppressed tables (the partnership's own record). Every output (pages,
CSV, charts, maps, API, reports) passes them through `protect` for its audience. For
scrutiny and public audiences:

1. primary: counts from 1 to threshold - 1 become "<threshold" ("<5"). Zeros are shown
   (a zero reveals nothing about a person), except as step 3 says.
2. derived: every value worked out from a suppressed count (its column's `derived_from`)
   becomes "[c]": rates, intervals, percentages, changes, differences, ratios, verdicts.
3. secondary: in every group of a total and the parts that add up to it (the table's
   `row_sums` and `column_sums`), one suppressed cell alone could be recovered as the total
   minus the visible cells, so one more is suppressed: the smallest non-zero visible part
   (the total only when no part will do). Repeated until no group has a lone suppressed
   cell, as suppressing a cell for one group can leave another with a lone one.
   In a group whose hidden cells are all primary, the total minus the visible cells can
   still give them away, as each is at least 1 (two "<5" cells sharing a remainder of 2
   are both 1), so one more (not small) cell is suppressed the same way. When every visible
   part is zero, hiding the total is no protection (totals are published elsewhere: a
   category's year beside its months), so the group's zeros are shown as "<5" too: the
   remainder is then shared among more cells than it could pin down.
   Then step 2 again.
"""

from __future__ import annotations

import copy
import re
from numbers import Number
from typing import Any

from .tables import COUNT, LABEL, MEASURE, Section, Table

AUDIENCES = ("partnership", "board", "scrutiny", "public")
SUPPRESSING = {"scrutiny", "public"}

SECONDARY_MARKER = "[c]"  # the ONS / GSS convention for "confidential"
PRIMARY = "primary"
SECONDARY = "secondary"
DERIVED = "derived"

_PRIMARY_MARKER = re.compile(r"^<\d+$")

Cell = tuple[int, str]  # (row index, column key)
_NOT_FOUND = object()


def is_suppressed(cell: Any) -> bool:
    """Whether a table cell (or a figure) holds a suppression marker instead of a value."""
    return isinstance(cell, str) and (cell == SECONDARY_MARKER
                                      or bool(_PRIMARY_MARKER.match(cell)))


def _number(value: Any) -> bool:
    # bool is a Number (and an int) but never a count.
    return isinstance(value, Number) and not isinstance(value, bool)


def _small(value: Any, threshold: int) -> bool:
    return _number(value) and 0 < value < threshold


def _check(audience: str) -> bool:
    """True when the audience gets suppressed figures; unknown audiences are an error, not
    silently shown everything."""
    if audience not in AUDIENCES:
        raise ValueError(f"unknown audience {audience!r}; expected one of {AUDIENCES}")
    return audience in SUPPRESSING


def protect_value(value: Any, audience: str, threshold: int = 5) -> Any:
    """A single count for a sentence, as `audience` may see it. Values worked out from a
    count must be protected with it by the caller (or taken from a protected table)."""
    if _check(audience) and _small(value, threshold):
        return f"<{threshold}"
    return value


def protect(table: Table, audience: str, threshold: int = 5) -> Table:
    """A new table with what `audience` may not see replaced by markers; `table` is left as
    it was. Adds the note "suppressed" when anything is hidden (markers it came with
    included, as a table repeating another's does: Table.mirror_of), and "suppressed_cells"
    for what this pass hid."""
    protected = copy.deepcopy(table)
    if not _check(audience):
        return protected
    reasons = _suppress(protected, threshold)
    for (row, key), reason in reasons.items():
        protected.rows[row][key] = f"<{threshold}" if reason == PRIMARY else SECONDARY_MARKER
    hidden = any(is_suppressed(v) for row in protected.rows for v in row.values())
    if hidden and not any(n.get("key") == "suppressed" for n in protected.notes):
        protected.notes.append({"key": "suppressed", "params": {"threshold": threshold}})
    if reasons:
        order = {c.key: i for i, c in enumerate(protected.columns)}
        cells = sorted(reasons.items(), key=lambda item: (item[0][0], order.get(item[0][1], 0)))
        protected.notes.append(
            {"key": "suppressed_cells",
             "params": {"cells": [[row, key, reason] for (row, key), reason in cells]}})
    return protected


def _suppress(table: Table, threshold: int) -> dict[Cell, str]:
    """Which cells to hide and why (steps 1-3 of the module docstring)."""
    reasons: dict[Cell, str] = {}
    hidden = {(i, k) for i, row in enumerate(table.rows) for k, v in row.items()
              if is_suppressed(v)}  # markers already there (a table protected twice)
    # Of those, "<5" markers are primary; what this pass finds small is added below.
    primary = {(i, k) for i, k in hidden
               if _PRIMARY_MARKER.match(str(table.rows[i][k]))}
    for key in table.count_columns:
        for i, row in enumerate(table.rows):
            if _small(row.get(key), threshold):
                reasons[(i, key)] = PRIMARY
    hidden |= reasons.keys()
    primary |= reasons.keys()
    _derive(table, hidden, reasons)
    groups = _groups(table)
    changed = True
    while changed:
        changed = False
        for group in groups:
            cell = _lone(table, group, hidden)
            if cell is None:
                zeros = _zeros_to_hide(table, group, hidden, primary)
                if zeros:
                    # Shown as "<5" but not counted as primary: they are not at least 1, which
                    # is what lets them protect the others.
                    for zero in zeros:
                        reasons[zero] = PRIMARY
                    hidden |= set(zeros)
                    changed = True
                    continue
                cell = _only_primaries(table, group, hidden, primary)
            if cell is not None:
                reasons[cell] = SECONDARY
                hidden.add(cell)
                changed = True
    _derive(table, hidden, reasons)
    _measure_totals(table, hidden, reasons)
    return reasons


def _derive(table: Table, hidden: set[Cell], reasons: dict[Cell, str]) -> None:
    """Hide every value worked out from a hidden cell of its row, and every value of a
    column whose denominator rows (`shares_of`) have a hidden count. Repeats so that a
    value derived from another derived value follows it."""
    derived = [c for c in table.columns if c.derived_from and c.kind != COUNT]
    changed = True
    while changed:
        changed = False
        for column in derived:
            of_hidden = any((r, column.derived_from[0]) in hidden
                            for r in table.shares_of.get(column.key, ()))
            for i, row in enumerate(table.rows):
                cell = (i, column.key)
                if (cell not in hidden and row.get(column.key) is not None
                        and (of_hidden or any((i, source) in hidden
                                              for source in column.derived_from))):
                    hidden.add(cell)
                    reasons[cell] = DERIVED
                    changed = True


def _groups(table: Table) -> list[tuple[Cell, list[Cell]]]:
    """Every (total cell, part cells) the table adds up: each count column down each row
    sum, and each column sum along every row."""
    groups = [((total, key), [(p, key) for p in parts])
              for total, parts in table.row_sums for key in table.count_columns]
    groups += [((i, total), [(i, p) for p in parts])
               for total, parts in table.column_sums.items() for i in range(len(table.rows))]
    return groups


def _lone(table: Table, group: tuple[Cell, list[Cell]], hidden: set[Cell]) -> Cell | None:
    """The cell to hide in `group` when exactly one of its cells is hidden, else None."""
    total, parts = group
    if sum(cell in hidden for cell in [total, *parts]) != 1:
        return None
    chosen = _next_to_hide(table, group, hidden)
    if chosen is not None:
        return chosen
    # Only zeros are left visible (data that does not add up): hide one all the same,
    # as total minus visible cells would otherwise still give the hidden one away.
    rest = [c for c in parts if c not in hidden and _number(_value(table, c))]
    return rest[0] if rest else None


def _value(table: Table, cell: Cell) -> Any:
    row, key = cell
    return table.rows[row].get(key)


def _next_to_hide(table: Table, group: tuple[Cell, list[Cell]], hidden: set[Cell]) -> Cell | None:
    """The smallest non-zero visible part of `group`, else its total if visible and non-zero:
    the cell whose hiding protects the hidden ones at the least cost."""
    total, parts = group
    visible = [c for c in parts
               if c not in hidden and _number(_value(table, c)) and _value(table, c) != 0]
    if visible:
        return min(visible, key=lambda c: abs(_value(table, c)))  # first of equals: stable
    if total not in hidden and _number(_value(table, total)) and _value(table, total) != 0:
        return total
    return None


def _zeros_to_hide(table: Table, group: tuple[Cell, list[Cell]], hidden: set[Cell],
                   primary: set[Cell]) -> list[Cell]:
    """The visible zero parts of a group whose hidden cells are two or more primaries and
    whose other visible parts are all zero: shown as "<5" with them (module docstring)."""
    total, parts = group
    cells = [c for c in [total, *parts] if c in hidden]
    if len(cells) < 2 or not all(c in primary for c in cells) or total in hidden:
        return []
    visible = [c for c in parts if c not in hidden and _number(_value(table, c))]
    if any(_value(table, c) != 0 for c in visible):
        return []
    return visible


def _only_primaries(table: Table, group: tuple[Cell, list[Cell]], hidden: set[Cell],
                    primary: set[Cell]) -> Cell | None:
    """The cell to hide in `group` when two or more of its cells are hidden and all of them
    are primary, else None.

    Each primary cell is known to be at least 1, so the total minus the visible cells can
    still pin them down (a remainder of 2 over two "<5" cells means both are 1). One more
    cell, not small, is hidden with them: the smallest non-zero visible part, else the total.
    """
    total, parts = group
    cells = [c for c in [total, *parts] if c in hidden]
    if len(cells) < 2 or not all(c in primary for c in cells):
        return None
    # None when only zeros are visible and the total is hidden: nothing left to give away.
    return _next_to_hide(table, group, hidden)


def _measure_totals(table: Table, hidden: set[Cell], reasons: dict[Cell, str]) -> None:
    """Hide a row-sum total of a derived measure (harm: count x weight) when a part is hidden.

    Its parts are weighted differently from the counts', so the total minus the visible
    parts is a second equation next to the count column's: with published weights the two
    could solve for the hidden counts. Rates, shares and intervals do not add up across
    rows and are left alone.
    """
    measures = [c.key for c in table.columns if c.kind == MEASURE and c.derived_from]
    for total, parts in table.row_sums:
        for key in measures:
            cell = (total, key)
            if (cell not in hidden and table.rows[total].get(key) is not None
                    and any((p, key) in hidden for p in parts)):
                hidden.add(cell)
                reasons[cell] = SECONDARY


def protect_section(section: Section, audience: str, threshold: int = 5) -> Section:
    """A new section with every table protected and its headline figures following the
    cells they come from."""
    # Tables repeating another's rows are protected after it, starting from what it hid:
    # their own sums then hide what would give those cells away.
    order = sorted(section.tables, key=lambda key: bool(section.tables[key].mirror_of))
    tables: dict[str, Table] = {}
    for key in order:
        table = section.tables[key]
        if table.mirror_of and _check(audience):
            table = copy.deepcopy(table)
            _follow_mirrored(table, tables)
        tables[key] = protect(table, audience, threshold)
    tables = {key: tables[key] for key in section.tables}
    figures = {key: _protect_figure(figure, tables, audience, threshold)
               for key, figure in section.figures.items()}
    return Section(section.key, tables, copy.deepcopy(section.notes), figures)


def _follow_mirrored(table: Table, tables: dict[str, Table]) -> None:
    """Mark in `table` what its source tables hid in the rows it repeats (Table.mirror_of);
    protecting it afterwards hides what is worked out from those cells and what its own sums
    would give away."""
    for mirror in table.mirror_of:
        source = tables.get(mirror["table"])
        if source is None:
            continue
        key, match = mirror["key"], mirror.get("match", {})
        # Which of this table's count columns repeat which of the source's (same names
        # unless given), and which source rows are repeated ("source_match").
        columns = mirror.get("columns") or {c: c for c in table.count_columns}
        rows = {r.get(key): r for r in source.rows
                if all(r.get(k) == v for k, v in mirror.get("source_match", {}).items())}
        for row in table.rows:
            if any(row.get(k) != v for k, v in match.items()):
                continue
            origin = rows.get(row.get(key))
            if origin is None:
                continue
            for column, from_column in columns.items():
                value = origin.get(from_column)
                if is_suppressed(value) and not is_suppressed(row.get(column)):
                    row[column] = value


def _protect_figure(figure: dict[str, Any], tables: dict[str, Table], audience: str,
                    threshold: int) -> dict[str, Any]:
    figure = copy.deepcopy(figure)
    if not _check(audience):
        return figure
    cell = _find_cell(tables.get(figure.get("table")), figure.get("row"), figure.get("column"))
    if cell is not _NOT_FOUND:
        if is_suppressed(cell):
            figure["value"] = cell
    elif figure.get("kind", COUNT) == COUNT:
        # A figure we cannot trace to its cell is treated as a count: showing "<5" for a
        # small rate is a lesser harm than showing a small count.
        figure["value"] = protect_value(figure.get("value"), audience, threshold)
    return figure


def _find_cell(table: Table | None, row: Any, column: Any) -> Any:
    """The value of the cell a figure names: `row` is a row label (a value of one of the
    table's label columns) or else a row index; _NOT_FOUND when it cannot be found."""
    if table is None or column is None:
        return _NOT_FOUND
    labels = [c.key for c in table.columns if c.kind == LABEL]
    for values in table.rows:
        if any(values.get(key) == row for key in labels) and column in values:
            return values[column]
    if isinstance(row, int) and not isinstance(row, bool) and 0 <= row < len(table.rows):
        return table.rows[row].get(column, _NOT_FOUND)
    return _NOT_FOUND
