"""Template filters of the documents app."""

from typing import Any

from django import template

from ppr.documents import services

register = template.Library()


@register.filter
def may_list_documents(user: Any) -> bool:
    """Whether the "Dokumenter" menu item is for ``user``."""
    return services.may_list_documents(user)
