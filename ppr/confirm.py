"""Destructive or sending actions: the confirmation page for browsers without JavaScript, and
the short window in which some of them can be undone ("Fortryd").

With JavaScript the same confirmation is a DKFDS modal (templates/includes/confirm.html); the
action's URL answers GET with this page and POST with the action itself.
"""

from datetime import datetime, timedelta

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

#: How long a cancelled meeting or a withdrawn consent can be restored by "Fortryd".
UNDO_WINDOW = timedelta(minutes=5)


def can_still_undo(done_at: datetime | None) -> bool:
    """Whether an action done at ``done_at`` is still within its undo window."""
    return done_at is not None and timezone.now() - done_at <= UNDO_WINDOW


def confirmation_page(
    request: HttpRequest, *, title: str, text: str, confirm_label: str, back: str
) -> HttpResponse:
    """The second page that asks before the action: it says what will happen and POSTs back."""
    context = {
        "title": title,
        "text": text,
        "confirm_label": confirm_label,
        "action": request.path,
        "back": back,
    }
    return render(request, "includes/confirm_page.html", context)
