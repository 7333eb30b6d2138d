"""Registering children and their guardians, and recording consent."""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from cases.models import Child, Consent, ConsentScope, Guardian
from ppr.accounts.models import User
from ppr.audit.models import AuditAction
from ppr.audit.services import log_action
from ppr.confirm import can_still_undo
from ppr.organisation.models import Institution

PURPOSE = "registrering af barn"


class DuplicateChild(ValidationError):
    """The CPR number belongs to a child who is already registered."""

    def __init__(self, existing: Child) -> None:
        super().__init__("Barnet er allerede registreret.", code="duplicate_cpr")
        self.existing = existing


def registrable_institutions(user: User) -> list[Institution]:
    """Where ``user`` may register children: their own institutions; PPR intake: all."""
    qs = Institution.objects.filter(active=True)
    if not user.has_perm("cases.register_any_child"):
        qs = qs.filter(pk__in=user.institution_ids())
    return list(qs.order_by("name"))


@transaction.atomic
def register_child(
    *,
    by: User,
    cpr: str,
    first_name: str,
    last_name: str,
    institution: Institution,
    group: str = "",
) -> Child:
    """Register a child under its CPR number; an exact duplicate is refused (DuplicateChild)."""
    if institution not in registrable_institutions(by):
        raise PermissionDenied
    child = Child(
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        institution=institution,
        group=group.strip(),
    )
    child.set_cpr(cpr)
    # Under every configured key: a child registered before a key rotation is the same child.
    existing = Child.objects.with_cpr(cpr).first()
    if existing is not None:
        raise DuplicateChild(existing)
    try:
        # A savepoint: a concurrent registration of the same CPR number loses the race here.
        with transaction.atomic():
            child.save()
    except IntegrityError as exc:
        raise DuplicateChild(Child.objects.with_cpr(cpr).get()) from exc
    log_action(child, AuditAction.CREATE, by=by, purpose=PURPOSE)
    return child


@transaction.atomic
def add_guardian(
    *,
    child: Child,
    by: User | None,
    name: str,
    relation: str,
    has_custody: bool,
    phone: str = "",
    email: str = "",
    address: str = "",
    cpr: str = "",
    name_address_protected: bool = False,
    custody_ended_on: date | None = None,
) -> Guardian:
    """Add a parent or other adult to the child; ``has_custody`` marks forældremyndighed. The
    CPR number (optional) is what matches a custody holder's MitID login to the child. ``by`` is
    None when the nightly CPR refresh adds a custody holder."""
    guardian = Guardian(
        child=child,
        name=name.strip(),
        relation=relation,
        has_custody=has_custody,
        custody_ended_on=custody_ended_on,
        phone=phone.strip(),
        email=email.strip(),
        address=address.strip(),
        name_address_protected=name_address_protected,
    )
    guardian.set_cpr(cpr)
    guardian.full_clean()
    guardian.save()
    log_action(guardian, AuditAction.CREATE, by=by, purpose=PURPOSE, about=child)
    return guardian


@transaction.atomic
def record_consent(
    *,
    guardian: Guardian,
    by: User,
    scope: str,
    given_on: date,
    form: str,
    meeting_name: str = "",
    note: str = "",
    text: str = "",
) -> Consent:
    """Record one guardian's consent for one purpose (a referral, a named meeting, a course);
    ``text`` is what a parent read and accepted when they gave it digitally."""
    if given_on > timezone.localdate():
        raise ValidationError({"given_on": "Datoen for samtykket kan ikke ligge i fremtiden."})
    if scope == ConsentScope.MEETING and not meeting_name.strip():
        raise ValidationError({"meeting_name": "Angiv hvilket møde samtykket gælder."})
    consent = Consent(
        guardian=guardian,
        scope=scope,
        given_on=given_on,
        form=form,
        meeting_name=meeting_name.strip() if scope == ConsentScope.MEETING else "",
        note=note.strip(),
        text=text,
        recorded_by=by,
    )
    consent.full_clean()
    consent.save()
    log_action(consent, AuditAction.CREATE, by=by, purpose=PURPOSE, about=guardian.child)
    return consent


@transaction.atomic
def withdraw_consent(*, consent: Consent, by: User, on: date | None = None) -> Consent:
    """Mark a consent withdrawn; it stays on record with the date it was withdrawn."""
    on = on or timezone.localdate()
    updated = Consent.objects.filter(pk=consent.pk, withdrawn_on__isnull=True).update(
        withdrawn_on=on, withdrawn_at=timezone.now()
    )
    consent.refresh_from_db()
    if updated:
        log_action(
            consent, AuditAction.UPDATE, by=by, purpose=PURPOSE, about=consent.guardian.child
        )
    return consent


@transaction.atomic
def undo_withdraw_consent(*, consent: Consent, by: User) -> Consent:
    """Restore a consent withdrawn by mistake, within minutes; the audit log keeps both steps."""
    locked = (
        Consent.objects.select_for_update().select_related("guardian__child").get(pk=consent.pk)
    )
    if locked.withdrawn_on is None:
        return locked  # a double click: already restored
    if not can_still_undo(locked.withdrawn_at):
        raise ValidationError(
            "Tilbagetrækningen kan kun fortrydes de første minutter. Registrér samtykket igen.",
            code="too_late",
        )
    locked.withdrawn_on = None
    locked.withdrawn_at = None
    locked.save(update_fields=["withdrawn_on", "withdrawn_at"])
    log_action(locked, AuditAction.UPDATE, by=by, purpose=PURPOSE, about=locked.guardian.child)
    return locked
