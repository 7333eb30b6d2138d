"""PPR's cases: the list (tabs, filters, search), the case page, assignment, CPR reveal, closing."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F, Q, QuerySet
from django.db.models.functions import Upper
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cases.models import Case
from cases.ratings.trend import build_trend
from ppr.access import audit, get_audited_or_404
from ppr.accounts.models import User
from ppr.audit.models import AuditAction
from ppr.audit.services import record
from ppr.http import AuthenticatedHttpRequest
from ppr.tables import paginate

from . import services as case_services
from .filters import CaseFilter
from .forms import CaseAssignForm, CaseCloseForm, CaseKleForm, CaseSearchForm
from .tables import CaseTable, with_colour_rank
from .timeline import child_ratings, gather_timeline

PURPOSE = "sagsbehandling"
#: At most this many rows answer a name search (a POST result has no paging).
SEARCH_LIMIT = 50
#: The case page shows the newest items of the course ("Forløb"); ``?forloeb=alle`` shows every
#: one. A long case (hundreds of journal notes) would otherwise render all of them on every
#: visit: ≈ 0.6 ms of CPU per note through the item's template (bench/RESULTS.md, 7 Dec night).
TIMELINE_SHOWN = 50
SHOW_WHOLE_TIMELINE = "alle"

TAB_LABELS = {"mine": "Mine sager", "team": "Mit team", "alle": "Alle"}


def case_for(request: HttpRequest, pk: int, *, perm: str | None = None) -> Case:
    """A case the user may see (else 404) and, if ``perm`` is given, act on (else 403); audited."""
    case = get_object_or_404(Case.objects.visible_to(request.user).for_display(), pk=pk)
    return checked(request, case, perm)


def checked(request: HttpRequest, case: Case, perm: str | None) -> Case:
    """Refuse (403) what the user may not do with a case they can see; log the read."""
    if perm is not None and not request.user.has_perm(perm, case):
        raise PermissionDenied
    audit(request, case, purpose=PURPOSE)
    return case


def case_crumbs(case: Case, label: str) -> list[tuple[str, str | None]]:
    return [
        ("Sager", reverse("cases:case-list")),
        (f"Sag {case.reference}", case.get_absolute_url()),
        (label, None),
    ]


def tabs_for(user: User) -> list[str]:
    """Case workers see their own and their team's cases; the leader and secretary see all."""
    tabs = []
    if user.is_caseworker:
        tabs += ["mine", "team"]
    if user.has_perm("cases.view_all_cases"):
        tabs.append("alle")
    return tabs


@login_required
@require_GET
def case_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The case list: a tab (mine / team / all), filters, sorting and paging; audited as a search."""
    user = request.user
    if not user.has_perm("cases.view_case_list"):
        raise PermissionDenied
    tabs = tabs_for(user)
    tab = request.GET.get("visning", "")
    if tab not in tabs:
        tab = tabs[0]
    cases = with_colour_rank(Case.objects.visible_to(user).for_display())
    if tab == "mine":
        cases = cases.filter(assigned=user)
    elif tab == "team":
        cases = cases.filter(team_id__in=user.team_ids)
    filterset = CaseFilter(request.GET or None, queryset=cases)
    valid = filterset.is_valid() if filterset.is_bound else True
    table = CaseTable(filterset.qs if valid else cases.none())
    paginate(request, table)
    record(
        request,
        AuditAction.SEARCH,
        term=f"visning={tab} {filterset.describe()}".strip(),
        purpose=PURPOSE,
    )
    context = {
        "filter": filterset,
        "table": table,
        "tab": tab,
        "tabs": [(key, TAB_LABELS[key]) for key in tabs],
        "search_form": CaseSearchForm(),
        "crumbs": [("Sager", None)],
    }
    template = "cases/case_list.html#results" if request.htmx else "cases/case_list.html"
    return render(request, template, context)


def name_search(user: User, words: list[str]) -> QuerySet[Case]:
    """The cases whose child's name holds every word, sorted by child (last name first), then
    the newest case first; at most ``SEARCH_LIMIT + 1``.

    Matched on the case's copy of the name, ``child_sort_name`` ("last first": a word, which has
    no space, is in it exactly when it is in the first or the last name), through its trigram
    index (migration 0012) together with the case's own visibility columns, and sorted in a
    subquery on the case alone; only the page's rows are then joined with their child,
    institution and staff. Sorted by ``Upper(child_sort_name)``, not the column: with the
    column, PostgreSQL walks the ``(child_sort_name, id)`` index in order and filters every
    case on the way to the first match (names cluster: 58 ms for "Niels" at 100,040 children,
    against 1.5 ms; bench/NOTES.md)."""
    condition = Q()
    for word in words:
        condition &= Q(child_sort_name__icontains=word)
    order = (Upper("child_sort_name"), F("opened_at").desc(), "pk")
    page = (
        Case.objects.visible_to(user)
        .filter(condition)
        .order_by(*order)
        .values("pk")[: SEARCH_LIMIT + 1]
    )
    return Case.objects.visible_to(user).for_display().filter(pk__in=page).order_by(*order)


@login_required
@require_POST
def case_search(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Search by name or exact CPR number (keyed-hash lookup); every search is audited."""
    user = request.user
    if not user.has_perm("cases.view_case_list"):
        raise PermissionDenied
    form = CaseSearchForm(request.POST)
    table = None
    more = False
    if form.is_valid():
        if form.is_cpr:
            matches = Case.objects.visible_to(user).filter(child__cpr_hash__in=form.cpr_hashes())
            # The open case first, then the most recent closed one.
            found = matches.order_by(F("closed_at").desc(nulls_first=True), "-opened_at").first()
            record(
                request,
                AuditAction.SEARCH,
                term=form.audit_term(),
                child_id=found.child_id if found else None,
                purpose=PURPOSE,
            )
            if found is not None:
                return redirect(found)
            rows: list[Case] = []
        else:
            rows = list(name_search(user, form.cleaned_data["q"].split()))
            record(request, AuditAction.SEARCH, term=form.audit_term(), purpose=PURPOSE)
        more = len(rows) > SEARCH_LIMIT
        table = CaseTable(rows[:SEARCH_LIMIT], orderable=False)
    context = {
        "form": form,
        "table": table,
        "more": more,
        "limit": SEARCH_LIMIT,
        "crumbs": [("Sager", reverse("cases:case-list")), ("Søgning", None)],
    }
    return render(request, "cases/case_search.html", context)


@login_required
@require_GET
def case_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The case page: the child, guardians, staff, Børnelineal trend and the timeline."""
    user = request.user
    case = get_audited_or_404(
        request, Case.objects.visible_to(user).for_display(), purpose=PURPOSE, pk=pk
    )
    ratings = child_ratings(case)
    timeline = gather_timeline(case, user, ratings)
    shown = (
        timeline if request.GET.get("forloeb") == SHOW_WHOLE_TIMELINE else timeline[:TIMELINE_SHOWN]
    )
    context = {
        "case": case,
        "child": case.child,
        "guardians": list(case.child.guardians.all()),
        "timeline": shown,
        "timeline_total": len(timeline),
        "ratings": ratings,
        "trend": build_trend(ratings),
        "can_edit": user.has_perm("cases.edit_case", case),
        "can_assign": user.has_perm("cases.assign_case", case),
        # A course for one child starts from the child's open case (indsatser:case-course-create).
        "can_start_course": case.is_open and user.has_perm("indsatser.start_course"),
        "can_view_journal": user.has_perm("cases.view_journal", case),
        "crumbs": [("Sager", reverse("cases:case-list")), (f"Sag {case.reference}", None)],
    }
    return render(request, "cases/case_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def case_assign(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The PPR leader (re)assigns an open case to a case worker."""
    case = case_for(request, pk, perm="cases.assign_case")
    form = CaseAssignForm(request.POST or None, initial={"assignee": case.assigned_id})
    if request.method == "POST" and form.is_valid():
        assignee = form.cleaned_data["assignee"]
        try:
            case_services.assign_case(case=case, by=request.user, assignee=assignee)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"Sagen er tildelt {assignee}.")
            return redirect(case)
    context = {
        "case": case,
        "form": form,
        "crumbs": case_crumbs(case, "Tildel sag"),
    }
    return render(request, "cases/case_assign.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def case_close(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Close an open case with an outcome and a note; a closed case is read-only."""
    case = get_object_or_404(Case.objects.visible_to(request.user).for_display(), pk=pk)
    if not case.is_open:
        # A double submit or a second person closing: the first close stands.
        messages.info(request, "Sagen er allerede lukket.")
        return redirect(case)
    case = checked(request, case, "cases.edit_case")
    form = CaseCloseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            case_services.close_case(
                case=case,
                by=request.user,
                outcome=form.cleaned_data["outcome"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Sagen er lukket.")
            return redirect(case)
    context = {"case": case, "form": form, "crumbs": case_crumbs(case, "Luk sag")}
    return render(request, "cases/case_close.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def case_kle(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The case's KLE classification (emnenummer and handlingsfacet) for the ESDH."""
    case = case_for(request, pk, perm="cases.edit_case")
    form = CaseKleForm(
        request.POST or None,
        initial={"kle_number": case.kle_number, "kle_facet": case.kle_facet},
    )
    if request.method == "POST" and form.is_valid():
        try:
            case_services.classify_case(
                case=case,
                by=request.user,
                kle_number=form.cleaned_data["kle_number"],
                kle_facet=form.cleaned_data["kle_facet"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Sagens KLE-klassifikation er gemt.")
            return redirect(case)
    context = {"case": case, "form": form, "crumbs": case_crumbs(case, "KLE-klassifikation")}
    return render(request, "cases/case_kle.html", context)
