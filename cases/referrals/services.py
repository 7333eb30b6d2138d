"""The referral (indstilling) verbs: draft, submit, receive, visitate (accept / reject / redirect),
close; attachments; and the expiry of forgotten drafts.

Every state change is a conditional UPDATE from the state it leaves, so two clicks, two tabs or
two people can never move a referral twice; the loser gets ``InvalidTransition``.
"""

from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any, Protocol

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F, Q
from django.dispatch import Signal
from django.utils import timezone

from cases.casework.services import assign_case, open_case
from cases.models import (
    VISITED_STATUSES,
    Case,
    Child,
    ConsentScope,
    Guardian,
    RatingContext,
    RedirectForum,
    Referral,
    ReferralAttachment,
    ReferralEvent,
    ReferralRequest,
    ReferralStatus,
)
from cases.ratings.services import rate_child
from ppr.accounts.models import Role, User
from ppr.audit.models import AuditAction
from ppr.audit.services import log_action
from ppr.deadlines.models import DeadlineKind
from ppr.deadlines.services import default_due, meet_deadlines, notify, open_deadline
from ppr.organisation.models import Municipality

from .uploads import validate_attachment

PURPOSE = "indstilling"
PURPOSE_VISITATION = "visitation"

#: Sections of the form anyone drafting may change.
DRAFT_FIELDS = (
    "concern",
    "strengths",
    "child_perspective",
    "parents_perspective",
    "plan_goals",
    "plan_actions",
    "plan_period",
    "plan_evaluation",
    "plan_evaluated_with",
    "earlier_interventions",
    "requests",
    "request_details",
    "ruler_colour",
)
#: Only PPR intake records that the parents themselves asked for the referral.
PARENT_REQUEST_FIELDS = ("parent_request", "parent_request_note")

#: Sections a referral cannot be submitted without (DOMAIN.md, "The route of a concern", 3).
REQUIRED_SECTIONS = {
    "concern": "Beskriv bekymringen.",
    "strengths": "Beskriv barnets styrker og ressourcer.",
    "child_perspective": "Beskriv barnets eget perspektiv.",
    "parents_perspective": "Beskriv forældrenes perspektiv.",
    "requests": "Vælg hvad I ønsker af PPR.",
    "ruler_colour": "Vælg en farve på Børnelinealen.",
}
#: The evaluated handleplan a school needs before asking for special support (seed 001).
HANDLEPLAN_SECTIONS = {
    "plan_goals": "Handleplanens mål mangler.",
    "plan_actions": "Beskriv hvad der er gjort i handleplanen.",
    "plan_period": "Angiv handleplanens periode.",
    "plan_evaluation": "Beskriv hvordan handleplanen er evalueret.",
    "plan_evaluated_with": "Angiv hvem handleplanen er evalueret med.",
}
HANDLEPLAN_GATE = (
    "En skole kan ikke søge om specialpædagogisk bistand uden en evalueret handleplan: "
    "udfyld mål, hvad der er gjort, periode, evaluering og hvem den er evalueret med."
)

MAX_ATTACHMENTS = 20
EXPIRY_WARNING_DAYS = 7


class NotADraft(Exception):
    """The referral has left the draft state (submitted elsewhere, or by a double click)."""


class ReferralConflict(Exception):
    """The draft was saved from an older version than the stored one: no silent overwrite."""

    def __init__(self, stored_version: int, stored_at: datetime | None) -> None:
        super().__init__(stored_version)
        self.stored_version = stored_version
        self.stored_at = stored_at


class InvalidTransition(ValidationError):
    """The referral is no longer in a state that allows this step."""

    def __init__(self, message: str = "") -> None:
        super().__init__(
            message
            or "Indstillingen har allerede skiftet status. Se den aktuelle status herunder.",
            code="invalid_transition",
        )


class SubmissionBlocked(ValidationError):
    """One or more gates stop the submission; messages are keyed by form field."""


# --- Helpers ---------------------------------------------------------------------------------


def _event(referral: Referral, status: str, by: User | None, note: str = "") -> ReferralEvent:
    return ReferralEvent.objects.create(referral=referral, status=status, by=by, note=note)


def _active_users(**membership: Any) -> list[User]:
    return list(
        User.objects.filter(
            is_active=True,
            **{f"memberships__{key}": value for key, value in membership.items()},
            memberships__active=True,
        ).distinct()
    )


def intake_users() -> list[User]:
    """The PPR leaders and secretaries who receive referrals."""
    return _active_users(role__in=[Role.PPR_LEADER, Role.SECRETARY])


def institution_recipients(referral: Referral) -> list[User]:
    """Who hears about a referral's progress: the institution's leaders, its author, its submitter.

    Staff only: a parents' own request is addressed to PPR, so the institution it is filed under
    hears nothing of it, and a parent who sent it hears through their portal
    (``referral_progressed``), never by a link to a staff page."""
    users = (
        []
        if referral.parent_request
        else _active_users(role=Role.INSTITUTION_LEADER, institution_id=referral.institution_id)
    )
    for extra in (referral.author, referral.submitted_by):
        if (
            extra is not None
            and extra.is_active
            and not extra.has_role(Role.PARENT)
            and all(u.pk != extra.pk for u in users)
        ):
            users.append(extra)
    return users


#: Sent (``referral=``) when PPR moves a submitted referral on: received, accepted, rejected,
#: redirected. The parents app tells the parent who referred their own child, in the portal.
referral_progressed = Signal()


def _tell_progress(referral: Referral, message: str) -> None:
    """The institution's side (``institution_recipients``) and, through the signal, a parent
    who sent the referral."""
    _notify(institution_recipients(referral), message, referral)
    referral_progressed.send(sender=Referral, referral=referral)


def _notify(recipients: Iterable[User], message: str, referral: Referral) -> None:
    # Messages name the referral's number and the institution, never the child: they are e-mailed.
    notify(recipients=recipients, message=message, link=referral.get_absolute_url())


def _move(referral: Referral, *, from_states: Iterable[str], to: str, **changes: Any) -> Referral:
    """The conditional UPDATE every transition goes through; exactly one row or InvalidTransition."""
    updated = Referral.objects.filter(pk=referral.pk, status__in=list(from_states)).update(
        status=to, version=F("version") + 1, updated_at=timezone.now(), **changes
    )
    if updated != 1:
        raise InvalidTransition()
    referral.refresh_from_db()
    return referral


# --- Drafts ----------------------------------------------------------------------------------


@transaction.atomic
def create_draft(
    *,
    child: Child,
    by: User,
    parent_request: bool = False,
    parent_request_note: str = "",
    origin: str = "Kladde oprettet",
) -> Referral:
    """Start a draft referral for ``child`` at the child's institution."""
    if not by.has_perm("cases.draft_referral_for", child):
        raise PermissionDenied
    if parent_request and not by.has_perm("cases.record_parent_request"):
        raise PermissionDenied
    if parent_request and not parent_request_note.strip():
        raise ValidationError(
            {"parent_request_note": "Skriv hvordan og hvornår forældrene selv har henvendt sig."}
        )
    referral = Referral.objects.create(
        child=child,
        institution_id=child.institution_id,
        author=by,
        parent_request=parent_request,
        parent_request_note=parent_request_note.strip() if parent_request else "",
    )
    _event(referral, ReferralStatus.DRAFT, by, origin)
    log_action(referral, AuditAction.CREATE, by=by, purpose=PURPOSE)
    return referral


def editable_fields(user: User) -> tuple[str, ...]:
    if user.has_perm("cases.record_parent_request"):
        return DRAFT_FIELDS + PARENT_REQUEST_FIELDS
    return DRAFT_FIELDS


@transaction.atomic
def save_draft(referral: Referral, *, by: User, data: Mapping[str, Any], version: int) -> Referral:
    """Save the draft's sections if nobody saved a newer version meanwhile (else ReferralConflict)."""
    if not by.has_perm("cases.edit_referral", referral):
        if referral.status != ReferralStatus.DRAFT:
            raise NotADraft
        raise PermissionDenied
    changes = {name: data[name] for name in editable_fields(by) if name in data}
    if changes.get("parent_request") is False:
        changes["parent_request_note"] = ""
    # Touching a draft restarts its expiry clock, so the author may be warned again later.
    updated = Referral.objects.filter(
        pk=referral.pk, status=ReferralStatus.DRAFT, version=version
    ).update(
        **changes,
        version=F("version") + 1,
        updated_at=timezone.now(),
        expiry_warned_at=None,
    )
    if updated != 1:
        stored = Referral.objects.filter(pk=referral.pk).values("status", "version", "updated_at")
        current = stored.first()
        if current is None or current["status"] != ReferralStatus.DRAFT:
            raise NotADraft
        raise ReferralConflict(current["version"], current["updated_at"])
    referral.refresh_from_db()
    log_action(referral, AuditAction.UPDATE, by=by, purpose=PURPOSE)
    return referral


# --- Gates and submission --------------------------------------------------------------------


def custody_holders_without_consent(referral: Referral) -> list[Guardian]:
    """Custody holders lacking an active consent to the referral (joint custody: both count)."""
    holders = Guardian.objects.filter(child_id=referral.child_id, has_custody=True)
    return list(
        holders.exclude(
            consents__scope=ConsentScope.REFERRAL, consents__withdrawn_on__isnull=True
        ).order_by("name")
    )


def submission_problems(referral: Referral) -> dict[str, list[str]]:
    """Every reason the referral cannot be submitted yet, keyed by form field ("__all__": general)."""
    problems: dict[str, list[str]] = {}
    for field, message in REQUIRED_SECTIONS.items():
        value = getattr(referral, field)
        if not (value.strip() if isinstance(value, str) else value):
            problems.setdefault(field, []).append(message)

    asks_special_support = ReferralRequest.SPECIAL_SUPPORT in (referral.requests or [])
    if asks_special_support and referral.institution.is_school:
        missing = {
            field: message
            for field, message in HANDLEPLAN_SECTIONS.items()
            if not (
                getattr(referral, field).strip()
                if isinstance(getattr(referral, field), str)
                else getattr(referral, field)
            )
        }
        if missing:
            problems.setdefault(NON_FIELD_ERRORS, []).append(HANDLEPLAN_GATE)
            for field, message in missing.items():
                problems.setdefault(field, []).append(message)

    if not referral.parent_request:
        if not Guardian.objects.filter(child_id=referral.child_id, has_custody=True).exists():
            problems.setdefault(NON_FIELD_ERRORS, []).append(
                "Der er ikke registreret nogen forældremyndighedsindehaver. Tilføj forældrene og "
                "deres samtykke på barnets side, før indstillingen sendes."
            )
        else:
            lacking = custody_holders_without_consent(referral)
            if lacking:
                names = ", ".join(guardian.name for guardian in lacking)
                problems.setdefault(NON_FIELD_ERRORS, []).append(
                    "Der mangler samtykke til indstillingen fra alle med forældremyndighed "
                    f"(ved fælles forældremyndighed fra begge). Mangler fra: {names}."
                )
    return problems


@transaction.atomic
def submit_referral(referral: Referral, *, by: User) -> Referral:
    """Send a draft to PPR once every gate passes; a second submit raises NotADraft."""
    if not by.has_perm("cases.submit_referral", referral):
        raise PermissionDenied
    referral = Referral.objects.select_related("institution").get(pk=referral.pk)
    if referral.status != ReferralStatus.DRAFT:
        raise NotADraft
    problems = submission_problems(referral)
    if problems:
        raise SubmissionBlocked(problems)
    now = timezone.now()
    try:
        _move(
            referral,
            from_states=[ReferralStatus.DRAFT],
            to=ReferralStatus.SUBMITTED,
            submitted_at=now,
            submitted_by=by,
        )
    except InvalidTransition as exc:
        raise NotADraft from exc
    _event(referral, ReferralStatus.SUBMITTED, by)
    # The institution's Børnelineal colour becomes a point of the child's rating history.
    rate_child(
        child=referral.child,
        by=by,
        colour=referral.ruler_colour,
        context=RatingContext.REFERRAL,
        rationale="Institutionens vurdering i indstillingen til PPR.",
        referral=referral,
    )
    log_action(referral, AuditAction.UPDATE, by=by, purpose=PURPOSE)
    _notify(
        institution_recipients(referral),
        f"Indstilling nr. {referral.pk} fra {referral.institution} er sendt til PPR "
        f"{timezone.localtime(now):%d.%m.%Y kl. %H:%M}.",
        referral,
    )
    _notify(
        intake_users(),
        f"Ny indstilling nr. {referral.pk} fra {referral.institution} venter i modtagelsen.",
        referral,
    )
    # PPR owes a receipt and a visitation; the intake pool (leader, secretaries) holds both.
    for kind, title in (
        (DeadlineKind.KVITTERING, f"Kvittér for indstilling nr. {referral.pk}"),
        (DeadlineKind.VISITATION, f"Visitér indstilling nr. {referral.pk}"),
    ):
        open_deadline(
            subject=referral, kind=kind, due=default_due(kind), responsible=None, by=by, title=title
        )
    return referral


# --- PPR intake and visitation ---------------------------------------------------------------


def _receive(referral: Referral, by: User) -> Referral:
    _move(
        referral,
        from_states=[ReferralStatus.SUBMITTED],
        to=ReferralStatus.RECEIVED,
        received_at=timezone.now(),
    )
    _event(referral, ReferralStatus.RECEIVED, by, "Kvittering sendt til institutionen")
    log_action(referral, AuditAction.UPDATE, by=by, purpose=PURPOSE_VISITATION)
    _tell_progress(
        referral,
        f"Kvittering: PPR har modtaget indstilling nr. {referral.pk} fra {referral.institution}.",
    )
    meet_deadlines(subject=referral, kind=DeadlineKind.KVITTERING, by=by)
    return referral


@transaction.atomic
def receive_referral(referral: Referral, *, by: User) -> Referral:
    """PPR intake confirms receipt (modtaget); the institution gets a receipt."""
    if not by.has_perm("cases.receive_referral", referral):
        raise PermissionDenied
    return _receive(referral, by)


def _prepare_visitation(referral: Referral, by: User) -> Referral:
    if not by.has_perm("cases.visitate_referral", referral):
        raise PermissionDenied
    referral.refresh_from_db()
    if referral.status == ReferralStatus.SUBMITTED:
        # Deciding on a referral nobody marked received receives it first: the receipt is owed.
        _receive(referral, by)
    return referral


@transaction.atomic
def accept_referral(referral: Referral, *, by: User, assignee: User) -> Case:
    """Accept: open the child's case (or join the open one) and assign a PPR case worker."""
    if not (assignee.is_active and assignee.is_caseworker):
        raise ValidationError(
            {"assignee": "Vælg en PPR-psykolog, talepædagog eller PPR-konsulent."}
        )
    referral = _prepare_visitation(referral, by)
    _move(
        referral,
        from_states=[ReferralStatus.RECEIVED],
        to=ReferralStatus.ACCEPTED,
        decided_at=timezone.now(),
        decided_by=by,
    )
    # Opens the child's case, or joins the open one (one open case per child).
    case = open_case(child=referral.child, by=by, assignee=assignee)
    if case.assigned_id != assignee.pk:
        case = assign_case(case=case, by=by, assignee=assignee)
    Referral.objects.filter(pk=referral.pk).update(case=case)
    referral.case = case
    _event(referral, ReferralStatus.ACCEPTED, by, f"Sagsbehandler: {assignee}")
    log_action(referral, AuditAction.UPDATE, by=by, purpose=PURPOSE_VISITATION)
    _tell_progress(
        referral,
        f"Indstilling nr. {referral.pk} fra {referral.institution} er visiteret: accepteret.",
    )
    notify(
        recipients=[assignee],
        message=f"Du er tildelt sag {case.reference} efter visitation af indstilling nr. {referral.pk}.",
        link=case.get_absolute_url(),
    )
    meet_deadlines(subject=referral, kind=DeadlineKind.VISITATION, by=by)
    # The service target for the PPV runs from the acceptance; the case worker holds it.
    open_deadline(
        subject=case,
        kind=DeadlineKind.PPV,
        due=default_due(DeadlineKind.PPV),
        responsible=assignee,
        by=by,
        title=f"PPV i sag {case.reference}",
    )
    return case


@transaction.atomic
def reject_referral(referral: Referral, *, by: User, reason: str) -> Referral:
    """Reject with a reason the institution sees."""
    if not reason.strip():
        raise ValidationError({"reason": "Skriv en begrundelse for afvisningen."})
    referral = _prepare_visitation(referral, by)
    _move(
        referral,
        from_states=[ReferralStatus.RECEIVED],
        to=ReferralStatus.REJECTED,
        decided_at=timezone.now(),
        decided_by=by,
        rejection_reason=reason.strip(),
    )
    _event(referral, ReferralStatus.REJECTED, by, reason.strip())
    log_action(referral, AuditAction.UPDATE, by=by, purpose=PURPOSE_VISITATION)
    _tell_progress(
        referral,
        f"Indstilling nr. {referral.pk} fra {referral.institution} er visiteret: afvist. "
        "Se begrundelsen i PPR Sag.",
    )
    meet_deadlines(subject=referral, kind=DeadlineKind.VISITATION, by=by)
    return referral


@transaction.atomic
def redirect_referral(referral: Referral, *, by: User, forum: str, note: str = "") -> Referral:
    """Redirect to another forum of the support model (a text choice until the meetings app)."""
    if forum not in RedirectForum.values:
        raise ValidationError({"forum": "Vælg det forum, indstillingen henvises til."})
    referral = _prepare_visitation(referral, by)
    _move(
        referral,
        from_states=[ReferralStatus.RECEIVED],
        to=ReferralStatus.REDIRECTED,
        decided_at=timezone.now(),
        decided_by=by,
        redirect_forum=forum,
    )
    label = RedirectForum(forum).label
    _event(referral, ReferralStatus.REDIRECTED, by, f"{label}. {note.strip()}".strip())
    log_action(referral, AuditAction.UPDATE, by=by, purpose=PURPOSE_VISITATION)
    _tell_progress(
        referral,
        f"Indstilling nr. {referral.pk} fra {referral.institution} er henvist til {label}.",
    )
    meet_deadlines(subject=referral, kind=DeadlineKind.VISITATION, by=by)
    return referral


class RedirectVerb(Protocol):
    """A verb with ``redirect_referral``'s signature."""

    def __call__(self, referral: Referral, *, by: User, forum: str, note: str = "") -> object: ...


_redirect_verbs: list[RedirectVerb] = []


def redirects_at_visitation(verb: RedirectVerb) -> RedirectVerb:
    """Install the verb the visitation's redirect decision runs instead of ``redirect_referral``:
    the app that owns the forums (meetings) drafts the henvisning in the same step (decisions
    act) and calls ``redirect_referral`` itself. It registers from its ``AppConfig.ready()``, so
    this app, below it, imports none of it. Idempotent; the last one installed runs."""
    if all(existing is not verb for existing in _redirect_verbs):
        _redirect_verbs.append(verb)
    return verb


def redirect_at_visitation(referral: Referral, *, by: User, forum: str, note: str = "") -> object:
    """The visitation's redirect decision: the installed verb, else ``redirect_referral``."""
    verb = _redirect_verbs[-1] if _redirect_verbs else redirect_referral
    return verb(referral, by=by, forum=forum, note=note)


@transaction.atomic
def close_referral(referral: Referral, *, by: User, note: str = "") -> Referral:
    """Close a visitated referral (afsluttet); the case, if any, lives on by itself."""
    if not by.has_perm("cases.close_referral", referral):
        raise PermissionDenied
    _move(referral, from_states=VISITED_STATUSES, to=ReferralStatus.CLOSED)
    _event(referral, ReferralStatus.CLOSED, by, note.strip())
    log_action(referral, AuditAction.UPDATE, by=by, purpose=PURPOSE_VISITATION)
    return referral


# --- Attachments -----------------------------------------------------------------------------


@transaction.atomic
def add_attachment(
    referral: Referral, *, by: User, file: "UploadedFile[bytes]"
) -> ReferralAttachment:
    """Attach a PDF, DOCX, JPEG or PNG (checked by content, at most 20 MB) to a draft."""
    if not by.has_perm("cases.edit_referral", referral):
        if referral.status != ReferralStatus.DRAFT:
            raise NotADraft
        raise PermissionDenied
    kind = validate_attachment(file)
    if referral.attachments.count() >= MAX_ATTACHMENTS:
        raise ValidationError(f"En indstilling kan højst have {MAX_ATTACHMENTS} bilag.")
    attachment = ReferralAttachment(
        referral=referral,
        original_name=(file.name or "bilag")[:255],
        content_type=kind.content_type,
        size=file.size or 0,
        uploaded_by=by,
    )
    attachment.file.save("bilag", file, save=False)
    try:
        attachment.save()
    except Exception:
        # The file is written before the row; do not leave an orphan when the insert fails.
        if attachment.file.name:
            attachment.file.storage.delete(attachment.file.name)
        raise
    log_action(referral, AuditAction.CREATE, by=by, purpose=PURPOSE)
    return attachment


@transaction.atomic
def remove_attachment(attachment: ReferralAttachment, *, by: User) -> None:
    """Remove an attachment from a draft (the file is deleted after commit)."""
    referral = attachment.referral
    if not by.has_perm("cases.edit_referral", referral):
        if referral.status != ReferralStatus.DRAFT:
            raise NotADraft
        raise PermissionDenied
    _delete_files_on_commit([attachment.file.name])
    attachment.delete()
    log_action(referral, AuditAction.UPDATE, by=by, purpose=PURPOSE)


def _delete_files_on_commit(names: list[str | None]) -> None:
    def delete() -> None:
        for name in names:
            if name:  # a row whose file was never written
                default_storage.delete(name)

    transaction.on_commit(delete)


# --- Draft expiry ----------------------------------------------------------------------------


def expire_drafts(*, now: datetime | None = None) -> tuple[int, int]:
    """Warn authors of drafts about to expire (once), delete expired ones. Returns (warned, deleted)."""
    now = now or timezone.now()
    days = Municipality.current().referral_draft_expiry_days
    expire_before = now - timedelta(days=days)
    warn_before = now - timedelta(days=max(days - EXPIRY_WARNING_DAYS, 0))
    drafts = Referral.objects.filter(status=ReferralStatus.DRAFT)

    warned = 0
    candidates = list(
        drafts.filter(updated_at__lte=warn_before, updated_at__gt=expire_before)
        .filter(expiry_warned_at__isnull=True)
        .values_list("pk", flat=True)
    )
    for pk in candidates:
        with transaction.atomic():
            # Claimed one by one: a second worker running the same job finds it already warned.
            claimed = Referral.objects.filter(
                pk=pk, status=ReferralStatus.DRAFT, expiry_warned_at__isnull=True
            ).update(expiry_warned_at=now)
            if not claimed:
                continue
            referral = Referral.objects.select_related("author").get(pk=pk)
            expires_on = timezone.localtime(referral.updated_at + timedelta(days=days)).date()
            _notify(
                [referral.author],
                f"Din kladde til indstilling nr. {referral.pk} bliver slettet {expires_on:%d.%m.%Y}, "
                "hvis den ikke bliver gemt eller indsendt inden da.",
                referral,
            )
            warned += 1

    deleted = 0
    for pk in list(drafts.filter(updated_at__lte=expire_before).values_list("pk", flat=True)):
        with transaction.atomic():
            expired = (
                Referral.objects.select_for_update()
                .filter(pk=pk, status=ReferralStatus.DRAFT, updated_at__lte=expire_before)
                .first()
            )
            if expired is None:
                continue
            _delete_files_on_commit(list(expired.attachments.values_list("file", flat=True)))
            log_action(expired, AuditAction.DELETE, by=None, purpose="udløbet kladde")
            # Ratings are only created at submission, so a draft has none to protect it.
            expired.delete()
            deleted += 1
    return warned, deleted


def is_waiting(referral: Referral) -> bool:
    return referral.status in (ReferralStatus.SUBMITTED, ReferralStatus.RECEIVED)


def waiting_q() -> Q:
    return Q(status__in=[ReferralStatus.SUBMITTED, ReferralStatus.RECEIVED])
