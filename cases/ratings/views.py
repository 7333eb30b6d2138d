"""The Børnelineal: rate a child on its case; the report of counts by colour."""

import contextlib
import uuid
from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods
from django_tables2 import RequestConfig

from cases.casework.views import case_crumbs, case_for
from cases.models import (
    Child,
    EarlyObservation,
    ObservationKind,
    RaterProfession,
    RatingContext,
    RulerColour,
    RulerRating,
    reads_observations,
)
from cases.observations.services import link_rating, rating_rationale
from ppr import generations
from ppr.access import get_audited_or_404
from ppr.accounts.models import Role
from ppr.http import AuthenticatedHttpRequest, posted
from ppr.organisation.models import Institution
from ppr.tables import keep_known_sort

from .forms import ChildRatingForm, ProfessionFilterForm, RatingForm, RatingReportForm
from .services import rate_child
from .tables import DistrictColourTable, InstitutionColourTable
from .trend import build_trend


@login_required
@require_http_methods(["GET", "POST"])
def rating_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Rate the case's child grøn/gul/rød; the case's latest colour follows."""
    case = case_for(request, pk, perm="cases.edit_case")
    form = RatingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            rate_child(
                child=case.child,
                by=request.user,
                colour=data["colour"],
                rated_on=data["rated_on"],
                context=data["context"],
                rationale=data["rationale"],
                case=case,
                client_token=data["client_token"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Vurderingen er gemt.")
            return redirect(f"{case.get_absolute_url()}#boernelineal")
    context = {"case": case, "form": form, "crumbs": case_crumbs(case, "Ny Børnelineal-vurdering")}
    return render(request, "cases/rating_form.html", context)


def rating_children(user: Any) -> QuerySet[Child]:
    """Children whose Børnelineal history ``user`` reads: those they see (``visible_to``) and,
    for social workers and health visitors, the children of their districts."""
    visible = Child.objects.visible_to(user).values("pk")
    partner = Child.objects.in_partner_scope(user).values("pk")
    return Child.objects.filter(Q(pk__in=visible) | Q(pk__in=partner))


def rateable_children(user: Any) -> QuerySet[Child]:
    """Children ``user`` may rate on the child's page: the PPR leader every child; case workers
    their cases' children; partners the children of their districts. Institution staff rate
    through their referral and their TRIO's henvisning, not here."""
    if not user.has_perm("cases.rate_child"):
        return Child.objects.none()
    if user.is_ppr_leader:
        return Child.objects.all()
    condition = Q(pk__in=Child.objects.in_partner_scope(user).values("pk"))
    if user.is_caseworker:
        mine = Q(cases__assigned=user) | Q(cases__team_id__in=user.team_ids)
        condition |= Q(pk__in=Child.objects.filter(mine).values("pk"))
    return Child.objects.filter(condition)


def _observation_for(request: AuthenticatedHttpRequest, child: Child) -> EarlyObservation | None:
    """The observation named in ``?observation=`` that the rating is given from: one of the
    child's that the user sees and that has led to no rating yet (else 404) – or, posted
    again (a double submit), to the rating this form's token saved."""
    raw = request.GET.get("observation", "")
    if not raw:
        return None
    unrated = Q(rating__isnull=True)
    if request.method == "POST":
        with contextlib.suppress(ValueError):
            unrated |= Q(rating__client_token=uuid.UUID(request.POST.get("client_token", "")))
    return get_object_or_404(
        EarlyObservation.objects.visible_to(request.user).filter(unrated, child=child),
        pk=int(raw) if raw.isdigit() and len(raw) < 19 else 0,
    )


def _from_observation(observation: EarlyObservation) -> dict[str, Any]:
    """The rating form prefilled from the observation: the colour its result suggests, the
    context (the health visitor's screening, or tidlig opsporing) and its finding."""
    return {
        "colour": observation.suggested_colour,
        "rated_on": timezone.localdate(),
        "context": RatingContext.SCREENING
        if observation.kind == ObservationKind.SCREENING
        else RatingContext.EARLY_DETECTION,
        "rationale": rating_rationale(observation),
        "client_token": uuid.uuid4(),
    }


def _default_context(user: Any) -> str:
    if user.has_role(Role.HEALTH_VISITOR):
        return RatingContext.SCREENING
    if user.has_role(Role.SOCIAL_WORKER):
        return RatingContext.PARTNER
    return RatingContext.FOLLOW_UP


@login_required
@require_GET
def child_ratings(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The child's Børnelineal history across professions: the trend and every rating with
    the rater's profession and context, filterable by profession (seed 004 §3)."""
    user = request.user
    child = get_audited_or_404(
        request,
        rating_children(user).select_related("institution"),
        purpose="Børnelineal-historik",
        pk=pk,
    )
    form = ProfessionFilterForm(request.GET)
    ratings_qs = RulerRating.objects.filter(child=child).select_related("rater", "forum_referral")
    profession = ""
    if form.is_valid():
        profession = form.cleaned_data.get("faggruppe") or ""
        if profession:
            ratings_qs = ratings_qs.filter(profession=profession)
    ratings = list(ratings_qs)
    can_rate = rateable_children(user).filter(pk=child.pk).exists()
    context = {
        "child": child,
        "form": form,
        "ratings": ratings,
        "trend": build_trend(ratings),
        "profession": profession,
        "profession_label": RaterProfession(profession).label if profession else "",
        "can_rate": can_rate,
        "reads_observations": reads_observations(user),
        "crumbs": [(child.name, None), ("Børnelineal", None)],
    }
    return render(request, "cases/child_ratings.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def child_rating_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Rate a child outside a case: a health visitor after a screening, a social worker in
    the cross-professional work, PPR after a meeting. The rater's profession is stored."""
    user = request.user
    if not user.has_perm("cases.rate_child"):
        raise PermissionDenied
    child = get_audited_or_404(
        request,
        rateable_children(user).select_related("institution"),
        purpose="Børnelineal-vurdering",
        pk=pk,
    )
    observation = _observation_for(request, child)
    initial_context = request.GET.get("sammenhaeng", "") or _default_context(user)
    if observation is not None:
        form = ChildRatingForm(posted(request), initial=_from_observation(observation))
    else:
        form = ChildRatingForm(posted(request), context=initial_context)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                rating = rate_child(
                    child=child,
                    by=user,
                    colour=data["colour"],
                    rated_on=data["rated_on"],
                    context=data["context"],
                    rationale=data["rationale"],
                    client_token=data["client_token"],
                )
                if observation is not None:
                    link_rating(observation, rating, by=user)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Vurderingen er gemt.")
            if observation is not None:
                url = reverse("cases:child-observations", kwargs={"pk": child.pk})
                return redirect(f"{url}#observation-{observation.pk}")
            return redirect("cases:child-ratings", pk=child.pk)
    context = {
        "child": child,
        "observation": observation,
        "form": form,
        "crumbs": [(child.name, None), ("Ny Børnelineal-vurdering", None)],
    }
    return render(
        request, "cases/child_rating_form.html", context, status=400 if form.errors else 200
    )


#: Counted on the colour, not the id: the id is not in the index and would make PostgreSQL read
#: the table (``COUNT(*)`` takes no filter in Django).
COUNTS = {
    "groen": Count("colour", filter=Q(colour=RulerColour.GROEN)),
    "gul": Count("colour", filter=Q(colour=RulerColour.GUL)),
    "roed": Count("colour", filter=Q(colour=RulerColour.ROED)),
    "total": Count("*"),
}


#: How long a PPR leader's report counts are kept at most; a new rating renews them at once.
COUNTS_SECONDS = 600


def _institution_counts(
    ratings: QuerySet[RulerRating], cache_key: str | None = None
) -> list[dict[str, object]]:
    """Counts by colour per institution, in district and institution order. The ratings are
    counted by institution id alone – the index (rated_on, institution, colour) answers that
    without reading the table – and named afterwards: grouping by the joined names took twice
    as long for a storkommune's year of ratings (bench/NOTES.md). With a ``cache_key`` the
    counts come from the cache (the names never do)."""
    counts = cache.get(cache_key) if cache_key else None
    if counts is None:
        counts = {
            row.pop("institution_id"): row  # type: ignore[misc]  # values() gives plain dicts; the stubs say TypedDict
            for row in ratings.values("institution_id").annotate(**COUNTS).order_by()
        }
        if cache_key:
            cache.set(cache_key, counts, COUNTS_SECONDS)
    institutions = (
        Institution.objects.filter(pk__in=[pk for pk in counts if pk is not None])
        .select_related("district")
        .order_by("district__name", "name")
    )
    return [
        {
            "institution__district__name": institution.district.name,
            "institution__name": institution.name,
            **counts[institution.pk],
        }
        for institution in institutions
    ]


def _municipality_key(form: RatingReportForm) -> str:
    """The cache key of the whole municipality's counts in the form's period: the same for
    every PPR leader, until the next rating (``ppr.generations``)."""
    period = [form.cleaned_data.get(name) or "" for name in ("fra", "til", "faggruppe")]
    generation = generations.current("ratings")
    return f"ppr:rating-counts:{generation}:{period[0]}:{period[1]}:{period[2]}"


def _district_totals(institution_rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The per-district rows, added up from the per-institution rows (one scan of the ratings)."""
    district = "institution__district__name"
    totals: dict[object, dict[str, Any]] = {}
    for row in institution_rows:
        total = totals.setdefault(
            row[district], {district: row[district], "groen": 0, "gul": 0, "roed": 0, "total": 0}
        )
        for colour in ("groen", "gul", "roed", "total"):
            total[colour] += row[colour]
    return list(totals.values())  # in district order: the institution rows are sorted by it


@login_required
@require_GET
def rating_report(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Counts of ratings by colour per institution and district in a period.

    The PPR leader sees every institution; an institution leader only their own. Without a
    period in the query the report covers the current year (1 January to today), so it never
    counts every rating ever made by default; empty ``fra`` and ``til`` ask for all of them.
    """
    user = request.user
    if not user.has_perm("cases.view_rating_report"):
        raise PermissionDenied
    ratings = RulerRating.objects.visible_to(user)
    whole_municipality = user.is_ppr_leader
    if not whole_municipality:
        ratings = ratings.filter(institution_id__in=user.institution_ids(Role.INSTITUTION_LEADER))
    data = request.GET.copy()
    if "fra" not in data and "til" not in data:
        today = timezone.localdate()
        data["fra"] = date(today.year, 1, 1).isoformat()
        data["til"] = today.isoformat()
    form = RatingReportForm(data)
    cache_key = None
    if not form.is_valid():
        ratings = ratings.none()
    else:
        if form.cleaned_data.get("faggruppe"):
            ratings = ratings.filter(profession=form.cleaned_data["faggruppe"])
        if form.cleaned_data.get("fra"):
            ratings = ratings.filter(rated_on__gte=form.cleaned_data["fra"])
        if form.cleaned_data.get("til"):
            ratings = ratings.filter(rated_on__lte=form.cleaned_data["til"])
        if whole_municipality:  # every rating (``visible_to``) in the period
            cache_key = _municipality_key(form)
    per_institution = _institution_counts(ratings, cache_key)
    institutions = InstitutionColourTable(per_institution, prefix="i-")
    districts = DistrictColourTable(_district_totals(per_institution), prefix="d-")
    config = RequestConfig(request, paginate=False)
    for table in (institutions, districts):
        keep_known_sort(request, table)
        config.configure(table)
    context = {
        "form": form,
        "institutions": institutions,
        "districts": districts,
        "crumbs": [("Børnelineal", None)],
    }
    template = "cases/rating_report.html#results" if request.htmx else "cases/rating_report.html"
    return render(request, template, context)
