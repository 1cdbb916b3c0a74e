"""The offence taxonomy shipped as data: complete against the Home Office code list,
categories from the allowed sets, every row sourced, codes kept as text."""

import csv

import pytest

from ingest.taxonomy import (
    CATEGORIES,
    COARSE_CATEGORIES,
    WEAPON_TYPES,
    load_taxonomy,
    normalise_offence_code,
)
from tests.shared import shared_path

PRC = "home-office-prc-pfa-2017-18/prc-pfa-mar2013-onwards-tables201718.csv"
MAPPINGS = "home-office-prc-pfa-2017-18/CrimeCatMappings.csv"


def prc_codes() -> dict[str, tuple[str, str]]:
    """Code -> (group, subgroup) straight from the Home Office file, read as text."""
    with shared_path(PRC).open(newline="", encoding="utf-8") as handle:
        return {
            r["Offence Code"]: (r["Offence Group"], r["Offence Subgroup"])
            for r in csv.DictReader(handle)
        }


def test_every_home_office_code_is_mapped_with_its_published_group_and_subgroup():
    offences = load_taxonomy().offences
    published = prc_codes()
    assert len(published) == 132
    assert set(published) == set(offences["code"])
    for code, (group, subgroup) in published.items():
        assert (offences.at[code, "offence_group"], offences.at[code, "offence_subgroup"]) == (
            group,
            subgroup,
        )


def test_the_third_party_code_list_is_covered_too():
    with shared_path(MAPPINGS).open(newline="", encoding="utf-8") as handle:
        codes = {row["Offence_Code"] for row in csv.DictReader(handle)}
    assert codes <= set(load_taxonomy().offences["code"])


def test_categories_are_from_the_allowed_sets():
    offences = load_taxonomy().offences
    assert set(offences["category"]) <= set(CATEGORIES)
    assert set(offences["coarse_category"]) <= set(COARSE_CATEGORIES)
    weapons = offences[offences["weapon_type"] != ""]
    assert set(weapons["category"]) == {"weapon_possession"}
    assert set(weapons["weapon_type"]) == set(WEAPON_TYPES)
    assert (offences.loc[offences["category"] == "weapon_possession", "weapon_type"] != "").all()


def test_every_row_cites_its_source_and_codes_are_unique():
    taxonomy = load_taxonomy()
    for frame in (taxonomy.offences, taxonomy.aliases, taxonomy.police_uk_types):
        assert (frame["source"].str.strip() != "").all()
    assert taxonomy.offences["code"].is_unique


@pytest.mark.parametrize(
    ("code", "category"),
    [
        ("1/4.1/4.10/4.2", "homicide"),
        ("2", "attempted_murder"),
        ("5D", "wounding_gbh_with_intent"),
        ("8N", "abh"),
        ("105A", "violence_without_injury"),
        ("19C", "rape"),
        ("20A", "sexual_assault"),
        ("88E", "other_sexual_offences"),
        ("34A", "business_robbery"),
        ("34B", "personal_robbery"),
        ("10D", "weapon_possession"),
        ("9A", "public_order"),
        ("46", "other"),
    ],
)
def test_key_mappings(code, category):
    assert load_taxonomy().offences.at[code, "category"] == category


def test_weapon_types_where_the_code_says():
    offences = load_taxonomy().offences
    assert offences.at["10D", "weapon_type"] == "blade_or_point"
    assert offences.at["90", "weapon_type"] == "blade_or_point"
    assert offences.at["10A", "weapon_type"] == "firearm"
    assert offences.at["10C", "weapon_type"] == "other_weapon"


def test_police_uk_crime_types():
    types = load_taxonomy().police_uk_types
    assert len(types) == 14
    assert set(types["coarse_category"]) <= set(COARSE_CATEGORIES)
    assert types.at["Anti-social behaviour", "coarse_category"] == "asb"
    taxonomy = load_taxonomy()
    assert taxonomy.coarse_category_of_crime_type("  violence AND sexual offences") == (
        "violence_and_sexual_offences"
    )
    assert taxonomy.coarse_category_of_crime_type("Burglery") is None


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        (" 8n ", "8N"),
        ("4/3", "4.3"),
        ("37/1", "37.1"),
        ("4.10", "1/4.1/4.10/4.2"),
        ("1", "1/4.1/4.10/4.2"),
        ("4.1", "1/4.1/4.10/4.2"),
        ("99", "99"),
        ("12Z", None),
    ],
)
def test_codes_resolve_as_text(raw, code):
    assert load_taxonomy().resolve_code(raw) == code


def test_normalise_leaves_the_combined_homicide_code_alone():
    assert normalise_offence_code("1/4.1/4.10/4.2") == "1/4.1/4.10/4.2"


def test_version_is_declared_plus_content_hash_and_frames_are_copies():
    first = load_taxonomy()
    declared, digest = first.version.split("+")
    assert declared.count(".") == 2 and len(digest) == 12
    first.offences.loc["8N", "category"] = "changed"
    again = load_taxonomy()
    assert again.offences.at["8N", "category"] == "abh"
    assert again.version == first.version
