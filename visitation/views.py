"""Views of the visitation app: thin; rows through ``visible_to`` (out of scope → 404), actions
through ``rules`` permissions (forbidden → 403), domain changes through services. Every read of
an application is audited with its purpose; every page works without JavaScript."""

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cases.models import PpvStatus
from cases.referrals.uploads import download_response
from ppr.access import get_audited_or_404
from ppr.audit.models import AuditAction
from ppr.audit.services import record
from ppr.forms import apply_service_errors
from ppr.http import AuthenticatedHttpRequest, require_perm
from ppr.tables import paginate

from . import services
from .filters import ApplicationFilter
from .forms import (
    AppealForm,
    AppealOutcomeForm,
    ApplicationForm,
    ApplicationStartForm,
    CommitteeForm,
    DecisionForm,
    HearingAnswerForm,
    HearingForm,
    LetterSendForm,
    MeetingForm,
    MemberForm,
    OfferForm,
    PresentationForm,
    RecommendationForm,
)
from .models import (
    PURPOSE,
    AgendaEntry,
    Appeal,
    Appellant,
    ApplicationStatus,
    Committee,
    CommitteeMeeting,
    CommitteeMember,
    Decision,
    Hearing,
    HearingResponse,
    Offer,
    OfferKind,
    SupportApplication,
)
from .placement_views import offer_panel
from .tables import ApplicationTable

# --- Offers ----------------------------------------------------------------------------------


@login_required
@require_GET
def offer_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The special offers by kind, with places and price."""
    require_perm(request, "visitation.view_offers")
    show_retired = request.GET.get("udfasede") == "1" and request.user.has_perm(
        "visitation.manage_offers"
    )
    offers = Offer.objects.visible_to(request.user).select_related("institution")
    if not show_retired:
        offers = offers.available()
    rows = list(offers.order_by("name"))
    groups = [
        (kind, label, [o for o in rows if o.kind == kind]) for kind, label in OfferKind.choices
    ]
    context = {
        "groups": groups,
        "show_retired": show_retired,
        "crumbs": [("Specialtilbud", None)],
    }
    return render(request, "visitation/offer_list.html", context)


@login_required
@require_GET
def offer_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    require_perm(request, "visitation.view_offers")
    offer = get_object_or_404(
        Offer.objects.visible_to(request.user).select_related("institution"), pk=pk
    )
    context = {
        "offer": offer,
        **offer_panel(request, offer),
        "crumbs": [("Specialtilbud", reverse("visitation:offer-list")), (offer.name, None)],
    }
    return render(request, "visitation/offer_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def offer_edit(request: AuthenticatedHttpRequest, pk: int | None = None) -> HttpResponse:
    """The PPR leader adds or edits an offer."""
    require_perm(request, "visitation.manage_offers")
    offer = get_object_or_404(Offer, pk=pk) if pk is not None else None
    form = OfferForm(request.POST or None, instance=offer)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                saved = services.save_offer(offer=form.save(commit=False), by=request.user)
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, "Tilbuddet er gemt.")
                return redirect(saved)
        status = 400
    title = f"Redigér {offer.name}" if offer else "Nyt tilbud"
    context = {
        "form": form,
        "offer": offer,
        "title": title,
        "crumbs": [("Specialtilbud", reverse("visitation:offer-list")), (title, None)],
    }
    return render(request, "visitation/offer_form.html", context, status=status)


@login_required
@require_POST
def offer_retire(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    require_perm(request, "visitation.manage_offers")
    offer = get_object_or_404(Offer, pk=pk)
    services.retire_offer(offer=offer, by=request.user)
    messages.success(
        request,
        "Tilbuddet er udfaset. Det bliver stående på de ansøgninger og afgørelser, der nævner "
        "det, men kan ikke vælges til nye.",
    )
    return redirect(offer)


@login_required
@require_POST
def offer_reinstate(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    require_perm(request, "visitation.manage_offers")
    offer = get_object_or_404(Offer, pk=pk)
    services.reinstate_offer(offer=offer, by=request.user)
    messages.success(request, "Tilbuddet er taget i brug igen.")
    return redirect(offer)


# --- Applications ----------------------------------------------------------------------------


def _visible(request: AuthenticatedHttpRequest) -> Any:
    return SupportApplication.objects.visible_to(request.user)


@login_required
@require_GET
def application_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Ansøgninger: the applicant's own (drafts too); PPR's: every submitted one it may see."""
    require_perm(request, "visitation.view_applications")
    queryset = _visible(request).select_related("child", "institution")
    filterset = ApplicationFilter(request.GET or None, queryset=queryset)
    rows = filterset.qs if (not filterset.is_bound or filterset.is_valid()) else queryset.none()
    table = ApplicationTable(rows)
    paginate(request, table)
    record(request, AuditAction.SEARCH, term=filterset.describe(), purpose=PURPOSE)
    context = {
        "filter": filterset,
        "table": table,
        "can_apply": request.user.has_perm("visitation.apply"),
        "crumbs": [("Visitation", None)],
    }
    template = (
        "visitation/application_list.html#results"
        if request.htmx
        else "visitation/application_list.html"
    )
    return render(request, template, context)


@login_required
@require_http_methods(["GET", "POST"])
def application_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Choose the child; a POST starts the draft (or opens the one already under way)."""
    require_perm(request, "visitation.apply")
    children = services.applicable_children(request.user)
    form = ApplicationStartForm(request.POST or None, children=children)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                application = services.start_application(
                    child=form.cleaned_data["child"], by=request.user
                )
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                if application.is_draft:
                    return redirect("visitation:application-update", pk=application.pk)
                messages.info(request, "Barnet har allerede en ansøgning, der ikke er afgjort.")
                return redirect(application)
        status = 400
    context = {
        "form": form,
        "max_age_months": services.ppv_max_age_months(),
        "crumbs": [
            ("Visitation", reverse("visitation:application-list")),
            ("Ny ansøgning", None),
        ],
    }
    return render(request, "visitation/application_start.html", context, status=status)


def _crumbs(application: SupportApplication, *extra: tuple[str, str | None]) -> list[Any]:
    here = (str(application), application.get_absolute_url() if extra else None)
    return [("Visitation", reverse("visitation:application-list")), here, *extra]


@login_required
@require_GET
def application_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    application = get_audited_or_404(
        request,
        _visible(request).select_related(
            "child", "institution", "case", "ppv", "requested_offer", "author", "submitted_by"
        ),
        purpose=PURPOSE,
        pk=pk,
    )
    context = {
        "application": application,
        "can_edit": request.user.has_perm("visitation.edit_application", application),
        "ppv_final": application.ppv is not None and application.ppv.status == PpvStatus.FINAL,
        **_decision_context(request, application),
        "entries": AgendaEntry.objects.visible_to(request.user)
        .filter(application=application)
        .select_related("meeting__committee"),
        "crumbs": _crumbs(application),
    }
    return render(request, "visitation/application_detail.html", context)


def _decision_context(
    request: AuthenticatedHttpRequest, application: SupportApplication
) -> dict[str, Any]:
    """The decision on the application and its letter, if the user may print it."""
    decision = Decision.objects.filter(application=application).select_related("offer").first()
    letter = None
    if decision is not None and decision.can_download(request.user):
        letter = services.letter(decision)
    return {
        "decision": decision,
        "letter": letter,
        "can_manage_appeals": request.user.has_perm("visitation.manage_appeals"),
        "can_send_letter": request.user.has_perm("visitation.send_letter"),
    }


def _conflict_message(conflict: services.ApplicationConflict) -> str:
    when = f" kl. {timezone.localtime(conflict.stored_at):%H:%M}" if conflict.stored_at else ""
    return (
        f"Ansøgningen er blevet gemt et andet sted{when} (fx i et andet vindue), efter du åbnede "
        "den. Dine ændringer her er ikke gemt, så intet bliver overskrevet. Kopiér din tekst, "
        "genindlæs siden og indsæt den igen."
    )


def _edit_page(
    request: AuthenticatedHttpRequest,
    application: SupportApplication,
    *,
    form: ApplicationForm | None = None,
    status: int = 200,
) -> HttpResponse:
    if form is None:
        form = ApplicationForm(initial=ApplicationForm.initial_from(application))
    ppv = services.current_ppv(application.case)
    context = {
        "application": application,
        "form": form,
        "ppv": ppv,
        "oldest_ppv": services.oldest_ppv_date(),
        "max_age_months": services.ppv_max_age_months(),
        "saved_at": application.updated_at,
        "crumbs": _crumbs(application, ("Rediger", None)),
    }
    return render(request, "visitation/application_form.html", context, status=status)


def _edit_or_explain(
    request: AuthenticatedHttpRequest, application: SupportApplication
) -> HttpResponse | None:
    """None if the user may edit; a redirect if it was already submitted; else 403."""
    if request.user.has_perm("visitation.edit_application", application):
        return None
    if application.status != ApplicationStatus.DRAFT:
        messages.info(request, "Ansøgningen er indsendt og kan ikke længere redigeres.")
        return redirect(application)
    raise PermissionDenied


@login_required
@require_http_methods(["GET", "POST"])
def application_update(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The long form. "Gem kladde" saves; "Indsend" saves and then submits."""
    queryset = _visible(request).select_related("child", "institution", "case")
    if request.method == "GET":
        application = get_audited_or_404(request, queryset, purpose=PURPOSE, pk=pk)
        return _edit_or_explain(request, application) or _edit_page(request, application)

    application = get_object_or_404(queryset, pk=pk)
    if (response := _edit_or_explain(request, application)) is not None:
        return response
    form = ApplicationForm(request.POST)
    if not form.is_valid():
        return _edit_page(request, application, form=form, status=400)
    try:
        application = services.save_draft(
            application,
            by=request.user,
            data=form.draft_data(),
            version=form.cleaned_data["version"],
        )
    except services.NotADraft:
        messages.info(request, "Ansøgningen er allerede indsendt. Her er den aktuelle status.")
        return redirect(application)
    except services.ApplicationConflict as conflict:
        form.add_error(None, _conflict_message(conflict))
        return _edit_page(request, application, form=form, status=409)
    if request.POST.get("action") != "submit":
        messages.success(request, "Kladden er gemt.")
        return redirect("visitation:application-update", pk=application.pk)
    return _submit(request, application, form=form)


def _submit(
    request: AuthenticatedHttpRequest,
    application: SupportApplication,
    *,
    form: ApplicationForm | None = None,
) -> HttpResponse:
    try:
        services.submit_application(application, by=request.user)
    except services.NotADraft:
        messages.info(request, "Ansøgningen er allerede indsendt. Her er den aktuelle status.")
        return redirect(application)
    except services.SubmissionBlocked as blocked:
        if form is None:
            for message in blocked.messages:
                messages.error(request, message)
            return redirect("visitation:application-update", pk=application.pk)
        data = request.POST.copy()
        data["version"] = str(application.version)
        form = ApplicationForm(data)
        form.is_valid()
        apply_service_errors(form, blocked)
        messages.warning(request, "Kladden er gemt, men ansøgningen er ikke sendt endnu.")
        return _edit_page(request, application, form=form, status=400)
    messages.success(
        request,
        "Ansøgningen er sendt til visitationen. Den kommer på visitationsudvalgets dagsorden.",
    )
    return redirect(application)


@login_required
@require_POST
def application_autosave(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """HTMX autosave while typing: answers with a small "Gemt kl. HH:MM" status fragment."""
    application = get_object_or_404(_visible(request), pk=pk)
    fragment = "visitation/application_form.html#autosave-status"
    if not request.user.has_perm("visitation.edit_application", application):
        if application.status != ApplicationStatus.DRAFT:
            return render(request, fragment, {"state": "submitted"})
        raise PermissionDenied
    form = ApplicationForm(request.POST)
    if not form.is_valid():
        return render(request, fragment, {"state": "invalid", "form": form})
    try:
        application = services.save_draft(
            application,
            by=request.user,
            data=form.draft_data(),
            version=form.cleaned_data["version"],
        )
    except services.NotADraft:
        return render(request, fragment, {"state": "submitted"})
    except services.ApplicationConflict as conflict:
        return render(
            request, fragment, {"state": "conflict", "message": _conflict_message(conflict)}
        )
    return render(
        request,
        fragment,
        {"state": "saved", "saved_at": application.updated_at, "version": application.version},
    )


@login_required
@require_POST
def application_submit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Submit the stored draft (the button on the application's page). Twice → one submission."""
    application = get_object_or_404(_visible(request).select_related("case"), pk=pk)
    if not request.user.has_perm("visitation.submit_application", application):
        if application.status != ApplicationStatus.DRAFT:
            messages.info(request, "Ansøgningen er allerede indsendt. Her er den aktuelle status.")
            return redirect(application)
        raise PermissionDenied
    return _submit(request, application)


# --- The visitation committee ----------------------------------------------------------------

COMMITTEE_PURPOSE = services.COMMITTEE_PURPOSE


@login_required
@require_http_methods(["GET", "POST"])
def committee_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The committees and, for the PPR leader, a form to add one."""
    require_perm(request, "visitation.manage_committee")
    form = CommitteeForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                committee = services.save_committee(
                    committee=form.save(commit=False), by=request.user
                )
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, "Udvalget er oprettet.")
                return redirect(committee)
        status = 400
    committees = Committee.objects.annotate(member_count=Count("members")).order_by("name")
    context = {"committees": committees, "form": form, "crumbs": [("Visitationsudvalg", None)]}
    return render(request, "visitation/committee_list.html", context, status=status)


def _committee_page(
    request: AuthenticatedHttpRequest,
    committee: Committee,
    *,
    member_form: MemberForm | None = None,
    meeting_form: MeetingForm | None = None,
    status: int = 200,
) -> HttpResponse:
    context = {
        "committee": committee,
        "members": committee.members.select_related("user").order_by(
            "function", "user__first_name"
        ),
        "meetings": committee.meetings.annotate(entry_count=Count("entries")),
        "member_form": member_form or MemberForm(),
        "meeting_form": meeting_form or MeetingForm(),
        "crumbs": [
            ("Visitationsudvalg", reverse("visitation:committee-list")),
            (committee.name, None),
        ],
    }
    return render(request, "visitation/committee_detail.html", context, status=status)


@login_required
@require_GET
def committee_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    require_perm(request, "visitation.manage_committee")
    return _committee_page(request, get_object_or_404(Committee, pk=pk))


@login_required
@require_POST
def member_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    require_perm(request, "visitation.manage_committee")
    committee = get_object_or_404(Committee, pk=pk)
    form = MemberForm(request.POST)
    if not form.is_valid():
        return _committee_page(request, committee, member_form=form, status=400)
    services.add_member(
        committee=committee,
        user=form.cleaned_data["user"],
        function=form.cleaned_data["function"],
        by=request.user,
    )
    messages.success(request, "Medlemmet er tilføjet.")
    return redirect(committee)


@login_required
@require_POST
def member_remove(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    require_perm(request, "visitation.manage_committee")
    member = get_object_or_404(CommitteeMember.objects.select_related("committee"), pk=pk)
    committee = member.committee
    services.remove_member(member=member, by=request.user)
    messages.success(request, "Medlemmet er fjernet fra udvalget.")
    return redirect(committee)


@login_required
@require_POST
def meeting_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    require_perm(request, "visitation.manage_committee")
    committee = get_object_or_404(Committee, pk=pk)
    form = MeetingForm(request.POST)
    if not form.is_valid():
        return _committee_page(request, committee, meeting_form=form, status=400)
    meeting = services.plan_meeting(
        committee=committee,
        held_on=form.cleaned_data["held_on"],
        place=form.cleaned_data["place"],
        by=request.user,
    )
    messages.success(request, "Mødet er planlagt.")
    return redirect(meeting)


@login_required
@require_GET
def meeting_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Visitation meetings: a member sees their committees' meetings, PPR's leader all."""
    require_perm(request, "visitation.view_meetings")
    meetings = (
        CommitteeMeeting.objects.visible_to(request.user)
        .select_related("committee")
        .annotate(entry_count=Count("entries"))
    )
    context = {
        "meetings": meetings,
        "can_manage": request.user.has_perm("visitation.manage_committee"),
        "crumbs": [("Visitationsmøder", None)],
    }
    return render(request, "visitation/meeting_list.html", context)


@login_required
@require_GET
def meeting_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The agenda: the applications on it, and (for the PPR leader) those ready to add."""
    require_perm(request, "visitation.view_meetings")
    meeting = get_object_or_404(
        CommitteeMeeting.objects.visible_to(request.user).select_related("committee"), pk=pk
    )
    entries = list(meeting.entries.select_related("application__child", "application__institution"))
    # The agenda is a list, logged as one like every list (each item's page logs its read).
    record(request, AuditAction.SEARCH, term=f"dagsorden {meeting}", purpose=COMMITTEE_PURPOSE)
    can_manage = request.user.has_perm("visitation.manage_committee")
    ready = (
        list(services.ready_applications().select_related("child", "institution"))
        if can_manage
        else []
    )
    context = {
        "meeting": meeting,
        "entries": entries,
        "ready": ready,
        "can_manage": can_manage,
        "crumbs": [("Visitationsmøder", reverse("visitation:meeting-list")), (str(meeting), None)],
    }
    return render(request, "visitation/meeting_detail.html", context)


@login_required
@require_POST
def meeting_build_agenda(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    require_perm(request, "visitation.manage_committee")
    meeting = get_object_or_404(CommitteeMeeting, pk=pk)
    added = services.build_agenda(meeting=meeting, by=request.user)
    messages.success(request, f"{len(added)} ansøgning(er) er sat på dagsordenen.")
    return redirect(meeting)


def _entry_page(
    request: AuthenticatedHttpRequest,
    entry: AgendaEntry,
    *,
    presentation_form: PresentationForm | None = None,
    recommendation_form: RecommendationForm | None = None,
    hearing_form: HearingForm | None = None,
    answer_form: HearingAnswerForm | None = None,
    decision_form: DecisionForm | None = None,
    status: int = 200,
) -> HttpResponse:
    application = entry.application
    hearing = Hearing.objects.filter(application=application).first()
    can_manage = request.user.has_perm("visitation.manage_committee")
    context = {
        "entry": entry,
        "application": application,
        "ppv": application.ppv,
        "hearing": hearing,
        "hearing_files": HearingResponse.objects.filter(hearing=hearing)
        .exclude(file="")
        .select_related("guardian")
        if hearing
        else [],
        "hearing_post": services.hearing_post(hearing) if hearing else [],
        "can_manage": can_manage,
        "hearing_required": bool(entry.recommendation) and services.hearing_required(entry),
        "blocked_by": services.decision_blocked_by(application) if entry.recommendation else "",
        "presentation_form": presentation_form
        or PresentationForm(initial={"presentation": entry.presentation}),
        "recommendation_form": recommendation_form
        or RecommendationForm(
            initial={
                "recommendation": entry.recommendation,
                "recommended_offer": entry.recommended_offer_id or application.requested_offer_id,
                "note": entry.recommendation_note,
            }
        ),
        "hearing_form": hearing_form or HearingForm(),
        "answer_form": answer_form or HearingAnswerForm(),
        **_decision_context(request, application),
        "decision_form": decision_form
        or DecisionForm(
            initial={"offer": entry.recommended_offer_id, "starts_on": application.requested_from}
        ),
        "crumbs": [
            ("Visitationsmøder", reverse("visitation:meeting-list")),
            (str(entry.meeting), entry.meeting.get_absolute_url()),
            (str(application), None),
        ],
    }
    return render(request, "visitation/entry_detail.html", context, status=status)


def _entry(request: AuthenticatedHttpRequest, pk: int, *, audited: bool) -> AgendaEntry:
    queryset = AgendaEntry.objects.visible_to(request.user).select_related(
        "meeting__committee",
        "application__child",
        "application__institution",
        "application__ppv",
        "application__requested_offer",
        "recommended_offer",
    )
    if audited:
        return get_audited_or_404(request, queryset, purpose=COMMITTEE_PURPOSE, pk=pk)
    return get_object_or_404(queryset, pk=pk)


@login_required
@require_GET
def entry_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """An application on the agenda: the case presentation, the documents (application,
    handleplan, the PPV's assessment and recommendations) and the recommendation."""
    require_perm(request, "visitation.view_meetings")
    return _entry_page(request, _entry(request, pk, audited=True))


@login_required
@require_POST
def entry_present(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    entry = _entry(request, pk, audited=False)
    require_perm(request, "visitation.manage_committee")
    form = PresentationForm(request.POST)
    if not form.is_valid():
        return _entry_page(request, entry, presentation_form=form, status=400)
    services.present_case(
        entry=entry, presentation=form.cleaned_data["presentation"], by=request.user
    )
    messages.success(request, "Sagsfremstillingen er gemt.")
    return redirect(entry)


@login_required
@require_POST
def entry_recommend(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    entry = _entry(request, pk, audited=False)
    require_perm(request, "visitation.manage_committee")
    form = RecommendationForm(request.POST)
    if form.is_valid():
        try:
            services.recommend(
                entry=entry,
                recommendation=form.cleaned_data["recommendation"],
                offer=form.cleaned_data["recommended_offer"],
                note=form.cleaned_data["note"],
                by=request.user,
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, "Udvalgets indstilling er gemt.")
            return redirect(entry)
    return _entry_page(request, entry, recommendation_form=form, status=400)


@login_required
@require_POST
def hearing_start(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    entry = _entry(request, pk, audited=False)
    require_perm(request, "visitation.manage_committee")
    form = HearingForm(request.POST)
    if form.is_valid():
        try:
            hearing = services.start_hearing(
                application=entry.application,
                material=form.cleaned_data["material"],
                by=request.user,
            )
        except services.NotReady:
            form.add_error(None, "Ansøgningen er ikke på dagsordenen og kan ikke partshøres.")
        else:
            messages.success(
                request,
                f"Partshøringen er sendt. Forældrene har frist til {hearing.deadline:%d.%m.%Y}.",
            )
            return redirect(entry)
    return _entry_page(request, entry, hearing_form=form, status=400)


@login_required
@require_POST
def hearing_answer(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    entry = _entry(request, pk, audited=False)
    require_perm(request, "visitation.manage_committee")
    hearing = get_object_or_404(Hearing, application=entry.application)
    form = HearingAnswerForm(request.POST)
    if form.is_valid():
        try:
            services.record_hearing_answer(
                hearing=hearing,
                answered_on=form.cleaned_data["answered_on"],
                answer=form.cleaned_data["answer"],
                by=request.user,
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, "Forældrenes svar er registreret.")
            return redirect(entry)
    return _entry_page(request, entry, answer_form=form, status=400)


@login_required
@require_GET
def hearing_response_file(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The attachment a parent sent with their answer to a partshøring (the portal), for those
    who read the application's agenda item; always a download, never shown inline."""
    require_perm(request, "visitation.view_meetings")
    entries = AgendaEntry.objects.visible_to(request.user)
    response = get_audited_or_404(
        request,
        HearingResponse.objects.filter(
            hearing__application__agenda_entries__in=entries.values("pk")
        )
        .exclude(file="")
        .select_related("hearing__application")
        .distinct(),
        purpose=COMMITTEE_PURPOSE,
        action=AuditAction.PRINT,
        pk=pk,
    )
    return download_response(response)


@login_required
@require_POST
def entry_decide(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The afgørelse on the application on this agenda item (the PPR leader)."""
    entry = _entry(request, pk, audited=False)
    require_perm(request, "visitation.manage_committee")
    form = DecisionForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            decision = services.decide(
                application=entry.application,
                outcome=data["outcome"],
                offer=data["offer"],
                starts_on=data["starts_on"],
                review_on=data["review_on"],
                other_intervention=data["other_intervention"],
                facts=data["facts"],
                assessment=data["assessment"],
                by=request.user,
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, "Afgørelsen er truffet.")
            if decision.offer is not None and not hasattr(decision, "placement"):
                messages.warning(
                    request,
                    f"Der er ingen ledig plads i {decision.offer.name} i perioden. Barnet står "
                    "på tilbuddets venteliste, til der er plads, eller PPR-lederen placerer det "
                    "ud over kapaciteten.",
                )
            return redirect(entry)
    return _entry_page(request, entry, decision_form=form, status=400)


# --- Appeals (klager) ------------------------------------------------------------------------

APPEAL_PURPOSE = services.APPEAL_PURPOSE


def _decision_for_appeals(request: AuthenticatedHttpRequest, pk: int, *, audited: bool) -> Decision:
    require_perm(request, "visitation.manage_appeals")
    queryset = Decision.objects.visible_to(request.user).select_related(
        "application__child", "application__institution", "offer"
    )
    if audited:
        return get_audited_or_404(request, queryset, purpose=APPEAL_PURPOSE, pk=pk)
    return get_object_or_404(queryset, pk=pk)


def _appeals_page(
    request: AuthenticatedHttpRequest,
    decision: Decision,
    *,
    appeal_form: AppealForm | None = None,
    outcome_forms: dict[int, AppealOutcomeForm] | None = None,
    status: int = 200,
) -> HttpResponse:
    appeals = list(Appeal.objects.filter(decision=decision).select_related("recorded_by"))
    bound = outcome_forms or {}
    rows = [
        (
            appeal,
            bound.get(appeal.pk)
            or AppealOutcomeForm(
                prefix=f"klage{appeal.pk}",
                initial={
                    "outcome": "" if appeal.is_pending else appeal.outcome,
                    "outcome_on": appeal.outcome_on,
                    "note": appeal.note,
                },
            ),
        )
        for appeal in appeals
    ]
    application = decision.application
    context = {
        "decision": decision,
        "application": application,
        "rows": rows,
        "appeal_form": appeal_form or AppealForm(initial={"appellant": Appellant.CUSTODY_HOLDER}),
        "crumbs": [
            ("Visitation", reverse("visitation:application-list")),
            (str(application), application.get_absolute_url()),
            ("Klager", None),
        ],
    }
    return render(request, "visitation/decision_appeals.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def decision_appeals(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The complaints about a decision: the PPR leader registers one (received, from whom) and
    later its outcome at Klagenævnet for Specialundervisning."""
    if request.method == "GET":
        return _appeals_page(request, _decision_for_appeals(request, pk, audited=True))
    decision = _decision_for_appeals(request, pk, audited=False)
    form = AppealForm(request.POST)
    if form.is_valid():
        try:
            services.register_appeal(
                decision=decision,
                received_on=form.cleaned_data["received_on"],
                appellant=form.cleaned_data["appellant"],
                appellant_name=form.cleaned_data["appellant_name"],
                by=request.user,
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, "Klagen er registreret.")
            return redirect("visitation:decision-appeals", pk=decision.pk)
    return _appeals_page(request, decision, appeal_form=form, status=400)


@login_required
@require_POST
def appeal_outcome(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Record (or correct) what Klagenævnet decided on the complaint."""
    require_perm(request, "visitation.manage_appeals")
    decisions = Decision.objects.visible_to(request.user)
    appeal = get_object_or_404(
        Appeal.objects.filter(decision__in=decisions.values("pk")).select_related(
            "decision__application__child",
            "decision__application__institution",
            "decision__offer",
        ),
        pk=pk,
    )
    form = AppealOutcomeForm(request.POST, prefix=f"klage{appeal.pk}")
    if form.is_valid():
        try:
            services.record_appeal_outcome(
                appeal=appeal,
                outcome=form.cleaned_data["outcome"],
                outcome_on=form.cleaned_data["outcome_on"],
                note=form.cleaned_data["note"],
                by=request.user,
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, "Klagens udfald er registreret.")
            return redirect("visitation:decision-appeals", pk=appeal.decision_id)
    return _appeals_page(request, appeal.decision, outcome_forms={appeal.pk: form}, status=400)


# --- Sending the decision letter -------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def letter_send(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The PPR leader sends the decision letter to the custody holders: each sending is
    recorded on the decision (and shown on the case's timeline), as a PPV's sending is."""
    require_perm(request, "visitation.send_letter")
    queryset = Decision.objects.printable_for(request.user).select_related(
        "application__child", "application__institution", "offer"
    )
    if request.method == "GET":
        decision = get_audited_or_404(request, queryset, purpose=services.SEND_PURPOSE, pk=pk)
    else:
        decision = get_object_or_404(queryset, pk=pk)
    guardians = services.custody_holders(decision)
    status = 200
    if request.method == "POST":
        form = LetterSendForm(request.POST, guardians=guardians)
        if form.is_valid():
            try:
                dispatches = services.send_letter(
                    decision,
                    by=request.user,
                    guardians=form.cleaned_data["guardians"],
                    batch=form.cleaned_data["batch"],
                )
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                names = ", ".join(d.recipient_name for d in dispatches)
                messages.success(
                    request, f"Forsendelsen af afgørelsesbrevet er registreret: {names}."
                )
                return redirect("visitation:letter-send", pk=decision.pk)
        status = 400
    else:
        form = LetterSendForm(
            guardians=guardians,
            initial={"batch": uuid.uuid4(), "guardians": [g.pk for g in guardians]},
        )
    application = decision.application
    context = {
        "decision": decision,
        "application": application,
        "form": form,
        "guardians": guardians,
        "letter": services.letter(decision),
        "dispatches": decision.dispatches.select_related("sent_by", "digital_post"),
        "crumbs": [
            ("Visitation", reverse("visitation:application-list")),
            (str(application), application.get_absolute_url()),
            ("Send afgørelsesbrevet", None),
        ],
    }
    return render(request, "visitation/letter_send.html", context, status=status)
