"""The case journal: write an entry, correct one (the original is kept; conflicts are caught)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from cases.casework.views import PURPOSE, case_crumbs, case_for
from cases.models import JournalEntry
from ppr.access import audit
from ppr.drafts import services as drafts
from ppr.drafts.views import autosave, done
from ppr.http import AuthenticatedHttpRequest

from .forms import JournalCorrectionForm, JournalEntryForm
from .services import JournalConflict, add_journal_entry, correct_journal_entry

#: The new-entry form's autosaved draft (ppr.drafts): one per user and case.
DRAFT = "journal"


@login_required
@require_http_methods(["GET", "POST"])
def journal_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A new journal entry on an open case. A double submit saves one entry (client token).
    What the user typed and autosaved before is restored; saving the entry deletes that draft."""
    case = case_for(request, pk, perm="cases.edit_case")
    draft = None
    if request.method == "POST":
        form = JournalEntryForm(request.POST)
    else:
        draft = drafts.restore(request, purpose=DRAFT, subject=case, audit_purpose=PURPOSE)
        form = JournalEntryForm(initial=drafts.initial(draft)) if draft else JournalEntryForm()
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            entry = add_journal_entry(
                case=case,
                by=request.user,
                occurred_on=data["occurred_on"],
                kind=data["kind"],
                title=data["title"],
                text=data["text"],
                client_token=data["client_token"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            drafts.discard(request, purpose=DRAFT, subject=case, audit_purpose=PURPOSE)
            messages.success(request, "Journalnotatet er gemt.")
            return redirect(f"{case.get_absolute_url()}#journal-{entry.pk}")
    context = {
        "case": case,
        "form": form,
        "draft": draft,
        "crumbs": case_crumbs(case, "Nyt journalnotat"),
    }
    return render(request, "cases/journal_form.html", context)


@login_required
@require_POST
def journal_autosave(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """HTMX autosave of the new-entry form into the user's own draft (never the journal)."""
    case = case_for(request, pk, perm="cases.edit_case")
    token = request.POST.get("client_token", "")
    try:
        if token and JournalEntry.objects.filter(client_token=token).exists():
            return done(request)  # a late save after the entry was written
    except ValidationError:
        pass  # not a UUID: no entry has it
    return autosave(
        request, purpose=DRAFT, subject=case, form=JournalEntryForm(), audit_purpose=PURPOSE
    )


@login_required
@require_http_methods(["GET", "POST"])
def journal_correct(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Correct an entry's date, title or text; the old ones stay as a revision. A stale form is a
    conflict."""
    user = request.user
    entry = get_object_or_404(
        JournalEntry.objects.visible_to(user).select_related(
            "case__child__institution", "case__assigned", "case__team", "author"
        ),
        pk=pk,
    )
    case = entry.case
    if not user.has_perm("cases.edit_case", case):
        raise PermissionDenied
    audit(request, entry, purpose=PURPOSE)
    conflict: JournalEntry | None = None
    if request.method == "POST":
        form = JournalCorrectionForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                correct_journal_entry(
                    entry=entry,
                    by=user,
                    expected_version=data["version"],
                    text=data["text"],
                    reason=data["reason"],
                    title=data["title"],
                    occurred_on=data["occurred_on"],
                )
            except JournalConflict as exc:
                conflict = exc.current
                # Keep what the user wrote, but from the current version: saving again is then
                # a deliberate choice made after reading the other person's correction.
                form = JournalCorrectionForm({**request.POST.dict(), "version": conflict.version})
                form.is_valid()
                form.add_error(None, conflict_message(conflict))
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, "Rettelsen er gemt. Den oprindelige version er bevaret.")
                # The whole course: an older note is not among the newest the page shows.
                return redirect(f"{case.get_absolute_url()}?forloeb=alle#journal-{entry.pk}")
    else:
        form = JournalCorrectionForm(
            initial={
                "occurred_on": entry.occurred_on,
                "title": entry.title,
                "text": entry.text,
                "version": entry.version,
            }
        )
    context = {
        "case": case,
        "entry": entry,
        "form": form,
        "conflict": conflict,
        "crumbs": case_crumbs(case, "Ret journalnotat"),
    }
    return render(request, "cases/journal_correct.html", context)


def conflict_message(current: JournalEntry) -> str:
    last = current.revisions.select_related("corrected_by").order_by("-version").first()
    who = f" af {last.corrected_by}" if last else ""
    when = f" {timezone.localtime(last.corrected_at):%d.%m.%Y kl. %H:%M}" if last else ""
    return (
        f"Notatet er blevet rettet{who}{when}, mens du skrev. Din rettelse er ikke gemt. "
        "Læs den nuværende tekst herunder, og gem igen, hvis din rettelse stadig er nødvendig."
    )
