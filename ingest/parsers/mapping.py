"""Column mapping for police occurrence extracts: which of a force's headings holds which
canonical field (police_occurrences.FIELDS).

    proposals = propose_mapping(list(frame.columns), frame.head(200))  # shown to the analyst
    mapping = mapping_from(proposals)            # {field: heading}, edited in the browser
    problems = validate_mapping(mapping, list(frame.columns))          # [] when it is usable
    canonical = apply_mapping(frame, mapping)    # canonical headings, ready for parse()

How a proposal is scored (0 to 1), field by field, from two kinds of evidence:
  - the heading: 1.0 when it is the canonical name; 0.9 when, word for word, it is a known
    name for the field ("HO Code", "Date Recorded", "Vic Age"); 0.55 to 0.85 when it holds
    all the words of a known name and others besides ("Committed To Date" holds "committed"
    and "date"). Words are compared after splitting CamelCase and underscores, expanding
    abbreviations (vic, susp, eth, ho, da...) and dropping words that do not distinguish
    (digits such as the 21 of LSOA21CD, "flag", "marker", the SDE/ODE of an ethnicity).
  - the values in the sample: the share of non-blank values shaped like the field (dates,
    Home Office codes, LSOA codes, Y/N, ages, IC or Census ethnicity codes...). Values that
    fit raise a heading's score halfway to 1; values that do not lower it. A column whose
    heading says nothing is proposed from its values alone (at most 0.5) only where the
    shape identifies one field (offence codes, LSOA and ward codes, location types): Y/N
    values could be any of six flags, and the analyst must say which.
Fields are then given headings greedily, best score first, each heading used at most once;
a field whose best score is under MIN_CONFIDENCE gets no proposal.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

import pandas as pd

from ingest.taxonomy import Taxonomy, load_taxonomy

from . import police_occurrences as po
from .columns import heading_key
from .errors import ReadError
from .pii_names import heading_tokens

MIN_CONFIDENCE = 0.3
SAMPLE_VALUES = 200
FIT_SHARE = 0.8  # values fit a field when at least this share is shaped like it
MISFIT_SHARE = 0.5  # and contradict the heading when under this share


def _table(text_by_key: dict[str, str]) -> dict[str, tuple[str, ...]]:
    """{'key': 'a|b c'} -> {'key': ('a', 'b c')}: word lists kept short on the page."""
    return {key: tuple(text.split("|")) for key, text in text_by_key.items()}


# Heading words -> the word they stand for.
_ABBREVIATIONS = {
    short: word
    for word, shorts in _table({
        "victim": "vic|vict|victims|ip",
        "suspect": "susp|sus|suspects|offender|accused|perpetrator|perp",
        "ethnicity": "eth|ethnic|ethn",
        "reference": "ref|refno",
        "number": "no|num",
        "date": "dt|dte|dates",
        "time": "tm",
        "description": "desc|descr",
        "location": "loc",
        "occurrence": "occ",
        "sex": "gender",
        "code": "cd",
        "name": "nm",
        "firearm": "firearms",
        "gun": "guns",
        "drugs": "drug",
        "knife": "knives",
        "recorded": "rec|reg",
        "committed": "comm|cmtd",
        "offence": "offense",
        "lsoa": "lsoa11cd|lsoa21cd",
    }).items()
    for short in shorts
}  # fmt: skip
_PHRASES = {"da": ("domestic", "abuse"), "dv": ("domestic", "abuse"), "ho": ("home", "office")}
_STOP = {"of", "the", "at", "on", "in", "for", "and", "or", "a", "an", "by"}
_WORDS = _table({
    "basis": "self|defined|officer|sde|ode|appearance|origin|group|code|perceived|visual|"
             "observed",
    "flag": "flag|marker|indicator|yn|related|involved|enabled|crime|qualifier|used|flagged",
    "pseudonym": "pseudonym|pseudonymised|pseudonymized|hashed|hash|anonymised|pseudo|"
                 "encrypted",
    "age": "years|yrs|time|offence|committed",
})  # fmt: skip
# Words that say nothing about which field a heading is, by field.
_IGNORED = {
    **dict.fromkeys(po.FLAGS, set(_WORDS["flag"])),
    "victim_ethnicity": set(_WORDS["basis"]),
    "suspect_ethnicity": set(_WORDS["basis"]),
    "occurrence_ref": set(_WORDS["pseudonym"]),
    "victim_age": set(_WORDS["age"]),
    "suspect_age": set(_WORDS["age"]),
}
# Words that make a heading the wrong end of a range or the wrong kind of thing.
_AVOID = {
    "committed_date": {"to", "end", "latest", "time"},
    "committed_time": {"to", "end", "latest"},
    "lsoa_code": {"name"},
    "ward_code": {"name"},
    "offence_code": {"description", "title"},
    "offence_description": {"code"},
    "victim_ethnicity": {"basis", "type", "source"},
    "suspect_ethnicity": {"basis", "type", "source"},
}
# Known names for each field (after the word rules above, so "Vic Age" is "victim age").
SYNONYMS = _table({
    "occurrence_ref": "occurrence reference|occurrence id|occurrence number|crime reference|"
                      "crime number|crime id|urn|unique reference number|reference|"
                      "pseudonymised reference|incident reference|record id",
    "committed_date": "committed date|committed from date|date committed|offence date|"
                      "crime date|incident date|occurred date|date occurred|from date|"
                      "start date|committed from|committed on date|first committed date",
    "committed_time": "committed time|committed from time|time committed|offence time|"
                      "crime time|incident time|occurred time|from time|start time",
    "recorded_date": "recorded date|reported date|crime recorded date|created date|"
                     "record created date|notified date|date crimed|crimed date|recorded|"
                     "report date",
    "offence_code": "home office code|home office offence code|hocr|hocr code|offence code|"
                    "crime code|home office classification|home office class|"
                    "classification code|ho class code",
    "offence_description": "offence description|offence title|offence|crime description|"
                           "offence name|home office description|crime type|offence type|"
                           "classification",
    "lsoa_code": "lsoa|lsoa code|lower super output area|lower layer super output area|"
                 "lsoa 2011 code|lsoa 2021 code",
    "ward_code": "ward code|ward|electoral ward code|wd code",
    "beat": "beat|beat code|beat area|neighbourhood|neighbourhood area|sector|patrol area|"
            "snt area",
    "location_type": "location type|location category|premises type|place type|"
                     "location class|scene type|location description|type of location",
    "domestic_abuse": "domestic abuse|domestic|domestic violence|domestic abuse related",
    "knife": "knife|knife or sharp instrument|sharp instrument|blade|bladed article|"
             "knife or blade",
    "firearm": "firearm|gun",
    "alcohol": "alcohol|drink",
    "drugs": "drugs",
    "hate": "hate|hate incident",
    **{f"{p}_age": f"{p} age|{p} age band" for p in ("victim", "suspect")},
    **{f"{p}_sex": f"{p} sex" for p in ("victim", "suspect")},
    **{f"{p}_ethnicity": f"{p} ethnicity|{p} ethnicity code" for p in ("victim", "suspect")},
    **{f"{p}_ethnicity_basis": f"{p} ethnicity basis|{p} ethnicity type|"
                               f"{p} ethnicity source|{p} ethnicity recorded as"
       for p in ("victim", "suspect")},
    "outcome": "outcome|outcome code|outcome type|crime outcome|final outcome|disposal|"
               "result|outcome group|outcome description",
})  # fmt: skip
# What the values of each field look like (see _shares); None: nothing to check.
SHAPES: dict[str, str | None] = {
    "occurrence_ref": "reference",
    "committed_date": "date",
    "committed_time": "time",
    "recorded_date": "date",
    "offence_code": "offence_code",
    "offence_description": "text",
    "lsoa_code": "lsoa",
    "ward_code": "ward",
    "beat": None,
    "location_type": "location",
    **dict.fromkeys(po.FLAGS, "flag"),
    "victim_age": "age",
    "suspect_age": "age",
    "victim_sex": "sex",
    "suspect_sex": "sex",
    "victim_ethnicity": "ethnicity",
    "suspect_ethnicity": "ethnicity",
    "victim_ethnicity_basis": "basis",
    "suspect_ethnicity_basis": "basis",
    "outcome": "outcome",
}
_OTHER = {"other", "not known", "unknown", "n/k"}  # location types that are answers too
# Shapes that point to one field only, so a column may be proposed from its values alone.
DISTINCTIVE = {"offence_code", "lsoa", "ward", "location"}
_SHAPE_WORDS = {
    "reference": "distinct references",
    "date": "dates",
    "time": "times of day",
    "offence_code": "Home Office offence codes",
    "text": "descriptions",
    "lsoa": "LSOA codes",
    "ward": "ward codes",
    "location": "location types",
    "flag": "yes/no flags",
    "age": "ages",
    "sex": "sexes",
    "ethnicity": "ethnicity codes (Census or IC)",
    "basis": "self-/officer-defined",
    "outcome": "crime outcomes",
}


@dataclass(frozen=True)
class Proposal:
    field: str
    heading: str | None  # None: no column found for the field
    confidence: float  # 0 to 1
    reason: str  # plain English, for the analyst
    required: bool


@dataclass(frozen=True)
class MappingProblem:
    field: str | None
    heading: str | None
    message: str


def _words(heading: str) -> list[str]:
    words: list[str] = []
    for token in heading_tokens(str(heading)):
        if token.isdigit() or token in _STOP:
            continue
        words.extend(_PHRASES.get(token, (_ABBREVIATIONS.get(token, token),)))
    return words


@lru_cache(maxsize=1)
def _synonym_words() -> dict[str, list[tuple[str, frozenset[str]]]]:
    return {f: [(s, frozenset(_words(s))) for s in names] for f, names in SYNONYMS.items()}


def _heading_score(heading: str, field_name: str) -> tuple[float, str]:
    if "_".join(heading_tokens(str(heading))) == field_name:
        return 1.0, "the heading is the field's own name"
    words = set(_words(heading)) - _IGNORED.get(field_name, set())
    if not words:
        return 0.0, ""
    best, why = 0.0, ""
    for name, known in _synonym_words()[field_name]:
        known = known - _IGNORED.get(field_name, set())
        if words == known:
            score, reason = 0.9, f"the heading is a known name for it ({name!r})"
        elif known and known < words:
            score = 0.55 + 0.3 * len(known) / len(words)
            reason = f"the heading contains the words of {name!r}"
        else:
            continue
        if score > best:
            best, why = score, reason
    if best and words & _AVOID.get(field_name, set()):
        best, why = best * 0.5, why + ", but also a word that suggests another field"
    return best, why


# --- value shapes ---------------------------------------------------------------------


def _sample(values: pd.Series) -> pd.Series:
    text = values.dropna().astype(str).str.strip()
    return text[text != ""].head(SAMPLE_VALUES).reset_index(drop=True)


def _in(values: pd.Series, table: Iterable[str]) -> float:
    return float(values.str.lower().str.replace(r"\s+", " ", regex=True).isin(set(table)).mean())


def _shares(values: pd.Series, taxonomy: Taxonomy) -> dict[str, float]:
    """Share of the sampled non-blank values shaped like each kind of field."""
    if values.empty:
        return {}
    dates = po.parse_datetimes(values)[0].notna().mean()
    upper = values.str.upper().str.replace(" ", "")
    number = pd.to_numeric(values, errors="coerce")
    ages = number.notna() & (number % 1 == 0) & number.between(0, po.MAX_AGE)
    letters = values.str.contains(r"[A-Za-z]{3}") & (values.str.len() > 6)
    return {
        "reference": float(values.nunique() / len(values) >= 0.95 and dates < 0.5),
        "date": float(dates),
        "time": float(values.str.fullmatch(r"\d{1,2}:?\d{2}(:\d{2})?|0?\.\d+").mean()),
        "offence_code": float(values.map(lambda c: taxonomy.resolve_code(c) is not None).mean()),
        "text": float(letters.mean()),
        "lsoa": float(upper.str.match(po.LSOA_PATTERN).mean()),
        "ward": float(upper.str.match(r"^[EW]05\d{6}$").mean()),
        "location": float(
            ((values.map(po.location_type_of) != "other") | values.str.lower().isin(_OTHER)).mean()
        ),
        "flag": _in(values, po.TRUE_VALUES | po.FALSE_VALUES),
        "age": float(ages.mean()),
        "sex": _in(values, po.SEX_VALUES),
        "ethnicity": float(values.map(po.ethnicity_basis_of).notna().mean()),
        "basis": _in(values, po.BASIS_VALUES),
        "outcome": float(
            values.str.contains(
                r"(?i)^(?:outcome\s*)?\d{1,2}[a-z]?$|outcome|charge|caution|investigation|"
                r"no further action|\bnfa\b|evidential|community resolution|summons"
            ).mean()
        ),
    }


def _score(heading: str, field_name: str, shares: dict[str, float]) -> tuple[float, str]:
    score, reason = _heading_score(heading, field_name)
    shape = SHAPES[field_name]
    if shape is None or not shares:
        return score, reason or ""
    share, what = shares[shape], _SHAPE_WORDS[shape]
    if not score:
        if shape in DISTINCTIVE and share >= FIT_SHARE:
            return 0.5 * share, f"no heading matched, but {share:.0%} of the values are {what}"
        return 0.0, ""
    if share >= FIT_SHARE:
        return score + (1 - score) * 0.5 * share, f"{reason}; {share:.0%} of the values are {what}"
    if share < MISFIT_SHARE:
        return score * (0.5 + share), f"{reason}, but only {share:.0%} of the values are {what}"
    return score, f"{reason}; {share:.0%} of the values are {what}"


def _basis_hint(heading: str) -> str:
    words = set(heading_tokens(str(heading)))
    if words & {"sde", "self"}:
        return "; the heading says self-defined"
    return "; the heading says officer-defined" if words & {"ode", "officer"} else ""


def propose_mapping(columns: Sequence[str], sample: pd.DataFrame) -> list[Proposal]:
    """A proposal for every canonical field, in police_occurrences.FIELDS order."""
    taxonomy = load_taxonomy()
    shares = {c: _shares(_sample(sample[c]), taxonomy) if c in sample else {} for c in columns}
    candidates = []
    for order, field_name in enumerate(po.FIELDS):
        for heading in columns:
            score, reason = _score(heading, field_name, shares[heading])
            if field_name.endswith("_ethnicity") and score:
                reason += _basis_hint(heading)
                score += 0.01 * ("self-defined" in reason)  # prefer self-defined to officer's
            if score >= MIN_CONFIDENCE:
                candidates.append((-min(score, 1.0), order, str(heading), reason))
    chosen: dict[str, Proposal] = {}
    used: set[str] = set()
    for negative, order, heading, reason in sorted(candidates):
        field_name = po.FIELDS[order]
        if field_name in chosen or heading in used:
            continue
        used.add(heading)
        chosen[field_name] = Proposal(
            field_name, heading, round(-negative, 2), reason, field_name in po.REQUIRED_FIELDS
        )
    return [chosen.get(f) or _nothing(f) for f in po.FIELDS]


def _nothing(field_name: str) -> Proposal:
    required = field_name in po.REQUIRED_FIELDS
    reason = "no column looks like it" + (": this field is required" if required else "")
    return Proposal(field_name, None, 0.0, reason, required)


def mapping_from(proposals: Iterable[Proposal], min_confidence: float = 0.0) -> dict[str, str]:
    """{field: heading} of the proposals that found a column (at least min_confidence)."""
    return {
        p.field: p.heading
        for p in proposals
        if p.heading is not None and p.confidence >= min_confidence
    }


def validate_mapping(mapping: Mapping[str, str], columns: Sequence[str]) -> list[MappingProblem]:
    """Everything wrong with a mapping for a file with these headings ([] if usable)."""
    problems = [
        MappingProblem(f, h, f"{f!r} is not a field of a police occurrence extract.")
        for f, h in mapping.items()
        if f not in po.FIELDS
    ]
    chosen = {f: h for f, h in mapping.items() if f in po.FIELDS and h}
    problems += [
        MappingProblem(f, None, f"Choose the column that holds {f}: it is required.")
        for f in po.REQUIRED_FIELDS
        if f not in chosen
    ]
    present = {heading_key(c): str(c) for c in columns}
    problems += [
        MappingProblem(f, h, f"The column {h!r} chosen for {f} is not in the file.")
        for f, h in chosen.items()
        if heading_key(h) not in present
    ]
    by_heading: dict[str, list[str]] = {}
    for f, h in chosen.items():
        by_heading.setdefault(heading_key(h), []).append(f)
    for key, fields in by_heading.items():
        if len(fields) < 2:
            continue
        heading = present.get(key, chosen[fields[0]])  # as the file spells it
        problems.append(
            MappingProblem(
                None,
                heading,
                f"The column {heading!r} is chosen for {' and '.join(fields)}: "
                "a column can hold only one field.",
            )
        )
    return problems


def apply_mapping(frame: pd.DataFrame, mapping: Mapping[str, str]) -> pd.DataFrame:
    """The mapped columns renamed to canonical fields; ReadError("bad_mapping") if the
    mapping does not fit the file (the message lists every problem)."""
    problems = validate_mapping(mapping, list(frame.columns))
    if problems:
        raise ReadError(
            "bad_mapping",
            "The column mapping cannot be used with this file. "
            + " ".join(p.message for p in problems),
            {"problems": [p.__dict__ for p in problems]},
        )
    return po.select_fields(frame, mapping)
