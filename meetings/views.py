"""Pages for the support model (forums, henvisninger, forum meetings), koordineringskonferencer
and notater. The tirsdagsmøder have their own module, ``tuesday_views``.

Out of scope is 404 (``visible_to``); a forbidden action on a visible object is 403.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cases.models import Child, Referral, ReferralStatus
from indsatser.models import Course
from ppr.access import get_audited_or_404
from ppr.accounts.models import CASEWORKER_ROLES, Role, User
from ppr.confirm import can_still_undo, confirmation_page
from ppr.documents.models import Document
from ppr.forms import apply_service_errors
from ppr.http import AuthenticatedHttpRequest
from ppr.organisation.models import Institution
from ppr.tables import paginate

from . import rules, services
from .filters import ForumReferralFilter
from .forms import (
    AgendaItemForm,
    ConferenceMeetingForm,
    ConferenceSeriesForm,
    DecisionForm,
    DecisionOptions,
    FinaliseNoteForm,
    ForumMeetingForm,
    ForumReferralForm,
    NoteForm,
    SupportForumForm,
)
from .models import (
    AgendaItem,
    ConferenceMeeting,
    ConferenceSeries,
    ForumMeeting,
    ForumReferral,
    Note,
    SeatState,
    SupportForum,
    SwapRequest,
    SwapState,
    Trio,
    TuesdaySeat,
)
from .querysets import caseworker_district_ids
from .tables import ForumReferralTable

PER_PAGE = 25


def meeting_user_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Logged in with a role that works with children; the administrator reads no meetings."""

    @login_required
    @wraps(view)
    def wrapper(request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not (request.user.roles - {Role.ADMINISTRATOR, Role.PARENT}):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


# --- Overview ------------------------------------------------------------------------------


@meeting_user_required
@require_GET
def index(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Møder: the user's next meetings and the ways into the support model, conferences and tirsdagsmøder."""
    user = request.user
    now = timezone.now()
    seats = (
        TuesdaySeat.objects.filter(user=user, state=SeatState.ACTIVE, meeting__ends_at__gte=now)
        .select_related("meeting__district")
        .order_by("meeting__starts_at")[:5]
    )
    conferences = (
        ConferenceMeeting.objects.visible_to(user)
        .filter(ends_at__gte=now, cancelled_at__isnull=True)
        .select_related("series__institution")
        .order_by("starts_at")[:8]
    )
    forum_meetings = (
        ForumMeeting.objects.visible_to(user)
        .filter(ends_at__gte=now, cancelled_at__isnull=True)
        .select_related("forum", "institution")
        .order_by("starts_at")[:8]
    )
    swaps = SwapRequest.objects.filter(colleague=user, state=SwapState.PENDING).count()
    context = {
        "seats": seats,
        "conferences": conferences,
        "forum_meetings": forum_meetings,
        "swaps_waiting": swaps,
        "sees_tuesdays": user.is_ppr_staff
        or user.has_role(Role.SOCIAL_WORKER, Role.HEALTH_VISITOR),
        "crumbs": [("Møder", None)],
    }
    return render(request, "meetings/index.html", context)


# --- The support model -----------------------------------------------------------------------


@meeting_user_required
@require_GET
def forum_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The support model: the forums with their rules, as the municipality has set them up."""
    forums = SupportForum.objects.visible_to(request.user)
    context = {
        "forums": forums,
        "can_edit": rules.can_edit_forums(request.user),
        "crumbs": [("Møder", reverse("meetings:index")), ("Supportmodellen", None)],
    }
    return render(request, "meetings/forum_list.html", context)


@meeting_user_required
@require_http_methods(["GET", "POST"])
def forum_update(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The PPR leader edits one forum's rules."""
    forum = get_object_or_404(SupportForum.objects.visible_to(request.user), pk=pk)
    if not rules.can_edit_forums(request.user):
        raise PermissionDenied
    form = SupportForumForm(request.POST if request.method == "POST" else None, instance=forum)
    if request.method == "POST" and form.is_valid():
        services.save_forum(forum=form.save(commit=False), by=request.user)
        messages.success(request, f"{forum.name} er gemt.")
        return redirect("meetings:forum-list")
    context = {
        "form": form,
        "forum": forum,
        "crumbs": [
            ("Møder", reverse("meetings:index")),
            ("Supportmodellen", reverse("meetings:forum-list")),
            (forum.name, None),
        ],
    }
    return render(request, "meetings/forum_form.html", context)


def _referring_institutions(user: Any) -> Any:
    """Institutions the user may refer from: where they lead, or sit in this year's TRIO."""
    # The same rule as rules.can_refer_from, for every institution at once.
    mine = Q(pk__in=[])
    if user.has_role(Role.PSYCHOLOGIST):
        mine |= Q(psychologist=user)
    if at := user.institution_ids():
        mine |= (Q(leader=user) | Q(resource_person=user)) & Q(institution_id__in=at)
    trios = Trio.objects.current().filter(mine)
    return Institution.objects.filter(
        Q(pk__in=user.institution_ids(Role.INSTITUTION_LEADER))
        | Q(pk__in=trios.values("institution_id")),
        active=True,
    )


def _working_institutions(user: Any) -> Any:
    """Institutions the user works with: their own, or those PPR works with."""
    if user.has_role(Role.PPR_LEADER):
        return Institution.objects.filter(active=True)
    ids = set(user.institution_ids())
    if user.has_role(*CASEWORKER_ROLES):
        ids |= set(
            Institution.objects.filter(district_id__in=caseworker_district_ids(user)).values_list(
                "pk", flat=True
            )
        )
    return Institution.objects.filter(pk__in=ids, active=True)


@meeting_user_required
@require_GET
def forumreferral_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Henvisninger the user may see, filterable by institution, forum and colour."""
    queryset = (
        ForumReferral.objects.visible_to(request.user)
        .select_related("institution", "forum", "child")
        .prefetch_related("ratings")
    )
    institutions = Institution.objects.filter(pk__in=queryset.values("institution_id"))
    filterset = ForumReferralFilter(request.GET, queryset=queryset, institutions=institutions)

    table = ForumReferralTable(filterset.qs if filterset.is_valid() else queryset.none())
    paginate(request, table, per_page=PER_PAGE)
    context = {
        "filter": filterset,
        "table": table,
        "can_create": _referring_institutions(request.user).exists(),
        "crumbs": [("Møder", reverse("meetings:index")), ("Henvisninger", None)],
    }
    template = "meetings/forumreferral_list.html"
    return render(request, f"{template}#results" if request.htmx else template, context)


def _chosen_institution(request: AuthenticatedHttpRequest, allowed: Any) -> Institution | None:
    """The institution named in ?institution=, or the user's only one."""
    raw = request.GET.get("institution") or request.POST.get("institution")
    if raw:
        if not raw.isdigit():
            return None
        return allowed.filter(pk=int(raw)).first()
    return allowed.first() if allowed.count() == 1 else None


def _redirected_referral(request: AuthenticatedHttpRequest, allowed: Any) -> Referral | None:
    """The indstilling named in ?indstilling=: one PPR redirected to a forum, not yet recorded."""
    raw = request.GET.get("indstilling", "")
    if not raw:
        return None
    return get_object_or_404(
        Referral.objects.visible_to(request.user).filter(
            status=ReferralStatus.REDIRECTED,
            institution__in=allowed,
            forum_referral__isnull=True,
        ),
        pk=int(raw) if raw.isdigit() else 0,
    )


def _initial_from(referral: Referral, institution: Institution) -> dict[str, Any]:
    """Start the henvisning from what PPR decided: the forum, the child, the colour."""
    initial: dict[str, Any] = {
        "child": referral.child_id,
        "ruler_colour": referral.ruler_colour,
        "rationale": f"PPR henviste indstilling nr. {referral.pk} til forummet ved visitationen.",
    }
    forum = (
        SupportForum.objects.for_institution(institution)
        .filter(code=referral.redirect_forum)
        .first()
    )
    if forum is not None:
        initial["forum"] = forum.pk
    return initial


@meeting_user_required
@require_http_methods(["GET", "POST"])
def forumreferral_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The TRIO records a henvisning: first the institution, then forum, child or anonymous, colour.

    With ?indstilling= it records where PPR's visitation redirected a referral, linked to it.
    """
    allowed = _referring_institutions(request.user)
    if not allowed.exists():
        raise PermissionDenied
    redirected = _redirected_referral(request, allowed)
    if redirected is not None:
        institution: Institution | None = redirected.institution
    else:
        institution = _chosen_institution(request, allowed)
    crumbs = [
        ("Møder", reverse("meetings:index")),
        ("Henvisninger", reverse("meetings:forumreferral-list")),
        ("Ny henvisning", None),
    ]
    if institution is None:
        return render(
            request,
            "meetings/choose_institution.html",
            {"institutions": allowed, "crumbs": crumbs, "title": "Ny henvisning"},
        )
    form = ForumReferralForm(
        request.POST if request.method == "POST" else None,
        institution=institution,
        user=request.user,
        initial=_initial_from(redirected, institution) if redirected else None,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            forum_referral = services.refer_to_forum(
                institution=institution,
                forum=data["forum"],
                child=data["child"],
                anonymous_description=data["anonymous_description"],
                referred_on=data["referred_on"],
                rationale=data["rationale"],
                ruler_colour=data["ruler_colour"],
                follow_up_on=data["follow_up_on"],
                by=request.user,
                own=form.own_response(),
                referral=redirected,
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, f"Henvisningen til {forum_referral.forum} er gemt.")
            return redirect(forum_referral)
    context = {
        "form": form,
        "institution": institution,
        "redirected": redirected,
        "crumbs": crumbs,
    }
    return render(request, "meetings/forumreferral_form.html", context)


@meeting_user_required
@require_GET
def forumreferral_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    queryset = ForumReferral.objects.visible_to(request.user).select_related(
        "institution", "forum", "child", "created_by"
    )
    forum_referral = get_audited_or_404(request, queryset, purpose=services.PURPOSE_SUPPORT, pk=pk)
    meetings = (
        ForumMeeting.objects.visible_to(request.user)
        .filter(forum_referral=forum_referral)
        .select_related("forum")
    )
    # The indstilling is PPR's record; link it only for those who may open it (else a 404).
    referral_visible = (
        forum_referral.referral_id is not None
        and Referral.objects.visible_to(request.user).filter(pk=forum_referral.referral_id).exists()
    )
    origin = AgendaItem.objects.filter(forum_referral=forum_referral).select_related(
        "meeting__series"
    )
    context = {
        "forum_referral": forum_referral,
        "referral_visible": referral_visible,
        "origin_item": origin.filter(
            meeting__in=ConferenceMeeting.objects.visible_to(request.user)
        ).first(),
        "meetings": meetings,
        "can_finish": forum_referral.is_draft
        and rules.can_refer_from(request.user, forum_referral.institution),
        "can_book": not forum_referral.is_draft
        and forum_referral.forum.booked_by != "aaben_konsultation"
        and rules.can_book(request.user, forum_referral.forum, forum_referral.institution),
        "crumbs": [
            ("Møder", reverse("meetings:index")),
            ("Henvisninger", reverse("meetings:forumreferral-list")),
            (str(forum_referral), None),
        ],
    }
    return render(request, "meetings/forumreferral_detail.html", context)


@meeting_user_required
@require_http_methods(["GET", "POST"])
def forumreferral_finish(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The institution goes through a henvisning a decision drafted, and sends it."""
    forum_referral = get_object_or_404(
        ForumReferral.objects.visible_to(request.user).select_related("institution", "referral"),
        pk=pk,
    )
    if not rules.can_refer_from(request.user, forum_referral.institution):
        raise PermissionDenied
    if not forum_referral.is_draft:
        return redirect(forum_referral)
    institution = forum_referral.institution
    initial = {
        field: getattr(forum_referral, field)
        for field in (
            "anonymous_description",
            "referred_on",
            "rationale",
            "ruler_colour",
            "own_tried",
            "own_from",
            "own_to",
            "own_result",
        )
        if getattr(forum_referral, field) is not None
    }
    initial.update(forum=forum_referral.forum_id, child=forum_referral.child_id)
    if not initial["ruler_colour"] and forum_referral.referral is not None:
        # A named draft proposes the indstilling's colour; sent, it becomes the child's rating.
        initial["ruler_colour"] = forum_referral.referral.ruler_colour
    if forum_referral.follow_up_on:
        initial["follow_up_on"] = forum_referral.follow_up_on
    form = ForumReferralForm(
        request.POST if request.method == "POST" else None,
        institution=institution,
        user=request.user,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            forum_referral = services.finish_forum_referral(
                forum_referral=forum_referral,
                forum=data["forum"],
                child=data["child"],
                anonymous_description=data["anonymous_description"],
                referred_on=data["referred_on"],
                rationale=data["rationale"],
                ruler_colour=data["ruler_colour"],
                follow_up_on=data["follow_up_on"],
                by=request.user,
                own=form.own_response(),
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, f"Henvisningen til {forum_referral.forum} er sendt.")
            return redirect(forum_referral)
    context = {
        "form": form,
        "institution": institution,
        "draft": forum_referral,
        "crumbs": [
            ("Møder", reverse("meetings:index")),
            ("Henvisninger", reverse("meetings:forumreferral-list")),
            (str(forum_referral), forum_referral.get_absolute_url()),
            ("Gør færdig", None),
        ],
    }
    return render(request, "meetings/forumreferral_form.html", context)


@meeting_user_required
@require_http_methods(["GET", "POST"])
def forummeeting_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Book a forum meeting, from a henvisning (?henvisning=) or for an institution (?institution=)."""
    forum_referral = None
    raw = request.GET.get("henvisning", "")
    if raw:
        forum_referral = get_object_or_404(
            ForumReferral.objects.visible_to(request.user).select_related(
                "institution", "forum", "child"
            ),
            pk=int(raw) if raw.isdigit() else 0,
        )
        institution = forum_referral.institution
    else:
        allowed = _working_institutions(request.user)
        if request.user.has_role(Role.PPR_LEADER, Role.SECRETARY, Role.SOCIAL_WORKER):
            allowed = Institution.objects.filter(active=True)
        if not allowed.exists():
            raise PermissionDenied
        chosen = _chosen_institution(request, allowed)
        crumbs = [("Møder", reverse("meetings:index")), ("Book møde", None)]
        if chosen is None:
            return render(
                request,
                "meetings/choose_institution.html",
                {"institutions": allowed, "crumbs": crumbs, "title": "Book møde i et forum"},
            )
        institution = chosen
    initial: dict[str, Any] = {"location": institution.name}
    if forum_referral is not None:
        initial["forum"] = forum_referral.forum_id
        if not rules.can_book(request.user, forum_referral.forum, institution):
            raise PermissionDenied
    form = ForumMeetingForm(
        request.POST if request.method == "POST" else None,
        institution=institution,
        user=request.user,
        fixed_child=forum_referral.child if forum_referral else None,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            meeting = services.book_forum_meeting(
                forum=data["forum"],
                institution=institution,
                forum_referral=forum_referral,
                child=forum_referral.child if forum_referral else data.get("child"),
                starts_at=data["starts_at"],
                ends_at=data["ends_at"],
                location=data["location"],
                chair=data["chair"],
                minutes_writer=data["minutes_writer"],
                participants=data["participants"],
                other_participants=data["other_participants"],
                by=request.user,
            )
        except PermissionDenied:
            form.add_error(
                "forum",
                f"Du kan ikke booke {data['forum'].name}: {data['forum'].get_booked_by_display().lower()} booker.",
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, "Mødet er booket, og deltagerne har fået besked.")
            return redirect(meeting)
    context = {
        "form": form,
        "institution": institution,
        "forum_referral": forum_referral,
        "forums": SupportForum.objects.for_institution(institution),
        "crumbs": [("Møder", reverse("meetings:index")), ("Book møde", None)],
    }
    return render(request, "meetings/forummeeting_form.html", context)


@meeting_user_required
@require_GET
def forummeeting_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    queryset = ForumMeeting.objects.visible_to(request.user).select_related(
        "forum", "institution", "child", "chair", "minutes_writer", "forum_referral"
    )
    meeting = get_audited_or_404(request, queryset, purpose=services.PURPOSE_SUPPORT, pk=pk)
    note = Note.objects.visible_to(request.user).filter(forum_meeting=meeting).first()
    context = {
        "meeting": meeting,
        "participants": meeting.participants.all(),
        "note": note,
        "can_write_note": rules.can_write_note_for(request.user, meeting)
        and meeting.cancelled_at is None,
        **_cancel_actions(request.user, meeting),
        "crumbs": [("Møder", reverse("meetings:index")), (str(meeting), None)],
    }
    return render(request, "meetings/forummeeting_detail.html", context)


# --- Koordineringskonferencer ------------------------------------------------------------------


def _managed_institutions(user: Any) -> Any:
    if user.has_role(Role.PPR_LEADER, Role.SECRETARY):
        return Institution.objects.filter(active=True)
    return Institution.objects.filter(
        pk__in=user.institution_ids(Role.INSTITUTION_LEADER), active=True
    )


@meeting_user_required
@require_GET
def series_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The koordineringskonferencer the user may see, with each one's next date."""
    now = timezone.now()
    upcoming = ConferenceMeeting.objects.filter(
        starts_at__gte=now, cancelled_at__isnull=True
    ).order_by("starts_at")
    series = (
        ConferenceSeries.objects.visible_to(request.user)
        .select_related("institution__district")
        .prefetch_related(Prefetch("meetings", queryset=upcoming, to_attr="upcoming"))
    )
    managed = _managed_institutions(request.user).exclude(conference_series__isnull=False)
    context = {
        "series_list": series,
        "can_create": managed.exists(),
        "crumbs": [("Møder", reverse("meetings:index")), ("Koordineringskonferencer", None)],
    }
    return render(request, "meetings/series_list.html", context)


@meeting_user_required
@require_http_methods(["GET", "POST"])
def series_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    allowed = _managed_institutions(request.user).exclude(conference_series__isnull=False)
    if not _managed_institutions(request.user).exists():
        raise PermissionDenied
    if not allowed.exists():
        messages.info(
            request, "Alle dine institutioner har allerede en række koordineringskonferencer."
        )
        return redirect("meetings:series-list")
    institution = _chosen_institution(request, allowed)
    crumbs = [
        ("Møder", reverse("meetings:index")),
        ("Koordineringskonferencer", reverse("meetings:series-list")),
        ("Ny række", None),
    ]
    if institution is None:
        return render(
            request,
            "meetings/choose_institution.html",
            {
                "institutions": allowed,
                "crumbs": crumbs,
                "title": "Ny række koordineringskonferencer",
            },
        )
    form = ConferenceSeriesForm(
        request.POST if request.method == "POST" else None, institution=institution
    )
    if request.method == "POST" and form.is_valid():
        series = services.save_series(
            series=form.save(commit=False),
            standing_participants=form.cleaned_data["standing_participants"],
            by=request.user,
        )
        messages.success(request, f"{series.name} er oprettet.")
        return redirect(series)
    return render(
        request,
        "meetings/series_form.html",
        {"form": form, "institution": institution, "crumbs": crumbs},
    )


@meeting_user_required
@require_http_methods(["GET", "POST"])
def series_update(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    series = get_object_or_404(
        ConferenceSeries.objects.visible_to(request.user).select_related("institution"), pk=pk
    )
    if not rules.can_manage_conferences(request.user, series.institution):
        raise PermissionDenied
    form = ConferenceSeriesForm(
        request.POST if request.method == "POST" else None,
        instance=series,
        institution=series.institution,
    )
    if request.method == "POST" and form.is_valid():
        services.save_series(
            series=form.save(commit=False),
            standing_participants=form.cleaned_data["standing_participants"],
            by=request.user,
        )
        messages.success(request, "Ændringerne er gemt.")
        return redirect(series)
    crumbs = [
        ("Møder", reverse("meetings:index")),
        ("Koordineringskonferencer", reverse("meetings:series-list")),
        (series.name, series.get_absolute_url()),
        ("Ret", None),
    ]
    return render(
        request,
        "meetings/series_form.html",
        {"form": form, "institution": series.institution, "crumbs": crumbs},
    )


def _series_page(
    request: AuthenticatedHttpRequest, series: ConferenceSeries, form: ConferenceMeetingForm | None
) -> HttpResponse:
    can_manage = rules.can_manage_conferences(request.user, series.institution)
    if can_manage and form is None:
        form = ConferenceMeetingForm(initial={"room": series.room})
    context = {
        "series": series,
        "meetings": series.meetings.order_by("-starts_at"),
        "standing": series.standing_participants.all(),
        "form": form if can_manage else None,
        "can_manage": can_manage,
        "crumbs": [
            ("Møder", reverse("meetings:index")),
            ("Koordineringskonferencer", reverse("meetings:series-list")),
            (series.name, None),
        ],
    }
    return render(request, "meetings/series_detail.html", context)


@meeting_user_required
@require_GET
def series_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    series = get_object_or_404(
        ConferenceSeries.objects.visible_to(request.user).select_related("institution__district"),
        pk=pk,
    )
    return _series_page(request, series, None)


@meeting_user_required
@require_POST
def conference_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Schedule one koordineringskonference in the series."""
    series = get_object_or_404(
        ConferenceSeries.objects.visible_to(request.user).select_related("institution"), pk=pk
    )
    if not rules.can_manage_conferences(request.user, series.institution):
        raise PermissionDenied
    form = ConferenceMeetingForm(request.POST)
    if form.is_valid():
        try:
            meeting = services.schedule_conference(
                series=series,
                starts_at=form.cleaned_data["starts_at"],
                ends_at=form.cleaned_data["ends_at"],
                room=form.cleaned_data["room"],
                by=request.user,
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(
                request, "Konferencen er sat i kalenderen, og de faste deltagere har fået besked."
            )
            return redirect(meeting)
    return _series_page(request, series, form)


def _conference_queryset(user: Any) -> Any:
    return ConferenceMeeting.objects.visible_to(user).select_related(
        "series__institution__district"
    )


def _items(meeting: ConferenceMeeting) -> Any:
    return meeting.items.select_related(
        "child",
        "responsible",
        "forum",
        "submitted_by",
        "decided_by",
        "forum_referral",
        "course",
        "referral",
    )


def consent_withdrawn(items: list[AgendaItem], meeting: ConferenceMeeting) -> set[int]:
    """The named items whose custody holders no longer all consent to this konference (a
    consent withdrawn since, in the parents' portal or by staff): their child may not be named."""
    named = {item.child_id for item in items if item.child_id is not None}
    lacking = services.children_without_meeting_consent(named, meeting.series.name)
    return {item.pk for item in items if item.child_id in lacking}


def created_by_decision(user: User, item: AgendaItem) -> list[tuple[str, str | None]]:
    """What the item's decision created, as (label, link); no link where the user may not open it."""
    created: list[tuple[str, str | None]] = []
    if (henvisning := item.forum_referral) is not None:
        visible = ForumReferral.objects.visible_to(user).filter(pk=henvisning.pk).exists()
        label = f"Henvisning til {henvisning.forum} ({henvisning.get_status_display().lower()})"
        created.append((label, henvisning.get_absolute_url() if visible else None))
    if (course := item.course) is not None:
        visible = Course.objects.visible_to(user).filter(pk=course.pk).exists()
        label = f"Forløb: {course.title} ({course.get_status_display().lower()})"
        created.append((label, course.get_absolute_url() if visible else None))
    if (referral := item.referral) is not None:
        visible = Referral.objects.visible_to(user).filter(pk=referral.pk).exists()
        label = f"Indstilling nr. {referral.pk} til PPR ({referral.get_status_display().lower()})"
        created.append((label, referral.get_absolute_url() if visible else None))
    return created


def _conference_page(
    request: AuthenticatedHttpRequest,
    meeting: ConferenceMeeting,
    *,
    item_form: AgendaItemForm | None = None,
    bound: DecisionForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    can_decide = rules.can_decide(user, meeting)
    items = list(_items(meeting))
    options = DecisionOptions.for_meeting(meeting) if can_decide and items else None
    withdrawn = consent_withdrawn(items, meeting)
    rows = [
        {
            "item": item,
            "form": (
                bound
                if bound is not None and bound.prefix == f"punkt-{item.pk}"
                else DecisionForm(item=item, options=options)
            )
            if can_decide
            else None,
            "created": created_by_decision(user, item),
            "consent_withdrawn": item.pk in withdrawn,
        }
        for item in items
    ]
    can_add = rules.can_add_item(user, meeting) and meeting.cancelled_at is None
    if can_add and item_form is None:
        item_form = AgendaItemForm(meeting=meeting, user=user)
    note = Note.objects.filter(conference_meeting=meeting).first()
    context = {
        "meeting": meeting,
        "rows": rows,
        "participants": meeting.participants.all(),
        "item_form": item_form if can_add else None,
        "can_decide": can_decide,
        "note": note
        if note and Note.objects.visible_to(user).filter(pk=note.pk).exists()
        else None,
        "can_write_note": rules.can_write_note_for(user, meeting) and meeting.cancelled_at is None,
        **_cancel_actions(user, meeting),
        "crumbs": [
            ("Møder", reverse("meetings:index")),
            ("Koordineringskonferencer", reverse("meetings:series-list")),
            (meeting.series.name, meeting.series.get_absolute_url()),
            (f"{timezone.localtime(meeting.starts_at):%d.%m.%Y}", None),
        ],
    }
    return render(request, "meetings/conference_detail.html", context, status=status)


@meeting_user_required
@require_GET
def conference_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The meeting page used in the room: the agenda item by item, decisions entered in place."""
    meeting = get_audited_or_404(
        request, _conference_queryset(request.user), purpose=services.PURPOSE_CONFERENCE, pk=pk
    )
    return _conference_page(request, meeting)


def cancel_question(meeting: ForumMeeting | ConferenceMeeting) -> str:
    """What calling the meeting off does, said before it is done."""
    when = f"{timezone.localtime(meeting.starts_at):%d.%m.%Y kl. %H.%M}"
    return (
        f"Mødet {when} aflyses, deltagerne får besked, og der skal ikke skrives notat. "
        "Du kan fortryde aflysningen de første minutter."
    )


def _cancel_actions(user: User, meeting: ForumMeeting | ConferenceMeeting) -> dict[str, Any]:
    """The page's cancel button (with its question) or, just after cancelling, its undo."""
    allowed = services.can_cancel(user, meeting)
    return {
        "can_cancel": meeting.cancelled_at is None and allowed,
        "can_undo_cancel": allowed and can_still_undo(meeting.cancelled_at),
        "cancel_question": cancel_question(meeting),
    }


def _cancel(
    request: AuthenticatedHttpRequest, meeting: ForumMeeting | ConferenceMeeting
) -> HttpResponse:
    if not services.can_cancel(request.user, meeting):
        raise PermissionDenied
    if request.method == "GET":
        if meeting.cancelled_at is not None:
            return redirect(meeting)
        return confirmation_page(
            request,
            title="Aflys mødet?",
            text=cancel_question(meeting),
            confirm_label="Aflys mødet",
            back=meeting.get_absolute_url(),
        )
    try:
        services.cancel_meeting(meeting=meeting, by=request.user)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, "Mødet er aflyst, og deltagerne har fået besked.")
    return redirect(meeting)


def _uncancel(
    request: AuthenticatedHttpRequest, meeting: ForumMeeting | ConferenceMeeting
) -> HttpResponse:
    try:
        services.undo_cancel_meeting(meeting=meeting, by=request.user)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, "Aflysningen er fortrudt, og deltagerne har fået besked.")
    return redirect(meeting)


def _forum_meeting(request: AuthenticatedHttpRequest, pk: int) -> ForumMeeting:
    return get_object_or_404(
        ForumMeeting.objects.visible_to(request.user).select_related("forum", "institution"),
        pk=pk,
    )


@meeting_user_required
@require_http_methods(["GET", "POST"])
def forummeeting_cancel(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Call off a booked forum meeting (its notat deadline is cancelled); GET asks first."""
    return _cancel(request, _forum_meeting(request, pk))


@meeting_user_required
@require_POST
def forummeeting_uncancel(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Fortryd: a forum meeting called off a few minutes ago is held after all."""
    return _uncancel(request, _forum_meeting(request, pk))


@meeting_user_required
@require_http_methods(["GET", "POST"])
def conference_cancel(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Call off one koordineringskonference (its notat deadline is cancelled); GET asks first."""
    return _cancel(request, get_object_or_404(_conference_queryset(request.user), pk=pk))


@meeting_user_required
@require_POST
def conference_uncancel(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Fortryd: a koordineringskonference called off a few minutes ago is held after all."""
    return _uncancel(request, get_object_or_404(_conference_queryset(request.user), pk=pk))


@meeting_user_required
@require_POST
def item_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Put an opgave on the agenda (named only with consent)."""
    meeting = get_object_or_404(_conference_queryset(request.user), pk=pk)
    if not rules.can_add_item(request.user, meeting):
        raise PermissionDenied
    form = AgendaItemForm(request.POST, meeting=meeting, user=request.user)
    if form.is_valid():
        data = form.cleaned_data
        try:
            item = services.add_agenda_item(
                meeting=meeting,
                title=data["title"],
                description=data["description"],
                child=data["child"],
                anonymous_description=data["anonymous_description"],
                by=request.user,
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, f"Punkt {item.position} er sat på dagsordenen.")
            return redirect(f"{meeting.get_absolute_url()}#punkt-{item.pk}")
    return _conference_page(request, meeting, item_form=form)


@meeting_user_required
@require_POST
def item_decide(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Save the decision on one item. With htmx the answer is the item's fragment; without, a redirect."""
    item = get_object_or_404(
        AgendaItem.objects.visible_to(request.user).select_related(
            "meeting__series__institution__district"
        ),
        pk=pk,
    )
    meeting = item.meeting
    if not rules.can_decide(request.user, meeting):
        raise PermissionDenied
    form = DecisionForm(request.POST, item=item)
    if form.is_valid():
        data = form.cleaned_data
        try:
            item = services.decide_item(
                item=item,
                decision=data["decision"],
                decision_note=data["decision_note"],
                responsible=data["responsible"],
                follow_up_on=data["follow_up_on"],
                forum=data["forum"],
                intervention=data["intervention"],
                version=data["version"],
                by=request.user,
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            if request.htmx:
                item = _items(meeting).get(pk=item.pk)
                row = {
                    "item": item,
                    "form": DecisionForm(item=item),
                    "saved": True,
                    "created": created_by_decision(request.user, item),
                    "consent_withdrawn": bool(consent_withdrawn([item], meeting)),
                }
                return render(
                    request,
                    "meetings/conference_detail.html#item",
                    {"row": row, "meeting": meeting, "can_decide": True},
                )
            messages.success(request, f"Beslutningen på punkt {item.position} er gemt.")
            return redirect(f"{meeting.get_absolute_url()}#punkt-{item.pk}")
    if request.htmx:
        item = _items(meeting).get(pk=item.pk)
        row = {
            "item": item,
            "form": form,
            "created": created_by_decision(request.user, item),
            "consent_withdrawn": bool(consent_withdrawn([item], meeting)),
        }
        return render(
            request,
            "meetings/conference_detail.html#item",
            {"row": row, "meeting": meeting, "can_decide": True},
        )
    return _conference_page(request, meeting, bound=form)


# --- Notater -----------------------------------------------------------------------------------


@meeting_user_required
@require_POST
def note_create(request: AuthenticatedHttpRequest, kind: str, pk: int) -> HttpResponse:
    """Open the meeting's notat (or the existing one)."""
    if kind == "forum":
        meeting: Any = get_object_or_404(ForumMeeting.objects.visible_to(request.user), pk=pk)
    elif kind == "konference":
        meeting = get_object_or_404(_conference_queryset(request.user), pk=pk)
    else:
        raise PermissionDenied
    if not rules.can_write_note_for(request.user, meeting):
        raise PermissionDenied
    note = services.start_note(meeting=meeting, by=request.user)
    return redirect(note)


def _note_queryset(user: Any) -> Any:
    return Note.objects.visible_to(user).select_related(
        "forum_meeting__forum",
        "forum_meeting__institution",
        "forum_meeting__child",
        "conference_meeting__series__institution",
        "author",
        "finalised_by",
    )


@meeting_user_required
@require_http_methods(["GET", "POST"])
def note_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Read the notat; its writer edits the draft here (a version number guards parallel edits)."""
    note = get_audited_or_404(
        request, _note_queryset(request.user), purpose=services.PURPOSE_NOTE, pk=pk
    )
    can_edit = not note.is_final and rules.can_edit_note(request.user, note)
    if request.method == "POST" and not can_edit:
        raise PermissionDenied
    form = (
        NoteForm(request.POST if request.method == "POST" else None, note=note)
        if can_edit
        else None
    )
    if form is not None and request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.save_note(
                note=note,
                title=data["title"],
                text=data["text"],
                decisions=data["decisions"],
                other_participants=data["other_participants"],
                participants=data["participants"],
                version=data["version"],
                by=request.user,
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, "Notatet er gemt som kladde.")
            return redirect(note)
    document = None
    if note.is_final:
        document = Document.objects.for_subject(note).first()
    meeting = note.meeting
    context = {
        "note": note,
        "meeting": meeting,
        "form": form,
        "document": document,
        "note_post": services.note_post(note, document) if note.is_final else [],
        "participants": note.participants.all(),
        "children": Child.objects.filter(pk__in=note.named_child_ids()),
        "before_meeting": meeting.starts_at > timezone.now(),
        "crumbs": [
            ("Møder", reverse("meetings:index")),
            (str(meeting), meeting.get_absolute_url()),
            (note.title, None),
        ],
    }
    return render(request, "meetings/note_detail.html", context)


#: The status fragment the notat's autosave answers with; a saved version goes to both forms.
NOTE_AUTOSAVE = "includes/autosave_status.html"
NOTE_VERSION_IDS = ["id_version", "id_finalise_version"]


@meeting_user_required
@require_POST
def note_autosave(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """HTMX autosave of the notat's draft (the notat itself, like "Gem kladde"; a version
    number guards parallel edits). Answers with the "Kladde gemt kl. HH:MM" status fragment."""
    note = get_object_or_404(_note_queryset(request.user), pk=pk)
    if not rules.can_edit_note(request.user, note):
        raise PermissionDenied
    if note.is_final:
        return render(request, NOTE_AUTOSAVE, {"state": "final", "message": NOTE_FINAL})
    form = NoteForm(request.POST, note=note)
    if not form.is_valid():
        return render(request, NOTE_AUTOSAVE, {"state": "invalid", "form": form})
    data = form.cleaned_data
    try:
        note = services.save_note(
            note=note,
            title=data["title"],
            text=data["text"],
            decisions=data["decisions"],
            other_participants=data["other_participants"],
            participants=data["participants"],
            version=data["version"],
            by=request.user,
        )
    except ValidationError as error:
        if getattr(error, "code", None) == "final":
            return render(request, NOTE_AUTOSAVE, {"state": "final", "message": NOTE_FINAL})
        return render(
            request, NOTE_AUTOSAVE, {"state": "conflict", "message": " ".join(error.messages)}
        )
    context = {
        "state": "saved",
        "saved_at": note.updated_at,
        "version": note.version,
        "version_ids": NOTE_VERSION_IDS,
    }
    return render(request, NOTE_AUTOSAVE, context)


NOTE_FINAL = "Notatet er gjort endeligt og kan ikke længere ændres."


@meeting_user_required
@require_POST
def note_finalise(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Make the notat final: locked, PDF ordered, sent to the participants and journaled."""
    note = get_object_or_404(_note_queryset(request.user), pk=pk)
    if not rules.can_edit_note(request.user, note):
        raise PermissionDenied
    form = FinaliseNoteForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Siden var forældet. Se notatet igennem og prøv igen.")
        return redirect(note)
    try:
        services.finalise_note(
            note=note,
            version=form.cleaned_data["version"],
            by=request.user,
            confirm_before_meeting=form.cleaned_data["confirm_before_meeting"],
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, "Notatet er endeligt: det er sendt til deltagerne og journaliseret."
        )
    return redirect(note)
