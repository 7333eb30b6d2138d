"""Deadlines (frister), their reminders (an outbox) and in-app notifications.

A deadline points at its subject (a referral, case, meeting, course, absence step …) through
a generic relation, so ``ppr`` never imports the domain apps. Titles, messages and e-mails name
the task ("Kvittering for indstilling"), never the child.
"""

from typing import Any, Self

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q

from ppr.access import VisibleQuerySet
from ppr.accounts.models import Role

from . import calendar


class DeadlineKind(models.TextChoices):
    KVITTERING = "kvittering", "Kvittering for indstilling"
    VISITATION = "visitation", "Visitation af indstilling"
    PPV = "ppv", "PPV"
    NOTAT = "notat", "Notat efter møde"
    OPFOELGNING = "opfoelgning", "Opfølgning"
    FRAVAER = "fravaer", "Trin i fraværsforløb"
    KLADDE = "kladde", "Kladde udløber"
    ANDET = "andet", "Andet"


class DeadlineState(models.TextChoices):
    OPEN = "open", "Åben"
    MET = "met", "Overholdt"
    OVERDUE = "overdue", "Overskredet"
    CANCELLED = "cancelled", "Annulleret"


#: States in which a deadline is still outstanding.
OUTSTANDING_STATES = (DeadlineState.OPEN, DeadlineState.OVERDUE)


class DeadlineQuerySet[M: models.Model](VisibleQuerySet[M]):
    def visible_to(self, user: Any) -> Self:
        """The PPR leader sees every deadline; a secretary also the unassigned ones; others their own."""
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        if user.is_ppr_leader:
            return self.all()
        if user.has_role(Role.SECRETARY):
            return self.filter(Q(responsible=user) | Q(responsible__isnull=True))
        return self.filter(responsible=user)

    def mine(self, user: Any) -> Self:
        """The user's own deadlines; the PPR leader and secretaries also share the unassigned pool."""
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        if user.has_role(Role.PPR_LEADER, Role.SECRETARY):
            return self.filter(Q(responsible=user) | Q(responsible__isnull=True))
        return self.filter(responsible=user)

    def outstanding(self) -> Self:
        return self.filter(state__in=OUTSTANDING_STATES)

    def for_subject(self, subject: models.Model) -> Self:
        return self.filter(
            content_type=ContentType.objects.get_for_model(subject), object_id=subject.pk
        )

    def overdue_first(self) -> Self:
        """Overdue (stored or not yet swept) first, then by due date."""
        today = calendar.today()
        return self.alias(
            late=models.Case(
                models.When(
                    Q(state=DeadlineState.OVERDUE) | Q(state=DeadlineState.OPEN, due__lt=today),
                    then=0,
                ),
                models.When(state=DeadlineState.OPEN, then=1),
                default=2,
                output_field=models.IntegerField(),
            )
        ).order_by("late", "due", "pk")


class Deadline(models.Model):
    """One obligation with a due date: what, about which subject, who is responsible, and its state."""

    kind = models.CharField("type", max_length=20, choices=DeadlineKind.choices)
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, verbose_name="emnetype")
    object_id = models.PositiveBigIntegerField("emne-id")
    subject = GenericForeignKey("content_type", "object_id")
    title = models.CharField("opgave", max_length=200, help_text="Opgaven – aldrig barnets navn.")
    due = models.DateField("frist")
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="deadlines",
        verbose_name="ansvarlig",
    )
    state = models.CharField(
        "status", max_length=20, choices=DeadlineState.choices, default=DeadlineState.OPEN
    )
    met_at = models.DateTimeField("overholdt", null=True, blank=True)
    cancelled_at = models.DateTimeField("annulleret", null=True, blank=True)
    created_at = models.DateTimeField("oprettet", auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="oprettet af",
    )
    # Copied from the subject at creation so lists never have to load the subjects.
    link = models.CharField("link", max_length=300, blank=True)
    district = models.ForeignKey(
        "organisation.District",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="distrikt",
    )

    objects = DeadlineQuerySet.as_manager()

    class Meta:
        verbose_name = "frist"
        verbose_name_plural = "frister"
        ordering = ["due", "pk"]
        indexes = [
            models.Index(fields=["responsible", "state", "due"], name="deadline_resp_state_due"),
            models.Index(fields=["state", "due"], name="deadline_state_due"),
            models.Index(
                fields=["content_type", "object_id", "kind"], name="deadline_subject_kind"
            ),
            models.Index(fields=["district", "state", "due"], name="deadline_district_state_due"),
        ]
        constraints = [
            # One outstanding deadline per kind and subject: makes ``open_deadline`` idempotent
            # even when two requests race.
            models.UniqueConstraint(
                fields=["content_type", "object_id", "kind"],
                condition=Q(state__in=["open", "overdue"]),
                name="deadline_one_outstanding_per_subject_kind",
                violation_error_message="Der er allerede en åben frist af denne type for emnet.",
            ),
            models.CheckConstraint(
                condition=~Q(state="met") | Q(met_at__isnull=False),
                name="deadline_met_has_met_at",
                violation_error_message="En overholdt frist skal have et tidspunkt.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.due:%d.%m.%Y})"

    @property
    def is_outstanding(self) -> bool:
        return self.state in OUTSTANDING_STATES

    @property
    def is_overdue(self) -> bool:
        """Overdue even before the sweep has marked it: the due date has passed and it is not met."""
        return self.state == DeadlineState.OVERDUE or (
            self.state == DeadlineState.OPEN and self.due < calendar.today()
        )

    @property
    def display_state(self) -> str:
        return str(DeadlineState.OVERDUE.label) if self.is_overdue else self.get_state_display()


class ReminderKind(models.TextChoices):
    NEAR = "near", "Frist nærmer sig"
    OVERDUE = "overdue", "Frist overskredet"


class ReminderState(models.TextChoices):
    PENDING = "pending", "Venter"
    CLAIMED = "claimed", "Under afsendelse"
    SENT = "sent", "Sendt"
    FAILED = "failed", "E-mail fejlede"
    SKIPPED = "skipped", "Ikke sendt (frist lukket)"


class ReminderQuerySet[M: models.Model](VisibleQuerySet[M]):
    def visible_to(self, user: Any) -> Self:
        """Only the PPR leader looks at the outbox (failed e-mails)."""
        if getattr(user, "is_authenticated", False) and user.is_active and user.is_ppr_leader:
            return self.all()
        return self.none()


class Reminder(models.Model):
    """An outbox row: one reminder per deadline and kind, sent at most once (unique constraint)."""

    deadline = models.ForeignKey(
        Deadline, on_delete=models.CASCADE, related_name="reminders", verbose_name="frist"
    )
    kind = models.CharField("type", max_length=10, choices=ReminderKind.choices)
    state = models.CharField(
        "status", max_length=10, choices=ReminderState.choices, default=ReminderState.PENDING
    )
    created_at = models.DateTimeField("oprettet", auto_now_add=True)
    claimed_at = models.DateTimeField("taget", null=True, blank=True)
    notified_at = models.DateTimeField("notifikation vist", null=True, blank=True)
    sent_at = models.DateTimeField("sendt", null=True, blank=True)
    attempts = models.PositiveSmallIntegerField("forsøg", default=0)
    # The exception class only: an SMTP error text may quote an address.
    last_error = models.CharField("seneste fejl", max_length=200, blank=True)

    objects = ReminderQuerySet.as_manager()

    class Meta:
        verbose_name = "påmindelse"
        verbose_name_plural = "påmindelser"
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["deadline", "kind"],
                name="reminder_once_per_deadline_kind",
                violation_error_message="Påmindelsen findes allerede.",
            )
        ]
        indexes = [models.Index(fields=["state", "claimed_at"], name="reminder_state_claimed")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.deadline.title}"


class NotificationQuerySet[M: models.Model](VisibleQuerySet[M]):
    def visible_to(self, user: Any) -> Self:
        """A user sees only their own notifications."""
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        return self.filter(recipient=user)

    def unread(self) -> Self:
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """An in-app message to one user. It names the task and links to it; never the child."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name="modtager",
    )
    message = models.CharField("besked", max_length=300)
    link = models.CharField("link", max_length=300, blank=True)
    created_at = models.DateTimeField("oprettet", auto_now_add=True)
    read_at = models.DateTimeField("læst", null=True, blank=True)
    emailed_at = models.DateTimeField("e-mail sendt", null=True, blank=True)
    # Set for reminder notifications: the unique constraint keeps them to one per recipient.
    reminder = models.ForeignKey(
        Reminder,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="notifications",
        verbose_name="påmindelse",
    )

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = "notifikation"
        verbose_name_plural = "notifikationer"
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="notification_recipient_read")
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["reminder", "recipient"],
                name="notification_once_per_reminder_recipient",
                violation_error_message="Påmindelsen er allerede vist for modtageren.",
            )
        ]

    def __str__(self) -> str:
        return self.message
