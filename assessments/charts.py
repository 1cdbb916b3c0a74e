"""Plotly figures for assessment tables, built from the tables *after* disclosure control
(a suppressed value is a gap, never a bar). Each figure is JSON for plotly.js, embedded as
a data block (no inline script) and drawn by static/js/charts.js; the table beside it is
the accessible version."""

import json

import plotly.graph_objects as go
from django.utils.translation import gettext as _

from . import labels
from .computation import disclosure
from .computation import tables as t
from .computation.tables import Section, Table
from .presentation import column_label, label, table_title

PALETTE = ["#1d70b8", "#d4351c", "#00703c", "#f47738", "#4c2c92", "#b58840", "#5694ca",
           "#912b88", "#28a197", "#505a5f"]
FONT = "Helvetica Neue, Arial, sans-serif"


def _layout(title: str, **extra) -> dict:
    return {"title": {"text": title}, "font": {"family": FONT, "size": 14},
            "colorway": PALETTE, "margin": {"l": 60, "r": 20, "t": 50, "b": 60},
            "legend": {"orientation": "h", "y": -0.2}, "hovermode": "closest", **extra}


def _num(value):
    if value is None or disclosure.is_suppressed(value) or isinstance(value, str):
        return None
    return value


def _name(category) -> str:
    """A category as a legend or hover names it: capitalised, as in the tables."""
    return labels.capitalise(labels.category(category))


def _figure(fig: go.Figure, title: str) -> dict:
    return {"title": title, "figure": json.loads(fig.to_json())}


def for_table(section: str, table: Table, whole: Section | None = None) -> dict | None:
    """A chart for the table, or None when a table reads better as a table."""
    builder = SPECIAL.get((section, table.key),
                          lambda table, whole: _generic(table, section))
    chart = builder(table, whole)
    if chart is not None:
        chart["id"] = f"chart-{table.key}"
    return chart


def _label_column(table: Table) -> str | None:
    return next((c.key for c in table.columns if c.kind == t.LABEL), None)


def _years(table: Table) -> list[str]:
    return [c.key for c in table.columns if c.kind == t.COUNT and "/" in c.key]


def volumes_by_category(table: Table, whole=None) -> dict | None:
    years = _years(table)
    if len(years) < 2:
        return _generic(table)
    fig = go.Figure()
    for row in table.rows:
        if row.get("category") == "all":
            continue
        fig.add_trace(go.Scatter(x=years, y=[_num(row.get(y)) for y in years],
                                 mode="lines+markers", name=_name(row["category"])))
    fig.update_layout(**_layout(_("Five-year trend by category"),
                                yaxis={"title": {"text": _("Offences")}, "rangemode": "tozero"},
                                xaxis={"title": {"text": _("Financial year")}}))
    return _figure(fig, _("Five-year trend by category"))


def monthly(table: Table, whole=None) -> dict | None:
    series: dict[str, tuple[list, list]] = {}
    years = {total for total, _parts in table.row_sums}  # each year's row: not a month
    for i, row in enumerate(table.rows):
        if i in years:
            continue
        xs, ys = series.setdefault(str(row.get("category")), ([], []))
        xs.append(row.get("month"))
        ys.append(_num(row.get("count")))
    fig = go.Figure([go.Scatter(x=xs, y=ys, mode="lines", name=_name(key))
                     for key, (xs, ys) in series.items()])
    # Months as "2023-04" categories: a date axis would name them in English ("Apr 2023")
    # whatever the reader's language.
    fig.update_layout(**_layout(_("Offences by month"),
                                yaxis={"rangemode": "tozero", "title": {"text": _("Offences")}},
                                xaxis={"type": "category", "nticks": 12}))
    return _figure(fig, _("Offences by month"))


SEASONALITY_MIN_COUNT = 60  # offences in the year: five a month on average


def seasonality(table: Table, whole=None) -> dict | None:
    """Each category's seasonality index by month of the year (1 = an average month)."""
    from django.utils.dates import MONTHS_3

    # A category with a few offences a year swings from 0 to 12 times the average month and
    # flattens every other line: it stays in the table, not on the chart.
    year_counts = {row.get("category"): _num(row.get("count")) or 0 for row in table.rows
                   if row.get("month") == "all"}
    series: dict[str, tuple[list, list]] = {}
    for row in table.rows:
        month = row.get("month")
        if (row.get("category") == "all" or not isinstance(month, int)
                or year_counts.get(row.get("category"), 0) < SEASONALITY_MIN_COUNT):
            continue
        xs, ys = series.setdefault(str(row.get("category")), ([], []))
        xs.append(str(MONTHS_3[month]).capitalize())
        ys.append(_num(row.get("seasonality")))
    if not series:
        return None
    fig = go.Figure([go.Scatter(x=xs, y=ys, mode="lines+markers", name=_name(key))
                     for key, (xs, ys) in series.items()])
    fig.update_layout(**_layout(_("Seasonality by month (1 = an average month)"),
                                yaxis={"rangemode": "tozero"}, showlegend=True))
    return _figure(fig, _("Seasonality by month (1 = an average month)"))


def funnel(table: Table, whole: Section | None) -> dict | None:
    """Funnel plot: each area's rate against its population, with 95% and 99.8% limits
    around the partnership's rate, so that chance is not called a hotspot."""
    curve = whole.tables.get("funnel_curve") if whole else None
    if curve is None or not table.rows:
        return None
    # Both tables hold wards and LSOAs: draw one level, the wards (else the LSOAs).
    level = "ward" if any(r.get("level") == "ward" for r in table.rows) else "lsoa"
    curve_rows = sorted((r for r in curve.rows if r.get("level", level) == level
                         and _num(r.get("population")) is not None),
                        key=lambda r: r["population"])
    point_rows = [r for r in table.rows if r.get("level", level) == level]
    if not point_rows:
        return None
    pops = [r.get("population") for r in curve_rows]
    fig = go.Figure()
    for key, name, dash in (("upper_998", _("99.8% limits"), "dash"),
                            ("lower_998", None, "dash"), ("upper_95", _("95% limits"), "dot"),
                            ("lower_95", None, "dot")):
        fig.add_trace(go.Scatter(x=pops, y=[r.get(key) for r in curve_rows], mode="lines",
                                 name=name or "", showlegend=name is not None,
                                 line={"dash": dash, "color": "#505a5f"}))
    expected = "partnership_rate" if curve_rows and curve_rows[0].get(
        "partnership_rate") is not None else "expected"
    if curve_rows and curve_rows[0].get(expected) is not None:
        fig.add_trace(go.Scatter(x=pops, y=[r.get(expected) for r in curve_rows],
                                 mode="lines", name=_("Partnership rate"),
                                 line={"color": "#0b0c0c"}))
    label_key = next((c.key for c in table.columns if c.kind == t.LABEL and c.key != "level"),
                     "area_code")
    points = [r for r in point_rows if _num(r.get("rate")) is not None]
    fig.add_trace(go.Scatter(
        x=[r.get("population") for r in points], y=[r.get("rate") for r in points],
        mode="markers", name=_("Areas"), marker={"color": "#1d70b8", "size": 8},
        text=[str(r.get("name") or r.get(label_key)) for r in points],
        hovertemplate="%{text}: %{y:.2f}<extra></extra>"))
    title = (_("Funnel plot of wards: rate per 1,000 by population") if level == "ward"
             else _("Funnel plot of LSOAs: rate per 1,000 by population"))
    fig.update_layout(**_layout(title, xaxis={"title": {"text": _("Population")}},
                                yaxis={"title": {"text": _("Rate per 1,000")},
                                       "rangemode": "tozero"}))
    return _figure(fig, title)


def day_hour(table: Table, whole=None) -> dict | None:
    """Day of week against hour, as a grid of squares shaded by count (a scatter, not a
    plotly heatmap: its colour bar writes style attributes the CSP forbids)."""
    days = [_("Monday"), _("Tuesday"), _("Wednesday"), _("Thursday"), _("Friday"),
            _("Saturday"), _("Sunday")]
    cells = [(row.get("day"), row.get("hour"), _num(row.get("count"))) for row in table.rows]
    cells = [(d, h, c) for d, h, c in cells
             if isinstance(d, int) and isinstance(h, int) and 0 <= d < 7 and 0 <= h < 24]
    if not cells:
        return None
    shown = [(d, h, c) for d, h, c in cells if c is not None]
    hidden = [(d, h) for d, h, c in cells if c is None]  # suppressed: grey, not "zero"
    fig = go.Figure(go.Scatter(
        x=[h for _d, h, _c in shown], y=[days[d] for d, _h, _c in shown], mode="markers",
        name=_("Offences"),
        marker={"symbol": "square", "size": 22, "color": [c for _d, _h, c in shown],
                "colorscale": "Blues", "showscale": False,
                "line": {"width": 1, "color": "#ffffff"}},
        text=[str(c) for _d, _h, c in shown],
        hovertemplate="%{y} %{x}:00: %{text}<extra></extra>"))
    if hidden:
        fig.add_trace(go.Scatter(
            x=[h for _d, h in hidden], y=[days[d] for d, _h in hidden], mode="markers",
            name=_("Not published (small numbers)"),
            marker={"symbol": "square-open", "size": 18, "color": "#505a5f"},
            hovertemplate="%{y} %{x}:00: " + _("not published") + "<extra></extra>"))
    fig.update_layout(**_layout(_("Day of week and hour"),
                                xaxis={"title": {"text": _("Hour")}, "dtick": 2,
                                       "range": [-0.5, 23.5]},
                                yaxis={"autorange": "reversed"}))
    return _figure(fig, _("Day of week and hour"))


def _by_year(table: Table, key: str, section: str) -> dict | None:
    """A line per row across the table's financial-year columns (the core measures)."""
    years = _years(table)
    rows = [r for r in table.rows if r.get(key) not in ("all", "total")]
    if not rows or len(rows) > 12:
        return None
    fig = go.Figure([go.Scatter(x=years, y=[_num(r.get(y)) for y in years],
                                mode="lines+markers",
                                name=labels.capitalise(label(r.get(key), key)))
                     for r in rows])
    title = table_title(table.key, table, section)
    # No axis title: the years say what they are, and the legend sits below the axis.
    fig.update_layout(**_layout(title, yaxis={"rangemode": "tozero"}))
    return _figure(fig, title)


def _generic(table: Table, section: str = "") -> dict | None:
    """A bar chart of the table's main figure by its label, for short tables; a line per row
    for a table of financial years."""
    key = _label_column(table)
    if key is None:
        return None
    if len(_years(table)) >= 2:
        return _by_year(table, key, section)
    if not 1 < len(table.rows) <= 40:
        return None
    value = next((c for c in table.columns if c.kind in (t.RATE, t.PERCENT, t.RATIO)), None)
    value = value or next((c for c in table.columns if c.kind in (t.COUNT, t.MEASURE)), None)
    if value is None:
        return None
    # Totals (the "all" row, and sums such as "under 25" beside the age bands it adds up)
    # are not bars beside their parts; rows with no value ("unknown" has no share) neither.
    totals = {total for total, _parts in table.row_sums}
    rows = [r for i, r in enumerate(table.rows)
            if r.get(key) not in ("all", "total") and i not in totals
            and _num(r.get(value.key)) is not None]
    ys = [_num(r.get(value.key)) for r in rows]
    if not rows or all(y is None or y == 0 for y in ys):
        return None  # nothing to draw: an empty chart says less than the table
    error = _error_bars(table, value, rows, ys)
    fig = go.Figure(go.Bar(x=[labels.capitalise(label(r.get(key), key)) for r in rows], y=ys,
                           error_y=error, marker={"color": PALETTE[0]}))
    title = f"{table_title(table.key, table, section)}: {column_label(value.key, table.key)}"
    fig.update_layout(**_layout(title, yaxis={"title": {
        "text": column_label(value.key, table.key)}}))
    return _figure(fig, title)


def _error_bars(table: Table, value, rows: list[dict], ys: list) -> dict | None:
    """Error bars only from the interval worked out for `value` itself: a rate with columns
    "ci_low" and "ci_high" holding it in every row (a percent's table may carry another
    measure's interval, such as the representation ratio's)."""
    keys = {c.key: c.kind for c in table.columns}
    if value.kind != t.RATE or keys.get("ci_low") != t.CI_LOW \
            or keys.get("ci_high") != t.CI_HIGH:
        return None
    lows = [_num(r.get("ci_low")) for r in rows]
    highs = [_num(r.get("ci_high")) for r in rows]
    for y, lo, hi in zip(ys, lows, highs, strict=True):
        if y is not None and ((lo is not None and lo > y) or (hi is not None and hi < y)):
            return None
    return {"type": "data", "symmetric": False, "color": "#0b0c0c",
            "array": [hi - y if y is not None and hi is not None else None
                      for y, hi in zip(ys, highs, strict=True)],
            "arrayminus": [y - lo if y is not None and lo is not None else None
                           for y, lo in zip(ys, lows, strict=True)]}


def priority_matrix(result: dict) -> dict | None:
    """Harm level against likelihood (MoRiLE-style), each category a labelled point."""
    ranking = result.get("ranking") or []
    if not ranking:
        return None
    fig = go.Figure(go.Scatter(
        x=[r.get("likelihood") for r in ranking], y=[r.get("harm_level") for r in ranking],
        mode="markers+text", text=[str(r.get("rank", "")) for r in ranking],
        hovertext=[f"{r.get('rank', '')}. {labels.category(r.get('category'))}"
                   for r in ranking],
        hoverinfo="text", textposition="top center", cliponaxis=False,
        marker={"size": 14, "color": PALETTE[1]}))
    fig.update_layout(**_layout(
        _("Harm and likelihood"),
        xaxis={"title": {"text": _("Likelihood (volume and trend)")}, "range": [0.5, 5.5],
               "dtick": 1},
        yaxis={"title": {"text": _("Harm")}, "range": [0.5, 5.5], "dtick": 1},
        shapes=[{"type": "rect", "x0": 3, "x1": 5.5, "y0": 3, "y1": 5.5,
                 "fillcolor": "#f4cccc", "opacity": 0.4, "line": {"width": 0},
                 "layer": "below"}]))
    return _figure(fig, _("Harm and likelihood"))


SPECIAL = {
    ("volumes", "by_category"): volumes_by_category,
    ("volumes", "monthly"): monthly,
    ("places", "funnel_points"): funnel,
    ("places", "funnel_curve"): lambda table, whole: None,
    ("time", "day_hour"): day_hour,
    ("time", "by_month_of_year"): seasonality,
    ("quality", "evaluability"): lambda table, whole: None,
    ("quality", "coverage"): lambda table, whole: None,
}
