"""The PPR leader's view of the audit log, and the per-child export for the family."""

from django.apps import apps
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from ppr.http import AuthenticatedHttpRequest
from ppr.tables import paginate

from .filters import AuditEventFilter
from .models import AuditAction, AuditEvent
from .services import record, write_child_access_csv
from .tables import AuditEventTable


@login_required
@require_GET
def event_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Search the audit log. The search itself is logged, with its criteria."""
    if not request.user.has_perm("audit.read_log"):
        raise PermissionDenied
    filterset = AuditEventFilter(request.GET or None, queryset=AuditEvent.objects.all())
    valid = filterset.is_valid() if filterset.is_bound else True
    if filterset.is_bound and valid:
        filterset.clean_period()
        valid = not filterset.form.errors
    events = filterset.qs if valid else AuditEvent.objects.none()
    child_id = filterset.form.cleaned_data.get("barn") if valid and filterset.is_bound else None
    record(
        request,
        AuditAction.SEARCH,
        term=filterset.describe(),
        child_id=int(child_id) if child_id else None,
        purpose="tilsyn med adgangsloggen",
    )
    table = AuditEventTable(events)
    if request.GET.get("sort", "-at") not in ("at", "-at"):
        # Only the time is sortable; anything else (e.g. "sort=." from a crafted URL, which
        # django-tables2 answers with a DeprecationWarning) falls back to the newest first.
        query = request.GET.copy()
        del query["sort"]
        request.GET = query  # type: ignore[assignment]  # the stubs say request.GET is immutable
    paginate(request, table)
    context = {
        "filter": filterset,
        "table": table,
        "child_id": int(child_id) if child_id else None,
        "crumbs": [("Adgangslog", None)],
    }
    template = "audit/event_list.html#results" if request.htmx else "audit/event_list.html"
    return render(request, template, context)


@login_required
@require_GET
def child_export(request: AuthenticatedHttpRequest, child_id: int) -> HttpResponse:
    """GDPR art. 15: the child's access log as CSV for the family, without employee names."""
    if not request.user.has_perm("audit.export_child_log"):
        raise PermissionDenied
    # An unknown id is a 404 that logs nothing, not an empty export "of" a child.
    children = apps.get_model(settings.AUDIT_CHILD_MODEL).objects.visible_to(request.user)
    get_object_or_404(children.only("pk"), pk=child_id)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="adgangslog-barn-{child_id}.csv"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store, private"
    # The rows are read before this export is logged, so the file does not list itself.
    write_child_access_csv(response, child_id=child_id)
    record(
        request,
        AuditAction.EXPORT,
        child_id=child_id,
        purpose="indsigt i adgangslog (GDPR art. 15)",
    )
    return response
