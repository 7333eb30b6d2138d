"""Forms for registering a child, its guardians and their consent (Danish labels and messages)."""

from collections.abc import Callable
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from cases.models import (
    Child,
    ConsentForm,
    ConsentScope,
    Guardian,
    GuardianRelation,
    check_plausible_child,
    normalise_cpr,
)
from ppr import text_limits
from ppr.forms import EventDateField, Form, ModelForm, form_field, model_choice_field
from ppr.organisation.models import Institution

TEXT = {"class": "form-input"}
SELECT = {"class": "form-select"}


class ChildForm(Form):
    """Register a child: CPR number, name, institution and class or group."""

    cpr = forms.CharField(
        label="CPR-nummer",
        max_length=11,
        help_text="Skrives som ddmmåå-xxxx.",
        widget=forms.TextInput(attrs={**TEXT, "autocomplete": "off", "inputmode": "numeric"}),
    )
    first_name = forms.CharField(label="Fornavn", max_length=100, widget=forms.TextInput(TEXT))
    last_name = forms.CharField(label="Efternavn", max_length=100, widget=forms.TextInput(TEXT))
    institution = forms.ModelChoiceField(
        label="Institution",
        queryset=Institution.objects.none(),
        empty_label="Vælg institution",
        widget=forms.Select(SELECT),
        error_messages={"invalid_choice": "Vælg en af dine egne institutioner."},
    )
    group = forms.CharField(
        label="Klasse/gruppe", max_length=50, required=False, widget=forms.TextInput(TEXT)
    )
    from_cpr = forms.BooleanField(
        label="Opret forældrene med forældremyndighed fra CPR-registret",
        required=False,
        help_text="Navn og relation hentes fra CPR-registret, og deres CPR-numre gemmes "
        "krypteret. En forælder med navne- og adressebeskyttelse oprettes uden adresse.",
        widget=forms.CheckboxInput(attrs={"class": "form-checkbox"}),
    )

    def __init__(
        self, *args: Any, institutions: list[Institution], lookup_url: str = "", **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        field = model_choice_field(self, "institution")
        field.queryset = Institution.objects.filter(pk__in=[i.pk for i in institutions])
        if len(institutions) == 1:
            field.initial = institutions[0].pk
        if lookup_url:
            # The CPR lookup (POST, so the number is in no URL) fills in the name on a change.
            self.fields["cpr"].widget.attrs.update(
                {
                    "hx-post": lookup_url,
                    "hx-trigger": "change",
                    "hx-target": "#cpr-lookup",
                    "hx-swap": "outerHTML",
                    "hx-include": "closest form",
                }
            )

    def clean_cpr(self) -> str:
        number = normalise_cpr(self.cleaned_data["cpr"])
        check_plausible_child(number)
        return number


class GuardianForm(ModelForm):
    """A parent or other adult; custody (forældremyndighed) decides whose consent is needed.
    The CPR number (optional) lets a custody holder sign in to the parents' portal with MitID."""

    cpr = forms.CharField(
        label="CPR-nummer (valgfrit)",
        max_length=11,
        required=False,
        help_text="Skrives som ddmmåå-xxxx. Med CPR-nummeret kan en forælder med "
        "forældremyndighed logge ind med MitID og se barnet.",
        widget=forms.TextInput(attrs={**TEXT, "autocomplete": "off", "inputmode": "numeric"}),
    )

    class Meta:
        model = Guardian
        fields = [
            "name",
            "relation",
            "has_custody",
            "custody_ended_on",
            "phone",
            "email",
            "address",
            "name_address_protected",
        ]
        labels = {
            "name": "Navn",
            "relation": "Relation til barnet",
            "has_custody": "Har forældremyndighed",
            "custody_ended_on": "Forældremyndigheden ophørte den (valgfrit)",
            "phone": "Telefon",
            "email": "E-mail",
            "address": "Adresse",
            "name_address_protected": "Har navne- og adressebeskyttelse",
        }
        widgets = {
            "name": forms.TextInput(TEXT),
            "relation": forms.Select(SELECT, choices=GuardianRelation.choices),
            "has_custody": forms.CheckboxInput(attrs={"class": "form-checkbox"}),
            "custody_ended_on": forms.DateInput(attrs={**TEXT, "type": "date"}, format="%Y-%m-%d"),
            "phone": forms.TextInput({**TEXT, "type": "tel"}),
            "email": forms.EmailInput(TEXT),
            "address": forms.TextInput(TEXT),
            "name_address_protected": forms.CheckboxInput(attrs={"class": "form-checkbox"}),
        }
        field_classes = {"custody_ended_on": EventDateField}
        error_messages = {
            "name": {"required": "Skriv forælderens navn."},
            "relation": {"required": "Vælg relationen til barnet."},
            "email": {"invalid": "Skriv en gyldig e-mailadresse."},
            "custody_ended_on": {"invalid": "Skriv en gyldig dato."},
        }

    def clean_cpr(self) -> str:
        value = self.cleaned_data["cpr"].strip()
        return normalise_cpr(value) if value else ""


#: Named meetings a guardian can consent to, in groups: (group label, [(name, label), …]).
type MeetingChoices = list[tuple[str, list[tuple[str, str]]]]
_meeting_providers: list[Callable[[Child], MeetingChoices]] = []


def named_meeting_provider(
    function: Callable[[Child], MeetingChoices],
) -> Callable[[Child], MeetingChoices]:
    """Register where the consent form's named meetings come from. The app that holds the
    meetings (meetings) registers from its ``AppConfig.ready()``, so this app, below it, imports
    none of it. Idempotent, so a reloaded module is harmless."""
    if all(existing is not function for existing in _meeting_providers):
        _meeting_providers.append(function)
    return function


def named_meeting_choices(child: Child) -> MeetingChoices:
    """The meetings parents can consent to for this child, grouped (the meetings app's
    ``consent_meeting_choices``). The name is what is stored and compared
    (``meetings.services.custody_holders_without_meeting_consent``)."""
    return [group for provider in _meeting_providers for group in provider(child)]


class ConsentRecordForm(Form):
    """One guardian's consent: for what, when, how (written or oral), and a note."""

    scope = forms.ChoiceField(
        label="Samtykke til",
        choices=ConsentScope.choices,
        initial=ConsentScope.REFERRAL,
        widget=forms.Select(SELECT),
    )
    meeting_name = forms.ChoiceField(
        label="Møde (kun ved samtykke til et navngivet møde)",
        required=False,
        widget=forms.Select(SELECT),
        help_text="Supportmodellens fora og institutionens koordineringskonference. Samtykket "
        "gælder kun det valgte møde.",
        error_messages={"invalid_choice": "Vælg et møde fra listen."},
    )
    given_on = EventDateField(
        happened=True,
        label="Givet den",
        widget=forms.DateInput(attrs={**TEXT, "type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": "Angiv datoen for samtykket.",
            "invalid": "Skriv en gyldig dato.",
        },
    )
    form = forms.ChoiceField(
        label="Form",
        # "Digitalt via MitID" is the parents' portal's own: staff record what they received.
        choices=[
            (value, label) for value, label in ConsentForm.choices if value != ConsentForm.DIGITAL
        ],
        widget=forms.RadioSelect(attrs={"class": "form-radio"}),
        error_messages={"required": "Vælg om samtykket er skriftligt eller mundtligt."},
    )
    note = forms.CharField(
        max_length=text_limits.NOTE,
        label="Note",
        required=False,
        widget=forms.Textarea({**TEXT, "rows": 2}),
    )

    def __init__(self, *args: Any, child: Child, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        form_field(self, "meeting_name", forms.ChoiceField).choices = [
            ("", "Vælg møde"),
            *named_meeting_choices(child),
        ]

    def clean_given_on(self) -> object:
        given_on = self.cleaned_data["given_on"]
        if given_on > timezone.localdate():
            raise ValidationError("Datoen for samtykket kan ikke ligge i fremtiden.")
        return given_on

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if (
            data.get("scope") == ConsentScope.MEETING
            and not (data.get("meeting_name") or "").strip()
        ):
            self.add_error("meeting_name", "Angiv hvilket møde samtykket gælder.")
        return data
