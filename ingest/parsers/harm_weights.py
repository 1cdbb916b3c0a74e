"""Crime harm indices (Cambridge Crime Harm Index, ONS Crime Severity Score...) -> weights.

Granularity is detected from the columns and recorded with every weight, because it
changes what a weighted total means:
  offence_code  a Home Office offence code column: "Offence code", "Home Office code",
                "code_original" / "ONS_COUNTS_code" (the PRC code in the ONS severity
                joins), "HOME_OFFICE_CLASSIFICATION" (CCHI's own table) or "Code".
  subgroup      a PRC offence subgroup column: "Offence subgroup", "prc_subgroup",
                "Subgroup" (the CCHI medians per subgroup).
If a file has both, offence_code wins unless `granularity="subgroup"` is passed.
The weight is the first of "Weight", "cchi_days", "CCHI score", "ONS_SEVERITY_weight",
"Severity weight", "Harm weight". Never used as keys: "code_severity" / "ONS_SEVERITY_code"
(the CSS's own code list, e.g. the quoted "1, 4.1/2/10") and "POLICE_UK_CAT_MAP_code"
(Excel turned 25 of its codes into date serials such as 43831 for "1/1").

Keys are normalised:
  - offence codes to the taxonomy's spelling: stripped, upper-case, "4/3" -> "4.3", and
    the split homicide codes 1, 4.1, 4.2, 4.10 to the PRC's combined "1/4.1/4.10/4.2".
    A row for the combined code itself takes precedence; a split-code row with the same
    weight is a duplicate, one with another weight is rejected (the taxonomy cannot tell
    murder from manslaughter). This also absorbs the float mangling 4.10 -> 4.1 in the
    ONS severity file, where corporate manslaughter's code lost its zero. Codes the
    taxonomy lacks (19J, 19K) load with in_taxonomy False. A five-digit number is an
    Excel date serial, not a code, and is rejected.
  - subgroups to the taxonomy's (2017/18) spelling, ignoring case, spacing and dash style.
    Later Home Office names are kept and linked to the taxonomy subgroups they cover in
    `taxonomy_keys` (SUBGROUP_RENAMES, from SOURCES.md section 6): Residential burglary ->
    Domestic burglary; Vehicle offences -> the three vehicle subgroups; Death or serious
    injury - unlawful driving has no 2017/18 subgroup (its codes are in Violence with
    injury), so it links to none.

The index name comes from `index_name`, an "Index name" column, or the headings ("cchi" ->
Cambridge Crime Harm Index, "severity" -> ONS Crime Severity Score); the source note from
`source_note`, a "Source" column, or a default naming the publisher and the columns used.

Rows are rejected for a blank or Excel-mangled key, or a weight that is not a number of 0
or more. Repeated keys fold when the weights agree and are all rejected when they do not.
"""

from dataclasses import dataclass

import pandas as pd

from ingest.taxonomy import load_taxonomy, normalise_offence_code

from .common import (
    ERROR_COLUMNS,
    ParseResult,
    Problems,
    Summary,
    column_text,
    counts,
    find_column,
    finish,
    label_key,
    missing_columns_error,
    parse_numbers,
    require_value,
    taxonomy_codes,
    text,
)
from .errors import ReadError

SOURCE_KEY = "harm_weights"
CODE_HEADINGS = (
    "Offence code", "Home Office code", "HO code", "code_original", "ONS_COUNTS_code",
    "HOME_OFFICE_CLASSIFICATION", "Code",
)  # fmt: skip
SUBGROUP_HEADINGS = ("Offence subgroup", "prc_subgroup", "Subgroup", "Offence sub-group")
WEIGHT_HEADINGS = (
    "Weight", "cchi_days", "CCHI score", "CCHI", "ONS_SEVERITY_weight", "Severity weight",
    "Harm weight", "CSS weight",
)  # fmt: skip
LABEL_HEADINGS = ("Offence description", "Description", "ONS_COUNTS_description",
                  "FULL_OFFENCE_TITLE", "Offence")  # fmt: skip
INDEX_HEADING, SOURCE_HEADING = "Index name", "Source"
REQUIRED_COLUMNS: tuple[str, ...] = ()  # key and weight headings vary; checked by parse()
OPTIONAL_COLUMNS = (*CODE_HEADINGS, *SUBGROUP_HEADINGS, *WEIGHT_HEADINGS, INDEX_HEADING,
                    SOURCE_HEADING)  # fmt: skip
CANONICAL_COLUMNS = (
    "source_row",
    "index_name",
    "granularity",
    "key",
    "label",
    "weight",
    "taxonomy_keys",  # the taxonomy code or subgroup(s) the weight applies to, "; "-joined
    "in_taxonomy",
    "raw_key",
    "source_note",
)
CCHI = "Cambridge Crime Harm Index"
CSS = "ONS Crime Severity Score"
DEFAULT_SOURCES = {
    CCHI: "Cambridge Crime Harm Index, Cambridge Centre for Evidence-Based Policing, "
    "University of Cambridge (days of imprisonment for a first offender)",
    CSS: "ONS Crime Severity Score weights, Office for National Statistics (Open Government "
    "Licence v3.0)",
}
# Later Home Office subgroup names -> the taxonomy's 2017/18 subgroups they cover.
SUBGROUP_RENAMES = {
    "Residential burglary": ("Domestic burglary",),
    "Non-residential burglary": ("Non-domestic burglary",),
    "Vehicle offences": (
        "Theft from a vehicle",
        "Theft of a motor vehicle",
        "Vehicle interference",
    ),
    "Miscellaneous crimes against society": ("Miscellaneous crimes",),
    "Death or serious injury - unlawful driving": (),
}
__all__ = ["ERROR_COLUMNS", "HarmWeightsParse", "HarmWeightsSummary", "parse"]


@dataclass(frozen=True)
class HarmWeightsSummary(Summary):
    # by_category: weighted keys per taxonomy offence group ("not in taxonomy" otherwise)
    index_name: str = ""
    granularity: str = ""
    keys_not_in_taxonomy: tuple[str, ...] = ()
    taxonomy_without_weight: tuple[str, ...] = ()  # taxonomy codes/subgroups left unweighted
    weight_min: float | None = None
    weight_max: float | None = None


@dataclass
class HarmWeightsParse(ParseResult):
    summary: HarmWeightsSummary
    index_name: str
    granularity: str  # "offence_code" or "subgroup"


def _granularity(frame: pd.DataFrame, forced: str | None) -> tuple[str, str]:
    code, subgroup = find_column(frame, *CODE_HEADINGS), find_column(frame, *SUBGROUP_HEADINGS)
    if forced not in (None, "offence_code", "subgroup"):
        raise ValueError(f"granularity must be 'offence_code' or 'subgroup', not {forced!r}")
    if code and forced != "subgroup":
        return "offence_code", code
    if subgroup and forced != "offence_code":
        return "subgroup", subgroup
    raise missing_columns_error(
        "a table of harm weights",
        ["Offence code" if forced != "subgroup" else "Offence subgroup"],
        "Harm weights are keyed by Home Office offence code or by offence subgroup.",
    )


def _index_name(frame: pd.DataFrame, given: str | None) -> str:
    if given:
        return given
    column = find_column(frame, INDEX_HEADING)
    names = text(frame[column]).dropna().unique() if column else []
    if len(names) > 1:
        raise ReadError(
            "several_indexes",
            "The Index name column names more than one harm index. Upload each index as "
            "its own file.",
        )
    if len(names) == 1:
        return str(names[0])
    headings = " ".join(label_key(c) for c in frame.columns)
    if "cchi" in headings:
        return CCHI
    if "severity" in headings:
        return CSS
    raise ReadError(
        "unknown_index",
        "Say which harm index these weights belong to (for example the Cambridge Crime Harm "
        "Index): add an 'Index name' column or choose the index when uploading.",
    )


def _code_keys(problems: Problems, raw: pd.Series, field_name: str):
    known = taxonomy_codes(load_taxonomy())
    normal = raw.map(normalise_offence_code, na_action="ignore").astype("string")
    excel = normal.str.fullmatch(r"\d{5}").fillna(False)
    problems.add(
        excel, field_name, "excel_date_code",
        "This is a date serial number that Excel made from a code such as 1/1. Correct the "
        "code in the file (format the column as text).", raw,
    )  # fmt: skip
    key = normal.map(known).fillna(normal).astype("string")
    in_taxonomy = normal.isin(list(known)).fillna(False).astype("boolean")
    aliases = load_taxonomy().aliases["alias"].map(normalise_offence_code)
    alias = normal.isin(list(aliases)).fillna(False)
    return key, key.where(in_taxonomy, ""), in_taxonomy, alias


def _subgroup_keys(raw: pd.Series):
    subgroups = load_taxonomy().offences["offence_subgroup"].unique()
    spelling = {label_key(s): s for s in subgroups}
    targets = dict(spelling)
    for new, old in SUBGROUP_RENAMES.items():
        spelling.setdefault(label_key(new), new)
        targets.setdefault(label_key(new), "; ".join(old))
    keys = raw.map(label_key, na_action="ignore")
    collapsed = raw.str.replace(r"\s+", " ", regex=True)
    key = keys.map(spelling).fillna(collapsed).astype("string")
    covered = keys.map(targets).fillna("").astype("string")
    return key, covered, (covered != "").astype("boolean")


def _without_alias_repeats(records: pd.DataFrame, problems: Problems) -> pd.DataFrame:
    """A split homicide code gives way to a row for the taxonomy's combined code."""
    valid = ~problems.rejected()
    exact = records[valid & ~records["_alias"]].groupby("key")["weight"].first()
    combined = records["key"].map(exact)
    superseded = valid & records["_alias"] & combined.notna()
    problems.add(
        superseded & (records["weight"] != combined), "weight", "alias_weight_differs",
        "This code is part of a combined taxonomy code (homicide: 1/4.1/4.10/4.2) whose own "
        "row has a different weight; that row's weight is used. Remove this row or give it "
        "the same weight.", records["weight"].astype("string"),
    )  # fmt: skip
    return records[~(superseded & (records["weight"] == combined))]


def _canonical(frame: pd.DataFrame, granularity: str, key_column: str, options: dict):
    weight_column = find_column(frame, *WEIGHT_HEADINGS)
    if weight_column is None:
        raise missing_columns_error("a table of harm weights", ["Weight"])
    problems = Problems(frame.index.to_series())
    raw_key = text(frame[key_column])
    require_value(problems, raw_key, str(key_column), "The offence code or subgroup")
    if granularity == "offence_code":
        key, targets, in_taxonomy, alias = _code_keys(problems, raw_key, str(key_column))
        label = column_text(frame, find_column(frame, *LABEL_HEADINGS))
    else:
        key, targets, in_taxonomy = _subgroup_keys(raw_key)
        alias, label = pd.Series(False, index=frame.index), raw_key
    raw_weight = text(frame[weight_column])
    weight = parse_numbers(raw_weight)
    problems.add(
        weight.isna() | (weight < 0), str(weight_column), "bad_weight",
        "The weight is not a number of 0 or more: give the index value, such as 189.15.",
        raw_weight,
    )  # fmt: skip
    default = (
        f"{DEFAULT_SOURCES.get(options['index_name'], options['index_name'])}; weights from "
        f"column '{weight_column}' keyed by '{key_column}' of the uploaded file"
    )
    given = options["source_note"]
    note = (
        pd.Series(given, index=frame.index, dtype="string")
        if given
        else column_text(frame, find_column(frame, SOURCE_HEADING)).fillna(default)
    )
    records = pd.DataFrame(
        {
            "source_row": frame.index.to_numpy(),
            "index_name": options["index_name"],
            "granularity": granularity,
            "key": key,
            "label": label,
            "weight": weight.astype("float64"),
            "taxonomy_keys": targets,
            "in_taxonomy": in_taxonomy,
            "raw_key": raw_key,
            "source_note": note,
            "_alias": alias.astype(bool),
        },
        index=frame.index,
    )
    return _without_alias_repeats(records, problems), problems


def _coverage(loaded: pd.DataFrame, granularity: str) -> tuple[dict, tuple[str, ...]]:
    offences = load_taxonomy().offences
    column = "code" if granularity == "offence_code" else "offence_subgroup"
    covered = set(loaded["taxonomy_keys"].str.split("; ").explode().dropna()) - {""}
    group_of = offences.drop_duplicates(column).set_index(column)["offence_group"]
    first_target = loaded["taxonomy_keys"].str.split("; ").str[0]
    groups = first_target.map(group_of).fillna("not in taxonomy")
    unweighted = tuple(sorted(set(offences[column]) - covered))
    return counts(groups), unweighted


def parse(
    frame: pd.DataFrame,
    *,
    index_name: str | None = None,
    source_note: str | None = None,
    granularity: str | None = None,
) -> HarmWeightsParse:
    """Parse a harm index read by reading.py (strings, indexed by data row number)."""
    found, key_column = _granularity(frame, granularity)
    options = {"index_name": _index_name(frame, index_name), "source_note": source_note}
    records, problems = _canonical(frame, found, key_column, options)
    loaded, errors, row_counts = finish(
        len(frame), records, problems, CANONICAL_COLUMNS,
        key=["key"], value="weight", what="key (offence code or subgroup)",
    )  # fmt: skip
    by_group, unweighted = _coverage(loaded, found)
    summary = HarmWeightsSummary(
        **row_counts,
        by_category=by_group,
        index_name=options["index_name"],
        granularity=found,
        keys_not_in_taxonomy=tuple(sorted(loaded.loc[~loaded["in_taxonomy"], "key"])),
        taxonomy_without_weight=unweighted,
        weight_min=float(loaded["weight"].min()) if len(loaded) else None,
        weight_max=float(loaded["weight"].max()) if len(loaded) else None,
    )
    return HarmWeightsParse(loaded, errors, summary, options["index_name"], found)
