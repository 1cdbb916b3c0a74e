"""Words for ingest's keys that people read: the canonical fields of a police occurrence
extract (and the per-basis ethnicity fields derived from them) and the platform's offence
categories. The parsers and the taxonomy know keys only; pages, reports and the assessment
show these."""

from django.utils.translation import gettext_lazy

FIELDS = {
    "occurrence_ref": gettext_lazy("Occurrence reference"),
    "committed_date": gettext_lazy("Date committed"),
    "committed_time": gettext_lazy("Time committed"),
    "recorded_date": gettext_lazy("Date recorded"),
    "offence_code": gettext_lazy("Home Office offence code"),
    "offence_description": gettext_lazy("Offence description"),
    "lsoa_code": gettext_lazy("LSOA code"),
    "ward_code": gettext_lazy("Ward code"),
    "beat": gettext_lazy("Beat"),
    "location_type": gettext_lazy("Location type"),
    "domestic_abuse": gettext_lazy("Domestic abuse flag"),
    "knife": gettext_lazy("Knife or sharp instrument flag"),
    "firearm": gettext_lazy("Firearm flag"),
    "alcohol": gettext_lazy("Alcohol flag"),
    "drugs": gettext_lazy("Drugs flag"),
    "hate": gettext_lazy("Hate crime flag"),
    "victim_age": gettext_lazy("Victim's age"),
    "victim_sex": gettext_lazy("Victim's sex"),
    "victim_ethnicity": gettext_lazy("Victim's ethnicity"),
    "victim_ethnicity_basis": gettext_lazy("Victim's ethnicity: self- or officer-defined"),
    "victim_ethnicity_self": gettext_lazy("Victim's ethnicity (self-defined)"),
    "victim_ethnicity_officer": gettext_lazy("Victim's ethnicity (officer-defined)"),
    "suspect_age": gettext_lazy("Suspect's age"),
    "suspect_sex": gettext_lazy("Suspect's sex"),
    "suspect_ethnicity": gettext_lazy("Suspect's ethnicity"),
    "suspect_ethnicity_basis": gettext_lazy("Suspect's ethnicity: self- or officer-defined"),
    "suspect_ethnicity_self": gettext_lazy("Suspect's ethnicity (self-defined)"),
    "suspect_ethnicity_officer": gettext_lazy("Suspect's ethnicity (officer-defined)"),
    "outcome": gettext_lazy("Outcome"),
}

CATEGORIES = {
    "homicide": gettext_lazy("homicide"),
    "attempted_murder": gettext_lazy("attempted murder"),
    "wounding_gbh_with_intent": gettext_lazy("wounding or GBH with intent (section 18)"),
    "gbh_wounding": gettext_lazy("GBH or wounding without intent (section 20)"),
    "abh": gettext_lazy("assault occasioning actual bodily harm"),
    "other_violence_with_injury": gettext_lazy("other violence with injury"),
    "violence_without_injury": gettext_lazy("violence without injury"),
    "rape": gettext_lazy("rape"),
    "sexual_assault": gettext_lazy("sexual assault"),
    "other_sexual_offences": gettext_lazy("other sexual offences"),
    "personal_robbery": gettext_lazy("robbery of personal property"),
    "business_robbery": gettext_lazy("robbery of business property"),
    "weapon_possession": gettext_lazy("possession of weapons"),
    "public_order": gettext_lazy("public order offences"),
    "asb": gettext_lazy("anti-social behaviour"),
    "other": gettext_lazy("other offences"),
    "violence_and_sexual_offences": gettext_lazy("violence and sexual offences"),
    "robbery": gettext_lazy("robbery"),
}


def field(key) -> str:
    """A canonical field as words: 'Date committed'; an unknown key as it is."""
    return str(FIELDS.get(str(key), key))


def category(key) -> str:
    """An offence category as words, capitalised for a table: 'Homicide'."""
    text = str(CATEGORIES.get(str(key), key))
    return text[:1].upper() + text[1:]
