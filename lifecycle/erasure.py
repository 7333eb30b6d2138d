"""Erasing a child's records: content deleted, the rows the statistics count reduced to
anonymous facts.

A record with content (journal entries and their corrections, PPV revisions and sent copies,
the early-detection observations (screenings, sprogvurderinger, BTU-skemaer),
guardians and consents – the parents' MitID consents too –, attachments, generated PDFs,
autosaved drafts, and what the parents' portal and the messages hold: secure message threads
with their attachments, the parents' perspective, the link of a forældreindstilling to the
parent who sent it, the parents' partshøring answers, the partshøring and decision letters and
their Digital Post messages) is deleted, with its file in private storage. A row that a report or an effect goal counts (the case, the referral, a
rating, a course, an absence case, an application, a decision, an appeal, a placement, a
meeting) is kept as an anonymous fact: every free-text field is emptied, so what remains is
dates, institution, colour, outcome and counts. Which fields are free text is read from the
models themselves (a text field without choices), so a text field added later is erased
without a change here. The child becomes an anonymous stub: no name, no CPR number (nor its
keyed hash), the birth date cut to 1 January of its year, no class.
"""

import functools
import operator
from collections.abc import Iterable
from datetime import date

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Case, Q, Value, When
from django.db.models.functions import Cast, Concat, Replace

from cases.models import (
    Case as PprCase,
)
from cases.models import (
    Child,
    Consent,
    CustodyChange,
    EarlyObservation,
    Guardian,
    JournalEntry,
    JournalRevision,
    Ppv,
    PpvDispatch,
    PpvRevision,
    Referral,
    ReferralAttachment,
    ReferralEvent,
    RulerRating,
)
from indsatser.models import (
    AbsenceCase,
    AbsenceRegistration,
    AbsenceStepRecord,
    Course,
    CourseGoal,
    CourseParticipant,
    FollowUp,
)
from meetings.models import AgendaItem, ForumMeeting, ForumReferral, Note, TransitionRequest
from messaging.models import Message, MessageAttachment, Thread
from parents.models import ParentReferral, PerspectiveInvitation
from ppr import crypto
from ppr.audit import services as audit
from ppr.deadlines.models import Deadline
from ppr.digitalpost.models import DigitalPostMessage
from ppr.documents.models import Document
from ppr.drafts.models import FormDraft
from ppr.esdh import services as esdh
from rights.models import AccessExport, Restriction
from visitation.models import (
    AgendaEntry,
    Appeal,
    Decision,
    DecisionDispatch,
    Hearing,
    HearingResponse,
    Placement,
    PlacementReview,
    SupportApplication,
)

TEXT_FIELDS = (models.CharField, models.TextField, models.JSONField)


def _free_text_fields(model: type[models.Model]) -> list[models.Field]:
    return [
        f
        for f in model._meta.concrete_fields
        if isinstance(f, TEXT_FIELDS) and not f.choices and not f.unique and not f.primary_key
    ]


def scrub(queryset: models.QuerySet) -> int:
    """Empty every free-text field of the rows: a text becomes a dash, an empty one stays empty
    (so a constraint that wants text, e.g. a final PPV's signature, stays satisfied); JSON
    becomes its default."""
    changes: dict[str, object] = {}
    meta = queryset.model._meta
    unique = {
        name
        for constraint in meta.constraints
        if isinstance(constraint, models.UniqueConstraint)
        for name in constraint.fields
    } | {name for together in meta.unique_together for name in together}
    for f in _free_text_fields(queryset.model):
        if isinstance(f, models.JSONField):
            changes[f.attname] = f.get_default() if f.has_default() else None
        else:
            # A text in a unique constraint (a course's goals) becomes a dash and the row's id.
            dash = (
                Concat(Value("– "), Cast("pk", output_field=models.CharField()), output_field=f)
                if f.name in unique
                else Value("–")
            )
            changes[f.attname] = Case(
                When(**{f.attname: ""}, then=Value("")), default=dash, output_field=f
            )
    if not changes:
        return 0
    return queryset.update(**changes)


def delete_documents(model: type[models.Model], ids: Iterable[int]) -> int:
    """Delete the generated or stored documents about these records, with their files."""
    ids = list(ids)
    if not ids:
        return 0
    documents = Document.objects.filter(
        content_type=ContentType.objects.get_for_model(model), object_id__in=ids
    )
    # A sent copy's Digital Post message names its recipient: it goes with the document (the
    # dispatch rows that point to it are deleted first, with the PPV's or decision's content).
    messages = DigitalPostMessage.objects.filter(document__in=documents)
    PpvDispatch.objects.filter(digital_post__in=messages).delete()
    DecisionDispatch.objects.filter(digital_post__in=messages).delete()
    messages.delete()
    for document in documents.exclude(file="").only("pk", "file"):
        document.file.delete(save=False)
    deleted, _ = documents.delete()
    return deleted


def delete_drafts(model: type[models.Model], ids: Iterable[int]) -> None:
    FormDraft.objects.filter(
        content_type=ContentType.objects.get_for_model(model), object_id__in=list(ids)
    ).delete()


def scrub_deadlines(model: type[models.Model], ids: Iterable[int]) -> None:
    """Deadlines stay counted (the deadline report); their texts go."""
    scrub(
        Deadline.objects.filter(
            content_type=ContentType.objects.get_for_model(model), object_id__in=list(ids)
        )
    )


def _about(model: type[models.Model], ids: list[int]) -> None:
    delete_documents(model, ids)
    delete_drafts(model, ids)
    scrub_deadlines(model, ids)


def erase_referrals(referral_ids: Iterable[int]) -> None:
    """A referral's content: its attachments (and files), events' texts, its own texts."""
    ids = list(referral_ids)
    for attachment in ReferralAttachment.objects.filter(referral__in=ids).only("pk", "file"):
        attachment.file.delete(save=False)
    ReferralAttachment.objects.filter(referral__in=ids).delete()
    # The parents' own words: their perspective (invitations with their texts) and the link of
    # a forældreindstilling to the custody holder who sent it (the referral keeps
    # ``parent_request``, which the statistics count).
    PerspectiveInvitation.objects.filter(referral__in=ids).delete()
    ParentReferral.objects.filter(referral__in=ids).delete()
    scrub(ReferralEvent.objects.filter(referral__in=ids))
    scrub(RulerRating.objects.filter(referral__in=ids))
    scrub(Referral.objects.filter(pk__in=ids))
    _about(Referral, ids)


def erase_cases(case_ids: Iterable[int]) -> None:
    """A closed case and everything on it: journal, PPVs, decisions, courses, attachments, PDFs."""
    ids = list(case_ids)
    _erase_threads(ids)
    CustodyChange.objects.filter(case__in=ids).delete()  # names the guardians
    entries = list(JournalEntry.objects.filter(case__in=ids).values_list("pk", flat=True))
    _about(JournalEntry, entries)
    JournalRevision.objects.filter(entry__in=entries).delete()
    JournalEntry.objects.filter(pk__in=entries).delete()
    ppvs = list(Ppv.objects.filter(case__in=ids).values_list("pk", flat=True))
    _about(Ppv, ppvs)
    PpvDispatch.objects.filter(ppv__in=ppvs).delete()
    PpvRevision.objects.filter(ppv__in=ppvs).delete()
    scrub(Ppv.objects.filter(pk__in=ppvs))
    erase_referrals(Referral.objects.filter(case__in=ids).values_list("pk", flat=True))
    scrub(RulerRating.objects.filter(case__in=ids))
    courses = list(Course.objects.filter(case__in=ids).values_list("pk", flat=True))
    _about(Course, courses)
    scrub(Course.objects.filter(pk__in=courses))
    scrub(CourseGoal.objects.filter(course__in=courses))
    scrub(FollowUp.objects.filter(course__in=courses))
    applications = list(
        SupportApplication.objects.filter(case__in=ids).values_list("pk", flat=True)
    )
    _erase_applications(applications)
    placements = list(Placement.objects.filter(case__in=ids).values_list("pk", flat=True))
    _about(Placement, placements)
    scrub(PlacementReview.objects.filter(placement__in=placements))
    scrub(Placement.objects.filter(pk__in=placements))
    scrub(PprCase.objects.filter(pk__in=ids))
    _about(PprCase, ids)
    # The Sags- og Dokumentindeks (SF1470) must drop erased cases and documents too.
    esdh.forget_cases(PprCase, ids)


def _erase_threads(case_ids: list[int]) -> None:
    """The secure messages with the parents on these cases: content, deleted with their files
    (each is journaled, and the journal entry goes too; its message first)."""
    threads = Thread.objects.filter(case__in=case_ids)
    attachments = MessageAttachment.objects.filter(message__thread__in=threads)
    for attachment in attachments.only("pk", "file"):
        attachment.file.delete(save=False)
    attachments.delete()
    Message.objects.filter(thread__in=threads).delete()
    threads.delete()  # its read marks go with it


def _erase_applications(ids: list[int]) -> None:
    decisions = list(Decision.objects.filter(application__in=ids).values_list("pk", flat=True))
    _about(Decision, decisions)
    DecisionDispatch.objects.filter(decision__in=decisions).delete()
    scrub(Appeal.objects.filter(decision__in=decisions))
    scrub(Decision.objects.filter(pk__in=decisions))
    hearings = Hearing.objects.filter(application__in=ids)
    # The custody holders' own answers, with their attachments.
    responses = HearingResponse.objects.filter(hearing__in=hearings)
    for response in responses.exclude(file="").only("pk", "file"):
        response.file.delete(save=False)
    responses.delete()
    # The partshøring letter (its PDF and its Digital Post messages) goes with the hearing.
    hearing_ids = list(hearings.values_list("pk", flat=True))
    hearings.update(letter=None)
    _about(Hearing, hearing_ids)
    scrub(hearings)
    scrub(AgendaEntry.objects.filter(application__in=ids))
    _about(SupportApplication, ids)
    scrub(SupportApplication.objects.filter(pk__in=ids))


def anonymise_children(child_ids: Iterable[int]) -> None:
    """What is left about the children once their last case or referral is erased."""
    ids = list(child_ids)
    if not ids:
        return
    erase_cases(PprCase.objects.filter(child__in=ids).values_list("pk", flat=True))
    erase_referrals(Referral.objects.filter(child__in=ids).values_list("pk", flat=True))
    _erase_applications(
        list(SupportApplication.objects.filter(child__in=ids).values_list("pk", flat=True))
    )
    PpvDispatch.objects.filter(guardian__child__in=ids).delete()
    DecisionDispatch.objects.filter(guardian__child__in=ids).delete()
    HearingResponse.objects.filter(guardian__child__in=ids).delete()  # none left: a safety net
    ParentReferral.objects.filter(guardian__child__in=ids).delete()
    # Any Digital Post message still addressed to one of the custody holders (it names them).
    DigitalPostMessage.objects.filter(
        recipient_type=ContentType.objects.get_for_model(Guardian),
        recipient_id__in=Guardian.objects.filter(child__in=ids).values("pk"),
    ).delete()
    Consent.objects.filter(guardian__child__in=ids).delete()  # with the parents' MitID consents
    Guardian.objects.filter(child__in=ids).delete()
    forum_meetings = list(ForumMeeting.objects.filter(child__in=ids).values_list("pk", flat=True))
    _about(
        Note,
        list(Note.objects.filter(forum_meeting__in=forum_meetings).values_list("pk", flat=True)),
    )
    scrub(Note.objects.filter(forum_meeting__in=forum_meetings))
    scrub(ForumMeeting.objects.filter(pk__in=forum_meetings))
    scrub(ForumReferral.objects.filter(child__in=ids))
    # A request at a transition keeps its dates, institutions, kind and colour; its texts go.
    scrub(TransitionRequest.objects.filter(child__in=ids))
    # A coordination conference's notat concerns several children: its generated PDF (which
    # prints their names) is deleted and rendered again on demand; the agenda items about these
    # children lose their texts.
    conferences = AgendaItem.objects.filter(child__in=ids).values("meeting")
    delete_documents(
        Note, Note.objects.filter(conference_meeting__in=conferences).values_list("pk", flat=True)
    )
    notes = Note.objects.filter(conference_meeting__in=conferences)
    text_fields = [f for f in _free_text_fields(Note) if not isinstance(f, models.JSONField)]
    for first, last in Child.objects.filter(pk__in=ids).values_list("first_name", "last_name"):
        for old, new in ((f"{first} {last}", "[slettet barn]"), (last, "[slettet]")):
            notes.filter(
                functools.reduce(
                    operator.or_, (Q(**{f"{f.attname}__contains": old}) for f in text_fields)
                )
            ).update(**{f.attname: Replace(f.attname, Value(old), Value(new)) for f in text_fields})
    scrub(AgendaItem.objects.filter(child__in=ids))
    scrub(CourseParticipant.objects.filter(child__in=ids))
    absences = list(AbsenceCase.objects.filter(child__in=ids).values_list("pk", flat=True))
    _about(AbsenceCase, absences)
    scrub(AbsenceRegistration.objects.filter(absence_case__in=absences))
    scrub(AbsenceStepRecord.objects.filter(absence_case__in=absences))
    scrub(AbsenceCase.objects.filter(pk__in=absences))
    # Tidlig opsporing: a screening's or an assessment's finding is content, not a statistic.
    EarlyObservation.objects.filter(child__in=ids).delete()
    scrub(RulerRating.objects.filter(child__in=ids))
    scrub(Placement.objects.filter(child__in=ids))
    # An art. 15 export is a zip of everything about the child: it goes, file and row.
    for export in AccessExport.objects.filter(child__in=ids).exclude(file="").only("pk", "file"):
        export.file.delete(save=False)
    AccessExport.objects.filter(child__in=ids).delete()
    scrub(Restriction.objects.filter(child__in=ids))
    _about(Child, ids)
    audit.scrub_terms(
        names=list(Child.objects.filter(pk__in=ids).values_list("first_name", "last_name"))
    )
    for child in Child.objects.filter(pk__in=ids).only("pk", "birth_date"):
        child.first_name = "Slettet"
        child.last_name = "barn"
        child.group = ""
        child.birth_date = date(child.birth_date.year, 1, 1)
        child.cpr_encrypted = crypto.encrypt(f"0101{child.birth_date:%y}0000")
        child.cpr_hash = f"slettet-{child.pk}"
        child.save(
            update_fields=[
                "first_name",
                "last_name",
                "group",
                "birth_date",
                "cpr_encrypted",
                "cpr_hash",
            ]
        )
    PprCase.objects.filter(child__in=ids).update(child_sort_name="barn Slettet")
