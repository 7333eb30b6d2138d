"""Deadline pages: Mine frister, the PPR leader's overview, reassignment, settings, notifications."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ppr.http import AuthenticatedHttpRequest
from ppr.organisation.models import Municipality
from ppr.tables import paginate

from . import services
from .filters import AllDeadlinesFilter, DeadlineFilter
from .forms import DeadlineDefaultsForm, ReassignForm
from .models import Deadline, Notification, Reminder, ReminderState
from .tables import AllDeadlinesTable, DeadlineTable, FailedReminderTable

PER_PAGE = 25


@login_required
@require_GET
def deadline_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Mine frister: the user's own deadlines, overdue first."""
    queryset = Deadline.objects.mine(request.user).select_related("content_type").overdue_first()
    filterset = DeadlineFilter(request.GET, queryset=queryset)
    table = DeadlineTable(filterset.qs if filterset.is_valid() else queryset.none())
    paginate(request, table, per_page=PER_PAGE)
    template = (
        "deadlines/deadline_list.html#results" if request.htmx else "deadlines/deadline_list.html"
    )
    return render(
        request,
        template,
        {"filter": filterset, "table": table, "crumbs": [("Mine frister", None)]},
    )


@login_required
@require_GET
def deadline_overview(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The PPR leader's overview of every deadline, filterable by person, kind and district."""
    if not request.user.has_perm("deadlines.view_all_deadlines"):
        raise PermissionDenied
    failed = Reminder.objects.filter(deadline=OuterRef("pk"), state=ReminderState.FAILED)
    queryset = (
        Deadline.objects.visible_to(request.user)
        .select_related("content_type", "responsible")
        .annotate(reminder_failed=Exists(failed))
        .overdue_first()
    )
    filterset = AllDeadlinesFilter(request.GET, queryset=queryset, request=request)
    table = AllDeadlinesTable(filterset.qs if filterset.is_valid() else queryset.none())
    paginate(request, table, per_page=PER_PAGE)
    failed_count = (
        Reminder.objects.visible_to(request.user).filter(state=ReminderState.FAILED).count()
    )
    template = (
        "deadlines/deadline_overview.html#results"
        if request.htmx
        else "deadlines/deadline_overview.html"
    )
    return render(
        request,
        template,
        {
            "filter": filterset,
            "table": table,
            "failed_count": failed_count,
            "crumbs": [("Alle frister", None)],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def deadline_reassign(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The PPR leader gives a deadline to another person (who must have access to its subject)."""
    deadline = get_object_or_404(
        Deadline.objects.visible_to(request.user).select_related("responsible", "content_type"),
        pk=pk,
    )
    if not request.user.has_perm("deadlines.reassign_deadline"):
        raise PermissionDenied
    form = ReassignForm(
        request.POST if request.method == "POST" else None,
        initial={"responsible": deadline.responsible_id},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.reassign_deadline(
                deadline=deadline, responsible=form.cleaned_data["responsible"], by=request.user
            )
        except ValidationError as error:
            form.add_error("responsible" if error.code == "no_access" else None, error)
        else:
            messages.success(
                request, f"Fristen er givet videre til {form.cleaned_data['responsible']}."
            )
            return redirect("deadlines:deadline-overview")
    return render(
        request,
        "deadlines/deadline_reassign.html",
        {
            "deadline": deadline,
            "form": form,
            "crumbs": [
                ("Alle frister", reverse("deadlines:deadline-overview")),
                ("Giv frist videre", None),
            ],
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def deadline_complete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Mark a follow-up deadline as done ("udført"): a confirmation page, then a POST."""
    deadline = get_object_or_404(
        Deadline.objects.visible_to(request.user).select_related("responsible", "content_type"),
        pk=pk,
    )
    can_complete = deadline.is_outstanding and services.met_by_hand(deadline)
    error = ""
    if request.method == "POST":
        try:
            services.complete_deadline(deadline=deadline, by=request.user)
        except ValidationError as exc:
            error = exc.messages[0]
        else:
            messages.success(request, f"Fristen “{deadline.title}” er markeret som udført.")
            return redirect("deadlines:deadline-list")
    return render(
        request,
        "deadlines/deadline_complete.html",
        {
            "deadline": deadline,
            "can_complete": can_complete,
            "error": error,
            "crumbs": [
                ("Mine frister", reverse("deadlines:deadline-list")),
                ("Markér som udført", None),
            ],
        },
        status=400 if error else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def deadline_settings(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The PPR leader sets the municipality's default deadlines and reminder lead time."""
    if not request.user.has_perm("deadlines.change_deadline_defaults"):
        raise PermissionDenied
    form = DeadlineDefaultsForm(
        request.POST if request.method == "POST" else None, instance=Municipality.current()
    )
    if request.method == "POST" and form.is_valid():
        services.save_deadline_defaults(municipality=form.save(commit=False), by=request.user)
        messages.success(request, "Fristerne er gemt.")
        return redirect("deadlines:deadline-settings")
    return render(
        request,
        "deadlines/deadline_settings.html",
        {
            "form": form,
            "crumbs": [
                ("Alle frister", reverse("deadlines:deadline-overview")),
                ("Indstillinger", None),
            ],
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_GET
def failed_reminder_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Reminders whose e-mail could not be sent after the last retry."""
    if not request.user.has_perm("deadlines.view_failed_reminders"):
        raise PermissionDenied
    queryset = (
        Reminder.objects.visible_to(request.user)
        .filter(state=ReminderState.FAILED)
        .select_related("deadline", "deadline__responsible")
    )
    table = FailedReminderTable(queryset)
    paginate(request, table, per_page=PER_PAGE)
    template = (
        "deadlines/failed_reminder_list.html#results"
        if request.htmx
        else "deadlines/failed_reminder_list.html"
    )
    return render(
        request,
        template,
        {
            "table": table,
            "crumbs": [
                ("Alle frister", reverse("deadlines:deadline-overview")),
                ("Fejlede påmindelser", None),
            ],
        },
    )


@login_required
@require_GET
def notification_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The user's notifications, newest first, the unread ones marked new. Showing the list
    reads nothing: a notification is read when its target is opened or it is marked read."""
    page = Paginator(Notification.objects.visible_to(request.user), PER_PAGE).get_page(
        request.GET.get("side")
    )
    return render(
        request,
        "deadlines/notification_list.html",
        {
            "page": page,
            "notifications": list(page.object_list),
            "unread": Notification.objects.visible_to(request.user).unread().count(),
            "crumbs": [("Notifikationer", None)],
        },
    )


@login_required
@require_GET
def notification_open(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Open what the notification is about (the list's and the e-mail's link): marks it read."""
    notification = get_object_or_404(Notification.objects.visible_to(request.user), pk=pk)
    services.mark_notifications_read(user=request.user, ids=[notification.pk])
    if notification.link and url_has_allowed_host_and_scheme(
        notification.link, allowed_hosts=None, require_https=request.is_secure()
    ):
        return redirect(notification.link)
    return redirect("deadlines:notification-list")


@login_required
@require_POST
def notification_read(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Mark one notification read without opening it; back to the same page of the list."""
    notification = get_object_or_404(Notification.objects.visible_to(request.user), pk=pk)
    services.mark_notifications_read(user=request.user, ids=[notification.pk])
    page = request.POST.get("side", "")
    query = f"?side={page}" if page.isdigit() else ""
    return redirect(reverse("deadlines:notification-list") + query)


@login_required
@require_GET
def notification_count(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The bell's count; polled with X-PPR-Poll so it does not keep the session alive."""
    count = Notification.objects.visible_to(request.user).unread().count()
    response = render(request, "deadlines/_bell_count.html", {"unread": count})
    response["Cache-Control"] = "no-store, private"
    return response


@login_required
@require_POST
def notification_read_all(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Mark every notification of the user read."""
    services.mark_notifications_read(user=request.user)
    messages.success(request, "Alle notifikationer er markeret som læst.")
    return redirect("deadlines:notification-list")
