"""Sign-in through KOMBIT's adgangsstyring: the user and his memberships from the assertion.

The municipality's user administration decides who holds which user-system role (and with
which organisation-unit constraint); the PPR leader's ``SsoRoleMapping`` rows decide what each
opens in PPR Sag. At every sign-in the user's memberships from mappings are brought in line
with the assertion: a matched mapping gives (or switches on again) its membership, a role the
municipality has removed switches its membership off. Memberships the administrator proposed
by hand are not touched. Saving a mapping is the PPR leader's approval of what it grants; a
membership from a mapping the user approved himself waits for another PPR leader.
"""

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from ppr.audit.models import AuditAction
from ppr.audit.services import log_action
from ppr.saml.privileges import ORG_UNIT, Privilege
from ppr.saml.sp import Identity

from .models import DormantAccount, Membership, Role, SsoRoleMapping, User

PURPOSE = "rettigheder"
#: Accounts not seen for this many days are listed nightly.
DORMANT_DAYS = 90
SCOPE_FIELDS = frozenset({"privilege", "org_unit", "role", "institution", "district", "team"})


class SignInRefused(Exception):
    """The assertion is genuine, but PPR Sag has no user for it; ``message`` is shown (Danish)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def matches(mapping: SsoRoleMapping, privilege: Privilege) -> bool:
    if mapping.privilege != privilege.role:
        return False
    return not mapping.org_unit or privilege.allows(ORG_UNIT, mapping.org_unit)


def matched_mappings(privileges: Iterable[Privilege]) -> list[SsoRoleMapping]:
    granted = list(privileges)
    candidates = SsoRoleMapping.objects.filter(
        retired_at__isnull=True, privilege__in={p.role for p in granted}
    )
    return [m for m in candidates if any(matches(m, p) for p in granted)]


def _find_user(identity: Identity) -> User | None:
    user = User.objects.select_for_update().filter(sso_subject=identity.subject).first()
    if user is not None:
        return user
    user = User.objects.select_for_update().filter(email__iexact=identity.email).first()
    if user is not None and user.sso_subject not in (None, identity.subject):
        raise SignInRefused(
            "Din e-mailadresse hører til en anden bruger i PPR Sag. Kontakt administratoren."
        )
    return user


def _grant(user: User, mapping: SsoRoleMapping, membership: Membership | None) -> Membership:
    """Give ``user`` the membership of ``mapping``: approved by the mapping's PPR leader, or
    pending when that leader is the user himself (or gone)."""
    now = timezone.now()
    if membership is None:
        membership = Membership(user=user, sso_mapping=mapping)
    membership.role, membership.institution_id = mapping.role, mapping.institution_id
    membership.district_id, membership.team_id = mapping.district_id, mapping.team_id
    membership.proposed_by, membership.proposed_at = None, now
    approver = mapping.approved_by_id
    if approver is None or approver == user.pk:
        membership.active, membership.approved_by_id, membership.approved_at = False, None, None
        verb = "foreslået fra KOMBIT"
    else:
        membership.active, membership.approved_by_id, membership.approved_at = True, approver, now
        verb = "tildelt fra KOMBIT"
    membership.save()
    log_action(
        membership,
        AuditAction.CREATE,
        by=None,
        purpose=f"{PURPOSE}: {verb} ({mapping.privilege}): {membership} for {user.email}"[:200],
    )
    return membership


def _switch_off(membership: Membership, why: str) -> None:
    if membership.is_pending:
        log_action(
            membership,
            AuditAction.DELETE,
            by=None,
            purpose=f"{PURPOSE}: forslag fjernet, {why}: {membership} for {membership.user.email}"[
                :200
            ],
        )
        membership.delete()
        return
    membership.active = False
    membership.save(update_fields=["active"])
    log_action(
        membership,
        AuditAction.UPDATE,
        by=None,
        purpose=f"{PURPOSE}: fjernet, {why}: {membership} for {membership.user.email}"[:200],
    )


def sync_memberships(user: User, mappings: list[SsoRoleMapping]) -> tuple[int, int]:
    """Bring ``user``'s memberships from mappings in line with ``mappings``; (granted, removed)."""
    wanted = {m.pk: m for m in mappings}
    granted = removed = 0
    existing: dict[int, Membership] = {}
    for membership in user.memberships.select_for_update().filter(sso_mapping__isnull=False):
        assert membership.sso_mapping_id is not None
        if membership.sso_mapping_id not in wanted:
            if membership.active or membership.is_pending:
                _switch_off(membership, "ikke længere tildelt i kommunens brugeradministration")
                removed += 1
        else:
            existing[membership.sso_mapping_id] = membership
    for pk, mapping in wanted.items():
        held = existing.get(pk)
        if held is not None and (held.active or held.is_pending):
            continue
        _grant(user, mapping, held)
        granted += 1
    return granted, removed


def sign_in(identity: Identity) -> User:
    """The user the assertion names, with memberships as the municipality grants them now;
    ``SignInRefused`` when there is nobody to sign in. Removals are kept when the sign-in is
    then refused for want of roles."""
    user = _sync(identity)
    if not user.memberships.filter(Q(active=True) | Q(approved_at__isnull=True)).exists():
        raise SignInRefused(
            "Du har ingen roller i PPR Sag. Bed kommunens brugeradministration om en rolle."
        )
    return user


@transaction.atomic
def _sync(identity: Identity) -> User:
    mappings = matched_mappings(identity.privileges)
    user = _find_user(identity)
    if user is None:
        if not mappings:
            raise SignInRefused(
                "Du har ingen roller i PPR Sag. Bed kommunens brugeradministration om en rolle."
            )
        user = User(
            email=User.objects.normalize_email(identity.email).lower(),
            first_name=identity.first_name,
            last_name=identity.last_name,
            sso_subject=identity.subject,
        )
        user.set_unusable_password()
        user.save()
        log_action(
            user,
            AuditAction.CREATE,
            by=None,
            purpose=f"{PURPOSE}: bruger oprettet ved login med KOMBIT: {user.email}"[:200],
        )
    if not user.is_active:
        raise SignInRefused("Din bruger i PPR Sag er lukket. Kontakt din PPR-leder.")
    if user.memberships.filter(role=Role.PARENT).exists():
        raise SignInRefused("Forældre logger ind med MitID på forældresiden.")
    changed = []
    if user.sso_subject != identity.subject:
        user.sso_subject = identity.subject
        changed.append("sso_subject")
    for name in ("first_name", "last_name"):
        value = getattr(identity, name)
        if value and getattr(user, name) != value:
            setattr(user, name, value)
            changed.append(name)
    if changed:
        user.save(update_fields=changed)
    granted, removed = sync_memberships(user, mappings)
    if removed:
        user.end_all_sessions()
    return user


# --- The PPR leader's mappings ----------------------------------------------------------


def _leader(by: User) -> None:
    if not by.is_ppr_leader:
        raise PermissionDenied


def _end_memberships(mapping: SsoRoleMapping, why: str) -> int:
    count = 0
    for membership in mapping.memberships.select_related("user").filter(
        Q(active=True) | Q(approved_at__isnull=True)
    ):
        _switch_off(membership, why)
        membership.user.end_all_sessions()
        count += 1
    return count


@transaction.atomic
def save_mapping(mapping: SsoRoleMapping, *, changed: set[str], by: User) -> SsoRoleMapping:
    """A PPR leader adds or edits a mapping; saving it is his approval. A changed role, scope or
    KOMBIT role ends the memberships made from the old one (they are given anew at sign-in)."""
    _leader(by)
    created = mapping.pk is None
    mapping.approved_by, mapping.approved_at = by, timezone.now()
    mapping.full_clean()
    mapping.save()
    if not created and changed & SCOPE_FIELDS:
        _end_memberships(mapping, "rolleoversættelsen er ændret")
    log_action(
        mapping,
        AuditAction.CREATE if created else AuditAction.UPDATE,
        by=by,
        purpose=f"{PURPOSE}: rolleoversættelse {'oprettet' if created else 'ændret'}: {mapping}"[
            :200
        ],
    )
    return mapping


@transaction.atomic
def retire_mapping(mapping: SsoRoleMapping, *, by: User) -> int:
    """A PPR leader retires a mapping: its memberships are switched off at once."""
    _leader(by)
    mapping = SsoRoleMapping.objects.select_for_update().get(pk=mapping.pk)
    if mapping.retired_at is not None:
        return 0
    mapping.retired_at = timezone.now()
    mapping.save(update_fields=["retired_at"])
    count = _end_memberships(mapping, "rolleoversættelsen er udgået")
    log_action(
        mapping,
        AuditAction.UPDATE,
        by=by,
        purpose=f"{PURPOSE}: rolleoversættelse udgået: {mapping}"[:200],
    )
    return count


# --- Accounts not seen ------------------------------------------------------------------


@transaction.atomic
def list_dormant_accounts(*, now: dt.datetime | None = None) -> int:
    """Nightly: replace the list of active users not seen (no login) for DORMANT_DAYS days."""
    cutoff = (now or timezone.now()) - dt.timedelta(days=DORMANT_DAYS)
    dormant = User.objects.filter(is_active=True).filter(
        Q(last_login__lt=cutoff) | Q(last_login__isnull=True, date_joined__lt=cutoff)
    )
    DormantAccount.objects.all().delete()
    rows = [DormantAccount(user=user, last_seen=user.last_login) for user in dormant]
    DormantAccount.objects.bulk_create(rows)
    return len(rows)
