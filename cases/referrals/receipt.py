"""The receipt a school (or daycare) keeps for a submitted referral: a PDF with the number, the
date, the institution and what was submitted, without the CPR number. It is rendered by the
documents app's Celery task, never on the request path."""

import re

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format

from cases.models import Referral, ReferralRequest, ReferralStatus
from ppr.accounts.models import User
from ppr.documents.models import Document, DocumentKind
from ppr.documents.services import FULL_CPR, request_pdf

from .wording import evaluation_labels, wording_for

TEMPLATE = "cases/referral_receipt_pdf.html"
REQUEST_LABELS = dict(ReferralRequest.choices)


class NotSubmitted(Exception):
    """A draft has no receipt: nothing has been submitted yet."""


def receipt_for(referral: Referral) -> Document | None:
    """The referral's receipt, if one has been ordered."""
    return Document.objects.for_subject(referral).filter(kind=DocumentKind.KVITTERING).first()


@transaction.atomic
def order_receipt(referral: Referral, *, by: User) -> Document:
    """Order the receipt PDF of a submitted referral; ordering twice gives the same document."""
    if referral.status == ReferralStatus.DRAFT or referral.submitted_at is None:
        raise NotSubmitted
    return request_pdf(
        subject=referral,
        kind=DocumentKind.KVITTERING,
        title=f"Kvittering for indstilling nr. {referral.pk}",
        template_name=TEMPLATE,
        context=receipt_context(referral),
        by=by,
    )


def _text(value: str) -> list[str]:
    """Paragraphs of a section; a CPR number typed into the text is masked on the receipt."""
    masked = FULL_CPR.sub("xxxxxx-xxxx", value or "")
    return [part.strip() for part in re.split(r"\n\s*\n", masked) if part.strip()]


def receipt_context(referral: Referral) -> dict:
    """What the receipt shows, as JSON primitives (names and dates; never the CPR number)."""
    words = wording_for(referral.institution)
    child = referral.child
    submitted = timezone.localtime(referral.submitted_at)
    by = referral.submitted_by or referral.author
    facts = [
        ["Indstilling nr.", str(referral.pk)],
        ["Indsendt", f"{date_format(submitted, 'DATE_FORMAT')} kl. {submitted:%H:%M}"],
        ["Indsendt af", str(by)],
        ["Institution", str(referral.institution)],
        [words.child, child.name],
        ["Fødselsdato", f"{child.birth_date:%d.%m.%Y}"],
    ]
    if child.group:
        facts.append([words.group, child.group])
    sections = [
        ["Bekymringen", _text(referral.concern)],
        ["Barnets styrker og ressourcer", _text(referral.strengths)],
        ["Barnets eget perspektiv", _text(referral.child_perspective)],
        ["Forældrenes perspektiv", _text(referral.parents_perspective)],
        ["Handleplanens mål", _text(referral.plan_goals)],
        ["Hvad er gjort", _text(referral.plan_actions)],
        ["Periode", _text(referral.plan_period)],
        ["Evaluering", _text(referral.plan_evaluation)],
        [
            "Evalueret med",
            [", ".join(evaluation_labels(referral.institution, referral.plan_evaluated_with))],
        ],
        ["Tidligere indsatser", _text(referral.earlier_interventions)],
        [
            "Hvad ønskes af PPR",
            [", ".join(str(REQUEST_LABELS.get(v, v)) for v in referral.requests or [])],
        ],
        ["Uddybning af ønsket", _text(referral.request_details)],
        ["Børnelineal", [referral.get_ruler_colour_display()]],
    ]
    if referral.parent_request:
        sections.append(["Forældrenes egen henvendelse", _text(referral.parent_request_note)])
    return {
        "title": f"Kvittering for indstilling nr. {referral.pk}",
        "subject_line": f"{child.name} · indstilling nr. {referral.pk}",
        "facts": facts,
        "sections": [
            {"heading": heading, "paragraphs": [p for p in paragraphs if p]}
            for heading, paragraphs in sections
        ],
        "attachments": [a.original_name for a in referral.attachments.all()],
    }
