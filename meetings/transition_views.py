"""Pages for overgange: the sending institution's list of children with a yellow or red rating
who change institution or stage, the request that the receiving TRIO acts, and the requests
received and sent (``meetings.transitions`` says how a transition is known).

Out of scope is 404 (``visible_to``); a forbidden action on a visible object is 403. Every
child a page shows is logged as read (purpose "overgang").
"""

import re

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch, QuerySet
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from cases.models import Child
from ppr.access import audit
from ppr.accounts.models import Role, User
from ppr.audit.services import log_reads
from ppr.forms import apply_service_errors
from ppr.http import AuthenticatedHttpRequest
from ppr.tables import paginate

from . import rules, transitions
from .filters import TransitionFilter, TransitionRequestFilter
from .forms import TransitionRequestForm, TransitionResponseForm
from .models import TransitionKind, TransitionRequest
from .querysets import member_trio_institutions
from .schoolyears import school_year_label
from .services import meeting_consent_error
from .tables import TransitionRequestTable, TransitionTable
from .views import PER_PAGE, meeting_user_required

PURPOSE = transitions.PURPOSE_TRANSITION


def _crumbs(*trail: tuple[str, str | None]) -> list[tuple[str, str | None]]:
    return [("Møder", reverse("meetings:index")), *trail]


def _chosen_year(raw: str) -> int:
    """The school year asked for, if the list offers it; else the coming one."""
    years = transitions.school_years()
    return int(raw) if re.fullmatch(r"[0-9]{4}", raw) and int(raw) in years else years[0]


def _year_choices() -> list[tuple[int, str]]:
    return [(year, school_year_label(year)) for year in transitions.school_years()]


@meeting_user_required
@require_GET
def transition_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Overgange: the children of the user's institutions with a yellow or red latest rating
    who begin at a new institution or stage in the chosen school year."""
    user = request.user
    institutions = transitions.sending_institutions(user)
    if not institutions.exists():
        raise PermissionDenied
    year = _chosen_year(request.GET.get("skoleaar", ""))
    queryset = (
        transitions.transition_children(user, school_year=year, institutions=institutions)
        .select_related("institution")
        .prefetch_related(
            Prefetch(
                "transition_requests",
                queryset=TransitionRequest.objects.filter(school_year=year)
                .select_related("receiving_institution")
                .order_by("sent_at"),
                to_attr="year_requests",
            )
        )
    )
    filterset = TransitionFilter(
        request.GET, queryset=queryset, institutions=institutions, school_year=year
    )
    can_ask = set(user.institution_ids(Role.INSTITUTION_LEADER)) | set(
        member_trio_institutions(user).values_list("institution_id", flat=True)
    )
    table = TransitionTable(
        filterset.qs if filterset.is_valid() else queryset.none(),
        school_year=year,
        can_ask=can_ask,
    )
    paginate(request, table, per_page=PER_PAGE)
    page = [row.record for row in table.page.object_list] if table.page else []
    log_reads(request, page, purpose=PURPOSE)
    context = {
        "filter": filterset,
        "table": table,
        "year": year,
        "years": _year_choices(),
        "year_label": school_year_label(year),
        "before_label": school_year_label(year - 1),
        "crumbs": _crumbs(("Overgange", None)),
    }
    template = "meetings/transition_list.html"
    return render(request, f"{template}#results" if request.htmx else template, context)


@meeting_user_required
@require_http_methods(["GET", "POST"])
def transition_request_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Bed modtagende TRIO handle: the sending TRIO (or its leader) asks the school the child
    moves to."""
    user = request.user
    child = get_object_or_404(Child.objects.visible_to(user).select_related("institution"), pk=pk)
    if not rules.can_ask_at_transition(user, child.institution):
        raise PermissionDenied
    data = request.POST if request.method == "POST" else request.GET
    year = _chosen_year(data.get("skoleaar", ""))
    audit(request, child, purpose=PURPOSE)
    found = transitions.transition_of(child, year)
    receivers = transitions.receiving_institutions()
    initial = {}
    if found is not None and found.transition != TransitionKind.SCHOOL_START:  # type: ignore[attr-defined]  # annotated
        initial["receiving_institution"] = child.institution_id
    form = TransitionRequestForm(
        request.POST if request.method == "POST" else None,
        institutions=receivers,
        initial=initial,
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                sent = transitions.ask_receiving_trio(
                    child=child,
                    school_year=year,
                    receiving_institution=form.cleaned_data["receiving_institution"],
                    message=form.cleaned_data["message"],
                    by=user,
                )
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(
                    request,
                    f"{sent.receiving_institution.name}s TRIO er bedt om at handle.",
                )
                return redirect(sent.get_absolute_url())
        status = 400
    consent_missing = meeting_consent_error(child, transitions.TRANSITION_CONSENT)
    context = {
        "form": form,
        "child": child,
        "found": found,
        "year": year,
        "year_label": school_year_label(year),
        "transition_label": TransitionKind(found.transition).label if found else "",  # type: ignore[attr-defined]  # annotated
        "named": consent_missing is None,
        "consent_missing": consent_missing,
        "consent_name": transitions.TRANSITION_CONSENT,
        "crumbs": _crumbs(
            ("Overgange", f"{reverse('meetings:transition-list')}?skoleaar={year}"),
            ("Bed modtagende TRIO handle", None),
        ),
    }
    return render(request, "meetings/transition_request_form.html", context, status=status)


def _requests(user: User) -> QuerySet[TransitionRequest]:
    return transitions.with_naming(TransitionRequest.objects.visible_to(user), user).select_related(
        "child", "sending_institution", "receiving_institution"
    )


@meeting_user_required
@require_GET
def transition_request_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The requests at a transition the user's institution received or sent."""
    user = request.user
    queryset = _requests(user)
    filterset = TransitionRequestFilter(request.GET, queryset=queryset, user=user)
    table = TransitionRequestTable(filterset.qs if filterset.is_valid() else queryset.none())
    paginate(request, table, per_page=PER_PAGE)
    page = [row.record for row in table.page.object_list] if table.page else []
    log_reads(request, page, purpose=PURPOSE)
    context = {
        "filter": filterset,
        "table": table,
        "can_see_list": transitions.sending_institutions(user).exists(),
        "crumbs": _crumbs(("Overgange", None)),
    }
    template = "meetings/transition_request_list.html"
    return render(request, f"{template}#results" if request.htmx else template, context)


@meeting_user_required
@require_http_methods(["GET", "POST"])
def transition_request_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """One request: what the sending TRIO wrote, and the receiving TRIO's acknowledgement."""
    user = request.user
    transition = get_object_or_404(_requests(user), pk=pk)
    can_respond = rules.receives_transition(user, transition)
    if request.method == "POST" and not can_respond:
        raise PermissionDenied
    audit(request, transition, purpose=PURPOSE)
    form = TransitionResponseForm(
        request.POST if request.method == "POST" else None,
        initial={"response": transition.response},
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                transitions.acknowledge_transition(
                    request=transition, response=form.cleaned_data["response"], by=user
                )
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(request, "Det er registreret, hvad TRIO'en vil gøre.")
                return redirect(transition.get_absolute_url())
        status = 400
    context = {
        "transition": transition,
        "subject": transitions.subject_label(transition),
        "named": getattr(transition, "named", False),
        "form": form if can_respond else None,
        "crumbs": _crumbs(
            ("Overgange", reverse("meetings:transition-request-list")),
            ("Anmodning", None),
        ),
    }
    return render(request, "meetings/transition_request_detail.html", context, status=status)
