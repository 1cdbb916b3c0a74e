"""Parsers registered by source key, with the columns each needs.

The upload service looks a source up here to check headings before parsing, so a wrong
choice of source is reported as missing columns. Keys are the same as ingest/sources.py,
which owns everything Django-side about a source (label for forms, open data or shared
under an agreement, publisher, licence); this registry owns only the pure parsing.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pandas as pd

from . import police_uk_street
from .columns import missing_columns


@dataclass(frozen=True)
class ParserSpec:
    key: str
    label: str
    required_columns: tuple[str, ...]
    optional_columns: tuple[str, ...]
    parse: Callable[..., Any]  # (frame: DataFrame of strings, **options) -> a parse result

    def missing_columns(self, frame: pd.DataFrame) -> list[str]:
        return missing_columns(frame.columns, self.required_columns)


_REGISTRY: dict[str, ParserSpec] = {}


def register(spec: ParserSpec) -> ParserSpec:
    if spec.key in _REGISTRY:
        raise ValueError(f"parser {spec.key!r} is already registered")
    _REGISTRY[spec.key] = spec
    return spec


def get_parser(key: str) -> ParserSpec:
    try:
        return _REGISTRY[key]
    except KeyError:
        raise KeyError(
            f"no parser for source {key!r}; known: {', '.join(sorted(_REGISTRY))}"
        ) from None


def source_keys() -> list[str]:
    return sorted(_REGISTRY)


register(
    ParserSpec(
        key=police_uk_street.SOURCE_KEY,
        label="data.police.uk street-level crime (monthly file)",
        required_columns=police_uk_street.REQUIRED_COLUMNS,
        optional_columns=police_uk_street.OPTIONAL_COLUMNS,
        parse=police_uk_street.parse,
    )
)
