"""Secure messages, the staff side: a case's threads with the child's custody holders (from the
case page), one thread with its reply form, and attachments. Threads are found through
``Thread.objects.visible_to`` (out of scope → 404); writing needs ``cases.edit_case`` (403)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from cases.models import Case, Guardian
from cases.referrals.uploads import download_response
from ppr.access import audit, get_audited_or_404
from ppr.accounts.models import User
from ppr.audit.models import AuditAction
from ppr.forms import apply_service_errors
from ppr.http import AuthenticatedHttpRequest, posted

from . import services
from .forms import MessageForm, StaffThreadForm, ThreadForm
from .models import MessageAttachment, Thread

PURPOSE = services.PURPOSE


def thread_messages(thread: Thread) -> list:
    """The thread's messages with their authors and attachments (two queries)."""
    return list(thread.messages.select_related("author").prefetch_related("attachments"))


def thread_or_404(
    request: AuthenticatedHttpRequest, queryset: QuerySet[Thread], *, purpose: str, pk: int
) -> Thread:
    """The thread from ``queryset`` (else 404); reading it (a GET) is audited."""
    if request.method == "GET":
        return get_audited_or_404(request, queryset, purpose=purpose, pk=pk)
    return get_object_or_404(queryset, pk=pk)


def start_thread(form: ThreadForm, *, case: Case, guardian: Guardian, by: User) -> Thread | None:
    """Start the valid form's thread; None, with the service's refusal on the form, if it
    refused."""
    try:
        return services.start_thread(
            case=case,
            guardian=guardian,
            by=by,
            subject=form.cleaned_data["subject"],
            body=form.cleaned_data["body"],
            files=form.files_to_send,
            client_token=form.cleaned_data["client_token"],
        )
    except ValidationError as error:
        apply_service_errors(form, error)
        return None


def send_reply(form: MessageForm, *, thread: Thread, by: User) -> bool:
    """Send the valid form's message in the thread; False, with the service's refusal on the
    form, if it refused."""
    try:
        services.send_message(
            thread=thread,
            by=by,
            body=form.cleaned_data["body"],
            files=form.files_to_send,
            client_token=form.cleaned_data["client_token"],
        )
    except ValidationError as error:
        apply_service_errors(form, error)
        return False
    return True


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
        thread = start_thread(form, case=case, guardian=form.cleaned_data["guardian"], by=user)
        if thread is not None:
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
    thread = thread_or_404(request, queryset, purpose=PURPOSE, pk=pk)
    can_write = thread.case.is_open and user.has_perm("cases.edit_case", thread.case)
    if request.method == "POST" and not can_write:
        raise PermissionDenied
    form = MessageForm(posted(request), request.FILES or None)
    if request.method == "POST" and form.is_valid() and send_reply(form, thread=thread, by=user):
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


def send_attachment(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """An attachment of a thread the user sees (else 404) as a download, never shown inline;
    the read is audited."""
    attachment = get_object_or_404(
        MessageAttachment.objects.filter(
            message__thread__in=Thread.objects.visible_to(request.user)
        ).select_related("message__thread__case__child"),
        pk=pk,
    )
    audit(request, attachment, purpose=PURPOSE, action=AuditAction.PRINT)
    return download_response(attachment)


@login_required
@require_GET
def attachment_download(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return send_attachment(request, pk)
