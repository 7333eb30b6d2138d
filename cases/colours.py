"""The Børnelineal colour badge for tables, rendered by the same include as every template."""

from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe


def colour_badge(colour: str, label: str = "", empty: str = "–") -> SafeString:
    """The colour as a coloured badge with its name as text (includes/colour_badge.html)."""
    html = render_to_string(
        "includes/colour_badge.html", {"colour": colour, "label": label, "empty": empty}
    )
    # render_to_string escapes every value; the result is the include's own HTML.
    return mark_safe(html.strip())
