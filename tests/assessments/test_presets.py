"""Presets from the seeds: each validates and selects what its text says."""

import json

import pytest

from assessments.computation import definitions as d
from assessments.computation.inputs import PARTLY, empty_inputs
from assessments.computation.presets import PRESETS, preset_rules
from ingest.taxonomy import load_taxonomy

from .test_definitions import police_frame

OFFENCES = load_taxonomy().offences.reset_index(drop=True)


@pytest.mark.parametrize("key", sorted(PRESETS))
def test_preset_validates_and_is_documented(key):
    preset = PRESETS[key]
    assert d.validate(preset["rules"], OFFENCES) == []
    assert preset["name"] and preset["source"] and preset["description_key"]
    assert all(set(note) == {"key", "params"} for note in preset["notes"])
    json.dumps(preset)  # stored with the definition version: must be JSON


def test_preset_rules_are_canonical_copies():
    rules = preset_rules("bcp_csp")
    rules["categories"].append("asb")
    assert "asb" not in PRESETS["bcp_csp"]["rules"]["categories"]
    assert preset_rules("bcp_csp") == d.normalise(preset_rules("bcp_csp"))


def test_presets_named_in_the_brief():
    assert {"avon_somerset_vrp", "avon_somerset_vrp_broader", "dorset_csp", "bcp_csp",
            "home_office_serious_violence"} <= set(PRESETS)
    vrp = preset_rules("avon_somerset_vrp")
    assert vrp["age"] == {"limit": 25, "who": "either"} and vrp["public_place"] is True
    assert preset_rules("avon_somerset_vrp_broader")["age"] is None
    assert {"rape", "sexual_assault", "personal_robbery"} <= set(
        preset_rules("bcp_csp")["categories"])


def test_avon_somerset_vrp_selects_public_space_violence_under_25():
    # From the definitions fixture: p0 homicide, victim 19, public place (in); p1 ABH (not
    # a VRP category); p2 robbery with no location or ages; p3 rape (broader only);
    # p4 knife possession in a pub, suspect 17 (in); p5 harassment.
    selection = d.select(empty_inputs(police=police_frame(), offences=OFFENCES),
                         PRESETS["avon_somerset_vrp"]["rules"])
    assert selection.police["occurrence_ref"].tolist() == ["p0", "p4"]
    assert selection.evaluability["police"]["public_place"] == PARTLY
    broader = d.select(empty_inputs(police=police_frame()),
                       PRESETS["avon_somerset_vrp_broader"]["rules"])
    assert broader.police["occurrence_ref"].tolist() == ["p0", "p2", "p3", "p4"]
