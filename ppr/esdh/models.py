"""What PPR owes the ESDH and the index: one row per filing and per indexed item."""

import uuid

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q

from ppr import text_limits
from ppr.documents.models import Document
from ppr.text_limits import limited_text


class FilingKind(models.TextChoices):
    DOCUMENT = "dokument", "Dokument"
    JOURNAL = "journal", "Journalnotat"


class FilingStatus(models.TextChoices):
    PENDING = "afventer", "Afventer journalisering i ESDH"
    FILED = "journaliseret", "Journaliseret i ESDH"
    RETRYING = "fejlet", "Journalisering i ESDH fejlet, prøver igen"
    REJECTED = "afvist", "Afvist af ESDH – kræver handling"


class CaseLink(models.Model):
    """The ESDH case a PPR case is filed in, found or created once and then reused."""

    case_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, related_name="+", verbose_name="sagstype"
    )
    case_id = models.PositiveBigIntegerField("sag")
    esdh_case_id = models.CharField("ESDH-sags-id", max_length=64)
    esdh_case_number = models.CharField("ESDH-sagsnummer", max_length=100, blank=True)
    kle_number = models.CharField("KLE-emnenummer", max_length=8)
    kle_facet = models.CharField("handlingsfacet", max_length=3)
    created_at = models.DateTimeField("oprettet", auto_now_add=True)

    class Meta:
        verbose_name = "ESDH-sag"
        verbose_name_plural = "ESDH-sager"
        constraints = [
            models.UniqueConstraint(
                fields=["case_type", "case_id", "kle_number", "kle_facet"],
                name="esdh_one_link_per_case_and_kle",
            )
        ]

    def __str__(self) -> str:
        return self.esdh_case_number or self.esdh_case_id


class Filing(models.Model):
    """One document or journal note to file in the ESDH, kept until it is filed.

    The child's CPR number (encrypted, as the domain stores it) and the KLE classification are
    taken when the filing is queued; the CPR number is cleared once the filing is done.
    """

    case_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, related_name="+", verbose_name="sagstype"
    )
    case_id = models.PositiveBigIntegerField("sag")
    case = GenericForeignKey("case_type", "case_id")
    case_reference = models.CharField("sagsnummer", max_length=100)
    kind = models.CharField("art", max_length=10, choices=FilingKind.choices)
    document = models.ForeignKey(
        Document,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="esdh_filings",
        verbose_name="dokument",
    )
    # A journal note's source (the journal entry's id): one filing per entry.
    source_id = models.PositiveBigIntegerField("kilde", null=True, blank=True)
    title = models.CharField("titel", max_length=256)
    body = limited_text("tekst", blank=True, limit=text_limits.JOURNAL)
    cpr_encrypted = models.TextField(editable=False, blank=True)
    kle_number = models.CharField("KLE-emnenummer", max_length=8)
    kle_facet = models.CharField("handlingsfacet", max_length=3)
    status = models.CharField(
        "status", max_length=15, choices=FilingStatus.choices, default=FilingStatus.PENDING
    )
    backend = models.CharField("ESDH", max_length=10)
    attempts = models.PositiveSmallIntegerField("forsøg", default=0)
    last_error = models.CharField("seneste fejl", max_length=500, blank=True)
    esdh_case_number = models.CharField("ESDH-sagsnummer", max_length=100, blank=True)
    esdh_id = models.CharField("ESDH-id", max_length=64, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="bestilt af",
    )
    created_at = models.DateTimeField("oprettet", auto_now_add=True)
    claimed_at = models.DateTimeField("journalisering startet", null=True, blank=True)
    failed_at = models.DateTimeField("fejlede", null=True, blank=True)
    filed_at = models.DateTimeField("journaliseret", null=True, blank=True)

    class Meta:
        verbose_name = "journalisering"
        verbose_name_plural = "journaliseringer"
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["case_type", "case_id"], name="esdh_filing_case")]
        constraints = [
            models.UniqueConstraint(
                fields=["document"],
                condition=Q(document__isnull=False),
                name="esdh_one_filing_per_document",
            ),
            models.UniqueConstraint(
                fields=["case_type", "case_id", "source_id"],
                condition=Q(kind="journal"),
                name="esdh_one_filing_per_journal_entry",
            ),
            models.CheckConstraint(
                condition=~Q(status="journaliseret") | Q(filed_at__isnull=False),
                name="esdh_filed_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.get_status_display()})"

    @property
    def is_filed(self) -> bool:
        return self.status == FilingStatus.FILED

    @property
    def status_text(self) -> str:
        """The status as the case timeline shows it."""
        if self.status == FilingStatus.FILED and self.esdh_case_number:
            return f"Journaliseret i ESDH på sag {self.esdh_case_number}"
        return self.get_status_display()


class IndexState(models.TextChoices):
    PENDING = "afventer", "Afventer indeksering"
    INDEXED = "indekseret", "Indekseret"
    FAILED = "fejlet", "Indeksering fejlet, prøver igen"
    REJECTED = "afvist", "Afvist af indekset"
    REMOVED = "fjernet", "Fjernet fra indekset"


class IndexEntry(models.Model):
    """One case or document in the Sags- og Dokumentindeks (SF1470), by its own UUID.

    ``version`` counts the changes; ``sent_version`` the last one the index has. ``removed``
    asks for the item's removal (the case was erased, the document deleted): its metadata and
    CPR number are cleared at once, and what remains is the UUID the index knows it by.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField("art", max_length=10)
    case_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, related_name="+", verbose_name="sagstype"
    )
    case_id = models.PositiveBigIntegerField("sag")
    document_id = models.PositiveBigIntegerField("dokument", null=True, blank=True)
    metadata = models.JSONField("metadata", default=dict, blank=True)
    cpr_encrypted = models.TextField(editable=False, blank=True)
    removed = models.BooleanField("skal fjernes", default=False)
    version = models.PositiveIntegerField("version", default=1)
    sent_version = models.PositiveIntegerField("sendt version", default=0)
    status = models.CharField(
        "status", max_length=12, choices=IndexState.choices, default=IndexState.PENDING
    )
    attempts = models.PositiveSmallIntegerField("forsøg", default=0)
    last_error = models.CharField("seneste fejl", max_length=500, blank=True)
    changed_at = models.DateTimeField("ændret", auto_now=True)
    sent_at = models.DateTimeField("sendt", null=True, blank=True)

    class Meta:
        verbose_name = "indeksering (SF1470)"
        verbose_name_plural = "indekseringer (SF1470)"
        constraints = [
            models.UniqueConstraint(
                fields=["case_type", "case_id"],
                condition=Q(kind="sag"),
                name="esdh_index_one_per_case",
            ),
            models.UniqueConstraint(
                fields=["document_id"],
                condition=Q(kind="dokument"),
                name="esdh_index_one_per_document",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.id}"
