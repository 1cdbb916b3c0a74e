"""Template filters for ingest's keys: `{{ key|category_label }}`, `{{ key|field_label }}`."""

from django import template

from ingest import labels

register = template.Library()


@register.filter
def category_label(key) -> str:
    """An offence category key as words; any other key (a data.police.uk crime type, an
    ICD-10 code) as it is."""
    return labels.category(key)


@register.filter
def field_label(key) -> str:
    return labels.field(key)
