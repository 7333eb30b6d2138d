"""Users and their memberships: a role held in a scope (PPR, a district, an institution)."""

import secrets
from functools import cached_property

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.db.models import Q
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

    username = None  # type: ignore[assignment]
    email = models.EmailField("e-mail", unique=True)
    title = models.CharField("stillingsbetegnelse", max_length=100, blank=True)
    # Rotating the stamp ends every session of the user (logout everywhere, deactivation).
    session_stamp = models.CharField(max_length=32, default="", blank=True, editable=False)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()  # type: ignore[misc]

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
        return list(self.memberships.filter(active=True))

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


class Membership(models.Model):
    """A role a user holds in a scope: PPR (optionally a team), a district or an institution."""

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
        ]
        indexes = [models.Index(fields=["user", "active"])]

    def __str__(self) -> str:
        scope = self.institution or self.team or self.district
        return f"{self.get_role_display()}" + (f" – {scope}" if scope else "")
