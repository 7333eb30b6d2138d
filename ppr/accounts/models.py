"""Users and their memberships: a role held in a scope (PPR, a district, an institution)."""

import secrets
from functools import cached_property
from typing import ClassVar

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.db.models import F, Q
from django.utils.crypto import salted_hmac

from ppr.organisation.models import District, Institution, Team


class Role(models.TextChoices):
    PPR_LEADER = "ppr_leder", "PPR-leder"
    PSYCHOLOGIST = "psykolog", "PPR-psykolog"
    SPEECH_THERAPIST = "talepaedagog", "Talepædagog"
    PPR_CONSULTANT = "ppr_konsulent", "PPR-konsulent"
    SECRETARY = "sekretaer", "PPR-sekretær"
    INSTITUTION_LEADER = "institutionsleder", "Institutionsleder"
    STAFF = "medarbejder", "Medarbejder"
    SOCIAL_WORKER = "socialraadgiver", "Socialrådgiver"
    HEALTH_VISITOR = "sundhedsplejerske", "Sundhedsplejerske"
    PARENT = "forælder", "Forælder"
    ADMINISTRATOR = "administrator", "Administrator"


#: PPR's case workers: they hold cases and write journal, PPV and notater.
CASEWORKER_ROLES = frozenset({Role.PSYCHOLOGIST, Role.SPEECH_THERAPIST, Role.PPR_CONSULTANT})
#: Everyone employed by PPR.
PPR_ROLES = CASEWORKER_ROLES | {Role.PPR_LEADER, Role.SECRETARY}
#: Roles tied to one institution.
INSTITUTION_ROLES = frozenset({Role.INSTITUTION_LEADER, Role.STAFF})
#: Roles that must use two-factor authentication.
MFA_ROLES = PPR_ROLES | {Role.INSTITUTION_LEADER, Role.ADMINISTRATOR}
#: Roles that open children's data: a grant of one takes effect only when a PPR leader approves
#: it (separation of duties: the administrator who proposes it reads no case content).
CONTENT_ROLES = frozenset(Role) - {Role.ADMINISTRATOR, Role.PARENT}


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: object) -> "User":
        user = self.model(email=self.normalize_email(email), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: object) -> "User":
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


class User(AbstractUser):
    """A person who logs in. What they may see follows from their active memberships."""

    username = None  # type: ignore[assignment]  # e-mail login: AbstractUser's username field removed
    email = models.EmailField("e-mail", unique=True)
    title = models.CharField("stillingsbetegnelse", max_length=100, blank=True)
    # Rotating the stamp ends every session of the user (logout everywhere, deactivation).
    session_stamp = models.CharField(max_length=32, default="", blank=True, editable=False)
    #: The persistent uuid KOMBIT's adgangsstyring sends for the user (NameID Serial): a user who
    #: signed in by SAML is found by it, not by his e-mail, from then on.
    sso_subject = models.CharField(
        "KOMBIT-uuid", max_length=200, null=True, blank=True, unique=True, editable=False
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    objects: ClassVar[UserManager] = UserManager()  # type: ignore[assignment]  # e-mail login: not AbstractUser's username manager

    class Meta:
        verbose_name = "bruger"
        verbose_name_plural = "brugere"
        ordering = ["first_name", "last_name"]

    def __str__(self) -> str:
        return self.get_full_name() or self.email

    def get_session_auth_hash(self) -> str:
        return salted_hmac(
            "ppr.accounts.User.get_session_auth_hash",
            f"{self.password}:{self.session_stamp}",
            algorithm="sha256",
        ).hexdigest()

    def end_all_sessions(self) -> None:
        """Invalidate every session of this user on its next request."""
        self.session_stamp = secrets.token_hex(16)
        self.save(update_fields=["session_stamp"])

    @cached_property
    def active_memberships(self) -> list["Membership"]:
        """The roles and the ids of their scopes, which access is decided on: read on every
        request, so from the memberships table alone (the scopes' names: ``my_roles``)."""
        if not self.is_active or not self.pk:
            return []
        return list(self.memberships.in_force())

    @cached_property
    def roles(self) -> frozenset[str]:
        return frozenset(m.role for m in self.active_memberships)

    def has_role(self, *roles: str) -> bool:
        return not self.roles.isdisjoint(roles)

    @property
    def is_ppr_staff(self) -> bool:
        return self.has_role(*PPR_ROLES)

    @property
    def is_caseworker(self) -> bool:
        return self.has_role(*CASEWORKER_ROLES)

    @property
    def is_ppr_leader(self) -> bool:
        return self.has_role(Role.PPR_LEADER)

    @property
    def is_administrator(self) -> bool:
        return self.has_role(Role.ADMINISTRATOR)

    def institution_ids(self, *roles: str) -> set[int]:
        """Institutions where the user holds one of ``roles`` (any institution role if none given)."""
        wanted = set(roles) or INSTITUTION_ROLES
        return {
            m.institution_id
            for m in self.active_memberships
            if m.role in wanted and m.institution_id
        }

    @cached_property
    def team_ids(self) -> set[int]:
        return {m.team_id for m in self.active_memberships if m.team_id}

    @property
    def requires_mfa(self) -> bool:
        return self.has_role(*MFA_ROLES)

    @property
    def primary_role_label(self) -> str:
        for role in Role:
            if role in self.roles:
                return str(role.label)
        return ""


class MembershipQuerySet(models.QuerySet["Membership"]):
    def in_force(self) -> "MembershipQuerySet":
        """Memberships that grant access: switched on and approved. The one filter every
        access decision reads (``User.active_memberships``)."""
        return self.filter(active=True, approved_at__isnull=False)

    def pending(self) -> "MembershipQuerySet":
        """Proposed grants waiting for a PPR leader's approval."""
        return self.filter(approved_at__isnull=True)


class Membership(models.Model):
    """A role a user holds in a scope: PPR (optionally a team), a district or an institution.

    A grant of a content role is proposed (by the administrator) and takes effect when a PPR
    leader approves it; until then it is switched off and grants nothing.
    """

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="memberships", verbose_name="bruger"
    )
    role = models.CharField("rolle", max_length=20, choices=Role.choices)
    institution = models.ForeignKey(
        Institution,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name="institution",
    )
    district = models.ForeignKey(
        District,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name="distrikt",
    )
    team = models.ForeignKey(
        Team,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name="PPR-team",
    )
    active = models.BooleanField("aktiv", default=True)
    proposed_by = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="foreslået af",
    )
    proposed_at = models.DateTimeField("foreslået", null=True, blank=True)
    # Empty while the grant waits for a PPR leader. Set with no approver by the first-leader
    # command and for memberships that existed before approval did (migration 0002).
    approved_by = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="godkendt af",
    )
    approved_at = models.DateTimeField("godkendt", null=True, blank=True)
    #: When a PPR leader last confirmed the grant in the monthly review.
    reviewed_at = models.DateTimeField("sidst gennemgået", null=True, blank=True)
    #: The role mapping this membership comes from (sign-in through KOMBIT): it follows the
    #: municipality's user administration and is switched off when the role is gone there.
    sso_mapping = models.ForeignKey(
        "SsoRoleMapping",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name="fra KOMBIT-rolle",
    )

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = "medlemskab"
        verbose_name_plural = "medlemskaber"
        constraints = [
            models.CheckConstraint(
                condition=~Q(role__in=sorted(r.value for r in INSTITUTION_ROLES))
                | Q(institution__isnull=False),
                name="membership_institution_role_has_institution",
                violation_error_message="En institutionsleder eller medarbejder skal høre til en institution.",
            ),
            models.CheckConstraint(
                condition=Q(active=False) | Q(approved_at__isnull=False),
                name="membership_in_force_is_approved",
                violation_error_message="En rolle kan først være aktiv, når den er godkendt.",
            ),
            models.CheckConstraint(
                condition=~Q(proposed_by=F("user")),
                name="membership_not_proposed_by_its_user",
                violation_error_message="Du kan ikke give dig selv en rolle.",
            ),
            models.CheckConstraint(
                condition=~Q(approved_by=F("user")),
                name="membership_not_approved_by_its_user",
                violation_error_message="Du kan ikke godkende en rolle til dig selv.",
            ),
        ]
        indexes = [models.Index(fields=["user", "active"])]

    def __str__(self) -> str:
        scope = self.institution or self.team or self.district
        return f"{self.get_role_display()}" + (f" – {scope}" if scope else "")

    @property
    def needs_approval(self) -> bool:
        return self.role in CONTENT_ROLES

    @property
    def is_pending(self) -> bool:
        return self.approved_at is None


class RightsReview(models.Model):
    """The PPR leaders' monthly review of who holds which role: one row per month."""

    month = models.DateField("måned", unique=True)
    confirmed_by = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="bekræftet af",
    )
    confirmed_at = models.DateTimeField("bekræftet", null=True, blank=True)

    deadline_link = "/rettigheder/"

    class Meta:
        verbose_name = "gennemgang af rettigheder"
        verbose_name_plural = "gennemgange af rettigheder"
        ordering = ["-month"]

    def __str__(self) -> str:
        return f"Gennemgang af rettigheder {self.month:%m.%Y}"


class SecondFactorRemoval(models.Model):
    """A request to remove a user's second factor (a lost phone): the administrator asks, a PPR
    leader other than the user decides, and the user is told."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="+", verbose_name="bruger"
    )
    requested_by = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name="anmodet af",
    )
    requested_at = models.DateTimeField("anmodet", auto_now_add=True)
    decided_by = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="besluttet af",
    )
    decided_at = models.DateTimeField("besluttet", null=True, blank=True)
    approved = models.BooleanField("godkendt", null=True, blank=True)

    class Meta:
        verbose_name = "fjernelse af totrinsbekræftelse"
        verbose_name_plural = "fjernelser af totrinsbekræftelse"
        ordering = ["-requested_at"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(decided_by=F("user")),
                name="second_factor_removal_not_decided_by_its_user",
                violation_error_message="Du kan ikke godkende fjernelse af din egen totrinsbekræftelse.",
            ),
        ]

    def __str__(self) -> str:
        return f"Fjern totrinsbekræftelse for {self.user}"


class SsoRoleMapping(models.Model):
    """What a user-system role (brugersystemrolle) from KOMBIT's adgangsstyring gives in PPR
    Sag: a role in a scope, optionally only for privileges whose organisation-unit constraint
    (dataafgrænsning ``…/orgenhed/1``) admits ``org_unit``.

    The PPR leader maintains the mappings, and saving one is his approval of every membership
    it creates at sign-in (separation of duties: the municipality's user administration says
    who holds the user-system role, the PPR leader says what it opens here). A membership from
    a mapping the user himself approved waits for another PPR leader, as a proposal does.
    """

    privilege = models.CharField(
        "brugersystemrolle",
        max_length=200,
        help_text="Brugersystemrollens entity-id, fx http://kommune.dk/roles/usersystemrole/psykolog/1",
    )
    org_unit = models.CharField(
        "organisationsenhed (dataafgrænsning)",
        max_length=100,
        blank=True,
        help_text="Tom: rollen gælder uanset organisationsenhed.",
    )
    role = models.CharField("rolle i PPR Sag", max_length=20, choices=Role.choices)
    institution = models.ForeignKey(
        Institution,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="institution",
    )
    district = models.ForeignKey(
        District,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="distrikt",
    )
    team = models.ForeignKey(
        Team,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="PPR-team",
    )
    approved_by = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="godkendt af",
    )
    approved_at = models.DateTimeField("godkendt", null=True, blank=True)
    retired_at = models.DateTimeField("udgået", null=True, blank=True)

    class Meta:
        verbose_name = "rolleoversættelse (KOMBIT)"
        verbose_name_plural = "rolleoversættelser (KOMBIT)"
        ordering = ["privilege", "org_unit", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(role__in=sorted(r.value for r in INSTITUTION_ROLES))
                | Q(institution__isnull=False),
                name="sso_mapping_institution_role_has_institution",
                violation_error_message="En institutionsleder eller medarbejder skal høre til en institution.",
            ),
            models.CheckConstraint(
                condition=~Q(role__in=["forælder", "administrator"]),
                name="sso_mapping_not_parent_or_administrator",
                violation_error_message="Forælder- og administratorroller kan ikke komme fra KOMBIT.",
            ),
        ]

    def __str__(self) -> str:
        scope = self.institution or self.team or self.district
        unit = f" [{self.org_unit}]" if self.org_unit else ""
        target = f"{self.get_role_display()}" + (f" – {scope}" if scope else "")
        return f"{self.privilege}{unit} → {target}"

    @property
    def is_retired(self) -> bool:
        return self.retired_at is not None


class DormantAccount(models.Model):
    """The nightly list of active users not seen for ``DORMANT_DAYS`` days (replaced each night)."""

    user = models.OneToOneField(
        User, on_delete=models.CASCADE, related_name="+", verbose_name="bruger"
    )
    last_seen = models.DateTimeField("sidst set", null=True, blank=True)
    listed_at = models.DateTimeField("opført", auto_now_add=True)

    class Meta:
        verbose_name = "inaktiv bruger"
        verbose_name_plural = "inaktive brugere"
        ordering = ["last_seen", "pk"]

    def __str__(self) -> str:
        return (
            f"{self.user} (sidst set {self.last_seen:%d.%m.%Y})"
            if self.last_seen
            else str(self.user)
        )
