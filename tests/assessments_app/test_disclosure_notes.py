"""Notes quoting totals must not give away cells that disclosure control hid."""

from assessments import presentation
from assessments.computation.tables import COUNT, LABEL, Column, Section, Table

C = "[c]"


def bands(counts: dict[str, int], notes: list[dict]) -> Table:
    return Table("by_age", [Column("band", LABEL), Column("count", COUNT)],
                 [{"band": k, "count": v} for k, v in counts.items()], notes=notes)


def section(counts: dict[str, int]) -> dict:
    data = Section("people", notes=[
        {"key": "non_recent_excluded", "params": {"count": 25}},
        {"key": "rate_per", "params": {"per": 1000}},
        {"key": "harm_index", "params": {"index": "ons_chi"}},
    ])
    data.add(bands(counts, [{"key": "percent_of_known", "params": {"known": sum(counts.values())}},
                            {"key": "indicators_latest_periods", "params": {"n": 4}},
                            {"key": "coverage", "params": {"year": 2023, "flag": True}}]))
    data.add(Table("other", [Column("count", COUNT)], [{"count": 40}],
                   notes=[{"key": "no_committed_time", "params": {"count": 12, "total": 40}}]))
    return data.to_dict()


def params(notes: list[dict]) -> dict[str, dict]:
    return {n["key"]: n["params"] for n in notes}


def test_note_totals_are_hidden_next_to_a_suppressed_cell():
    data = section({"0-17": 2, "18-24": 60, "25-64": 120, "65+": 15})
    for audience in ("scrutiny", "public"):
        shown = presentation.protected(data, audience, 5)
        table = params(shown.tables["by_age"].notes)
        assert table["percent_of_known"] == {"known": C}  # 197 - 195 would give 2
        assert table["indicators_latest_periods"] == {"n": 4}  # a setting, not a figure
        assert table["coverage"] == {"year": 2023, "flag": True}
        assert table["suppressed"] == {"threshold": 5}
        assert table["suppressed_cells"]["cells"][0] == [0, "count", "primary"]
        notes = params(shown.notes)
        assert notes["non_recent_excluded"] == {"count": C}
        assert notes["rate_per"] == {"per": 1000}
        assert notes["harm_index"] == {"index": "ons_chi"}
        assert "[c] of" not in presentation.note_text(shown.notes[0])
        assert "[c]" in presentation.note_text(shown.notes[0])
        # A table with nothing hidden keeps its own notes' figures.
        assert params(shown.tables["other"].notes)["no_committed_time"] == {
            "count": 12, "total": 40}
    # The stored result is left as it was.
    assert params(data["tables"]["by_age"]["notes"])["percent_of_known"] == {"known": 197}
    assert params(data["notes"])["non_recent_excluded"] == {"count": 25}


def test_note_figures_stay_when_nothing_is_suppressed():
    data = section({"0-17": 20, "18-24": 60, "25-64": 120, "65+": 15})
    shown = presentation.protected(data, "public", 5)
    assert params(shown.tables["by_age"].notes)["percent_of_known"] == {"known": 215}
    assert params(shown.notes)["non_recent_excluded"] == {"count": 25}


def test_partnership_and_board_see_note_figures():
    data = section({"0-17": 2, "18-24": 60, "25-64": 120, "65+": 15})
    for audience in ("partnership", "board"):
        shown = presentation.protected(data, audience, 5)
        assert params(shown.tables["by_age"].notes)["percent_of_known"] == {"known": 197}
        assert params(shown.notes)["non_recent_excluded"] == {"count": 25}


def test_small_note_count_is_still_shown_as_primary():
    data = section({"0-17": 20, "18-24": 60})
    data["tables"]["other"]["notes"][0]["params"]["count"] = 3
    shown = presentation.protected(data, "scrutiny", 5)
    assert params(shown.tables["other"].notes)["no_committed_time"]["count"] == "<5"


def test_findings_agree_with_their_count():
    """'at 1 offence', 'at 2 offences'; each plural sentence is the computation's template."""
    from django.utils.translation import override

    from assessments import findings
    from assessments.computation.findings import TEMPLATES, finding

    with override("en"):
        for key, (_param, sentence) in findings.PLURALS.items():
            assert sentence(2) == TEMPLATES[key], key
    params = {"category": "homicide", "previous_year": "2022/23", "year": "2023/24"}
    one = finding("change_none", params | {"count": 1}, {})
    two = finding("change_none", params | {"count": 2}, {})
    assert findings.render(one, "en").endswith("at 1 offence.")
    assert findings.render(two, "en").endswith("at 2 offences.")
    recent = finding("non_recent", {"count": 1, "year": "2023/24"}, {})
    assert "1 offence recorded" in findings.render(recent, "en")
    assert "it is counted apart" in findings.render(recent, "en")
