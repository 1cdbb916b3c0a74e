"""Definitions published by real partnerships, as starting points for a local definition.

Each preset's rules are a reading of published text (the seeds in ../shared/seeds/) in the
rule language of definitions.py. That language has no "or" between a category and a flag
("knife crime" = any offence flagged knife; "violent domestic abuse" = violence flagged
domestic abuse), so some phrases cannot be selected as written. Each such judgement is
listed in the preset's "notes" as a key with parameters, for the editor to show and
translate, and explained beside the rules below.
"""

from __future__ import annotations

from typing import Any

from .definitions import normalise

VIOLENCE_AGAINST_THE_PERSON = ["homicide", "attempted_murder", "wounding_gbh_with_intent",
                               "gbh_wounding", "abh", "other_violence_with_injury",
                               "violence_without_injury"]
SEXUAL_OFFENCES = ["rape", "sexual_assault", "other_sexual_offences"]
# The Home Office / Duty core: the most serious violence, robbery and weapon carrying.
SERIOUS_VIOLENCE = ["homicide", "attempted_murder", "wounding_gbh_with_intent", "gbh_wounding"]
MODERN_SLAVERY = "106"  # Home Office offence code 106, Modern slavery


def _note(key: str, **params: Any) -> dict[str, Any]:
    return {"key": key, "params": params}


# No PRC code maps to gbh_wounding: code 8N holds GBH without intent (s20) and ABH alike
# (taxonomy note on 8N), so the category selects nothing until detailed codes exist.
# Adding abh would bring in all assault with injury, far beyond serious violence.
GBH_NOTE = _note("gbh_without_intent_not_separable", category="gbh_wounding", code="8N",
                 not_included="abh")
NO_OR_NOTE = _note("flag_not_combinable_with_categories")

AVON_SOMERSET_SOURCE = ("Avon and Somerset Violence Reduction Partnership, 'What is Serious "
                        "Violence': Our definition (seeds/avon-somerset-vrp-definition.txt); "
                        "also quoted by B&NES (seeds/banes-serious-violence-duty.txt)")

AVON_SOMERSET_VRP = {
    "name": "Avon and Somerset VRP",
    "description_key": "preset_avon_somerset_vrp",
    "source": AVON_SOMERSET_SOURCE,
    # "public space violence for under 25s; including homicide, attempted homicide,
    # robbery, wounding, grievous bodily harm, knife and gun crime, ... county lines and
    # modern slavery". Under 25s: victim or suspect. Knife and gun crime: weapon
    # possession (knives, firearms); knife-flagged offences of other categories cannot be
    # added without taking in the whole category, so the flags analysis shows them.
    "rules": {
        "categories": [*SERIOUS_VIOLENCE, "personal_robbery", "business_robbery",
                       "weapon_possession"],
        "offence_codes": [MODERN_SLAVERY],
        "age": {"limit": 25, "who": "either"},
        "public_place": True,
    },
    "notes": [
        _note("age_victim_or_suspect", limit=25),
        GBH_NOTE,
        _note("knife_gun_crime_as_weapon_possession", category="weapon_possession",
              flags=["knife", "firearm"]),
        _note("alcohol_drug_related_not_selectable", flags=["alcohol", "drugs"]),
        _note("not_in_taxonomy", topic="county_lines"),
        _note("modern_slavery_by_code", code=MODERN_SLAVERY),
        # "radicalisation is out of scope": there is no radicalisation offence or flag
        # in the taxonomy, so there is nothing to exclude.
        _note("exclusion_not_in_taxonomy", topic="radicalisation"),
    ],
}

AVON_SOMERSET_VRP_BROADER = {
    "name": "Avon and Somerset VRP (broader commitment)",
    "description_key": "preset_avon_somerset_vrp_broader",
    "source": AVON_SOMERSET_SOURCE,
    # "We also ... commit to ... serious violence ... in the broadest sense, including
    # domestic abuse, rape and serious sexual offences and violence against women and
    # girls": the priority focus's offences at any age and place, plus sexual offences.
    # Domestic abuse is not a category: DA-flagged violence would need abh and violence
    # without injury whole, so the domestic-abuse share is reported by the flags analysis.
    "rules": {
        "categories": [*SERIOUS_VIOLENCE, "personal_robbery", "business_robbery",
                       "weapon_possession", *SEXUAL_OFFENCES],
        "offence_codes": [MODERN_SLAVERY],
    },
    "notes": [
        _note("no_age_or_place_limit"),
        GBH_NOTE,
        _note("domestic_abuse_reported_by_flag", flag="domestic_abuse"),
        NO_OR_NOTE,
        _note("vawg_not_selectable", topic="violence_against_women_and_girls"),
        _note("exclusion_not_in_taxonomy", topic="radicalisation"),
    ],
}

DORSET_CSP = {
    "name": "Dorset CSP",
    "description_key": "preset_dorset_csp",
    "source": ("Dorset Community Safety Partnership, Serious Violence Strategy "
               "(seeds/dorset-csp-serious-violence-strategy.txt)"),
    # "violence against the person, violence and sexual offences and violent domestic
    # abuse are shown to be the priority areas": all violence against the person and all
    # sexual offences. Violent domestic abuse lies inside these (its share is the
    # domestic-abuse flag). Stalking and harassment (category "other", with offences
    # that are not violence) are left out. Weapon carrying by young people is named for
    # early intervention, not as a priority area, so it is not in the definition.
    "rules": {"categories": [*VIOLENCE_AGAINST_THE_PERSON, *SEXUAL_OFFENCES]},
    "notes": [
        _note("violent_domestic_abuse_inside_categories", flag="domestic_abuse"),
        _note("stalking_harassment_not_included", category="other"),
        _note("weapon_carrying_early_intervention_only", category="weapon_possession"),
    ],
}

BCP_CSP = {
    "name": "BCP CSP",
    "description_key": "preset_bcp_csp",
    "source": ("BCP Council Overview and Scrutiny Board, Community Safety Partnership annual "
               "report 2024, paragraph 24 (seeds/bcp-csp-annual-report-scrutiny-2024.txt); "
               "BCP Council 'Serious Violence' page (seeds/bcp-serious-violence-page.txt)"),
    # The four priorities under the Duty: sexual assaults and rape; violence against the
    # person - knife crime; robbery; domestic abuse.
    #  1. Sexual assaults and rape: rape and sexual_assault (not other sexual offences).
    #  2. Knife crime: the report counts "knife flagged serious violence occurrences", so
    #     the serious violence categories and weapon possession are included and the knife
    #     share comes from the flags analysis (a knife flag here would drop unflagged rape
    #     and robbery).
    #  3. Robbery: personal and business (personal robbery is the commonest).
    #  4. Domestic abuse: no category; DA-flagged sexual offences are included through 1,
    #     other DA violence cannot be selected without all ABH and common assault.
    "rules": {
        "categories": ["rape", "sexual_assault", *SERIOUS_VIOLENCE, "weapon_possession",
                       "personal_robbery", "business_robbery"],
    },
    "notes": [
        _note("priority_sexual_assault_rape", categories=["rape", "sexual_assault"]),
        _note("priority_knife_crime_by_flag_share", flag="knife",
              categories=[*SERIOUS_VIOLENCE, "weapon_possession"]),
        _note("priority_robbery", categories=["personal_robbery", "business_robbery"]),
        _note("priority_domestic_abuse_by_flag", flag="domestic_abuse"),
        GBH_NOTE,
        NO_OR_NOTE,
    ],
}

HOME_OFFICE_SERIOUS_VIOLENCE = {
    "name": "Home Office serious violence",
    "description_key": "preset_home_office_serious_violence",
    "source": ("Home Office, Serious Violence Duty: statutory guidance for the Police, Crime, "
               "Sentencing and Courts Act 2022 (December 2022), and the Serious Violence "
               "Strategy (April 2018): homicide, violence against the person including knife "
               "and gun crime"),
    # The guidance names crime types, not codes; this is the usual reading of them:
    # homicide, attempted murder, wounding with intent (s18), GBH/wounding, personal
    # robbery and possession of knives and other weapons.
    "rules": {"categories": [*SERIOUS_VIOLENCE, "personal_robbery", "weapon_possession"]},
    "notes": [_note("guidance_names_crime_types_not_codes"), GBH_NOTE],
}

PRESETS: dict[str, dict[str, Any]] = {
    "avon_somerset_vrp": AVON_SOMERSET_VRP,
    "avon_somerset_vrp_broader": AVON_SOMERSET_VRP_BROADER,
    "dorset_csp": DORSET_CSP,
    "bcp_csp": BCP_CSP,
    "home_office_serious_violence": HOME_OFFICE_SERIOUS_VIOLENCE,
}


def preset_rules(key: str) -> dict[str, Any]:
    """A preset's rules in canonical form (a fresh copy, safe to edit)."""
    return normalise(PRESETS[key]["rules"])
