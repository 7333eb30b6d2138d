from typing import Any

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models

from ppr.audit.audited import Audited


class FormDraftQuerySet(models.QuerySet["FormDraft"]):
    def visible_to(self, user: Any) -> "FormDraftQuerySet":
        """A draft is its author's only: nobody else, not even a leader, reads what was typed."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(user=user)


class FormDraft(Audited, models.Model):
    """What one user has typed into one form, not yet saved as the real record."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name="bruger",
    )
    purpose = models.CharField("formular", max_length=40)
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    subject = GenericForeignKey("content_type", "object_id")
    data = models.JSONField("indhold", default=dict)
    updated_at = models.DateTimeField("gemt", auto_now=True, db_index=True)

    objects = FormDraftQuerySet.as_manager()

    # The record the form belongs to says whose child it concerns.
    audit_child = "subject.audit_child_id"
    audit_institution = "subject.audit_institution_id"

    class Meta:
        verbose_name = "autogemt kladde"
        verbose_name_plural = "autogemte kladder"
        constraints = [
            models.UniqueConstraint(
                fields=["user", "purpose", "content_type", "object_id"],
                name="drafts_one_per_user_form_object",
            )
        ]

    def __str__(self) -> str:
        return f"Kladde ({self.purpose})"
