"""The case page's "Beskeder med forældre" box (the cases app's template loads it by name, so
cases imports nothing of this app)."""

from typing import Any

from django import template

from messaging import services
from messaging.models import Thread

register = template.Library()


@register.inclusion_tag("messaging/_case_box.html", takes_context=True)
def case_messages(context: dict[str, Any], case: Any) -> dict[str, Any]:
    """The number of threads and unread messages on the case, with the way to them (one
    query)."""
    user = context["request"].user
    threads = Thread.objects.visible_to(user).filter(case=case)
    return {
        "case": case,
        "unread": services.unread_count(threads, user),
    }
