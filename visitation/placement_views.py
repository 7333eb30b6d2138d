"""Views of placements: the offer's capacity and waiting list, placing a waiting child (over
capacity only with the leader's reason), a placement's page and its yearly reassessment.

Rows through ``visible_to`` (out of scope → 404), actions through ``rules`` permissions
(forbidden → 403), changes through ``placements``. Every read of a child's placement is
audited with its purpose."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from ppr.access import get_audited_or_404
from ppr.audit.models import AuditAction
from ppr.audit.services import record
from ppr.deadlines import calendar
from ppr.forms import apply_service_errors
from ppr.http import AuthenticatedHttpRequest, require_perm

from . import placements
from .forms import PlaceForm, ReviewForm
from .models import PURPOSE, Decision, Offer, Placement, ReviewOutcome
from .reassessment import review_deadline, review_months


def offer_panel(request: AuthenticatedHttpRequest, offer: Offer) -> dict[str, Any]:
    """The offer page's places per school year (counts only, for every reader of offers), the
    placements and the waiting list (the rows the user may see; the read is logged)."""
    years = placements.shown_years()
    capacity = placements.capacity(offer, years)
    current = (
        Placement.objects.visible_to(request.user)
        .filter(offer=offer)
        .active()
        .select_related("child")
        .order_by("starts_on", "pk")
    )
    waiting = (
        placements.waiting_list(offer)
        .filter(pk__in=Decision.objects.visible_to(request.user).values("pk"))
        .select_related("application__child")
    )
    current_rows, waiting_rows = list(current), list(waiting)
    if current_rows or waiting_rows:
        record(request, AuditAction.SEARCH, term=f"pladser i {offer.name}", purpose=PURPOSE)
    return {
        "capacity": capacity,
        "placements": current_rows,
        "waiting": waiting_rows,
        "can_place": request.user.has_perm("visitation.place"),
    }


def _place_page(
    request: AuthenticatedHttpRequest,
    decision: Decision,
    *,
    form: PlaceForm | None = None,
    status: int = 200,
) -> HttpResponse:
    offer = decision.offer
    assert offer is not None and decision.starts_on and decision.review_on
    years = placements.years_between(decision.starts_on, decision.review_on)
    capacity = placements.capacity(offer, years)
    context = {
        "decision": decision,
        "offer": offer,
        "child": decision.application.child,
        "capacity": capacity,
        "full": any(year.full for year in capacity),
        "form": form or PlaceForm(),
        "crumbs": [
            ("Specialtilbud", reverse("visitation:offer-list")),
            (offer.name, offer.get_absolute_url()),
            ("Placér fra ventelisten", None),
        ],
    }
    return render(request, "visitation/placement_place.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def decision_place(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The PPR leader places a waiting child (a granted decision without a placement)."""
    require_perm(request, "visitation.place")
    queryset = Decision.objects.visible_to(request.user).select_related(
        "offer", "application__child"
    )
    if request.method == "GET":
        decision = get_audited_or_404(request, queryset, purpose=PURPOSE, pk=pk)
    else:
        decision = get_object_or_404(queryset, pk=pk)
    existing = Placement.objects.filter(decision=decision).first()
    if existing is not None:
        messages.info(request, "Barnet er allerede placeret.")
        return redirect(existing)
    if decision.offer is None:
        raise PermissionDenied
    if request.method == "GET":
        return _place_page(request, decision)
    form = PlaceForm(request.POST)
    if form.is_valid():
        try:
            placement = placements.place(
                decision=decision,
                by=request.user,
                override_reason=form.cleaned_data["override_reason"],
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, f"Barnet er placeret i {decision.offer.name}.")
            return redirect(placement)
    return _place_page(request, decision, form=form, status=400)


def _placement(request: AuthenticatedHttpRequest, pk: int, *, audited: bool) -> Placement:
    queryset = Placement.objects.visible_to(request.user).select_related(
        "child", "offer__institution", "decision", "override_by", "ended_by"
    )
    if audited:
        return get_audited_or_404(request, queryset, purpose=PURPOSE, pk=pk)
    return get_object_or_404(queryset, pk=pk)


def _crumbs(placement: Placement, *extra: tuple[str, str | None]) -> list[Any]:
    here = (str(placement), placement.get_absolute_url() if extra else None)
    return [
        ("Specialtilbud", reverse("visitation:offer-list")),
        (placement.offer.name, placement.offer.get_absolute_url()),
        here,
        *extra,
    ]


@login_required
@require_http_methods(["GET"])
def placement_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    placement = _placement(request, pk, audited=True)
    context = {
        "placement": placement,
        "reviews": list(placement.reviews.select_related("rating", "reviewed_by")),
        "can_review": placement.is_active
        and request.user.has_perm("visitation.review_placement", placement),
        "crumbs": _crumbs(placement),
    }
    return render(request, "visitation/placement_detail.html", context)


def _review_page(
    request: AuthenticatedHttpRequest,
    placement: Placement,
    *,
    form: ReviewForm | None = None,
    status: int = 200,
) -> HttpResponse:
    context = {
        "placement": placement,
        "form": form or ReviewForm(),
        "latest_next": review_deadline(calendar.today()),
        "months": review_months(),
        "crumbs": _crumbs(placement, ("Revurdering", None)),
    }
    return render(request, "visitation/placement_review.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def placement_review(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The yearly reassessment (the PPR leader or a case worker on the child's case)."""
    placement = _placement(request, pk, audited=request.method == "GET")
    if not request.user.has_perm("visitation.review_placement", placement):
        raise PermissionDenied
    if not placement.is_active:
        messages.info(request, "Placeringen er afsluttet og kan ikke revurderes.")
        return redirect(placement)
    if request.method == "GET":
        return _review_page(request, placement)
    form = ReviewForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            review = placements.review_placement(
                placement=placement,
                by=request.user,
                progress=data["progress"],
                colour=data["colour"],
                rationale=data["rationale"],
                outcome=data["outcome"],
                change_note=data["change_note"],
                next_review_on=data["next_review_on"],
                client_token=data["client_token"],
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            if review.outcome == ReviewOutcome.RETURN:
                messages.success(
                    request,
                    "Revurderingen er gemt. Barnet vender tilbage til almentilbuddet, og "
                    "placeringen er afsluttet.",
                )
            else:
                messages.success(
                    request,
                    f"Revurderingen er gemt. Næste revurdering senest "
                    f"{review.next_review_on:%d.%m.%Y}.",
                )
            return redirect(placement)
    return _review_page(request, placement, form=form, status=400)
