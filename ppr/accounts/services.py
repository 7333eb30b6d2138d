"""Rights with separation of duties: the administrator proposes a grant, a PPR leader approves it.

A grant of a role that opens children's data (``CONTENT_ROLES``) is stored switched off until a
PPR leader other than its user approves it; nobody proposes or approves a grant to himself (the
database refuses both too). Every step is written to the audit log.
"""

from datetime import date

from allauth.account.forms import ResetPasswordForm
from allauth.mfa.models import Authenticator
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from ppr.audit.models import AuditAction
from ppr.audit.services import log_action
from ppr.deadlines import calendar
from ppr.deadlines import services as deadlines
from ppr.deadlines.models import DeadlineKind
from ppr.organisation.models import District, Institution, Team

from .models import Membership, RightsReview, Role, SecondFactorRemoval, User

PURPOSE = "rettigheder"
#: Working days a PPR leader has for the monthly review.
REVIEW_WORKING_DAYS = 10
SCOPE_FIELDS = frozenset({"role", "institution", "district", "team"})


def _describe(membership: Membership) -> str:
    return f"{membership} for {membership.user.email}"


def _refuse_self_grant(membership: Membership, by: User | None) -> None:
    if by is not None and membership.user_id == by.pk:
        raise ValidationError("Du kan ikke give dig selv en rolle.", code="self_grant")


def _propose(membership: Membership, *, by: User | None) -> Membership:
    """Store ``membership`` as a proposal by ``by``: in force at once for the administrator and
    parent roles, switched off until a PPR leader approves it for every other role."""
    _refuse_self_grant(membership, by)
    now = timezone.now()
    membership.proposed_by, membership.proposed_at = by, now
    if membership.needs_approval:
        membership.active, membership.approved_by, membership.approved_at = False, None, None
    else:
        membership.active, membership.approved_by, membership.approved_at = True, by, now
    membership.reviewed_at = None
    membership.full_clean(exclude=["user", "proposed_by", "approved_by"])
    membership.save()
    return membership


@transaction.atomic
def propose_membership(
    *,
    user: User,
    role: str,
    by: User | None,
    institution: Institution | None = None,
    district: District | None = None,
    team: Team | None = None,
) -> Membership:
    """Propose that ``user`` holds ``role`` in a scope; a content role waits for a PPR leader."""
    membership = Membership(
        user=user, role=role, institution=institution, district=district, team=team
    )
    _propose(membership, by=by)
    log_action(membership, AuditAction.CREATE, by=by, purpose=_proposal_purpose(membership))
    return membership


def _proposal_purpose(membership: Membership) -> str:
    verb = "foreslået" if membership.is_pending else "tildelt"
    return f"{PURPOSE}: {verb}: {_describe(membership)}"[:200]


@transaction.atomic
def change_membership(membership: Membership, *, changed: set[str], by: User) -> Membership:
    """The administrator's edit of an existing membership (values already set on it).

    Another role or scope, or switching a membership on again, is a new grant and goes back for
    approval; switching it off is a removal and ends the user's sessions.
    """
    if changed & SCOPE_FIELDS or (membership.active and "active" in changed):
        _propose(membership, by=by)
        log_action(membership, AuditAction.UPDATE, by=by, purpose=_proposal_purpose(membership))
        membership.user.end_all_sessions()
    elif "active" in changed:
        remove_membership(membership, by=by)
    return membership


@transaction.atomic
def resubmit_memberships(user: User, *, by: User, old_email: str) -> int:
    """The administrator gave the user another e-mail address: the grants that open children's
    data go back to a PPR leader (a password link would now reach the new address), and the old
    address is told."""
    count = 0
    for membership in user.memberships.in_force():
        if membership.needs_approval:
            _propose(membership, by=by)
            log_action(
                membership,
                AuditAction.UPDATE,
                by=by,
                purpose=f"{PURPOSE}: ny e-mail, godkendes igen: {_describe(membership)}"[:200],
            )
            count += 1
    user.end_all_sessions()
    text = (
        f"Administratoren af PPR Sag har ændret e-mailadressen på din bruger til {user.email}. "
        "Kontakt din PPR-leder, hvis det ikke er rigtigt."
    )
    transaction.on_commit(
        lambda: EmailMessage("Din bruger i PPR Sag er ændret", text, to=[old_email]).send()
    )
    return count


@transaction.atomic
def approve_membership(membership: Membership, *, by: User) -> Membership:
    """A PPR leader approves a proposed grant; it takes effect on the user's next request."""
    membership = Membership.objects.select_for_update().select_related("user").get(pk=membership.pk)
    if not by.is_ppr_leader:
        raise PermissionDenied
    if membership.user_id == by.pk:
        raise ValidationError("Du kan ikke godkende en rolle til dig selv.", code="self_approval")
    if not membership.is_pending:
        raise ValidationError("Rollen er allerede godkendt.", code="not_pending")
    membership.active, membership.approved_by, membership.approved_at = True, by, timezone.now()
    membership.reviewed_at = membership.approved_at
    membership.save()
    log_action(
        membership,
        AuditAction.UPDATE,
        by=by,
        purpose=f"{PURPOSE}: godkendt: {_describe(membership)}"[:200],
    )
    return membership


@transaction.atomic
def refuse_membership(membership: Membership, *, by: User) -> None:
    """A PPR leader refuses a proposed grant: it is deleted, and the log says who proposed it."""
    membership = Membership.objects.select_for_update().select_related("user").get(pk=membership.pk)
    if not by.is_ppr_leader:
        raise PermissionDenied
    if not membership.is_pending:
        raise ValidationError("Rollen er allerede godkendt.", code="not_pending")
    proposer = membership.proposed_by.email if membership.proposed_by else "ukendt"
    log_action(
        membership,
        AuditAction.DELETE,
        by=by,
        purpose=f"{PURPOSE}: afvist: {_describe(membership)}, foreslået af {proposer}"[:200],
    )
    membership.delete()


@transaction.atomic
def remove_membership(membership: Membership, *, by: User) -> None:
    """Switch a membership off (the administrator, or a PPR leader in the review); the user's
    sessions end at once."""
    if by.pk == membership.user_id and not by.is_superuser:
        raise ValidationError("Du kan ikke fjerne dine egne roller.", code="self_removal")
    membership.active = False
    membership.save(update_fields=["active"])
    log_action(
        membership,
        AuditAction.UPDATE,
        by=by,
        purpose=f"{PURPOSE}: fjernet: {_describe(membership)}"[:200],
    )
    membership.user.end_all_sessions()


#: The roles an installation's first holder is created for on the server (``manage.py
#: create_first_leader`` / ``create_first_administrator``): nobody in the app could grant them.
FIRST_ROLES = frozenset({Role.PPR_LEADER, Role.ADMINISTRATOR})


@transaction.atomic
def create_first(*, role: str, email: str, first_name: str, last_name: str, ran_by: str) -> User:
    """The installation's first PPR leader or administrator, created on the server by ``ran_by``
    (who ran the command). Refused once somebody holds the role: from then on roles are
    proposed in the admin and approved in the app. The user has no password until he chooses
    one through "Glemt adgangskode" (a link to his own e-mail) or signs in by SSO."""
    if role not in FIRST_ROLES:
        raise ValueError(role)
    label = Role(role).label
    if Membership.objects.filter(role=role).exists():
        raise ValidationError(
            f"Der findes allerede en {label}: nye roller foreslås i administrationen og "
            "godkendes af en PPR-leder i PPR Sag.",
            code="exists",
        )
    user, created = User.objects.get_or_create(
        email=User.objects.normalize_email(email).lower(),
        defaults={"first_name": first_name, "last_name": last_name},
    )
    if created:
        user.set_unusable_password()
    if role == Role.ADMINISTRATOR:
        user.is_staff = True
    user.save()
    now = timezone.now()
    membership = Membership.objects.create(
        user=user, role=role, approved_at=now, proposed_at=now, reviewed_at=now
    )
    log_action(
        membership,
        AuditAction.CREATE,
        by=None,
        purpose=f"{PURPOSE}: første {label} oprettet på serveren af {ran_by}: {user.email}"[:200],
    )
    return user


def send_password_link(request: HttpRequest, user: User) -> None:
    """E-mail the user a one-time link to choose his own password (allauth's reset link, valid
    until the password changes)."""
    form = ResetPasswordForm(data={"email": user.email})
    if form.is_valid():
        form.save(request)
    log_action(
        user,
        AuditAction.UPDATE,
        by=request.user,
        purpose=f"{PURPOSE}: link til adgangskode sendt til brugeren",
        request=request,
    )


# --- Second factor -------------------------------------------------------------------------


@transaction.atomic
def request_second_factor_removal(*, user: User, by: User) -> SecondFactorRemoval:
    """The administrator asks for a user's second factor to be removed (a lost phone)."""
    if user.pk == by.pk:
        raise ValidationError(
            "Du kan ikke anmode om at fjerne din egen totrinsbekræftelse.", code="self"
        )
    removal = SecondFactorRemoval.objects.create(user=user, requested_by=by)
    log_action(
        removal,
        AuditAction.CREATE,
        by=by,
        purpose=f"{PURPOSE}: anmodning om at fjerne totrinsbekræftelse for {user.email}",
    )
    return removal


@transaction.atomic
def decide_second_factor_removal(
    removal: SecondFactorRemoval, *, approve: bool, by: User
) -> SecondFactorRemoval:
    """A PPR leader approves (the user's authenticators are deleted) or refuses the request;
    the user is told by e-mail either way."""
    removal = (
        SecondFactorRemoval.objects.select_for_update().select_related("user").get(pk=removal.pk)
    )
    if not by.is_ppr_leader:
        raise PermissionDenied
    if removal.user_id == by.pk:
        raise ValidationError(
            "Du kan ikke godkende fjernelse af din egen totrinsbekræftelse.", code="self"
        )
    if removal.decided_at is not None:
        raise ValidationError("Anmodningen er allerede besluttet.", code="decided")
    removal.approved, removal.decided_by, removal.decided_at = approve, by, timezone.now()
    removal.save()
    user = removal.user
    if approve:
        Authenticator.objects.filter(user=user).delete()
        user.end_all_sessions()
        text = (
            "Din totrinsbekræftelse i PPR Sag er blevet fjernet efter anmodning fra "
            "administratoren og godkendelse fra en PPR-leder. Du skal opsætte den igen, næste "
            "gang du logger ind. Kontakt din PPR-leder, hvis du ikke har bedt om det."
        )
    else:
        text = (
            "Administratoren har bedt om at fjerne din totrinsbekræftelse i PPR Sag; en "
            "PPR-leder har afvist det. Kontakt din PPR-leder, hvis du ikke kender til det."
        )
    log_action(
        removal,
        AuditAction.MFA if approve else AuditAction.UPDATE,
        by=by,
        purpose=(
            f"{PURPOSE}: fjernelse af totrinsbekræftelse "
            f"{'godkendt' if approve else 'afvist'} for {user.email}"
        ),
    )
    transaction.on_commit(
        lambda: EmailMessage("Din totrinsbekræftelse i PPR Sag", text, to=[user.email]).send()
    )
    return removal


# --- Monthly review ------------------------------------------------------------------------


def _first_of_month(day: date) -> date:
    return day.replace(day=1)


@transaction.atomic
def open_monthly_review(*, today: date | None = None) -> RightsReview:
    """Beat job: this month's review of the rights and its deadline for a PPR leader – once a
    month however often it runs (one row per month)."""
    today = today or calendar.today()
    review, created = RightsReview.objects.get_or_create(month=_first_of_month(today))
    if created:
        leader = (
            User.objects.filter(
                is_active=True, memberships__role=Role.PPR_LEADER, memberships__active=True
            )
            .order_by("pk")
            .first()
        )
        deadlines.open_deadline(
            subject=review,
            kind=DeadlineKind.ANDET,
            due=calendar.add_working_days(today, REVIEW_WORKING_DAYS),
            responsible=leader,
            by=None,
            title="Månedlig gennemgang af rettigheder",
        )
    return review


@transaction.atomic
def confirm_review(*, by: User, today: date | None = None) -> RightsReview:
    """A PPR leader confirms the rights as they stand; this month's review deadline is met."""
    if not by.is_ppr_leader:
        raise PermissionDenied
    review = open_monthly_review(today=today)
    now = timezone.now()
    review.confirmed_by, review.confirmed_at = by, now
    review.save()
    Membership.objects.in_force().update(reviewed_at=now)
    deadlines.meet_deadlines(subject=review, by=by)
    log_action(review, AuditAction.UPDATE, by=by, purpose=f"{PURPOSE}: gennemgang bekræftet")
    return review
