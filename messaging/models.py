"""Secure messages between a child's custody holders and the PPR staff on the child's case."""

import uuid
from typing import Any, Self

from django.conf import settings
from django.db import models
from django.urls import reverse

from cases.models import Case, Guardian, JournalEntry
from parents.access import guardianships
from ppr import text_limits
from ppr.accounts.models import CASEWORKER_ROLES, Role
from ppr.audit.audited import Audited
from ppr.text_limits import limited_text


class ThreadQuerySet(models.QuerySet["Thread"]):
    def visible_to(self, user: Any) -> Self:
        """Staff: like the journal (the PPR leader all, case workers the cases assigned to them
        or their team; the secretary none: it is case content). A parent: the threads with
        themselves as the custody holder, while the custody lasts. Anyone else: none."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        if user.has_role(Role.PPR_LEADER):
            return self.all()
        if user.has_role(*CASEWORKER_ROLES):
            return self.filter(case__in=Case.objects.visible_to(user))
        return self.filter(guardian__in=guardianships(user))


class Thread(Audited, models.Model):
    """A conversation about one child between one custody holder and the PPR staff on the
    child's case: one parent's thread is never the other parent's (name and address
    protection, separated parents)."""

    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, related_name="message_threads", verbose_name="sag"
    )
    guardian = models.ForeignKey(
        Guardian, on_delete=models.PROTECT, related_name="message_threads", verbose_name="forælder"
    )
    subject = models.CharField("emne", max_length=150)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="startet af",
    )
    created_at = models.DateTimeField("oprettet", auto_now_add=True)
    last_message_at = models.DateTimeField("seneste besked", null=True, blank=True)
    # The form's idempotency key: a double submit of a new thread starts one.
    client_token = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    objects = ThreadQuerySet.as_manager()

    class Meta:
        verbose_name = "beskedtråd"
        verbose_name_plural = "beskedtråde"
        ordering = ["-last_message_at", "-pk"]
        indexes = [models.Index(fields=["case", "-last_message_at"])]

    def __str__(self) -> str:
        return self.subject

    def get_absolute_url(self) -> str:
        return reverse("messaging:thread", kwargs={"pk": self.pk})

    def get_parent_url(self) -> str:
        return reverse("parent-messages:thread", kwargs={"pk": self.pk})

    @property
    def audit_label(self) -> str:
        return f"Beskedtråd nr. {self.pk}"

    audit_child = "case.child_id"
    audit_institution = "case.child.institution_id"


class Message(Audited, models.Model):
    """One message in a thread; journaled on the case when it is sent."""

    thread = models.ForeignKey(
        Thread, on_delete=models.PROTECT, related_name="messages", verbose_name="tråd"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="afsender",
    )
    from_parent = models.BooleanField("fra forælder")
    body = limited_text("besked", limit=text_limits.NOTE)
    sent_at = models.DateTimeField("sendt", auto_now_add=True)
    journal_entry = models.OneToOneField(
        JournalEntry,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="message",
        verbose_name="journalnotat",
    )
    client_token = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    class Meta:
        verbose_name = "besked"
        verbose_name_plural = "beskeder"
        ordering = ["sent_at", "pk"]
        indexes = [models.Index(fields=["thread", "sent_at"])]

    def __str__(self) -> str:
        return f"Besked {self.sent_at:%d.%m.%Y %H:%M}"

    audit_child = "thread.case.child_id"
    audit_institution = "thread.case.child.institution_id"


class ThreadRead(models.Model):
    """When a user last read a thread: the messages from the other side after it are unread."""

    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="reads")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    read_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["thread", "user"], name="messaging_one_read_mark")
        ]

    def __str__(self) -> str:
        return f"Læst {self.read_at:%d.%m.%Y %H:%M}"


def attachment_path(instance: "MessageAttachment", filename: str) -> str:
    # A random stored name: an uploaded file name may hold a child's name or CPR number.
    return f"messages/{instance.message.thread_id}/{uuid.uuid4().hex}"


class MessageAttachment(Audited, models.Model):
    """A file sent with a message (PDF, DOCX, JPEG or PNG; checked by content like a
    referral's attachments)."""

    message = models.ForeignKey(Message, on_delete=models.PROTECT, related_name="attachments")
    file = models.FileField(upload_to=attachment_path)
    original_name = models.CharField("filnavn", max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()

    class Meta:
        verbose_name = "bilag til besked"
        verbose_name_plural = "bilag til beskeder"
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.original_name

    audit_child = "message.thread.case.child_id"
    audit_institution = "message.thread.case.child.institution_id"
