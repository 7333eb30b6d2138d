"""The child's page for institutions (and PPR): register a child, guardians, consent, CPR reveal."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cases.models import (
    Child,
    Consent,
    Guardian,
    Referral,
    check_plausible_child,
    mask_cpr,
    normalise_cpr,
    reads_observations,
)
from cases.referrals.forms import ParentRequestStartForm
from ppr.access import audit, get_audited_or_404
from ppr.audit.models import AuditAction
from ppr.audit.services import record
from ppr.confirm import confirmation_page
from ppr.cpr.lookup import CprServiceDown, PersonNotFound
from ppr.http import AuthenticatedHttpRequest, posted
from ppr.returns import safe_next, with_next

from . import cpr, services
from .forms import ChildForm, ConsentRecordForm, GuardianForm

PURPOSE = "barnets oplysninger"


def _children(request: AuthenticatedHttpRequest):
    return Child.objects.visible_to(request.user)


CPR_LOOKUP_PURPOSE = "CPR-opslag ved registrering af barn"


def _child_form(request: AuthenticatedHttpRequest, data=None, initial=None) -> ChildForm:
    user = request.user
    if not user.has_perm("cases.register_child"):
        raise PermissionDenied
    lookup_url = reverse("cases:child-cpr-lookup") if cpr.lookup_enabled() else ""
    return ChildForm(
        data,
        initial=initial,
        institutions=services.registrable_institutions(user),
        lookup_url=lookup_url,
    )


def _form_context(form: ChildForm, **extra: object) -> dict:
    return {
        "form": form,
        "existing_url": None,
        "lookup_enabled": cpr.lookup_enabled(),
        "crumbs": [("Registrér barn", None)],
        **extra,
    }


@login_required
@require_http_methods(["GET", "POST"])
def child_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Register a child. An exact duplicate CPR number is refused, pointing to the existing child.
    With "from CPR" ticked, the custody holders the CPR register names are created too; if the
    register cannot answer now, the child is registered all the same and the leader is told."""
    user = request.user
    form = _child_form(request, posted(request))
    existing_url = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        findings = None
        cpr_failed = False
        if data.get("from_cpr") and cpr.lookup_enabled():
            try:
                findings = cpr.look_up(data["cpr"])
            except (CprServiceDown, PersonNotFound):
                cpr_failed = True
        try:
            with transaction.atomic():
                child = services.register_child(
                    by=user,
                    cpr=data["cpr"],
                    first_name=data["first_name"],
                    last_name=data["last_name"],
                    institution=data["institution"],
                    group=data["group"],
                )
                created = cpr.add_custody_holders(child, findings, by=user) if findings else []
        except services.DuplicateChild as duplicate:
            # Finding out that a CPR number is known is a lookup of a child: it is logged.
            record(
                request,
                AuditAction.SEARCH,
                term=mask_cpr(data["cpr"]),
                child_id=duplicate.existing.pk,
                purpose="registrering af barn (dublet)",
            )
            form.add_error("cpr", duplicate)
            if _children(request).filter(pk=duplicate.existing.pk).exists():
                existing_url = reverse("cases:child-detail", kwargs={"pk": duplicate.existing.pk})
        else:
            if created:
                names = ", ".join(guardian.name for guardian in created)
                messages.success(
                    request,
                    f"{child.name} er registreret med forældremyndighedsindehaverne fra "
                    f"CPR-registret ({names}). Registrér deres samtykke herunder, før I starter "
                    "en indstilling.",
                )
            else:
                messages.success(
                    request,
                    f"{child.name} er registreret. Tilføj forældrene og deres samtykke herunder, "
                    "før I starter en indstilling.",
                )
            if cpr_failed:
                messages.warning(
                    request,
                    "Forældrene kunne ikke hentes fra CPR-registret lige nu. Tilføj dem selv "
                    "herunder.",
                )
            return redirect("cases:child-detail", pk=child.pk)
    context = _form_context(form, existing_url=existing_url)
    return render(request, "cases/child_form.html", context, status=400 if form.errors else 200)


def _lookup(request: AuthenticatedHttpRequest, number: str) -> dict:
    """What the register says about the CPR number, for the form: the state, a Danish message,
    and the findings when found. The lookup is audited without the number."""
    try:
        findings = cpr.look_up(number)
    except PersonNotFound:
        return {"state": "not_found", "message": cpr.NOT_FOUND}
    except CprServiceDown:
        return {"state": "down", "message": cpr.SERVICE_DOWN if cpr.lookup_enabled() else cpr.OFF}
    finally:
        if cpr.lookup_enabled():
            record(request, AuditAction.SEARCH, purpose=CPR_LOOKUP_PURPOSE)
    if findings.child.deceased:
        return {"state": "deceased", "message": cpr.DECEASED}
    return {"state": "found", "findings": findings}


def _lookup_result(request: AuthenticatedHttpRequest, values: dict) -> dict:
    """Check the typed number, look it up, and put the register's name into ``values``."""
    try:
        number = normalise_cpr(str(values.get("cpr") or ""))
        check_plausible_child(number)
    except ValidationError as exc:
        return {"state": "invalid", "message": exc.messages[0]}
    result = _lookup(request, number)
    if result["state"] == "found":
        findings = result["findings"]
        values["first_name"] = findings.child.first_name[:100]
        values["last_name"] = findings.child.last_name[:100]
        values["from_cpr"] = bool(findings.holders)
    return result


@login_required
@require_POST
def child_cpr_lookup(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Look the typed CPR number up in the CPR register (POST only: the number is in no URL) and
    fill in the registration form: the name from the register, the custody holders to confirm.
    Whatever the register answers, what the leader typed stays in the form."""
    posted_form = _child_form(request, request.POST)
    values = {name: posted_form[name].value() for name in posted_form.fields}
    values["from_cpr"] = False
    lookup = _lookup_result(request, values)
    form = _child_form(request, initial=values)
    context = _form_context(form, lookup=lookup)
    status = 400 if lookup["state"] == "invalid" and not request.htmx else 200
    if request.htmx:
        return render(request, "cases/child_form.html#lookup", context, status=status)
    return render(request, "cases/child_form.html", context, status=status)


def _detail_context(request: AuthenticatedHttpRequest, child: Child) -> dict:
    user = request.user
    guardians = child.guardians.prefetch_related(
        Prefetch("consents", queryset=Consent.objects.select_related("recorded_by"))
    )
    referrals = (
        Referral.objects.visible_to(user).filter(child=child).select_related("institution")
    ).order_by("-created_at")
    can_draft = user.has_perm("cases.draft_referral_for", child)
    is_intake = user.has_perm("cases.record_parent_request")
    return {
        "child": child,
        "guardians": guardians,
        "referrals": referrals,
        "can_edit": user.has_perm("cases.edit_child", child),
        "reads_observations": reads_observations(user),
        "can_draft": can_draft,
        "parent_request_form": ParentRequestStartForm() if can_draft and is_intake else None,
        "crumbs": [(child.name, None)],
    }


@login_required
@require_GET
def child_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The child: masked CPR, guardians with their consents, and the child's referrals."""
    child = get_audited_or_404(
        request, _children(request).select_related("institution"), purpose=PURPOSE, pk=pk
    )
    return render(request, "cases/child_detail.html", _detail_context(request, child))


@login_required
@require_POST
def child_reveal_cpr(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Show the full CPR number on request; the reveal itself is the audited read."""
    child = get_audited_or_404(
        request,
        _children(request).select_related("institution"),
        purpose="fuldt CPR-nummer vist",
        action=AuditAction.REVEAL_CPR,
        pk=pk,
    )
    if request.htmx:
        return render(request, "cases/child_detail.html#cpr", {"child": child, "revealed": True})
    context = _detail_context(request, child) | {"revealed": True}
    return render(request, "cases/child_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def guardian_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Add a parent or other adult to the child."""
    queryset = _children(request).select_related("institution")
    if request.method == "GET":
        child = get_audited_or_404(request, queryset, purpose=PURPOSE, pk=pk)
    else:
        child = get_object_or_404(queryset, pk=pk)
    if not request.user.has_perm("cases.edit_child", child):
        raise PermissionDenied
    form = GuardianForm(posted(request))
    back = safe_next(request)
    if request.method == "POST" and form.is_valid():
        try:
            guardian = services.add_guardian(child=child, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            if back and guardian.has_custody:
                # On the way from a referral draft: the consent is the next step, then back.
                messages.success(request, "Forælderen er tilføjet. Registrér samtykket nu.")
                consent_url = reverse("cases:consent-create", kwargs={"pk": guardian.pk})
                return redirect(with_next(consent_url, back))
            messages.success(request, "Forælderen er tilføjet. Registrér samtykket herunder.")
            return redirect(
                back or reverse("cases:child-detail", kwargs={"pk": child.pk}) + "#foraeldre"
            )
    context = {
        "child": child,
        "back": back,
        "form": form,
        "crumbs": [
            (child.name, reverse("cases:child-detail", kwargs={"pk": child.pk})),
            ("Tilføj forælder", None),
        ],
    }
    return render(
        request, "cases/child_guardian_form.html", context, status=400 if form.errors else 200
    )


def _guardians(request: AuthenticatedHttpRequest):
    return Guardian.objects.filter(child__in=_children(request)).select_related(
        "child__institution"
    )


@login_required
@require_http_methods(["GET", "POST"])
def consent_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Record one guardian's consent: scope, date, written or oral, note; the recorder is the user."""
    guardian = get_object_or_404(_guardians(request), pk=pk)
    child = guardian.child
    if request.method == "GET":
        audit(request, child, purpose=PURPOSE)
    if not request.user.has_perm("cases.edit_child", child):
        raise PermissionDenied
    form = ConsentRecordForm(posted(request), child=child)
    back = safe_next(request)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_consent(guardian=guardian, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"Samtykket fra {guardian.name} er registreret.")
            return redirect(
                back or reverse("cases:child-detail", kwargs={"pk": child.pk}) + "#foraeldre"
            )
    context = {
        "child": child,
        "guardian": guardian,
        "back": back,
        "form": form,
        "crumbs": [
            (child.name, reverse("cases:child-detail", kwargs={"pk": child.pk})),
            ("Registrér samtykke", None),
        ],
    }
    return render(
        request, "cases/child_consent_form.html", context, status=400 if form.errors else 200
    )


def _editable_consent(request: AuthenticatedHttpRequest, pk: int) -> Consent:
    consent = get_object_or_404(
        Consent.objects.filter(guardian__in=_guardians(request)).select_related("guardian__child"),
        pk=pk,
    )
    if not request.user.has_perm("cases.edit_child", consent.guardian.child):
        raise PermissionDenied
    return consent


def _consents_of(child: Child) -> str:
    return reverse("cases:child-detail", kwargs={"pk": child.pk}) + "#foraeldre"


@login_required
@require_http_methods(["GET", "POST"])
def consent_withdraw(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Mark a consent withdrawn today; it stays on record. GET asks first (without JavaScript)."""
    consent = _editable_consent(request, pk)
    child = consent.guardian.child
    if request.method == "GET":
        return confirmation_page(
            request,
            title="Træk samtykket tilbage?",
            text=consent.withdraw_question,
            confirm_label="Træk samtykket tilbage",
            back=_consents_of(child),
        )
    services.withdraw_consent(consent=consent, by=request.user)
    messages.success(
        request,
        f"Samtykket fra {consent.guardian.name} er registreret som trukket tilbage. Du kan "
        "fortryde det de næste minutter ved samtykket.",
    )
    return redirect(_consents_of(child))


@login_required
@require_POST
def consent_undo_withdraw(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Fortryd: restore a consent withdrawn a few minutes ago."""
    consent = _editable_consent(request, pk)
    try:
        services.undo_withdraw_consent(consent=consent, by=request.user)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, f"Samtykket fra {consent.guardian.name} gælder igen.")
    return redirect(_consents_of(consent.guardian.child))
