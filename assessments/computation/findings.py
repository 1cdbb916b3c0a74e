"""Findings: plain-English sentences in the style of the BCP CSP's report, each bound to
the figures behind it.

A finding is data, not text: a template key, its English template (marked for translation
with `gettext_noop`, so `makemessages` collects it and the Django layer renders it in the
reader's language), its parameters and a reference to the table cell it comes from. The
figures it quotes are kept so that an analyst's rewording can be flagged as out of date
when a later run changes them.
"""

from __future__ import annotations

from typing import Any

from . import stats


def gettext_noop(message: str) -> str:
    """Marks a template for translation without translating it (the computation knows no
    language; makemessages finds the name)."""
    return message


TEMPLATES: dict[str, str] = {
    "change_increase_significant": gettext_noop(
        "Police recorded %(category)s: up %(change)s%% between %(previous_year)s and "
        "%(year)s (from %(previous)s to %(count)s offences); the increase is statistically "
        "significant."),
    "change_increase_not_significant": gettext_noop(
        "Police recorded %(category)s: up %(change)s%% between %(previous_year)s and "
        "%(year)s (from %(previous)s to %(count)s offences); the change is not statistically "
        "significant."),
    "change_decrease_significant": gettext_noop(
        "Police recorded %(category)s: down %(change)s%% between %(previous_year)s and "
        "%(year)s (from %(previous)s to %(count)s offences); the reduction is statistically "
        "significant."),
    "change_decrease_not_significant": gettext_noop(
        "Police recorded %(category)s: down %(change)s%% between %(previous_year)s and "
        "%(year)s (from %(previous)s to %(count)s offences); the change is not statistically "
        "significant."),
    "change_none": gettext_noop(
        "Police recorded %(category)s: unchanged between %(previous_year)s and %(year)s at "
        "%(count)s offences."),
    "change_too_few": gettext_noop(
        "Police recorded %(category)s: %(previous)s offences in %(previous_year)s and "
        "%(count)s in %(year)s, too few to say whether the change is real."),
    "change_new": gettext_noop(
        "Police recorded %(category)s: %(count)s offences in %(year)s and none in "
        "%(previous_year)s."),
    "peak": gettext_noop(
        "Police recorded %(category)s peaked over the five years in %(peak_year)s at "
        "%(peak)s offences; there were %(count)s in %(year)s."),
    "most_common": gettext_noop(
        "The most common serious violence category in %(year)s was %(category)s, with "
        "%(count)s offences (%(share)s%% of the total)."),
    "total": gettext_noop(
        "In %(year)s there were %(count)s police recorded offences within the local "
        "definition of serious violence, against %(previous)s in %(previous_year)s "
        "(%(signed_change)s%%)."),
    "non_recent": gettext_noop(
        "%(count)s offences recorded during %(year)s had been committed a year or more "
        "earlier; they are counted apart from the year's figures."),
    "domestic_abuse": gettext_noop(
        "%(percent)s%% of serious violence offences in %(year)s were flagged as domestic "
        "abuse (%(count)s of %(total)s)."),
    "knife": gettext_noop(
        "Knife or sharp instrument flagged offences: %(count)s in %(year)s against "
        "%(previous)s in %(previous_year)s."),
    "partly_applied": gettext_noop(
        "The local definition could only be partly applied to %(source)s: it does not "
        "record %(rules)s, so those figures include offences the definition would leave "
        "out."),
    "not_supplied": gettext_noop(
        "No %(source)s data was supplied for %(year)s."),
    "top_priority": gettext_noop(
        "On the proposed weighting of harm, volume, trend, vulnerability and ability to "
        "influence, %(category)s ranks first of %(n)s categories."),
}

# Parameters that are counts (suppressed for small numbers) and those worked out from them.
COUNT_PARAMS = ("count", "previous", "peak", "total")
DERIVED_PARAMS = ("change", "signed_change", "percent", "share")


def write(snapshot: dict[str, Any]) -> list[dict[str, Any]]:
    """All findings for a snapshot, most important first."""
    year = snapshot["financial_year"]
    previous_year = snapshot["years"][-2]
    volumes = snapshot["sections"].get("volumes", {}).get("tables", {})
    found: list[dict[str, Any]] = []
    by_category = volumes.get("by_category")
    if by_category:
        found += _totals(by_category, year, previous_year)
        found += _categories(by_category, snapshot["years"])
    found += _non_recent(volumes, year)
    found += _flags(snapshot, year, previous_year)
    found += _evaluability(snapshot)
    found += _gaps(snapshot, year)
    found += priority_findings(snapshot.get("priority"))
    return found


def finding(key: str, params: dict[str, Any], ref: dict[str, Any]) -> dict[str, Any]:
    figures = {k: v for k, v in params.items() if k in COUNT_PARAMS + DERIVED_PARAMS}
    return {"key": key, "template": TEMPLATES[key], "params": params, "ref": ref,
            "figures": figures}


def _ref(section: str, table: str, row: Any = None, column: str | None = None) -> dict:
    return {"section": section, "table": table, "row": row, "column": column}


def _rows(table: dict[str, Any]) -> list[dict[str, Any]]:
    return [r for r in table["rows"] if r.get("category") != "all"]


def _totals(table: dict[str, Any], year: str, previous_year: str) -> list[dict]:
    total = next((r for r in table["rows"] if r.get("category") == "all"), None)
    if total is None or not total.get(year):
        return []
    count, previous = total.get(year) or 0, total.get(previous_year) or 0
    change = _percent_change(previous, count)
    out = [finding("total", {"year": year, "previous_year": previous_year, "count": count,
                             "previous": previous,
                             "signed_change": "n/a" if change is None else f"{change:+d}"},
                   _ref("volumes", "by_category", "all", year))]
    rows = sorted(_rows(table), key=lambda r: (-(r.get(year) or 0), r["category"]))
    if rows and rows[0].get(year):
        top = rows[0]
        share = round(100 * top[year] / count) if count else 0
        out.append(finding("most_common", {"year": year, "category": top["category"],
                                           "count": top[year], "share": share},
                           _ref("volumes", "by_category", top["category"], year)))
    return out


def _categories(table: dict[str, Any], years: list[str]) -> list[dict]:
    year, previous_year = years[-1], years[-2]
    out = []
    for row in sorted(_rows(table), key=lambda r: (-(r.get(year) or 0), r["category"])):
        count, previous = row.get(year) or 0, row.get(previous_year) or 0
        params = {"category": row["category"], "year": year, "previous_year": previous_year,
                  "count": count, "previous": previous}
        ref = _ref("volumes", "by_category", row["category"], "change")
        out.append(finding(_change_key(row, count, previous), params | {
            "change": abs(_percent_change(previous, count) or 0)}, ref))
        series = [(y, row.get(y) or 0) for y in years]
        peak_year, peak = max(series, key=lambda item: (item[1], item[0]))
        if peak_year not in (year, previous_year) and peak > count:
            out.append(finding("peak", params | {"peak_year": peak_year, "peak": peak},
                               _ref("volumes", "by_category", row["category"], peak_year)))
    return out


def _change_key(row: dict[str, Any], count: int, previous: int) -> str:
    verdict = row.get("verdict")
    if previous == 0:
        return "change_new" if count else "change_none"
    if count == previous:
        return "change_none"
    if verdict == "too_few_to_test":
        return "change_too_few"
    direction = "increase" if count > previous else "decrease"
    significant = verdict in ("significant_increase", "significant_decrease")
    return f"change_{direction}_{'significant' if significant else 'not_significant'}"


def _percent_change(old: float, new: float) -> int | None:
    # Rounded half away from zero, as reports quote them (172 -> 131 is -24%).
    value = stats.percent_change(old, new)
    if value is None:
        return None
    return int(value + 0.5) if value >= 0 else -int(-value + 0.5)


def _non_recent(volumes: dict[str, Any], year: str) -> list[dict]:
    table = volumes.get("recorded_vs_committed")
    if not table:
        return []
    row = next((r for r in table["rows"] if r.get("financial_year") == year), None)
    if not row or not row.get("non_recent"):
        return []
    return [finding("non_recent", {"year": year, "count": row["non_recent"]},
                    _ref("volumes", "recorded_vs_committed", year, "non_recent"))]


def _flags(snapshot: dict[str, Any], year: str, previous_year: str) -> list[dict]:
    table = snapshot["sections"].get("flags", {}).get("tables", {}).get("flag_shares")
    if not table:
        return []
    rows = {r.get("financial_year"): r for r in table["rows"]}
    this, last = rows.get(year), rows.get(previous_year) or {}
    if not this or not this.get("total"):
        return []
    out = []
    if this.get("domestic_abuse"):
        percent = round(100 * this["domestic_abuse"] / this["total"])
        out.append(finding("domestic_abuse", {"year": year, "count": this["domestic_abuse"],
                                              "total": this["total"], "percent": percent},
                           _ref("flags", "flag_shares", year, "domestic_abuse")))
    if this.get("knife") is not None and "knife" in this:
        out.append(finding("knife", {"year": year, "previous_year": previous_year,
                                     "count": this.get("knife") or 0,
                                     "previous": last.get("knife") or 0},
                           _ref("flags", "flag_shares", year, "knife")))
    return out


def _evaluability(snapshot: dict[str, Any]) -> list[dict]:
    source = snapshot.get("police_source")
    rules = snapshot.get("evaluability", {}).get(source, {})
    missing = sorted(rule for rule, status in rules.items()
                     if status in ("not_evaluable", "partly"))
    if not source or not missing:
        return []
    return [finding("partly_applied", {"source": source, "rules": missing},
                    _ref("quality", "evaluability", source))]


def _gaps(snapshot: dict[str, Any], year: str) -> list[dict]:
    table = snapshot["sections"].get("quality", {}).get("tables", {}).get("sources")
    if not table:
        return []
    return [finding("not_supplied", {"source": r["source"], "year": year},
                    _ref("quality", "sources", r["source"], "status"))
            for r in table["rows"] if r.get("status") == "not_supplied"]


def priority_findings(priority: dict[str, Any]) -> list[dict]:
    """The finding on the ranking's first category (re-made when the weights change)."""
    ranking = (priority or {}).get("ranking") or []
    if not ranking:
        return []
    first = ranking[0]
    return [finding("top_priority", {"category": first["category"], "n": len(ranking)},
                    _ref("priority", "ranking", first["category"], "rank"))]
