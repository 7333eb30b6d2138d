"""One Digital Post message to one citizen: its document, recipient, status and history."""

import uuid

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q

from ppr.documents.models import Document


class MessageStatus(models.TextChoices):
    PENDING = "afventer", "Afventer afsendelse"
    SENT = "sendt", "Sendt"
    DELIVERED = "leveret", "Leveret"
    FAILED = "fejlet", "Fejlet"


class DigitalPostMessage(models.Model):
    """A document sent to a citizen's Digital Post mailbox as a MeMo message.

    The id is the MeMo ``messageUUID``: every attempt to send the message uses it, so a retry
    or a resend is the same message to the receiver, never a second one. The recipient's CPR
    number is kept encrypted (ppr/crypto.py) only until the message is sent; the document is
    the stored PDF, so a failed send loses nothing.
    """

    id = models.UUIDField("meddelelses-id", primary_key=True, default=uuid.uuid4, editable=False)
    document = models.ForeignKey(
        Document, on_delete=models.PROTECT, related_name="digital_post", verbose_name="dokument"
    )
    # The recipient as the domain knows them (a custody holder), without importing the domain.
    recipient_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, related_name="+", verbose_name="modtagertype"
    )
    recipient_id = models.PositiveBigIntegerField("modtager-id")
    recipient = GenericForeignKey("recipient_type", "recipient_id")
    # The name as it was when sent, so the record stays true if the guardian is renamed.
    recipient_name = models.CharField("modtager", max_length=250)
    recipient_cpr_encrypted = models.TextField(editable=False, blank=True)
    title = models.CharField("titel", max_length=256)
    # Decisions and hearings are legal notifications: the mailbox keeps them as such.
    legal_notification = models.BooleanField("retsvirkning", default=False)
    case_reference = models.CharField("sagsnummer", max_length=100, blank=True)
    status = models.CharField(
        "status", max_length=10, choices=MessageStatus.choices, default=MessageStatus.PENDING
    )
    transport = models.CharField("kanal", max_length=10, blank=True)
    attempts = models.PositiveSmallIntegerField("forsøg", default=0)
    last_error = models.CharField("seneste fejl", max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="sendt af",
    )
    created_at = models.DateTimeField("oprettet", auto_now_add=True)
    # A worker's claim: set while one sends, so two workers never send at once.
    claimed_at = models.DateTimeField("afsendelse startet", null=True, blank=True)
    failed_at = models.DateTimeField("fejlede", null=True, blank=True)
    sent_at = models.DateTimeField("sendt", null=True, blank=True)
    delivered_at = models.DateTimeField("leveret", null=True, blank=True)

    class Meta:
        verbose_name = "Digital Post-meddelelse"
        verbose_name_plural = "Digital Post-meddelelser"
        ordering = ["-created_at"]
        indexes = [
            models.Index(
                fields=["status", "created_at"],
                name="digitalpost_unsent",
                condition=Q(status__in=["afventer", "fejlet"]),
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="sendt") | Q(sent_at__isnull=False),
                name="digitalpost_sent_has_time",
                violation_error_message="En sendt meddelelse har et afsendelsestidspunkt.",
            ),
            models.CheckConstraint(
                condition=~Q(status="fejlet") | ~Q(last_error=""),
                name="digitalpost_failed_has_error",
                violation_error_message="En fejlet meddelelse har en fejlbeskrivelse.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} til {self.recipient_name}"

    @property
    def status_text(self) -> str:
        """The status as the case timeline shows it ("Sendt med Digital Post: leveret")."""
        return f"Sendt med Digital Post: {self.get_status_display().lower()}"
