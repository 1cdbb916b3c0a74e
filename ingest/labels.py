"""Words for ingest's keys that people read: the canonical fields of a police occurrence
extract (and the per-basis ethnicity fields derived from them) and the platform's offence
categories. The parsers and the taxonomy know keys only; pages, reports and the assessment
show these."""

import re

from django.utils.translation import gettext, gettext_lazy

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


# Home Office crime outcome types, as the loader records a force's outcome ("Outcome 14").
OUTCOME_TYPES = {
    1: gettext_lazy("Charged or summonsed"),
    2: gettext_lazy("Caution (youth)"),
    3: gettext_lazy("Caution (adult)"),
    4: gettext_lazy("Taken into consideration"),
    5: gettext_lazy("Offender died"),
    6: gettext_lazy("Penalty notice for disorder"),
    7: gettext_lazy("Cannabis or khat warning"),
    8: gettext_lazy("Community resolution"),
    9: gettext_lazy("Prosecution not in the public interest (CPS)"),
    10: gettext_lazy("Formal action not in the public interest (police)"),
    11: gettext_lazy("Prosecution prevented: suspect below the age of criminal responsibility"),
    12: gettext_lazy("Prosecution prevented: suspect too ill"),
    13: gettext_lazy("Prosecution prevented: victim or key witness dead or too ill"),
    14: gettext_lazy("Evidential difficulties: suspect not identified, victim does not "
                     "support action"),
    15: gettext_lazy("Evidential difficulties: suspect identified, victim supports action"),
    16: gettext_lazy("Evidential difficulties: suspect identified, victim does not support "
                     "action"),
    17: gettext_lazy("Prosecution time limit expired"),
    18: gettext_lazy("Investigation complete: no suspect identified"),
    19: gettext_lazy("National Fraud Intelligence Bureau filed"),
    20: gettext_lazy("Action by another body or agency"),
    21: gettext_lazy("Further investigation not in the public interest"),
    22: gettext_lazy("Diversionary, educational or intervention activity"),
}

# data.police.uk's "Last outcome category" values, as published.
POLICE_UK_OUTCOMES = {
    "Action to be taken by another organisation":
        gettext_lazy("Action to be taken by another organisation"),
    "Awaiting court outcome": gettext_lazy("Awaiting court outcome"),
    "Court case unable to proceed": gettext_lazy("Court case unable to proceed"),
    "Court result unavailable": gettext_lazy("Court result unavailable"),
    "Defendant found not guilty": gettext_lazy("Defendant found not guilty"),
    "Defendant sent to Crown Court": gettext_lazy("Defendant sent to Crown Court"),
    "Formal action is not in the public interest":
        gettext_lazy("Formal action is not in the public interest"),
    "Further action is not in the public interest":
        gettext_lazy("Further action is not in the public interest"),
    "Further investigation is not in the public interest":
        gettext_lazy("Further investigation is not in the public interest"),
    "Investigation complete; no suspect identified":
        gettext_lazy("Investigation complete; no suspect identified"),
    "Local resolution": gettext_lazy("Local resolution"),
    "Offender deprived of property": gettext_lazy("Offender deprived of property"),
    "Offender fined": gettext_lazy("Offender fined"),
    "Offender given a caution": gettext_lazy("Offender given a caution"),
    "Offender given a drugs possession warning":
        gettext_lazy("Offender given a drugs possession warning"),
    "Offender given absolute discharge": gettext_lazy("Offender given absolute discharge"),
    "Offender given community sentence": gettext_lazy("Offender given community sentence"),
    "Offender given conditional discharge":
        gettext_lazy("Offender given conditional discharge"),
    "Offender given penalty notice": gettext_lazy("Offender given penalty notice"),
    "Offender given suspended prison sentence":
        gettext_lazy("Offender given suspended prison sentence"),
    "Offender ordered to pay compensation":
        gettext_lazy("Offender ordered to pay compensation"),
    "Offender otherwise dealt with": gettext_lazy("Offender otherwise dealt with"),
    "Offender sent to prison": gettext_lazy("Offender sent to prison"),
    "Status update unavailable": gettext_lazy("Status update unavailable"),
    "Suspect charged as part of another case":
        gettext_lazy("Suspect charged as part of another case"),
    "Unable to prosecute suspect": gettext_lazy("Unable to prosecute suspect"),
    "Under investigation": gettext_lazy("Under investigation"),
}

_OUTCOME_TYPE = re.compile(r"Outcome (\d{1,2})([A-C]?)")


def outcome(value) -> str | None:
    """An outcome as recorded, in words: "Outcome 14" with its Home Office name, a
    data.police.uk category translated; None for wording the platform does not know
    (shown as given)."""
    text = str(value)
    found = _OUTCOME_TYPE.fullmatch(text)
    if found and int(found.group(1)) in OUTCOME_TYPES:
        return gettext("Outcome %(number)s: %(name)s") % {
            "number": found.group(1) + found.group(2),
            "name": OUTCOME_TYPES[int(found.group(1))]}
    named = POLICE_UK_OUTCOMES.get(text)
    return str(named) if named is not None else None
