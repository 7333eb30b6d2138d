"""Form widgets that stay fast on long option lists.

Django renders each ``<option>`` of a ``Select`` through its own template include; with a few
hundred users or institutions that alone costs tens of milliseconds per page. ``PlainSelect``
builds the same markup in Python (bench/pages.py measured it on the audit log's user filter),
escaped with Django's ``escape``.
"""

from typing import Any

from django import forms
from django.forms.utils import flatatt
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe


class PlainSelect(forms.Select):
    """A single-choice select rendered without a template per option (no optgroups)."""

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> str:
        final_attrs = self.build_attrs(self.attrs, {**(attrs or {}), "name": name})
        values = value if isinstance(value, list | tuple) else [value]
        selected = {str(v) for v in values if v is not None}
        options = []
        for option, label in self.choices:
            flag = " selected" if str(option) in selected else ""
            options.append(f'<option value="{escape(option)}"{flag}>{escape(label)}</option>')
        return format_html(
            "<select{}>{}</select>", flatatt(final_attrs), mark_safe("".join(options))
        )
