"""The verbs of secure messages: start a thread, send a message (with attachments), mark read.

Every message is filed in the case's journal in the same transaction (a correspondence entry
linked to the message), and the other side is told only "Du har en ny besked i PPR Sag".
"""

import uuid
from collections.abc import Sequence
from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from cases.models import Case, Guardian, JournalEntry, JournalKind
from cases.referrals.uploads import validate_attachment
from parents.access import guardianships, is_parent
from parents.notify import NEW_MESSAGE, notify_guardian
from ppr.access import refuse_if_restricted
from ppr.accounts.models import Role, User
from ppr.audit.models import AuditAction
from ppr.audit.services import log_action
from ppr.deadlines.services import notify

from .models import Message, MessageAttachment, Thread, ThreadRead

PURPOSE = "sikre beskeder"
MAX_ATTACHMENTS = 5
CLOSED_CASE = (
    "Sagen er lukket, så der kan ikke skrives flere beskeder her. Kontakt PPR på telefon, "
    "hvis du har brug for hjælp."
)
NO_CUSTODY = "Du har ikke forældremyndighed over barnet og kan ikke skrive beskeder om det."


def _check_writer(thread_case: Case, guardian: Guardian, by: User) -> bool:
    """Who may write in a thread: the custody holder it is with (custody today), or the staff
    who work on the case. Returns whether the writer is the parent."""
    if not thread_case.is_open:
        raise ValidationError(CLOSED_CASE, code="closed")
    if is_parent(by):
        if not guardianships(by).filter(pk=guardian.pk).exists():
            raise PermissionDenied(NO_CUSTODY)
        return True
    if not by.has_perm("cases.edit_case", thread_case):
        raise PermissionDenied
    return False


def _journal(message: Message, thread: Thread, *, attachments: Sequence[str]) -> JournalEntry:
    direction = "fra" if message.from_parent else "til"
    text = message.body
    if attachments:
        text += "\n\nBilag: " + ", ".join(attachments)
    entry = JournalEntry.objects.create(
        case=thread.case,
        occurred_on=timezone.localdate(message.sent_at),
        kind=JournalKind.KORRESPONDANCE,
        title=f"Besked {direction} {thread.guardian.name}: {thread.subject}"[:200],
        text=text,
        author=message.author,
        document_type=Message._meta.label_lower,
        document_id=message.pk,
    )
    log_action(entry, AuditAction.CREATE, by=message.author, purpose=PURPOSE, about=thread.case)
    return entry


def _ppr_leaders() -> list[User]:
    return list(
        User.objects.filter(
            is_active=True, memberships__role=Role.PPR_LEADER, memberships__active=True
        ).distinct()
    )


def _tell_the_other_side(thread: Thread, message: Message) -> None:
    if message.from_parent:
        # The case's case worker; a case without one goes to the PPR leader.
        assigned = thread.case.assigned
        recipients = [assigned] if assigned is not None else _ppr_leaders()
        notify(recipients=recipients, message=NEW_MESSAGE, link=thread.get_absolute_url())
    else:
        notify_guardian(thread.guardian, message=NEW_MESSAGE, path=thread.get_parent_url())


@transaction.atomic
def send_message(
    *,
    thread: Thread,
    by: User,
    body: str,
    files: Sequence["UploadedFile[bytes]"] = (),
    client_token: uuid.UUID | None = None,
) -> Message:
    """Send a message in a thread: checked files stored, journaled on the case, the other side
    told. The same client token twice sends one message."""
    if client_token is not None:
        existing = Message.objects.filter(client_token=client_token, thread=thread).first()
        if existing is not None:
            return existing
    thread = Thread.objects.select_related("case", "guardian").select_for_update().get(pk=thread.pk)
    from_parent = _check_writer(thread.case, thread.guardian, by)
    refuse_if_restricted(thread.case.child_id)
    body = body.strip()
    if not body:
        raise ValidationError({"body": "Skriv en besked."}, code="empty")
    if len(files) > MAX_ATTACHMENTS:
        raise ValidationError(
            {"files": f"Vedhæft højst {MAX_ATTACHMENTS} filer til én besked."}, code="too_many"
        )
    kinds = []
    for file in files:
        try:
            kinds.append(validate_attachment(file))
        except ValidationError as error:
            raise ValidationError(
                {"files": [f"{file.name}: {text}" for text in error.messages]}
            ) from None
    message = Message(
        thread=thread, author=by, from_parent=from_parent, body=body, client_token=client_token
    )
    try:
        with transaction.atomic():
            message.save()
    except IntegrityError:
        if client_token is None:
            raise
        return Message.objects.get(client_token=client_token)
    for file, kind in zip(files, kinds, strict=True):
        MessageAttachment.objects.create(
            message=message,
            file=file,
            original_name=file.name or "bilag",
            content_type=kind.content_type,
            size=file.size or 0,
        )
    message.journal_entry = _journal(message, thread, attachments=[f.name or "" for f in files])
    message.save(update_fields=["journal_entry"])
    Thread.objects.filter(pk=thread.pk).update(last_message_at=message.sent_at)
    _mark_read(thread, by, message.sent_at)
    log_action(message, AuditAction.CREATE, by=by, purpose=PURPOSE)
    _tell_the_other_side(thread, message)
    return message


@transaction.atomic
def start_thread(
    *,
    case: Case,
    guardian: Guardian,
    by: User,
    subject: str,
    body: str,
    files: Sequence["UploadedFile[bytes]"] = (),
    client_token: uuid.UUID | None = None,
) -> Thread:
    """Start a thread about the case's child with one custody holder and send its first
    message; the same client token twice starts one thread."""
    if client_token is not None:
        existing = Thread.objects.filter(client_token=client_token).first()
        if existing is not None:
            return existing
    if guardian.child_id != case.child_id or not guardian.holds_custody:
        raise ValidationError({"guardian": "Vælg en forælder med forældremyndighed over barnet."})
    _check_writer(case, guardian, by)
    refuse_if_restricted(case.child_id)
    subject = subject.strip()
    if not subject:
        raise ValidationError({"subject": "Skriv et emne."}, code="subject")
    if not body.strip():
        raise ValidationError({"body": "Skriv en besked."}, code="empty")
    try:
        with transaction.atomic():
            thread = Thread.objects.create(
                case=case,
                guardian=guardian,
                subject=subject[:150],
                started_by=by,
                client_token=client_token,
            )
    except IntegrityError:
        if client_token is None:
            raise
        return Thread.objects.get(client_token=client_token)
    log_action(thread, AuditAction.CREATE, by=by, purpose=PURPOSE)
    send_message(thread=thread, by=by, body=body, files=files)
    return thread


def _mark_read(thread: Thread, user: User, at: datetime) -> None:
    ThreadRead.objects.update_or_create(thread=thread, user=user, defaults={"read_at": at})


def mark_read(thread: Thread, *, user: User) -> None:
    """The user has read the thread up to now."""
    _mark_read(thread, user, timezone.now())


def with_unread(threads: QuerySet[Thread], user: User) -> QuerySet[Thread]:
    """``threads`` annotated with ``unread``: the other side's messages after the user's last
    read (in one query with the rows)."""
    read_at = ThreadRead.objects.filter(thread=OuterRef("pk"), user=user).values("read_at")[:1]
    from_other_side = Q(messages__from_parent=not is_parent(user))
    never_read = ~Exists(ThreadRead.objects.filter(thread=OuterRef("pk"), user=user))
    after_read = Q(messages__sent_at__gt=Subquery(read_at)) | Q(never_read)
    return threads.annotate(
        unread=Count("messages", filter=from_other_side & after_read),
        message_count=Count("messages"),
    )


def unread_count(threads: QuerySet[Thread], user: User) -> int:
    """How many of the other side's messages in ``threads`` the user has not read."""
    read_at = ThreadRead.objects.filter(thread=OuterRef("thread"), user=user).values("read_at")[:1]
    messages = Message.objects.filter(thread__in=threads, from_parent=not is_parent(user))
    return (
        messages.annotate(read_at=Subquery(read_at))
        .filter(Q(read_at__isnull=True) | Q(sent_at__gt=F("read_at")))
        .count()
    )
