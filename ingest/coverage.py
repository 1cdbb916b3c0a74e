"""Data coverage: which quarters each organisation has supplied for each source."""

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext as _

from partners.models import Partnership

from . import labels, sources
from .models import Extract
from .selectors import agreements_of, extracts_of


@dataclass(frozen=True)
class Quarter:
    fy: int  # 2023 means 2023/24
    number: int  # 1 = April to June

    @property
    def start(self) -> date:
        month = 4 + 3 * (self.number - 1)
        return date(self.fy + (month > 12), (month - 1) % 12 + 1, 1)

    @property
    def end(self) -> date:
        following = Quarter(self.fy + (self.number == 4), self.number % 4 + 1).start
        return date.fromordinal(following.toordinal() - 1)

    @property
    def label(self) -> str:
        return f"{self.fy}/{(self.fy + 1) % 100:02d} Q{self.number}"


def financial_year(day: date) -> int:
    return day.year if day.month >= 4 else day.year - 1


def quarters(last_fy: int, years: int) -> list[Quarter]:
    return [Quarter(fy, n) for fy in range(last_fy - years + 1, last_fy + 1) for n in (1, 2, 3, 4)]


def coverage(partnership: Partnership, *, last_fy: int, years: int = 3) -> dict:
    """Rows (organisation, source) × quarters: 'loaded', 'superseded' or 'missing'."""
    columns = quarters(last_fy, years)
    expected = {(a.organisation.name, key) for a in agreements_of(partnership)
                for key in a.sources}
    loaded: dict[tuple[str, str], set[date]] = defaultdict(set)
    replaced: dict[tuple[str, str], set[date]] = defaultdict(set)
    quality: dict[str, Counter] = defaultdict(Counter)
    for extract in extracts_of(partnership).filter(
            status__in=[Extract.Status.LOADED, Extract.Status.SUPERSEDED],
            period_start__isnull=False):
        row = (extract.organisation.name if extract.organisation else extract.publisher,
               extract.source)
        expected.add(row)
        if extract.status == Extract.Status.LOADED:
            _add_quality(quality[extract.source], extract)
        spec = sources.SOURCES.get(extract.source)
        if spec is not None and spec.reference:
            expected.discard(row)  # yearly reference data: not shared by quarter
            continue
        target = loaded if extract.status == Extract.Status.LOADED else replaced
        target[row].update(months(extract.period_start, extract.period_end))
    rows = [{"organisation": org, "source_key": key,
             "source": sources.SOURCES[key].label if key in sources.SOURCES
             else key, "cells": [_state(q, loaded[(org, key)], replaced[(org, key)])
                                 for q in columns]}
            for org, key in sorted(expected)]
    return {"quarters": columns, "rows": rows,
            "quality": {sources.SOURCES[k].label: dict(v) for k, v in quality.items()}}


def months(start: date, end: date) -> list[date]:
    found, day = [], date(start.year, start.month, 1)
    while day <= end:
        found.append(day)
        day = date(day.year + (day.month == 12), day.month % 12 + 1, 1)
    return found


def _state(quarter: Quarter, loaded: set[date], replaced: set[date]) -> str:
    """'loaded' (all three months), 'partial', 'superseded' (only older data) or 'missing'."""
    wanted = set(months(quarter.start, quarter.end))
    have = wanted & loaded
    if have == wanted:
        return "loaded"
    if have:
        return "partial"
    return "superseded" if wanted & replaced else "missing"


def _add_quality(counter: Counter, extract: Extract) -> None:
    # Labels in the reader's language: the counter is made for one page.
    counter[_("Rows loaded")] += extract.rows_loaded
    counter[_("Not placed in an area")] += extract.unplaced
    for reason, n in (extract.report.get("unplaced_by_reason") or {}).items():
        counter[_("Not placed: %(reason)s") % {"reason": reason}] += n
    for vintage, n in (extract.report.get("by_lsoa_vintage") or {}).items():
        counter[_("Placed with LSOA %(vintage)s codes") % {"vintage": vintage}] += n
    for field, n in (extract.report.get("missing") or {}).items():
        counter[_("Missing: %(field)s") % {"field": labels.field(field)}] += n
