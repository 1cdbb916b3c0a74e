"""Words for the computation's keys: categories, sections, columns, verdicts, rules and
notes, in the reader's language. The computation returns keys only (it knows no
language); everything a person reads is translated here or in the templates."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ingest import labels as ingest_labels
from ingest import sources

CATEGORIES = {
    **ingest_labels.CATEGORIES,
    "all": gettext_lazy("all offences in the definition"),
}

SECTIONS = {
    "volumes": gettext_lazy("Volumes and trends"),
    "rates": gettext_lazy("Rates and comparators"),
    "people": gettext_lazy("Victims and suspects"),
    "places": gettext_lazy("Where"),
    "time": gettext_lazy("When"),
    "flags": gettext_lazy("Flags and outcomes"),
    "health": gettext_lazy("Health, youth justice and partners' indicators"),
    "harm": gettext_lazy("Harm"),
    "quality": gettext_lazy("Data quality and gaps"),
}

VERDICTS = {
    "significant_increase": gettext_lazy("Statistically significant increase"),
    "significant_decrease": gettext_lazy("Statistically significant decrease"),
    "no_significant_change": gettext_lazy("Change not statistically significant"),
    "no_change": gettext_lazy("No change"),
    "too_few_to_test": gettext_lazy("Too few to test"),
    "higher": gettext_lazy("Significantly higher"),
    "lower": gettext_lazy("Significantly lower"),
    "similar": gettext_lazy("Similar"),
    "over": gettext_lazy("Over-represented"),
    "under": gettext_lazy("Under-represented"),
    "above_998": gettext_lazy("Above the 99.8% limit"),
    "above_95": gettext_lazy("Above the 95% limit"),
    "within": gettext_lazy("Within the limits"),
    "below_95": gettext_lazy("Below the 95% limit"),
    "below_998": gettext_lazy("Below the 99.8% limit"),
    "supplied": gettext_lazy("Supplied"),
    "not_supplied": gettext_lazy("Not supplied"),
    "applied": gettext_lazy("Applied"),
    "partly": gettext_lazy("Partly applied"),
    "not_evaluable": gettext_lazy("Could not be applied"),
    "not_set": gettext_lazy("Not used"),
}

RULES = {
    "categories": gettext_lazy("offence categories"),
    "offence_codes": gettext_lazy("Home Office offence codes"),
    "exclusions": gettext_lazy("exclusions"),
    "flags": gettext_lazy("flags (knife, firearm, alcohol, drugs, domestic abuse)"),
    "exclude_flags": gettext_lazy("flags excluded"),
    "age": gettext_lazy("age limit"),
    "public_place": gettext_lazy("public place"),
}

FLAGS = {
    "domestic_abuse": gettext_lazy("domestic abuse"),
    "knife": gettext_lazy("knife or sharp instrument"),
    "firearm": gettext_lazy("firearm"),
    "alcohol": gettext_lazy("alcohol"),
    "drugs": gettext_lazy("drugs"),
    "public_place": gettext_lazy("public place"),
}

AUDIENCES = {
    "partnership": gettext_lazy("partnership analysts"),
    "board": gettext_lazy("the executive board"),
    "scrutiny": gettext_lazy("the scrutiny committee"),
    "public": gettext_lazy("the public"),
}

STAGES = {
    "reading": gettext_lazy("Reading the partnership's records"),
    "computing": gettext_lazy("Applying the local definition"),
    "definition": gettext_lazy("Applying the local definition"),
    "volumes": gettext_lazy("Counting volumes and testing changes"),
    "rates": gettext_lazy("Working out rates and comparators"),
    "people": gettext_lazy("Describing victims and suspects"),
    "places": gettext_lazy("Comparing areas"),
    "time": gettext_lazy("Looking at when offences happen"),
    "flags": gettext_lazy("Counting flags and outcomes"),
    "health": gettext_lazy("Reading health and youth justice data"),
    "quality": gettext_lazy("Checking data quality"),
    "harm": gettext_lazy("Weighting by harm"),
    "priorities": gettext_lazy("Proposing priorities"),
    "done": gettext_lazy("Finished"),
}


# Values of label and text columns other than categories (sex, ethnic group, weapon,
# location, levels, test methods, reasons a record was left out or not placed).
VALUES = {
    "female": gettext_lazy("Female"),
    "male": gettext_lazy("Male"),
    "other": gettext_lazy("Other"),
    "unknown": gettext_lazy("Unknown"),
    "white": gettext_lazy("White"),
    "mixed": gettext_lazy("Mixed"),
    "asian": gettext_lazy("Asian"),
    "black": gettext_lazy("Black"),
    "under_25": gettext_lazy("Under 25"),
    "outcome_22": gettext_lazy("Outcome 22: diversionary, educational or intervention activity"),
    "admissions_sharp_object": gettext_lazy("Hospital admissions for assault with a sharp "
                                            "object"),
    "admissions_sharp_object_under_25": gettext_lazy("Hospital admissions for assault with a "
                                                     "sharp object, under 25s"),
    "knife_serious_violence": gettext_lazy("Knife-enabled serious violence"),
    "knife_serious_violence_under_25": gettext_lazy("Knife-enabled serious violence, victims "
                                                    "under 25"),
    "non_domestic_homicide": gettext_lazy("Non-domestic homicide"),
    "knife_homicide_under_25": gettext_lazy("Non-domestic knife homicide, victims under 25"),
    "knife_or_sharp_object": gettext_lazy("Knife or sharp object"),
    "blunt_object": gettext_lazy("Blunt object"),
    "body_part": gettext_lazy("Body part"),
    "licensed_premises": gettext_lazy("Licensed premises"),
    "public_place": gettext_lazy("Public place"),
    "school": gettext_lazy("School"),
    "workplace": gettext_lazy("Workplace"),
    "home": gettext_lazy("Home"),
    "ward": gettext_lazy("Ward"),
    "lsoa": gettext_lazy("LSOA"),
    "exact_conditional": gettext_lazy("Exact test"),
    "quasi_poisson": gettext_lazy("Quasi-Poisson test"),
    "not_recorded": gettext_lazy("Not recorded"),
    "not_placed": gettext_lazy("Not placed at this level"),
    "youth_records": gettext_lazy("Youth justice cohort records"),
    "youth_aggregates": gettext_lazy("Youth justice service figures"),
    "no_lsoa": gettext_lazy("No LSOA"),
    "lsoa_2021_no_lookup": gettext_lazy("2021 LSOA code with no lookup"),
    "lsoa_unknown": gettext_lazy("LSOA code not recognised"),
    "no_ward": gettext_lazy("No ward"),
    "category_not_included": gettext_lazy("Category not in the definition"),
    "excluded_category": gettext_lazy("Category excluded"),
    "excluded_code": gettext_lazy("Offence code excluded"),
    "flag_not_set": gettext_lazy("Required flag not set"),
    "excluded_flag": gettext_lazy("Excluded flag set"),
    "age_missing": gettext_lazy("Age not recorded"),
    "age_over_limit": gettext_lazy("Over the age limit"),
    "not_public_place": gettext_lazy("Not in a public place"),
}


# Harm indices by the name the loader records (ingest/parsers/harm_weights.py, the demo's):
# names of published indices are translated as their publishers' Welsh versions would be.
HARM_INDICES = {
    "Cambridge Crime Harm Index": gettext_lazy("Cambridge Crime Harm Index"),
    "ONS Crime Severity Score": gettext_lazy("ONS Crime Severity Score"),
    "Demo harm index by offence code (synthetic)":
        gettext_lazy("Demo harm index by offence code (synthetic)"),
    "Demo harm index by offence subgroup (synthetic)":
        gettext_lazy("Demo harm index by offence subgroup (synthetic)"),
}

# The presets' names (computation/presets.py holds them in English, as published).
PRESET_NAMES = {
    "avon_somerset_vrp": gettext_lazy("Avon and Somerset VRP"),
    "avon_somerset_vrp_broader": gettext_lazy("Avon and Somerset VRP (broader commitment)"),
    "dorset_csp": gettext_lazy("Dorset CSP"),
    "bcp_csp": gettext_lazy("BCP CSP"),
    "home_office_serious_violence": gettext_lazy("Home Office serious violence"),
}


def capitalise(text) -> str:
    """First letter upper case, the rest as it is ("LSOA" stays "LSOA")."""
    text = str(text)
    return text[:1].upper() + text[1:]


def pretty(key) -> str:
    """A value key as words: known ones translated, others with spaces, capitalised."""
    text = str(key)
    if text in VALUES:
        return str(VALUES[text])
    return capitalise(text.replace("_", " "))


# Units indicators are commonly given in (ingest/parsers/indicator.py keeps them as given).
UNITS = {
    "count": gettext_lazy("count"),
    "number": gettext_lazy("number"),
    "%": "%",
    "percent": gettext_lazy("per cent"),
    "percentage": gettext_lazy("per cent"),
    "rate": gettext_lazy("rate"),
    "rate per 1,000": gettext_lazy("rate per 1,000"),
    "rate per 10,000": gettext_lazy("rate per 10,000"),
    "rate per 100,000": gettext_lazy("rate per 100,000"),
    "per 1,000": gettext_lazy("per 1,000"),
    "per 100,000": gettext_lazy("per 100,000"),
    "days": gettext_lazy("days"),
    "score": gettext_lazy("score"),
    "rate per 100 pupils": gettext_lazy("rate per 100 pupils"),
}


def unit(text) -> str:
    """An indicator's unit in the reader's language where it is a common one."""
    return str(UNITS.get(str(text).strip().lower(), text))


def harm_index(name) -> str:
    """A harm index's name in the reader's language where the platform knows it."""
    return str(HARM_INDICES.get(str(name), name))


def preset_name(key: str, name: str) -> str:
    return str(PRESET_NAMES.get(key, name))


def category(key) -> str:
    return str(CATEGORIES.get(str(key), key))


# The computation's short names for the sources a definition is applied to.
SOURCE_ALIASES = {"police": "police_occurrences", "street": "police_uk_street",
                  "admissions": "hospital_admissions", "youth": "youth_justice",
                  "indicators": "indicator"}


def source(key) -> str:
    key = SOURCE_ALIASES.get(str(key), str(key))
    spec = sources.SOURCES.get(key)
    return str(spec.label) if spec else str(key)


def verdict(key) -> str:
    return str(VERDICTS.get(str(key), key)) if key else ""


def rule(key) -> str:
    return str(RULES.get(str(key), key))


def rule_error(error) -> str:
    """A definitions.validate error (a key, or a dict with key and params) as a sentence."""
    key, params = (error, {}) if isinstance(error, str) else (error["key"],
                                                              error.get("params", {}))
    messages = {
        "unknown_category": _("%(value)s is not an offence category."),
        "unknown_code": _("%(value)s is not a Home Office offence code in the taxonomy."),
        "unknown_flag": _("%(value)s is not a flag the platform records."),
        "age_limit": _("The age limit must be a whole number from 1 to 120."),
        "age_who": _("Say whether the age limit applies to victims, suspects or either."),
        "empty": _("Include at least one offence category or offence code."),
        "flags_mode": _("Flags must match any or all of those chosen."),
        "included_and_excluded": _("%(value)s is both included and excluded: choose one."),
        "unknown_rule": _("%(value)s is not a rule the platform knows."),
        "invalid_value": _("A rule has a value of the wrong kind."),
        "not_a_mapping": _("The rules are not in the expected form."),
    }
    text = messages.get(key, _("The definition has a problem: %(key)s.") % {"key": key})
    try:
        return text % {"value": "", **params} if params or "%(value)s" in text else text
    except (KeyError, TypeError, ValueError):
        return text
