"""The child's page in the parents' portal, and the documents on it (PPV, notat, decision
letter) as the parent's own audited reads of the stored PDFs (ppr/documents)."""

from typing import Any

from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.db.models import Prefetch
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from cases.models import Consent, Guardian
from ppr.access import RESTRICTED_FOR_PARENTS, audit, is_restricted
from ppr.audit.models import AuditAction
from ppr.audit.services import log_action
from ppr.documents.models import Document, DocumentStatus

from .access import guardianships, parent_required
from .child_data import (
    PURPOSE,
    decisions,
    final_ppvs,
    guardianship_or_404,
    hearings,
    meeting_effects,
    notes,
    referrals,
    staff,
    upcoming_meetings,
)


@require_GET
@parent_required
def child_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Mit barn: the child's referrals, meetings, documents and PPR staff, read by the parent."""
    guardian = get_object_or_404(
        guardianships(request.user)
        .select_related("child__institution")
        .prefetch_related(
            Prefetch("consents", queryset=Consent.objects.order_by("-recorded_at", "-pk"))
        ),
        pk=pk,
    )
    child = guardian.child
    audit(request, child, purpose=f"{PURPOSE}: barnets side")
    context = {
        "guardian": guardian,
        "child": child,
        "referrals": referrals(guardian),
        "meetings": upcoming_meetings(guardian),
        "ppvs": final_ppvs(guardian),
        "notes": notes(guardian),
        "decisions": decisions(guardian),
        "hearings": hearings(guardian),
        "staff": staff(guardian),
        "consents": list(guardian.consents.all()),
        "effects": meeting_effects(guardian),
        "today": timezone.localdate(),
        "restricted": RESTRICTED_FOR_PARENTS if is_restricted(child.pk) else "",
    }
    return render(request, "parents/child_detail.html", context)


# --- Documents ---------------------------------------------------------------------------------


def _download(request: HttpRequest, guardian: Guardian, subject: Any) -> HttpResponseBase:
    """The subject's stored PDF (rendered when it was made final), as the parent's audited
    read; while it is still being made, back to the child's page with a note."""
    document = (
        Document.objects.filter(
            content_type=ContentType.objects.get_for_model(subject), object_id=subject.pk
        )
        .order_by("-version", "-created_at")
        .first()
    )
    if document is None or document.status != DocumentStatus.READY:
        messages.info(request, "Dokumentet er ved at blive gjort klar. Prøv igen om lidt.")
        return redirect("parents:child", pk=guardian.pk)
    log_action(
        document, AuditAction.PRINT, by=request.user, purpose=f"{PURPOSE}: læst", request=request
    )
    response = FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=document.filename,
        content_type="application/pdf",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    return response


@require_GET
@parent_required
def ppv_download(request: HttpRequest, pk: int, ppv: int) -> HttpResponseBase:
    """A final PPV's PDF."""
    guardian = guardianship_or_404(request, pk)
    found = final_ppvs(guardian).filter(pk=ppv).first()
    if found is None:
        raise Http404
    return _download(request, guardian, found)


@require_GET
@parent_required
def note_download(request: HttpRequest, pk: int, note: int) -> HttpResponseBase:
    """A notat's PDF, from a meeting the parent took part in."""
    guardian = guardianship_or_404(request, pk)
    found = notes(guardian).filter(pk=note).first()
    if found is None:
        raise Http404
    return _download(request, guardian, found)


@require_GET
@parent_required
def decision_download(request: HttpRequest, pk: int, decision: int) -> HttpResponseBase:
    """A decision letter's PDF."""
    guardian = guardianship_or_404(request, pk)
    found = decisions(guardian).filter(pk=decision).first()
    if found is None:
        raise Http404
    return _download(request, guardian, found)
