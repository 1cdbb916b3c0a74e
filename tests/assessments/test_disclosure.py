"""Disclosure control on hand-built tables: primary, derived and secondary suppression."""

import json

import numpy as np
import pytest

from assessments.computation import disclosure
from assessments.computation.tables import (
    CHANGE,
    CI_HIGH,
    CI_LOW,
    COUNT,
    DIFFERENCE,
    LABEL,
    MEASURE,
    PERCENT,
    POPULATION,
    RATE,
    VERDICT,
    Column,
    Section,
    Table,
)

C = "[c]"


def groups(table: Table) -> list[tuple[tuple[int, str], list[tuple[int, str]]]]:
    """Every (total, parts) group of count cells, written out independently of the module."""
    out = []
    for total, parts in table.row_sums:
        for key in table.count_columns:
            out.append(((total, key), [(p, key) for p in parts]))
    for total, parts in table.column_sums.items():
        for i in range(len(table.rows)):
            out.append(((i, total), [(i, p) for p in parts]))
    return out


def revealed(protected: Table, original: Table) -> list[tuple[int, str]]:
    """Hidden count cells that the visible cells and the sums determine exactly.

    Each group gives a linear equation over its hidden cells (parts minus total = the visible
    cells' balance); a hidden cell is revealed when its unit vector lies in the span of the
    equations (appending it does not raise the rank)."""
    hidden = sorted({cell for total, parts in groups(original) for cell in [total, *parts]
                     if disclosure.is_suppressed(protected.rows[cell[0]][cell[1]])})
    index = {cell: i for i, cell in enumerate(hidden)}
    equations = []
    for total, parts in groups(original):
        vector = np.zeros(len(hidden))
        for cell, sign in [(total, -1.0)] + [(p, 1.0) for p in parts]:
            if cell in index:
                vector[index[cell]] += sign
        if vector.any():
            equations.append(vector)
    if not equations:
        return []
    system = np.array(equations)
    rank = np.linalg.matrix_rank(system)
    return [cell for cell, i in index.items()
            if np.linalg.matrix_rank(np.vstack([system, np.eye(len(hidden))[i]])) == rank]


def assert_no_lone_suppressed_cell(protected: Table, original: Table) -> None:
    for total, parts in groups(original):
        cells = [total, *parts]
        hidden = [c for c in cells if disclosure.is_suppressed(protected.rows[c[0]][c[1]])]
        if len(hidden) == 1:
            (row, key), = hidden
            visible = sum(protected.rows[r][k] * (-1 if (r, k) == total else 1)
                          for r, k in cells if (r, k) not in hidden)
            recovered = abs(visible)
            pytest.fail(f"{key} of row {row} is {recovered} by subtraction "
                        f"(it was {original.rows[row][key]})")
    assert revealed(protected, original) == []


def category_table(counts: dict[str, int], total: bool = True) -> Table:
    rows = [{"category": k, "count": v} for k, v in counts.items()]
    sums = []
    if total:
        rows.append({"category": "all", "count": sum(counts.values())})
        sums = [(len(rows) - 1, list(range(len(rows) - 1)))]
    return Table("by_category", [Column("category", LABEL), Column("count", COUNT)], rows,
                 row_sums=sums)


def cell(table: Table, label: str, key: str):
    return next(r[key] for r in table.rows if r.get("category", r.get("area")) == label)


def test_primary_suppression_keeps_zeros_and_larger_counts():
    table = category_table({"homicide": 0, "rape": 3, "abh": 1, "gbh_wounding": 5},
                           total=False)
    public = disclosure.protect(table, "public")
    assert [r["count"] for r in public.rows] == [0, "<5", "<5", 5]
    assert public.notes == [
        {"key": "suppressed", "params": {"threshold": 5}},
        {"key": "suppressed_cells",
         "params": {"cells": [[1, "count", "primary"], [2, "count", "primary"]]}}]


def test_values_derived_from_a_suppressed_count_follow_it():
    columns = [Column("category", LABEL), Column("previous", COUNT), Column("count", COUNT),
               Column("population", POPULATION),
               Column("rate", RATE, ("count",)), Column("ci_low", CI_LOW, ("count",)),
               Column("ci_high", CI_HIGH, ("count",)), Column("percent", PERCENT, ("count",)),
               Column("change", CHANGE, ("previous", "count")),
               Column("verdict", VERDICT, ("previous", "count"))]
    rows = [
        {"category": "rape", "previous": 20, "count": 2, "population": 400_000, "rate": 0.005,
         "ci_low": 0.0006, "ci_high": 0.018, "percent": 1.0, "change": -90.0,
         "verdict": "significant_decrease"},
        {"category": "abh", "previous": 150, "count": 198, "population": 400_000, "rate": 0.495,
         "ci_low": 0.43, "ci_high": 0.57, "percent": 99.0, "change": 32.0,
         "verdict": "significant_increase"},
    ]
    public = disclosure.protect(Table("t", columns, rows), "scrutiny")
    assert public.rows[0] == {
        "category": "rape", "previous": 20, "count": "<5", "population": 400_000, "rate": C,
        "ci_low": C, "ci_high": C, "percent": C, "change": C, "verdict": C}
    assert public.rows[1] == rows[1]  # a row whose count is fine keeps its rate and percent


def test_year_on_year_difference_suppressed_when_either_year_is():
    columns = [Column("category", LABEL), Column("2022/23", COUNT), Column("2023/24", COUNT),
               Column("difference", DIFFERENCE, ("2022/23", "2023/24"))]
    rows = [{"category": "rape", "2022/23": 3, "2023/24": 20, "difference": 17},
            {"category": "abh", "2022/23": 20, "2023/24": 4, "difference": -16},
            {"category": "gbh_wounding", "2022/23": 30, "2023/24": 33, "difference": 3}]
    public = disclosure.protect(Table("yoy", columns, rows), "public")
    assert public.rows[0] == {"category": "rape", "2022/23": "<5", "2023/24": 20,
                              "difference": C}
    assert public.rows[1] == {"category": "abh", "2022/23": 20, "2023/24": "<5",
                              "difference": C}
    assert public.rows[2]["difference"] == 3  # 20 + 17 or 20 - 16 can no longer be done


def test_total_row_cannot_reveal_a_suppressed_part():
    table = category_table({"rape": 3, "abh": 10, "gbh_wounding": 7, "sexual_assault": 40})
    public = disclosure.protect(table, "public")
    # Smallest visible non-zero part goes with it: 63 - 10 - 40 = 13 = rape + gbh_wounding.
    assert [r["count"] for r in public.rows] == ["<5", 10, C, 40, 60]
    assert_no_lone_suppressed_cell(public, table)
    assert public.notes[1]["params"]["cells"] == [[0, "count", "primary"],
                                                  [2, "count", "secondary"]]


def test_secondary_skips_zero_parts_and_spares_the_total():
    table = category_table({"homicide": 0, "rape": 2, "abh": 12, "gbh_wounding": 30})
    public = disclosure.protect(table, "public")
    assert [r["count"] for r in public.rows] == [0, "<5", C, 30, 44]


def test_secondary_falls_back_to_the_total_when_no_part_will_do():
    # y.a is hidden for column a's sake; row y's other part is zero, so its total goes.
    columns = [Column("area", LABEL), Column("a", COUNT), Column("z", COUNT),
               Column("total", COUNT)]
    rows = [{"area": "x", "a": 3, "z": 0, "total": 3},
            {"area": "y", "a": 20, "z": 0, "total": 20},
            {"area": "all", "a": 23, "z": 0, "total": 23}]
    table = Table("t", columns, rows, row_sums=[(2, [0, 1])], column_sums={"total": ["a", "z"]})
    public = disclosure.protect(table, "public")
    assert [(r["a"], r["z"], r["total"]) for r in public.rows] == [
        ("<5", 0, "<5"), (C, 0, C), (23, 0, 23)]
    assert_no_lone_suppressed_cell(public, table)


def test_secondary_suppression_also_hides_what_is_derived_from_it():
    columns = [Column("category", LABEL), Column("count", COUNT),
               Column("percent", PERCENT, ("count",))]
    rows = [{"category": "rape", "count": 3, "percent": 5.0},
            {"category": "abh", "count": 9, "percent": 15.0},
            {"category": "gbh_wounding", "count": 48, "percent": 80.0},
            {"category": "all", "count": 60, "percent": 100.0}]
    public = disclosure.protect(Table("t", columns, rows, row_sums=[(3, [0, 1, 2])]), "public")
    assert [(r["count"], r["percent"]) for r in public.rows] == [
        ("<5", C), (C, C), (48, 80.0), (60, 100.0)]


def two_way() -> Table:
    """Areas by sex with a total column and a total row."""
    columns = [Column("area", LABEL), Column("male", COUNT), Column("female", COUNT),
               Column("total", COUNT), Column("rate", RATE, ("total",))]
    data = [("a", 2, 20), ("b", 30, 40), ("c", 50, 6)]
    rows = [{"area": area, "male": m, "female": f, "total": m + f, "rate": (m + f) / 10}
            for area, m, f in data]
    rows.append({"area": "all", "male": 82, "female": 66, "total": 148, "rate": 14.8})
    return Table("by_area_sex", columns, rows, row_sums=[(3, [0, 1, 2])],
                 column_sums={"total": ["male", "female"]})


def test_two_way_table_cascade():
    table = two_way()
    public = disclosure.protect(table, "public")
    # a.male is primary; the male column needs a second cell (b.male, the smaller of 30 and
    # 50); rows a and b then each have one hidden cell and lose their female counts, which
    # also gives the female column two. Row c and the totals stay.
    assert [(r["male"], r["female"], r["total"]) for r in public.rows] == [
        ("<5", C, 22), (C, C, 70), (50, 6, 56), (82, 66, 148)]
    assert_no_lone_suppressed_cell(public, table)
    assert public.rows[0]["rate"] == 2.2  # the area's total is not suppressed
    reasons = {(r, k): why for r, k, why in public.notes[1]["params"]["cells"]}
    assert reasons == {(0, "male"): "primary", (1, "male"): "secondary",
                       (0, "female"): "secondary", (1, "female"): "secondary"}


def test_a_small_total_column_is_treated_like_any_count():
    table = two_way()
    table.rows[0].update(male=1, female=2, total=3, rate=0.3)
    table.rows[3].update(male=81, female=48, total=129)
    public = disclosure.protect(table, "public")
    assert public.rows[0]["total"] == "<5"
    assert public.rows[0]["rate"] == C
    assert_no_lone_suppressed_cell(public, table)


def test_checker_catches_a_table_that_gives_a_count_away():
    table = category_table({"rape": 3, "abh": 10, "gbh_wounding": 7})
    leaky = disclosure.protect(table, "partnership")
    leaky.rows[0]["count"] = "<5"
    with pytest.raises(pytest.fail.Exception):
        assert_no_lone_suppressed_cell(leaky, table)


@pytest.mark.parametrize("audience", ["partnership", "board"])
def test_partnership_and_board_see_everything(audience):
    table = two_way()
    shown = disclosure.protect(table, audience)
    assert shown is not table
    assert shown.to_dict() == table.to_dict()
    shown.rows[0]["male"] = 99
    assert table.rows[0]["male"] == 2  # a copy, not the same rows


def test_threshold_ten():
    table = category_table({"rape": 7, "abh": 5, "gbh_wounding": 10, "sexual_assault": 12},
                           total=False)
    public = disclosure.protect(table, "public", threshold=10)
    assert [r["count"] for r in public.rows] == ["<10", "<10", 10, 12]
    assert public.notes[0] == {"key": "suppressed", "params": {"threshold": 10}}


def test_the_input_table_is_not_mutated():
    table = two_way()
    table.notes.append({"key": "partly_applied", "params": {}})
    before = json.dumps(table.to_dict(), sort_keys=True)
    public = disclosure.protect(table, "public")
    assert json.dumps(table.to_dict(), sort_keys=True) == before
    assert len(public.notes) == 3
    json.dumps(public.to_dict())  # JSON-ready


def test_nothing_to_suppress_adds_no_notes():
    table = category_table({"rape": 30, "abh": 0})
    public = disclosure.protect(table, "public")
    assert public.to_dict() == table.to_dict()


def test_protecting_twice_changes_nothing_more():
    table = two_way()
    once = disclosure.protect(table, "public")
    twice = disclosure.protect(once, "public")
    assert twice.rows == once.rows


def test_harm_total_hidden_when_a_part_is():
    # With published weights, the harm total minus visible harms would be a second equation
    # next to the counts' one and could solve for the hidden counts.
    columns = [Column("category", LABEL), Column("count", COUNT),
               Column("harm", MEASURE, ("count",))]
    rows = [{"category": "homicide", "count": 2, "harm": 10_950},
            {"category": "abh", "count": 20, "harm": 600},
            {"category": "robbery", "count": 40, "harm": 14_600},
            {"category": "all", "count": 62, "harm": 26_150}]
    public = disclosure.protect(Table("harm", columns, rows, row_sums=[(3, [0, 1, 2])]),
                                "public")
    assert [(r["count"], r["harm"]) for r in public.rows] == [
        ("<5", C), (C, C), (40, 14_600), (62, C)]


def test_unknown_audience_is_an_error():
    with pytest.raises(ValueError):
        disclosure.protect(category_table({"rape": 3}), "press")
    with pytest.raises(ValueError):
        disclosure.protect_value(3, "everyone")


def test_protect_value():
    assert disclosure.protect_value(3, "public") == "<5"
    assert disclosure.protect_value(0, "public") == 0
    assert disclosure.protect_value(5, "scrutiny") == 5
    assert disclosure.protect_value(9, "public", threshold=10) == "<10"
    assert disclosure.protect_value(3, "board") == 3
    assert disclosure.protect_value("n/a", "public") == "n/a"
    assert disclosure.protect_value(True, "public") is True


def test_is_suppressed():
    assert disclosure.is_suppressed("<5") and disclosure.is_suppressed("<10")
    assert disclosure.is_suppressed("[c]")
    assert not any(disclosure.is_suppressed(v) for v in (3, 0, None, "abh", "<", "5"))


def test_protect_section_protects_tables_and_figures():
    section = Section("volumes", notes=[{"key": "partly_applied", "params": {}}])
    section.add(category_table({"rape": 3, "abh": 10, "gbh_wounding": 7}))
    section.figures = {
        "rape": {"value": 3, "table": "by_category", "row": "rape", "column": "count"},
        "gbh": {"value": 7, "table": "by_category", "row": 2, "column": "count"},
        "total": {"value": 20, "table": "by_category", "row": "all", "column": "count"},
        "loose": {"value": 2, "table": "elsewhere"},
        "loose_rate": {"value": 2.5, "kind": RATE},
    }
    public = disclosure.protect_section(section, "public")
    assert public.tables["by_category"].rows[0]["count"] == "<5"
    assert {k: f["value"] for k, f in public.figures.items()} == {
        "rape": "<5", "gbh": C, "total": 20, "loose": "<5", "loose_rate": 2.5}
    assert public.notes == section.notes and public.notes is not section.notes
    assert section.figures["rape"]["value"] == 3
    board = disclosure.protect_section(section, "board")
    assert board.to_dict() == section.to_dict()


def test_cascade_that_needs_more_than_one_pass():
    # Row a hides a.u for its own sake after column u was checked, and row b hides b.f after
    # column f was: both columns then have a lone hidden cell and need another round, which
    # in turn leaves row c with one.
    columns = [Column("area", LABEL)] + [Column(k, COUNT) for k in ("m", "f", "u", "total")]
    data = [("a", 2, 30, 8), ("b", 20, 25, 60), ("c", 40, 35, 50)]
    rows = [{"area": a, "m": m, "f": f, "u": u, "total": m + f + u} for a, m, f, u in data]
    rows.append({"area": "all", "m": 62, "f": 90, "u": 118, "total": 270})
    table = Table("t", columns, rows, row_sums=[(3, [0, 1, 2])],
                  column_sums={"total": ["m", "f", "u"]})
    public = disclosure.protect(table, "public")
    assert [(r["m"], r["f"], r["u"], r["total"]) for r in public.rows] == [
        ("<5", C, C, 40), (C, C, 60, 105), (40, C, C, 125), (62, 90, 118, 270)]
    assert_no_lone_suppressed_cell(public, table)


def test_two_primaries_in_a_group_take_a_secondary_with_them():
    # 229 - 50 - 177 = 2 over two "<5" cells, each at least 1: both would be 1.
    table = category_table({"rape": 1, "abh": 1, "gbh_wounding": 50, "sexual_assault": 177})
    public = disclosure.protect(table, "scrutiny")
    assert [r["count"] for r in public.rows] == ["<5", "<5", C, 177, 229]
    reasons = {(r, k): why for r, k, why in public.notes[1]["params"]["cells"]}
    assert reasons == {(0, "count"): "primary", (1, "count"): "primary",
                       (2, "count"): "secondary"}
    for total, parts in groups(table):
        hidden = [c for c in [total, *parts] if c in reasons]
        if hidden:
            assert any(reasons[c] != "primary" for c in hidden)
    assert_no_lone_suppressed_cell(public, table)
    assert disclosure.protect(public, "scrutiny").rows == public.rows  # stable when re-run


def test_two_primaries_and_only_zeros_visible_hide_the_zeros_not_the_total():
    """Hiding the total is no protection when it is published elsewhere (a category's year
    beside its months): the zeros are shown as "<5" instead, so the remainder of 7 is shared
    among three cells that could each be 0 to 4."""
    table = category_table({"rape": 3, "abh": 4, "homicide": 0})
    public = disclosure.protect(table, "public")
    assert [r["count"] for r in public.rows] == ["<5", "<5", "<5", 7]


def test_months_of_ones_among_zeros_cannot_be_read_off_the_year():
    """Business robbery: 8 in the year, 1 in each of 8 months, 0 in the other 4. With the
    zeros shown, the 8 "<5" months adding up to 8 would each be 1."""
    months = [1, 0, 1, 1, 0, 1, 1, 0, 1, 1, 0, 1]
    rows = [{"month": f"m{i}", "count": n} for i, n in enumerate(months)]
    rows.append({"month": "year", "count": sum(months)})
    table = Table("monthly", [Column("month", LABEL), Column("count", COUNT)], rows,
                  row_sums=[(12, list(range(12)))])
    public = disclosure.protect(table, "public")
    assert [r["count"] for r in public.rows] == ["<5"] * 12 + [8]


def test_every_group_with_hidden_cells_has_a_non_primary_one():
    table = two_way()
    table.rows[0].update(male=2, female=20, total=22, rate=2.2)
    table.rows[2].update(male=1, female=6, total=7, rate=0.7)
    table.rows[3].update(male=33, female=66, total=99, rate=9.9)
    public = disclosure.protect(table, "public")
    reasons = {(r, k): why for r, k, why in public.notes[1]["params"]["cells"]}
    for total, parts in groups(table):
        hidden = [c for c in [total, *parts] if c in reasons]
        assert not hidden or any(reasons[c] != "primary" for c in hidden), (total, hidden)
    assert_no_lone_suppressed_cell(public, table)


def test_shares_of_a_hidden_denominator_are_hidden_with_it():
    """Shares of people of known ethnicity: known = all - unknown. With "unknown" small, a
    visible count and its share (104 is 82.54% of 126) would give known, hence unknown
    (127 - 126 = 1), away: every share in the column goes."""
    rows = [{"group": "white", "count": 104, "percent": 100 * 104 / 126},
            {"group": "black", "count": 22, "percent": 100 * 22 / 126},
            {"group": "unknown", "count": 1, "percent": None},
            {"group": "all", "count": 127, "percent": None}]
    table = Table("ethnicity", [Column("group", LABEL), Column("count", COUNT),
                                Column("percent", PERCENT, ("count",))], rows,
                  row_sums=[(3, [0, 1, 2])], shares_of={"percent": [2, 3]})
    shown = disclosure.protect(table, "scrutiny")
    assert shown.rows[2]["count"] == "<5"
    assert [row["percent"] for row in shown.rows] == [C, C, None, None]
    # The analysts' own view is untouched; and with no small count nothing is hidden.
    assert disclosure.protect(table, "partnership").rows[0]["percent"] == 100 * 104 / 126
    rows[2]["count"], rows[3]["count"] = 9, 135
    assert disclosure.protect(table, "scrutiny").rows[0]["percent"] == 100 * 104 / 126
    # The declaration survives a snapshot round trip.
    assert Table.from_dict(json.loads(json.dumps(table.to_dict()))).shares_of == {
        "percent": [2, 3]}


def test_a_table_repeating_another_s_rows_hides_what_that_one_hides():
    """The funnel's points repeat the ward table's wards without its sums: a ward the ward
    table hides by secondary suppression must not be visible in them."""
    from assessments.computation.tables import Section

    wards = Table("areas_ward", [Column("area", LABEL), Column("count", COUNT),
                                 Column("rate", RATE, ("count",))],
                  [{"area": "A", "count": 208, "rate": 16.5},
                   {"area": "B", "count": 9, "rate": 1.4},
                   {"area": "C", "count": 2, "rate": 0.3},
                   {"area": "all", "count": 219, "rate": None}],
                  row_sums=[(3, [0, 1, 2])])
    points = Table("funnel_points", [Column("level", LABEL), Column("area", LABEL),
                                     Column("count", COUNT), Column("rate", RATE, ("count",))],
                   [{"level": "ward", "area": a, "count": n, "rate": r}
                    for a, n, r in (("A", 208, 16.5), ("B", 9, 1.4), ("C", 2, 0.3))],
                   mirror_of=[{"table": "areas_ward", "key": "area",
                               "match": {"level": "ward"}}])
    section = Section("places", {"areas_ward": wards, "funnel_points": points})
    shown = disclosure.protect_section(Section.from_dict(section.to_dict()), "scrutiny")
    assert [r["count"] for r in shown.tables["areas_ward"].rows] == [208, C, "<5", 219]
    assert [(r["count"], r["rate"]) for r in shown.tables["funnel_points"].rows] == [
        (208, 16.5), (C, C), ("<5", C)]


def test_a_repeated_count_follows_its_source_column_and_the_table_says_so():
    """The monthly series' year row repeats the year table's count in another column: a
    count the year table hides (here by secondary suppression) is hidden there too."""
    from assessments.computation.tables import Section

    years = Table("by_category", [Column("category", LABEL), Column("2023/24", COUNT)],
                  [{"category": "rape", "2023/24": 40}, {"category": "robbery", "2023/24": 3},
                   {"category": "abh", "2023/24": 9}, {"category": "all", "2023/24": 52}],
                  row_sums=[(3, [0, 1, 2])])
    monthly = Table("monthly", [Column("category", LABEL), Column("month", LABEL),
                                Column("count", COUNT)],
                    [{"category": "abh", "month": "2023-04", "count": 9},
                     {"category": "abh", "month": "2023/24", "count": 9}],
                    row_sums=[(1, [0])],
                    mirror_of=[{"table": "by_category", "key": "category",
                                "match": {"month": "2023/24"}, "columns": {"count": "2023/24"}}])
    shown = disclosure.protect_section(
        Section("volumes", {"by_category": years, "monthly": monthly}), "scrutiny")
    assert [r["2023/24"] for r in shown.tables["by_category"].rows] == [40, "<5", C, 52]
    # Hidden there, hidden here; and the month that adds up to it is hidden with it.
    assert [r["count"] for r in shown.tables["monthly"].rows] == [C, C]
    assert any(n["key"] == "suppressed" for n in shown.tables["monthly"].notes)
