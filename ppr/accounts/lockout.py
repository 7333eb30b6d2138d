"""How django-axes finds the attempted login name in allauth's login form."""

from typing import Any

from django.http import HttpRequest


def attempted_login(request: HttpRequest, credentials: dict[str, Any] | None) -> str | None:
    credentials = credentials or {}
    value = credentials.get("email") or credentials.get("login") or credentials.get("username")
    if not value and request is not None and request.method == "POST":
        value = request.POST.get("login")
    return str(value).strip().lower() if value else None
