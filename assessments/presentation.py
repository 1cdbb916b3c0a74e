"""From a snapshot to what a reader sees: every table through disclosure control for the
reader's audience, then labelled and formatted in their language. Pages, CSV files and
charts all read tables from here, so none can show a figure the audience may not see."""

import csv
import io
from dataclasses import dataclass, replace

from django.utils.formats import number_format
from django.utils.functional import lazy
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from ingest import labels as ingest_labels
from svd_platform.exports import safe_cell

from .computation import disclosure
from .computation import tables as t
from .computation.tables import Section, Table
from .labels import (
    CATEGORIES,
    FLAGS,
    RULES,
    VALUES,
    VERDICTS,
    capitalise,
    category,
    harm_index,
    pretty,
    rule,
    source,
    unit,
    verdict,
)

_lazy_capitalise = lazy(capitalise, str)
_lazy_share = lazy(lambda flag: _("%(flag)s (%%)") % {"flag": capitalise(flag)}, str)

COLUMNS = {
    "category": gettext_lazy("Category"),
    "count": gettext_lazy("Count"),
    "previous": gettext_lazy("Previous year"),
    "change": gettext_lazy("Change"),
    "difference": gettext_lazy("Difference"),
    "ratio": gettext_lazy("Rate ratio"),
    "low": gettext_lazy("Lower 95% limit"),
    "high": gettext_lazy("Upper 95% limit"),
    "ci_low": gettext_lazy("Lower 95% limit"),
    "ci_high": gettext_lazy("Upper 95% limit"),
    "p_value": gettext_lazy("p-value"),
    "verdict": gettext_lazy("Verdict"),
    "dispersion": gettext_lazy("Overdispersion"),
    "population": gettext_lazy("Population"),
    "rate": gettext_lazy("Rate per 1,000"),
    "percent": gettext_lazy("Per cent"),
    "share": gettext_lazy("Share"),
    "month": gettext_lazy("Month"),
    "financial_year": gettext_lazy("Financial year"),
    "total": gettext_lazy("Total"),
    "this_year": gettext_lazy("This year to date"),
    "last_year": gettext_lazy("Same period last year"),
    "source": gettext_lazy("Source"),
    "status": gettext_lazy("Status"),
    "rule": gettext_lazy("Rule"),
    "reason": gettext_lazy("Reason"),
    "harm": gettext_lazy("Harm"),
    "harm_share": gettext_lazy("Share of harm"),
    "volume_share": gettext_lazy("Share of volume"),
    "area_code": gettext_lazy("Area code"),
    "area_name": gettext_lazy("Area"),
    "name": gettext_lazy("Name"),
    "band": gettext_lazy("Age band"),
    "sex": gettext_lazy("Sex"),
    "group": gettext_lazy("Group"),
    "organisation": gettext_lazy("Organisation"),
    "organisation_name": gettext_lazy("Organisation"),
    "measure": gettext_lazy("Measure"),
    "unit": gettext_lazy("Unit"),
    "value": gettext_lazy("Value"),
    "committed": gettext_lazy("By date committed"),
    "recorded": gettext_lazy("By date recorded"),
    "non_recent": gettext_lazy("Non-recent"),
    "non_recent_percent": gettext_lazy("Non-recent (%)"),
    "weekend": gettext_lazy("Weekend"),
    "weekday": gettext_lazy("Weekday"),
    "hour": gettext_lazy("Hour"),
    "day": gettext_lazy("Day of week"),
    "missing": gettext_lazy("Missing"),
    "field": gettext_lazy("Field"),
    "decile": gettext_lazy("Deprivation decile"),
    "location_quotient": gettext_lazy("Location quotient"),
    "density": gettext_lazy("Offences per km²"),
    "funnel": gettext_lazy("Funnel plot"),
    "partnership_rate": gettext_lazy("Partnership rate"),
    "outcome": gettext_lazy("Outcome"),
    "unweighted": gettext_lazy("Without a weight"),
    "lower_95": gettext_lazy("Lower 95% limit"),
    "upper_95": gettext_lazy("Upper 95% limit"),
    "lower_998": gettext_lazy("Lower 99.8% limit"),
    "upper_998": gettext_lazy("Upper 99.8% limit"),
    "method": gettext_lazy("Test"),
    "residents": gettext_lazy("Residents"),
    "resident_percent": gettext_lazy("Residents (%)"),
    "records": gettext_lazy("Records"),
    "level": gettext_lazy("Level"),
    "area": gettext_lazy("Area"),
    "flag": gettext_lazy("Flag"),
    "rank": gettext_lazy("Rank"),
    "seasonality": gettext_lazy("Seasonality index"),
    "selected": gettext_lazy("In the definition"),
    "victim_under_25": gettext_lazy("Victims under 25"),
    "victim_known": gettext_lazy("Victims of known age"),
    "victim_share": gettext_lazy("Victims under 25 (%)"),
    "victim_ci": gettext_lazy("Victims under 25 (%)"),
    "suspect_under_25": gettext_lazy("Suspects under 25"),
    "suspect_known": gettext_lazy("Suspects of known age"),
    "suspect_share": gettext_lazy("Suspects under 25 (%)"),
    "suspect_ci": gettext_lazy("Suspects under 25 (%)"),
    "sharp": gettext_lazy("Sharp object"),
    "sharp_percent": gettext_lazy("Sharp object (%)"),
    "sharp_object": gettext_lazy("Sharp object"),
    "sharp_object_under_25": gettext_lazy("Sharp object, under 25s"),
    "all_assault": gettext_lazy("All assaults"),
    "weapon": gettext_lazy("Weapon"),
    "weighted": gettext_lazy("Weighted"),
    "loaded": gettext_lazy("Loaded"),
    "partial": gettext_lazy("Partly loaded"),
    "missing_quarters": gettext_lazy("Quarters missing"),
    "partial_quarters": gettext_lazy("Quarters partly loaded"),
    "vintage": gettext_lazy("Census year of the LSOA codes"),
    "area_km2": gettext_lazy("Area (km²)"),
    "untimed": gettext_lazy("Without a time"),
    "location_type": gettext_lazy("Location type"),
    "definition": gettext_lazy("Definition"),
    "period_start": gettext_lazy("Period start"),
    "period_end": gettext_lazy("Period end"),
    "suppressed": gettext_lazy("Suppressed"),
    # A flag's count column, and its share: "Domestic abuse", "Firearm (%)".
    **{k: _lazy_capitalise(v) for k, v in FLAGS.items()},
    **{f"{k}_percent": _lazy_share(v) for k, v in FLAGS.items()},
}


@dataclass
class Shown:
    """A table ready for a template: headers and formatted rows, with what was suppressed."""

    key: str
    title: str
    headers: list[str]
    kinds: list[str]
    rows: list[list[str]]
    raw: Table
    notes: list[str]
    suppressed: bool


def protected(section_data: dict, audience: str, threshold: int) -> Section:
    section = disclosure.protect_section(Section.from_dict(section_data), audience, threshold)
    # Notes may quote a count too ("12 records have no time of day").
    for notes in [section.notes, *(table.notes for table in section.tables.values())]:
        for note in notes:
            params = note.get("params") or {}
            if isinstance(params.get("count"), int | float):
                params["count"] = disclosure.protect_value(params["count"], audience,
                                                           threshold)
    if audience not in disclosure.SUPPRESSING:
        return section
    # A total in a note ("of the 197 records where this is known") minus the visible cells
    # would give a suppressed cell away: next to any suppressed cell, notes quote no figures
    # but settings (the year, "per 1,000") and disclosure control's own notes.
    settings = {"year", "days", "hours", "per", "n", "limit", "threshold"}
    hiding = {key: any(disclosure.is_suppressed(v) for row in table.rows for v in row.values())
              for key, table in section.tables.items()}
    hidden_notes = [table.notes for key, table in section.tables.items() if hiding[key]]
    if any(hiding.values()):
        hidden_notes.append(section.notes)
    for notes in hidden_notes:
        for note in notes:
            params = note.get("params") or {}
            if note.get("key") in ("suppressed", "suppressed_cells"):
                continue
            for name, value in params.items():
                if (isinstance(value, int | float) and not isinstance(value, bool)
                        and name not in settings):
                    params[name] = disclosure.SECONDARY_MARKER
    return section


# Column labels that differ by table: (table key, column key) -> label.
TABLE_COLUMNS = {
    ("first_time_entrants", "rate"): gettext_lazy("Rate per 100,000 aged 10 to 17"),
}


def rank_names(table: Table) -> dict[str, str]:
    """Rank column key -> the harm index it ranks by, from the table's notes."""
    return {p["column"]: p["index"] for n in table.notes if n.get("key") == "harm_ranked_by"
            for p in [n.get("params") or {}] if p.get("column")}


def column_label(key: str, table: str = "", ranks: dict[str, str] | None = None) -> str:
    if (table, key) in TABLE_COLUMNS:
        return str(TABLE_COLUMNS[table, key])
    if key in COLUMNS:
        return str(COLUMNS[key])
    if key.startswith("rank_"):
        index = (ranks or {}).get(key)
        return _("Rank (%(index)s)") % {
            "index": harm_index(index) if index else key[5:].replace("_", " ")}
    for end, text in (("_low", _("%(measure)s: lower 95%% limit")),
                      ("_high", _("%(measure)s: upper 95%% limit"))):
        if key.endswith(end) and len(key) > len(end):
            return text % {"measure": column_label(key[:-len(end)], table)}
    return capitalise(key.replace("_", " ")) if "/" not in key else key


def cell(value, kind: str, key: str = "") -> str:
    """A cell as text, in the reader's locale (`key`, the column's, says what a label is)."""
    if value is None or value == "":
        return "–"
    if disclosure.is_suppressed(value):
        return str(value)
    if key in ("month", "day", "hour") or (value == "all" and key != "category"):
        return _time_label(value, key)
    if kind == t.VERDICT:
        return verdict(value)
    if kind == t.LABEL:
        return capitalise(label(value, key))
    if kind == t.TEXT:
        return label(value, key)
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if not isinstance(value, int | float):
        return label(value, key)
    if kind in (t.COUNT, t.POPULATION, t.DIFFERENCE):
        text = _fixed(value, 0, grouping=True)
        return f"+{text}" if kind == t.DIFFERENCE and round(value) > 0 else text
    if kind == t.CHANGE:
        return f"{round(value) + 0:+d}%"
    if kind == t.PERCENT:
        return _fixed(value, 1) + "%"
    if kind == t.P_VALUE:
        return "<0.001" if value < 0.001 else _fixed(value, 3)
    if kind in (t.RATE, t.CI_LOW, t.CI_HIGH, t.RATIO):
        return _fixed(value, 2)
    if kind == t.MEASURE and float(value).is_integer():
        return _fixed(value, 0, grouping=True)
    return _fixed(value, 2 if abs(value) < 100 else 0, grouping=True)


def _fixed(value, places: int, grouping: bool = False) -> str:
    """`value` rounded (not truncated, as number_format alone does) to `places` decimals,
    in the reader's locale; never "-0"."""
    rounded = round(float(value), places) + 0.0
    return number_format(rounded, places, use_l10n=True, force_grouping=grouping)


def _time_label(value, key: str) -> str:
    from django.utils.dates import MONTHS, WEEKDAYS

    if value == "all":
        return _("Whole year") if key == "month" else _("All")
    if key == "month" and isinstance(value, int) and 1 <= value <= 12:
        return str(MONTHS[value])
    if key == "day" and isinstance(value, int) and 0 <= value <= 6:
        return str(WEEKDAYS[value])
    if key == "hour" and isinstance(value, int):
        return f"{value:02d}:00"
    return str(value)


def label(value, key: str = "category") -> str:
    """A label or text cell's value as words. Only a "category" column's values are offence
    categories ("other" is "Other offences" there, "Other" elsewhere)."""
    text = str(value)
    if key == "category" and text in CATEGORIES:
        return category(text)
    if text in VERDICTS:
        return verdict(text)
    if key == "rule" and text in RULES:
        return capitalise(rule(text))
    if key in ("flag", "flags") and text in FLAGS:
        return str(FLAGS[text])
    spec_label = source(text)
    if spec_label != text:
        return spec_label
    if key == "field" and text in ingest_labels.FIELDS:
        return ingest_labels.field(text)
    if key in ("measure", "band") and text in VALUES:
        return pretty(text)
    if key == "outcome":
        return ingest_labels.outcome(text) or text
    if text == "not_placed":  # an area table's row for records in no area
        return pretty(text)
    if text == "all" and key == "area":
        return _("All")
    if key == "unit":
        return unit(text)
    if key in ("name", "area_name", "organisation_name", "area", "area_code", "measure",
               "unit", "band", "financial_year", "period_start", "period_end"):
        return text
    if text in FLAGS and text != "public_place":
        return capitalise(FLAGS[text])
    if key != "category" and text.replace("_", "").isalnum() and text == text.lower() \
            and any(c.isalpha() for c in text):
        return pretty(text)
    return text


TABLES = {
    "by_category": gettext_lazy("Offences by category, five years"),
    "ytd": gettext_lazy("Year to date against the same period last year"),
    "monthly": gettext_lazy("Offences by month"),
    "recorded_vs_committed": gettext_lazy("Recorded and committed dates; non-recent offences"),
    "non_recent_by_category": gettext_lazy("Non-recent offences by category"),
    "trend": gettext_lazy("Rate per 1,000 residents by year"),
    "comparators": gettext_lazy("Comparator areas"),
    "comparator_ratio": gettext_lazy("Against the comparator group"),
    "victim_age": gettext_lazy("Victims by age"),
    "suspect_age": gettext_lazy("Suspects by age"),
    "under_25": gettext_lazy("Victims and suspects under 25, by year"),
    "victim_sex": gettext_lazy("Victims by sex"),
    "suspect_sex": gettext_lazy("Suspects by sex"),
    "victim_ethnicity_self": gettext_lazy("Victims by self-defined ethnicity"),
    "victim_ethnicity_officer": gettext_lazy("Victims by officer-defined ethnicity"),
    "suspect_ethnicity_self": gettext_lazy("Suspects by self-defined ethnicity"),
    "suspect_ethnicity_officer": gettext_lazy("Suspects by officer-defined ethnicity"),
    "missing": gettext_lazy("Missing values"),
    "areas_lsoa": gettext_lazy("Neighbourhoods (LSOAs)"),
    "areas_ward": gettext_lazy("Wards"),
    "areas_local_authority": gettext_lazy("Local authorities"),
    "areas_beat": gettext_lazy("Police beats"),
    "funnel_points": gettext_lazy("Wards and LSOAs against the partnership's rate (the funnel "
                                  "plot draws the wards)"),
    "funnel_curve": gettext_lazy("Funnel plot control limits"),
    "top_areas": gettext_lazy("The wards with most offences (up to ten)"),
    "deprivation": gettext_lazy("By deprivation decile"),
    "by_month_of_year": gettext_lazy("Seasonality: offences by month of the year"),
    "day_hour": gettext_lazy("Day of week and hour"),
    "weekend": gettext_lazy("Weekend share"),
    "flag_shares": gettext_lazy("Flagged offences by year"),
    "flag_change": gettext_lazy("Change in flagged offences"),
    "flags_by_category": gettext_lazy("Flags by category"),
    "outcomes": gettext_lazy("Outcomes"),
    "diversion": gettext_lazy("Outcome 22 (diversion)"),
    "istv_weapon": gettext_lazy("A&E assault attendances by weapon"),
    "istv_location": gettext_lazy("A&E assault attendances by location"),
    "istv_trend": gettext_lazy("A&E assault attendances by year"),
    "admissions": gettext_lazy("Hospital admissions for assault"),
    "first_time_entrants": gettext_lazy("First-time entrants to the youth justice system"),
    "core_measures": gettext_lazy("Violence Reduction Unit core success measures"),
    "indicators": gettext_lazy("Partners' indicators"),
    "harm": gettext_lazy("Harm and volume by category"),
    "sources": gettext_lazy("Sources supplied"),
    "coverage": gettext_lazy("Quarters covered"),
    "missing_fields": gettext_lazy("Missing fields"),
    "unplaced": gettext_lazy("Records not placed in an area"),
    "lsoa_vintage": gettext_lazy("LSOA code vintage"),
    "excluded": gettext_lazy("Records left out by the definition, over the five years"),
    "rates.by_category": gettext_lazy("Rates per 1,000 residents by category, the year "
                                      "assessed"),
    "evaluability": gettext_lazy("What of the definition could be applied"),
}


def table_title(key: str, table: Table | None = None, section: str = "") -> str:
    """The table's title; a section may name its own ("rates.by_category")."""
    if f"{section}.{key}" in TABLES:
        return str(TABLES[f"{section}.{key}"])
    if key in TABLES:
        return str(TABLES[key])
    if key.startswith("harm_"):
        notes = table.notes if table is not None else []
        index = next(((n.get("params") or {}).get("index") for n in notes
                      if n.get("key") in ("harm_index", "harm_granularity")
                      and (n.get("params") or {}).get("index")), None)
        return _("Harm under %(index)s") % {
            "index": harm_index(index) if index else key[5:].replace("_", " ")}
    return column_label(key)


WELSH_SUFFIX = "_cy"


def localised(table: Table) -> Table:
    """The table in the reader's language: a column `x_cy` (a supplier's Welsh, as for an
    indicator's measure) stands in for `x` where the reader reads Welsh and it is given,
    and is never shown as a column of its own."""
    welsh = [c.key for c in table.columns if c.key.endswith(WELSH_SUFFIX)]
    if not welsh:
        return table
    in_welsh = (get_language() or "").startswith("cy")
    rows = []
    for row in table.rows:
        row = dict(row)
        for key in welsh:
            given = row.pop(key, None)
            if in_welsh and given:
                row[key[:-len(WELSH_SUFFIX)]] = given
        rows.append(row)
    return replace(table, rows=rows,
                   columns=[c for c in table.columns if c.key not in welsh])


def show(table: Table, title: str = "", section: str = "") -> Shown:
    table = localised(table)
    kinds = [c.kind for c in table.columns]
    suppressed = any(n.get("key") == "suppressed" for n in table.notes)
    return Shown(
        key=table.key, title=title or table_title(table.key, table, section),
        headers=[column_label(c.key, table.key, rank_names(table)) for c in table.columns],
        kinds=kinds,
        rows=[[cell(row.get(c.key), c.kind, c.key) for c in table.columns]
              for row in table.rows],
        raw=table, notes=[note_text(n) for n in table.notes if shown_note(n)],
        suppressed=suppressed)


def compact(shown: Shown, keep: list[str] | None = None) -> Shown:
    """The shown table with only the columns in `keep` (keys), in the table's order. By
    default the overview's: the label, the last five financial years, change and verdict."""
    columns = shown.raw.columns
    if keep is None:
        years = [c.key for c in columns if "/" in c.key][-5:]
        keep = [columns[0].key, *years, "change", "verdict"] if columns else []
    indices = [i for i, c in enumerate(columns) if c.key in keep]
    return Shown(key=shown.key, title=shown.title,
                 headers=[shown.headers[i] for i in indices],
                 kinds=[shown.kinds[i] for i in indices],
                 rows=[[row[i] for i in indices] for row in shown.rows], raw=shown.raw,
                 notes=shown.notes, suppressed=shown.suppressed)


def rules_text(rules) -> list[str]:
    """A definition's rules (definitions.normalise form, or near it) as short sentences."""
    if not isinstance(rules, dict):
        return [str(rules)] if rules else []
    lines = []

    def listed(values, words):
        return ", ".join(words(v) for v in values)

    if rules.get("categories"):
        lines.append(_("Categories: %(list)s") % {
            "list": listed(rules["categories"], category)})
    if rules.get("offence_codes"):
        lines.append(_("Offence codes: %(list)s") % {"list": ", ".join(
            str(c) for c in rules["offence_codes"])})
    if rules.get("exclude_categories"):
        lines.append(_("Categories excluded: %(list)s") % {
            "list": listed(rules["exclude_categories"], category)})
    if rules.get("exclude_offence_codes"):
        lines.append(_("Offence codes excluded: %(list)s") % {"list": ", ".join(
            str(c) for c in rules["exclude_offence_codes"])})
    flags = rules.get("flags") or {}
    keys = flags.get("keys") if isinstance(flags, dict) else flags
    if keys:
        names = listed(keys, lambda k: str(FLAGS.get(str(k), k)))
        if isinstance(flags, dict) and flags.get("mode") == "all" and len(keys) > 1:
            lines.append(_("Flags (all of): %(list)s") % {"list": names})
        else:
            lines.append(_("Flags (any of): %(list)s") % {"list": names})
    if rules.get("exclude_flags"):
        lines.append(_("Flags excluded: %(list)s") % {"list": listed(
            rules["exclude_flags"], lambda k: str(FLAGS.get(str(k), k)))})
    age = rules.get("age")
    if isinstance(age, dict) and age.get("limit") is not None:
        who = {"victim": _("victims"), "suspect": _("suspects"),
               "either": _("victims or suspects")}.get(age.get("who"), str(age.get("who")))
        lines.append(_("Age limit: under %(limit)s (%(who)s)") % {"limit": age["limit"],
                                                                   "who": who})
    if rules.get("public_place") is True:
        lines.append(_("Public place only"))
    return lines


def with_rules_text(versions) -> list:
    """Definition versions, each with `rules_text` (rules_text of its rules) for
    _versions.html."""
    out = list(versions)
    for version in out:
        version.rules_text = rules_text(version.rules)
    return out


def shown_note(note: dict) -> bool:
    """Notes worth a reader's time: not the cell list, not "0 records were..."."""
    if note.get("key") == "suppressed_cells":
        return False
    return (note.get("params") or {}).get("count") != 0


def note_text(note: dict) -> str:
    from .notes import text

    return text(note)


def csv_bytes(table: Table) -> bytes:
    """The table as CSV (UTF-8 with BOM for Excel), labelled, safe against formula
    injection: any cell starting with = + - @ tab or CR is prefixed with an apostrophe,
    except plain numbers."""
    table = localised(table)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([column_label(c.key, table.key, rank_names(table)) for c in table.columns])
    for row in table.rows:
        writer.writerow([_safe(_csv_value(row.get(c.key), c.kind, c.key))
                         for c in table.columns])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _csv_value(value, kind, key="category"):
    if value is None:
        return ""
    if kind == t.LABEL and isinstance(value, str):
        return capitalise(label(value, key))  # as the page's tables show it
    if kind in (t.TEXT, t.VERDICT) and isinstance(value, str):
        return label(value, key)
    if isinstance(value, float):
        # Whole numbers as such (a population of 1656, not 1656.0); others to six decimal
        # places, without the binary noise of 6678.880000000001.
        return int(value) if value.is_integer() else round(value, 6)
    return value


def _safe(value):
    """Numbers as numbers (a negative change is not a formula); any text made safe."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value
    return safe_cell(value)


__all__ = ["Shown", "protected", "show", "compact", "rules_text", "with_rules_text",
           "csv_bytes", "cell",
           "column_label", "label", "rule", "source"]
