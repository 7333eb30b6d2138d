"""Pages of parents' involvement. The parent's side (under /foraeldre/): the parents'
perspective in an institution's draft (that section only) and the parents' own referral; the
leader's side: inviting the custody holders from the draft (parents/staff_urls.py)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from cases.models import Referral, ReferralStatus
from ppr.access import get_audited_or_404
from ppr.forms import apply_service_errors
from ppr.http import AuthenticatedHttpRequest, posted

from . import involvement
from .access import guardianships, parent_required
from .involvement_forms import ParentReferralForm, PerspectiveForm
from .models import PerspectiveInvitation

AUTOSAVE_FRAGMENT = "includes/autosave_status.html"


def _invitations(request: AuthenticatedHttpRequest):
    """The parent's invitations: only through their own custody (else 404)."""
    return PerspectiveInvitation.objects.filter(
        guardian__in=guardianships(request.user)
    ).select_related("referral__child", "referral__institution", "guardian")


def _conflict_message(conflict: involvement.PerspectiveConflict) -> str:
    when = f" kl. {timezone.localtime(conflict.saved_at):%H:%M}" if conflict.saved_at else ""
    return (
        f"Teksten er blevet gemt i et andet vindue{when}, efter du åbnede den. Dine ændringer "
        "her er ikke gemt, så intet bliver overskrevet. Kopiér din tekst, genindlæs siden og "
        "indsæt den igen."
    )


@require_http_methods(["GET", "POST"])
@parent_required
def perspective(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Forældrenes perspektiv: the one section of the institution's draft the parent writes."""
    if request.method == "GET":
        invitation = get_audited_or_404(
            request, _invitations(request), purpose=involvement.PURPOSE, pk=pk
        )
    else:
        invitation = get_object_or_404(_invitations(request), pk=pk)
    read_only = invitation.referral.status != ReferralStatus.DRAFT
    form = PerspectiveForm(
        posted(request), initial={"text": invitation.text, "version": invitation.version}
    )
    status = 200
    if request.method == "POST":
        if read_only:
            messages.info(request, involvement.READ_ONLY)
            return redirect(invitation.get_absolute_url())
        if form.is_valid():
            sending = request.POST.get("action") == "send"
            try:
                involvement.save_perspective(
                    invitation,
                    by=request.user,
                    text=form.cleaned_data["text"],
                    version=form.cleaned_data["version"],
                    send=sending,
                )
            except involvement.PerspectiveConflict as conflict:
                form.add_error(None, _conflict_message(conflict))
                status = 409
            except ValidationError as error:
                apply_service_errors(form, error)
                status = 400
            else:
                messages.success(
                    request,
                    f"Forældrenes perspektiv er sendt til {invitation.referral.institution}."
                    if sending
                    else "Teksten er gemt. Den er ikke sendt endnu.",
                )
                return redirect(invitation.get_absolute_url())
        else:
            status = 400
    context = {
        "invitation": invitation,
        "referral": invitation.referral,
        "child": invitation.referral.child,
        "form": form,
        "read_only": read_only,
    }
    return render(request, "parents/perspective.html", context, status=status)


@require_POST
@parent_required
def perspective_autosave(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Autosave while the parent types: the "Gemt kl. HH:MM" status fragment."""
    invitation = get_object_or_404(_invitations(request), pk=pk)
    form = PerspectiveForm(request.POST)
    if not form.is_valid():
        return render(request, AUTOSAVE_FRAGMENT, {"state": "invalid", "form": form})
    try:
        invitation = involvement.save_perspective(
            invitation,
            by=request.user,
            text=form.cleaned_data["text"],
            version=form.cleaned_data["version"],
        )
    except involvement.PerspectiveConflict as conflict:
        return render(
            request,
            AUTOSAVE_FRAGMENT,
            {"state": "conflict", "message": _conflict_message(conflict)},
        )
    except ValidationError as error:
        return render(request, AUTOSAVE_FRAGMENT, {"state": "final", "message": error.messages[0]})
    return render(
        request,
        AUTOSAVE_FRAGMENT,
        {
            "state": "saved",
            "saved_at": invitation.saved_at,
            "version": invitation.version,
            "version_ids": ["id_version"],
        },
    )


@require_http_methods(["GET", "POST"])
@parent_required
def own_referral(request: AuthenticatedHttpRequest, child_pk: int) -> HttpResponse:
    """Forældreindstilling: the parent refers their own child to PPR."""
    guardian = get_object_or_404(
        guardianships(request.user).select_related("child"), child_id=child_pk
    )
    form = ParentReferralForm(posted(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            referral = involvement.submit_parent_referral(
                guardian=guardian,
                by=request.user,
                concern=data["concern"],
                strengths=data["strengths"],
                child_perspective=data["child_perspective"],
                earlier_interventions=data["earlier_interventions"],
                requests=data["requests"],
                request_details=data["request_details"].strip(),
                client_token=data["client_token"],
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(
                request,
                f"Indstillingen er sendt til PPR (nr. {referral.pk}). PPR kontakter jer, når "
                "den er behandlet.",
            )
            return redirect("parents:home")
    context = {
        "child": guardian.child,
        "form": form,
        "consent_text": involvement.CONSENT_TEXT,
    }
    return render(request, "parents/own_referral.html", context, status=400 if form.errors else 200)


# --- The leader's side ---------------------------------------------------------------------


@login_required
@require_POST
def invite(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The institution's leader invites the custody holders to write the parents' perspective."""
    referral = get_object_or_404(Referral.objects.visible_to(request.user), pk=pk)
    if not request.user.has_perm("parents.invite_parents", referral):
        raise PermissionDenied
    try:
        outcome = involvement.invite_custody_holders(referral, by=request.user)
    except ValidationError as error:
        messages.info(request, error.messages[0])
        return redirect(referral)
    if outcome.invited:
        names = ", ".join(invitation.guardian.name for invitation in outcome.invited)
        messages.success(
            request,
            f"Invitationen er sendt til {names}. Forældre, der har logget ind med MitID, får "
            "besked nu; de andre ser opgaven, når de logger ind.",
        )
    else:
        messages.info(request, "Alle forældre med forældremyndighed er allerede inviteret.")
    for guardian in outcome.without_cpr:
        messages.warning(
            request,
            f"{guardian.name} kan ikke inviteres: forælderens CPR-nummer er ikke registreret på "
            "barnets side.",
        )
    return redirect("cases:referral-update", pk=referral.pk)
