"""`{{ figure|chart_data }}`: a chart's figure as JSON for its element's data-chart-data.

In an attribute (escaped by the template), not a script element: htmx drops script elements
from the parts of a page it swaps in, so a redrawn chart would have no figure."""

import json

from django import template

register = template.Library()


@register.filter
def chart_data(figure) -> str:
    return json.dumps(figure, separators=(",", ":"))
