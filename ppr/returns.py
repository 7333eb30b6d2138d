"""Sending a user back where they came from: a ``next`` address, kept only when it is a path on
this site (Django's ``url_has_allowed_host_and_scheme``), so a link can never lead elsewhere."""

from urllib.parse import urlencode

from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme

NEXT = "next"


def safe_next(request: HttpRequest) -> str:
    """The posted or linked ``next`` address if it stays on this site, else ""."""
    target = request.POST.get(NEXT) or request.GET.get(NEXT) or ""
    # Only a local path: no scheme or host, so "//evil.example" and "https://…" are refused.
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return ""


def with_next(url: str, back_to: str) -> str:
    """``url`` with a ``next`` parameter that returns to ``back_to``."""
    return f"{url}?{urlencode({NEXT: back_to})}" if back_to else url
