"""The PPR leader's delivery page: the deliveries to the archive with their status, an order
of the closed cases not yet delivered, and the archive's receipt for a delivery. Every page is
the leader's alone (``archive.deliver``); for anyone else a 403 that names nobody. The pages
show counts and statuses, no child's data."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ppr.http import AuthenticatedHttpRequest, require_perm
from ppr.tables import paginate

from . import services
from .forms import REJECTED, ReceiptForm
from .models import Delivery, DeliveryStatus
from .tables import DeliveryTable

PERM = "archive.deliver"


def _crumbs(*tail: tuple[str, str | None]) -> list[tuple[str, str | None]]:
    return [("Arkivaflevering", reverse("archive:list") if tail else None), *tail]


@login_required
@require_GET
def delivery_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The deliveries, paged, newest first, and how many closed cases wait for one."""
    require_perm(request, PERM)
    deliveries = Delivery.objects.visible_to(request.user).annotate(case_count=Count("cases"))
    table = DeliveryTable(deliveries)
    paginate(request, table)
    context = {
        "table": table,
        "waiting": services.cases_to_deliver().count(),
        "crumbs": _crumbs(),
    }
    template = "archive/list.html#results" if request.htmx else "archive/list.html"
    return render(request, template, context)


@login_required
@require_POST
def deliver(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Order one delivery of every closed case not yet delivered; a double submit orders one."""
    require_perm(request, PERM)
    ids = list(services.cases_to_deliver().values_list("pk", flat=True))
    delivery = services.order_delivery(case_ids=ids, by=request.user)
    if delivery is None:
        messages.info(request, "Der er ingen lukkede sager, som mangler at blive afleveret.")
        return redirect("archive:list")
    messages.success(request, "Afleveringen er bestilt og dannes nu.")
    return redirect("archive:detail", pk=delivery.pk)


def _delivery(request: AuthenticatedHttpRequest, pk: int) -> Delivery:
    require_perm(request, PERM)
    return get_object_or_404(
        Delivery.objects.visible_to(request.user)
        .select_related("requested_by", "receipt__recorded_by")
        .annotate(case_count=Count("cases")),
        pk=pk,
    )


def _detail(
    request: AuthenticatedHttpRequest, delivery: Delivery, form: ReceiptForm | None = None
) -> HttpResponse:
    context = {
        "delivery": delivery,
        "receipt": getattr(delivery, "receipt", None),
        "rejections": list(delivery.rejections.select_related("recorded_by")),
        "can_redeliver": delivery.status == DeliveryStatus.REJECTED,
        "form": form or ReceiptForm(),
        "can_record": delivery.status == DeliveryStatus.DELIVERED,
        "crumbs": _crumbs((f"Aflevering {delivery.pk}", None)),
    }
    return render(
        request, "archive/detail.html", context, status=422 if form and form.errors else 200
    )


@login_required
@require_GET
def delivery_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """One delivery: its status, size and folder, and its receipt or the form for it."""
    return _detail(request, _delivery(request, pk))


@login_required
@require_http_methods(["POST"])
def receipt(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Record the archive's receipt; a double submit records one."""
    delivery = _delivery(request, pk)
    form = ReceiptForm(request.POST)
    if not form.is_valid():
        return _detail(request, delivery, form)
    data = form.cleaned_data
    rejected = data["outcome"] == REJECTED
    try:
        services.record_receipt(
            delivery=delivery,
            by=request.user,
            archive_reference=data["archive_reference"],
            received_on=data["received_on"],
            note=data["note"],
            approved=not rejected,
            reason=data["reason"] if rejected else "",
        )
    except ValidationError as exc:
        form.add_error(None, exc)
        return _detail(request, delivery, form)
    if rejected:
        messages.warning(
            request,
            "Afvisningen er registreret. Sagerne slettes ikke; ret fejlen og aflever igen.",
        )
    else:
        messages.success(
            request, "Kvitteringen er registreret. Sagerne kan nu slettes efter reglerne."
        )
    return redirect("archive:detail", pk=delivery.pk)


@login_required
@require_POST
def retry(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Build a failed delivery again, or deliver a rejected one again."""
    delivery = _delivery(request, pk)
    services.retry_delivery(delivery, by=request.user)
    return redirect("archive:detail", pk=delivery.pk)
