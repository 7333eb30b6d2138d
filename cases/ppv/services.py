"""The PPV verbs: start, save (autosave) a draft, finalise (lock, sign, journal, PDF, deadline),
correct a final version with a new one, and send it to the custody holders and the institution.

Saving is a conditional UPDATE on the version the editor started from, like a referral draft:
two editors at once never overwrite each other; the later one gets ``PpvConflict``.
"""

import re
import uuid
from collections.abc import Iterable, Mapping
from datetime import date, datetime, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from cases.casework import esdh as esdh_filing
from cases.children import digitalpost
from cases.models import (
    PPV_SECTION_FIELDS,
    PPV_SECTION_LABELS,
    PPV_SECTIONS,
    Case,
    Guardian,
    JournalEntry,
    JournalKind,
    Ppv,
    PpvDispatch,
    PpvRecipientKind,
    PpvRevision,
    PpvRevisionKind,
    PpvStatus,
    Referral,
    ReferralRequest,
    ReferralStatus,
)
from ppr.accounts.models import Role, User
from ppr.audit.models import AuditAction
from ppr.audit.services import log_action
from ppr.deadlines.models import DeadlineKind
from ppr.deadlines.services import meet_deadlines, notify
from ppr.documents.models import Document, DocumentKind
from ppr.documents.services import FULL_CPR, request_pdf

PURPOSE = "ppv"
PDF_TEMPLATE = "cases/ppv/pdf.html"
#: Autosaves by the same person within this window are one entry in the version history.
AUTOSAVE_WINDOW = timedelta(minutes=10)


class NotADraft(Exception):
    """The PPV is final (finalised elsewhere, or by a double click): it is locked."""


class PpvConflict(Exception):
    """The draft was saved from an older version than the stored one: no silent overwrite."""

    def __init__(self, stored_version: int, stored_at: datetime | None, stored_by: str) -> None:
        super().__init__(stored_version)
        self.stored_version = stored_version
        self.stored_at = stored_at
        self.stored_by = stored_by

    @property
    def message(self) -> str:
        when = f" kl. {timezone.localtime(self.stored_at):%H:%M}" if self.stored_at else ""
        who = f" af {self.stored_by}" if self.stored_by else ""
        return (
            f"PPV'en er blevet gemt{who}{when}, efter du åbnede den. Dine ændringer her er ikke "
            "gemt, så intet bliver overskrevet. Kopiér din tekst, genindlæs siden og indsæt den "
            "igen."
        )


class FinalisationBlocked(ValidationError):
    """Required sections are empty or the signature is incomplete; messages keyed by field."""


# --- Helpers ---------------------------------------------------------------------------------


def _check_writer(ppv_or_case: Ppv | Case, by: User) -> None:
    case = ppv_or_case.case if isinstance(ppv_or_case, Ppv) else ppv_or_case
    if not by.has_perm("cases.write_ppv", case):
        raise PermissionDenied


def danish_date(value: date) -> str:
    """The date written out as the PPV prints it: "6. december 2026" (Danish DATE_FORMAT)."""
    return date_format(value, "DATE_FORMAT")


def identity_for(case: Case) -> dict[str, str]:
    """The child's identity as a PPV prints it (masked CPR only)."""
    child = case.child
    return {
        "name": child.name,
        "cpr_masked": child.cpr_masked,
        "birth_date": f"{child.birth_date:%d.%m.%Y}",
        "institution": str(child.institution),
        "group": child.group,
        "case_reference": case.reference,
    }


def referral_for(case: Case) -> Referral | None:
    """The accepted referral that commissioned the case's work, the newest if several."""
    return (
        case.referrals.filter(status__in=[ReferralStatus.ACCEPTED, ReferralStatus.CLOSED])
        .select_related("institution", "submitted_by", "author")
        .order_by("-decided_at", "-pk")
        .first()
    )


def _perspective(text: str) -> str:
    """A perspective from the referral, marked as such: the psychologist adds their own."""
    return f"Ifølge indstillingen: {text.strip()}" if text.strip() else ""


def prefill(case: Case) -> dict[str, str]:
    """Commissioner, commission, background and the child's and parents' perspectives from the
    referral, for a new draft only (editable there; a draft is never filled again)."""
    referral = referral_for(case)
    if referral is None:
        return {}
    person = referral.submitted_by or referral.author
    who = f"{person}, {person.title}" if person.title else str(person)
    if referral.parent_request:
        commissioned_by = f"Forældrenes egen henvendelse (registreret af {who})"
    else:
        commissioned_by = f"{referral.institution} ved {who}"
    labels = dict(ReferralRequest.choices)
    asked = [str(labels.get(value, value)) for value in referral.requests or []]
    commission_parts = []
    if asked:
        commission_parts.append("Der ønskes: " + ", ".join(asked) + ".")
    if referral.request_details:
        commission_parts.append(referral.request_details)
    if referral.concern:
        commission_parts.append(f"Bekymringen i indstillingen:\n{referral.concern}")
    background_parts = []
    if referral.plan_goals:
        background_parts.append(f"Handleplanens mål: {referral.plan_goals}")
    if referral.plan_actions:
        period = f" ({referral.plan_period})" if referral.plan_period else ""
        background_parts.append(f"Afprøvet{period}: {referral.plan_actions}")
    if referral.plan_evaluation:
        background_parts.append(f"Evaluering: {referral.plan_evaluation}")
    if referral.earlier_interventions:
        background_parts.append(f"Tidligere indsatser: {referral.earlier_interventions}")
    return {
        "commissioned_by": commissioned_by,
        "commission": "\n\n".join(commission_parts),
        "background": "\n\n".join(background_parts),
        "child_perspective": _perspective(referral.child_perspective),
        "parents_perspective": _perspective(referral.parents_perspective),
    }


def section_values(ppv: Ppv) -> dict[str, str]:
    return {name: getattr(ppv, name) for name in PPV_SECTION_FIELDS}


def cpr_problems(data: Mapping[str, Any]) -> dict[str, str]:
    """Sections that contain what looks like a full CPR number (never printed or stored)."""
    return {
        name: "Afsnittet indeholder et CPR-nummer. Skriv ikke CPR-numre i PPV'en; barnets "
        "maskerede CPR-nummer kommer med automatisk."
        for name in PPV_SECTION_FIELDS
        if isinstance(data.get(name), str) and FULL_CPR.search(data[name])
    }


# --- Drafts ----------------------------------------------------------------------------------


@transaction.atomic
def start_ppv(*, case: Case, by: User) -> Ppv:
    """Open the case's PPV draft (a double click finds the same one), filled from the referral."""
    _check_writer(case, by)
    draft = Ppv.objects.filter(case=case, status=PpvStatus.DRAFT).first()
    if draft is not None:
        return draft
    if Ppv.objects.filter(case=case, status=PpvStatus.FINAL).exists():
        raise ValidationError(
            "Sagen har allerede en endelig PPV. Ret den i stedet; så bliver rettelsen en ny "
            "version, og den gamle kan stadig læses.",
            code="has_final",
        )
    try:
        with transaction.atomic():
            ppv = Ppv.objects.create(
                case=case,
                number=1,
                identity=identity_for(case),
                author=by,
                updated_by=by,
                **prefill(case),
            )
    except IntegrityError:
        return Ppv.objects.get(case=case, status=PpvStatus.DRAFT)
    log_action(ppv, AuditAction.CREATE, by=by, purpose=PURPOSE)
    return ppv


def _stale(ppv: Ppv) -> Exception:
    stored = (
        Ppv.objects.filter(pk=ppv.pk)
        .values(
            "status", "version", "updated_at", "updated_by__first_name", "updated_by__last_name"
        )
        .first()
    )
    if stored is None or stored["status"] != PpvStatus.DRAFT:
        return NotADraft()
    name = f"{stored['updated_by__first_name'] or ''} {stored['updated_by__last_name'] or ''}"
    return PpvConflict(stored["version"], stored["updated_at"], name.strip())


def _remember(ppv: Ppv, *, by: User, kind: str, changed: Iterable[str], now: datetime) -> None:
    """Add to the version history; a run of one person's autosaves is one entry."""
    changed = list(changed)
    if kind == PpvRevisionKind.AUTOSAVE:
        last = ppv.revisions.order_by("-at", "-pk").first()
        if (
            last is not None
            and last.kind == PpvRevisionKind.AUTOSAVE
            and last.by_id == by.pk
            and last.at >= now - AUTOSAVE_WINDOW
        ):
            merged = [name for name in PPV_SECTION_FIELDS if name in {*last.changed, *changed}]
            PpvRevision.objects.filter(pk=last.pk).update(
                version=ppv.version, changed=merged, at=now
            )
            return
    PpvRevision.objects.create(
        ppv=ppv, version=ppv.version, kind=kind, changed=changed, by=by, at=now
    )


@transaction.atomic
def save_ppv(
    ppv: Ppv,
    *,
    by: User,
    data: Mapping[str, Any],
    version: int,
    autosave: bool = False,
) -> Ppv:
    """Save the draft's sections if nobody saved a newer version meanwhile (else PpvConflict)."""
    if ppv.is_final:
        raise NotADraft
    _check_writer(ppv, by)
    if problems := cpr_problems(data):
        raise ValidationError(problems)
    stored = Ppv.objects.filter(pk=ppv.pk, status=PpvStatus.DRAFT, version=version).first()
    if stored is None:
        raise _stale(ppv)
    changes = {
        name: data[name]
        for name in PPV_SECTION_FIELDS
        if name in data and data[name] != getattr(stored, name)
    }
    if not changes:
        return stored
    now = timezone.now()
    # The conditional UPDATE is the lock: of two saves from the same version only one changes a
    # row. The values read above belong to ``version``, since every save bumps it.
    updated = Ppv.objects.filter(pk=ppv.pk, status=PpvStatus.DRAFT, version=version).update(
        **changes, version=F("version") + 1, updated_at=now, updated_by=by
    )
    if updated != 1:
        raise _stale(ppv)
    stored.refresh_from_db()
    kind = PpvRevisionKind.AUTOSAVE if autosave else PpvRevisionKind.SAVE
    _remember(stored, by=by, kind=kind, changed=changes, now=now)
    log_action(stored, AuditAction.UPDATE, by=by, purpose=PURPOSE)
    return stored


# --- Finalising ------------------------------------------------------------------------------


def finalisation_problems(ppv: Ppv) -> dict[str, list[str]]:
    """The required sections that are empty (or hold a CPR number), named for the author."""
    problems: dict[str, list[str]] = {}
    for name, label, required in PPV_SECTIONS:
        if required and not str(getattr(ppv, name) or "").strip():
            problems[name] = [f"Afsnittet „{label}“ skal udfyldes, før PPV'en kan gøres endelig."]
    for name, message in cpr_problems(section_values(ppv)).items():
        problems.setdefault(name, []).append(message)
    return problems


def _signature_problems(
    signed_name: str, signed_title: str, signed_on: date | None, *, case_opened: date
) -> dict[str, list[str]]:
    problems: dict[str, list[str]] = {}
    if not signed_name.strip():
        problems["signed_name"] = ["Skriv navnet på den, der underskriver."]
    if not signed_title.strip():
        problems["signed_title"] = ["Skriv underskriverens titel, fx autoriseret psykolog."]
    if signed_on is None:
        problems["signed_on"] = ["Angiv datoen for underskriften."]
    elif signed_on > timezone.localdate():
        problems["signed_on"] = ["Underskriftens dato kan ikke ligge i fremtiden."]
    elif signed_on < case_opened:
        # A PPV assesses the case it belongs to; a signature from before the case is a typo.
        problems["signed_on"] = [
            f"Underskriften er dateret {signed_on:%d.%m.%Y}, før sagen blev oprettet "
            f"({case_opened:%d.%m.%Y}). Tjek datoen."
        ]
    return problems


@transaction.atomic
def finalise_ppv(
    ppv: Ppv,
    *,
    by: User,
    version: int,
    signed_name: str,
    signed_title: str,
    signed_on: date | None,
) -> Ppv:
    """Lock and sign the draft, file it in the journal, order its PDF and meet the PPV deadline.

    A double submit finds the PPV already final and returns it: one version, one journal entry,
    one PDF.
    """
    _check_writer(ppv, by)
    locked = (
        Ppv.objects.select_for_update().select_related("case__child__institution").get(pk=ppv.pk)
    )
    if locked.is_final:
        return locked
    if locked.version != version:
        raise _stale(locked)
    problems = {
        **finalisation_problems(locked),
        **_signature_problems(
            signed_name,
            signed_title,
            signed_on,
            case_opened=timezone.localdate(locked.case.opened_at),
        ),
    }
    if problems:
        raise FinalisationBlocked(problems)
    now = timezone.now()
    locked.status = PpvStatus.FINAL
    locked.identity = identity_for(locked.case)
    locked.finalised_at = now
    locked.finalised_by = by
    locked.signed_name = signed_name.strip()
    locked.signed_title = signed_title.strip()
    locked.signed_on = signed_on
    locked.version += 1
    locked.updated_at = now
    locked.updated_by = by
    locked.save()
    _remember(locked, by=by, kind=PpvRevisionKind.FINAL, changed=[], now=now)
    log_action(locked, AuditAction.UPDATE, by=by, purpose="ppv gjort endelig")
    _journal(locked, by=by)
    order_pdf(locked, by=by)
    meet_deadlines(subject=locked.case, kind=DeadlineKind.PPV, by=by)
    return locked


def _journal(ppv: Ppv, *, by: User) -> JournalEntry:
    """File the final version in the case journal."""
    text = (
        f"Pædagogisk psykologisk vurdering, version {ppv.number}, gjort endelig og underskrevet "
        f"af {ppv.signed_name}, {ppv.signed_title}, {danish_date(ppv.signed_on)}."  # type: ignore[arg-type]  # a final PPV is signed (constraint ppv_final_is_signed)
    )
    # A null foreign key is None without a query.
    if (replaced := ppv.replaces) is not None:
        text += (
            f"\nErstatter version {replaced.number}"
            f". Begrundelse for rettelsen: {ppv.correction_reason}"
        )
    text += f"\n\nSammenfatning og vurdering:\n{ppv.summary}"
    entry = JournalEntry.objects.create(
        case=ppv.case,
        occurred_on=timezone.localdate(ppv.finalised_at),
        kind=JournalKind.DOKUMENT,
        title=f"PPV, version {ppv.number}",
        text=text,
        author=by,
        document_type=Ppv._meta.label_lower,
        document_id=ppv.pk,
    )
    log_action(entry, AuditAction.CREATE, by=by, purpose="journalisering af PPV", about=ppv)
    return entry


def pdf_title(ppv: Ppv) -> str:
    # No child's name: the title becomes the download's file name.
    return (
        f"PPV sag {ppv.identity.get('case_reference') or ppv.case.reference}, version {ppv.number}"
    )


def _paragraphs(text: str) -> list[str]:
    return [part.strip() for part in re.split(r"\n\s*\n", text or "") if part.strip()]


#: How the printed PPV groups its sections: (heading, [fields]); one field → no subheadings.
PDF_LAYOUT: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Opdraget", ("commission",)),
    ("Kilder og metoder", ("sources_methods",)),
    ("Baggrund og hvad der er afprøvet", ("background",)),
    ("Barnets perspektiv", ("child_perspective",)),
    ("Forældrenes perspektiv", ("parents_perspective",)),
    (
        "Barnets udvikling",
        ("cognitive_development", "language_development", "social_emotional_development"),
    ),
    ("Skole, familie, helbred og fritid", ("school", "family", "health_leisure")),
    ("Sammenfatning og vurdering", ("summary",)),
    ("Anbefalinger til organisering af støtten", ("recommendations",)),
)


def pdf_context(ppv: Ppv) -> dict[str, Any]:
    """The PPV as JSON primitives for the PDF: the child's masked CPR only."""
    identity = ppv.identity or identity_for(ppv.case)
    facts = [
        ["Barn", identity.get("name", "")],
        ["CPR-nummer", identity.get("cpr_masked", "")],
        ["Fødselsdato", identity.get("birth_date", "")],
        ["Institution", identity.get("institution", "")],
    ]
    if identity.get("group"):
        facts.append(["Klasse/gruppe", identity["group"]])
    facts += [
        ["Sag", identity.get("case_reference", "")],
        ["Hvem har bestilt vurderingen", ppv.commissioned_by],
        ["Undersøgelsesperiode", ppv.examination_period],
    ]
    sections: list[dict[str, Any]] = []
    for heading, fields in PDF_LAYOUT:
        if len(fields) == 1:
            sections.append(
                {"heading": heading, "paragraphs": _paragraphs(getattr(ppv, fields[0]))}
            )
        else:
            sections.append(
                {
                    "heading": heading,
                    "paragraphs": [],
                    "subsections": [
                        {
                            "heading": PPV_SECTION_LABELS[name],
                            "paragraphs": _paragraphs(getattr(ppv, name)),
                        }
                        for name in fields
                    ],
                }
            )
    replaces = ""
    if (old := ppv.replaces) is not None:
        when = danish_date(timezone.localdate(old.finalised_at)) if old.finalised_at else ""
        replaces = (
            f"Denne version erstatter version {old.number}"
            f"{', gjort endelig ' + when if when else ''}. Begrundelse: {ppv.correction_reason}"
        )
    return {
        "title": "Pædagogisk psykologisk vurdering",
        "subject_line": f"{identity.get('name', '')} · {identity.get('cpr_masked', '')}",
        "version": ppv.number,
        "replaces": replaces,
        "facts": facts,
        "sections": sections,
        "signature": {
            "name": ppv.signed_name,
            "title": ppv.signed_title,
            "date": danish_date(ppv.signed_on) if ppv.signed_on else "",
        },
    }


def order_pdf(ppv: Ppv, *, by: User) -> Document:
    """Order the PDF of a final version (rendered after commit on the ``pdf`` queue); it is
    filed in the municipality's ESDH once rendered (ppr/esdh, when switched on)."""
    document = request_pdf(
        subject=ppv,
        kind=DocumentKind.PPV,
        title=pdf_title(ppv),
        template_name=PDF_TEMPLATE,
        context=pdf_context(ppv),
        by=by,
        version=ppv.number,
    )
    if esdh_filing.switched_on():
        esdh_filing.file_document(ppv.case, document, title=document.title, by=by)
    return document


# --- Correction ------------------------------------------------------------------------------


@transaction.atomic
def correct_ppv(ppv: Ppv, *, by: User, reason: str) -> Ppv:
    """Start a correction of a final version: a new draft that names the version it replaces."""
    _check_writer(ppv, by)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": ["Skriv hvorfor PPV'en rettes."]})
    final = Ppv.objects.select_for_update().get(pk=ppv.pk)
    if not final.is_final:
        raise ValidationError("Kun en endelig PPV kan rettes; en kladde redigeres bare.")
    replacement = Ppv.objects.filter(replaces=final).first()
    if replacement is not None:
        if replacement.status == PpvStatus.DRAFT:
            return replacement  # a double click: the same correction
        raise ValidationError(
            f"Version {final.number} er allerede erstattet af version {replacement.number}. "
            "Ret den nyeste version."
        )
    if Ppv.objects.filter(case=final.case_id, status=PpvStatus.DRAFT).exists():
        raise ValidationError("Sagen har allerede en PPV under udarbejdelse. Gør den færdig først.")
    number = (Ppv.objects.filter(case=final.case_id).aggregate(top=Max("number"))["top"] or 0) + 1
    try:
        with transaction.atomic():
            draft = Ppv.objects.create(
                case=final.case,
                number=number,
                replaces=final,
                correction_reason=reason,
                identity=identity_for(final.case),
                author=by,
                updated_by=by,
                **section_values(final),
            )
    except IntegrityError:
        return Ppv.objects.get(replaces=final)
    log_action(draft, AuditAction.CREATE, by=by, purpose="rettelse af PPV")
    return draft


# --- Sending ---------------------------------------------------------------------------------


def custody_holders(ppv: Ppv) -> list[Guardian]:
    return list(ppv.case.child.guardians.filter(has_custody=True).order_by("name"))


def institution_leaders(ppv: Ppv) -> list[User]:
    return list(
        User.objects.filter(
            is_active=True,
            memberships__active=True,
            memberships__role=Role.INSTITUTION_LEADER,
            memberships__institution_id=ppv.case.child.institution_id,
        )
        .distinct()
        .order_by("first_name", "last_name")
    )


@transaction.atomic
def send_ppv(
    ppv: Ppv,
    *,
    by: User,
    guardians: Iterable[Guardian],
    leaders: Iterable[User],
    batch: uuid.UUID,
) -> list[PpvDispatch]:
    """Send the final version to each chosen recipient and record it: custody holders with a
    stored CPR number get it by Digital Post, the others by letter; leaders are notified.

    The same ``batch`` (the form's token) twice records each recipient once.
    """
    _check_writer(ppv, by)
    if not ppv.is_final:
        raise ValidationError("Kun en endelig PPV kan sendes.", code="draft")
    guardians, leaders = list(guardians), list(leaders)
    if not guardians and not leaders:
        raise ValidationError({"guardians": ["Vælg mindst én modtager."]})
    allowed_guardians = {g.pk for g in custody_holders(ppv)}
    allowed_leaders = {u.pk for u in institution_leaders(ppv)}
    if any(g.pk not in allowed_guardians for g in guardians) or any(
        u.pk not in allowed_leaders for u in leaders
    ):
        raise ValidationError(
            "Vælg blandt barnets forældremyndighedsindehavere og institutionens leder."
        )
    now = timezone.now()
    dispatches = []
    new_leaders = []
    for guardian in guardians:
        dispatch, created = PpvDispatch.objects.get_or_create(
            batch=batch,
            guardian=guardian,
            defaults={
                "ppv": ppv,
                "recipient_kind": PpvRecipientKind.GUARDIAN,
                "recipient_name": f"{guardian.name} ({guardian.get_relation_display()})",
                "sent_at": now,
                "sent_by": by,
            },
        )
        if created and digitalpost.can_receive(guardian):
            # The same batch twice finds the dispatch and sends nothing more: one message.
            dispatch.digital_post = digitalpost.send(
                guardian=guardian,
                document=order_pdf(ppv, by=by),
                title=f"Pædagogisk psykologisk vurdering, version {ppv.number}",
                by=by,
                case_reference=ppv.case.reference,
            )
            dispatch.save(update_fields=["digital_post"])
        dispatches.append(dispatch)
    for leader in leaders:
        dispatch, created = PpvDispatch.objects.get_or_create(
            batch=batch,
            recipient_user=leader,
            defaults={
                "ppv": ppv,
                "recipient_kind": PpvRecipientKind.LEADER,
                "recipient_name": f"{leader} ({leader.title or 'leder'}, {ppv.case.child.institution})",
                "sent_at": now,
                "sent_by": by,
            },
        )
        dispatches.append(dispatch)
        if created:
            new_leaders.append(leader)
    if new_leaders:
        # The notification names the task, not the child: it may be e-mailed.
        notify(
            recipients=new_leaders,
            message=f"PPR har sendt jer en PPV (sag {ppv.case.reference}).",
            link=reverse("cases:ppv-print", kwargs={"pk": ppv.pk}),
        )
    log_action(ppv, AuditAction.UPDATE, by=by, purpose="forsendelse af PPV")
    return dispatches
