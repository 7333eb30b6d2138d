"""The visitation verbs: keep the offers (save, retire, reinstate), start an application, save
its draft (autosave) and submit it.

Saving a draft is a conditional UPDATE on the version the editor started from, like a referral
draft: two editors at once never overwrite each other; the later one gets
``ApplicationConflict``. Submitting is a conditional UPDATE from the draft status, so a double
click submits once.
"""

import uuid
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import F, QuerySet
from django.utils import timezone

from cases.casework import esdh as esdh_filing
from cases.children import digitalpost
from cases.models import (
    Case,
    CaseStatus,
    Child,
    Guardian,
    Ppv,
    PpvStatus,
    Referral,
    ReferralStatus,
    institutions_own,
)
from cases.referrals.uploads import validate_attachment
from ppr.access import refuse_if_restricted
from ppr.accounts.models import Role, User
from ppr.audit.models import AuditAction
from ppr.audit.services import log_action
from ppr.deadlines import calendar
from ppr.documents.models import Document, DocumentKind
from ppr.documents.services import request_pdf
from ppr.organisation.models import Municipality

from .models import (
    PURPOSE,
    AgendaEntry,
    Appeal,
    AppealOutcome,
    ApplicationStatus,
    Committee,
    CommitteeMeeting,
    CommitteeMember,
    Decision,
    DecisionDispatch,
    DecisionOutcome,
    Hearing,
    HearingResponse,
    Offer,
    ParentsPosition,
    Recommendation,
    SupportApplication,
)
from .placements import place_after_decision
from .reassessment import review_deadline, review_months

OFFER_PURPOSE = "tilbudsoversigt"

#: The sections the applicant writes; the form and the autosave save exactly these.
DRAFT_FIELDS = (
    "requested_kind",
    "requested_offer",
    "requested_from",
    "request_details",
    "plan_goals",
    "plan_actions",
    "plan_period",
    "plan_evaluation",
    "plan_evaluated_with",
    "parents_position",
    "parents_view",
    "child_view",
)

#: What must be filled in before the application can be submitted: field → Danish message.
REQUIRED_SECTIONS = {
    "requested_kind": "Vælg, hvad der søges om.",
    "request_details": "Begrund ansøgningen: hvilket behov skal støtten dække?",
    "plan_goals": "Beskriv handleplanens mål.",
    "plan_actions": "Beskriv, hvad der er gjort i handleplanen.",
    "plan_evaluation": "Beskriv, hvordan handleplanen er evalueret.",
    "plan_evaluated_with": "Angiv, hvem handleplanen er evalueret med.",
    "parents_position": "Angiv forældrenes holdning til ansøgningen.",
    "parents_view": "Beskriv forældrenes syn på ansøgningen.",
}


class NotADraft(Exception):
    """The application has been submitted (elsewhere, or by a double click): it is locked."""


class ApplicationConflict(Exception):
    """The draft was saved from an older version than the stored one: no silent overwrite."""

    def __init__(self, stored_version: int, stored_at: datetime | None) -> None:
        super().__init__(stored_version)
        self.stored_version = stored_version
        self.stored_at = stored_at


class SubmissionBlocked(ValidationError):
    """Something required is missing; messages keyed by form field ("__all__": general)."""


# --- Offers (tilbud) -------------------------------------------------------------------------


@transaction.atomic
def save_offer(*, offer: Offer, by: User) -> Offer:
    """Add or edit an offer (the PPR leader's task)."""
    if not by.has_perm("visitation.manage_offers"):
        raise PermissionDenied
    created = offer.pk is None
    offer.full_clean()
    offer.save()
    log_action(
        offer, AuditAction.CREATE if created else AuditAction.UPDATE, by=by, purpose=OFFER_PURPOSE
    )
    return offer


@transaction.atomic
def retire_offer(*, offer: Offer, by: User, on: date | None = None) -> Offer:
    """Retire an offer: no new application or decision may name it; the old ones keep it."""
    if not by.has_perm("visitation.manage_offers"):
        raise PermissionDenied
    updated = Offer.objects.filter(pk=offer.pk, retired_on__isnull=True).update(
        retired_on=on or calendar.today()
    )
    offer.refresh_from_db()
    if updated:
        log_action(offer, AuditAction.UPDATE, by=by, purpose=OFFER_PURPOSE)
    return offer


@transaction.atomic
def reinstate_offer(*, offer: Offer, by: User) -> Offer:
    """Put a retired offer back in use."""
    if not by.has_perm("visitation.manage_offers"):
        raise PermissionDenied
    updated = Offer.objects.filter(pk=offer.pk, retired_on__isnull=False).update(retired_on=None)
    offer.refresh_from_db()
    if updated:
        log_action(offer, AuditAction.UPDATE, by=by, purpose=OFFER_PURPOSE)
    return offer


# --- Starting an application -----------------------------------------------------------------


def months_before(day: date, months: int) -> date:
    """The same day ``months`` earlier (31 March − 1 month is 28/29 February)."""
    return calendar.add_months(day, -months)


def ppv_max_age_months() -> int:
    return int(settings.PPR_VISITATION_PPV_MAX_AGE_MONTHS)


def oldest_ppv_date(today: date | None = None) -> date:
    """A PPV signed before this day is too old to apply on."""
    return months_before(today or calendar.today(), ppv_max_age_months())


def current_ppv(case: Case) -> Ppv | None:
    """The case's newest final PPV (a corrected version replaces the one before)."""
    return (
        Ppv.objects.filter(case=case, status=PpvStatus.FINAL)
        .order_by("-finalised_at", "-pk")
        .first()
    )


def applicable_children(user: User) -> "QuerySet[Child]":
    """Children the user may apply for: with an open case, at an institution the user leads
    (the PPR leader, applying on a parent's request: every child with an open case)."""
    open_cases = Case.objects.filter(status=CaseStatus.OPEN)
    children = Child.objects.filter(pk__in=open_cases.values("child_id"))
    if user.is_ppr_leader:
        return children
    led = user.institution_ids(Role.INSTITUTION_LEADER)
    return children.filter(institution_id__in=led) if led else children.none()


def _handleplan_from(case: Case, institution_id: int) -> dict[str, Any]:
    """The handleplan of the institution's newest referral on the case, as a starting point."""
    referral = (
        Referral.objects.filter(institutions_own([institution_id]), case=case)
        .exclude(status=ReferralStatus.DRAFT)
        .order_by("-submitted_at", "-pk")
        .first()
    )
    if referral is None:
        return {}
    return {
        "plan_goals": referral.plan_goals,
        "plan_actions": referral.plan_actions,
        "plan_period": referral.plan_period,
        "plan_evaluation": referral.plan_evaluation,
        "plan_evaluated_with": list(referral.plan_evaluated_with or []),
        "child_view": referral.child_perspective,
        "parents_view": referral.parents_perspective,
    }


def open_application(child: Child) -> SupportApplication | None:
    return (
        SupportApplication.objects.filter(child=child)
        .exclude(status__in=[ApplicationStatus.DECIDED, ApplicationStatus.WITHDRAWN])
        .first()
    )


def start_application(*, child: Child, by: User) -> SupportApplication:
    """Start (or, when one is already under way, return) the child's application. The
    handleplan and the perspectives are copied from the institution's referral."""
    if not by.has_perm("visitation.apply"):
        raise PermissionDenied
    if not applicable_children(by).filter(pk=child.pk).exists():
        raise ValidationError(
            {
                "child": "Barnet har ingen åben sag hos PPR, eller du er ikke leder af barnets institution."
            }
        )
    existing = open_application(child)
    if existing is not None:
        return existing
    case = Case.objects.filter(child=child, status=CaseStatus.OPEN).order_by("-opened_at").first()
    assert case is not None  # applicable_children() requires an open case
    on_parent_request = child.institution_id not in by.institution_ids(Role.INSTITUTION_LEADER)
    application = SupportApplication(
        child=child,
        case=case,
        institution_id=child.institution_id,
        author=by,
        on_parent_request=on_parent_request,
        ppv=current_ppv(case),
        **_handleplan_from(case, child.institution_id),
    )
    try:
        with transaction.atomic():
            application.save()
            log_action(application, AuditAction.CREATE, by=by, purpose=PURPOSE)
    except IntegrityError:
        # A double click raced us to it: the other request's row is the one.
        existing = open_application(child)
        if existing is None:
            raise
        return existing
    return application


# --- The draft -------------------------------------------------------------------------------


def save_draft(
    application: SupportApplication, *, by: User, data: Mapping[str, Any], version: int
) -> SupportApplication:
    """Save the draft's sections if nobody saved a newer version meanwhile."""
    if not by.has_perm("visitation.edit_application", application):
        if application.status != ApplicationStatus.DRAFT:
            raise NotADraft
        raise PermissionDenied
    changes = {name: data[name] for name in DRAFT_FIELDS if name in data}
    updated = SupportApplication.objects.filter(
        pk=application.pk, status=ApplicationStatus.DRAFT, version=version
    ).update(**changes, version=F("version") + 1, updated_at=timezone.now())
    if updated != 1:
        current = (
            SupportApplication.objects.filter(pk=application.pk)
            .values("status", "version", "updated_at")
            .first()
        )
        if current is None or current["status"] != ApplicationStatus.DRAFT:
            raise NotADraft
        raise ApplicationConflict(current["version"], current["updated_at"])
    application.refresh_from_db()
    log_action(application, AuditAction.UPDATE, by=by, purpose=PURPOSE)
    return application


def submission_problems(
    application: SupportApplication, *, today: date | None = None
) -> dict[str, list[str]]:
    """Every reason the application cannot be submitted yet, keyed by form field."""
    problems: dict[str, list[str]] = {}
    for field, message in REQUIRED_SECTIONS.items():
        value = getattr(application, field)
        if not (value.strip() if isinstance(value, str) else value):
            problems.setdefault(field, []).append(message)
    if application.case.status != CaseStatus.OPEN:
        problems.setdefault("__all__", []).append(
            "Barnets sag hos PPR er lukket. Der kan kun søges på grundlag af en åben sag."
        )
    ppv = current_ppv(application.case)
    if ppv is None:
        problems.setdefault("__all__", []).append(
            "Ansøgningen skal bygge på en endelig PPV, og barnets sag har ingen endnu. "
            "Kontakt PPR-psykologen på sagen."
        )
    else:
        signed = ppv.signed_on or timezone.localtime(ppv.finalised_at).date()
        oldest = oldest_ppv_date(today)
        if signed < oldest:
            problems.setdefault("__all__", []).append(
                f"PPV'en er underskrevet {signed:%d.%m.%Y} og er dermed ældre end "
                f"{ppv_max_age_months()} måneder. Bed PPR om en opdateret PPV."
            )
    offer = application.requested_offer
    if offer is not None:
        if offer.is_retired:
            problems.setdefault("requested_offer", []).append(
                "Tilbuddet er udfaset. Vælg et andet."
            )
        elif application.requested_kind and offer.kind != application.requested_kind:
            problems.setdefault("requested_offer", []).append(
                "Tilbuddet er ikke af den type, der søges om."
            )
    return problems


def submit_application(application: SupportApplication, *, by: User) -> SupportApplication:
    """Submit the draft to the visitation: it is locked and waits for the committee's agenda."""
    if not by.has_perm("visitation.submit_application", application):
        if application.status != ApplicationStatus.DRAFT:
            raise NotADraft
        raise PermissionDenied
    with transaction.atomic():
        locked: SupportApplication = SupportApplication.objects.select_for_update(of=("self",)).get(
            pk=application.pk
        )
        if locked.status != ApplicationStatus.DRAFT:
            raise NotADraft
        problems = submission_problems(locked)
        if problems:
            raise SubmissionBlocked(problems)
        ppv = current_ppv(locked.case)
        updated = SupportApplication.objects.filter(
            pk=locked.pk, status=ApplicationStatus.DRAFT
        ).update(
            status=ApplicationStatus.SUBMITTED,
            submitted_at=timezone.now(),
            submitted_by=by,
            ppv=ppv,
        )
        if updated != 1:  # pragma: no cover - the row is locked
            raise NotADraft
        locked.refresh_from_db()
        log_action(locked, AuditAction.UPDATE, by=by, purpose=PURPOSE)
    return locked


# --- The visitation committee ----------------------------------------------------------------

COMMITTEE_PURPOSE = "visitationsudvalg"


class NotReady(Exception):
    """The application is not (or no longer) waiting for a committee's agenda."""


def _require_manager(by: User) -> None:
    if not by.has_perm("visitation.manage_committee"):
        raise PermissionDenied


@transaction.atomic
def save_committee(*, committee: Committee, by: User) -> Committee:
    """Add or rename a visitationsudvalg (the PPR leader's task)."""
    _require_manager(by)
    created = committee.pk is None
    committee.full_clean()
    committee.save()
    log_action(
        committee,
        AuditAction.CREATE if created else AuditAction.UPDATE,
        by=by,
        purpose=COMMITTEE_PURPOSE,
    )
    return committee


@transaction.atomic
def add_member(*, committee: Committee, user: User, function: str, by: User) -> CommitteeMember:
    """Seat ``user`` on the committee (again: the function is updated, no second seat)."""
    _require_manager(by)
    member, _ = CommitteeMember.objects.update_or_create(
        committee=committee, user=user, defaults={"function": function}
    )
    log_action(member, AuditAction.UPDATE, by=by, purpose=COMMITTEE_PURPOSE)
    return member


@transaction.atomic
def remove_member(*, member: CommitteeMember, by: User) -> None:
    """End a seat: the former member no longer sees the committee's agendas."""
    _require_manager(by)
    log_action(member, AuditAction.DELETE, by=by, purpose=COMMITTEE_PURPOSE)
    member.delete()


def plan_meeting(*, committee: Committee, held_on: date, place: str, by: User) -> CommitteeMeeting:
    """Plan a meeting of the committee (one a day; twice is the same meeting)."""
    _require_manager(by)
    with transaction.atomic():
        meeting, created = CommitteeMeeting.objects.get_or_create(
            committee=committee, held_on=held_on, defaults={"place": place}
        )
        if created:
            log_action(meeting, AuditAction.CREATE, by=by, purpose=COMMITTEE_PURPOSE)
    return meeting


def ready_applications() -> "QuerySet[SupportApplication]":
    """Submitted applications not yet on an agenda, oldest first."""
    return SupportApplication.objects.filter(status=ApplicationStatus.SUBMITTED).order_by(
        "submitted_at", "pk"
    )


def add_to_agenda(
    *, meeting: CommitteeMeeting, application: SupportApplication, by: User
) -> AgendaEntry:
    """Put a ready application on the meeting's agenda (once, however often it is asked)."""
    _require_manager(by)
    with transaction.atomic():
        existing = AgendaEntry.objects.filter(meeting=meeting, application=application).first()
        if existing is not None:
            return existing
        moved = SupportApplication.objects.filter(
            pk=application.pk, status=ApplicationStatus.SUBMITTED
        ).update(status=ApplicationStatus.ON_AGENDA)
        if moved != 1:
            raise NotReady
        order = meeting.entries.count() + 1
        entry = AgendaEntry.objects.create(meeting=meeting, application=application, order=order)
        log_action(entry, AuditAction.CREATE, by=by, purpose=COMMITTEE_PURPOSE)
    application.refresh_from_db()
    return entry


def build_agenda(*, meeting: CommitteeMeeting, by: User) -> list[AgendaEntry]:
    """Put every ready application on the meeting's agenda."""
    entries = []
    for application in ready_applications():
        try:
            entries.append(add_to_agenda(meeting=meeting, application=application, by=by))
        except NotReady:  # taken by another meeting meanwhile
            continue
    return entries


@transaction.atomic
def present_case(*, entry: AgendaEntry, presentation: str, by: User) -> AgendaEntry:
    """PPR's case presentation (sagsfremstilling) for the committee."""
    _require_manager(by)
    AgendaEntry.objects.filter(pk=entry.pk).update(presentation=presentation)
    entry.refresh_from_db()
    log_action(entry, AuditAction.UPDATE, by=by, purpose=COMMITTEE_PURPOSE)
    return entry


def hearing_required(entry: AgendaEntry) -> bool:
    """Partshøring is needed when the recommendation goes against what the parents asked for:
    they back the application and it is not granted, or they oppose it and it is."""
    position = entry.application.parents_position
    granted = entry.recommendation == Recommendation.GRANT
    if position == ParentsPosition.DISAGREE:
        return granted
    return not granted


@transaction.atomic
def recommend(
    *,
    entry: AgendaEntry,
    recommendation: str,
    offer: Offer | None,
    note: str,
    by: User,
) -> AgendaEntry:
    """Record the committee's recommendation on the application, with its reason."""
    _require_manager(by)
    if recommendation == Recommendation.GRANT and offer is None:
        raise ValidationError({"recommended_offer": "Vælg det tilbud, udvalget anbefaler."})
    if offer is not None and offer.is_retired:
        raise ValidationError({"recommended_offer": "Tilbuddet er udfaset. Vælg et andet."})
    entry.recommendation = recommendation
    entry.recommended_offer = offer if recommendation == Recommendation.GRANT else None
    entry.recommendation_note = note
    entry.recommended_at = timezone.now()
    entry.full_clean()
    entry.save()
    log_action(entry, AuditAction.UPDATE, by=by, purpose=COMMITTEE_PURPOSE)
    return entry


# --- Partshøring -----------------------------------------------------------------------------


def hearing_working_days() -> int:
    return int(settings.PPR_VISITATION_HEARING_WORKING_DAYS)


def start_hearing(
    *, application: SupportApplication, material: str, by: User, today: date | None = None
) -> Hearing:
    """Send the parents the material and the expected decision with a deadline to comment
    (forvaltningsloven § 19). Twice is one hearing."""
    _require_manager(by)
    sent = today or calendar.today()
    with transaction.atomic():
        existing = Hearing.objects.filter(application=application).first()
        if existing is not None:
            return existing
        moved = SupportApplication.objects.filter(
            pk=application.pk, status=ApplicationStatus.ON_AGENDA
        ).update(status=ApplicationStatus.HEARING)
        if moved != 1:
            raise NotReady
        hearing = Hearing(
            application=application,
            sent_on=sent,
            deadline=calendar.add_working_days(sent, hearing_working_days()),
            material=material,
            sent_by=by,
        )
        hearing.full_clean()
        hearing.save()
        log_action(hearing, AuditAction.CREATE, by=by, purpose=PURPOSE)
        _send_hearing_letter(hearing, by=by)
    application.refresh_from_db()
    return hearing


HEARING_LETTER_TEMPLATE = "visitation/hearing_pdf.html"
HEARING_TITLE = "Partshøring før afgørelse om specialpædagogisk bistand"


def hearing_custody_holders(hearing: Hearing) -> list[Guardian]:
    """The child's custody holders: the parties heard."""
    return list(hearing.application.child.guardians.filter(has_custody=True).order_by("name", "pk"))


def hearing_letter_context(hearing: Hearing) -> dict[str, Any]:
    """The partshøring letter as JSON primitives: the child's masked CPR only, no address."""
    application = hearing.application
    child = application.child
    return {
        "title": HEARING_TITLE,
        "subject_line": f"{child.name} · {child.cpr_masked}",
        "facts": [
            ["Barn", child.name],
            ["CPR-nummer", child.cpr_masked],
            ["Institution", application.institution.name],
            ["Ansøgning", f"Nr. {application.pk}"],
            ["Sendt", f"{hearing.sent_on:%d.%m.%Y}"],
            ["Frist for bemærkninger", f"{hearing.deadline:%d.%m.%Y}"],
        ],
        "material_paragraphs": _paragraphs(hearing.material),
        "deadline": f"{hearing.deadline:%d.%m.%Y}",
        "signature": {"name": str(hearing.sent_by), "date": f"{hearing.sent_on:%d.%m.%Y}"},
    }


def _send_hearing_letter(hearing: Hearing, *, by: User) -> None:
    """The partshøring by Digital Post (a legal notification) to each custody holder with a
    stored CPR number: one PDF, rendered in Celery after commit, and one message each. Called
    once per hearing (a second start finds the hearing and sends nothing)."""
    receivers = [g for g in hearing_custody_holders(hearing) if digitalpost.can_receive(g)]
    if not receivers:
        return
    hearing.letter = request_pdf(
        subject=hearing,
        kind=DocumentKind.ANDET,
        title=f"Partshøring – {hearing.application.child.first_name}",
        template_name=HEARING_LETTER_TEMPLATE,
        context=hearing_letter_context(hearing),
        by=by,
    )
    hearing.save(update_fields=["letter"])
    # The letter sent by Digital Post is filed in the ESDH too (when switched on).
    if esdh_filing.switched_on():
        esdh_filing.file_document(
            hearing.application.case, hearing.letter, title="Partshøring", by=by
        )
    for guardian in receivers:
        digitalpost.send(
            guardian=guardian,
            document=hearing.letter,
            title=HEARING_TITLE,
            by=by,
            case_reference=hearing.application.case.reference,
            legal_notification=True,
        )


def hearing_post(hearing: Hearing) -> list[tuple[Guardian, Any, str]]:
    """Each custody holder with the partshøring's Digital Post message, or the Danish note
    saying why it goes by letter (for the agenda entry's page)."""
    messages: dict[int, Any] = {}
    if hearing.letter_id is not None:
        for sent in digitalpost.messages_for_document(hearing.letter_id):
            messages[sent.recipient_id] = sent
    rows = []
    for guardian in hearing_custody_holders(hearing):
        message = messages.get(guardian.pk)
        note = (
            ""
            if message
            else "Med almindelig post"
            + (
                f" ({digitalpost.NO_CPR})."
                if digitalpost.enabled() and not guardian.has_cpr
                else "."
            )
        )
        rows.append((guardian, message, note))
    return rows


#: Said when a parent tries to answer a partshøring after its deadline.
HEARING_CLOSED = (
    "Fristen for at svare på partshøringen er udløbet ({deadline}). Du kan ikke længere svare "
    "her. Kontakt PPR, hvis du har bemærkninger."
)


@transaction.atomic
def answer_hearing(
    *,
    hearing: Hearing,
    guardian: Guardian,
    text: str,
    by: User,
    attachment: "UploadedFile[bytes] | None" = None,
) -> HearingResponse:
    """A custody holder answers a partshøring in the parents' portal, by the deadline and before
    the decision. The answer is added to the hearing's answer with the parent's name (where staff
    record and read answers), so the decision may then be made. Twice is once."""
    locked = Hearing.objects.select_for_update().get(pk=hearing.pk)
    existing = HearingResponse.objects.filter(hearing=locked, guardian=guardian).first()
    if existing is not None:
        return existing
    refuse_if_restricted(guardian.child_id)
    today = calendar.today()
    if today > locked.deadline:
        raise ValidationError(
            HEARING_CLOSED.format(deadline=f"{locked.deadline:%d.%m.%Y}"), code="deadline"
        )
    if Decision.objects.filter(application_id=locked.application_id).exists():
        raise ValidationError(
            "Der er allerede truffet afgørelse, så partshøringen er afsluttet.", code="decided"
        )
    text = text.strip()
    response = HearingResponse(hearing=locked, guardian=guardian, text=text, by=by)
    if attachment is not None:
        kind = validate_attachment(attachment)
        response.original_name = (attachment.name or "bilag")[:255]
        response.content_type = kind.content_type
        response.size = attachment.size or 0
        response.file.save("bilag", attachment, save=False)
    try:
        response.full_clean()
        response.save()
    except Exception:
        # The file is written before the row; do not leave an orphan when the insert fails.
        if response.file.name:
            response.file.storage.delete(response.file.name)
        raise
    heading = f"Svar fra {guardian.name} via forældreportalen {today:%d.%m.%Y}:"
    locked.answer = "\n\n".join(part for part in (locked.answer, f"{heading}\n{text}") if part)
    locked.answered_on = locked.answered_on or today
    locked.full_clean()
    locked.save(update_fields=["answer", "answered_on"])
    log_action(response, AuditAction.CREATE, by=by, purpose=PURPOSE)
    return response


@transaction.atomic
def record_hearing_answer(*, hearing: Hearing, answered_on: date, answer: str, by: User) -> Hearing:
    """Record the parents' comments; the decision may then be made before the deadline."""
    _require_manager(by)
    if answered_on < hearing.sent_on:
        raise ValidationError(
            {"answered_on": "Svaret kan ikke være modtaget, før partshøringen blev sendt."}
        )
    hearing.answered_on = answered_on
    hearing.answer = answer
    hearing.full_clean()
    hearing.save()
    log_action(hearing, AuditAction.UPDATE, by=by, purpose=PURPOSE)
    return hearing


def decision_blocked_by(application: SupportApplication, *, today: date | None = None) -> str:
    """Why no decision can be made yet ("" when it can)."""
    day = today or calendar.today()
    if application.status == ApplicationStatus.DECIDED:
        return "Ansøgningen er allerede afgjort."
    entry = application.agenda_entries.order_by("-pk").first()
    if entry is None or not entry.recommendation:
        return "Visitationsudvalget har endnu ikke givet sin indstilling."
    hearing = Hearing.objects.filter(application=application).first()
    if hearing is None:
        if hearing_required(entry):
            return (
                "Indstillingen går imod forældrenes ønske. Forældrene skal partshøres, før der "
                "træffes afgørelse."
            )
        return ""
    if not hearing.is_over(day):
        return (
            f"Forældrene har frist til {hearing.deadline:%d.%m.%Y} til at komme med "
            "bemærkninger. Der kan træffes afgørelse, når de har svaret, eller fristen er udløbet."
        )
    return ""


# --- The decision (afgørelse) and appeals ----------------------------------------------------

#: The rules a decision on special support normally rests on (forvaltningsloven § 24, stk. 1:
#: the reasons name the rules); the decision maker may add to them.
DEFAULT_RULES = (
    "Folkeskolelovens § 3 a og § 20, stk. 2 (specialundervisning og anden "
    "specialpædagogisk bistand), dagtilbudslovens § 4, stk. 2 (særlige dagtilbud), samt "
    "forvaltningslovens §§ 22–24 om begrundelse."
)


def appeal_guidance(municipality: Municipality | None = None) -> str:
    """Klagevejledning (forvaltningsloven § 25), from the municipality's own name and contact."""
    municipality = municipality or Municipality.current()
    sender = municipality.ppr_sender
    contact = f" ({municipality.ppr_contact})" if municipality.ppr_contact else ""
    return (
        "Du kan klage over afgørelsen til Klagenævnet for Specialundervisning. Klagen skal være "
        f"modtaget senest 4 uger efter, at du har modtaget afgørelsen. Du sender klagen til "
        f"{sender}{contact}, som genvurderer sagen og inden 4 uger sender den videre til "
        "klagenævnet med sine bemærkninger, hvis afgørelsen fastholdes (folkeskolelovens § 51, "
        "forvaltningslovens § 25). Du kan klage skriftligt eller mundtligt og få hjælp til at "
        "klage hos PPR."
    )


def decide(
    *,
    application: SupportApplication,
    outcome: str,
    facts: str,
    assessment: str,
    by: User,
    offer: Offer | None = None,
    starts_on: date | None = None,
    review_on: date | None = None,
    other_intervention: str = "",
    rules_applied: str = DEFAULT_RULES,
    today: date | None = None,
) -> Decision:
    """Make the afgørelse, once the committee has recommended and any partshøring is over.
    A second call for the same application returns the first decision."""
    _require_manager(by)
    day = today or calendar.today()
    with transaction.atomic():
        locked: SupportApplication = SupportApplication.objects.select_for_update(of=("self",)).get(
            pk=application.pk
        )
        existing = Decision.objects.filter(application=locked).first()
        if existing is not None:
            return existing
        blocked = decision_blocked_by(locked, today=day)
        if blocked:
            raise ValidationError(blocked)
        if outcome == DecisionOutcome.GRANTED and offer is not None and offer.is_retired:
            raise ValidationError({"offer": "Tilbuddet er udfaset. Vælg et andet."})
        if outcome == DecisionOutcome.GRANTED and starts_on is not None and review_on is None:
            review_on = review_deadline(starts_on)
        if (
            outcome == DecisionOutcome.GRANTED
            and starts_on is not None
            and review_on is not None
            and review_on > review_deadline(starts_on)
        ):
            raise ValidationError(
                {
                    "review_on": f"Støtten skal revurderes senest {review_months()} måneder "
                    f"efter starten, dvs. senest {review_deadline(starts_on):%d.%m.%Y}."
                }
            )
        decision = Decision(
            application=locked,
            outcome=outcome,
            offer=offer if outcome == DecisionOutcome.GRANTED else None,
            starts_on=starts_on if outcome == DecisionOutcome.GRANTED else None,
            review_on=review_on if outcome == DecisionOutcome.GRANTED else None,
            other_intervention=other_intervention if outcome == DecisionOutcome.OTHER else "",
            facts=facts,
            rules_applied=rules_applied,
            assessment=assessment,
            appeal_guidance=appeal_guidance(),
            decided_on=day,
            decided_by=by,
        )
        decision.full_clean()
        decision.save()
        SupportApplication.objects.filter(pk=locked.pk).update(status=ApplicationStatus.DECIDED)
        log_action(decision, AuditAction.CREATE, by=by, purpose=PURPOSE)
        order_letter(decision, by=by)
        if outcome == DecisionOutcome.GRANTED:
            place_after_decision(decision, by=by)
    application.refresh_from_db()
    return decision


APPEAL_PURPOSE = "klagesag"


def _require_appeals(by: User) -> None:
    if not by.has_perm("visitation.manage_appeals"):
        raise PermissionDenied


@transaction.atomic
def register_appeal(
    *,
    decision: Decision,
    received_on: date,
    by: User,
    appellant: str = "foraeldremyndighed",
    appellant_name: str = "",
    today: date | None = None,
) -> Appeal:
    """Register a complaint about the decision to Klagenævnet for Specialundervisning: when the
    municipality received it and from whom (the PPR leader's task)."""
    _require_appeals(by)
    if received_on < decision.decided_on:
        raise ValidationError(
            {"received_on": "Klagen kan ikke være modtaget før afgørelsen blev truffet."}
        )
    if received_on > (today or calendar.today()):
        raise ValidationError({"received_on": "Klagen kan ikke være modtaget i fremtiden."})
    appeal = Appeal(
        decision=decision,
        received_on=received_on,
        appellant=appellant,
        appellant_name=appellant_name.strip(),
        recorded_by=by,
    )
    appeal.full_clean()
    appeal.save()
    log_action(appeal, AuditAction.CREATE, by=by, purpose=APPEAL_PURPOSE)
    return appeal


@transaction.atomic
def record_appeal_outcome(
    *, appeal: Appeal, outcome: str, outcome_on: date, note: str, by: User
) -> Appeal:
    """The outcome of a complaint: upheld, changed, remitted or withdrawn (a correction may
    be recorded later; each change is audited)."""
    _require_appeals(by)
    if outcome == AppealOutcome.PENDING:
        raise ValidationError({"outcome": "Vælg klagens udfald."})
    if outcome_on < appeal.received_on:
        raise ValidationError({"outcome_on": "Udfaldet kan ikke ligge før klagen blev modtaget."})
    appeal.outcome = outcome
    appeal.outcome_on = outcome_on
    appeal.note = note
    appeal.full_clean()
    appeal.save()
    log_action(appeal, AuditAction.UPDATE, by=by, purpose=APPEAL_PURPOSE)
    return appeal


LETTER_TEMPLATE = "visitation/decision_pdf.html"


def _paragraphs(text: str) -> list[str]:
    return [part.strip() for part in text.split("\n\n") if part.strip()]


def letter_context(decision: Decision) -> dict[str, Any]:
    """The decision letter as JSON primitives: the child's masked CPR only."""
    application = decision.application
    child = application.child
    facts = [
        ["Barn", child.name],
        ["CPR-nummer", child.cpr_masked],
        ["Institution", application.institution.name],
        [
            "Ansøgning",
            f"Nr. {application.pk}, indsendt {application.submitted_at:%d.%m.%Y}"
            if application.submitted_at
            else f"Nr. {application.pk}",
        ],
        ["Afgjort", f"{decision.decided_on:%d.%m.%Y}"],
    ]
    if decision.offer is not None and decision.starts_on and decision.review_on:
        outcome = (
            f"Der er bevilget en plads i {decision.offer.name} "
            f"({decision.offer.get_kind_display().lower()}) fra {decision.starts_on:%d.%m.%Y}. "
            f"Støtten revurderes senest {decision.review_on:%d.%m.%Y}."
        )
    elif decision.outcome == DecisionOutcome.OTHER:
        outcome = f"Der er i stedet besluttet en anden indsats: {decision.other_intervention}"
    else:
        outcome = "Ansøgningen om specialpædagogisk bistand er afslået."
    return {
        "title": "Afgørelse om specialpædagogisk bistand",
        "subject_line": f"{child.name} · {child.cpr_masked}",
        "facts": facts,
        "outcome": outcome,
        "facts_paragraphs": _paragraphs(decision.facts),
        "assessment_paragraphs": _paragraphs(decision.assessment),
        "rules": decision.rules_applied,
        "appeal_guidance": decision.appeal_guidance,
        "signature": {"name": str(decision.decided_by), "date": f"{decision.decided_on:%d.%m.%Y}"},
    }


def order_letter(decision: Decision, *, by: User) -> Document:
    """Order the decision letter PDF (rendered in Celery after commit, like the PPV); filed in
    the ESDH on the application's case once rendered (ppr/esdh, when switched on)."""
    document = request_pdf(
        subject=decision,
        kind=DocumentKind.AFGOERELSE,
        title=f"Afgørelse om specialpædagogisk bistand – {decision.application.child.first_name}",
        template_name=LETTER_TEMPLATE,
        context=letter_context(decision),
        by=by,
    )
    if esdh_filing.switched_on():
        esdh_filing.file_document(
            decision.application.case,
            document,
            title="Afgørelse om specialpædagogisk bistand",
            by=by,
        )
    return document


# --- Sending the letter to the custody holders ----------------------------------------------

SEND_PURPOSE = "forsendelse af afgørelsesbrev"


def custody_holders(decision: Decision) -> list[Guardian]:
    """The child's guardians with custody: the parties the decision letter is sent to."""
    return list(
        decision.application.child.guardians.filter(has_custody=True).order_by("name", "pk")
    )


@transaction.atomic
def send_letter(
    decision: Decision, *, by: User, guardians: Iterable[Guardian], batch: uuid.UUID
) -> list[DecisionDispatch]:
    """Send the decision letter to each chosen custody holder and record it, as a PPV's
    sending is (the same ``batch`` twice records and sends each recipient once): by Digital
    Post (a legal notification) when the CPR number is stored, else by letter."""
    if not by.has_perm("visitation.send_letter") or not decision.can_download(by):
        raise PermissionDenied
    guardians = list(guardians)
    if not guardians:
        raise ValidationError({"guardians": ["Vælg mindst én forældremyndighedsindehaver."]})
    allowed = {g.pk for g in custody_holders(decision)}
    if any(g.pk not in allowed for g in guardians):
        raise ValidationError({"guardians": ["Vælg blandt barnets forældremyndighedsindehavere."]})
    now = timezone.now()
    dispatches = []
    for guardian in guardians:
        dispatch, created = DecisionDispatch.objects.get_or_create(
            batch=batch,
            guardian=guardian,
            defaults={
                "decision": decision,
                "recipient_name": f"{guardian.name} ({guardian.get_relation_display()})",
                "sent_at": now,
                "sent_by": by,
            },
        )
        if created and digitalpost.can_receive(guardian):
            # The same batch twice finds the dispatch and sends nothing more: one message.
            dispatch.digital_post = digitalpost.send(
                guardian=guardian,
                document=order_letter(decision, by=by),
                title="Afgørelse om specialpædagogisk bistand",
                by=by,
                case_reference=decision.application.case.reference,
                legal_notification=True,
            )
            dispatch.save(update_fields=["digital_post"])
        dispatches.append(dispatch)
    log_action(decision, AuditAction.UPDATE, by=by, purpose=SEND_PURPOSE)
    return dispatches


def letter(decision: Decision) -> Document | None:
    """The decision's letter, if ordered."""
    return (
        Document.objects.filter(
            content_type=ContentType.objects.get_for_model(Decision), object_id=decision.pk
        )
        .order_by("-version")
        .first()
    )
