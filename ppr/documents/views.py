"""Status, download and retry of stored documents. The subject decides who may have them.

A document's subject (a PPV, a notat…) must define ``can_download(user)``; the documents app
cannot know the domain's rules. ``Document.objects.visible_to`` therefore cannot be one SQL
filter, so these views fetch the row and ask its subject; a refusal looks like a missing row
(404). The list page uses ``Document.objects.printable_for`` instead: one SQL filter built
from each subject's own ``printable_for`` queryset. Every download writes an audit row
(AuditAction.PRINT) with the child's id, and so does a refused download: asking for another
child's document is itself worth logging.
"""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from ppr.audit.models import AuditAction
from ppr.audit.services import log_action, record
from ppr.http import AuthenticatedHttpRequest
from ppr.tables import paginate

from . import services
from .filters import DocumentFilter
from .models import Document
from .tables import DocumentTable

#: htmx stops polling when a poll is answered with this status (and still swaps the content).
STOP_POLLING = 286


def _document_or_404(request: AuthenticatedHttpRequest, pk: int) -> Document:
    document = get_object_or_404(Document.objects.select_related("content_type"), pk=pk)
    if not document.allows(request.user):
        raise Http404
    return document


def _print_audit(request: HttpRequest, document: Document, *, purpose: str) -> None:
    log_action(document, AuditAction.PRINT, by=request.user, purpose=purpose, request=request)


#: Rows per page of the document list.
PER_PAGE = 25


@login_required
@require_GET
def document_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """ "Dokumenter": final PPVs and notater the user may print; filtered, paged; audited as a
    search (the list names children). Roles that never print get 403."""
    if not services.may_list_documents(request.user):
        raise PermissionDenied
    documents = services.listed_documents(request.user)
    filterset = DocumentFilter(request.GET or None, queryset=documents)
    valid = filterset.is_valid() if filterset.is_bound else True
    table = DocumentTable(filterset.qs if valid else documents.none())
    paginate(request, table, per_page=PER_PAGE)
    record(request, AuditAction.SEARCH, term=filterset.describe(), purpose="dokumentliste")
    context = {"filter": filterset, "table": table, "crumbs": [("Dokumenter", None)]}
    template = (
        "documents/document_list.html#results" if request.htmx else "documents/document_list.html"
    )
    return render(request, template, context)


@login_required
@require_GET
def document_status(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Whether a PDF is ready: a page without JavaScript, the status fragment for htmx polls."""
    document = _document_or_404(request, pk)
    context = {"document": document}
    if request.htmx:
        status = 200 if document.is_in_progress else STOP_POLLING
        return render(request, "documents/_status.html#status-body", context, status=status)
    return render(request, "documents/document_status.html", context)


@login_required
@require_GET
def document_download(request: AuthenticatedHttpRequest, pk: int) -> HttpResponseBase:
    """The stored PDF as an attachment, after the subject's access check; audited."""
    document = get_object_or_404(Document.objects.select_related("content_type"), pk=pk)
    if not document.allows(request.user):
        _print_audit(request, document, purpose="udskrift afvist")
        raise Http404
    if not document.is_ready:
        return redirect("documents:document-status", pk=document.pk)
    _print_audit(request, document, purpose="udskrift")
    response = FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=document.filename,
        content_type="application/pdf",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def document_retry(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """ "Prøv igen" after a failed render; only the person who ordered the document may."""
    document = _document_or_404(request, pk)
    if document.created_by_id != request.user.pk:
        raise PermissionDenied
    document = services.retry_pdf(document, by=request.user)
    if request.htmx:
        return render(request, "documents/_status.html", {"document": document})
    return redirect("documents:document-status", pk=document.pk)
