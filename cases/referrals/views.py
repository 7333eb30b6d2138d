"""Referral pages: the institutions' list and form, PPR's intake queue and visitation.

Views are thin: they find the row through ``visible_to`` (out of scope → 404), check the
action with a ``rules`` permission (forbidden → 403) and call a service in services.py.
"""

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cases.children.search import chosen_child, search_children
from cases.models import (
    WAITING_STATUSES,
    CaseStatus,
    Child,
    Guardian,
    Referral,
    ReferralAttachment,
    ReferralRequest,
    ReferralStatus,
)
from ppr.access import get_audited_or_404
from ppr.audit.models import AuditAction
from ppr.audit.services import record
from ppr.context_processors import request_municipality
from ppr.http import AuthenticatedHttpRequest, posted
from ppr.returns import with_next
from ppr.tables import paginate

from . import receipt as referral_receipt
from . import services
from .filters import ReferralListFilter, ReferralQueueFilter
from .forms import (
    AcceptForm,
    AttachmentForm,
    CloseForm,
    ParentRequestStartForm,
    RedirectForm,
    ReferralForm,
    ReferralStartForm,
    RejectForm,
)
from .tables import ReferralQueueTable, ReferralTable
from .uploads import download_response
from .wording import evaluation_labels, wording_for

PURPOSE = "indstilling"
PURPOSE_INTAKE = "visitation"
REQUEST_LABELS = dict(ReferralRequest.choices)


def _visible(request: AuthenticatedHttpRequest):
    return Referral.objects.visible_to(request.user)


# --- Lists -----------------------------------------------------------------------------------


@login_required
@require_GET
def referral_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Indstillinger: an institution's own referrals with status (PPR: those it can see)."""
    if not request.user.has_perm("cases.view_referral_list"):
        raise PermissionDenied
    queryset = _visible(request).select_related("child", "institution", "author")
    filterset = ReferralListFilter(request.GET or None, queryset=queryset)
    rows = filterset.qs if (not filterset.is_bound or filterset.is_valid()) else queryset.none()
    table = ReferralTable(
        rows, expiry_days=request_municipality(request).referral_draft_expiry_days
    )
    paginate(request, table)
    record(request, AuditAction.SEARCH, term=filterset.describe(), purpose="indstillinger")
    context = {
        "filter": filterset,
        "table": table,
        "can_draft": request.user.has_perm("cases.draft_referral"),
        "crumbs": [("Indstillinger", None)],
    }
    template = "cases/referral_list.html#results" if request.htmx else "cases/referral_list.html"
    return render(request, template, context)


@login_required
@require_GET
def referral_queue(request: AuthenticatedHttpRequest) -> HttpResponse:
    """PPR's intake queue: submitted and received referrals, oldest first."""
    if not request.user.has_perm("cases.view_referral_queue"):
        raise PermissionDenied
    queryset = (
        _visible(request)
        .filter(status__in=WAITING_STATUSES)
        .select_related("child", "institution__district")
    )
    filterset = ReferralQueueFilter(request.GET or None, queryset=queryset)
    rows = filterset.qs if (not filterset.is_bound or filterset.is_valid()) else queryset.none()
    table = ReferralQueueTable(rows)
    paginate(request, table)
    record(request, AuditAction.SEARCH, term=filterset.describe(), purpose=PURPOSE_INTAKE)
    context = {"filter": filterset, "table": table, "crumbs": [("Modtagelse", None)]}
    template = "cases/referral_queue.html#results" if request.htmx else "cases/referral_queue.html"
    return render(request, template, context)


# --- Starting a referral ---------------------------------------------------------------------


def _own_children(request: AuthenticatedHttpRequest):
    return Child.objects.visible_to(request.user).filter(
        institution_id__in=request.user.institution_ids()
    )


@login_required
@require_http_methods(["GET", "POST"])
def referral_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Start a draft for a child found by searching: institution users search their own
    children; PPR intake records a parents' own request for any child it can see."""
    user = request.user
    if not user.has_perm("cases.draft_referral"):
        raise PermissionDenied
    is_intake = user.has_perm("cases.record_parent_request")
    children = _own_children(request) if not is_intake else Child.objects.visible_to(user)
    if request.method == "POST" and "find" in request.POST:
        return _find_child(request, children, is_intake=is_intake)
    form = ReferralStartForm(posted(request), children=children)
    note_form = ParentRequestStartForm(posted(request)) if is_intake else None
    if request.method == "POST" and form.is_valid() and (note_form is None or note_form.is_valid()):
        child = form.cleaned_data["child"]
        try:
            referral = services.create_draft(
                child=child,
                by=user,
                parent_request=is_intake,
                parent_request_note=note_form.cleaned_data["parent_request_note"]
                if note_form
                else "",
            )
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            messages.success(
                request, "Kladden er oprettet. Den gemmes automatisk, mens du skriver."
            )
            return redirect("cases:referral-update", pk=referral.pk)
    chosen = form["child"].value() or request.GET.get("child")
    picker = chosen_child(request, children, chosen, purpose=PURPOSE)
    invalid = bool(form.errors or (note_form is not None and note_form.errors))
    context = _start_context(form, note_form, picker, is_intake=is_intake)
    return render(request, "cases/referral_start.html", context, status=400 if invalid else 200)


def _find_child(request: AuthenticatedHttpRequest, children, *, is_intake: bool) -> HttpResponse:
    """The picker's search: the results for HTMX, else the whole page with them."""
    picker = search_children(request, children, purpose=PURPOSE)
    if request.htmx:
        return render(request, "cases/_child_picker_found.html", {"picker": picker})
    form = ReferralStartForm(children=children)
    note_form = ParentRequestStartForm(initial=request.POST) if is_intake else None
    context = _start_context(form, note_form, picker, is_intake=is_intake)
    return render(request, "cases/referral_start.html", context)


def _start_context(form, note_form, picker, *, is_intake: bool) -> dict:
    return {
        "form": form,
        "note_form": note_form,
        "picker": picker,
        "is_intake": is_intake,
        "crumbs": [("Indstillinger", reverse("cases:referral-list")), ("Ny indstilling", None)],
    }


# --- One referral ----------------------------------------------------------------------------


def _permissions(request: AuthenticatedHttpRequest, referral: Referral) -> dict[str, bool]:
    user = request.user
    return {
        "edit": user.has_perm("cases.edit_referral", referral),
        "submit": referral.status == ReferralStatus.DRAFT
        and user.has_perm("cases.submit_referral", referral),
        "receive": referral.status == ReferralStatus.SUBMITTED
        and user.has_perm("cases.receive_referral", referral),
        "visitate": referral.status in WAITING_STATUSES
        and user.has_perm("cases.visitate_referral", referral),
        "close": referral.status
        in (
            ReferralStatus.ACCEPTED,
            ReferralStatus.REJECTED,
            ReferralStatus.REDIRECTED,
        )
        and user.has_perm("cases.close_referral", referral),
        "see_case": bool(referral.case_id) and user.is_ppr_staff,
        # The meetings app records where PPR redirected it (a henvisning linked to the referral).
        "record_forum_referral": referral.status == ReferralStatus.REDIRECTED
        and user.has_perm("meetings.refer_from", referral.institution),
    }


@login_required
@require_GET
def referral_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """One referral: its sections, attachments and timeline; the actions the user may take."""
    referral = get_audited_or_404(
        request,
        _visible(request).select_related("child", "institution", "author", "submitted_by"),
        purpose=PURPOSE,
        pk=pk,
    )
    can = _permissions(request, referral)
    problems = services.submission_problems(referral) if can["submit"] else {}
    context = {
        **_content(request, referral),
        "events": referral.events.select_related("by"),
        "attachments": referral.attachments.all(),
        "can": can,
        "problems": problems,
        "consent_steps": _consent_steps(request, referral) if problems else [],
        "expires_on": _expires_on(request, referral),
        "close_form": CloseForm() if can["close"] else None,
        "receipt": referral_receipt.receipt_for(referral)
        if referral.status != ReferralStatus.DRAFT
        else None,
        "forum_referral": _forum_referral(referral),
        "origin_item": _origin_item(referral),
        "crumbs": _crumbs(request, referral),
    }
    return render(request, "cases/referral_detail.html", context)


@login_required
@require_POST
def referral_receipt_order(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Order the printable receipt (PDF) of a submitted referral; it is made in the background."""
    referral = get_object_or_404(_visible(request).select_related("child", "institution"), pk=pk)
    try:
        referral_receipt.order_receipt(referral, by=request.user)
    except referral_receipt.NotSubmitted:
        messages.info(request, "Der er først en kvittering, når indstillingen er sendt.")
    else:
        messages.success(request, "Kvitteringen dannes nu. Du kan hente den her på siden.")
    return redirect(referral.get_absolute_url() + "#kvittering")


def _forum_referral(referral: Referral):
    """The henvisning that records where visitation redirected the referral, if any."""
    if referral.status != ReferralStatus.REDIRECTED:
        return None
    try:
        return referral.forum_referral
    except ObjectDoesNotExist:
        return None


def _consent_steps(request: AuthenticatedHttpRequest, referral: Referral) -> list[tuple[str, str]]:
    """Links from a consent error straight to where the missing consent is registered; each
    comes back to the page the user is on (``next``)."""
    if referral.parent_request or not request.user.has_perm("cases.edit_child", referral.child):
        return []
    back = request.path
    lacking = services.custody_holders_without_consent(referral)
    if lacking:
        return [
            (
                f"Registrér samtykke fra {guardian.name}",
                with_next(reverse("cases:consent-create", kwargs={"pk": guardian.pk}), back),
            )
            for guardian in lacking
        ]
    if not Guardian.objects.filter(child_id=referral.child_id, has_custody=True).exists():
        guardian_url = reverse("cases:guardian-create", kwargs={"pk": referral.child_id})
        return [("Tilføj forælder med forældremyndighed", with_next(guardian_url, back))]
    return []


def _origin_item(referral: Referral):
    """The koordineringskonference opgave whose decision drafted this referral, if any."""
    try:
        return referral.agenda_item
    except ObjectDoesNotExist:
        return None


def _content(request: AuthenticatedHttpRequest, referral: Referral) -> dict:
    """What the read-only sections need: choice labels, and whether the child's page is open."""
    return {
        "referral": referral,
        "request_labels": [REQUEST_LABELS.get(v, v) for v in referral.requests or []],
        "evaluated_with_labels": evaluation_labels(
            referral.institution, referral.plan_evaluated_with
        ),
        "wording": wording_for(referral.institution),
        "child_visible": Child.objects.visible_to(request.user)
        .filter(pk=referral.child_id)
        .exists(),
    }


def _crumbs(
    request: AuthenticatedHttpRequest, referral: Referral, *extra: tuple[str, str | None]
) -> list:
    if request.user.has_perm("cases.view_referral_queue") and referral.status in WAITING_STATUSES:
        start = ("Modtagelse", reverse("cases:referral-queue"))
    else:
        start = ("Indstillinger", reverse("cases:referral-list"))
    if extra:
        return [start, (f"Indstilling nr. {referral.pk}", referral.get_absolute_url()), *extra]
    return [start, (f"Indstilling nr. {referral.pk}", None)]


def _expires_on(request: HttpRequest, referral: Referral):
    if referral.status != ReferralStatus.DRAFT:
        return None
    days = request_municipality(request).referral_draft_expiry_days
    return timezone.localtime(referral.updated_at + timedelta(days=days)).date()


def _edit_page(
    request: AuthenticatedHttpRequest,
    referral: Referral,
    *,
    form: ReferralForm | None = None,
    attachment_form: AttachmentForm | None = None,
    status: int = 200,
) -> HttpResponse:
    can_parent = request.user.has_perm("cases.record_parent_request")
    if form is None:
        form = ReferralForm(
            initial=ReferralForm.initial_from(referral),
            can_record_parent_request=can_parent,
            institution=referral.institution,
        )
    context = {
        "referral": referral,
        "form": form,
        "attachment_form": attachment_form or AttachmentForm(),
        "attachments": referral.attachments.all(),
        "can": _permissions(request, referral),
        "consent_steps": _consent_steps(request, referral) if form.non_field_errors() else [],
        "expires_on": _expires_on(request, referral),
        "saved_at": referral.updated_at,
        "crumbs": _crumbs(request, referral, ("Rediger", None)),
    }
    return render(request, "cases/referral_form.html", context, status=status)


def _edit_or_explain(request: AuthenticatedHttpRequest, referral: Referral) -> HttpResponse | None:
    """None if the user may edit; a redirect if the draft was already submitted; else 403."""
    if request.user.has_perm("cases.edit_referral", referral):
        return None
    if referral.status != ReferralStatus.DRAFT:
        messages.info(request, "Indstillingen er indsendt og kan ikke længere redigeres.")
        return redirect(referral)
    raise PermissionDenied


@login_required
@require_http_methods(["GET", "POST"])
def referral_update(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The long form. "Gem kladde" saves; "Indsend" saves and then submits (leader only)."""
    if request.method == "GET":
        referral = get_audited_or_404(
            request,
            _visible(request).select_related("child", "institution"),
            purpose=PURPOSE,
            pk=pk,
        )
        return _edit_or_explain(request, referral) or _edit_page(request, referral)

    referral = get_object_or_404(_visible(request).select_related("child", "institution"), pk=pk)
    submitting = request.POST.get("action") == "submit"
    if submitting and not request.user.has_perm("cases.submit_referral", referral):
        # Staff may draft but not submit: refuse before anything is saved.
        raise PermissionDenied
    if (response := _edit_or_explain(request, referral)) is not None:
        return response
    can_parent = request.user.has_perm("cases.record_parent_request")
    form = ReferralForm(
        request.POST, can_record_parent_request=can_parent, institution=referral.institution
    )
    if not form.is_valid():
        return _edit_page(request, referral, form=form, status=400)
    try:
        referral = services.save_draft(
            referral, by=request.user, data=form.draft_data(), version=form.cleaned_data["version"]
        )
    except services.NotADraft:
        messages.info(request, "Indstillingen er allerede indsendt. Her er den aktuelle status.")
        return redirect(referral)
    except services.ReferralConflict as conflict:
        form.add_error(None, _conflict_message(conflict))
        return _edit_page(request, referral, form=form, status=409)

    if not submitting:
        messages.success(request, "Kladden er gemt.")
        return redirect("cases:referral-update", pk=referral.pk)
    try:
        services.submit_referral(referral, by=request.user)
    except services.NotADraft:
        messages.info(request, "Indstillingen er allerede indsendt. Her er den aktuelle status.")
        return redirect(referral)
    except services.SubmissionBlocked as blocked:
        data = request.POST.copy()
        data["version"] = str(referral.version)
        form = ReferralForm(
            data, can_record_parent_request=can_parent, institution=referral.institution
        )
        form.is_valid()
        form.add_error(None, blocked)
        messages.warning(request, "Kladden er gemt, men indstillingen er ikke sendt endnu.")
        return _edit_page(request, referral, form=form, status=400)
    messages.success(
        request,
        "Indstillingen er sendt til PPR. I får besked, når PPR har modtaget den. "
        "Hent en kvittering til jeres egne papirer under “Kvittering”.",
    )
    return redirect(referral)


def _conflict_message(conflict: services.ReferralConflict) -> str:
    when = f" kl. {timezone.localtime(conflict.stored_at):%H:%M}" if conflict.stored_at else ""
    return (
        f"Kladden er blevet gemt et andet sted{when} (fx i et andet vindue), efter du åbnede den. "
        "Dine ændringer her er ikke gemt, så intet bliver overskrevet. Kopiér din tekst, "
        "genindlæs siden og indsæt den igen."
    )


@login_required
@require_POST
def referral_autosave(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """HTMX autosave while typing: answers with a small "Gemt kl. HH:MM" status fragment."""
    referral = get_object_or_404(_visible(request), pk=pk)
    fragment = "cases/referral_form.html#autosave-status"
    if not request.user.has_perm("cases.edit_referral", referral):
        if referral.status != ReferralStatus.DRAFT:
            return render(request, fragment, {"state": "submitted"})
        raise PermissionDenied
    form = ReferralForm(
        request.POST, can_record_parent_request=request.user.has_perm("cases.record_parent_request")
    )
    if not form.is_valid():
        return render(request, fragment, {"state": "invalid", "form": form})
    try:
        referral = services.save_draft(
            referral, by=request.user, data=form.draft_data(), version=form.cleaned_data["version"]
        )
    except services.NotADraft:
        return render(request, fragment, {"state": "submitted"})
    except services.ReferralConflict as conflict:
        return render(
            request, fragment, {"state": "conflict", "message": _conflict_message(conflict)}
        )
    return render(
        request,
        fragment,
        {"state": "saved", "saved_at": referral.updated_at, "version": referral.version},
    )


@login_required
@require_POST
def referral_submit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Submit the stored draft (the button on the referral page). Twice → one submission."""
    referral = get_object_or_404(_visible(request), pk=pk)
    if not request.user.has_perm("cases.submit_referral", referral):
        raise PermissionDenied
    try:
        services.submit_referral(referral, by=request.user)
    except services.NotADraft:
        messages.info(request, "Indstillingen er allerede indsendt. Her er den aktuelle status.")
        return redirect(referral)
    except services.SubmissionBlocked as blocked:
        for message in blocked.messages:
            messages.error(request, message)
        return redirect("cases:referral-update", pk=referral.pk)
    messages.success(
        request,
        "Indstillingen er sendt til PPR. I får besked, når PPR har modtaget den. "
        "Hent en kvittering til jeres egne papirer under “Kvittering”.",
    )
    return redirect(referral)


# --- Attachments -----------------------------------------------------------------------------


@login_required
@require_POST
def attachment_upload(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    referral = get_object_or_404(_visible(request).select_related("child", "institution"), pk=pk)
    if (response := _edit_or_explain(request, referral)) is not None:
        return response
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.add_attachment(referral, by=request.user, file=form.cleaned_data["file"])
        except ValidationError as exc:
            form.add_error("file", exc)
        else:
            messages.success(request, "Bilaget er vedhæftet.")
            return redirect(reverse("cases:referral-update", kwargs={"pk": referral.pk}) + "#bilag")
    return _edit_page(request, referral, attachment_form=form, status=400)


@login_required
@require_GET
def attachment_download(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Download an attachment of a referral one can see; always as a file, never rendered inline."""
    attachment = get_audited_or_404(
        request,
        ReferralAttachment.objects.filter(referral__in=_visible(request)).select_related(
            "referral"
        ),
        purpose=PURPOSE,
        action=AuditAction.PRINT,
        pk=pk,
    )
    return download_response(attachment)


@login_required
@require_POST
def attachment_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    attachment = get_object_or_404(
        ReferralAttachment.objects.filter(referral__in=_visible(request)).select_related(
            "referral"
        ),
        pk=pk,
    )
    referral = attachment.referral
    if (response := _edit_or_explain(request, referral)) is not None:
        return response
    services.remove_attachment(attachment, by=request.user)
    messages.success(request, "Bilaget er fjernet.")
    return redirect(reverse("cases:referral-update", kwargs={"pk": referral.pk}) + "#bilag")


# --- PPR intake and visitation ---------------------------------------------------------------


@login_required
@require_POST
def referral_receive(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """PPR intake marks the referral received; the institution gets its receipt."""
    referral = get_object_or_404(_visible(request), pk=pk)
    if not request.user.has_perm("cases.receive_referral", referral):
        raise PermissionDenied
    try:
        services.receive_referral(referral, by=request.user)
    except services.InvalidTransition as exc:
        messages.info(request, exc.messages[0])
    else:
        messages.success(
            request, "Indstillingen er modtaget, og institutionen har fået kvittering."
        )
    return redirect(referral)


@login_required
@require_http_methods(["GET", "POST"])
def referral_visitate(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The PPR leader decides: accept and assign, reject with a reason, or redirect to a forum."""
    queryset = _visible(request).select_related("child", "institution")
    if request.method == "GET":
        referral = get_audited_or_404(request, queryset, purpose=PURPOSE_INTAKE, pk=pk)
    else:
        referral = get_object_or_404(queryset, pk=pk)
    if not request.user.has_perm("cases.visitate_referral", referral):
        raise PermissionDenied
    if referral.status not in WAITING_STATUSES:
        messages.info(request, "Indstillingen er allerede visiteret.")
        return redirect(referral)

    decision = request.POST.get("decision") if request.method == "POST" else None
    accept = AcceptForm(
        request.POST if decision == "accept" else None,
        initial={"assignee": _current_assignee(referral)},
        prefix="accept",
    )
    reject = RejectForm(request.POST if decision == "reject" else None, prefix="reject")
    forward = RedirectForm(request.POST if decision == "redirect" else None, prefix="redirect")
    try:
        if decision == "accept" and accept.is_valid():
            case = services.accept_referral(
                referral, by=request.user, assignee=accept.cleaned_data["assignee"]
            )
            messages.success(
                request,
                f"Indstillingen er accepteret, og sag {case.reference} er tildelt "
                f"{accept.cleaned_data['assignee']}.",
            )
            return redirect(referral)
        if decision == "reject" and reject.is_valid():
            services.reject_referral(
                referral, by=request.user, reason=reject.cleaned_data["reason"]
            )
            messages.success(request, "Indstillingen er afvist. Institutionen kan se begrundelsen.")
            return redirect(referral)
        if decision == "redirect" and forward.is_valid():
            # The meetings app drafts the henvisning in the same step (decisions act).
            services.redirect_at_visitation(
                referral,
                by=request.user,
                forum=forward.cleaned_data["forum"],
                note=forward.cleaned_data["note"],
            )
            messages.success(
                request,
                "Indstillingen er henvist til et andet forum. Henvisningen er oprettet som "
                "kladde, som institutionen gør færdig.",
            )
            return redirect(referral)
    except services.InvalidTransition as exc:
        messages.info(request, exc.messages[0])
        return redirect(referral)
    except ValidationError as exc:
        form = {"accept": accept, "reject": reject, "redirect": forward}[decision or "redirect"]
        for field, errors in getattr(exc, "error_dict", {None: exc.error_list}).items():
            form.add_error(field if field in form.fields else None, errors)
    context = {
        **_content(request, referral),
        "accept_form": accept,
        "reject_form": reject,
        "redirect_form": forward,
        "open_case": referral.child.cases.filter(status=CaseStatus.OPEN)
        .select_related("assigned")
        .first(),
        "crumbs": _crumbs(request, referral, ("Visitation", None)),
    }
    status = 400 if decision in {"accept", "reject", "redirect"} else 200
    return render(request, "cases/referral_visitate.html", context, status=status)


def _current_assignee(referral: Referral) -> int | None:
    case = referral.child.cases.filter(status=CaseStatus.OPEN).only("assigned_id").first()
    return case.assigned_id if case else None


@login_required
@require_POST
def referral_close(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Close a visitated referral (afsluttet)."""
    referral = get_object_or_404(_visible(request), pk=pk)
    if not request.user.has_perm("cases.close_referral", referral):
        raise PermissionDenied
    form = CloseForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        services.close_referral(referral, by=request.user, note=note)
    except services.InvalidTransition:
        messages.info(request, "Indstillingen kan ikke afsluttes i sin nuværende status.")
    else:
        messages.success(request, "Indstillingen er afsluttet.")
    return redirect(referral)
