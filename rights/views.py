"""The PPR leader's pages for the data subject's rights: a child's restriction (art. 18) and
access exports (art. 15). Every page is the leader's alone (``rights.handle_requests``); for
anyone else it is a 403 that names nobody. A restricted child is found here and nowhere else:
``visible_to`` leaves it out everywhere (ppr/access.py), so these views read children by id,
behind the permission, and log every read with its purpose."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import FileResponse, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cases.models import Child
from ppr.access import audit
from ppr.audit.models import AuditAction
from ppr.audit.services import log_action, record
from ppr.http import AuthenticatedHttpRequest

from . import export, services
from .forms import LiftForm, PurposeForm, RestrictForm
from .models import AccessExport, Restriction

PURPOSE = "den registreredes rettigheder"
#: htmx stops polling when a poll is answered with this status (and still swaps the content).
STOP_POLLING = 286
#: Exports listed on the overview.
RECENT_EXPORTS = 25


def _leader(request: AuthenticatedHttpRequest) -> None:
    if not request.user.has_perm("rights.handle_requests"):
        raise PermissionDenied


def _children(request: AuthenticatedHttpRequest) -> QuerySet[Child]:
    """Every child, restricted ones too: the leader's permission is checked first."""
    _leader(request)
    return Child.objects.select_related("institution")


def _active_restriction(child: Child) -> Restriction | None:
    return Restriction.objects.active().filter(child=child).select_related("restricted_by").first()


@login_required
@require_GET
def overview(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Restricted children and the latest access exports."""
    _leader(request)
    restrictions = (
        Restriction.objects.visible_to(request.user)
        .active()
        .select_related("child", "restricted_by")
        .order_by("-restricted_at", "-pk")
    )
    exports = AccessExport.objects.visible_to(request.user).select_related("child")[:RECENT_EXPORTS]
    record(request, AuditAction.SEARCH, term="begrænsede børn og indsigtsudtræk", purpose=PURPOSE)
    context = {
        "restrictions": list(restrictions),
        "exports": list(exports),
        "crumbs": [("Indsigt og begrænsning", None)],
    }
    return render(request, "rights/overview.html", context)


def _child_context(
    request: AuthenticatedHttpRequest, child: Child, **extra: object
) -> dict[str, object]:
    exports = AccessExport.objects.visible_to(request.user).filter(child=child)[:RECENT_EXPORTS]
    return {
        "child": child,
        "restriction": _active_restriction(child),
        "exports": list(exports),
        "purpose_form": PurposeForm(),
        "crumbs": [("Indsigt og begrænsning", reverse("rights:overview")), (child.name, None)],
        **extra,
    }


@login_required
@require_GET
def child_rights(request: AuthenticatedHttpRequest, child_id: int) -> HttpResponse:
    """One child: whether its record is restricted, and its access exports."""
    child = get_object_or_404(_children(request), pk=child_id)
    audit(request, child, purpose=PURPOSE)
    return render(request, "rights/child.html", _child_context(request, child))


@login_required
@require_POST
def export_create(request: AuthenticatedHttpRequest, child_id: int) -> HttpResponse:
    """Order an art. 15 export with its purpose; a double submit orders one."""
    child = get_object_or_404(_children(request), pk=child_id)
    form = PurposeForm(request.POST)
    if not form.is_valid():
        audit(request, child, purpose=PURPOSE)
        context = _child_context(request, child, purpose_form=form)
        return render(request, "rights/child.html", context, status=422)
    purpose = form.cleaned_data["purpose"]
    running = (
        AccessExport.objects.visible_to(request.user)
        .filter(child=child, purpose=purpose, requested_by=request.user)
        .filter(status__in=["pending", "running"])
        .first()
    )
    job = running or services.request_access_export(child, by=request.user, purpose=purpose)
    return redirect("rights:export-status", pk=job.pk)


def _export_or_404(request: AuthenticatedHttpRequest, pk: int) -> AccessExport:
    _leader(request)
    return get_object_or_404(
        AccessExport.objects.visible_to(request.user).select_related("child"), pk=pk
    )


@login_required
@require_GET
def export_status(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """An export's progress: a page without JavaScript, the fragment for htmx polls."""
    job = _export_or_404(request, pk)
    context = {
        "export": job,
        "crumbs": [
            ("Indsigt og begrænsning", reverse("rights:overview")),
            (job.child.name, None),
        ],
    }
    if request.htmx:
        status = 200 if job.is_in_progress else STOP_POLLING
        return render(request, "rights/_export_status.html#export-body", context, status=status)
    return render(request, "rights/export_status.html", context)


@login_required
@require_GET
def export_download(request: AuthenticatedHttpRequest, pk: int) -> HttpResponseBase:
    """The export's zip, as an attachment; the hand-over is logged with the export's purpose."""
    job = _export_or_404(request, pk)
    if not job.is_ready:
        return redirect("rights:export-status", pk=job.pk)
    log_action(
        job.child,
        AuditAction.PRINT,
        by=request.user,
        purpose=f"{services.PURPOSE_EXPORT}: {job.purpose[:150]}",
        request=request,
    )
    response = FileResponse(
        job.file.open("rb"),
        as_attachment=True,
        filename=job.filename,
        content_type="application/zip",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def export_retry(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """ "Prøv igen" after a failed export."""
    job = services.retry_access_export(_export_or_404(request, pk), by=request.user)
    return redirect("rights:export-status", pk=job.pk)


@login_required
@require_http_methods(["GET", "POST"])
def restrict_child(request: AuthenticatedHttpRequest, child_id: int) -> HttpResponse:
    """Restrict the processing of the child's record, with a reason."""
    child = get_object_or_404(_children(request), pk=child_id)
    form = RestrictForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.restrict(child, by=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                f"Behandlingen af {child.name}s oplysninger er begrænset. Barnet vises ikke "
                "længere i lister og søgninger.",
            )
            return redirect("rights:child", child_id=child.pk)
    if request.method == "GET":
        audit(request, child, purpose=PURPOSE)
    context = {
        "child": child,
        "form": form,
        "crumbs": [("Indsigt og begrænsning", reverse("rights:overview")), (child.name, None)],
    }
    return render(request, "rights/restrict.html", context, status=422 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def lift_restriction(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Lift a restriction, with a reason; the lifting is logged."""
    _leader(request)
    restriction = get_object_or_404(
        Restriction.objects.visible_to(request.user).active().select_related("child"), pk=pk
    )
    child = restriction.child
    form = LiftForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        services.lift(restriction, by=request.user, reason=form.cleaned_data["reason"])
        messages.success(request, f"Begrænsningen af {child.name}s oplysninger er ophævet.")
        return redirect("rights:child", child_id=child.pk)
    context = {
        "restriction": restriction,
        "child": child,
        "form": form,
        "crumbs": [("Indsigt og begrænsning", reverse("rights:overview")), (child.name, None)],
    }
    return render(request, "rights/lift.html", context, status=422 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def open_restricted(request: AuthenticatedHttpRequest, child_id: int) -> HttpResponse:
    """A restricted record, opened by the PPR leader for a stated purpose (logged); a GET asks
    for the purpose and shows nothing of the record."""
    child = get_object_or_404(_children(request), pk=child_id)
    restriction = _active_restriction(child)
    if restriction is None:
        return redirect("cases:child-detail", pk=child.pk)
    form = PurposeForm(request.POST if request.method == "POST" else None)
    collected = None
    if request.method == "POST" and form.is_valid():
        services.opened(
            child, by=request.user, purpose=form.cleaned_data["purpose"], request=request
        )
        collected = export.collect(child)
    context = {
        "child": child,
        "restriction": restriction,
        "form": form,
        "collected": collected,
        "crumbs": [("Indsigt og begrænsning", reverse("rights:overview")), (child.name, None)],
    }
    return render(
        request, "rights/open_restricted.html", context, status=422 if form.errors else 200
    )
