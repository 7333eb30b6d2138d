"""PPV pages: the case's PPVs, one version, the draft form with autosave, finalising (signing),
correcting, sending and printing.

The content is PPR's: the leader and the case workers on the case read it (``Ppv.objects
.visible_to``); only the assigned case worker and the leader write (``cases.write_ppv``). The
leader of the child's institution may print final versions only (``printable_for``).
"""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cases.models import PPV_SECTIONS, Case, Ppv, PpvStatus
from ppr.access import audit, get_audited_or_404
from ppr.audit.models import AuditAction
from ppr.audit.services import log_action
from ppr.documents.models import Document
from ppr.http import AuthenticatedHttpRequest

from . import services
from .forms import CorrectForm, FinaliseForm, PpvForm, SendForm

PURPOSE = services.PURPOSE


def _ppvs(request: AuthenticatedHttpRequest) -> QuerySet[Ppv]:
    return Ppv.objects.visible_to(request.user).select_related(
        "case__child__institution", "case__assigned", "replaces", "updated_by", "finalised_by"
    )


def _ppv(request: AuthenticatedHttpRequest, pk: int) -> Ppv:
    """A PPV the user may read (else 404); the read is audited."""
    return get_audited_or_404(request, _ppvs(request), purpose=PURPOSE, pk=pk)


def _crumbs(ppv: Ppv, label: str | None = None) -> list[tuple[str, str | None]]:
    case = ppv.case
    crumbs: list[tuple[str, str | None]] = [
        ("Sager", reverse("cases:case-list")),
        (f"Sag {case.reference}", case.get_absolute_url()),
        ("PPV", reverse("cases:ppv-list", kwargs={"pk": case.pk})),
    ]
    if label is None:
        return [*crumbs, (f"Version {ppv.number}", None)]
    return [*crumbs, (f"Version {ppv.number}", ppv.get_absolute_url()), (label, None)]


def _writer_or_403(request: AuthenticatedHttpRequest, ppv: Ppv) -> None:
    if not request.user.has_perm("cases.write_ppv", ppv.case):
        raise PermissionDenied


# --- The case's PPVs -------------------------------------------------------------------------


@login_required
@require_GET
def ppv_list(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Every version of the case's PPV, and the button that starts one."""
    case = get_object_or_404(Case.objects.visible_to(request.user).for_display(), pk=pk)
    if not request.user.has_perm("cases.view_journal", case):
        raise Http404  # the secretary sees the case, never PPV content
    audit(request, case, purpose=PURPOSE)
    ppvs = list(
        Ppv.objects.filter(case=case).select_related("replaces", "finalised_by", "updated_by")
    )
    context = {
        "case": case,
        "ppvs": ppvs,
        "draft": next((p for p in ppvs if p.status == PpvStatus.DRAFT), None),
        "can_write": request.user.has_perm("cases.write_ppv", case),
        "crumbs": [
            ("Sager", reverse("cases:case-list")),
            (f"Sag {case.reference}", case.get_absolute_url()),
            ("PPV", None),
        ],
    }
    return render(request, "cases/ppv/list.html", context)


@login_required
@require_POST
def ppv_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Start the case's PPV (or open the draft already started)."""
    case = get_object_or_404(Case.objects.visible_to(request.user).for_display(), pk=pk)
    if not request.user.has_perm("cases.write_ppv", case):
        raise PermissionDenied
    try:
        ppv = services.start_ppv(case=case, by=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("cases:ppv-list", pk=case.pk)
    return redirect("cases:ppv-update", pk=ppv.pk)


# --- One version ----------------------------------------------------------------------------


def _sections(ppv: Ppv) -> list[tuple[str, str, str]]:
    return [(name, label, getattr(ppv, name)) for name, label, _required in PPV_SECTIONS]


@login_required
@require_GET
def ppv_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """One version, read-only: its sections, signature, PDF, sendings and version history."""
    ppv = _ppv(request, pk)
    can_write = request.user.has_perm("cases.write_ppv", ppv.case)
    replaced_by = Ppv.objects.filter(replaces=ppv).first()
    document = Document.objects.for_subject(ppv).first() if ppv.is_final else None
    context = {
        "ppv": ppv,
        "case": ppv.case,
        "sections": _sections(ppv),
        "replaced_by": replaced_by,
        "document": document,
        "revisions": list(ppv.revisions.select_related("by")),
        "dispatches": list(ppv.dispatches.select_related("sent_by", "digital_post")),
        "can_write": can_write,
        "can_correct": can_write and ppv.is_final and replaced_by is None,
        "correct_form": CorrectForm(),
        "crumbs": _crumbs(ppv),
    }
    return render(request, "cases/ppv/detail.html", context)


# --- Drafting --------------------------------------------------------------------------------


def _locked(request: HttpRequest, ppv: Ppv) -> HttpResponse:
    messages.info(request, "PPV'en er gjort endelig og kan ikke længere ændres. Ret den i stedet.")
    return redirect(ppv)


def _edit_page(
    request: HttpRequest, ppv: Ppv, form: PpvForm | None = None, status: int = 200
) -> HttpResponse:
    context = {
        "ppv": ppv,
        "case": ppv.case,
        "form": form or PpvForm(ppv=ppv),
        "saved_at": ppv.updated_at,
        "saved_by": ppv.updated_by,
        "crumbs": _crumbs(ppv, "Rediger"),
    }
    return render(request, "cases/ppv/form.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def ppv_update(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The draft form. Without JavaScript "Gem kladde" saves it; with it, it autosaves too."""
    ppv = _ppv(request, pk)
    _writer_or_403(request, ppv)
    if ppv.is_final:
        return _locked(request, ppv)
    if request.method == "GET":
        return _edit_page(request, ppv)
    form = PpvForm(request.POST)
    if not form.is_valid():
        return _edit_page(request, ppv, form, status=400)
    try:
        ppv = services.save_ppv(
            ppv,
            by=request.user,
            data=form.draft_data(),
            version=form.cleaned_data["version"],
        )
    except services.NotADraft:
        return _locked(request, ppv)
    except services.PpvConflict as conflict:
        form.add_error(None, conflict.message)
        return _edit_page(request, ppv, form, status=409)
    messages.success(request, "Kladden er gemt.")
    if request.POST.get("action") == "finalise":
        return redirect("cases:ppv-finalise", pk=ppv.pk)
    return redirect("cases:ppv-update", pk=ppv.pk)


@login_required
@require_POST
def ppv_autosave(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """HTMX autosave while typing: answers with a small "Gemt kl. HH:MM" status fragment."""
    ppv = get_object_or_404(_ppvs(request), pk=pk)
    _writer_or_403(request, ppv)
    fragment = "cases/ppv/form.html#autosave-status"
    if ppv.is_final:
        return render(request, fragment, {"state": "final"})
    form = PpvForm(request.POST)
    if not form.is_valid():
        return render(request, fragment, {"state": "invalid", "form": form})
    try:
        ppv = services.save_ppv(
            ppv,
            by=request.user,
            data=form.draft_data(),
            version=form.cleaned_data["version"],
            autosave=True,
        )
    except services.NotADraft:
        return render(request, fragment, {"state": "final"})
    except services.PpvConflict as conflict:
        return render(request, fragment, {"state": "conflict", "message": conflict.message})
    return render(
        request, fragment, {"state": "saved", "saved_at": ppv.updated_at, "version": ppv.version}
    )


# --- Finalising and correcting ---------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def ppv_finalise(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Sign and lock the draft. A double submit finalises once."""
    ppv = _ppv(request, pk)
    _writer_or_403(request, ppv)
    if ppv.is_final and request.method == "GET":
        return _locked(request, ppv)
    if request.method == "POST":
        form = FinaliseForm(request.POST)
        status = 400
        if form.is_valid():
            was_final = ppv.is_final
            try:
                ppv = services.finalise_ppv(
                    ppv,
                    by=request.user,
                    version=form.cleaned_data["version"],
                    signed_name=form.cleaned_data["signed_name"],
                    signed_title=form.cleaned_data["signed_title"],
                    signed_on=form.cleaned_data["signed_on"],
                )
            except services.PpvConflict as conflict:
                form.add_error(None, conflict.message)
                status = 409
            except services.FinalisationBlocked as blocked:
                for field, errors in blocked.message_dict.items():
                    for error in errors:
                        form.add_error(field if field in form.fields else None, error)
            else:
                if not was_final:
                    messages.success(
                        request,
                        f"PPV'en er gjort endelig som version {ppv.number}, journaliseret på "
                        "sagen, og PDF'en dannes nu.",
                    )
                return redirect(ppv)
    else:
        form = FinaliseForm(initial=FinaliseForm.initial_for(ppv, request.user))
        status = 200
    context = {
        "ppv": ppv,
        "case": ppv.case,
        "form": form,
        "problems": services.finalisation_problems(ppv),
        "crumbs": _crumbs(ppv, "Gør endelig"),
    }
    return render(request, "cases/ppv/finalise.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def ppv_correct(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Start a correction of a final version: a new version that names what it replaces."""
    ppv = _ppv(request, pk)
    _writer_or_403(request, ppv)
    form = CorrectForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                draft = services.correct_ppv(
                    ppv,
                    by=request.user,
                    reason=form.cleaned_data["reason"],
                )
            except ValidationError as exc:
                if hasattr(exc, "error_dict"):
                    for field, errors in exc.message_dict.items():
                        for error in errors:
                            form.add_error(field if field in form.fields else None, error)
                else:
                    form.add_error(None, exc)
            else:
                messages.success(
                    request,
                    f"Version {draft.number} er oprettet som kladde. Version {ppv.number} "
                    "gælder, indtil rettelsen er gjort endelig.",
                )
                return redirect("cases:ppv-update", pk=draft.pk)
    context = {"ppv": ppv, "case": ppv.case, "form": form, "crumbs": _crumbs(ppv, "Ret")}
    return render(request, "cases/ppv/correct.html", context, status=status)


# --- Sending and printing --------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def ppv_send(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Choose recipients of a final version; what was sent to whom and when is recorded."""
    ppv = _ppv(request, pk)
    _writer_or_403(request, ppv)
    if not ppv.is_final:
        messages.error(request, "Kun en endelig PPV kan sendes. Gør den endelig først.")
        return redirect(ppv)
    guardians = services.custody_holders(ppv)
    leaders = services.institution_leaders(ppv)
    if request.method == "POST":
        form = SendForm(request.POST, guardians=guardians, leaders=leaders)
        if form.is_valid():
            try:
                dispatches = services.send_ppv(
                    ppv,
                    by=request.user,
                    guardians=form.cleaned_data["guardians"],
                    leaders=form.cleaned_data["leaders"],
                    batch=form.cleaned_data["batch"],
                )
            except ValidationError as exc:
                form.add_error(None, exc.messages)
            else:
                names = ", ".join(d.recipient_name for d in dispatches)
                messages.success(request, f"Forsendelsen er registreret: {names}.")
                return redirect(ppv)
        status = 400
    else:
        form = SendForm(
            guardians=guardians,
            leaders=leaders,
            initial={
                "batch": uuid.uuid4(),
                "guardians": [g.pk for g in guardians],
                "leaders": [u.pk for u in leaders],
            },
        )
        status = 200
    context = {
        "ppv": ppv,
        "case": ppv.case,
        "form": form,
        "guardians": guardians,
        "leaders": leaders,
        "dispatches": list(ppv.dispatches.select_related("sent_by", "digital_post")),
        "send_question": f"Version {ppv.number} sendes til de valgte modtagere, og forsendelsen "
        "registreres på sagen. En sendt PPV kan ikke kaldes tilbage.",
        "crumbs": _crumbs(ppv, "Send"),
    }
    return render(request, "cases/ppv/send.html", context, status=status)


@login_required
@require_GET
def ppv_print(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The PDF of a final version: for PPR on the case and the child's institution leader.

    A draft is never printable; asking for a PPV one may not print is a 404, and audited.
    """
    user = request.user
    printable = Ppv.objects.printable_for(user).select_related("case__child__institution")
    ppv = printable.filter(pk=pk).first()
    if ppv is None:
        draft = _ppvs(request).filter(pk=pk).first()
        refused = draft or Ppv.objects.select_related("case__child").filter(pk=pk).first()
        if refused is not None:
            log_action(
                refused,
                AuditAction.PRINT,
                by=request.user,
                purpose="udskrift afvist",
                request=request,
            )
        if draft is not None:
            # PPR on the case sees the draft, but a draft is not printed.
            raise PermissionDenied("En kladde kan ikke udskrives.")
        raise Http404
    audit(request, ppv, purpose="udskrift")
    newer = (
        Ppv.objects.printable_for(user)
        .filter(case_id=ppv.case_id, number__gt=ppv.number)
        .order_by("-number")
        .first()
    )
    context = {
        "ppv": ppv,
        "document": Document.objects.for_subject(ppv).first(),
        "newer": newer,
        "is_ppr": Ppv.objects.visible_to(user).filter(pk=ppv.pk).exists(),
    }
    return render(request, "cases/ppv/print.html", context)
