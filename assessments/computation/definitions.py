"""Local definitions: a partnership's rule set over the offence taxonomy, checked, put in a
canonical form for versioning, and applied to each source as far as that source allows.

A definition (JSON):
    {"categories": [...], "offence_codes": [...],           # included (either matches)
     "exclude_categories": [...], "exclude_offence_codes": [...],
     "flags": {"mode": "any" | "all", "keys": [...]},       # empty keys: no constraint
     "exclude_flags": [...],                                # e.g. ["domestic_abuse"]
     "age": {"limit": 25, "who": "victim" | "suspect" | "either"} | None,   # age < limit
     "public_place": bool}

Evaluability: no source holds every field, so each rule gets a status per source (inputs.
APPLIED / PARTLY / NOT_EVALUABLE / NOT_SET). One principle throughout: a rule a source cannot
evaluate is not applied, so it never drops records; the output says so instead.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ingest.taxonomy import CATEGORIES, COARSE_CATEGORIES

from .inputs import APPLIED, NOT_EVALUABLE, NOT_SET, PARTLY, Inputs, Selection

RULES = ("categories", "offence_codes", "exclusions", "flags", "exclude_flags", "age",
         "public_place")
# The police extract's flags (ingest.parsers.police_occurrences.FLAGS).
FLAGS = ("domestic_abuse", "knife", "firearm", "alcohol", "drugs", "hate")
FLAG_MODES = ("any", "all")
AGE_WHO = ("victim", "suspect", "either")
AGE_MIN, AGE_MAX = 1, 120
SOURCES = ("police", "street", "istv", "admissions")
LIST_FIELDS = ("categories", "offence_codes", "exclude_categories", "exclude_offence_codes",
               "exclude_flags")
FIELDS = (*LIST_FIELDS, "flags", "age", "public_place")
# Why a record was left out, in the order the rules are tested: a record failing several
# rules is counted once, under the first, so the counts add up to the records excluded.
REASONS = ("category_not_included", "excluded_category", "excluded_code", "flag_not_set",
           "excluded_flag", "age_missing", "age_over_limit", "not_public_place")
# As the police parser's PUBLIC_LOCATION_TYPES: a pub or club is a public place.
PUBLIC_LOCATION_TYPES = ("public_place", "licensed_premises")
UNKNOWN_VALUES = ("", "unknown")
# ICD-10 assault by handgun, rifle/shotgun, other firearm discharge.
FIREARM_ICD10 = ("X93", "X94", "X95")
VSO = "violence_and_sexual_offences"
# A&E attendances and admissions are all assaults: in a definition only when it includes
# some violence, sexual offence or robbery.
ASSAULT_COARSE = frozenset({VSO, "robbery"})
# Each category's coarse category, including those no offence code carries (ASB is not a
# notifiable offence; no PRC code maps to gbh_wounding). The taxonomy's codes add to this:
# "other" also holds stalking and harassment, which data.police.uk counts as violence.
COARSE_OF_CATEGORY = {
    **dict.fromkeys(("homicide", "attempted_murder", "wounding_gbh_with_intent", "gbh_wounding",
                     "abh", "other_violence_with_injury", "violence_without_injury", "rape",
                     "sexual_assault", "other_sexual_offences"), VSO),
    "personal_robbery": "robbery", "business_robbery": "robbery",
    "weapon_possession": "weapon_possession", "public_order": "public_order", "asb": "asb",
    "other": "other",
}  # fmt: skip

Fails = list[tuple[str, Any]]  # (reason, boolean array of records failing the rule)


def _error(key: str, **params: Any) -> dict[str, Any]:
    return {"key": key, "params": params}


# --- canonical form and validation -------------------------------------------------------


def normalise(rules: dict) -> dict:
    """Defaults filled, lists de-duplicated and sorted, so equal definitions compare (and
    serialise) equal. A single flag has no mode, so it is always "any"."""
    out: dict[str, Any] = {name: sorted({str(v) for v in rules.get(name) or ()})
                           for name in LIST_FIELDS}
    flags = rules.get("flags") or {}
    keys = sorted({str(k) for k in flags.get("keys") or ()})
    out["flags"] = {"mode": flags.get("mode", "any") if len(keys) > 1 else "any", "keys": keys}
    age = rules.get("age")
    out["age"] = {"limit": _as_int(age.get("limit")), "who": age.get("who", "victim")} \
        if age else None
    out["public_place"] = rules.get("public_place") is True
    return out


def _as_int(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def is_set(rules: dict, rule: str) -> bool:
    """Whether a (normalised) definition uses `rule` (one of RULES)."""
    if rule == "exclusions":
        return bool(rules["exclude_categories"] or rules["exclude_offence_codes"])
    if rule == "flags":
        return bool(rules["flags"]["keys"])
    if rule == "age":
        return rules["age"] is not None
    return bool(rules[rule])


def validate(rules: Any, offences: pd.DataFrame | None = None) -> list[dict[str, Any]]:
    """Errors as {"key", "params"} for the editor (labels.rule_error), "value" naming the
    offending value; [] when the definition is valid. Offence codes are checked against
    `offences` (OFFENCE_COLUMNS) when it is given."""
    if not isinstance(rules, dict):
        return [_error("not_a_mapping")]
    errors = [_error("unknown_rule", value=k) for k in sorted(set(rules) - set(FIELDS))]
    errors += _shape_errors(rules)
    if errors:  # the checks below need the right shapes
        return errors
    rules = normalise(rules)
    errors += _category_errors(rules) + _code_errors(rules, offences)
    errors += _flag_errors(rules) + _age_errors(rules["age"])
    if not (set(rules["categories"]) - set(rules["exclude_categories"])
            or set(rules["offence_codes"]) - set(rules["exclude_offence_codes"])):
        errors.append(_error("empty"))
    return errors


def _shape_errors(rules: dict) -> list[dict[str, Any]]:
    errors = []
    for name in LIST_FIELDS:
        value = rules.get(name) or []
        if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
            errors.append(_error("invalid_value", rule=name, expected="list_of_text"))
    flags = rules.get("flags") or {}
    if not isinstance(flags, dict) or not isinstance(flags.get("keys") or [], list | tuple):
        errors.append(_error("invalid_value", rule="flags", expected="flag_rule"))
    age = rules.get("age")
    if age is not None and not isinstance(age, dict):
        errors.append(_error("invalid_value", rule="age", expected="age_rule"))
    if not isinstance(rules.get("public_place", False), bool):
        errors.append(_error("invalid_value", rule="public_place", expected="true_or_false"))
    return errors


def _category_errors(rules: dict) -> list[dict[str, Any]]:
    errors = [_error("unknown_category", rule=name, value=c)
              for name in ("categories", "exclude_categories")
              for c in rules[name] if c not in CATEGORIES]
    both = sorted(set(rules["categories"]) & set(rules["exclude_categories"]))
    return errors + [_error("included_and_excluded", rule="categories", value=c) for c in both]


def _code_errors(rules: dict, offences: pd.DataFrame | None) -> list[dict[str, Any]]:
    errors = []
    if offences is not None:
        known = set(offences["code"].astype(str))
        errors = [_error("unknown_code", rule=name, value=c)
                  for name in ("offence_codes", "exclude_offence_codes")
                  for c in rules[name] if c not in known]
    both = sorted(set(rules["offence_codes"]) & set(rules["exclude_offence_codes"]))
    return errors + [_error("included_and_excluded", rule="offence_codes", value=c)
                     for c in both]


def _flag_errors(rules: dict) -> list[dict[str, Any]]:
    flags = rules["flags"]
    named = (("flags", flags["keys"]), ("exclude_flags", rules["exclude_flags"]))
    errors = [_error("unknown_flag", rule=name, value=f)
              for name, keys in named for f in keys if f not in FLAGS]
    if flags["mode"] not in FLAG_MODES:
        errors.append(_error("flags_mode", value=flags["mode"]))
    both = sorted(set(flags["keys"]) & set(rules["exclude_flags"]))
    return errors + [_error("included_and_excluded", rule="flags", value=f) for f in both]


def _age_errors(age: dict | None) -> list[dict[str, Any]]:
    if age is None:
        return []
    errors = []
    limit = age["limit"]
    if isinstance(limit, bool) or not isinstance(limit, int) or not AGE_MIN <= limit <= AGE_MAX:
        errors.append(_error("age_limit", value=limit, min=AGE_MIN, max=AGE_MAX))
    if age["who"] not in AGE_WHO:
        errors.append(_error("age_who", value=age["who"]))
    return errors


# --- helpers shared by the sources -------------------------------------------------------


def _bool(values: Any) -> np.ndarray:
    """Booleans with missing values as False, as a numpy array."""
    return pd.Series(values).fillna(False).to_numpy(dtype=bool)


def _blank(values: pd.Series) -> pd.Series:
    """Missing, empty or "unknown" (categoricals included)."""
    return values.isna() | values.isin(UNKNOWN_VALUES)


def _where_known(values: pd.Series, known: pd.Series) -> pd.Series:
    """Booleans with <NA> where the field is not known."""
    return pd.Series(values, dtype="boolean").mask(~known.to_numpy(dtype=bool))


def _status(known: Any) -> str:
    """APPLIED when every record has the field, PARTLY when some do, NOT_EVALUABLE when none
    does. An empty source has nothing missing."""
    known = np.asarray(known, dtype=bool)
    if known.all():
        return APPLIED
    return PARTLY if known.any() else NOT_EVALUABLE


def _flag_rule(values: dict[str, pd.Series | None], flags: dict) -> tuple[Fails, str]:
    """Required flags. `values` holds each flag as booleans with <NA> where unknown, or None
    where the source has no such field. A record whose flag is unknown does not have it.
    In "any" mode a flag the source lacks could select records the others do not, so the
    rule is then not applied at all; in "all" mode the flags it has are (a wider set)."""
    usable = {k: v for k in flags["keys"] if (v := values.get(k)) is not None
              and _status(v.notna()) != NOT_EVALUABLE}
    lacking = len(usable) < len(flags["keys"])
    if not usable or (lacking and flags["mode"] == "any"):
        return [], NOT_EVALUABLE
    hits = [_bool(v) for v in usable.values()]
    hit = np.logical_and.reduce(hits) if flags["mode"] == "all" else np.logical_or.reduce(hits)
    complete = not lacking and all(v.notna().all() for v in usable.values())
    return [("flag_not_set", ~hit)], APPLIED if complete else PARTLY


def _exclude_flag_rule(values: dict[str, pd.Series | None], keys: list[str]) -> tuple[Fails, str]:
    """Excluded flags: a record is left out when any of them is set (unknown: kept)."""
    usable = {k: v for k in keys if (v := values.get(k)) is not None
              and _status(v.notna()) != NOT_EVALUABLE}
    if not usable:
        return [], NOT_EVALUABLE
    hit = np.logical_or.reduce([_bool(v) for v in usable.values()])
    complete = len(usable) == len(keys) and all(v.notna().all() for v in usable.values())
    return [("excluded_flag", hit)], APPLIED if complete else PARTLY


def _combine(fails: Fails, status: dict[str, str],
             more: dict[str, tuple[Fails, str]]) -> tuple[Fails, dict[str, str]]:
    """Add each rule's failures and status, in the order the rules are tested."""
    for rule, (rule_fails, rule_status) in more.items():
        fails = fails + rule_fails
        status = status | {rule: rule_status}
    return fails, status


def _age_fails(under: pd.Series) -> Fails:
    """`under`: True / False / <NA> (the age that decides is not known: left out)."""
    return [("age_missing", under.isna().to_numpy(dtype=bool)),
            ("age_over_limit", (~under).fillna(False).to_numpy(dtype=bool))]


def _under(ages: pd.Series, limit: int) -> pd.Series:
    return pd.to_numeric(ages, errors="coerce").astype("Float64") < limit


# --- police occurrences -------------------------------------------------------------------


def _police_offences(police: pd.DataFrame, rules: dict) -> tuple[Fails, dict[str, str]]:
    category, code = police["category"], police["offence_code"]
    included = category.isin(rules["categories"]) | code.isin(rules["offence_codes"])
    fails = [("category_not_included", ~_bool(included)),
             ("excluded_category", _bool(category.isin(rules["exclude_categories"]))),
             ("excluded_code", _bool(code.isin(rules["exclude_offence_codes"])))]
    return fails, dict.fromkeys(("categories", "offence_codes", "exclusions"), APPLIED)


def _police_age(police: pd.DataFrame, age: dict) -> tuple[Fails, str]:
    """Victim's, suspect's or either's age under the limit. For "either", one known age
    under the limit is enough; otherwise a missing age leaves the record out as
    age_missing. An age column with no values at all is not used."""
    who = ("victim", "suspect") if age["who"] == "either" else (age["who"],)
    ages = [police.get(f"{w}_age", pd.Series(pd.NA, index=police.index)) for w in who]
    usable = [a for a in ages if _status(a.notna()) != NOT_EVALUABLE]
    if not usable:
        return [], NOT_EVALUABLE
    under = _under(usable[0], age["limit"])
    for more in usable[1:]:
        under = under | _under(more, age["limit"])  # Kleene: True | <NA> is True
    complete = len(usable) == len(ages) and all(a.notna().all() for a in usable)
    return _age_fails(under), APPLIED if complete else PARTLY


def _police_public_place(police: pd.DataFrame) -> tuple[Fails, str]:
    """public_place is False where location_type is blank, so the location type says
    whether the field is known."""
    if "location_type" in police:
        known = ~_blank(police["location_type"])
    else:
        known = police["public_place"].notna()
    status = _status(known)
    if status == NOT_EVALUABLE:
        return [], status
    public = _bool(police["public_place"]) & known.to_numpy(dtype=bool)
    return [("not_public_place", ~public)], status


def _police(police: pd.DataFrame, rules: dict) -> tuple[Fails, dict[str, str]]:
    fails, status = _police_offences(police, rules)
    flags = {k: police.get(k) for k in FLAGS}
    more = {"flags": _flag_rule(flags, rules["flags"]),
            "exclude_flags": _exclude_flag_rule(flags, rules["exclude_flags"])}
    if rules["age"]:
        more["age"] = _police_age(police, rules["age"])
    if rules["public_place"]:
        more["public_place"] = _police_public_place(police)
    return _combine(fails, status, more)


# --- data.police.uk street records (coarse categories only) -------------------------------


def coarse_map(offences: pd.DataFrame) -> dict[str, set[str]]:
    """Platform category -> the coarse categories its offence codes fall in."""
    mapping = {c: {coarse} for c, coarse in COARSE_OF_CATEGORY.items()}
    for category, coarse in zip(offences["category"], offences["coarse_category"], strict=True):
        if category and coarse in COARSE_CATEGORIES:
            mapping.setdefault(str(category), set()).add(str(coarse))
    return mapping


def coarse_categories(rules: dict, offences: pd.DataFrame) -> list[str]:
    """The coarse categories a definition includes: those of any included category or
    offence code (exclusions cannot be applied at this level)."""
    rules = normalise(rules)
    mapping = coarse_map(offences)
    found = set().union(*(mapping.get(c, set()) for c in rules["categories"]))
    of_code = offences.loc[offences["code"].isin(rules["offence_codes"]), "coarse_category"]
    found |= {str(c) for c in of_code if c in COARSE_CATEGORIES}
    return [c for c in COARSE_CATEGORIES if c in found]


def _street_category_status(rules: dict, offences: pd.DataFrame) -> str:
    """APPLIED only when every coarse category the included categories reach is wholly
    made of included categories (e.g. personal + business robbery = "robbery")."""
    mapping = coarse_map(offences)
    reached = set().union(*(mapping.get(c, set()) for c in rules["categories"]))
    whole = all({cat for cat, cs in mapping.items() if coarse in cs} <= set(rules["categories"])
                for coarse in reached)
    return APPLIED if whole and reached else PARTLY


def _street(street: pd.DataFrame, rules: dict, offences: pd.DataFrame):
    coarse = coarse_categories(rules, offences)
    fails = [("category_not_included", ~_bool(street["category"].isin(coarse)))]
    status = {"categories": _street_category_status(rules, offences)}
    if rules["offence_codes"]:
        mapped = offences["code"].isin(rules["offence_codes"]).any()
        status["offence_codes"] = PARTLY if mapped else NOT_EVALUABLE
    return fails, status


# --- health: A&E assault attendances (ISTV) and admissions for assault -------------------


def _assault_rules(rules: dict, offences: pd.DataFrame, rows: int) -> tuple[Fails, dict]:
    """Every record is an assault, of no known offence: all are in when the definition
    includes any violence, sexual offence or robbery (approximately: PARTLY), else none."""
    if ASSAULT_COARSE & set(coarse_categories(rules, offences)):
        return [], {"categories": PARTLY, "offence_codes": PARTLY}
    return ([("category_not_included", np.ones(rows, dtype=bool))],
            {"categories": APPLIED, "offence_codes": APPLIED})


def _istv_flags(istv: pd.DataFrame) -> dict[str, pd.Series | None]:
    weapon = istv["weapon"]
    known = ~_blank(weapon)
    return {"knife": _where_known(weapon == "knife_or_sharp_object", known),
            "firearm": _where_known(weapon == "firearm", known)}


def _istv(istv: pd.DataFrame, rules: dict, offences: pd.DataFrame):
    fails, status = _assault_rules(rules, offences, len(istv))
    flags = _istv_flags(istv)
    more = {"flags": _flag_rule(flags, rules["flags"]),
            "exclude_flags": _exclude_flag_rule(flags, rules["exclude_flags"])}
    if rules["public_place"]:
        location = istv["location_type"]
        public = _where_known(location.isin(PUBLIC_LOCATION_TYPES), ~_blank(location))
        status_ = _status(public.notna())
        more["public_place"] = ([("not_public_place", ~_bool(public))], status_) \
            if status_ != NOT_EVALUABLE else ([], status_)
    return _combine(fails, status, more)


def _admission_flags(admissions: pd.DataFrame) -> dict[str, pd.Series | None]:
    """Knife: X99 (sharp object) in any diagnosis position. Firearm: the first assault code
    is X93-X95 (only the first assault code is stored)."""
    code = admissions["assault_code"].astype("string")
    return {"knife": pd.Series(admissions["sharp_object"], dtype="boolean"),
            "firearm": _where_known(code.str[:3].isin(FIREARM_ICD10), code.notna())}


def _admission_age(admissions: pd.DataFrame, age: dict) -> tuple[Fails, str]:
    """Patients are victims: a suspect's age cannot be applied, and for "either" the
    victim's age alone selects fewer than the rule would (PARTLY). Under 25 uses the
    stored under_25 (which also knows age bands), other limits the age in years."""
    if age["who"] == "suspect":
        return [], NOT_EVALUABLE
    under = _under(admissions["age"], age["limit"])
    if age["limit"] == 25:
        under = pd.Series(admissions["under_25"], dtype="boolean").fillna(under)
    status = _status(under.notna())
    if status == NOT_EVALUABLE:
        return [], status
    return _age_fails(under), PARTLY if age["who"] == "either" else status


def _admissions(admissions: pd.DataFrame, rules: dict, offences: pd.DataFrame):
    fails, status = _assault_rules(rules, offences, len(admissions))
    flags = _admission_flags(admissions)
    more = {"flags": _flag_rule(flags, rules["flags"]),
            "exclude_flags": _exclude_flag_rule(flags, rules["exclude_flags"])}
    if rules["age"]:
        more["age"] = _admission_age(admissions, rules["age"])
    return _combine(fails, status, more)


# --- applying a definition ---------------------------------------------------------------


def _reasons(rows: int, fails: Fails) -> np.ndarray:
    """Each record's first failing reason, "" for records inside the definition."""
    if not fails:
        return np.full(rows, "", dtype=object)
    return np.select([_bool(f) for _, f in fails], [r for r, _ in fails], default="")


def mask(police: pd.DataFrame, rules: dict) -> pd.Series:
    """True for the police records inside the definition. A rule over a field that is blank
    in every record (e.g. no location types supplied) is NOT_EVALUABLE and not applied: the
    records are kept. Where the field is blank in some records only (PARTLY), those records
    are left out (age_missing, not_public_place) and counted in select()'s `excluded`."""
    fails, _ = _police(police, normalise(rules))
    return pd.Series(_reasons(len(police), fails) == "", index=police.index)


def _evaluability(rules: dict, found: dict[str, str]) -> dict[str, str]:
    """Every rule's status: NOT_SET when unused, NOT_EVALUABLE when the source has no
    field for it."""
    return {rule: found.get(rule, NOT_EVALUABLE) if is_set(rules, rule) else NOT_SET
            for rule in RULES}


def _excluded(source: str, reasons: np.ndarray, weights: np.ndarray) -> list[dict[str, Any]]:
    counts = pd.Series(weights).groupby(reasons).sum()
    return [{"source": source, "reason": r, "count": counts[r].item()}
            for r in REASONS if r in counts.index and counts[r] > 0]


def select(inputs: Inputs, rules: dict) -> Selection:
    """Apply a definition to the police, street, A&E and admissions records.

    Police occurrences take every rule (see mask() for missing fields). data.police.uk
    records take categories and codes at coarse level only. A&E attendances take the knife
    and firearm flags (weapon) and public place; admissions the knife flag (X99), firearm
    (X93-X95) and the victim's age. `excluded` counts records left out by reason (for
    admissions, the sum of apportioned shares).
    """
    rules = normalise(rules)
    built = {"police": _police(inputs.police, rules),
             "street": _street(inputs.street, rules, inputs.offences),
             "istv": _istv(inputs.istv, rules, inputs.offences),
             "admissions": _admissions(inputs.admissions, rules, inputs.offences)}
    frames, evaluability, excluded = {}, {}, []
    for source, (fails, found) in built.items():
        frame = getattr(inputs, source)
        reasons = _reasons(len(frame), fails)
        frames[source] = frame[reasons == ""]
        evaluability[source] = _evaluability(rules, found)
        excluded += _excluded(source, reasons, _weights(source, frame))
    return Selection(**frames, evaluability=evaluability,
                     excluded=pd.DataFrame(excluded, columns=["source", "reason", "count"]),
                     categories=tuple(rules.get("categories") or ()))


def _weights(source: str, frame: pd.DataFrame) -> np.ndarray:
    """Admissions split over local authorities count by their share, so an admission in
    two authorities is one admission."""
    if source == "admissions" and "share" in frame:
        return pd.to_numeric(frame["share"], errors="coerce").fillna(1.0).to_numpy(dtype=float)
    return np.ones(len(frame), dtype=int)
