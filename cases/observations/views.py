"""Tidlig opsporing: a child's observations, a new observation, the overview per institution."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q, QuerySet
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cases.children.search import ChildPicker, ChildSearchForm, search_children
from cases.models import Child, EarlyObservation, Referral, ReferralStatus, observed_children
from cases.ratings.views import rateable_children
from cases.referrals.services import NotADraft
from cases.rules import health_visitor_districts, kinds_for
from ppr.access import get_audited_or_404
from ppr.accounts.models import INSTITUTION_ROLES, Role
from ppr.audit.services import log_reads
from ppr.http import AuthenticatedHttpRequest, posted
from ppr.organisation.models import Institution
from ppr.tables import paginate

from . import services
from .filters import WITH_CONCERN, ObservationFilter
from .forms import ObservationChildForm, ObservationForm
from .tables import ObservationTable

PER_PAGE = 25


def _may_record_any(user: Any) -> bool:
    """Health visitors and the institutions' leaders and staff record observations."""
    return bool(user.has_role(Role.HEALTH_VISITOR, *INSTITUTION_ROLES))


def recordable_children(user: Any) -> QuerySet[Child]:
    """The children ``user`` may record an observation on (``kinds_for``): of the children
    ``observed_children(user)`` names, a health visitor's those of their districts, the
    institutions' leaders' and staff's those of their own institutions."""
    condition = Q(pk__in=[])
    districts = health_visitor_districts(user)
    if districts:
        condition |= Q(institution__district_id__in=districts)
    institutions = user.institution_ids(*INSTITUTION_ROLES)
    if institutions:
        condition |= Q(institution_id__in=institutions)
    return observed_children(user).filter(condition)


def _writes_referrals_for(user: Any, child: Any) -> bool:
    """The child's institution writes an indstilling (its leader submits it); PPR's intake
    does not start one from an institution's observation."""
    return bool(
        child.institution_id in user.institution_ids(*INSTITUTION_ROLES)
        and user.has_perm("cases.draft_referral_for", child)
    )


def _visible_ids(model: Any, user: Any, ids: set[int]) -> set[int]:
    """Which of ``ids`` (rows of ``model``) ``user`` may open, in one query."""
    if not ids:
        return set()
    return set(model.objects.visible_to(user).filter(pk__in=ids).values_list("pk", flat=True))


@login_required
@require_GET
def child_observations(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The child's early-detection observations, newest first, each with what it led to and
    the next steps the user may take from it."""
    user = request.user
    child = get_audited_or_404(
        request,
        observed_children(user).select_related("institution"),
        purpose=services.PURPOSE,
        pk=pk,
    )
    observations = list(
        EarlyObservation.objects.visible_to(user)
        .filter(child=child)
        .select_related("recorded_by", "rating")
    )
    forum_referral_model = EarlyObservation._meta.get_field("forum_referral").related_model
    context = {
        "child": child,
        "observations": observations,
        "can_record": user.has_perm("cases.record_observation", child),
        "can_rate": rateable_children(user).filter(pk=child.pk).exists(),
        "can_refer": _writes_referrals_for(user, child),
        "can_henvise": user.has_perm("meetings.refer_from", child.institution),
        "open_referrals": _visible_ids(
            Referral, user, {o.referral_id for o in observations if o.referral_id}
        ),
        "open_forum_referrals": _visible_ids(
            forum_referral_model,
            user,
            {o.forum_referral_id for o in observations if o.forum_referral_id},
        ),
        "crumbs": [(child.name, None), ("Tidlig opsporing", None)],
    }
    return render(request, "cases/child_observations.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def observation_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Record a dated observation: a health visitor's screening, a daycare's sprogvurdering or
    BTU-skema, a school's or daycare's trivselsvurdering."""
    user = request.user
    if not _may_record_any(user):
        raise PermissionDenied
    queryset = observed_children(user).select_related("institution")
    if request.method == "GET":
        child = get_audited_or_404(request, queryset, purpose=services.PURPOSE, pk=pk)
    else:
        child = get_object_or_404(queryset, pk=pk)
    kinds = kinds_for(user, child)
    if not kinds:
        raise PermissionDenied
    form = ObservationForm(posted(request), kinds=kinds)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            observation = services.record_observation(
                child=child,
                by=user,
                kind=data["kind"],
                finding=data["finding"],
                text=data["text"],
                observed_on=data["observed_on"],
                client_token=data["client_token"],
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, "Observationen er gemt.")
            url = reverse("cases:child-observations", kwargs={"pk": child.pk})
            return redirect(f"{url}#observation-{observation.pk}")
    context = {
        "child": child,
        "form": form,
        "crumbs": [
            (child.name, None),
            ("Tidlig opsporing", reverse("cases:child-observations", kwargs={"pk": child.pk})),
            ("Ny observation", None),
        ],
    }
    return render(
        request, "cases/observation_form.html", context, status=400 if form.errors else 200
    )


#: The picker's answer when nothing is found: the same for a child outside the user's scope as
#: for one that does not exist, so a search tells nothing about children the user may not see.
NOT_FOUND = (
    "Ingen børn fundet – tjek stavningen eller CPR-nummeret. "
    "Du finder kun de børn, du må registrere observationer for."
)


@login_required
@require_http_methods(["GET", "POST"])
def observation_start(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Registrér en observation: find the child – by name or the whole CPR number, always
    posted and audited – among those the user may record observations on, then go on to the
    child's new-observation form (which audits the read of the child)."""
    user = request.user
    if not _may_record_any(user):
        raise PermissionDenied
    children = recordable_children(user)
    if request.method == "POST" and "find" in request.POST:
        picker = search_children(request, children, purpose=services.PURPOSE)
        if request.htmx:
            context = {"picker": picker, "not_found": NOT_FOUND}
            return render(request, "cases/_child_picker_found.html", context)
        return _start_page(request, ObservationChildForm(children=children), picker)
    form = ObservationChildForm(posted(request), children=children)
    if request.method == "POST" and form.is_valid():
        return redirect("cases:observation-create", pk=form.cleaned_data["child"].pk)
    picker = ChildPicker(form=ChildSearchForm())
    return _start_page(request, form, picker, status=400 if form.errors else 200)


def _start_page(
    request: AuthenticatedHttpRequest,
    form: ObservationChildForm,
    picker: ChildPicker,
    status: int = 200,
) -> HttpResponse:
    context = {
        "form": form,
        "picker": picker,
        "not_found": NOT_FOUND,
        "may_register": request.user.has_perm("cases.register_child"),
        "crumbs": [
            ("Tidlig opsporing", reverse("cases:observation-overview")),
            ("Registrér en observation", None),
        ],
    }
    return render(request, "cases/observation_start.html", context, status=status)


def _add_errors(form: ObservationForm, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


@login_required
@require_POST
def observation_referral(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Start an indstilling to PPR from the observation (a draft with the observation as the
    concern, linked back); the draft opens for the institution to finish."""
    user = request.user
    observation = get_object_or_404(
        EarlyObservation.objects.visible_to(user).select_related("child__institution"), pk=pk
    )
    child = observation.child
    if not _writes_referrals_for(user, child):
        raise PermissionDenied
    back = reverse("cases:child-observations", kwargs={"pk": child.pk})
    try:
        referral = services.refer_from_observation(observation, by=user)
    except (ValidationError, NotADraft) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [])) or "Det lykkedes ikke.")
        return redirect(f"{back}#observation-{observation.pk}")
    if referral.status != ReferralStatus.DRAFT:  # sent meanwhile: show it as it is
        return redirect("cases:referral-detail", pk=referral.pk)
    messages.success(
        request,
        "Kladden til indstillingen er oprettet med observationen som bekymring. "
        "Den gemmes automatisk, mens du skriver.",
    )
    return redirect("cases:referral-update", pk=referral.pk)


@login_required
@require_GET
def observation_overview(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Tidlig opsporing: the observations the user may see – the leader's own institution,
    the partners' districts, PPR's leader all – by default those with opmærksomhed or bekymring,
    newest first, filterable by institution, type, result and period."""
    user = request.user
    if not user.has_perm("cases.view_observation_overview"):
        raise PermissionDenied
    visible = EarlyObservation.objects.visible_to(user)
    queryset = visible.select_related("child", "institution", "recorded_by")
    institutions = Institution.objects.filter(pk__in=visible.values("institution_id")).order_by(
        "name"
    )
    data = request.GET.copy()
    if "resultat" not in data:
        data["resultat"] = WITH_CONCERN
    filterset = ObservationFilter(data, queryset=queryset, institutions=institutions)
    table = ObservationTable(filterset.qs if filterset.is_valid() else queryset.none())
    paginate(request, table, per_page=PER_PAGE)
    page = [row.record for row in table.page.object_list] if table.page else []
    log_reads(request, page, purpose=services.PURPOSE)
    context = {
        "filter": filterset,
        "table": table,
        "can_record": _may_record_any(user),
        "crumbs": [("Tidlig opsporing", None)],
    }
    template = "cases/observation_overview.html"
    return render(request, f"{template}#results" if request.htmx else template, context)
