"""Pages for the tværfaglige tirsdagsmøder: the plan, one meeting and its agenda, afbud, swaps,
substitutes, and the private calendar feed."""

from collections import defaultdict
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ppr.accounts.models import Role, User
from ppr.confirm import confirmation_page
from ppr.deadlines import calendar
from ppr.forms import apply_service_errors
from ppr.http import AuthenticatedHttpRequest

from . import rules, tuesdays
from .forms import (
    DiscussionFormSet,
    PlanForm,
    SchoolHolidayForm,
    SubstituteForm,
    SwapForm,
    TuesdayAgendaForm,
)
from .models import CalendarFeed, SchoolHoliday, SeatState, SwapRequest, TuesdayMeeting, TuesdaySeat


def tuesday_user_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """PPR staff, social workers and health visitors: the people of the tirsdagsmøder."""

    @login_required
    @wraps(view)
    def wrapper(request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        user = request.user
        if not (user.is_ppr_staff or user.has_role(Role.SOCIAL_WORKER, Role.HEALTH_VISITOR)):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def _crumbs(*extra: tuple[str, str | None]) -> list[tuple[str, str | None]]:
    return [
        ("Møder", reverse("meetings:index")),
        ("Tirsdagsmøder", reverse("meetings:tuesday-list")),
        *extra,
    ]


def _active_seats() -> Prefetch:
    return Prefetch(
        "seats",
        queryset=TuesdaySeat.objects.filter(state=SeatState.ACTIVE)
        .select_related("user")
        .order_by("profession", "user__first_name"),
        to_attr="active_seats",
    )


@tuesday_user_required
@require_GET
def tuesday_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The year's plan: each Tuesday with the meetings in parallel (Vest, Øst), rooms and names."""
    raw = request.GET.get("aar", "")
    year = int(raw) if raw.isdigit() and 2000 <= int(raw) <= 2100 else calendar.today().year
    meetings = (
        TuesdayMeeting.objects.visible_to(request.user)
        .filter(starts_at__year=year)
        .select_related("district")
        .prefetch_related(_active_seats())
        .order_by("starts_at", "district__name")
    )
    days: dict[Any, list[TuesdayMeeting]] = defaultdict(list)
    for meeting in meetings:
        days[meeting.local_date].append(meeting)
    counts = tuesdays.roster_counts(meetings) if request.user.is_ppr_leader else None
    people = User.objects.filter(pk__in=list(counts)) if counts else []
    context = {
        "year": year,
        "days": sorted(days.items()),
        "counts": sorted(
            ((user, counts[user.pk]) for user in people), key=lambda pair: str(pair[0])
        )
        if counts
        else [],
        "can_plan": rules.can_plan_tuesdays(request.user),
        "crumbs": [("Møder", reverse("meetings:index")), ("Tirsdagsmøder", None)],
    }
    return render(request, "meetings/tuesday_list.html", context)


@tuesday_user_required
@require_http_methods(["GET", "POST"])
def tuesday_plan(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The PPR leader makes next year's plan (in December)."""
    if not rules.can_plan_tuesdays(request.user):
        raise PermissionDenied
    form = PlanForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        year = form.cleaned_data["year"]
        try:
            meetings = tuesdays.generate_plan(
                year=year,
                rooms=form.rooms(),
                start=form.cleaned_data["start"],
                by=request.user,
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            plan = tuesdays.tuesday_dates(year, tuesdays.holidays_in(year))
            note = "".join(
                f" Springer over {what}: {', '.join(f'{d:%d.%m.}' for d in days)}."
                for what, days in (("helligdage", plan.skipped), ("skoleferier", plan.in_holidays))
                if days
            )
            messages.success(
                request,
                f"Planen for {year} er lavet: {len(meetings)} møder.{note} Deltagerne har fået besked.",
            )
            return redirect(f"{reverse('meetings:tuesday-list')}?aar={year}")
    return render(
        request, "meetings/tuesday_plan.html", {"form": form, "crumbs": _crumbs(("Ny plan", None))}
    )


@tuesday_user_required
@require_http_methods(["GET", "POST"])
def school_holidays(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The PPR leader marks the school holidays, school year by school year; the year plan
    places no tirsdagsmøde in them."""
    if not rules.can_plan_tuesdays(request.user):
        raise PermissionDenied
    form = SchoolHolidayForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            holiday = tuesdays.add_school_holiday(**form.cleaned_data, by=request.user)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, f"{holiday} er tilføjet.")
            return redirect("meetings:school-holidays")
    years: dict[str, list[SchoolHoliday]] = defaultdict(list)
    for holiday in SchoolHoliday.objects.all():
        years[holiday.school_year].append(holiday)
    return render(
        request,
        "meetings/school_holidays.html",
        {
            "form": form,
            "years": sorted(years.items()),
            "crumbs": _crumbs(("Skoleferier", None)),
        },
        status=400 if form.errors else 200,
    )


@tuesday_user_required
@require_POST
def school_holiday_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Take a school holiday off the list."""
    if not rules.can_plan_tuesdays(request.user):
        raise PermissionDenied
    holiday = get_object_or_404(SchoolHoliday, pk=pk)
    tuesdays.remove_school_holiday(holiday=holiday, by=request.user)
    messages.success(request, f"{holiday} er fjernet.")
    return redirect("meetings:school-holidays")


def _meeting(request: AuthenticatedHttpRequest, pk: int) -> TuesdayMeeting:
    return get_object_or_404(
        TuesdayMeeting.objects.visible_to(request.user).select_related("district", "timekeeper"),
        pk=pk,
    )


@tuesday_user_required
@require_GET
def tuesday_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk)
    seats = meeting.seats.select_related("user").order_by("profession", "user__first_name")
    my_seat = next(
        (seat for seat in seats if seat.user_id == request.user.pk and seat.is_active), None
    )
    context = {
        "meeting": meeting,
        "seats": seats,
        "my_seat": my_seat
        if my_seat and not meeting.is_cancelled and not meeting.is_past
        else None,
        "discussions": meeting.discussions.select_related("presenter"),
        "can_edit_agenda": rules.can_edit_tuesday_agenda(request.user, meeting),
        "can_cancel": rules.can_plan_tuesdays(request.user) and not meeting.is_cancelled,
        "cancel_question": _cancel_question(meeting),
        "planning": tuesdays.PLANNING_MINUTES,
        "discussion_minutes": tuesdays.DISCUSSION_MINUTES,
        "aob": tuesdays.AOB_MINUTES,
        "crumbs": _crumbs((f"{meeting.local_date:%d.%m.%Y} {meeting.district.name}", None)),
    }
    return render(request, "meetings/tuesday_detail.html", context)


@tuesday_user_required
@require_http_methods(["GET", "POST"])
def tuesday_agenda(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The planning quarter: problems in keywords, priorities, the 90 minutes, a timekeeper, evt."""
    meeting = _meeting(request, pk)
    if not rules.can_edit_tuesday_agenda(request.user, meeting):
        raise PermissionDenied
    participants = User.objects.filter(
        pk__in=meeting.seats.filter(state=SeatState.ACTIVE).values("user_id")
    ).order_by("first_name")
    existing = [
        {
            "keywords": d.keywords,
            "presenter": d.presenter_id,
            "priority": d.priority,
            "minutes": d.minutes,
        }
        for d in meeting.discussions.all()
    ]
    blank_rows = max(4 - len(existing), 1)
    initial = existing + [{} for _ in range(blank_rows)]
    formset = DiscussionFormSet(
        request.POST if request.method == "POST" else None,
        initial=initial,
        prefix="droeftelse",
        form_kwargs={"participants": participants},
    )
    if request.method != "POST":
        formset.extra = 0
    form = TuesdayAgendaForm(
        request.POST if request.method == "POST" else None,
        participants=participants,
        initial={
            "timekeeper": meeting.timekeeper_id,
            "any_other_business": meeting.any_other_business,
        },
    )
    if request.method == "POST" and formset.is_valid() and form.is_valid():
        rows = [f.cleaned_data for f in formset.forms if f.cleaned_data.get("keywords")]
        try:
            tuesdays.save_agenda(
                meeting=meeting,
                discussions=[
                    tuesdays.DiscussionInput(
                        keywords=row["keywords"],
                        priority=row["priority"],
                        minutes=row["minutes"],
                        presenter=row["presenter"],
                    )
                    for row in rows
                ],
                timekeeper=form.cleaned_data["timekeeper"],
                any_other_business=form.cleaned_data["any_other_business"],
                by=request.user,
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, "Dagsordenen er gemt.")
            return redirect(meeting)
    context = {
        "meeting": meeting,
        "formset": formset,
        "form": form,
        "discussion_minutes": tuesdays.DISCUSSION_MINUTES,
        "crumbs": _crumbs(
            (f"{meeting.local_date:%d.%m.%Y} {meeting.district.name}", meeting.get_absolute_url()),
            ("Dagsorden", None),
        ),
    }
    return render(request, "meetings/tuesday_agenda.html", context)


def _cancel_question(meeting: TuesdayMeeting) -> str:
    return (
        f"Tirsdagsmødet {meeting.local_date:%d.%m.%Y} i {meeting.district.name} aflyses for alle, "
        "og deltagerne får besked."
    )


@tuesday_user_required
@require_http_methods(["GET", "POST"])
def tuesday_cancel(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Call off a tirsdagsmøde for everyone; GET asks first (the page without JavaScript)."""
    meeting = _meeting(request, pk)
    if not rules.can_plan_tuesdays(request.user):
        raise PermissionDenied
    if request.method == "GET":
        if meeting.is_cancelled:
            return redirect(meeting)
        return confirmation_page(
            request,
            title="Aflys tirsdagsmødet?",
            text=_cancel_question(meeting),
            confirm_label="Aflys mødet for alle",
            back=meeting.get_absolute_url(),
        )
    tuesdays.cancel_meeting(meeting=meeting, by=request.user)
    messages.success(request, "Mødet er aflyst, og deltagerne har fået besked.")
    return redirect(meeting)


def _own_seat(request: AuthenticatedHttpRequest, pk: int) -> TuesdaySeat:
    seat = get_object_or_404(
        TuesdaySeat.objects.visible_to(request.user).select_related("meeting__district", "user"),
        pk=pk,
    )
    if seat.user_id != request.user.pk or not seat.is_active:
        raise PermissionDenied
    return seat


@tuesday_user_required
@require_POST
def seat_cancel(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Send afbud; the others are told."""
    seat = _own_seat(request, pk)
    try:
        tuesdays.cancel_attendance(seat=seat, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Dit afbud er sendt til de øvrige deltagere.")
    return redirect(seat.meeting)


@tuesday_user_required
@require_http_methods(["GET", "POST"])
def seat_substitute(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Hand the seat to a colleague who has agreed to come instead."""
    seat = _own_seat(request, pk)
    form = SubstituteForm(request.POST if request.method == "POST" else None, seat=seat)
    if request.method == "POST" and form.is_valid():
        try:
            tuesdays.substitute(
                seat=seat, substitute=form.cleaned_data["substitute"], by=request.user
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, "Afløseren er sat på mødet, og deltagerne har fået besked.")
            return redirect(seat.meeting)
    context = {
        "seat": seat,
        "form": form,
        "crumbs": _crumbs(
            (
                f"{seat.meeting.local_date:%d.%m.%Y} {seat.meeting.district.name}",
                seat.meeting.get_absolute_url(),
            ),
            ("Find afløser", None),
        ),
    }
    return render(request, "meetings/seat_substitute.html", context)


@tuesday_user_required
@require_http_methods(["GET", "POST"])
def seat_swap(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Ask a colleague to take the seat, optionally swapping for one of theirs; they must accept."""
    seat = _own_seat(request, pk)
    form = SwapForm(request.POST if request.method == "POST" else None, seat=seat)
    if request.method == "POST" and form.is_valid():
        try:
            tuesdays.request_swap(
                seat=seat,
                colleague=form.cleaned_data["colleague"],
                counter_seat=form.cleaned_data["counter_seat"],
                by=request.user,
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(
                request, "Din kollega er spurgt. Du deltager, indtil kollegaen har sagt ja."
            )
            return redirect("meetings:swap-list")
    context = {
        "seat": seat,
        "form": form,
        "crumbs": _crumbs(
            (
                f"{seat.meeting.local_date:%d.%m.%Y} {seat.meeting.district.name}",
                seat.meeting.get_absolute_url(),
            ),
            ("Byt med en kollega", None),
        ),
    }
    return render(request, "meetings/seat_swap.html", context)


@tuesday_user_required
@require_GET
def swap_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Requests to me (to accept or decline) and from me."""
    swaps = SwapRequest.objects.visible_to(request.user).select_related(
        "seat__meeting__district", "requested_by", "colleague", "counter_seat__meeting__district"
    )
    context = {
        "incoming": [s for s in swaps if s.colleague_id == request.user.pk],
        "outgoing": [s for s in swaps if s.requested_by_id == request.user.pk],
        "crumbs": _crumbs(("Bytte", None)),
    }
    return render(request, "meetings/swap_list.html", context)


@tuesday_user_required
@require_POST
def swap_respond(request: AuthenticatedHttpRequest, pk: int, action: str) -> HttpResponse:
    swap = get_object_or_404(SwapRequest.objects.visible_to(request.user), pk=pk)
    verbs = {
        "accepter": tuesdays.accept_swap,
        "afslaa": tuesdays.decline_swap,
        "traek-tilbage": tuesdays.withdraw_swap,
    }
    if action not in verbs:
        raise Http404
    try:
        verbs[action](swap=swap, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        done = {
            "accepter": "Du har overtaget pladsen.",
            "afslaa": "Du har sagt nej tak.",
            "traek-tilbage": "Anmodningen er trukket tilbage.",
        }
        messages.success(request, done[action])
    return redirect("meetings:swap-list")


# --- Calendar feed -----------------------------------------------------------------------------


@tuesday_user_required
@require_http_methods(["GET", "POST"])
def calendar_settings(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Create, replace or revoke the private calendar address (shown once, when it is made)."""
    feed_url = None
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "create":
            token = tuesdays.issue_calendar_feed(user=request.user)
            feed_url = request.build_absolute_uri(
                reverse("meetings:calendar-feed", kwargs={"token": token})
            )
        elif action == "revoke":
            tuesdays.revoke_calendar_feed(user=request.user)
            messages.success(request, "Kalenderadressen virker ikke længere.")
            return redirect("meetings:calendar-settings")
        else:
            raise PermissionDenied
    feed = CalendarFeed.objects.visible_to(request.user).first()
    context = {"feed": feed, "feed_url": feed_url, "crumbs": _crumbs(("Kalenderabonnement", None))}
    return render(request, "meetings/calendar_settings.html", context)


@require_GET
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The private iCalendar feed: no login (calendar programs cannot log in), the token is the key."""
    owner = tuesdays.feed_owner(token)
    if owner is None:
        raise Http404
    body = tuesdays.calendar_for(
        owner, base_url=request.build_absolute_uri("/").rstrip("/"), domain=request.get_host()
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="ppr-moeder.ics"'
    # Not logged in, so the no-store middleware does not see it: the feed says it itself.
    response["Cache-Control"] = "no-store, private"
    response["X-Content-Type-Options"] = "nosniff"
    response["Referrer-Policy"] = "no-referrer"
    return response
