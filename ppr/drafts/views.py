"""The autosave answer shared by every form whose draft is a ``FormDraft``: the caller has
found the record (scoped by ``visible_to``) and checked the permission; this stores the posted
fields of ``form`` and answers with the "Gemt kl. HH:MM" status fragment that static/js/ppr.js
reads (``data-autosave-state``)."""

from django import forms
from django.db import models
from django.http import HttpResponse
from django.shortcuts import render

from ppr.http import AuthenticatedHttpRequest

from . import services

FRAGMENT = "includes/autosave_status.html"


def autosave(
    request: AuthenticatedHttpRequest,
    *,
    purpose: str,
    subject: models.Model,
    form: forms.BaseForm,
    audit_purpose: str,
) -> HttpResponse:
    try:
        values = services.form_values(form, request.POST)
    except services.TooLarge:
        return render(request, FRAGMENT, {"state": "invalid"})
    draft = services.store(
        request, purpose=purpose, subject=subject, values=values, audit_purpose=audit_purpose
    )
    return render(request, FRAGMENT, {"state": "saved", "saved_at": draft.updated_at})


def done(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The record was saved meanwhile (a late autosave after the submit): nothing to keep."""
    return render(request, FRAGMENT, {"state": "done"})
