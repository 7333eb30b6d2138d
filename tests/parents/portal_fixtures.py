"""A family for the parents' portal tests: Pia (the cast's parent) holds custody of Asta, Otto
(the other parent) of Bent; Asta has a case, a referral, meetings, documents and a hearing."""

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.utils import timezone

from cases.models import (
    Case,
    Child,
    ConsentForm,
    ConsentScope,
    Guardian,
    Ppv,
    PpvStatus,
    Referral,
    ReferralEvent,
    ReferralStatus,
)
from meetings.models import ConferenceSeries, ForumMeeting, Note, NoteStatus
from ppr.documents.models import Document, DocumentKind, DocumentStatus
from tests.cases.factories import ChildFactory, ConsentFactory, GuardianFactory, ReferralFactory
from tests.meetings.factories import AgendaItemFactory, ConferenceFactory, SeriesFactory, at, forum
from tests.parents.factories import give_custody
from tests.visitation.factories import FILLED
from visitation import services as visitation
from visitation.models import Committee, Hearing

#: The first bytes of a PDF: what a stored document holds (the renderer is tested elsewhere).
PDF = b"%PDF-1.7\n% test\n"


@dataclass
class Family:
    asta: Child
    bent: Child
    pia: Guardian  # the cast's parent, of Asta
    otto: Guardian  # the other parent, of Bent
    father: Guardian  # Asta's other custody holder (no login)
    case: Case
    referral: Referral
    ppv: Ppv
    note: Note
    forum_meeting: ForumMeeting
    series_name: str


def stored_pdf(subject: Any, kind: str, user: Any) -> Document:
    """A rendered, stored PDF of ``subject``, as the document task leaves it."""
    document = Document(
        kind=kind,
        content_type=ContentType.objects.get_for_model(subject),
        object_id=subject.pk,
        title=f"Dokument {subject.pk}",
        template_name="x.html",
        status=DocumentStatus.READY,
        sha256="0" * 64,
        created_by=user,
    )
    document.file.save("doc.pdf", ContentFile(PDF), save=False)
    document.save()
    return document


def final_ppv(case: Case, user: Any, *, number: int = 1, days_ago: int = 1) -> Ppv:
    ppv = Ppv.objects.create(
        case=case,
        number=number,
        status=PpvStatus.FINAL,
        author=user,
        finalised_at=timezone.now() - timedelta(days=days_ago),
        finalised_by=user,
        signed_name=user.get_full_name(),
        signed_title="Psykolog",
        signed_on=timezone.localdate() - timedelta(days=days_ago),
    )
    stored_pdf(ppv, DocumentKind.PPV, user)
    return ppv


def forum_meeting(child: Child, cast: Any, *, days: int, parents: str = "Forældre") -> ForumMeeting:
    return ForumMeeting.objects.create(
        forum=forum("indstilling_bistand_ppr"),
        institution=child.institution,
        child=child,
        starts_at=at(days),
        ends_at=at(days, 10),
        location="Mødelokale 2",
        chair=cast.psychologist,
        booked_by=cast.school_leader,
        other_participants=parents,
    )


def final_note(meeting: ForumMeeting, cast: Any) -> Note:
    note = Note.objects.create(
        forum_meeting=meeting,
        title="Notat fra indstillingsmødet",
        text="Aftalt: PPV.",
        status=NoteStatus.FINAL,
        finalised_at=meeting.ends_at,
        finalised_by=cast.psychologist,
        author=cast.psychologist,
    )
    stored_pdf(note, DocumentKind.NOTAT, cast.psychologist)
    return note


def build_family(cast: Any) -> Family:
    asta = ChildFactory(institution=cast.school, first_name="Asta", last_name="Fjordby")
    bent = ChildFactory(institution=cast.other_school, first_name="Bent", last_name="Vangsø")
    pia = give_custody(cast.parent, asta)
    otto = give_custody(cast.other_parent, bent, relation="far")
    father = GuardianFactory(child=asta, name="Frode Fjordby", relation="far")
    case = Case.objects.create(child=asta, assigned=cast.psychologist, team=cast.team_vest)
    referral = ReferralFactory(
        child=asta,
        author=cast.school_leader,
        status=ReferralStatus.ACCEPTED,
        submitted_at=timezone.now() - timedelta(days=20),
        case=case,
    )
    for status, days in (
        (ReferralStatus.DRAFT, 25),
        (ReferralStatus.SUBMITTED, 20),
        (ReferralStatus.RECEIVED, 19),
        (ReferralStatus.ACCEPTED, 15),
    ):
        ReferralEvent.objects.create(
            referral=referral, status=status, at=timezone.now() - timedelta(days=days)
        )
    ppv = final_ppv(case, cast.psychologist)
    past = forum_meeting(asta, cast, days=-10)
    note = final_note(past, cast)
    series = SeriesFactory(institution=cast.school, created_by=cast.school_leader)
    return Family(
        asta=asta,
        bent=bent,
        pia=pia,
        otto=otto,
        father=father,
        case=case,
        referral=referral,
        ppv=ppv,
        note=note,
        forum_meeting=past,
        series_name=series.name,
    )


def conference_naming(child: Child, series_name: str, cast: Any, *, days: int) -> None:
    """A konference ahead with ``child`` on the agenda (and another child beside it)."""
    series = ConferenceSeries.objects.get(name=series_name)
    meeting = ConferenceFactory(series=series, starts_at=at(days, 13), ends_at=at(days, 15))
    AgendaItemFactory(meeting=meeting, child=child, submitted_by=cast.school_leader)
    AgendaItemFactory(
        meeting=meeting,
        child=ChildFactory(institution=cast.school, first_name="Anden"),
        submitted_by=cast.school_leader,
    )


def meeting_consent(guardian: Guardian, name: str, user: Any) -> None:
    ConsentFactory(
        guardian=guardian,
        scope=ConsentScope.MEETING,
        meeting_name=name,
        form=ConsentForm.WRITTEN,
        recorded_by=user,
    )


def hearing_for(cast: Any, child: Child) -> Hearing:
    """A partshøring sent today on an application for ``child``, recommended against the
    parents' wish."""
    case = child.cases.get()
    if not Ppv.objects.filter(case=case, status=PpvStatus.FINAL).exists():
        final_ppv(case, cast.psychologist)
    application = visitation.start_application(child=child, by=cast.school_leader)
    application = visitation.save_draft(
        application,
        by=cast.school_leader,
        data={**FILLED, "requested_from": None},
        version=application.version,
    )
    application = visitation.submit_application(application, by=cast.school_leader)
    committee, _ = Committee.objects.get_or_create(name="Visitationsudvalget")
    meeting = visitation.plan_meeting(
        committee=committee, held_on=date.today(), place="", by=cast.ppr_leader
    )
    entry = visitation.add_to_agenda(meeting=meeting, application=application, by=cast.ppr_leader)
    visitation.recommend(
        entry=entry, recommendation="afslaa", offer=None, note="Ikke nok.", by=cast.ppr_leader
    )
    return visitation.start_hearing(
        application=application, material="Vi forventer at afslå ansøgningen.", by=cast.ppr_leader
    )
