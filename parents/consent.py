"""Digital consent in the parents' portal: a custody holder gives and withdraws their own consent.

A consent given here is an ordinary ``Consent`` (staff see it with the others on the child's
page) with the form "Digitalt via MitID", the moment it was recorded and the exact text the parent
read and accepted. The text is made on the server from the purpose and the child; the page sends
back its digest, so a text that changed between reading and accepting is refused, never stored
unseen. Withdrawing is the staff's service: the consent stays on record with the day it was
withdrawn and can be restored within the same few minutes ("Fortryd").
"""

import hashlib

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from cases.children import services as child_services
from cases.children.forms import named_meeting_choices
from cases.models import Child, Consent, ConsentForm, ConsentScope, Guardian
from ppr.access import audit, refuse_if_restricted
from ppr.accounts.models import User
from ppr.forms import Form
from ppr.http import AuthenticatedHttpRequest

from .access import parent_required
from .child_data import PURPOSE, guardianship_or_404

#: The purposes a parent can consent to in the portal, in the order the page offers them.
PORTAL_SCOPES = [ConsentScope.REFERRAL, ConsentScope.MEETING, ConsentScope.COURSE]


def consent_text(scope: str, child: Child, meeting_name: str = "") -> str:
    """The text the parent reads and accepts; stored with the consent word for word."""
    name = child.name
    if scope == ConsentScope.REFERRAL:
        body = (
            f"Jeg giver samtykke til, at {name} indstilles til PPR (Pædagogisk Psykologisk "
            f"Rådgivning), og at PPR og {child.institution.name} udveksler de oplysninger om "
            f"{name}, som er nødvendige for at vurdere og hjælpe."
        )
    elif scope == ConsentScope.MEETING:
        body = (
            f"Jeg giver samtykke til, at {name} må nævnes ved navn og drøftes på mødet "
            f"“{meeting_name}”, og at deltagerne må udveksle de oplysninger om {name}, som er "
            "nødvendige for drøftelsen."
        )
    elif scope == ConsentScope.COURSE:
        body = (
            f"Jeg giver samtykke til, at {name} må deltage i et forløb hos PPR (fx et "
            f"gruppeforløb), og at de oplysninger om {name}, som forløbet kræver, deles med "
            "forløbets ledere."
        )
    else:
        raise ValueError(scope)
    return (
        f"{body} Samtykket gælder, indtil jeg trækker det tilbage. Jeg kan til enhver tid "
        "trække det tilbage her i forældreportalen eller ved at kontakte PPR."
    )


def digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


@transaction.atomic
def give_consent(
    *, guardian: Guardian, scope: str, meeting_name: str, text: str, by: User
) -> Consent:
    """Record a custody holder's own consent, given digitally with MitID, with the text shown.
    Twice is once: an active consent to the same purpose is returned as it is."""
    Guardian.objects.select_for_update().filter(pk=guardian.pk).first()  # one at a time
    refuse_if_restricted(guardian.child_id)
    name = meeting_name.strip() if scope == ConsentScope.MEETING else ""
    existing = Consent.objects.filter(
        guardian=guardian, scope=scope, withdrawn_on__isnull=True, meeting_name__iexact=name
    ).first()
    if existing is not None:
        return existing
    return child_services.record_consent(
        guardian=guardian,
        by=by,
        scope=scope,
        given_on=timezone.localdate(),
        form=ConsentForm.DIGITAL,
        meeting_name=name,
        text=text,
    )


class GiveConsentForm(Form):
    """Accepting the text shown: the purpose, the meeting (for a named meeting), the digest."""

    scope = forms.ChoiceField(
        choices=[(s.value, s.label) for s in PORTAL_SCOPES], widget=forms.HiddenInput
    )
    meeting_name = forms.CharField(required=False, widget=forms.HiddenInput)
    text_digest = forms.CharField(widget=forms.HiddenInput)
    accept = forms.BooleanField(
        label="Jeg har læst teksten og giver mit samtykke",
        error_messages={"required": "Sæt flueben, hvis du vil give samtykket."},
        widget=forms.CheckboxInput(attrs={"class": "form-checkbox"}),
    )


def _meeting_names(child: Child) -> list[str]:
    return [value for _group, options in named_meeting_choices(child) for value, _ in options]


def _purpose(request: AuthenticatedHttpRequest, guardian: Guardian) -> tuple[str, str] | None:
    """The purpose chosen on the page (``formaal`` and, for a meeting, ``moede``), if valid."""
    source = request.POST if request.method == "POST" else request.GET
    scope = source.get("formaal" if request.method == "GET" else "scope", "")
    meeting = source.get("moede" if request.method == "GET" else "meeting_name", "").strip()
    if scope not in PORTAL_SCOPES:
        return None
    if scope == ConsentScope.MEETING:
        if meeting not in _meeting_names(guardian.child):
            return None
        return scope, meeting
    return scope, ""


@require_http_methods(["GET", "POST"])
@parent_required
def consent_give(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Giv samtykke: choose the purpose, read the text, accept it."""
    guardian = guardianship_or_404(request, pk)
    child = guardian.child
    chosen = _purpose(request, guardian)
    if request.method == "GET":
        audit(request, child, purpose=f"{PURPOSE}: samtykke")
    context: dict[str, object] = {
        "guardian": guardian,
        "child": child,
        "meeting_choices": named_meeting_choices(child),
        "scopes": ConsentScope,
    }
    if chosen is None:
        if request.method == "POST":
            raise Http404
        context["chosen_meeting"] = request.GET.get("moede", "")
        context["invalid_meeting"] = request.GET.get("formaal") == ConsentScope.MEETING
        return render(request, "parents/child_consent.html", context)
    scope, meeting = chosen
    text = consent_text(scope, child, meeting)
    initial = {"scope": scope, "meeting_name": meeting, "text_digest": digest(text)}
    form = GiveConsentForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        if form.cleaned_data["text_digest"] != digest(text):
            form.add_error(
                None,
                "Teksten er blevet ændret, siden du læste den. Læs den igen, før du giver samtykke.",
            )
        else:
            try:
                give_consent(
                    guardian=guardian, scope=scope, meeting_name=meeting, text=text, by=request.user
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, "Tak. Dit samtykke er registreret.")
                return redirect(reverse("parents:child", kwargs={"pk": guardian.pk}) + "#samtykker")
    context.update(
        {
            "form": form,
            "scope": scope,
            "scope_label": ConsentScope(scope).label,
            "meeting": meeting,
            "text": text,
        }
    )
    return render(
        request, "parents/child_consent_confirm.html", context, status=400 if form.errors else 200
    )


def _own_consent(request: AuthenticatedHttpRequest, pk: int, consent: int) -> Consent:
    """One of this guardianship's own consents, or 404."""
    guardian = guardianship_or_404(request, pk)
    return get_object_or_404(
        Consent.objects.filter(guardian=guardian).select_related("guardian__child"), pk=consent
    )


@require_http_methods(["GET", "POST"])
@parent_required
def consent_withdraw(request: AuthenticatedHttpRequest, pk: int, consent: int) -> HttpResponse:
    """Træk samtykke tilbage: GET asks first, POST withdraws (kept on record, undoable)."""
    found = _own_consent(request, pk, consent)
    back = reverse("parents:child", kwargs={"pk": pk}) + "#samtykker"
    if request.method == "GET":
        context = {
            "consent": found,
            "child": found.guardian.child,
            "guardian": found.guardian,
            "back": back,
        }
        return render(request, "parents/child_consent_withdraw.html", context)
    child_services.withdraw_consent(consent=found, by=request.user)
    messages.success(
        request,
        "Dit samtykke er trukket tilbage. Du kan fortryde det de næste minutter ved samtykket.",
    )
    return redirect(back)


@require_POST
@parent_required
def consent_undo(request: AuthenticatedHttpRequest, pk: int, consent: int) -> HttpResponse:
    """Fortryd: restore a consent the parent withdrew a few minutes ago."""
    found = _own_consent(request, pk, consent)
    try:
        child_services.undo_withdraw_consent(consent=found, by=request.user)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, "Dit samtykke gælder igen.")
    return redirect(reverse("parents:child", kwargs={"pk": pk}) + "#samtykker")
