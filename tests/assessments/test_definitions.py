"""Local definitions: validation, canonical form, and what each rule selects per source."""

import pandas as pd
import pytest

from assessments.computation import definitions as d
from assessments.computation.inputs import (
    APPLIED,
    NOT_EVALUABLE,
    NOT_SET,
    PARTLY,
    POLICE_COLUMNS,
    empty_inputs,
)
from ingest.parsers.police_occurrences import FLAGS, PUBLIC_LOCATION_TYPES
from ingest.taxonomy import CATEGORIES, load_taxonomy

OFFENCES = load_taxonomy().offences.reset_index(drop=True)
ALL = list(CATEGORIES)

# ref, category, code, knife, firearm, domestic_abuse, victim_age, suspect_age, location_type
ROWS = [
    ("p0", "homicide", "1/4.1/4.10/4.2", True, False, False, 19, None, "public_place"),
    ("p1", "abh", "8N", False, False, True, 30, 20, "dwelling"),
    ("p2", "personal_robbery", "34B", True, False, False, None, None, ""),
    ("p3", "rape", "19C", False, False, False, 40, 45, "public_place"),
    ("p4", "weapon_possession", "10D", True, True, False, None, 17, "licensed_premises"),
    ("p5", "other", "8L", False, False, True, 22, None, None),
]


def police_frame(rows=ROWS) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["occurrence_ref", "category", "offence_code", "knife",
                                        "firearm", "domestic_abuse", "victim_age",
                                        "suspect_age", "location_type"])
    for column in POLICE_COLUMNS:
        if column not in frame:
            frame[column] = False if column in FLAGS else ""
    frame["public_place"] = frame["location_type"].isin(PUBLIC_LOCATION_TYPES)
    frame["victim_age"] = frame["victim_age"].astype("Int64")
    frame["suspect_age"] = frame["suspect_age"].astype("Int64")
    # As the selectors read them: codes as categoricals.
    for column in ("category", "offence_code", "location_type"):
        frame[column] = frame[column].astype("category")
    return frame[list(POLICE_COLUMNS)]


def refs(police: pd.DataFrame, rules: dict) -> list[str]:
    return police.loc[d.mask(police, rules), "occurrence_ref"].tolist()


def excluded(selection, source="police") -> dict[str, float]:
    rows = selection.excluded[selection.excluded["source"] == source]
    return dict(zip(rows["reason"], rows["count"], strict=True))


# --- the vocabulary matches ingest -------------------------------------------------------


def test_flags_and_coarse_fallback_match_ingest():
    assert d.FLAGS == FLAGS
    assert set(d.PUBLIC_LOCATION_TYPES) == set(PUBLIC_LOCATION_TYPES)
    assert set(d.COARSE_OF_CATEGORY) == set(CATEGORIES)
    for category, coarse in zip(OFFENCES["category"], OFFENCES["coarse_category"], strict=True):
        if category != "other":  # "other" spans coarse categories; the rest have one
            assert d.COARSE_OF_CATEGORY[category] == coarse, category


# --- police rules -----------------------------------------------------------------------


def test_categories_rule():
    assert refs(police_frame(), {"categories": ["homicide", "personal_robbery"]}) == ["p0", "p2"]


def test_offence_codes_add_to_categories():
    assert refs(police_frame(), {"categories": ["homicide"], "offence_codes": ["8N"]}) == [
        "p0", "p1"]
    assert refs(police_frame(), {"offence_codes": ["10D"]}) == ["p4"]


def test_exclusions():
    rules = {"categories": ALL, "exclude_categories": ["rape"], "exclude_offence_codes": ["8L"]}
    assert refs(police_frame(), rules) == ["p0", "p1", "p2", "p4"]


def test_flags_any_and_all():
    police = police_frame()
    any_ = {"categories": ALL, "flags": {"mode": "any", "keys": ["knife", "firearm"]}}
    all_ = {"categories": ALL, "flags": {"mode": "all", "keys": ["knife", "firearm"]}}
    assert refs(police, any_) == ["p0", "p2", "p4"]
    assert refs(police, all_) == ["p4"]


def test_exclude_flags():
    assert refs(police_frame(), {"categories": ALL, "exclude_flags": ["domestic_abuse"]}) == [
        "p0", "p2", "p3", "p4"]


def test_age_victim_under_limit_and_missing_counted():
    inputs = empty_inputs(police=police_frame(), offences=OFFENCES)
    selection = d.select(inputs, {"categories": ALL, "age": {"limit": 25, "who": "victim"}})
    assert selection.police["occurrence_ref"].tolist() == ["p0", "p5"]
    assert excluded(selection) == {"age_missing": 2, "age_over_limit": 2}
    assert selection.evaluability["police"]["age"] == PARTLY  # some victim ages missing


def test_age_either_needs_one_known_age_under_limit():
    # p5: victim 22 (in). p2: no ages (missing). p3: 40 and 45 (over). p1: suspect 20 (in).
    rules = {"categories": ALL, "age": {"limit": 25, "who": "either"}}
    assert refs(police_frame(), rules) == ["p0", "p1", "p4", "p5"]
    # Victim 30 with no suspect's age: the missing age could decide, so age_missing.
    rows = [("q", "abh", "8N", False, False, False, 30, None, ""),
            ("r", "abh", "8N", False, False, False, 30, 40, "")]
    selection = d.select(empty_inputs(police=police_frame(rows)), rules)
    assert excluded(selection) == {"age_missing": 1, "age_over_limit": 1}


def test_age_limit_is_strictly_under():
    rows = [("a", "abh", "8N", False, False, False, 24, None, ""),
            ("b", "abh", "8N", False, False, False, 25, None, "")]
    assert refs(police_frame(rows), {"categories": ["abh"], "age": {"limit": 25}}) == ["a"]


def test_age_column_entirely_missing_is_not_applied():
    police = police_frame()
    police["suspect_age"] = pd.Series(pd.NA, index=police.index, dtype="Int64")
    rules = {"categories": ALL, "age": {"limit": 25, "who": "suspect"}}
    selection = d.select(empty_inputs(police=police), rules)
    assert len(selection.police) == 6
    assert selection.evaluability["police"]["age"] == NOT_EVALUABLE
    # "either" then uses the victim's age only, and says so.
    either = d.select(empty_inputs(police=police),
                      {"categories": ALL, "age": {"limit": 25, "who": "either"}})
    assert either.police["occurrence_ref"].tolist() == ["p0", "p5"]
    assert either.evaluability["police"]["age"] == PARTLY


def test_public_place_missing_location_excluded():
    inputs = empty_inputs(police=police_frame())
    selection = d.select(inputs, {"categories": ALL, "public_place": True})
    assert selection.police["occurrence_ref"].tolist() == ["p0", "p3", "p4"]
    assert excluded(selection) == {"not_public_place": 3}
    assert selection.evaluability["police"]["public_place"] == PARTLY


def test_public_place_without_any_location_is_not_applied():
    rows = [(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], "") for r in ROWS]
    selection = d.select(empty_inputs(police=police_frame(rows)),
                         {"categories": ALL, "public_place": True})
    assert len(selection.police) == 6
    assert selection.evaluability["police"]["public_place"] == NOT_EVALUABLE
    assert selection.partly_applied("police")


def test_each_record_counted_once_under_its_first_failing_rule():
    rules = {"categories": ["homicide", "abh", "rape", "personal_robbery"],
             "exclude_flags": ["domestic_abuse"], "age": {"limit": 25, "who": "victim"},
             "public_place": True}
    selection = d.select(empty_inputs(police=police_frame()), rules)
    # p4, p5 out of category; p1 DA; p2 victim age missing; p3 over 25; p0 kept.
    assert selection.police["occurrence_ref"].tolist() == ["p0"]
    assert excluded(selection) == {"category_not_included": 2, "excluded_flag": 1,
                                   "age_missing": 1, "age_over_limit": 1}
    assert selection.excluded["count"].sum() + len(selection.police) == 6


def test_police_evaluability_all_applied():
    rules = {"categories": ["abh"], "flags": {"keys": ["knife"]}}
    selection = d.select(empty_inputs(police=police_frame()), rules)
    assert selection.evaluability["police"] == {
        "categories": APPLIED, "offence_codes": NOT_SET, "exclusions": NOT_SET,
        "flags": APPLIED, "exclude_flags": NOT_SET, "age": NOT_SET, "public_place": NOT_SET}
    assert not selection.partly_applied("police")


def test_empty_definition_selects_nothing():
    assert refs(police_frame(), {}) == []


# --- data.police.uk: coarse categories ----------------------------------------------------


def test_coarse_mapping():
    assert d.coarse_categories({"categories": ["personal_robbery"]}, OFFENCES) == ["robbery"]
    # Stalking and harassment ("other") are violence in data.police.uk.
    assert d.coarse_categories({"categories": ["other"]}, OFFENCES) == [
        "violence_and_sexual_offences", "other"]
    assert d.coarse_categories({"categories": ["asb"]}, OFFENCES) == ["asb"]
    assert d.coarse_categories({"categories": ["homicide"], "offence_codes": ["10D"]},
                               OFFENCES) == ["violence_and_sexual_offences", "weapon_possession"]
    # Without the taxonomy frame the fallback still maps categories.
    assert d.coarse_categories({"categories": ["rape"]}, OFFENCES.iloc[:0]) == [
        "violence_and_sexual_offences"]


def street_frame() -> pd.DataFrame:
    categories = ["violence_and_sexual_offences", "robbery", "robbery", "asb", "other",
                  "weapon_possession"]
    frame = pd.DataFrame({"crime_id": [f"s{i}" for i in range(6)], "category": categories})
    frame["category"] = frame["category"].astype("category")
    return frame


def test_street_selection_and_evaluability():
    inputs = empty_inputs(street=street_frame(), offences=OFFENCES)
    rules = {"categories": ["homicide", "personal_robbery"], "offence_codes": ["10D"],
             "exclude_categories": ["abh"], "flags": {"keys": ["knife"]},
             "exclude_flags": ["domestic_abuse"], "age": {"limit": 25, "who": "either"},
             "public_place": True}
    selection = d.select(inputs, rules)
    assert selection.street["crime_id"].tolist() == ["s0", "s1", "s2", "s5"]
    assert excluded(selection, "street") == {"category_not_included": 2}
    assert selection.evaluability["street"] == {
        "categories": PARTLY, "offence_codes": PARTLY, "exclusions": NOT_EVALUABLE,
        "flags": NOT_EVALUABLE, "exclude_flags": NOT_EVALUABLE, "age": NOT_EVALUABLE,
        "public_place": NOT_EVALUABLE}


def test_street_categories_applied_when_a_coarse_category_is_whole():
    inputs = empty_inputs(street=street_frame(), offences=OFFENCES)
    both = d.select(inputs, {"categories": ["personal_robbery", "business_robbery"]})
    assert both.evaluability["street"]["categories"] == APPLIED
    assert both.street["crime_id"].tolist() == ["s1", "s2"]
    one = d.select(inputs, {"categories": ["personal_robbery"]})
    assert one.evaluability["street"]["categories"] == PARTLY


# --- A&E attendances (ISTV) and admissions -----------------------------------------------


def istv_frame() -> pd.DataFrame:
    return pd.DataFrame({
        "site_code": ["i0", "i1", "i2", "i3", "i4"],
        "weapon": pd.Categorical(["knife_or_sharp_object", "body_part", "unknown", "firearm",
                                  "knife_or_sharp_object"]),
        "location_type": pd.Categorical(["public_place", "home", "licensed_premises",
                                         "unknown", "public_place"]),
    })


def test_istv_knife_and_public_place():
    inputs = empty_inputs(istv=istv_frame(), offences=OFFENCES)
    rules = {"categories": ["wounding_gbh_with_intent"], "flags": {"keys": ["knife"]},
             "public_place": True, "age": {"limit": 25, "who": "victim"}}
    selection = d.select(inputs, rules)
    assert selection.istv["site_code"].tolist() == ["i0", "i4"]
    assert excluded(selection, "istv") == {"flag_not_set": 3}
    assert selection.evaluability["istv"] == {
        "categories": PARTLY, "offence_codes": NOT_SET, "exclusions": NOT_SET,
        "flags": PARTLY,  # one weapon unknown
        "exclude_flags": NOT_SET, "age": NOT_EVALUABLE, "public_place": PARTLY}


def test_istv_any_flag_it_lacks_keeps_every_record():
    inputs = empty_inputs(istv=istv_frame(), offences=OFFENCES)
    rules = {"categories": ["abh"], "flags": {"mode": "any", "keys": ["knife", "alcohol"]}}
    selection = d.select(inputs, rules)
    assert len(selection.istv) == 5
    assert selection.evaluability["istv"]["flags"] == NOT_EVALUABLE
    # In "all" mode the knife part is applied (a wider set than the rule's).
    rules["flags"]["mode"] = "all"
    selection = d.select(inputs, rules)
    assert selection.istv["site_code"].tolist() == ["i0", "i4"]
    assert selection.evaluability["istv"]["flags"] == PARTLY


def test_assault_sources_out_when_definition_has_no_violence():
    inputs = empty_inputs(istv=istv_frame(), offences=OFFENCES)
    selection = d.select(inputs, {"categories": ["asb"]})
    assert selection.istv.empty
    assert excluded(selection, "istv") == {"category_not_included": 5}


def admissions_frame() -> pd.DataFrame:
    return pd.DataFrame({
        "assault_code": ["X99", "X99", "Y04", "X95", "X99"],
        "sharp_object": [True, True, False, False, True],
        "age": pd.array([17, 30, None, 22, None], dtype="Int64"),
        "under_25": pd.array([True, False, True, True, pd.NA], dtype="boolean"),
        "share": [1.0, 0.5, 1.0, 1.0, 0.25],
    })


def test_admissions_sharp_object_under_25():
    inputs = empty_inputs(admissions=admissions_frame(), offences=OFFENCES)
    rules = {"categories": ["homicide"], "flags": {"keys": ["knife"]},
             "age": {"limit": 25, "who": "victim"}, "public_place": True}
    selection = d.select(inputs, rules)
    assert selection.admissions["assault_code"].tolist() == ["X99"]
    # Counted by apportioned share: 2 + 1 admissions out on the flag, halves and quarters.
    assert excluded(selection, "admissions") == {"flag_not_set": 2.0, "age_missing": 0.25,
                                                 "age_over_limit": 0.5}
    assert selection.evaluability["admissions"]["age"] == PARTLY  # one under_25 unknown
    assert selection.evaluability["admissions"]["flags"] == APPLIED
    assert selection.evaluability["admissions"]["public_place"] == NOT_EVALUABLE


def test_admissions_age_rules():
    inputs = empty_inputs(admissions=admissions_frame(), offences=OFFENCES)
    other_limit = d.select(inputs, {"categories": ["abh"], "age": {"limit": 18}})
    assert other_limit.admissions["age"].tolist() == [17]
    assert other_limit.evaluability["admissions"]["age"] == PARTLY
    suspect = d.select(inputs, {"categories": ["abh"], "age": {"limit": 25, "who": "suspect"}})
    assert len(suspect.admissions) == 5
    assert suspect.evaluability["admissions"]["age"] == NOT_EVALUABLE
    either = d.select(inputs, {"categories": ["abh"], "age": {"limit": 25, "who": "either"}})
    assert either.evaluability["admissions"]["age"] == PARTLY


def test_admissions_firearm_from_assault_code():
    inputs = empty_inputs(admissions=admissions_frame(), offences=OFFENCES)
    selection = d.select(inputs, {"categories": ["abh"], "flags": {"keys": ["firearm"]}})
    assert selection.admissions["assault_code"].tolist() == ["X95"]


def test_empty_sources_are_fine():
    selection = d.select(empty_inputs(), {"categories": ["homicide"], "public_place": True})
    assert selection.police.empty and selection.excluded.empty
    assert selection.evaluability["police"]["public_place"] == APPLIED


# --- validation and canonical form --------------------------------------------------------


def test_validate_accepts_a_good_definition():
    rules = {"categories": ["homicide"], "offence_codes": ["10D"],
             "flags": {"mode": "all", "keys": ["knife"]}, "age": {"limit": 25, "who": "either"},
             "public_place": True}
    assert d.validate(rules, OFFENCES) == []


@pytest.mark.parametrize(("rules", "error"), [
    ({"categories": ["knife_crime"]},
     {"key": "unknown_category", "params": {"rule": "categories", "value": "knife_crime"}}),
    ({"categories": ["abh"], "offence_codes": ["008/01"]},
     {"key": "unknown_code", "params": {"rule": "offence_codes", "value": "008/01"}}),
    ({"categories": ["abh"], "age": {"limit": 0, "who": "victim"}},
     {"key": "age_limit", "params": {"value": 0, "min": 1, "max": 120}}),
    ({"categories": ["abh"], "age": {"limit": 121, "who": "victim"}},
     {"key": "age_limit", "params": {"value": 121, "min": 1, "max": 120}}),
    ({"categories": ["abh"], "age": {"limit": 25, "who": "offender"}},
     {"key": "age_who", "params": {"value": "offender"}}),
    ({"categories": ["abh"], "flags": {"mode": "any", "keys": ["gang"]}},
     {"key": "unknown_flag", "params": {"rule": "flags", "value": "gang"}}),
    ({"categories": ["abh"], "flags": {"mode": "some", "keys": ["knife", "firearm"]}},
     {"key": "flags_mode", "params": {"value": "some"}}),
    ({"categories": ["abh"], "exclude_categories": ["abh"]},
     {"key": "included_and_excluded", "params": {"rule": "categories", "value": "abh"}}),
    ({}, {"key": "empty", "params": {}}),
    ({"exclude_categories": ["asb"]}, {"key": "empty", "params": {}}),
    ({"categories": ["abh"], "radicalisation": True},
     {"key": "unknown_rule", "params": {"value": "radicalisation"}}),
    ({"categories": "abh"},
     {"key": "invalid_value", "params": {"rule": "categories", "expected": "list_of_text"}}),
    ({"categories": ["abh"], "public_place": "yes"},
     {"key": "invalid_value", "params": {"rule": "public_place", "expected": "true_or_false"}}),
])
def test_validate_errors(rules, error):
    assert error in d.validate(rules, OFFENCES)


def test_age_limit_must_be_a_whole_number():
    errors = d.validate({"categories": ["abh"], "age": {"limit": 24.5, "who": "victim"}})
    assert [e["key"] for e in errors] == ["age_limit"]
    assert d.validate({"categories": ["abh"], "age": {"limit": 25.0, "who": "victim"}}) == []


def test_validate_not_a_mapping():
    assert d.validate(["homicide"]) == [{"key": "not_a_mapping", "params": {}}]


def test_normalise_makes_equal_definitions_equal():
    a = {"categories": ["rape", "homicide", "rape"], "flags": {"mode": "all", "keys": ["knife"]},
         "age": {"limit": 25.0, "who": "either"}}
    b = {"categories": ["homicide", "rape"], "flags": {"keys": ["knife"]},
         "age": {"who": "either", "limit": 25}, "public_place": False, "exclude_flags": []}
    assert d.normalise(a) == d.normalise(b)
    assert d.normalise(a) == {
        "categories": ["homicide", "rape"], "offence_codes": [], "exclude_categories": [],
        "exclude_offence_codes": [], "exclude_flags": [],
        "flags": {"mode": "any", "keys": ["knife"]}, "age": {"limit": 25, "who": "either"},
        "public_place": False}
    assert d.normalise(a) != d.normalise({**b, "public_place": True})
    # With two flags the mode matters.
    two = {"categories": ["abh"], "flags": {"mode": "all", "keys": ["knife", "firearm"]}}
    assert d.normalise(two)["flags"] == {"mode": "all", "keys": ["firearm", "knife"]}
