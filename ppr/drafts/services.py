"""Store, restore and discard a user's autosaved form draft; purge old ones. Every read and
change is audited like the record it belongs to."""

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from django import forms
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, models, transaction
from django.http import HttpRequest, QueryDict
from django.utils import timezone

from ppr.audit.models import AuditAction
from ppr.audit.services import log_action

from .models import FormDraft

#: More than any form's long texts together: a bigger post is refused, not stored.
MAX_CHARS = 200_000


class TooLarge(Exception):
    """The typed text is larger than a draft may hold."""


def _key(user: Any, purpose: str, subject: models.Model) -> dict[str, Any]:
    return {
        "user": user,
        "purpose": purpose,
        "content_type": ContentType.objects.get_for_model(subject),
        "object_id": subject.pk,
    }


def form_values(form: forms.BaseForm, data: QueryDict) -> dict[str, list[str]]:
    """The posted values of the form's own fields (no CSRF token, nothing else posted)."""
    # A NUL character is no text a person typed, and PostgreSQL's JSON cannot hold it.
    values = {
        name: [value.replace("\x00", "") for value in data.getlist(form.add_prefix(name))]
        for name in form.fields
    }
    if sum(len(value) for values_ in values.values() for value in values_) > MAX_CHARS:
        raise TooLarge
    return values


def store(
    request: HttpRequest,
    *,
    purpose: str,
    subject: models.Model,
    values: dict[str, list[str]],
    audit_purpose: str,
) -> FormDraft:
    """Save what the user typed (one row per user, form and record; the last save wins)."""
    key = _key(request.user, purpose, subject)
    try:
        with transaction.atomic():
            draft, created = FormDraft.objects.update_or_create(**key, defaults={"data": values})
    except IntegrityError:  # two first saves at once: the other one made the row
        draft = FormDraft.objects.update_or_create(**key, defaults={"data": values})[0]
        created = False
    log_action(
        draft,
        AuditAction.CREATE if created else AuditAction.UPDATE,
        by=request.user,
        purpose=audit_purpose,
        about=subject,
        request=request,
    )
    return draft


def restore(
    request: HttpRequest, *, purpose: str, subject: models.Model, audit_purpose: str
) -> FormDraft | None:
    """The user's own draft of this form (an audited read), or None; ``initial(draft)`` gives
    the form's initial values."""
    draft = (
        FormDraft.objects.visible_to(request.user)
        .filter(**_key(request.user, purpose, subject))
        .first()
    )
    if draft is None:
        return None
    log_action(
        draft,
        AuditAction.VIEW,
        by=request.user,
        purpose=audit_purpose,
        about=subject,
        request=request,
    )
    return draft


def initial(draft: FormDraft) -> dict[str, Any]:
    """The draft's values as a form's ``initial``."""
    return {
        name: values[0] if len(values) == 1 else values
        for name, values in draft.data.items()
        if values
    }


def discard(
    request: HttpRequest, *, purpose: str, subject: models.Model, audit_purpose: str
) -> None:
    """The real record is saved: the draft has done its job."""
    drafts = FormDraft.objects.visible_to(request.user).filter(
        **_key(request.user, purpose, subject)
    )
    for draft in drafts:
        log_action(
            draft,
            AuditAction.DELETE,
            by=request.user,
            purpose=audit_purpose,
            about=subject,
            request=request,
        )
        draft.delete()


def purge_expired(*, days: int, now: datetime | None = None) -> int:
    """Delete drafts not saved for ``days`` days (the referral drafts' retention). Returns how
    many were deleted; safe to run twice at once."""
    before = (now or timezone.now()) - timedelta(days=days)
    deleted = 0
    expired: Iterable[int] = list(
        FormDraft.objects.filter(updated_at__lte=before).values_list("pk", flat=True)
    )
    for pk in expired:
        with transaction.atomic():
            draft = (
                FormDraft.objects.select_for_update()
                .filter(pk=pk, updated_at__lte=before)
                .select_related("content_type")
                .first()
            )
            if draft is None:
                continue
            log_action(draft, AuditAction.DELETE, by=None, purpose="udløbet kladde")
            draft.delete()
            deleted += 1
    return deleted
