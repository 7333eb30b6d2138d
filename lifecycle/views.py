"""The PPR leader's pages: the list due for deletion (counts per rule, drill-down, approval),
the retention rules, the legal holds and the deletion log. No page opens a record's content."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ppr.http import AuthenticatedHttpRequest
from ppr.tables import paginate

from . import registry, services
from .forms import LegalHoldForm, RuleForm
from .models import DeletionLogEntry, DueItem, DueItemState, DueList, DueListStatus, LegalHold
from .tables import DeletionLogTable, DueItemTable


def _require(request: AuthenticatedHttpRequest) -> None:
    if not request.user.has_perm("lifecycle.manage"):
        raise PermissionDenied


def _labels() -> dict[str, str]:
    labels = {t.key: t.label for t in registry.record_types()}
    labels.setdefault("child", "Barnets identitet")
    return labels


@login_required
@require_GET
def review(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The list under review: counts per rule (due, held), and the lists being or been deleted."""
    _require(request)
    current = DueList.objects.filter(status=DueListStatus.REVIEW).first()
    counts: dict[str, dict[str, int]] = {}
    if current is not None:
        for row in current.items.values("record_type", "state").annotate(n=Count("pk")).order_by():
            counts.setdefault(row["record_type"], {})[row["state"]] = row["n"]
    rules = [
        {
            "rule": rule,
            "due": counts.get(rule.type.key, {}).get(DueItemState.PENDING, 0),
            "held": counts.get(rule.type.key, {}).get(DueItemState.HELD, 0),
        }
        for rule in services.rules()
    ]
    earlier = list(
        DueList.objects.exclude(status=DueListStatus.REVIEW)
        .select_related("approved_by")
        .annotate(n=Count("items"))[:10]
    )
    context = {
        "current": current,
        "rules": rules,
        "total_due": sum(c.get(DueItemState.PENDING, 0) for c in counts.values()),
        "earlier": earlier,
        "crumbs": [("Sletning og opbevaring", None)],
    }
    return render(request, "lifecycle/review.html", context)


@login_required
@require_GET
def items(request: AuthenticatedHttpRequest, list_id: int, record_type: str) -> HttpResponse:
    """One rule's records on a list: type, internal id and dates, paged; no content."""
    _require(request)
    if record_type not in registry.RECORD_TYPES:
        raise Http404
    due_list = get_object_or_404(DueList, pk=list_id)
    table = DueItemTable(DueItem.objects.filter(due_list=due_list, record_type=record_type))
    table.labels = _labels()
    paginate(request, table)
    kind = registry.RECORD_TYPES[record_type]
    context = {
        "due_list": due_list,
        "kind": kind,
        "table": table,
        "crumbs": [
            ("Sletning og opbevaring", reverse("lifecycle:review")),
            (kind.label, None),
        ],
    }
    template = "lifecycle/items.html#results" if request.htmx else "lifecycle/items.html"
    return render(request, template, context)


@login_required
@require_POST
def approve(request: AuthenticatedHttpRequest, list_id: int) -> HttpResponse:
    """Approve the list under review; a second submit finds it approved and changes nothing."""
    _require(request)
    due_list = get_object_or_404(DueList, pk=list_id)
    if due_list.status == DueListStatus.REVIEW:
        services.approve(due_list=due_list, by=request.user)
        messages.success(request, "Slettelisten er godkendt. Posterne slettes nu i partier.")
    else:
        messages.info(request, "Slettelisten var allerede godkendt.")
    return redirect("lifecycle:review")


@login_required
@require_GET
def rule_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require(request)
    context = {
        "rules": services.rules(),
        "holds": list(registry.HOLDS.values()),
        "crumbs": [
            ("Sletning og opbevaring", reverse("lifecycle:review")),
            ("Opbevaringsregler", None),
        ],
    }
    return render(request, "lifecycle/rules.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def rule_edit(request: AuthenticatedHttpRequest, record_type: str) -> HttpResponse:
    _require(request)
    kind = registry.RECORD_TYPES.get(record_type)
    if kind is None:
        raise Http404
    years = services.years_for(kind.key)
    form = RuleForm(
        request.POST if request.method == "POST" else None,
        initial={"years": years},
        min_years=kind.min_years,
        label=kind.label,
    )
    if request.method == "POST" and form.is_valid():
        services.update_rule(
            record_type=kind.key, years=form.cleaned_data["years"], by=request.user
        )
        messages.success(request, f"Reglen for {kind.label.lower()} er gemt.")
        return redirect("lifecycle:rules")
    context = {
        "kind": kind,
        "form": form,
        "crumbs": [
            ("Sletning og opbevaring", reverse("lifecycle:review")),
            ("Opbevaringsregler", reverse("lifecycle:rules")),
            (kind.label, None),
        ],
    }
    return render(request, "lifecycle/rule_form.html", context, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def holds(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The legal holds, and the form that sets one."""
    _require(request)
    form = LegalHoldForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        services.set_legal_hold(
            child=form.cleaned_data["child"],
            reason=form.cleaned_data["reason"],
            until=form.cleaned_data["until"],
            by=request.user,
        )
        messages.success(request, "Tilbageholdet er sat.")
        return redirect("lifecycle:holds")
    table = list(LegalHold.objects.select_related("created_by", "lifted_by")[:200])
    context = {
        "form": form,
        "legal_holds": table,
        "crumbs": [
            ("Sletning og opbevaring", reverse("lifecycle:review")),
            ("Retlige tilbagehold", None),
        ],
    }
    return render(request, "lifecycle/holds.html", context, status=400 if form.errors else 200)


@login_required
@require_POST
def hold_lift(request: AuthenticatedHttpRequest, hold_id: int) -> HttpResponse:
    _require(request)
    legal = get_object_or_404(LegalHold.objects.select_related("child"), pk=hold_id)
    services.lift_legal_hold(legal=legal, by=request.user)
    messages.success(request, "Tilbageholdet er ophævet.")
    return redirect("lifecycle:holds")


@login_required
@require_GET
def log(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The deletion log: type, internal id, rule, date and approver; no personal data."""
    _require(request)
    table = DeletionLogTable(DeletionLogEntry.objects.select_related("approved_by"))
    table.labels = _labels()
    paginate(request, table)
    context = {
        "table": table,
        "crumbs": [("Sletning og opbevaring", reverse("lifecycle:review")), ("Sletningslog", None)],
    }
    template = "lifecycle/log.html#results" if request.htmx else "lifecycle/log.html"
    return render(request, template, context)
