"""Direct identifiers recognised by column heading.

Headings are normalised to lower-case word tokens ("DateOfBirth", "date_of_birth" and
"Date of birth" all become `date of birth`). Each kind has trigger words or phrases and
QUALIFIERS that make a heading about something other than a person.

The rule for the ambiguous word "name": a heading containing "name" is a person's name
UNLESS another word in it says whose name it is and that it is not a person: a place
("LSOA name", "Ward name", "Street name"), an offence or category ("Offence name"), an
organisation ("Hospital name", "School name") or a data item ("Column name"). Unambiguous
words ("Forename", "Surname", "First name", "Full name"...) always flag.

Deliberately NOT flagged by heading (values are still scanned):
  - plain "Postcode": admissions and A&E data legitimately carry outward codes ("BH1") in a
    column called Postcode, so a postcode column is refused only for FULL postcodes found in
    it (or when its heading says "full" / "unit" postcode);
  - "Location" (police.uk anonymised "On or near ..." text) and "Street";
  - "Year of birth", "Age": not direct identifiers under DOMAIN.md's definition.
"""

import re

KIND_LABELS = {
    "name": "people's names",
    "date_of_birth": "dates of birth",
    "address": "addresses",
    "postcode": "full postcodes",
    "nhs_number": "NHS numbers",
    "pnc_id": "PNC IDs",
    "phone": "phone numbers",
    "email": "email addresses",
}

_PLACES = {
    "lsoa",
    "msoa",
    "oa",
    "ward",
    "wd",
    "beat",
    "sector",
    "neighbourhood",
    "neighborhood",
    "area",
    "district",
    "borough",
    "county",
    "region",
    "la",
    "lad",
    "lsoa11",
    "lsoa21",
    "authority",
    "council",
    "csp",
    "partnership",
    "force",
    "pfa",
    "police",
    "constabulary",
    "division",
    "parish",
    "town",
    "city",
    "country",
    "nation",
    "street",
    "road",
    "place",
    "location",
    "locality",
    "site",
    "premises",
    "venue",
    "establishment",
    "station",
}
_ORGANISATIONS = {
    "business",
    "shop",
    "store",
    "school",
    "college",
    "university",
    "hospital",
    "trust",
    "ccg",
    "icb",
    "practice",
    "provider",
    "organisation",
    "organization",
    "org",
    "agency",
    "team",
    "unit",
    "department",
    "service",
    "court",
    "prison",
    "institution",
    "company",
}
_THINGS = {
    "offence",
    "offense",
    "crime",
    "outcome",
    "category",
    "type",
    "class",
    "classification",
    "group",
    "subgroup",
    "code",
    "description",
    "file",
    "sheet",
    "column",
    "field",
    "variable",
    "measure",
    "index",
    "indicator",
    "metric",
    "dataset",
    "source",
    "system",
    "product",
    "drug",
    "weapon",
    "ethnicity",
    "ethnic",
    "religion",
    "nationality",
    "event",
    "operation",
    "project",
    "programme",
    "program",
    "scheme",
    "intervention",
    "disposal",
    "user",
}
_FLAGS = {
    "flag",
    "type",
    "category",
    "known",
    "provided",
    "present",
    "status",
    "match",
    "matched",
    "quality",
    "consent",
    "sent",
    "opt",
    "stolen",
    "theft",
    "make",
    "model",
    "involved",
    "used",
    "count",
}

_RULES: dict[str, tuple[set[str], set[str], set[str]]] = {
    # kind: (trigger words, trigger phrases, qualifier words)
    "name": (
        {
            "forename",
            "forenames",
            "surname",
            "surnames",
            "firstname",
            "lastname",
            "fullname",
            "givenname",
            "familyname",
            "middlename",
            "maidenname",
        },
        {
            "first name",
            "last name",
            "full name",
            "given name",
            "family name",
            "middle name",
            "maiden name",
            "christian name",
        },
        set(),
    ),
    "date_of_birth": (
        {"dob", "birthdate", "birthday", "dateofbirth"},
        {"date of birth", "birth date", "date birth", "date born", "d o b"},
        set(),
    ),
    "address": (
        {"address", "addresses", "addr", "address1", "address2"},
        {"house number", "house name", "flat number", "address line"},
        _PLACES - {"street", "road"} | {"email", "mail", "ip", "web", "url", "outward"} | _FLAGS,
    ),
    "postcode": (
        set(),
        {
            "full postcode",
            "postcode full",
            "unit postcode",
            "postcode unit",
            "full post code",
            "full postal code",
        },
        set(),
    ),
    "nhs_number": (
        {"nhsno", "nhsnumber", "nhsnum"},
        {"nhs number", "nhs no", "nhs num", "nhs id", "nhs ref"},
        set(),
    ),
    "pnc_id": ({"pnc", "pncid", "pncno"}, {"pnc id", "pnc number"}, set()),
    "phone": (
        {"phone", "telephone", "tel", "mobile", "landline", "phonenumber", "telno", "cellphone"},
        {"contact number", "contact no", "tel no"},
        _FLAGS,
    ),
    "email": ({"email", "emailaddress", "emails"}, {"e mail", "e mail address"}, _FLAGS),
}


def heading_tokens(heading: str) -> list[str]:
    """'DateOfBirth' / 'date_of_birth' / 'Date of Birth' -> ['date', 'of', 'birth']."""
    spaced = re.sub(r"([a-z])([A-Z])", r"\1 \2", heading)
    spaced = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1 \2", spaced)
    return re.findall(r"[a-z]+|\d+", spaced.lower())


def _has_phrase(tokens: list[str], phrases: set[str]) -> bool:
    joined = f" {' '.join(tokens)} "
    return any(f" {phrase} " in joined for phrase in phrases)


def _is_person_name(tokens: list[str]) -> bool:
    if not {"name", "names"} & set(tokens):
        return False
    return not (set(tokens) & (_PLACES | _ORGANISATIONS | _THINGS))


def classify_heading(heading: str) -> str | None:
    """The kind of direct identifier a column heading announces, or None."""
    tokens = heading_tokens(heading)
    words = set(tokens)
    for kind, (triggers, phrases, qualifiers) in _RULES.items():
        if (words & triggers or _has_phrase(tokens, phrases)) and not words & qualifiers:
            return kind
    return "name" if _is_person_name(tokens) else None


def heading_mentions(heading: str, words: set[str]) -> bool:
    return bool(set(heading_tokens(heading)) & words)
