"""Report pages: the effect-goal dashboard, the operational reports with exports, and the
development plan. Thin: the figures come from goals.py, operational.py and plan.py."""

from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_tables2 import RequestConfig

from ppr.http import AuthenticatedHttpRequest, posted, require_perm
from ppr.tables import keep_known_sort, paginate

from . import exports, services
from .filters import ReportFilter, RetiredGoalFilter
from .forms import (
    ActivityForm,
    GoalForm,
    InitiativeForm,
    MeasurementForm,
    NewActivityForm,
    NewGoalForm,
    PreventionSpendingForm,
)
from .goals import GoalProgress, Track, progress
from .models import (
    DevelopmentPlan,
    EffectGoal,
    GoalMeasurement,
    PlanActivity,
    PlanInitiative,
    PreventionSpending,
)
from .operational import REPORTS, Params, Report
from .plan import plan_overview
from .scope import scope_for
from .tables import PreventionSpendingTable, RetiredGoalTable

PER_PAGE = 25
PLAN_KEY = "ppr-paa-sporet"


def _crumbs(*items: tuple[str, str | None]) -> list[tuple[str, str | None]]:
    return [("Rapporter", reverse("reports:report-index")), *items]


# --- Index ---------------------------------------------------------------------------------


@login_required
@require_GET
def report_index(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The reports this user may open."""
    require_perm(request, "reports.view_any")
    reports = [r for r in REPORTS.values() if request.user.has_perm(r.permission)]
    return render(
        request, "reports/index.html", {"reports": reports, "crumbs": [("Rapporter", None)]}
    )


# --- Effect goals --------------------------------------------------------------------------


@login_required
@require_GET
def goal_dashboard(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Every active goal: baseline, target, measured values per year, on track or not, chart."""
    require_perm(request, "reports.view_goals")
    goals = (
        EffectGoal.objects.visible_to(request.user).filter(active=True).prefetch_related("beacons")
    )
    items = progress(goals)
    counts = {track: sum(1 for i in items if i.track is track) for track in Track}
    return render(
        request,
        "reports/goal_dashboard.html",
        {
            "items": items,
            "on_track": counts[Track.ON_TRACK],
            "off_track": counts[Track.OFF_TRACK],
            "can_edit": request.user.has_perm("reports.change_goals"),
            "crumbs": _crumbs(("Effektmål", None)),
        },
    )


def _goal_page(
    request: AuthenticatedHttpRequest,
    goal: EffectGoal,
    form: MeasurementForm | None,
    status: int = 200,
) -> HttpResponse:
    item: GoalProgress = progress([goal])[0]
    measurements = (
        list(
            GoalMeasurement.objects.filter(goal=goal)
            .select_related("recorded_by")
            .order_by("-year")
        )
        if not goal.is_automatic
        else []
    )
    # The development plan's initiatives that work towards this goal.
    initiatives = list(
        goal.plan_initiatives.filter(plan__in=DevelopmentPlan.objects.visible_to(request.user))
        .select_related("plan")
        .order_by("plan", "order", "pk")
    )
    can_edit = request.user.has_perm("reports.change_goals")
    if form is None and can_edit and not goal.is_automatic:
        form = MeasurementForm(goal=goal)
    return render(
        request,
        "reports/goal_detail.html",
        {
            "item": item,
            "goal": goal,
            "measurements": measurements,
            "initiatives": initiatives,
            "form": form,
            "can_edit": can_edit,
            "crumbs": _crumbs(("Effektmål", reverse("reports:goal-dashboard")), (goal.name, None)),
        },
        status=status,
    )


@login_required
@require_GET
def goal_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """One goal: its figures year by year; for a manual goal, its measurements."""
    require_perm(request, "reports.view_goals")
    goal = get_object_or_404(
        EffectGoal.objects.visible_to(request.user).prefetch_related("beacons"), pk=pk
    )
    return _goal_page(request, goal, None)


@login_required
@require_POST
def goal_measurement(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The PPR leader enters (or corrects) a manual goal's value for a year."""
    goal = get_object_or_404(EffectGoal.objects.visible_to(request.user), pk=pk)
    require_perm(request, "reports.change_goals")
    if goal.is_automatic:
        raise PermissionDenied
    form = MeasurementForm(request.POST, goal=goal)
    if form.is_valid():
        try:
            services.record_measurement(
                goal=goal,
                year=form.cleaned_data["year"],
                value=form.cleaned_data["value"],
                note=form.cleaned_data["note"],
                by=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Målingen for {form.cleaned_data['year']} er gemt.")
            return redirect("reports:goal-detail", pk=goal.pk)
    return _goal_page(request, goal, form, status=400)


@login_required
@require_http_methods(["GET", "POST"])
def goal_update(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The PPR leader adjusts a goal's baseline, target and periods."""
    goal = get_object_or_404(EffectGoal.objects.visible_to(request.user), pk=pk)
    require_perm(request, "reports.change_goals")
    form = GoalForm(
        request.POST if request.method == "POST" else None,
        instance=EffectGoal.objects.get(pk=goal.pk),
    )
    if request.method == "POST" and form.is_valid():
        services.update_goal(goal=goal, changes=form.cleaned_data, by=request.user)
        messages.success(request, "Effektmålet er gemt.")
        return redirect("reports:goal-detail", pk=goal.pk)
    return render(
        request,
        "reports/goal_form.html",
        {
            "goal": goal,
            "form": form,
            "crumbs": _crumbs(
                ("Effektmål", reverse("reports:goal-dashboard")),
                (goal.name, goal.get_absolute_url()),
                ("Ret", None),
            ),
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def goal_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The PPR leader adds an effect goal: baseline, target, period, unit and its measure."""
    require_perm(request, "reports.change_goals")
    form = NewGoalForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            goal = services.create_goal(
                values=form.cleaned_data,
                by=request.user,
                client_token=form.cleaned_data["client_token"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Effektmålet er oprettet.")
            return redirect("reports:goal-detail", pk=goal.pk)
    return render(
        request,
        "reports/goal_create.html",
        {
            "form": form,
            "crumbs": _crumbs(
                ("Effektmål", reverse("reports:goal-dashboard")), ("Nyt effektmål", None)
            ),
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def goal_retire(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The PPR leader retires a goal: kept with its history, hidden from the overview."""
    goal = get_object_or_404(EffectGoal.objects.visible_to(request.user), pk=pk)
    require_perm(request, "reports.change_goals")
    services.retire_goal(goal=goal, by=request.user)
    messages.success(request, "Effektmålet er udgået. Det og dets målinger er gemt.")
    return redirect("reports:goal-detail", pk=goal.pk)


@login_required
@require_POST
def goal_reinstate(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The PPR leader brings a retired goal back to the overview."""
    goal = get_object_or_404(EffectGoal.objects.visible_to(request.user), pk=pk)
    require_perm(request, "reports.change_goals")
    services.reinstate_goal(goal=goal, by=request.user)
    messages.success(request, "Effektmålet vises igen på oversigten.")
    return redirect("reports:goal-detail", pk=goal.pk)


@login_required
@require_GET
def retired_goals(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The retired goals, kept with their history: sorted, filtered and paged."""
    require_perm(request, "reports.view_goals")
    qs = (
        EffectGoal.objects.visible_to(request.user)
        .filter(retired_at__isnull=False)
        .select_related("retired_by")
    )
    filterset = RetiredGoalFilter(request.GET, queryset=qs)
    table = RetiredGoalTable(filterset.qs if filterset.is_valid() else qs.none())
    paginate(request, table, per_page=PER_PAGE)
    context = {
        "filter": filterset,
        "table": table,
        "crumbs": _crumbs(("Effektmål", reverse("reports:goal-dashboard")), ("Udgåede", None)),
    }
    template = "reports/retired_goals.html"
    return render(request, f"{template}#results" if request.htmx else template, context)


@login_required
@require_http_methods(["GET", "POST"])
def prevention_spending(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The yearly spending on prevention: the PPR leader enters it (the prevention share's
    numerator); PPR staff read it."""
    require_perm(request, "reports.view_goals")
    can_edit = request.user.has_perm("reports.change_goals")
    if request.method == "POST" and not can_edit:
        raise PermissionDenied
    form = PreventionSpendingForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_prevention_spending(
                year=form.cleaned_data["year"],
                amount=form.cleaned_data["amount"],
                note=form.cleaned_data["note"],
                by=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, f"Udgiften til forebyggelse for {form.cleaned_data['year']} er gemt."
            )
            return redirect("reports:prevention-spending")
    table = PreventionSpendingTable(
        PreventionSpending.objects.visible_to(request.user).select_related("recorded_by")
    )
    paginate(request, table, per_page=PER_PAGE)
    context = {
        "form": form if can_edit else None,
        "table": table,
        "goal": EffectGoal.objects.filter(measure_key="prevention_spending_share").first(),
        "crumbs": _crumbs(
            ("Effektmål", reverse("reports:goal-dashboard")), ("Udgift til forebyggelse", None)
        ),
    }
    template = "reports/prevention_spending.html"
    if request.htmx and request.method == "GET":
        return render(request, f"{template}#results", context)
    return render(request, template, context, status=400 if form.errors else 200)


GOAL_EXPORT_HEADER = [
    "Effektmål",
    "Enhed",
    "År",
    "Målt",
    "Forventet efter planen",
    "År til dato",
    "Ændring fra året før",
    "Ændringens enhed",
]


@login_required
@require_GET
def goal_export(request: AuthenticatedHttpRequest, fmt: str) -> HttpResponse:
    """The dashboard's figures as CSV or XLSX; audited."""
    require_perm(request, "reports.view_goals")
    goals = EffectGoal.objects.visible_to(request.user).filter(active=True)
    rows = [
        [
            item.goal.name,
            item.unit_label,
            point.year,
            point.value,
            point.expected,
            point.partial,
            point.change,
            "procentpoint" if point.in_points else "%",
        ]
        for item in progress(goals)
        for point in item.points
    ]
    services.record_export(request, what="effektmål", criteria="(alle)", fmt=fmt)
    data = exports.dataset(GOAL_EXPORT_HEADER, rows, title="Effektmål", fmt=fmt)
    return exports.response(data, fmt=fmt, filename=f"effektmaal-{timezone.localdate():%Y-%m-%d}")


# --- Operational reports -------------------------------------------------------------------


def _report(slug: str) -> Report:
    try:
        return REPORTS[slug]
    except KeyError:
        raise Http404 from None


def _filtered(
    request: AuthenticatedHttpRequest, report: Report
) -> tuple[ReportFilter, Any, Params, Any]:
    """Scope → filter → aggregate: the one path both the page and the export take."""
    scope = scope_for(request.user)
    if scope is None:
        raise PermissionDenied
    today = timezone.localdate()
    data: QueryDict = request.GET.copy()
    if report.default_period and "fra" not in data and "til" not in data:
        data["fra"] = date(today.year, 1, 1).isoformat()
        data["til"] = today.isoformat()
    queryset = report.scoped(scope)
    filterset = ReportFilter(data, queryset=queryset, report=report, scope=scope)
    if filterset.is_valid():
        filtered = filterset.qs
        start, end = filterset.period
    else:
        filtered = queryset.none()
        start = end = None
    params = Params(start=start, end=end, today=today)
    return filterset, filtered, params, scope


@login_required
@require_GET
def report_detail(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    """One operational report: filter, chart and table (the table fragment alone for htmx)."""
    require_perm(request, "reports.view_operational")
    report = _report(slug)
    require_perm(request, report.permission)
    filterset, filtered, params, scope = _filtered(request, report)
    rows = report.rows(filtered, params, scope)
    table = report.table_class(rows)
    if report.paginate:
        paginate(request, table, per_page=PER_PAGE)
    else:
        keep_known_sort(request, table)
        RequestConfig(request, paginate=False).configure(table)
    context = {
        "report": report,
        "filter": filterset,
        "table": table,
        "chart": report.chart(rows, params, filtered),
        "params": params,
        "scope": scope,
        "export_query": filterset.form.data.urlencode()
        if hasattr(filterset.form.data, "urlencode")
        else "",
        "districts": report.by_district(rows) if hasattr(report, "by_district") else None,
        "crumbs": _crumbs((report.title, None)),
    }
    template = "reports/report_detail.html"
    return render(request, f"{template}#results" if request.htmx else template, context)


@login_required
@require_GET
def report_export(request: AuthenticatedHttpRequest, slug: str, fmt: str) -> HttpResponse:
    """The report's whole table (every row, not a page) as CSV or XLSX; audited."""
    require_perm(request, "reports.view_operational")
    report = _report(slug)
    require_perm(request, report.permission)
    filterset, filtered, params, scope = _filtered(request, report)
    if not filterset.is_valid():
        return redirect(
            f"{reverse('reports:report-detail', kwargs={'slug': slug})}?{request.GET.urlencode()}"
        )
    table = report.table_class(report.rows(filtered, params, scope))
    headers, rows = exports.table_rows(table)
    services.record_export(request, what=report.title, criteria=filterset.describe(), fmt=fmt)
    data = exports.dataset(headers, rows, title=report.title, fmt=fmt)
    return exports.response(data, fmt=fmt, filename=f"{report.slug}-{params.today:%Y-%m-%d}")


# --- Development plan ----------------------------------------------------------------------


def _plan_crumbs(*items: tuple[str, str | None]) -> list[tuple[str, str | None]]:
    return _crumbs(("Udviklingsplan", reverse("reports:plan-overview")), *items)


def _initiative_url(pk: int) -> str:
    """The initiative on the plan's overview."""
    return f"{reverse('reports:plan-overview')}#indsats-{pk}"


def _plan(request: AuthenticatedHttpRequest) -> DevelopmentPlan:
    plan = DevelopmentPlan.objects.visible_to(request.user).order_by("pk").first()
    if plan is None:
        raise Http404
    return plan


@login_required
@require_GET
def plan_overview_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The steering group's status overview: every initiative's steps, late ones flagged."""
    require_perm(request, "reports.view_plan")
    plan = DevelopmentPlan.objects.visible_to(request.user).order_by("pk").first()
    today = timezone.localdate()
    return render(
        request,
        "reports/plan_overview.html",
        {
            "plan": plan,
            "overview": plan_overview(plan, today=today) if plan else None,
            "today": today,
            "can_edit": request.user.has_perm("reports.change_plan"),
            "can_print": request.user.has_perm("reports.print_plan"),
            "crumbs": _crumbs(("Udviklingsplan", None)),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def activity_update(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The PPR leader updates an activity's status, date, owner and notes."""
    activity = get_object_or_404(
        PlanActivity.objects.visible_to(request.user).select_related("initiative"), pk=pk
    )
    require_perm(request, "reports.change_plan")
    form = ActivityForm(request.POST if request.method == "POST" else None, instance=activity)
    conflict = False
    if request.method == "POST" and form.is_valid():
        try:
            services.update_activity(
                activity=PlanActivity.objects.get(pk=activity.pk),
                changes=form.cleaned_data,
                version=form.cleaned_data["version"],
                by=request.user,
            )
        except services.StaleVersionError:
            # Show the saved version; the template says the user's changes were not saved.
            conflict = True
            activity = PlanActivity.objects.select_related("initiative").get(pk=activity.pk)
            form = ActivityForm(instance=activity)
        else:
            messages.success(request, "Aktiviteten er gemt.")
            return redirect(_initiative_url(activity.initiative_id))
    return render(
        request,
        "reports/activity_form.html",
        {
            "activity": activity,
            "form": form,
            "conflict": conflict,
            "crumbs": _plan_crumbs((activity.label, None)),
        },
        status=409 if conflict else (400 if form.errors else 200),
    )


def _initiative_form(
    request: AuthenticatedHttpRequest, plan: DevelopmentPlan, initiative: PlanInitiative | None
) -> HttpResponse:
    """A new initiative in the plan, or a change to ``initiative``. The form and the service
    each get the row as stored: validating the form changes its instance."""

    def stored() -> PlanInitiative:
        if initiative is None:
            return PlanInitiative(plan=plan)
        return PlanInitiative.objects.get(pk=initiative.pk)

    form = InitiativeForm(posted(request), instance=stored(), plan=plan, new=initiative is None)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.save_initiative(
                initiative=stored(),
                changes=form.cleaned_data,
                by=request.user,
                client_token=form.cleaned_data.get("client_token"),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, "Indsatsen er oprettet." if initiative is None else "Indsatsen er gemt."
            )
            return redirect(_initiative_url(saved.pk))
    return render(
        request,
        "reports/initiative_form.html",
        {
            "form": form,
            "initiative": initiative,
            "crumbs": _plan_crumbs((str(initiative) if initiative else "Ny indsats", None)),
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def initiative_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The PPR leader adds an initiative (udviklingsindsats) with its tovholder."""
    plan = _plan(request)
    require_perm(request, "reports.change_plan")
    return _initiative_form(request, plan, None)


@login_required
@require_http_methods(["GET", "POST"])
def initiative_update(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The PPR leader changes an initiative's number, title, description or tovholder."""
    initiative = get_object_or_404(
        PlanInitiative.objects.visible_to(request.user).select_related("plan"), pk=pk
    )
    require_perm(request, "reports.change_plan")
    return _initiative_form(request, initiative.plan, initiative)


@login_required
@require_http_methods(["GET", "POST"])
def activity_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The PPR leader adds an activity, milestone or sub-goal to an initiative."""
    initiative = get_object_or_404(PlanInitiative.objects.visible_to(request.user), pk=pk)
    require_perm(request, "reports.change_plan")
    form = NewActivityForm(
        request.POST if request.method == "POST" else None, initiative=initiative
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.create_activity(
                initiative=initiative,
                values=form.cleaned_data,
                by=request.user,
                client_token=form.cleaned_data["client_token"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Aktiviteten er oprettet.")
            return redirect(_initiative_url(initiative.pk))
    return render(
        request,
        "reports/activity_create.html",
        {
            "form": form,
            "initiative": initiative,
            "crumbs": _plan_crumbs(("Ny aktivitet", None)),
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def plan_print(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Order the status overview as a PDF for the steering group (the PPR leader)."""
    plan = _plan(request)
    require_perm(request, "reports.print_plan")
    document = services.print_plan(plan=plan, by=request.user)
    return redirect("documents:document-status", pk=document.pk)
