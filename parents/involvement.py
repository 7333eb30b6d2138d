"""Parents taking part in a referral: the institution's leader invites the custody holders to
write the parents' perspective into a draft, and a custody holder refers their own child
(forældreindstilling) to PPR's intake queue."""

import uuid
from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from cases.models import (
    Consent,
    ConsentForm,
    ConsentScope,
    Guardian,
    Referral,
    ReferralEvent,
    ReferralRequest,
    ReferralStatus,
)
from cases.referrals.services import intake_users
from ppr.access import refuse_if_restricted
from ppr.accounts.models import User
from ppr.audit.models import AuditAction
from ppr.audit.services import log_action
from ppr.deadlines.models import DeadlineKind
from ppr.deadlines.services import default_due, notify, open_deadline

from .access import guardianships
from .models import ParentReferral, PerspectiveInvitation
from .notify import NEW_TASK, notify_guardian, parent_users

PURPOSE = "forældrenes perspektiv"
PURPOSE_OWN = "forældreindstilling"
#: What the parent is told before sending their own referral: sending it is their consent.
CONSENT_TEXT = (
    "Når du sender indstillingen, giver du samtykke til, at PPR behandler den og må tale med "
    "dit barns skole eller dagtilbud om den. Du kan trække samtykket tilbage ved at kontakte PPR."
)
READ_ONLY = "Indstillingen er sendt til PPR. Forældrenes perspektiv kan ikke længere ændres."

#: What a parent may ask PPR for in their own referral (the institutions' other choices are
#: professional: a test, a speech assessment is for PPR to choose).
PARENT_REQUESTS = [
    ReferralRequest.PPV,
    ReferralRequest.SPARRING,
    ReferralRequest.OTHER,
]


@dataclass(frozen=True)
class Invited:
    """The outcome of inviting: who got an invitation now, who could not be invited."""

    invited: list[PerspectiveInvitation]
    without_cpr: list[Guardian]


@transaction.atomic
def invite_custody_holders(referral: Referral, *, by: User) -> Invited:
    """Invite every custody holder of the child to write the parents' perspective into the
    draft; each with a parent login is told "Du har en ny opgave i PPR Sag". Inviting again
    invites only those not invited yet."""
    if not by.has_perm("parents.invite_parents", referral):
        raise PermissionDenied
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    if referral.status != ReferralStatus.DRAFT:
        raise ValidationError(READ_ONLY, code="not_draft")
    holders = list(Guardian.objects.filter(child_id=referral.child_id).holding_custody())
    already = set(referral.perspective_invitations.values_list("guardian_id", flat=True))
    invited, without_cpr = [], []
    for guardian in holders:
        if guardian.pk in already:
            continue
        if not guardian.has_cpr:
            without_cpr.append(guardian)
            continue
        invitation = PerspectiveInvitation.objects.create(
            referral=referral, guardian=guardian, invited_by=by
        )
        log_action(invitation, AuditAction.CREATE, by=by, purpose=PURPOSE)
        notify_guardian(guardian, message=NEW_TASK, path=invitation.get_absolute_url())
        invited.append(invitation)
    return Invited(invited=invited, without_cpr=without_cpr)


def has_login(guardian: Guardian) -> bool:
    return bool(parent_users(guardian))


class PerspectiveConflict(Exception):
    """The text was saved from another window meanwhile: nothing is overwritten."""

    def __init__(self, saved_at: datetime | None) -> None:
        super().__init__("conflict")
        self.saved_at = saved_at


def _check_parent(invitation: PerspectiveInvitation, by: User) -> None:
    if not guardianships(by).filter(pk=invitation.guardian_id).exists():
        raise PermissionDenied
    if invitation.referral.status != ReferralStatus.DRAFT:
        raise ValidationError(READ_ONLY, code="read_only")
    refuse_if_restricted(invitation.referral.child_id)


@transaction.atomic
def save_perspective(
    invitation: PerspectiveInvitation, *, by: User, text: str, version: int, send: bool = False
) -> PerspectiveInvitation:
    """Save the parent's text (autosave or "Gem"); ``send`` also marks it answered, so the
    leader sees it. A save from an older version raises PerspectiveConflict."""
    invitation = PerspectiveInvitation.objects.select_related("referral").get(pk=invitation.pk)
    _check_parent(invitation, by)
    text = text.replace("\x00", "").strip()
    if send and not text:
        raise ValidationError({"text": "Skriv forældrenes perspektiv, før du sender det."})
    now = timezone.now()
    changes: dict[str, object] = {"text": text, "saved_at": now}
    if send:
        changes |= {"answered_at": now, "answered_by": by}
    updated = PerspectiveInvitation.objects.filter(
        pk=invitation.pk, version=version, referral__status=ReferralStatus.DRAFT
    ).update(version=F("version") + 1, **changes)
    if updated != 1:
        current = PerspectiveInvitation.objects.select_related("referral").get(pk=invitation.pk)
        if current.referral.status != ReferralStatus.DRAFT:
            raise ValidationError(READ_ONLY, code="read_only")
        raise PerspectiveConflict(current.saved_at)
    invitation.refresh_from_db()
    log_action(invitation, AuditAction.UPDATE, by=by, purpose=PURPOSE)
    if send:
        notify(
            recipients=[invitation.invited_by],
            message=f"Forældrenes perspektiv til indstilling nr. {invitation.referral_id} er "
            "besvaret.",
            link=invitation.referral.get_absolute_url(),
        )
    return invitation


# --- The parents' own referral -----------------------------------------------------------


@transaction.atomic
def submit_parent_referral(
    *,
    guardian: Guardian,
    by: User,
    concern: str,
    strengths: str,
    child_perspective: str,
    earlier_interventions: str,
    requests: list[str],
    request_details: str,
    client_token: uuid.UUID,
) -> Referral:
    """A custody holder refers their own child to PPR: the referral lands in the intake queue
    as submitted and marked as the parents' own; sending it is the parent's consent, recorded
    as given digitally with MitID. The same client token twice sends one referral."""
    existing = ParentReferral.objects.filter(client_token=client_token).first()
    if existing is not None:
        return existing.referral
    if not guardianships(by).filter(pk=guardian.pk).exists():
        raise PermissionDenied
    refuse_if_restricted(guardian.child_id)
    # Two submits of the same form by one parent queue here (PostgreSQL); the second finds the
    # first's token.
    guardian = Guardian.objects.select_for_update().get(pk=guardian.pk)
    existing = ParentReferral.objects.filter(client_token=client_token).first()
    if existing is not None:
        return existing.referral
    child = guardian.child  # one query; select_for_update cannot lock the nullable join
    now = timezone.now()
    referral = Referral.objects.create(
        child=child,
        institution_id=child.institution_id,
        author=by,
        status=ReferralStatus.SUBMITTED,
        submitted_at=now,
        submitted_by=by,
        concern=concern,
        parents_perspective=concern,
        strengths=strengths,
        child_perspective=child_perspective,
        earlier_interventions=earlier_interventions,
        requests=requests,
        request_details=request_details,
        parent_request=True,
        parent_request_note=f"Forældreindstilling fra {guardian.name} "
        f"({guardian.get_relation_display().lower()}) via forældreportalen med MitID.",
    )
    try:
        # A savepoint: the second of two simultaneous submits of the same form loses here.
        with transaction.atomic():
            ParentReferral.objects.create(
                referral=referral, guardian=guardian, client_token=client_token
            )
    except IntegrityError:
        # The other submit won: its referral stands, this one is rolled back.
        first = ParentReferral.objects.select_related("referral").get(client_token=client_token)
        transaction.set_rollback(True)
        return first.referral
    ReferralEvent.objects.create(
        referral=referral,
        status=ReferralStatus.SUBMITTED,
        by=by,
        note="Forældreindstilling sendt via forældreportalen",
    )
    consent = Consent.objects.create(
        guardian=guardian,
        scope=ConsentScope.REFERRAL,
        given_on=timezone.localdate(now),
        form=ConsentForm.DIGITAL,
        recorded_by=by,
        text=CONSENT_TEXT,
        note="Givet digitalt via MitID ved forælderens egen indstilling til PPR.",
    )
    log_action(referral, AuditAction.CREATE, by=by, purpose=PURPOSE_OWN)
    log_action(consent, AuditAction.CREATE, by=by, purpose=PURPOSE_OWN, about=referral)
    notify(
        recipients=intake_users(),
        message=f"Ny forældreindstilling nr. {referral.pk} venter i modtagelsen.",
        link=referral.get_absolute_url(),
    )
    for kind, title in (
        (DeadlineKind.KVITTERING, f"Kvittér for indstilling nr. {referral.pk}"),
        (DeadlineKind.VISITATION, f"Visitér indstilling nr. {referral.pk}"),
    ):
        open_deadline(
            subject=referral, kind=kind, due=default_due(kind), responsible=None, by=by, title=title
        )
    return referral
