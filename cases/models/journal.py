"""The case journal: dated notes and the corrections that keep their earlier text."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from cases.models.access import CaseContentQuerySet
from cases.models.casework import Case
from ppr import text_limits
from ppr.audit.audited import Audited
from ppr.text_limits import limited_text


class JournalKind(models.TextChoices):
    SAMTALE = "samtale", "Samtale"
    OBSERVATION = "observation", "Observation"
    TEST = "test", "Test"
    MOEDE = "moede", "Møde"
    TELEFON = "telefon", "Telefon"
    KORRESPONDANCE = "korrespondance", "Korrespondance"
    DOKUMENT = "dokument", "Dokument"
    ANDET = "andet", "Andet"


class JournalEntry(Audited, models.Model):
    """A dated journal note on a case. Corrections keep the original (JournalRevision)."""

    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, related_name="journal_entries", verbose_name="sag"
    )
    occurred_on = models.DateField("dato")
    kind = models.CharField("type", max_length=20, choices=JournalKind.choices)
    title = models.CharField("overskrift", max_length=200, blank=True)
    text = limited_text("tekst", limit=text_limits.JOURNAL)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="forfatter",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1)
    # Set when the entry files a document (a final PPV, a meeting notat) into the journal.
    document_type = models.CharField(max_length=100, blank=True)
    document_id = models.PositiveBigIntegerField(null=True, blank=True)
    # Idempotency key from the form: a double submit of a new entry saves one row.
    client_token = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    objects = CaseContentQuerySet.as_manager()

    class Meta:
        verbose_name = "journalnotat"
        verbose_name_plural = "journalnotater"
        ordering = ["-occurred_on", "-created_at"]
        indexes = [models.Index(fields=["case", "-occurred_on"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.occurred_on:%d.%m.%Y}"

    @property
    def is_corrected(self) -> bool:
        return self.version > 1

    audit_child = "case.child_id"
    audit_institution = "case.child.institution_id"


class JournalRevision(models.Model):
    """The text, title and date an entry had before a correction: kept forever, shown as corrected."""

    entry = models.ForeignKey(JournalEntry, on_delete=models.CASCADE, related_name="revisions")
    version = models.PositiveIntegerField()
    text = limited_text(limit=text_limits.JOURNAL)
    # The title and date the entry had before the correction (empty on rows from before a
    # correction could change them).
    title = models.CharField("overskrift", max_length=200, blank=True)
    occurred_on = models.DateField("dato", null=True, blank=True)
    corrected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    corrected_at = models.DateTimeField(default=timezone.now)
    reason = models.CharField("begrundelse for rettelse", max_length=300)

    class Meta:
        ordering = ["version"]
        constraints = [
            models.UniqueConstraint(fields=["entry", "version"], name="journal_revision_unique")
        ]

    def __str__(self) -> str:
        return f"Version {self.version}"
