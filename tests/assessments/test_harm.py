"""Harm: weights by offence code or subgroup, harm and volume shares, ranks under each index."""

import json

import pandas as pd
import pytest

from assessments.computation import harm

from .frames import combine, inputs_with, police_rows, selection_of, street_rows

CSS = "ONS Crime Severity Score"
CCHI = "Cambridge Crime Harm Index"


def weights(*rows):
    return pd.DataFrame(list(rows), columns=["index_name", "granularity", "key", "weight",
                                             "source_note"])


def police():
    return combine(
        police_rows(2, category="homicide", offence_code="1/4.1/4.10/4.2",
                    offence_subgroup="Homicide"),
        police_rows(30, category="abh", offence_code="8N", offence_subgroup="Violence with injury"),
        police_rows(4, category="rape", offence_code="19C", offence_subgroup="Rape"))


# Severity by code: homicide 2 x 7979 = 15958 > abh 30 x 184 = 5520 > rape 4 x 1000 = 4000.
# CCHI by subgroup: abh 30 x 1000 = 30000 > rape 4 x 1825 = 7300 > homicide 2 x 3000 = 6000.
TWO_INDICES = weights(
    (CSS, "offence_code", "1/4.1/4.10/4.2", 7979.0, "ONS CSS 2023"),
    (CSS, "offence_code", "8N", 184.0, "ONS CSS 2023"),
    (CSS, "offence_code", "19C", 1000.0, "ONS CSS 2023"),
    (CCHI, "subgroup", "Homicide", 3000.0, "Cambridge CHI 2020"),
    (CCHI, "subgroup", "violence with injury", 1000.0, "Cambridge CHI 2020"),
    (CCHI, "subgroup", "Rape", 1825.0, "Cambridge CHI 2020"))


def section_for(police=None, harm_weights=None, index_names=(), street=None, **kwargs):
    frames = {k: v for k, v in (("police", police), ("street", street),
                                ("harm_weights", harm_weights)) if v is not None}
    inputs = inputs_with(**frames, **kwargs)
    return harm.compute(inputs, selection_of(inputs), list(index_names))


def row(table, category):
    return next(r for r in table.rows if r["category"] == category)


def test_two_indices_rank_the_categories_differently():
    section = section_for(police(), TWO_INDICES, [CSS, CCHI])
    combined = section.tables["harm"]
    assert [c.key for c in combined.columns] == [
        "category", "count", "harm", "harm_share", "volume_share",
        "rank_ons_crime_severity_score", "rank_cambridge_crime_harm_index"]
    ranks = {r["category"]: (r["rank_ons_crime_severity_score"],
                             r["rank_cambridge_crime_harm_index"]) for r in combined.rows}
    assert ranks == {"homicide": (1, 3), "abh": (2, 1), "rape": (3, 2), "all": (None, None)}
    # harm and shares are the chosen (first) index's
    homicide = row(combined, "homicide")
    assert homicide["harm"] == 15958.0
    assert homicide["harm_share"] == pytest.approx(100 * 15958 / (15958 + 5520 + 4000))
    assert homicide["volume_share"] == pytest.approx(100 * 2 / 36)
    assert row(combined, "all")["harm"] == 15958 + 5520 + 4000
    assert combined.row_sums == [(3, [0, 1, 2])]
    assert combined.notes[0] == {"key": "harm_index", "params": {"index": CSS}}
    cchi = section.tables["harm_cambridge_crime_harm_index"]
    assert row(cchi, "abh")["harm"] == 30000.0
    assert section.figures["abh.harm_rank"]["value"] == 2
    assert section.figures["homicide.harm"] == {
        "value": 15958.0, "table": "harm", "row": "homicide", "column": "harm", "index": CSS}


def test_choosing_the_other_index_first_changes_harm_and_shares():
    section = section_for(police(), TWO_INDICES, [CCHI, CSS])
    combined = section.tables["harm"]
    assert row(combined, "abh")["harm"] == 30000.0
    assert [c.key for c in combined.columns][-2:] == ["rank_cambridge_crime_harm_index",
                                                      "rank_ons_crime_severity_score"]


def test_granularity_of_each_index_is_stated_with_its_source():
    section = section_for(police(), TWO_INDICES, [CSS, CCHI])
    assert {"key": "harm_granularity", "params": {
        "index": CSS, "granularity": "offence_code", "source": "ONS CSS 2023"}} in section.notes
    assert {"key": "harm_granularity", "params": {
        "index": CCHI, "granularity": "offence_subgroup",
        "source": "Cambridge CHI 2020"}} in section.notes
    assert section.tables["harm_ons_crime_severity_score"].notes[0]["params"][
        "granularity"] == "offence_code"


def test_keys_match_ignoring_case_spacing_and_dash_style():
    records = combine(
        police_rows(1, category="other_violence_with_injury", offence_code=" 4.4 ",
                    offence_subgroup="Death or serious injury \u2013 unlawful driving"),
        police_rows(1, category="abh", offence_code="8n", offence_subgroup="violence  WITH injury"))
    by_code = weights(("A", "offence_code", "4.4", 10.0, ""), ("A", "offence_code", "8N", 2.0, ""))
    by_subgroup = weights(("B", "offence_subgroup", "Death or serious injury - unlawful driving",
                           7.0, ""), ("B", "offence_subgroup", "Violence with injury", 3.0, ""))
    for table, expected in ((section_for(records, by_code, ["A"]), (10.0, 2.0)),
                            (section_for(records, by_subgroup, ["B"]), (7.0, 3.0))):
        combined = table.tables["harm"]
        assert (row(combined, "other_violence_with_injury")["harm"],
                row(combined, "abh")["harm"]) == expected


def test_records_without_a_weight_are_counted_apart():
    section = section_for(police(), weights((CSS, "offence_code", "8N", 184.0, "")), [CSS])
    table = section.tables["harm_ons_crime_severity_score"]
    assert row(table, "abh") == {"category": "abh", "count": 30, "weighted": 30,
                                      "unweighted": 0, "harm": 5520.0, "harm_share": 100.0,
                                      "volume_share": pytest.approx(100 * 30 / 36), "rank": 1}
    rape = row(table, "rape")
    assert (rape["weighted"], rape["unweighted"], rape["harm"], rape["rank"]) == (0, 4, None,
                                                                                  None)
    assert row(table, "all")["unweighted"] == 6
    assert table.column_sums == {"count": ["weighted", "unweighted"]}
    assert {"key": "harm_unweighted", "params": {"index": CSS, "count": 6}} in table.notes
    assert {"key": "harm_unweighted", "params": {"index": CSS, "count": 6}} in (
        section.tables["harm"].notes)


def test_an_index_keyed_both_ways_uses_the_code_first():
    both = weights(("X", "offence_code", "8N", 5.0, ""),
                   ("X", "offence_subgroup", "Violence with injury", 100.0, ""),
                   ("X", "offence_subgroup", "Rape", 50.0, ""))
    combined = section_for(police(), both, ["X"]).tables["harm"]
    assert row(combined, "abh")["harm"] == 150.0  # 30 x 5 by code, not 30 x 100
    assert row(combined, "rape")["harm"] == 200.0  # no code weight: by subgroup


def test_equal_harm_shares_a_rank():
    records = combine(police_rows(2, category="rape", offence_code="19C"),
                      police_rows(1, category="abh", offence_code="8N"))
    equal = weights(("X", "offence_code", "19C", 1.0, ""), ("X", "offence_code", "8N", 2.0, ""))
    combined = section_for(records, equal, ["X"]).tables["harm"]
    assert (row(combined, "rape")["rank_x"], row(combined, "abh")["rank_x"]) == (1, 1)


def test_only_the_assessed_years_recent_records_are_weighted():
    records = combine(police(),
                      police_rows(5, category="abh", offence_code="8N",
                                  committed_date="2022-06-01"),
                      police_rows(5, category="abh", offence_code="8N",
                                  committed_date="2023-06-01", recorded_date="2024-07-01"))
    combined = section_for(records, TWO_INDICES, [CSS]).tables["harm"]
    assert row(combined, "abh")["count"] == 30


def test_indices_not_loaded_and_no_weights_at_all():
    section = section_for(police(), TWO_INDICES, ["Unknown index", CCHI])
    assert {"key": "harm_index_not_loaded", "params": {"index": "Unknown index"}} in (
        section.notes)
    assert [c.key for c in section.tables["harm"].columns][-1] == (
        "rank_cambridge_crime_harm_index")
    empty = section_for(police(), None, [CSS])
    assert {"key": "harm_weights_not_supplied"} in empty.notes and empty.tables == {}


def test_every_loaded_index_when_none_is_named():
    section = section_for(police(), TWO_INDICES)
    assert list(section.tables) == ["harm_ons_crime_severity_score",
                                    "harm_cambridge_crime_harm_index", "harm"]


def test_street_rows_have_no_offence_codes():
    section = section_for(street=street_rows(3), harm_weights=TWO_INDICES, index_names=[CSS])
    assert {"key": "harm_needs_offence_codes"} in section.notes
    assert section.tables == {}


def test_no_police_data():
    section = section_for(harm_weights=TWO_INDICES, index_names=[CSS])
    assert section.notes == [{"key": "no_police_data"}] and section.tables == {}


def test_section_is_json_ready():
    section = section_for(police(), TWO_INDICES, [CSS, CCHI])
    assert json.loads(json.dumps(section.to_dict()))["key"] == "harm"
