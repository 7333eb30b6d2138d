"""The case journal: write an entry, correct one (the original is kept; conflicts are caught)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from cases.casework.views import PURPOSE, case_crumbs, case_for
from cases.models import JournalEntry
from ppr.access import audit
from ppr.http import AuthenticatedHttpRequest

from .forms import JournalCorrectionForm, JournalEntryForm
from .services import JournalConflict, add_journal_entry, correct_journal_entry


@login_required
@require_http_methods(["GET", "POST"])
def journal_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A new journal entry on an open case. A double submit saves one entry (client token)."""
    case = case_for(request, pk, perm="cases.edit_case")
    form = JournalEntryForm(request.POST or None)
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
            messages.success(request, "Journalnotatet er gemt.")
            return redirect(f"{case.get_absolute_url()}#journal-{entry.pk}")
    context = {"case": case, "form": form, "crumbs": case_crumbs(case, "Nyt journalnotat")}
    return render(request, "cases/journal_form.html", context)


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
                return redirect(f"{case.get_absolute_url()}#journal-{entry.pk}")
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
