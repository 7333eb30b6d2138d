"""What the system holds about one child (GDPR art. 15), gathered record type by record type.

``collect(child)`` reads every record type that names the child – directly or through its
cases, referrals, applications, courses and meetings – straight from the tables, not through
``visible_to``: the export is the data controller's answer to the child, ordered by a PPR
leader (rights.rules) and audited there. Every concrete field of every row is written, with the
field's Danish name for the PDF and its code name in the JSON, except the CPR number's cipher
text and lookup hash (the masked CPR stands for them) and internal idempotency keys. A row that
points to another (an author, an institution, a case) carries the other's id and its name.

Left out on purpose: conference-meeting notater (they cover several children: the child's own
agenda items are exported instead) and the anonymous tirsdagsmøder (no child is named).
"""

import datetime
import decimal
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone

from cases.models import (
    Case,
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
    Attendance,
    Course,
    CourseParticipant,
    FollowUp,
)
from meetings.models import AgendaItem, ForumMeeting, ForumReferral, Note
from messaging.models import Message, MessageAttachment, Thread
from parents.models import ParentReferral, PerspectiveInvitation
from ppr.audit.services import CHILD_EXPORT_HEADER, child_access_rows
from ppr.digitalpost.models import DigitalPostMessage
from ppr.documents.models import Document
from visitation.models import (
    Appeal,
    Decision,
    DecisionDispatch,
    Hearing,
    HearingResponse,
    Placement,
    PlacementReview,
    SupportApplication,
)

#: Fields never written: the CPR number's cipher text and lookup hash (the masked number is
#: written instead), idempotency keys, and a document's rendering context (its PDF is in the zip).
SKIPPED_FIELDS = frozenset(
    {"cpr_encrypted", "cpr_hash", "recipient_cpr_encrypted", "client_token", "context"}
)


@dataclass
class Section:
    """One record type: its key in the JSON, its heading in the PDF, and its rows."""

    key: str
    title: str
    model: type[models.Model]
    rows: list[models.Model] = field(default_factory=list)
    records: list[dict[str, Any]] = field(default_factory=list)  # JSON: code name → value
    labelled: list[list[tuple[str, str]]] = field(default_factory=list)  # PDF: (label, text)

    @property
    def compact(self) -> list["Compact"]:
        """The PDF's compact layout of the rows: the short fields on one line, the texts below,
        the empty fields left out (the JSON has them). One table per row made WeasyPrint lay out
        thousands of tables for a long case; paragraphs are far cheaper."""
        return [Compact.of(labelled) for labelled in self.labelled]


#: A value longer than this, or with a line break, is a text of its own in the PDF.
SHORT = 60


@dataclass
class Compact:
    short: list[tuple[str, str]]
    long: list[tuple[str, str]]

    @classmethod
    def of(cls, labelled: list[tuple[str, str]]) -> "Compact":
        short, long = [], []
        for label, text in labelled:
            if text in ("", "–"):
                continue
            if len(text) > SHORT or "\n" in text:
                long.append((label, text))
            else:
                short.append((label, text))
        return cls(short=short, long=long)


@dataclass
class Collected:
    """Everything gathered about one child, ready for the JSON, the PDF and the zip's files."""

    child: Child
    sections: list[Section]
    access_log: list[tuple[str, str, str, str]]
    files: list[tuple[str, Any]]  # (name in the zip, FieldFile)
    generated_at: datetime.datetime

    @property
    def record_count(self) -> int:
        return sum(len(section.rows) for section in self.sections) + len(self.access_log)

    def as_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "generated_at": self.generated_at.isoformat(),
            "child_id": self.child.pk,
        }
        for section in self.sections:
            data[section.key] = section.records[0] if section.key == "child" else section.records
        data["access_log"] = [
            dict(zip(("at", "action", "purpose", "record_type"), row, strict=True))
            for row in self.access_log
        ]
        data["files"] = [name for name, _ in self.files]
        return data


def _ids(rows: Iterable[models.Model]) -> list[Any]:
    return [row.pk for row in rows]


#: A record type's rows, read from the ids of the record types read before it (by key).
Rows = Callable[[dict[str, list[Any]]], Any]


def _naming(child: Child, model: Any) -> Rows:
    """The rows of ``model`` that name the child."""
    return lambda ids: model.objects.filter(child=child)


def _under(model: Any, parent: str, key: str) -> Rows:
    """The rows of ``model`` whose ``parent`` is one of the rows read under ``key``."""
    return lambda ids: model.objects.filter(**{f"{parent}__in": ids[key]})


def _sections(child: Child) -> list[tuple[str, str, Rows]]:
    """(key, heading, rows from the ids gathered so far) in the order they are read."""
    return [
        ("child", "Barnet", lambda ids: Child.objects.filter(pk=child.pk)),
        ("guardians", "Forældre og værger", _naming(child, Guardian)),
        ("consents", "Samtykker", _under(Consent, "guardian", "guardians")),
        ("referrals", "Indstillinger", _naming(child, Referral)),
        (
            "referral_events",
            "Indstillingernes forløb",
            _under(ReferralEvent, "referral", "referrals"),
        ),
        (
            "referral_attachments",
            "Bilag til indstillinger",
            _under(ReferralAttachment, "referral", "referrals"),
        ),
        (
            "perspectives",
            "Forældrenes perspektiv på indstillinger",
            _under(PerspectiveInvitation, "referral", "referrals"),
        ),
        (
            "parent_referrals",
            "Forældreindstillinger",
            _under(ParentReferral, "referral", "referrals"),
        ),
        ("cases", "Sager", _naming(child, Case)),
        ("message_threads", "Beskedtråde med forældrene", _under(Thread, "case", "cases")),
        ("messages", "Beskeder", _under(Message, "thread", "message_threads")),
        (
            "message_attachments",
            "Bilag til beskeder",
            _under(MessageAttachment, "message", "messages"),
        ),
        (
            "digital_post",
            "Digital Post til forældrene",
            lambda ids: DigitalPostMessage.objects.filter(
                recipient_type=ContentType.objects.get_for_model(Guardian),
                recipient_id__in=ids["guardians"],
            ),
        ),
        (
            "custody_changes",
            "Ændringer i forældremyndighed",
            _under(CustodyChange, "case", "cases"),
        ),
        ("journal", "Journal", _under(JournalEntry, "case", "cases")),
        (
            "journal_revisions",
            "Journalens rettelser (tidligere versioner)",
            _under(JournalRevision, "entry", "journal"),
        ),
        ("ratings", "Børnelineal", _naming(child, RulerRating)),
        (
            "observations",
            "Tidlig opsporing (screeninger, sprogvurderinger, BTU-skemaer, trivselsvurderinger)",
            _naming(child, EarlyObservation),
        ),
        ("ppvs", "Pædagogisk psykologiske vurderinger (PPV)", _under(Ppv, "case", "cases")),
        ("ppv_revisions", "PPV'ernes gemte versioner", _under(PpvRevision, "ppv", "ppvs")),
        ("ppv_dispatches", "Udsendelser af PPV", _under(PpvDispatch, "ppv", "ppvs")),
        (
            "applications",
            "Ansøgninger om specialpædagogisk bistand",
            _naming(child, SupportApplication),
        ),
        ("hearings", "Partshøringer", _under(Hearing, "application", "applications")),
        (
            "hearing_responses",
            "Forældrenes svar på partshøringer",
            _under(HearingResponse, "hearing", "hearings"),
        ),
        ("decisions", "Afgørelser", _under(Decision, "application", "applications")),
        (
            "decision_dispatches",
            "Udsendelser af afgørelser",
            _under(DecisionDispatch, "decision", "decisions"),
        ),
        ("appeals", "Klager", _under(Appeal, "decision", "decisions")),
        ("placements", "Placeringer i specialtilbud", _naming(child, Placement)),
        (
            "placement_reviews",
            "Revurderinger af placeringer",
            _under(PlacementReview, "placement", "placements"),
        ),
        ("forum_referrals", "Henvisninger til fora", _naming(child, ForumReferral)),
        ("meetings", "Møder hvor barnet er nævnt", _naming(child, ForumMeeting)),
        ("meeting_items", "Punkter om barnet på koordinationsmøder", _naming(child, AgendaItem)),
        ("notes", "Notater fra barnets møder", _under(Note, "forum_meeting", "meetings")),
        (
            "courses",
            "Indsatser (forløb)",
            lambda ids: Course.objects.filter(
                Q(case__in=ids["cases"]) | Q(participants__child=child)
            ).distinct(),
        ),
        ("course_participations", "Deltagelse i forløb", _naming(child, CourseParticipant)),
        ("attendance", "Fremmøde", _under(Attendance, "participant", "course_participations")),
        ("follow_ups", "Opfølgninger", _under(FollowUp, "course__case", "cases")),
        ("absence", "Fraværssager", _naming(child, AbsenceCase)),
        (
            "absence_registrations",
            "Fraværsregistreringer",
            _under(AbsenceRegistration, "absence_case", "absence"),
        ),
        (
            "absence_steps",
            "Fraværsforløbets trin",
            _under(AbsenceStepRecord, "absence_case", "absence"),
        ),
        ("documents", "Dokumenter", lambda ids: _documents(ids)),
    ]


#: The record types whose rendered PDFs (ppr.documents) belong to the child.
DOCUMENT_SUBJECTS = {
    "referrals": Referral,
    "ppvs": Ppv,
    "decisions": Decision,
    "hearings": Hearing,
    "notes": Note,
    "cases": Case,
}


def _documents(ids: dict[str, list[Any]]) -> models.QuerySet[Document]:
    condition = Q(pk__in=[])
    for key, model in DOCUMENT_SUBJECTS.items():
        if ids.get(key):
            condition |= Q(
                content_type=ContentType.objects.get_for_model(model), object_id__in=ids[key]
            )
    return Document.objects.filter(condition)


def _json_value(value: Any) -> Any:
    if isinstance(value, datetime.datetime):
        return (
            timezone.localtime(value).isoformat() if timezone.is_aware(value) else value.isoformat()
        )
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, models.fields.files.FieldFile):
        return value.name or ""
    return value


def _text(value: Any) -> str:
    if value is None or value == "":
        return "–"
    if isinstance(value, bool):
        return "Ja" if value else "Nej"
    if isinstance(value, datetime.datetime):
        return (
            f"{timezone.localtime(value):%d.%m.%Y %H:%M}"
            if timezone.is_aware(value)
            else f"{value:%d.%m.%Y %H:%M}"
        )
    if isinstance(value, datetime.date):
        return f"{value:%d.%m.%Y}"
    if isinstance(value, list | dict):
        return ", ".join(str(item) for item in value) if isinstance(value, list) else str(value)
    return str(value)


def _fields(model: type[models.Model]) -> "list[models.Field[Any, Any]]":
    return [f for f in model._meta.concrete_fields if f.name not in SKIPPED_FIELDS]


def _names(sections: list[Section]) -> dict[tuple[type[models.Model], Any], str]:
    """What each row a record points to is called: one query per model pointed to."""
    wanted: dict[type[models.Model], set[Any]] = {}
    for section in sections:
        for f in _fields(section.model):
            if f.is_relation and f.related_model is not None:
                target = f.related_model
                assert isinstance(target, type)
                ids = {getattr(row, f.attname) for row in section.rows} - {None}
                wanted.setdefault(target, set()).update(ids)
    names: dict[tuple[type[models.Model], Any], str] = {}
    for target, ids in wanted.items():
        if not ids or target is ContentType:
            continue
        for pk, obj in target._default_manager.in_bulk(list(ids)).items():
            names[(target, pk)] = _label(obj)
    return names


def _label(obj: models.Model) -> str:
    name = getattr(obj, "get_full_name", None)
    if callable(name):
        return str(name() or obj)
    return str(obj)


def _describe(section: Section, names: dict[tuple[type[models.Model], Any], str]) -> None:
    for row in section.rows:
        record: dict[str, Any] = {"id": row.pk}
        labelled: list[tuple[str, str]] = []
        for f in _fields(section.model):
            label = str(f.verbose_name)
            if f.is_relation and f.related_model is not None:
                target_id = getattr(row, f.attname)
                target = f.related_model
                assert isinstance(target, type)
                text = names.get((target, target_id), "") if target_id is not None else ""
                if target is ContentType and target_id is not None:
                    text = ContentType.objects.get_for_id(target_id).model
                record[f.attname] = target_id
                record[f.name] = text
                if f.primary_key:
                    continue
                labelled.append((label, text or _text(target_id)))
                continue
            value = getattr(row, f.attname)
            display = getattr(row, f"get_{f.name}_display", None)
            shown = display() if f.choices and callable(display) else value
            record[f.name] = _json_value(value)
            if f.primary_key:
                continue
            labelled.append((label, _text(shown)))
        if isinstance(row, Child):
            record["cpr_masked"] = row.cpr_masked
            labelled.insert(0, ("CPR-nummer", row.cpr_masked))
        section.records.append(record)
        section.labelled.append(labelled)


def collect(child: Child, *, progress: Callable[[int, str], None] | None = None) -> Collected:
    """Everything the system holds about ``child``: one query per record type, plus one per
    model the records point to. ``progress(percent, step)`` is told as record types are read."""
    specs = _sections(child)
    ids: dict[str, list[Any]] = {}
    sections: list[Section] = []
    for index, (key, title, rows_for) in enumerate(specs):
        queryset = rows_for(ids)
        rows = list(queryset.order_by("pk"))
        ids[key] = _ids(rows)
        sections.append(Section(key=key, title=title, model=queryset.model, rows=rows))
        if progress is not None and index % 8 == 0:
            progress(5 + 35 * index // len(specs), f"Læser {title.lower()}")
    names = _names(sections)
    for section in sections:
        _describe(section, names)
    files: list[tuple[str, Any]] = []
    for section in sections:
        for row in section.rows:
            stored = getattr(row, "file", None)
            if stored and stored.name:
                files.append(
                    (f"filer/{section.key}-{row.pk}-{stored.name.rsplit('/', 1)[-1]}", stored)
                )
    return Collected(
        child=child,
        sections=sections,
        access_log=child_access_rows(child_id=child.pk),
        files=files,
        generated_at=timezone.now(),
    )


ACCESS_LOG_HEADER = CHILD_EXPORT_HEADER
