"""Secure messages, the parents' side: a custody holder's threads with PPR about their own
children. Every row is found through the parent's guardianships (custody today): another
child's thread, or one after custody ended, is a 404."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from cases.models import Case, CaseStatus
from parents.access import children_of, guardianships, parent_required
from ppr.http import AuthenticatedHttpRequest, posted

from . import services
from .forms import MessageForm, ThreadForm
from .models import Thread
from .views import send_attachment, send_reply, start_thread, thread_messages, thread_or_404

PURPOSE = "forældreportal: beskeder"


def _open_case(child_pk: int) -> Case | None:
    return Case.objects.filter(child_id=child_pk, status=CaseStatus.OPEN).first()


@require_GET
@parent_required
def inbox(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Beskeder: the parent's threads, newest first, with unread counts; a new message per
    child who has an open case at PPR."""
    user = request.user
    threads = list(
        services.with_unread(Thread.objects.visible_to(user).select_related("case__child"), user)
    )
    children = list(
        children_of(user)
        .filter(cases__status=CaseStatus.OPEN)
        .order_by("first_name", "last_name", "pk")
        .distinct()
    )
    context = {"threads": threads, "children": children}
    return render(request, "messaging/parent_inbox.html", context)


@require_http_methods(["GET", "POST"])
@parent_required
def thread_create(request: AuthenticatedHttpRequest, child_pk: int) -> HttpResponse:
    """Skriv til PPR: a new thread about one's own child with the staff on the child's case."""
    user = request.user
    guardian = get_object_or_404(guardianships(user).select_related("child"), child_id=child_pk)
    case = _open_case(child_pk)
    form = ThreadForm(posted(request), request.FILES or None)
    if request.method == "POST" and case is not None and form.is_valid():
        thread = start_thread(form, case=case, guardian=guardian, by=user)
        if thread is not None:
            messages.success(request, "Din besked er sendt til PPR.")
            return redirect(thread.get_parent_url())
    context = {"child": guardian.child, "case": case, "form": form}
    return render(
        request, "messaging/parent_thread_form.html", context, status=400 if form.errors else 200
    )


@require_http_methods(["GET", "POST"])
@parent_required
def thread_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """One thread with PPR: the messages and the answer form (while the case is open)."""
    user = request.user
    queryset = Thread.objects.visible_to(user).select_related("case__child", "guardian")
    thread = thread_or_404(request, queryset, purpose=PURPOSE, pk=pk)
    form = MessageForm(posted(request), request.FILES or None)
    if request.method == "POST" and form.is_valid() and send_reply(form, thread=thread, by=user):
        messages.success(request, "Din besked er sendt til PPR.")
        return redirect(thread.get_parent_url() + "#svar")
    if request.method == "GET":
        services.mark_read(thread, user=user)
    context = {
        "thread": thread,
        "child": thread.case.child,
        "messages_": thread_messages(thread),
        # A closed case takes no more messages: the form only to show why one was refused.
        "form": form if thread.case.is_open or form.errors else None,
    }
    return render(
        request, "messaging/parent_thread.html", context, status=400 if form.errors else 200
    )


@require_GET
@parent_required
def attachment_download(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return send_attachment(request, pk)
