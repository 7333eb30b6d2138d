"""Stored documents: a PDF rendered from a domain template, kept in private storage."""

import re
import uuid
from collections.abc import Iterable
from typing import Any, Self, cast

from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils.text import slugify

from ppr.access import VisibleQuerySet
from ppr.audit.audited import Audited


class DocumentKind(models.TextChoices):
    PPV = "ppv", "PPV"
    NOTAT = "notat", "Notat"
    REFERAT = "referat", "Referat"
    UDVIKLINGSPLAN = "udviklingsplan", "Udviklingsplan"
    KVITTERING = "kvittering", "Kvittering"
    AFGOERELSE = "afgoerelse", "Afgørelsesbrev"
    ANDET = "andet", "Andet"


class DocumentStatus(models.TextChoices):
    PENDING = "pending", "Venter"
    RENDERING = "rendering", "Dannes"
    READY = "ready", "Klar"
    FAILED = "failed", "Mislykkedes"


def subject_allows(subject: object, user: Any) -> bool:
    """Whether the domain object behind a document lets ``user`` have it (deny by default)."""
    if subject is None or not getattr(user, "is_authenticated", False):
        return False
    can_download = getattr(subject, "can_download", None)
    if not callable(can_download):
        return False
    return can_download(user) is True


class DocumentQuerySet[M: models.Model](VisibleQuerySet[M]):
    def for_subject(self, subject: models.Model) -> Self:
        """The documents rendered for one domain object (e.g. one PPV), newest version first."""
        return self.filter(
            content_type=ContentType.objects.get_for_model(subject), object_id=subject.pk
        ).order_by("-version", "-created_at")

    def visible_to(self, user: Any) -> Self:
        """Documents whose subject lets ``user`` download them.

        The documents app cannot know the domain's rules, so this cannot be one SQL filter:
        it loads the rows and their subjects and asks each subject's ``can_download(user)``.
        Narrow the queryset first (``for_subject``); never call it on the whole table.
        """
        if not getattr(user, "is_authenticated", False):
            return self.none()
        documents = cast("Iterable[Document]", self.prefetch_related("subject"))
        allowed = [document.pk for document in documents if subject_allows(document.subject, user)]
        return self.filter(pk__in=allowed)

    def printable_for(self, user: Any) -> Self:
        """Documents ``user`` may print, as one SQL query (for lists; constant query count).

        Each subject model that has a SQL form of its rule (``printable_for`` on its queryset,
        agreeing with ``can_download``) contributes a subquery; documents of other subjects are
        left out. ``visible_to`` asks row by row and covers every subject.
        """
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        condition = Q()
        for model in _printable_subject_models():
            rows = model._default_manager.printable_for(user).values("pk")  # type: ignore[attr-defined]  # _printable_subject_models() checked it is there
            condition |= Q(
                content_type=ContentType.objects.get_for_model(model), object_id__in=rows
            )
        if not condition:
            return self.none()
        return self.filter(condition)


def _printable_subject_models() -> list[type[models.Model]]:
    """Subject models that can say in SQL which of their rows a user may print: the model
    has ``can_download(user)`` and its queryset ``printable_for(user)`` (the same rule as one
    queryset). A subject without the SQL form is never listed (deny by default)."""
    return [
        model
        for model in apps.get_models()
        if callable(getattr(model, "can_download", None))
        and callable(getattr(model._default_manager, "printable_for", None))
    ]


def document_path(instance: "Document", filename: str) -> str:
    # A random name: the path reveals neither the child nor the kind of document.
    return f"documents/{uuid.uuid4().hex}.pdf"


class Document(Audited, models.Model):
    """A PDF of a domain document (PPV, notat…), rendered once from a template and stored.

    The domain passes the template and a JSON context (primitives, masked CPR only); the
    ``render_document`` task turns them into a file in private storage. Who may download it is
    the subject's decision: its ``can_download(user)``; without one, nobody may.
    """

    kind = models.CharField("dokumenttype", max_length=20, choices=DocumentKind.choices)
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, verbose_name="emnetype")
    object_id = models.PositiveBigIntegerField("emne-id")
    subject = GenericForeignKey("content_type", "object_id")
    version = models.PositiveIntegerField("version", default=1)
    title = models.CharField("titel", max_length=200)
    template_name = models.CharField("skabelon", max_length=200)
    context = models.JSONField("indhold", default=dict, blank=True)
    status = models.CharField(
        "status", max_length=20, choices=DocumentStatus.choices, default=DocumentStatus.PENDING
    )
    # The default storage is private (STORAGES["default"], outside static); never served directly.
    file = models.FileField("fil", upload_to=document_path, blank=True)
    sha256 = models.CharField("SHA-256", max_length=64, blank=True)
    page_count = models.PositiveIntegerField("antal sider", null=True, blank=True)
    attempts = models.PositiveSmallIntegerField("forsøg", default=0)
    error = models.CharField("fejl", max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="bestilt af",
    )
    created_at = models.DateTimeField("bestilt", auto_now_add=True)
    claimed_at = models.DateTimeField("dannelse startet", null=True, blank=True)
    rendered_at = models.DateTimeField("dannet", null=True, blank=True)

    objects = DocumentQuerySet.as_manager()

    class Meta:
        verbose_name = "dokument"
        verbose_name_plural = "dokumenter"
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id", "kind", "version"],
                name="document_one_per_subject_version",
                violation_error_message="Denne version af dokumentet findes allerede.",
            ),
            models.CheckConstraint(
                condition=~Q(status=DocumentStatus.READY) | (~Q(file="") & ~Q(sha256="")),
                name="document_ready_has_file",
                violation_error_message="Et færdigt dokument skal have en fil og en kontrolsum.",
            ),
            models.CheckConstraint(
                condition=Q(version__gte=1),
                name="document_version_positive",
                violation_error_message="Versionsnummeret skal være mindst 1.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} (version {self.version})"

    @property
    def filename(self) -> str:
        """The download's file name: the title, and the version unless the title names it
        ("ppv-sag-2026-00018-version-1.pdf", not "…-version-1-v1.pdf")."""
        stem = slugify(self.title, allow_unicode=True) or "dokument"
        if not re.search(rf"(^|-)version-{self.version}($|-)", stem):
            stem = f"{stem}-v{self.version}"
        return f"{stem}.pdf"

    @property
    def is_ready(self) -> bool:
        return self.status == DocumentStatus.READY

    @property
    def is_in_progress(self) -> bool:
        return self.status in {DocumentStatus.PENDING, DocumentStatus.RENDERING}

    @property
    def is_failed(self) -> bool:
        return self.status == DocumentStatus.FAILED

    audit_child = "subject.audit_child_id"
    audit_institution = "subject.audit_institution_id"

    def allows(self, user: Any) -> bool:
        """Whether ``user`` may see and download this document: the subject decides."""
        return subject_allows(self.subject, user)
