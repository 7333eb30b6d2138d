from collections.abc import Callable

import redis
from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from ppr import overview
from ppr.audit.models import AuditAction
from ppr.audit.services import record
from ppr.deadlines import calendar
from ppr.http import AuthenticatedHttpRequest
from ppr.tables import paginate

from . import services, sso
from .forms import SsoRoleMappingForm
from .middleware import note_activity
from .models import DormantAccount, Membership, RightsReview, SecondFactorRemoval, SsoRoleMapping
from .tables import DormantAccountTable, GrantTable, ProposalTable, SsoRoleMappingTable


@login_required
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Mit overblik: the start page, made of the panels that apply to this user."""
    return render(request, "accounts/home.html", {"panels": overview.panels_for(request)})


@login_required
@require_POST
def keep_alive(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The idle-timeout warning's "Forbliv logget ind": the session's idle time starts again."""
    note_activity(request)
    return HttpResponse(status=204)


@login_required
@require_POST
def logout_everywhere(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    record(request, AuditAction.LOGOUT, purpose="log ud alle steder")
    user.end_all_sessions()
    logout(request)
    messages.success(request, "Du er logget ud på alle enheder.")
    return redirect(settings.LOGIN_URL)


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness and readiness for the load balancer: database and (if configured) Redis."""
    checks: dict[str, str] = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception:  # noqa: BLE001 - any failure means not ready
        checks["database"] = "fejl"
    if settings.REDIS_URL:
        try:
            redis.Redis.from_url(settings.REDIS_URL, socket_timeout=2).ping()
            checks["redis"] = "ok"
        except Exception:  # noqa: BLE001
            checks["redis"] = "fejl"
    healthy = all(value == "ok" for value in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "fejl", **checks}, status=200 if healthy else 503
    )


@login_required
def account_settings(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(request, "accounts/settings.html", {"mfa_enabled": is_mfa_enabled(request.user)})


def _rights_manager(request: AuthenticatedHttpRequest) -> None:
    if not request.user.has_perm("rights.manage"):
        raise PermissionDenied


@login_required
@require_GET
def rights(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Rettigheder: who holds which role, what waits for approval, and the monthly review."""
    _rights_manager(request)
    with_people = Membership.objects.select_related(
        "user", "institution", "district", "team", "proposed_by", "approved_by"
    )
    proposals = ProposalTable(
        with_people.pending().filter(user__is_active=True).order_by("proposed_at", "pk")
    )
    grants = GrantTable(with_people.in_force().filter(user__is_active=True))
    paginate(request, grants)
    removals = SecondFactorRemoval.objects.filter(decided_at__isnull=True).select_related(
        "user", "requested_by"
    )
    review = RightsReview.objects.filter(month=calendar.today().replace(day=1)).first()
    record(request, AuditAction.VIEW, purpose=f"{services.PURPOSE}: oversigt")
    context = {
        "proposals": proposals,
        "grants": grants,
        "removals": removals,
        "review": review,
        "crumbs": [("Rettigheder", None)],
    }
    template = "accounts/rights.html#grants" if request.htmx else "accounts/rights.html"
    return render(request, template, context)


def _decide(request: HttpRequest, action: Callable[[], object], done: str) -> HttpResponse:
    try:
        action()
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, done)
    return redirect("accounts:rights")


@login_required
@require_POST
def membership_approve(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    _rights_manager(request)
    membership = get_object_or_404(Membership.objects.pending(), pk=pk)
    return _decide(
        request,
        lambda: services.approve_membership(membership, by=request.user),
        f"Rollen er godkendt: {membership} for {membership.user}.",
    )


@login_required
@require_POST
def membership_refuse(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    _rights_manager(request)
    membership = get_object_or_404(Membership.objects.pending(), pk=pk)
    return _decide(
        request,
        lambda: services.refuse_membership(membership, by=request.user),
        f"Forslaget er afvist: {membership} for {membership.user}.",
    )


@login_required
@require_POST
def membership_remove(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    _rights_manager(request)
    membership = get_object_or_404(Membership.objects.in_force(), pk=pk)
    return _decide(
        request,
        lambda: services.remove_membership(membership, by=request.user),
        f"Rollen er fjernet: {membership} for {membership.user}.",
    )


@login_required
@require_POST
def second_factor_decide(request: AuthenticatedHttpRequest, pk: int, approve: bool) -> HttpResponse:
    _rights_manager(request)
    removal = get_object_or_404(SecondFactorRemoval.objects.filter(decided_at__isnull=True), pk=pk)
    return _decide(
        request,
        lambda: services.decide_second_factor_removal(removal, approve=approve, by=request.user),
        f"Totrinsbekræftelsen for {removal.user} er fjernet, og brugeren har fået besked."
        if approve
        else f"Anmodningen for {removal.user} er afvist, og brugeren har fået besked.",
    )


@login_required
@require_POST
def review_confirm(request: AuthenticatedHttpRequest) -> HttpResponse:
    _rights_manager(request)
    return _decide(
        request,
        lambda: services.confirm_review(by=request.user),
        "Gennemgangen af rettighederne er bekræftet for denne måned.",
    )


# --- Roles from KOMBIT ------------------------------------------------------------------


@login_required
@require_GET
def sso_mappings(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Roller fra KOMBIT: the mappings the PPR leader maintains, and the accounts not seen."""
    _rights_manager(request)
    mappings = SsoRoleMappingTable(
        SsoRoleMapping.objects.select_related("institution", "district", "team", "approved_by")
    )
    paginate(request, mappings)
    dormant = DormantAccountTable(DormantAccount.objects.select_related("user"), prefix="inaktive-")
    paginate(request, dormant)
    record(request, AuditAction.VIEW, purpose=f"{services.PURPOSE}: roller fra KOMBIT")
    context = {
        "mappings": mappings,
        "dormant": dormant,
        "dormant_days": sso.DORMANT_DAYS,
        "crumbs": [("Rettigheder", reverse("accounts:rights")), ("Roller fra KOMBIT", None)],
    }
    return render(request, "accounts/sso_mappings.html", context)


@login_required
def sso_mapping_form(request: AuthenticatedHttpRequest, pk: int | None = None) -> HttpResponse:
    """Add or edit a mapping; saving it is the PPR leader's approval."""
    _rights_manager(request)
    mapping = (
        get_object_or_404(SsoRoleMapping, pk=pk, retired_at__isnull=True)
        if pk is not None
        else SsoRoleMapping()
    )
    form = SsoRoleMappingForm(request.POST if request.method == "POST" else None, instance=mapping)
    if request.method == "POST" and form.is_valid():
        sso.save_mapping(form.instance, changed=set(form.changed_data), by=request.user)
        messages.success(request, f"Rolleoversættelsen er gemt: {form.instance}.")
        return redirect("accounts:sso-mappings")
    title = "Ret rolleoversættelse" if pk else "Ny rolleoversættelse"
    context = {
        "form": form,
        "title": title,
        "crumbs": [
            ("Rettigheder", reverse("accounts:rights")),
            ("Roller fra KOMBIT", reverse("accounts:sso-mappings")),
            (title, None),
        ],
    }
    return render(
        request, "accounts/sso_mapping_form.html", context, status=400 if form.errors else 200
    )


@login_required
@require_POST
def sso_mapping_retire(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    _rights_manager(request)
    mapping = get_object_or_404(SsoRoleMapping, pk=pk, retired_at__isnull=True)
    count = sso.retire_mapping(mapping, by=request.user)
    messages.success(
        request,
        f"Rolleoversættelsen er udgået; {count} rolle{'r' if count != 1 else ''} er fjernet.",
    )
    return redirect("accounts:sso-mappings")
