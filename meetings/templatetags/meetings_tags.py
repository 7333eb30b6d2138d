"""Template filters for the meetings navigation: which parts of the app a user has."""

from typing import Any

from django import template

from ppr.accounts.models import Role

register = template.Library()


@register.filter
def meeting_user(user: Any) -> bool:
    """Works with children (any role but administrator and parent): sees the meeting pages."""
    return bool(getattr(user, "is_authenticated", False)) and bool(
        user.roles - {Role.ADMINISTRATOR, Role.PARENT}
    )


@register.filter
def tuesday_user(user: Any) -> bool:
    """Takes part in or plans the tværfaglige tirsdagsmøder."""
    return bool(getattr(user, "is_authenticated", False)) and (
        user.is_ppr_staff or user.has_role(Role.SOCIAL_WORKER, Role.HEALTH_VISITOR)
    )
