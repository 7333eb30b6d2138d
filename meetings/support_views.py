"""Pages for the koordinerende TRIO (who sits in it, per school year) and Skolesocialrådgivning's
open consultation (fixed weekly times, talks, and the count of three before a henvisning).

Out of scope is 404 (``visible_to``); a forbidden action on a visible object is 403.
"""

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch, QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cases.models import EarlyObservation
from ppr.access import get_audited_or_404
from ppr.accounts.models import Role
from ppr.audit.services import log_reads
from ppr.forms import apply_service_errors
from ppr.http import AuthenticatedHttpRequest
from ppr.organisation.models import SCHOOL_KINDS, Institution
from ppr.tables import paginate

from . import rules, services
from .filters import ConsultationTalkFilter, TrioFilter
from .forms import ConsultationSlotForm, ObservationForumForm, TalkForm, TrioForm
from .models import ConsultationSlot, ConsultationTalk, Trio
from .schoolyears import current_school_year, school_year_label
from .tables import ConsultationTalkTable, TrioTable
from .views import PER_PAGE, meeting_user_required


def _crumbs(*trail: tuple[str, str | None]) -> list[tuple[str, str | None]]:
    return [("Møder", reverse("meetings:index")), *trail]


# --- The koordinerende TRIO ----------------------------------------------------------------------


def _school_years() -> list[int]:
    """The years the list offers: two back (the history), this one and the next."""
    now = current_school_year()
    return [now + 1, now, now - 1, now - 2]


def _chosen_year(request: AuthenticatedHttpRequest) -> int:
    raw = request.GET.get("skoleaar", "")
    years = _school_years()
    return int(raw) if raw.isdigit() and int(raw) in years else current_school_year()


@meeting_user_required
@require_GET
def trio_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Every institution's koordinerende TRIO for a school year, filterable and sorted."""
    year = _chosen_year(request)
    trios = Trio.objects.filter(school_year=year).select_related(
        "leader", "psychologist", "resource_person"
    )
    queryset = (
        Institution.objects.filter(active=True)
        .select_related("district")
        .prefetch_related(Prefetch("trios", queryset=trios, to_attr="year_trios"))
    )
    filterset = TrioFilter(request.GET, queryset=queryset, school_year=year)
    table = TrioTable(filterset.qs if filterset.is_valid() else queryset.none())
    paginate(request, table, per_page=PER_PAGE)
    context = {
        "filter": filterset,
        "table": table,
        "year": year,
        "years": [(y, school_year_label(y)) for y in _school_years()],
        "year_label": school_year_label(year),
        "crumbs": _crumbs(("Koordinerende TRIO", None)),
    }
    template = "meetings/trio_list.html"
    return render(request, f"{template}#results" if request.htmx else template, context)


def _visible_institution(request: AuthenticatedHttpRequest, pk: int) -> Institution:
    if not request.user.roles - {Role.ADMINISTRATOR, Role.PARENT}:
        raise PermissionDenied
    return get_object_or_404(Institution.objects.select_related("district"), pk=pk)


@meeting_user_required
@require_GET
def trio_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """One institution's TRIO, school year by school year (the history)."""
    institution = _visible_institution(request, pk)
    trios = (
        Trio.objects.visible_to(request.user)
        .filter(institution=institution)
        .select_related("leader", "psychologist", "resource_person", "updated_by")
        .order_by("-school_year")
    )
    now = current_school_year()
    context = {
        "institution": institution,
        "trios": trios,
        "current": next((t for t in trios if t.school_year == now), None),
        "editable_years": [(y, school_year_label(y)) for y in (now, now + 1)]
        if rules.can_edit_trio(request.user, institution)
        else [],
        "year_label": school_year_label(now),
        "crumbs": _crumbs(
            ("Koordinerende TRIO", reverse("meetings:trio-list")), (institution.name, None)
        ),
    }
    return render(request, "meetings/trio_detail.html", context)


@meeting_user_required
@require_http_methods(["GET", "POST"])
def trio_update(request: AuthenticatedHttpRequest, pk: int, year: int) -> HttpResponse:
    """The institution's leader (or PPR's leader) sets the TRIO for this or next school year."""
    institution = _visible_institution(request, pk)
    now = current_school_year()
    if year not in (now, now + 1):
        raise Http404("Kun dette og næste skoleårs TRIO kan ændres.")
    if not rules.can_edit_trio(request.user, institution):
        raise PermissionDenied
    existing = Trio.objects.filter(institution=institution, school_year=year).first()
    # A new year starts from the year before: the same people, unless the leader changes them.
    start = existing or (
        Trio.objects.filter(institution=institution, school_year__lt=year)
        .order_by("-school_year")
        .first()
    )
    initial = (
        {
            "leader": start.leader_id,
            "psychologist": start.psychologist_id,
            "resource_person": start.resource_person_id,
            "resource_title": start.resource_title,
        }
        if start
        else {}
    )
    form = TrioForm(
        request.POST if request.method == "POST" else None,
        institution=institution,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.save_trio(
                institution=institution,
                school_year=year,
                leader=data["leader"],
                psychologist=data["psychologist"],
                resource_person=data["resource_person"],
                resource_title=data["resource_title"],
                by=request.user,
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(
                request, f"TRIO'en for {institution.name} {school_year_label(year)} er gemt."
            )
            return redirect("meetings:trio-detail", pk=institution.pk)
    context = {
        "form": form,
        "institution": institution,
        "year": year,
        "year_label": school_year_label(year),
        "existing": existing,
        "crumbs": _crumbs(
            ("Koordinerende TRIO", reverse("meetings:trio-list")),
            (institution.name, reverse("meetings:trio-detail", args=[institution.pk])),
            (school_year_label(year), None),
        ),
    }
    return render(request, "meetings/trio_form.html", context)


# --- Skolesocialrådgivning ---------------------------------------------------------------------


def _slot_schools(user: Any) -> QuerySet[Institution]:
    """Schools the user may keep consultation times at."""
    schools = Institution.objects.filter(active=True, kind__in=SCHOOL_KINDS)
    if user.has_role(Role.PPR_LEADER, Role.SOCIAL_WORKER):
        return schools
    return schools.filter(pk__in=user.institution_ids(Role.INSTITUTION_LEADER))


@meeting_user_required
@require_GET
def consultation_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Skolesocialrådgivning: the fixed weekly times and the booked talks, with the count of
    talks per child against the three the open consultation offers."""
    user = request.user
    slots = (
        ConsultationSlot.objects.visible_to(user)
        .filter(active=True)
        .select_related("institution", "social_worker")
    )
    queryset = ConsultationTalk.objects.visible_to(user).select_related(
        "slot__institution", "slot__social_worker", "child"
    )
    schools = Institution.objects.filter(
        pk__in=ConsultationSlot.objects.visible_to(user).values("institution_id")
    )
    filterset = ConsultationTalkFilter(request.GET, queryset=queryset, schools=schools)
    table = ConsultationTalkTable(filterset.qs if filterset.is_valid() else queryset.none())
    paginate(request, table, per_page=PER_PAGE)
    page = [row.record for row in table.page.object_list] if table.page else []
    table.counts = services.talk_counts(
        {(talk.child_id, talk.slot.institution_id) for talk in page if talk.child_id}
    )
    log_reads(request, [talk for talk in page if talk.child_id], purpose=services.PURPOSE_SUPPORT)
    slot_rows = [
        (
            slot,
            rules.can_book_talk(user, slot),
            rules.can_manage_slots(user, slot.institution, slot.social_worker),
        )
        for slot in slots
    ]
    context = {
        "filter": filterset,
        "table": table,
        "slots": slot_rows,
        "can_add_slot": _slot_schools(user).exists(),
        "crumbs": _crumbs(("Skolesocialrådgivning", None)),
    }
    template = "meetings/consultation_list.html"
    return render(request, f"{template}#results" if request.htmx else template, context)


@meeting_user_required
@require_http_methods(["GET", "POST"])
def slot_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    """A new fixed weekly time: PPR's leader, a school's leader, or the social worker."""
    return _slot_form(request, None)


@meeting_user_required
@require_http_methods(["GET", "POST"])
def slot_update(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    slot = get_object_or_404(
        ConsultationSlot.objects.visible_to(request.user).select_related(
            "institution", "social_worker"
        ),
        pk=pk,
    )
    if not rules.can_manage_slots(request.user, slot.institution, slot.social_worker):
        raise PermissionDenied
    return _slot_form(request, slot)


def _slot_form(request: AuthenticatedHttpRequest, slot: ConsultationSlot | None) -> HttpResponse:
    schools = _slot_schools(request.user)
    if slot is None and not (
        request.user.has_role(Role.PPR_LEADER, Role.SOCIAL_WORKER, Role.INSTITUTION_LEADER)
        and schools.exists()
    ):
        raise PermissionDenied
    if slot is not None:
        schools = schools | Institution.objects.filter(pk=slot.institution_id)
    form = ConsultationSlotForm(
        request.POST if request.method == "POST" else None,
        instance=slot,
        institutions=schools.distinct(),
        user=request.user,
    )
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.save_slot(slot=form.save(commit=False), by=request.user)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, f"Konsultationstiden {saved} er gemt.")
            return redirect("meetings:consultation-list")
    context = {
        "form": form,
        "slot": slot,
        "crumbs": _crumbs(
            ("Skolesocialrådgivning", reverse("meetings:consultation-list")),
            ("Ret fast tid" if slot else "Ny fast tid", None),
        ),
    }
    return render(request, "meetings/slot_form.html", context)


@meeting_user_required
@require_http_methods(["GET", "POST"])
def talk_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Book a talk in one of the fixed times, for a named child or anonymous; the fourth talk
    with a child is refused, pointing to the TRIO's henvisning."""
    slot = get_object_or_404(
        ConsultationSlot.objects.visible_to(request.user).select_related(
            "institution", "social_worker"
        ),
        pk=pk,
    )
    if not rules.can_book_talk(request.user, slot):
        raise PermissionDenied
    form = TalkForm(
        request.POST if request.method == "POST" else None, slot=slot, user=request.user
    )
    refused = False
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.book_talk(
                slot=slot,
                held_on=data["held_on"],
                talk_with=data["talk_with"],
                child=data["child"],
                anonymous_description=data["anonymous_description"],
                by=request.user,
            )
        except ValidationError as error:
            apply_service_errors(form, error)
            refused = any(
                services.TOO_MANY_TALKS in message for message in form.errors.get("child", [])
            )
        else:
            messages.success(request, "Samtalen er booket.")
            return redirect("meetings:consultation-list")
    context = {
        "form": form,
        "slot": slot,
        "refused": refused,
        "can_refer": refused and rules.can_refer_from(request.user, slot.institution),
        "crumbs": _crumbs(
            ("Skolesocialrådgivning", reverse("meetings:consultation-list")),
            ("Book samtale", None),
        ),
    }
    return render(request, "meetings/talk_form.html", context)


@meeting_user_required
@require_POST
def talk_cancel(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    talk = get_object_or_404(
        ConsultationTalk.objects.visible_to(request.user).select_related("slot"), pk=pk
    )
    if not rules.can_book_talk(request.user, talk.slot):
        raise PermissionDenied
    services.cancel_talk(talk=talk, by=request.user)
    messages.success(request, "Samtalen er aflyst og tæller ikke længere med.")
    return redirect("meetings:consultation-list")


# --- Tidlig opsporing → the TRIO -------------------------------------------------------------


@meeting_user_required
@require_http_methods(["GET", "POST"])
def observation_henvisning(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """An early-detection observation taken to the child's institution's TRIO: choose the
    forum, and the henvisning is drafted from the observation for the TRIO to finish (seed 004
    §3.1: "En systematisk opsporing gennem supportmodellerne")."""
    user = request.user
    queryset = EarlyObservation.objects.visible_to(user).select_related(
        "child__institution", "forum_referral"
    )
    if request.method == "GET":
        observation = get_audited_or_404(request, queryset, purpose=services.PURPOSE_SUPPORT, pk=pk)
    else:
        observation = get_object_or_404(queryset, pk=pk)
    child = observation.child
    if not rules.can_refer_from(user, child.institution):
        raise PermissionDenied
    if observation.forum_referral is not None:
        return redirect(_henvisning_url(observation.forum_referral))
    form = ObservationForumForm(
        request.POST if request.method == "POST" else None, institution=child.institution
    )
    if request.method == "POST" and form.is_valid():
        try:
            draft = services.henvisning_from_observation(
                observation, forum=form.cleaned_data["forum"], by=user
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(
                request,
                f"Henvisningen til {draft.forum} er oprettet som kladde ud fra observationen. "
                "Gør den færdig med institutionens egen indsats.",
            )
            return redirect(_henvisning_url(draft))
    context = {
        "observation": observation,
        "child": child,
        "form": form,
        "crumbs": [
            (child.name, None),
            ("Tidlig opsporing", reverse("cases:child-observations", kwargs={"pk": child.pk})),
            ("Henvisning via TRIO'en", None),
        ],
    }
    return render(
        request,
        "meetings/observation_henvisning.html",
        context,
        status=400 if form.errors else 200,
    )


def _henvisning_url(forum_referral: Any) -> str:
    if forum_referral.is_draft:
        return reverse("meetings:forumreferral-finish", kwargs={"pk": forum_referral.pk})
    return str(forum_referral.get_absolute_url())
