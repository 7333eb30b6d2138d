"""Partshøring in the parents' portal: the parent reads the hearing letter and answers by the
deadline (``visitation.services.answer_hearing``); after it the form is closed, in Danish."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from cases.referrals.uploads import ALLOWED_LABEL, validate_attachment
from ppr import text_limits
from ppr.access import audit
from ppr.deadlines import calendar
from ppr.forms import Form
from ppr.http import AuthenticatedHttpRequest
from visitation.models import Decision, HearingResponse
from visitation.services import HEARING_CLOSED, answer_hearing

from .access import parent_required
from .child_data import PURPOSE, guardianship_or_404, hearings


class HearingAnswerForm(Form):
    """The parent's comments, and an optional attachment checked by its content."""

    text = forms.CharField(
        label="Dine bemærkninger",
        max_length=text_limits.SECTION,
        widget=forms.Textarea(attrs={"class": "form-input", "rows": 8}),
        error_messages={"required": "Skriv dine bemærkninger til partshøringen."},
    )
    attachment = forms.FileField(
        label="Vedhæft et bilag (valgfrit)",
        required=False,
        help_text=f"{ALLOWED_LABEL}, højst 20 MB.",
        widget=forms.ClearableFileInput(
            attrs={"class": "form-input", "accept": ".pdf,.docx,.jpg,.jpeg,.png"}
        ),
        error_messages={"empty": "Filen er tom."},
    )

    def clean_attachment(self) -> object:
        file = self.cleaned_data.get("attachment")
        if file:
            validate_attachment(file)
        return file


@require_http_methods(["GET", "POST"])
@parent_required
def hearing_answer(request: AuthenticatedHttpRequest, pk: int, hearing: int) -> HttpResponse:
    """Partshøring: the letter (material and expected decision), and the parent's answer."""
    guardian = guardianship_or_404(request, pk)
    found = get_object_or_404(hearings(guardian).select_related("application"), pk=hearing)
    if request.method == "GET":
        audit(request, found.application, purpose=f"{PURPOSE}: partshøring")
    answered = HearingResponse.objects.filter(hearing=found, guardian=guardian).first()
    decided = Decision.objects.filter(application_id=found.application_id).exists()
    closed = calendar.today() > found.deadline
    form = HearingAnswerForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
    )
    status = 200
    if request.method == "POST":
        if answered is None and (closed or decided):
            status = 400
        elif answered is None and form.is_valid():
            try:
                answer_hearing(
                    hearing=found,
                    guardian=guardian,
                    text=form.cleaned_data["text"],
                    attachment=form.cleaned_data.get("attachment") or None,
                    by=request.user,
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, "Tak. Dit svar er sendt til PPR.")
                return redirect(
                    reverse("parents:child-hearing", kwargs={"pk": pk, "hearing": found.pk})
                )
        if form.errors:
            status = 400
    context = {
        "guardian": guardian,
        "child": guardian.child,
        "hearing": found,
        "answered": answered,
        "closed": closed,
        "closed_text": HEARING_CLOSED.format(deadline=f"{found.deadline:%d.%m.%Y}"),
        "decided": decided,
        "form": form,
    }
    return render(request, "parents/child_hearing.html", context, status=status)
