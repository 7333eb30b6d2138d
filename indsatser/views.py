"""Views of the indsatser app: thin; access through ``visible_to`` (404) and rules (403), domain
changes through services. Every page works without JavaScript; htmx swaps fragments."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cases.models import Case, Child, RulerRating
from ppr.access import audit, get_audited_or_404
from ppr.audit.models import AuditAction
from ppr.deadlines import calendar
from ppr.documents.models import Document
from ppr.drafts import services as drafts
from ppr.drafts.views import autosave
from ppr.drafts.views import done as draft_done
from ppr.forms import apply_service_errors
from ppr.http import AuthenticatedHttpRequest, require_perm
from ppr.organisation.models import SCHOOL_KINDS
from ppr.tables import paginate

from . import services
from .absence_import import closed_case_errors, import_absence
from .absence_import import read_lines as absence_import_lines
from .filters import AbsenceCaseFilter, CourseFilter
from .forms import (
    AbsenceCaseForm,
    AbsenceImportForm,
    AbsenceRecordForm,
    CourseStartForm,
    CourseUpdateForm,
    EndCourseForm,
    EnrolForm,
    FollowUpPlanForm,
    FollowUpRecordForm,
    GoalForm,
    InterventionForm,
    ProcedureStepForm,
    RemoveParticipantForm,
    SessionForm,
    StepCompleteForm,
    child_candidates,
)
from .models import (
    AbsenceCase,
    AbsenceProcedureStep,
    AbsenceStepRecord,
    Attendance,
    Beacon,
    Course,
    CourseParticipant,
    CourseSession,
    FollowUp,
    Intervention,
    PreventionLevel,
)
from .rules import can_manage_course
from .tables import AbsenceCaseTable, CourseTable

COURSE_PURPOSE = services.COURSE_PURPOSE
ABSENCE_PURPOSE = services.ABSENCE_PURPOSE


def _flash(request: HttpRequest, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


def _crumbs(*items: tuple[str, str | None]) -> list[tuple[str, str | None]]:
    return list(items)


# --- Catalogue -----------------------------------------------------------------------------


@login_required
@require_GET
def intervention_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The indsatsvifte: what PPR offers, grouped by prevention level."""
    require_perm(request, "indsatser.view_catalogue")
    show_retired = request.GET.get("udfasede") == "1" and request.user.has_perm(
        "indsatser.manage_catalogue"
    )
    qs = (
        Intervention.objects.visible_to(request.user)
        .select_related("owner")
        .prefetch_related(Prefetch("beacons", queryset=Beacon.objects.order_by("number")))
    )
    if not show_retired:
        qs = qs.available()
    interventions = list(qs.order_by("name"))
    groups = [
        (level, label, [i for i in interventions if i.level == level])
        for level, label in PreventionLevel.choices
    ]
    context = {
        "groups": groups,
        "show_retired": show_retired,
        "crumbs": _crumbs(("Indsatsvifte", None)),
    }
    return render(request, "indsatser/intervention_list.html", context)


@login_required
@require_GET
def intervention_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    require_perm(request, "indsatser.view_catalogue")
    intervention = get_object_or_404(
        Intervention.objects.visible_to(request.user).select_related("owner"), pk=pk
    )
    courses = Course.objects.visible_to(request.user).filter(intervention=intervention)
    context = {
        "intervention": intervention,
        "beacons": intervention.beacons.order_by("number"),
        "course_count": courses.count(),
        "active_course_count": courses.active().count(),
        "crumbs": _crumbs(
            ("Indsatsvifte", reverse("indsatser:intervention-list")), (intervention.name, None)
        ),
    }
    return render(request, "indsatser/intervention_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def intervention_edit(request: AuthenticatedHttpRequest, pk: int | None = None) -> HttpResponse:
    """The PPR leader adds or edits a catalogue entry."""
    require_perm(request, "indsatser.manage_catalogue")
    intervention = get_object_or_404(Intervention, pk=pk) if pk is not None else None
    form = InterventionForm(request.POST or None, instance=intervention)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.save_intervention(
                intervention=form.save(commit=False),
                beacons=form.cleaned_data["beacons"],
                by=request.user,
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, "Indsatsen er gemt.")
            return redirect(saved)
    title = f"Redigér {intervention.name}" if intervention else "Ny indsats"
    context = {
        "form": form,
        "intervention": intervention,
        "title": title,
        "crumbs": _crumbs(("Indsatsvifte", reverse("indsatser:intervention-list")), (title, None)),
    }
    return render(request, "indsatser/intervention_form.html", context)


@login_required
@require_POST
def intervention_retire(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    require_perm(request, "indsatser.manage_catalogue")
    intervention = get_object_or_404(Intervention, pk=pk)
    services.retire_intervention(intervention=intervention, by=request.user)
    messages.success(
        request,
        "Indsatsen er udfaset. Den bliver på de forløb, der har brugt den, men kan ikke vælges til nye.",
    )
    return redirect(intervention)


@login_required
@require_POST
def intervention_reinstate(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    require_perm(request, "indsatser.manage_catalogue")
    intervention = get_object_or_404(Intervention, pk=pk)
    services.reinstate_intervention(intervention=intervention, by=request.user)
    messages.success(request, "Indsatsen er taget i brug igen.")
    return redirect(intervention)


# --- Courses -------------------------------------------------------------------------------


@login_required
@require_GET
def course_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    require_perm(request, "indsatser.view_courses")
    qs = (
        Course.objects.visible_to(request.user)
        .select_related("intervention", "institution", "responsible")
        .annotate(
            participant_count=Count("participants", filter=Q(participants__removed_on__isnull=True))
        )
    )
    filterset = CourseFilter(request.GET, queryset=qs, user=request.user)
    table = CourseTable(filterset.qs if filterset.is_valid() else qs.none())
    paginate(request, table)
    context = {
        "filter": filterset,
        "table": table,
        "can_start": request.user.has_perm("indsatser.start_course"),
        "crumbs": _crumbs(("Forløb", None)),
    }
    template = (
        "indsatser/course_list.html#results" if request.htmx else "indsatser/course_list.html"
    )
    return render(request, template, context)


def _start_course(
    request: AuthenticatedHttpRequest, form: CourseStartForm, *, case: Case | None
) -> Course | None:
    data = form.cleaned_data
    try:
        return services.start_course(
            by=request.user,
            intervention=data["intervention"],
            title=data.get("title") or "",
            responsible=data["responsible"],
            co_leaders=list(data.get("co_leaders") or []),
            starts_on=data["starts_on"],
            ends_on=data.get("ends_on"),
            case=case,
            institution=data.get("institution"),
            goals=data.get("goals") or [],
            follow_up_dates=form.follow_up_dates,
            client_token=data["token"],
        )
    except ValidationError as exc:
        apply_service_errors(form, exc)
        return None


@login_required
@require_http_methods(["GET", "POST"])
def course_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Start a group course (hold)."""
    require_perm(request, "indsatser.start_course")
    form = CourseStartForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        course = _start_course(request, form, case=None)
        if course is not None:
            messages.success(request, "Holdet er oprettet. Tilmeld børnene nedenfor.")
            return redirect(course)
    context = {
        "form": form,
        "title": "Nyt hold",
        "crumbs": _crumbs(("Forløb", reverse("indsatser:course-list")), ("Nyt hold", None)),
    }
    return render(request, "indsatser/course_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def case_course_create(request: AuthenticatedHttpRequest, case_pk: int) -> HttpResponse:
    """Start a course for the child of a case."""
    case = get_audited_or_404(
        request,
        Case.objects.visible_to(request.user).select_related("child__institution"),
        purpose=COURSE_PURPOSE,
        pk=case_pk,
    )
    require_perm(request, "indsatser.start_course")
    if not case.is_open:
        raise PermissionDenied("Sagen er lukket.")
    form = CourseStartForm(request.POST or None, for_child=True, user=request.user)
    if request.method == "POST" and form.is_valid():
        course = _start_course(request, form, case=case)
        if course is not None:
            messages.success(request, "Forløbet er startet.")
            return redirect(course)
    context = {
        "form": form,
        "case": case,
        "title": f"Nyt forløb for {case.child.name}",
        "crumbs": _crumbs(("Forløb", reverse("indsatser:course-list")), ("Nyt forløb", None)),
    }
    return render(request, "indsatser/course_form.html", context)


def _course_queryset(request: AuthenticatedHttpRequest):
    return Course.objects.visible_to(request.user).select_related(
        "intervention", "institution", "responsible", "case__child", "ended_by", "team"
    )


def _managed_course(request: AuthenticatedHttpRequest, pk: int) -> Course:
    """A course the user can see (else 404) and run (else 403). No read is logged: the
    service that changes it writes the audit row."""
    course = get_object_or_404(_course_queryset(request), pk=pk)
    if not can_manage_course(request.user, course):
        raise PermissionDenied
    return course


def before_after(course: Course, participants: list[CourseParticipant]) -> list[dict[str, Any]]:
    """Per child: the latest Børnelineal rating up to the course's start, and the latest one
    given at a follow-up of this course."""
    child_ids = [p.child_id for p in participants]
    follow_up_rating_ids = set(
        FollowUp.ratings.through.objects.filter(followup__course=course).values_list(
            "rulerrating_id", flat=True
        )
    )
    latest_before: dict[int, RulerRating] = {}
    latest_after: dict[int, RulerRating] = {}
    ratings = RulerRating.objects.filter(child_id__in=child_ids).order_by(
        "-rated_on", "-created_at", "-pk"
    )
    for rating in ratings:
        if rating.pk in follow_up_rating_ids:
            latest_after.setdefault(rating.child_id, rating)
        elif rating.rated_on <= course.starts_on:
            latest_before.setdefault(rating.child_id, rating)
    return [
        {
            "participant": p,
            "before": latest_before.get(p.child_id),
            "after": latest_after.get(p.child_id),
        }
        for p in participants
    ]


@login_required
@require_GET
def course_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    course = get_audited_or_404(request, _course_queryset(request), purpose=COURSE_PURPOSE, pk=pk)
    return _course_page(request, course)


def _course_page(
    request: AuthenticatedHttpRequest,
    course: Course,
    *,
    refused: tuple[str, Any] | None = None,
    status: int = 200,
) -> HttpResponse:
    """The course page; ``refused`` is (context name, bound form) of a small form whose input
    was refused: it is shown again with what was typed and each error at its field."""
    manage = bool(can_manage_course(request.user, course))
    participants = list(
        (
            course.participants.all()
            if manage
            else CourseParticipant.objects.visible_to(request.user).filter(course=course)
        )
        .select_related("child__institution")
        .order_by("removed_on", "child__last_name", "child__first_name")
    )
    active = [p for p in participants if p.is_active]
    follow_ups = list(
        course.follow_ups.select_related("recorded_by")
        .prefetch_related("assessments__goal")
        .order_by("planned_on")
    )
    context = {
        "course": course,
        "origin_item": getattr(course, "agenda_item", None) if manage else None,
        "manage": manage,
        "participants": participants,
        "active_participants": active,
        "goals": list(course.goals.all()),
        "sessions": list(
            course.sessions.annotate(
                present_count=Count("attendances", filter=Q(attendances__present=True))
            )
        ),
        "follow_ups": follow_ups,
        "co_leaders": list(course.co_leaders.all()),
        "ratings": before_after(course, active) if manage else [],
        "goal_form": GoalForm(),
        "session_form": SessionForm(initial={"held_on": calendar.today()}),
        "follow_up_form": FollowUpPlanForm(),
        "remove_form": RemoveParticipantForm(),
        "documents": _participant_documents(course) if manage and course.is_group else [],
        "crumbs": _crumbs(("Forløb", reverse("indsatser:course-list")), (course.title, None)),
    }
    if refused is not None:
        context[refused[0]] = refused[1]
    return render(request, "indsatser/course_detail.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def course_update(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    course = _managed_course(request, pk)
    if course.is_ended:
        raise PermissionDenied("Forløbet er afsluttet.")
    form = CourseUpdateForm(request.POST or None, instance=course)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_course(
                course=form.save(commit=False),
                by=request.user,
                co_leaders=list(form.cleaned_data["co_leaders"]),
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, "Forløbet er opdateret.")
            return redirect(course)
    context = {
        "form": form,
        "course": course,
        "title": f"Redigér {course.title}",
        "crumbs": _crumbs(
            ("Forløb", reverse("indsatser:course-list")),
            (course.title, course.get_absolute_url()),
            ("Redigér", None),
        ),
    }
    return render(request, "indsatser/course_form.html", context)


@login_required
@require_POST
def course_start(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """PPR starts a course a koordineringskonference's decision drafted."""
    course = get_object_or_404(Course.objects.visible_to(request.user), pk=pk)
    if not can_manage_course(request.user, course):
        raise PermissionDenied
    was_draft = course.is_draft
    course = services.start_drafted_course(course=course, by=request.user)
    if was_draft:
        messages.success(request, f"Forløbet er startet {course.starts_on:%d.%m.%Y}.")
    return redirect(course)


@login_required
@require_http_methods(["GET", "POST"])
def course_end(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    course = _managed_course(request, pk)
    form = EndCourseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.end_course(
                course=course,
                by=request.user,
                outcome=form.cleaned_data["outcome"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, "Forløbet er afsluttet.")
            return redirect(course)
    context = {
        "form": form,
        "course": course,
        "crumbs": _crumbs(
            ("Forløb", reverse("indsatser:course-list")),
            (course.title, course.get_absolute_url()),
            ("Afslut", None),
        ),
    }
    return render(request, "indsatser/course_end.html", context)


def _post_on_course(
    request: AuthenticatedHttpRequest,
    pk: int,
    form_class: type,
    action: Any,
    success: str,
    *,
    form_name: str,
) -> HttpResponse:
    """A small form on the course page (``form_name`` in its context). A refused form shows the
    course page again (400, the read logged) with what was typed and each error at its field."""
    course = _managed_course(request, pk)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            action(course, form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, success)
            return redirect(course)
    audit(request, course, purpose=COURSE_PURPOSE)
    return _course_page(request, course, refused=(form_name, form), status=400)


@login_required
@require_POST
def goal_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _post_on_course(
        request,
        pk,
        GoalForm,
        lambda course, data: services.add_goal(course=course, text=data["text"], by=request.user),
        "Målet er tilføjet.",
        form_name="goal_form",
    )


@login_required
@require_POST
def session_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _post_on_course(
        request,
        pk,
        SessionForm,
        lambda course, data: services.add_session(
            course=course, held_on=data["held_on"], topic=data["topic"], by=request.user
        ),
        "Gangen er tilføjet.",
        form_name="session_form",
    )


@login_required
@require_POST
def follow_up_plan(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _post_on_course(
        request,
        pk,
        FollowUpPlanForm,
        lambda course, data: services.plan_follow_up(
            course=course, planned_on=data["planned_on"], by=request.user
        ),
        "Opfølgningen er planlagt, og fristen er oprettet.",
        form_name="follow_up_form",
    )


#: The follow-up form's autosaved draft (ppr.drafts): one per user and follow-up.
FOLLOW_UP_DRAFT = "follow-up"


def _follow_up_form(course: Course, data: Any = None, **kwargs: Any) -> FollowUpRecordForm:
    participants = list(course.participants.filter(removed_on__isnull=True).select_related("child"))
    return FollowUpRecordForm(
        data,
        goals=list(course.goals.all()),
        participants=participants,
        rating_required=not course.is_group,
        **kwargs,
    )


def _follow_up(request: AuthenticatedHttpRequest, pk: int) -> tuple[FollowUp, Course]:
    follow_up = get_object_or_404(
        FollowUp.objects.select_related("course"),
        pk=pk,
        course__in=Course.objects.visible_to(request.user),
    )
    return follow_up, _managed_course(request, follow_up.course_id)


@login_required
@require_http_methods(["GET", "POST"])
def follow_up_record(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Record a held follow-up. What the user typed and autosaved before is restored; recording
    deletes that draft, and a second submit finds the follow-up already recorded."""
    follow_up, course = _follow_up(request, pk)
    if not follow_up.is_planned:
        # Reached from a met deadline in Mine frister: show the course, where the result is.
        messages.info(request, "Opfølgningen er allerede registreret. Se den på forløbet.")
        return redirect(course)
    audit(request, course, purpose=COURSE_PURPOSE)
    draft = None
    if request.method == "POST":
        form = _follow_up_form(course, request.POST)
    else:
        draft = drafts.restore(
            request, purpose=FOLLOW_UP_DRAFT, subject=follow_up, audit_purpose=COURSE_PURPOSE
        )
        form = _follow_up_form(course, initial=drafts.initial(draft) if draft else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_follow_up(
                follow_up=follow_up,
                by=request.user,
                held_on=form.cleaned_data["held_on"],
                note=form.cleaned_data["note"],
                goal_statuses=form.goal_statuses,
                ratings=form.ratings,
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            drafts.discard(
                request, purpose=FOLLOW_UP_DRAFT, subject=follow_up, audit_purpose=COURSE_PURPOSE
            )
            messages.success(request, "Opfølgningen er registreret.")
            return redirect(course)
    context = {
        "form": form,
        "course": course,
        "follow_up": follow_up,
        "draft": draft,
        "crumbs": _crumbs(
            ("Forløb", reverse("indsatser:course-list")),
            (course.title, course.get_absolute_url()),
            ("Opfølgning", None),
        ),
    }
    return render(request, "indsatser/follow_up_form.html", context)


@login_required
@require_POST
def follow_up_autosave(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """HTMX autosave of the follow-up form into the user's own draft."""
    follow_up, course = _follow_up(request, pk)
    if not follow_up.is_planned:
        return draft_done(request)  # a late save after the follow-up was recorded
    return autosave(
        request,
        purpose=FOLLOW_UP_DRAFT,
        subject=follow_up,
        form=_follow_up_form(course),
        audit_purpose=COURSE_PURPOSE,
    )


@login_required
@require_http_methods(["GET", "POST"])
def participant_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    course = _managed_course(request, pk)
    if not course.is_group:
        raise PermissionDenied("Et forløb for ét barn har ikke flere deltagere.")
    form = EnrolForm(
        request.POST or None, candidates=child_candidates(request.user, course.institution_id)
    )
    if request.method == "POST" and form.is_valid():
        try:
            participant = services.enrol_child(
                course=course, child=form.cleaned_data["child"], by=request.user
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, f"{participant.child.name} er tilmeldt holdet.")
            return redirect(course)
    context = {
        "form": form,
        "course": course,
        "crumbs": _crumbs(
            ("Forløb", reverse("indsatser:course-list")),
            (course.title, course.get_absolute_url()),
            ("Tilmeld barn", None),
        ),
    }
    return render(request, "indsatser/enrol_form.html", context)


@login_required
@require_POST
def participant_remove(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    participant = get_object_or_404(
        CourseParticipant.objects.select_related("course"),
        pk=pk,
        course__in=Course.objects.visible_to(request.user),
    )
    course = _managed_course(request, participant.course_id)
    form = RemoveParticipantForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Angiv en årsag til udmeldelsen.")
        return redirect(course)
    try:
        services.remove_participant(
            participant=participant, by=request.user, reason=form.cleaned_data["reason"]
        )
    except ValidationError as exc:
        _flash(request, exc)
    else:
        messages.success(request, "Barnet er udmeldt af holdet.")
    return redirect(course)


def _attendance_grid(
    course: Course, participants: list[CourseParticipant]
) -> tuple[list[CourseSession], list[dict[str, Any]]]:
    sessions = list(course.sessions.all())
    marks = {
        (a.session_id, a.participant_id): a.present
        for a in Attendance.objects.filter(session__course=course, participant__in=participants)
    }
    rows = [
        {
            "participant": p,
            "cells": [{"session": s, "present": marks.get((s.pk, p.pk))} for s in sessions],
            "present_total": sum(1 for s in sessions if marks.get((s.pk, p.pk))),
        }
        for p in participants
    ]
    return sessions, rows


@login_required
@require_GET
def course_attendance(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Attendance per session: a grid of participants × sessions; managers toggle each cell."""
    course = get_audited_or_404(request, _course_queryset(request), purpose=COURSE_PURPOSE, pk=pk)
    manage = bool(can_manage_course(request.user, course))
    base = (
        course.participants
        if manage
        else CourseParticipant.objects.visible_to(request.user).filter(course=course)
    )
    participants = list(base.filter(removed_on__isnull=True).select_related("child"))
    sessions, rows = _attendance_grid(course, participants)
    context = {
        "course": course,
        "manage": manage and course.is_active,
        "sessions": sessions,
        "rows": rows,
        "crumbs": _crumbs(
            ("Forløb", reverse("indsatser:course-list")),
            (course.title, course.get_absolute_url()),
            ("Fremmøde", None),
        ),
    }
    return render(request, "indsatser/course_attendance.html", context)


@login_required
@require_POST
def attendance_set(
    request: AuthenticatedHttpRequest, pk: int, session_pk: int, participant_pk: int
) -> HttpResponse:
    course = _managed_course(request, pk)
    session = get_object_or_404(CourseSession, pk=session_pk, course=course)
    participant = get_object_or_404(
        CourseParticipant.objects.select_related("child"), pk=participant_pk, course=course
    )
    present = request.POST.get("present") == "1"
    try:
        services.set_attendance(
            session=session, participant=participant, present=present, by=request.user
        )
    except ValidationError as exc:
        if request.htmx:
            return HttpResponse(" ".join(exc.messages), status=422)
        _flash(request, exc)
        return redirect("indsatser:course-attendance", pk=course.pk)
    if request.htmx:
        cell = {"session": session, "present": present}
        return render(
            request,
            "indsatser/course_attendance.html#cell",
            {"course": course, "cell": cell, "row": {"participant": participant}, "manage": True},
        )
    return redirect("indsatser:course-attendance", pk=course.pk)


def _participant_list_context(course: Course) -> dict[str, Any]:
    participants = list(
        course.participants.filter(removed_on__isnull=True).select_related("child__institution")
    )
    sessions = list(course.sessions.all())
    return {
        "title": f"Deltagerliste: {course.title}",
        "course_title": course.title,
        "intervention": course.intervention.name,
        "responsible": str(course.responsible),
        "co_leaders": [str(u) for u in course.co_leaders.all()],
        "period": f"{course.starts_on:%d.%m.%Y}"
        + (f" – {course.ends_on:%d.%m.%Y}" if course.ends_on else ""),
        "institution": str(course.institution) if course.institution else "",
        "sessions": [f"{s.held_on:%d.%m}" for s in sessions],
        "participants": [
            {"name": p.child.name, "group": p.child.group, "institution": p.child.institution.name}
            for p in participants
        ],
    }


def _participant_documents(course: Course) -> list[Any]:
    return list(Document.objects.for_subject(course).filter(kind="andet")[:1])


@login_required
@require_GET
def participant_print(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The group leader's participant list as a printable page (print stylesheet)."""
    course = _managed_course(request, pk)

    audit(request, course, purpose="udskrift", action=AuditAction.PRINT)
    return render(
        request,
        "indsatser/participant_print.html",
        {"course": course, **_participant_list_context(course)},
    )


@login_required
@require_POST
def participant_pdf(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Order the participant list as a PDF; a new version only when the list has changed."""
    course = _managed_course(request, pk)
    services.request_participant_pdf(
        course=course, context=_participant_list_context(course), by=request.user
    )
    messages.success(
        request, "PDF'en af deltagerlisten dannes. Du kan hente den på siden, når den er klar."
    )
    return redirect(course)


# --- Absence -------------------------------------------------------------------------------


def _absence_queryset(request: AuthenticatedHttpRequest):
    today = calendar.today()
    return (
        AbsenceCase.objects.visible_to(request.user)
        .select_related("child", "current_step", "institution")
        .annotate(
            overdue_steps=Count(
                "steps", filter=Q(steps__done_on__isnull=True, steps__due__lt=today)
            )
        )
    )


@login_required
@require_GET
def absence_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The school leader's list of the school's absence cases: current step and overdue steps."""
    require_perm(request, "indsatser.view_absence")
    qs = _absence_queryset(request)
    filterset = AbsenceCaseFilter(request.GET, queryset=qs)
    table = AbsenceCaseTable(filterset.qs if filterset.is_valid() else qs.none())
    paginate(request, table)
    context = {
        "filter": filterset,
        "table": table,
        "can_open": request.user.has_perm("indsatser.open_absence_case"),
        "crumbs": _crumbs(("Bekymrende fravær", None)),
    }
    template = (
        "indsatser/absence_list.html#results" if request.htmx else "indsatser/absence_list.html"
    )
    return render(request, template, context)


@login_required
@require_http_methods(["GET", "POST"])
def absence_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    require_perm(request, "indsatser.open_absence_case")
    pupils = (
        Child.objects.visible_to(request.user)
        .filter(
            institution_id__in=request.user.institution_ids(), institution__kind__in=SCHOOL_KINDS
        )
        .order_by("last_name", "first_name")
    )
    form = AbsenceCaseForm(request.POST or None, pupils=pupils)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            absence_case = services.open_absence_case(
                child=data["child"],
                by=request.user,
                percent=data["percent"],
                year=data["year"],
                quarter=data["quarter"],
                grade=data["grade"],
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, "Fraværssagen er oprettet.")
            return redirect(absence_case)
    context = {
        "form": form,
        "crumbs": _crumbs(
            ("Bekymrende fravær", reverse("indsatser:absence-list")), ("Ny fraværssag", None)
        ),
    }
    return render(request, "indsatser/absence_form.html", context)


def _pupils(request: AuthenticatedHttpRequest) -> QuerySet[Child]:
    return Child.objects.visible_to(request.user).filter(
        institution_id__in=request.user.institution_ids(), institution__kind__in=SCHOOL_KINDS
    )


@login_required
@require_http_methods(["GET", "POST"])
def absence_import(request: AuthenticatedHttpRequest) -> HttpResponse:
    """A quarter's absence percentages imported from the school's administrative system: the
    whole file checked first, errors per line in Danish, nothing saved from a file with errors."""
    require_perm(request, "indsatser.open_absence_case")
    form = AbsenceImportForm(request.POST or None, request.FILES or None)
    line_errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        year, quarter = form.cleaned_data["year"], form.cleaned_data["quarter"]
        try:
            lines, line_errors = absence_import_lines(
                form.cleaned_data["file"], pupils=_pupils(request)
            )
        except ValidationError as exc:
            form.add_error("file", exc)
        else:
            line_errors += closed_case_errors(lines, year=year, quarter=quarter)
            if not line_errors:
                result = import_absence(lines, year=year, quarter=quarter, by=request.user)
                messages.success(
                    request,
                    f"Fraværet for {quarter}. kvartal {year} er indlæst: {result.opened} nye "
                    f"fraværssager, {result.updated} opdateret, {result.unchanged} uændret.",
                )
                return redirect("indsatser:absence-list")
    context = {
        "form": form,
        "line_errors": line_errors,
        "crumbs": _crumbs(
            ("Bekymrende fravær", reverse("indsatser:absence-list")), ("Indlæs fravær", None)
        ),
    }
    status = 400 if (form.errors or line_errors) else 200
    return render(request, "indsatser/absence_import.html", context, status=status)


@login_required
@require_GET
def absence_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    absence_case = get_audited_or_404(
        request,
        AbsenceCase.objects.visible_to(request.user).select_related(
            "child", "institution", "responsible", "current_step"
        ),
        purpose=ABSENCE_PURPOSE,
        pk=pk,
    )
    return _absence_page(request, absence_case)


def _step_form(record_row: AbsenceStepRecord, data: Any = None) -> StepCompleteForm:
    """One step's "udført" form; ids carry the step so several forms on the page stay apart."""
    return StepCompleteForm(data, auto_id=f"step-{record_row.pk}-%s")


def _absence_page(
    request: AuthenticatedHttpRequest,
    absence_case: AbsenceCase,
    *,
    refused_step: StepCompleteForm | None = None,
    refused_step_pk: int | None = None,
    record_form: AbsenceRecordForm | None = None,
    status: int = 200,
) -> HttpResponse:
    """The absence case's page; a refused form comes back with what was typed and its errors."""
    today = calendar.today()
    steps = list(
        absence_case.steps.select_related("step", "responsible", "done_by", "forum_referral__forum")
    )
    applied = {r.step_id for r in steps}
    context = {
        "absence_case": absence_case,
        "steps": [
            {
                "record": r,
                "overdue": r.is_overdue(today),
                "can_complete": not r.is_done
                and absence_case.is_open
                and request.user.has_perm("indsatser.complete_absence_step", r),
                "form": refused_step if r.pk == refused_step_pk else _step_form(r),
            }
            for r in steps
        ],
        "upcoming": [
            s for s in AbsenceProcedureStep.objects.filter(active=True) if s.pk not in applied
        ],
        "registrations": list(absence_case.registrations.select_related("recorded_by")[:10]),
        "can_edit": absence_case.is_open
        and request.user.has_perm("indsatser.edit_absence_case", absence_case),
        "record_form": record_form
        or AbsenceRecordForm(initial={"percent": absence_case.absence_percent}),
        "crumbs": _crumbs(
            (
                "Bekymrende fravær",
                reverse("indsatser:absence-list")
                if request.user.has_perm("indsatser.view_absence")
                else None,
            ),
            (absence_case.period_label, None),
        ),
    }
    return render(request, "indsatser/absence_detail.html", context, status=status)


def _absence_case_for_edit(request: AuthenticatedHttpRequest, pk: int) -> AbsenceCase:
    absence_case = get_object_or_404(AbsenceCase.objects.visible_to(request.user), pk=pk)
    require_perm(request, "indsatser.edit_absence_case", absence_case)
    return absence_case


@login_required
@require_POST
def absence_record(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    absence_case = _absence_case_for_edit(request, pk)
    form = AbsenceRecordForm(request.POST)
    if not form.is_valid():
        return _absence_page(request, absence_case, record_form=form, status=400)
    try:
        new = services.record_absence(
            absence_case=absence_case, percent=form.cleaned_data["percent"], by=request.user
        )
    except ValidationError as exc:
        apply_service_errors(form, exc)
        return _absence_page(request, absence_case, record_form=form, status=400)
    else:
        if new:
            names = ", ".join(r.step.title for r in new)
            messages.warning(request, f"Fraværet er registreret. Nye trin gælder nu: {names}.")
        else:
            messages.success(request, "Fraværet er registreret.")
    return redirect(absence_case)


@login_required
@require_POST
def absence_close(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    absence_case = _absence_case_for_edit(request, pk)
    services.close_absence_case(absence_case=absence_case, by=request.user)
    messages.success(request, "Fraværssagen er lukket.")
    return redirect(absence_case)


@login_required
@require_POST
def absence_step_complete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    record_row = get_object_or_404(
        AbsenceStepRecord.objects.visible_to(request.user).select_related("step", "absence_case"),
        pk=pk,
    )
    require_perm(request, "indsatser.complete_absence_step", record_row)
    form = _step_form(record_row, request.POST)
    if form.is_valid():
        try:
            services.complete_absence_step(
                record_row=record_row,
                by=request.user,
                note=form.cleaned_data["note"],
                done_on=form.cleaned_data["done_on"],
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(
                request, f"Trinnet „{record_row.step.title}“ er registreret som udført."
            )
            return redirect(record_row.absence_case)
    # Refused: the page again, with the note and date as typed and the errors at this step.
    return _absence_page(
        request,
        record_row.absence_case,
        refused_step=form,
        refused_step_pk=record_row.pk,
        status=400,
    )


# --- The procedure template ----------------------------------------------------------------


@login_required
@require_GET
def procedure_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    require_perm(request, "indsatser.view_catalogue")
    context = {
        "steps": AbsenceProcedureStep.objects.visible_to(request.user).order_by("order"),
        "can_edit": request.user.has_perm("indsatser.manage_procedure"),
        "crumbs": _crumbs(("Fraværsprocedure", None)),
    }
    return render(request, "indsatser/procedure_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def procedure_step_edit(request: AuthenticatedHttpRequest, pk: int | None = None) -> HttpResponse:
    require_perm(request, "indsatser.manage_procedure")
    step = get_object_or_404(AbsenceProcedureStep, pk=pk) if pk is not None else None
    form = ProcedureStepForm(request.POST or None, instance=step)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_procedure_step(step=form.save(commit=False), by=request.user)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, "Trinnet er gemt.")
            return redirect("indsatser:procedure-list")
    title = f"Redigér trin {step.order}" if step else "Nyt trin"
    context = {
        "form": form,
        "title": title,
        "crumbs": _crumbs(("Fraværsprocedure", reverse("indsatser:procedure-list")), (title, None)),
    }
    return render(request, "indsatser/procedure_form.html", context)
