"""Secure messages, the staff side: a case's threads with the child's custody holders (from the
case page), one thread with its reply form, and attachments. Threads are found through
``Thread.objects.visible_to`` (out of scope → 404); writing needs ``cases.edit_case`` (403)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET, require_http_methods

from cases.models import Case
from cases.referrals.uploads import EXTENSIONS, safe_download_name
from ppr.access import audit, get_audited_or_404
from ppr.audit.models import AuditAction
from ppr.forms import apply_service_errors
from ppr.http import AuthenticatedHttpRequest, posted

from . import services
from .forms import MessageForm, StaffThreadForm
from .models import MessageAttachment, Thread

PURPOSE = services.PURPOSE


def thread_messages(thread: Thread) -> list:
    """The thread's messages with their authors and attachments (two queries)."""
    return list(thread.messages.select_related("author").prefetch_related("attachments"))


def _custody_holders(case: Case):
    return case.child.guardians.holding_custody().order_by("name")


@login_required
@require_http_methods(["GET", "POST"])
def case_threads(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Beskeder med forældre: the case's threads (unread counts) and a new message to one
    custody holder."""
    user = request.user
    case = get_object_or_404(Case.objects.visible_to(user).for_display(), pk=pk)
    if not user.has_perm("cases.view_journal", case):
        raise PermissionDenied
    can_write = user.has_perm("cases.edit_case", case)
    if request.method == "POST" and not can_write:
        raise PermissionDenied
    form = StaffThreadForm(posted(request), request.FILES or None, guardians=_custody_holders(case))
    if request.method == "POST" and form.is_valid():
        try:
            thread = services.start_thread(
                case=case,
                guardian=form.cleaned_data["guardian"],
                by=user,
                subject=form.cleaned_data["subject"],
                body=form.cleaned_data["body"],
                files=form.files_to_send,
                client_token=form.cleaned_data["client_token"],
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, "Beskeden er sendt.")
            return redirect(thread)
    if request.method == "GET":
        audit(request, case, purpose=PURPOSE)
    threads = list(
        services.with_unread(
            Thread.objects.visible_to(user).filter(case=case).select_related("guardian"), user
        )
    )
    context = {
        "case": case,
        "threads": threads,
        "form": form if can_write and case.is_open else None,
        "crumbs": [
            ("Sager", reverse("cases:case-list")),
            (f"Sag {case.reference}", case.get_absolute_url()),
            ("Beskeder med forældre", None),
        ],
    }
    return render(
        request, "messaging/case_threads.html", context, status=400 if form.errors else 200
    )


@login_required
@require_http_methods(["GET", "POST"])
def thread_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """One thread: its messages, oldest first, and the answer form."""
    user = request.user
    queryset = Thread.objects.visible_to(user).select_related(
        "case__child__institution", "guardian"
    )
    if request.method == "GET":
        thread = get_audited_or_404(request, queryset, purpose=PURPOSE, pk=pk)
    else:
        thread = get_object_or_404(queryset, pk=pk)
    can_write = thread.case.is_open and user.has_perm("cases.edit_case", thread.case)
    if request.method == "POST" and not can_write:
        raise PermissionDenied
    form = MessageForm(posted(request), request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.send_message(
                thread=thread,
                by=user,
                body=form.cleaned_data["body"],
                files=form.files_to_send,
                client_token=form.cleaned_data["client_token"],
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, "Svaret er sendt og journaliseret på sagen.")
            return redirect(reverse("messaging:thread", kwargs={"pk": thread.pk}) + "#svar")
    if request.method == "GET":
        services.mark_read(thread, user=user)
    context = {
        "thread": thread,
        "case": thread.case,
        "messages_": thread_messages(thread),
        "form": form if can_write else None,
        "crumbs": [
            ("Sager", reverse("cases:case-list")),
            (f"Sag {thread.case.reference}", thread.case.get_absolute_url()),
            (
                "Beskeder med forældre",
                reverse("messaging:case-threads", kwargs={"pk": thread.case_id}),
            ),
            (thread.subject, None),
        ],
    }
    return render(
        request, "messaging/thread_detail.html", context, status=400 if form.errors else 200
    )


def send_attachment(request: HttpRequest, attachment: MessageAttachment) -> HttpResponse:
    """An attachment as a download, never shown inline; the read is audited."""
    audit(request, attachment, purpose=PURPOSE, action=AuditAction.PRINT)
    # Read whole (at most 20 MB): a streamed file would stay open if the client walks away.
    with attachment.file.open("rb") as handle:
        content = handle.read()
    response = HttpResponse(content, content_type=attachment.content_type)
    response["Content-Disposition"] = content_disposition_header(
        True,
        safe_download_name(
            attachment.original_name, EXTENSIONS.get(attachment.content_type, "bin")
        ),
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store, private"
    return response


@login_required
@require_GET
def attachment_download(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    attachment = get_object_or_404(
        MessageAttachment.objects.filter(
            message__thread__in=Thread.objects.visible_to(request.user)
        ).select_related("message__thread__case__child"),
        pk=pk,
    )
    return send_attachment(request, attachment)
