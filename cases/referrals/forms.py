"""Forms for referrals: the long draft form, starting a referral, attachments and visitation."""

from typing import Any

from django import forms
from django.db.models import QuerySet

from cases.casework.forms import CaseworkerChoiceField, caseworkers_with_caseload
from cases.models import Child, EvaluationParty, RedirectForum, ReferralRequest, RulerColour
from ppr import text_limits
from ppr.accounts.models import User
from ppr.forms import Form, form_field, model_choice_field
from ppr.organisation.models import Institution

from .services import DRAFT_FIELDS, PARENT_REQUEST_FIELDS
from .uploads import ALLOWED_LABEL, validate_attachment
from .wording import wording_for

TEXT = {"class": "form-input"}
AREA = {"class": "form-input", "rows": 5}


class ReferralForm(Form):
    """The sections of an indstilling til PPR. Everything is optional while drafting; the gates
    that make a referral complete are checked when it is submitted."""

    concern = forms.CharField(
        max_length=text_limits.SECTION,
        label="Bekymringen",
        required=False,
        help_text="Hvad ser I? Hvornår og hvor ofte? Hvad bekymrer jer?",
        widget=forms.Textarea(AREA),
    )
    strengths = forms.CharField(
        max_length=text_limits.SECTION,
        label="Barnets styrker og ressourcer",
        required=False,
        widget=forms.Textarea(AREA),
    )
    child_perspective = forms.CharField(
        max_length=text_limits.SECTION,
        label="Barnets eget perspektiv",
        required=False,
        help_text="Hvad siger barnet selv?",
        widget=forms.Textarea(AREA),
    )
    parents_perspective = forms.CharField(
        max_length=text_limits.SECTION,
        label="Forældrenes perspektiv",
        required=False,
        widget=forms.Textarea(AREA),
    )
    plan_goals = forms.CharField(
        max_length=text_limits.SECTION, label="Mål", required=False, widget=forms.Textarea(AREA)
    )
    plan_actions = forms.CharField(
        max_length=text_limits.SECTION,
        label="Hvad er gjort",
        required=False,
        widget=forms.Textarea(AREA),
    )
    plan_period = forms.CharField(
        label="Periode",
        max_length=100,
        required=False,
        help_text="Fx “august–oktober 2025”.",
        widget=forms.TextInput(TEXT),
        error_messages={"max_length": "Perioden må højst være %(limit_value)d tegn."},
    )
    plan_evaluation = forms.CharField(
        max_length=text_limits.SECTION,
        label="Evaluering",
        required=False,
        help_text="Hvordan er handleplanen evalueret, og hvad viste evalueringen?",
        widget=forms.Textarea(AREA),
    )
    plan_evaluated_with = forms.MultipleChoiceField(
        label="Evalueret med",
        choices=EvaluationParty.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-checkbox"}),
        error_messages={"invalid_choice": "Vælg blandt de viste parter."},
    )
    earlier_interventions = forms.CharField(
        max_length=text_limits.SECTION,
        label="Tidligere indsatser",
        required=False,
        widget=forms.Textarea(AREA),
    )
    requests = forms.MultipleChoiceField(
        label="Hvad ønsker I af PPR?",
        choices=ReferralRequest.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-checkbox"}),
        error_messages={"invalid_choice": "Vælg blandt de viste ønsker."},
    )
    request_details = forms.CharField(
        max_length=text_limits.SECTION,
        label="Uddybning af ønsket",
        required=False,
        widget=forms.Textarea(AREA),
    )
    ruler_colour = forms.ChoiceField(
        label="Børnelineal: hvor alvorlige er barnets vanskeligheder lige nu?",
        choices=RulerColour.choices,
        required=False,
        widget=forms.RadioSelect(attrs={"class": "form-radio"}),
        error_messages={"invalid_choice": "Vælg grøn, gul eller rød."},
    )
    parent_request = forms.BooleanField(
        label="Forældrene har selv henvendt sig (forældrenes egen henvendelse)",
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-checkbox"}),
    )
    parent_request_note = forms.CharField(
        max_length=text_limits.NOTE,
        label="Note om forældrenes henvendelse",
        required=False,
        help_text="Hvem henvendte sig, hvornår og hvordan.",
        widget=forms.Textarea({**AREA, "rows": 3}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(
        self,
        *args: Any,
        can_record_parent_request: bool = False,
        institution: Institution | None = None,
        **kwargs: Any,
    ):
        super().__init__(*args, **kwargs)
        # A daycare's referral speaks of the child, the stue and its pædagoger, not pupils.
        self.wording = wording_for(institution)
        form_field(self, "plan_evaluated_with", forms.MultipleChoiceField).choices = list(
            self.wording.evaluation_parties.items()
        )
        if not can_record_parent_request:
            for name in PARENT_REQUEST_FIELDS:
                del self.fields[name]

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if data.get("parent_request") and not (data.get("parent_request_note") or "").strip():
            self.add_error(
                "parent_request_note", "Skriv hvordan og hvornår forældrene selv har henvendt sig."
            )
        return data

    def draft_data(self) -> dict[str, object]:
        """The cleaned sections, ready for ``save_draft``."""
        names = DRAFT_FIELDS + tuple(n for n in PARENT_REQUEST_FIELDS if n in self.fields)
        return {name: self.cleaned_data[name] for name in names if name in self.cleaned_data}

    @classmethod
    def initial_from(cls, referral: object) -> dict[str, object]:
        names = (*DRAFT_FIELDS, *PARENT_REQUEST_FIELDS, "version")
        return {name: getattr(referral, name) for name in names}


class ChildChoiceField(forms.ModelChoiceField):
    """A child by name and class or group."""

    def label_from_instance(self, obj: Child) -> str:
        return f"{obj.name} ({obj.group})" if obj.group else obj.name


class ReferralStartForm(Form):
    """Choose which child the new referral is about (children of one's own institution)."""

    child = ChildChoiceField(
        label="Barn",
        queryset=Child.objects.none(),
        empty_label="Vælg barn",
        widget=forms.Select({"class": "form-select"}),
        error_messages={
            "required": "Vælg hvilket barn indstillingen handler om.",
            "invalid_choice": "Vælg et barn fra listen.",
        },
    )

    def __init__(self, *args: Any, children: QuerySet[Child], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "child").queryset = children


class ParentRequestStartForm(Form):
    """PPR intake records a referral the parents asked for themselves."""

    parent_request_note = forms.CharField(
        max_length=text_limits.NOTE,
        label="Note om forældrenes henvendelse",
        help_text="Hvem henvendte sig, hvornår og hvordan.",
        widget=forms.Textarea({**AREA, "rows": 3}),
        error_messages={"required": "Skriv hvordan og hvornår forældrene selv har henvendt sig."},
    )


class AttachmentForm(Form):
    file = forms.FileField(
        label="Vedhæft bilag",
        help_text=f"{ALLOWED_LABEL}, højst 20 MB.",
        widget=forms.ClearableFileInput(
            attrs={"class": "form-input", "accept": ".pdf,.docx,.jpg,.jpeg,.png"}
        ),
        error_messages={"required": "Vælg en fil.", "empty": "Filen er tom."},
    )

    def clean_file(self) -> object:
        file = self.cleaned_data["file"]
        validate_attachment(file)
        return file


class AcceptForm(Form):
    assignee = CaseworkerChoiceField(
        label="Sagsbehandler",
        help_text="Med team og antal åbne sager, så sagerne kan fordeles jævnt.",
        queryset=User.objects.none(),
        empty_label="Vælg psykolog, talepædagog eller konsulent",
        widget=forms.Select({"class": "form-select"}),
        error_messages={
            "required": "Vælg hvem sagen skal tildeles.",
            "invalid_choice": "Vælg en PPR-psykolog, talepædagog eller PPR-konsulent.",
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "assignee").queryset = caseworkers_with_caseload()


class RejectForm(Form):
    reason = forms.CharField(
        max_length=text_limits.NOTE,
        label="Begrundelse (institutionen kan se den)",
        widget=forms.Textarea({**AREA, "rows": 3}),
        error_messages={"required": "Skriv en begrundelse for afvisningen."},
    )


class RedirectForm(Form):
    forum = forms.ChoiceField(
        label="Henvis til forum",
        choices=[("", "Vælg forum"), *RedirectForum.choices],
        widget=forms.Select({"class": "form-select"}),
        error_messages={
            "required": "Vælg det forum, indstillingen henvises til.",
            "invalid_choice": "Vælg et forum fra listen.",
        },
    )
    note = forms.CharField(
        max_length=text_limits.NOTE,
        label="Note til institutionen",
        required=False,
        widget=forms.Textarea({**AREA, "rows": 2}),
    )


class CloseForm(Form):
    note = forms.CharField(
        max_length=text_limits.NOTE,
        label="Note",
        required=False,
        widget=forms.Textarea({**AREA, "rows": 2}),
    )
