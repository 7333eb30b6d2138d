"""Forms for the PPV: the sections of the draft, the signature, a correction and sending."""

from typing import Any

from django import forms
from django.forms.models import fields_for_model
from django.utils import timezone

from cases.children import digitalpost
from cases.models import PPV_SECTION_FIELDS, PPV_SECTION_LABELS, Guardian, Ppv
from ppr.accounts.models import User
from ppr.forms import EventDateField, Form, ModelMultipleChoiceField, model_choice_field

from .services import cpr_problems

AREA = {"class": "form-input", "rows": 6}

HELP = {
    "commissioned_by": "Udfyldt fra indstillingen. Ret det, hvis det ikke passer.",
    "commission": "Opdraget i sin helhed. Udfyldt fra indstillingen og kan rettes.",
    "examination_period": "Fx “3. februar – 14. marts 2026”.",
    "sources_methods": "Samtaler, observationer, test, samarbejdspartnere og dokumenter.",
    "background": "Udfyldt fra handleplanen i indstillingen, hvis den findes.",
}


class PpvForm(Form):
    """The sections of a PPV. All optional while drafting; finalising checks what is required."""

    version = forms.IntegerField(
        widget=forms.HiddenInput,
        min_value=1,
        error_messages={
            "required": "Formularen mangler sin version. Genindlæs siden.",
            "invalid": "Formularen mangler sin version. Genindlæs siden.",
            "min_value": "Formularen mangler sin version. Genindlæs siden.",
        },
    )

    def __init__(self, *args: Any, ppv: Ppv | None = None, **kwargs: Any) -> None:
        if ppv is not None and not args and "data" not in kwargs:
            kwargs.setdefault(
                "initial",
                {
                    **{name: getattr(ppv, name) for name in PPV_SECTION_FIELDS},
                    "version": ppv.version,
                },
            )
        super().__init__(*args, **kwargs)
        sections = fields_for_model(
            Ppv,
            fields=PPV_SECTION_FIELDS,
            widgets={
                name: forms.TextInput({"class": "form-input"})
                if name == "examination_period"
                else forms.Textarea(AREA)
                for name in PPV_SECTION_FIELDS
            },
            help_texts=HELP,
            error_messages={
                "examination_period": {"max_length": "Perioden må højst være %(limit_value)d tegn."}
            },
        )
        for name, field in sections.items():
            field.required = False
            field.label = PPV_SECTION_LABELS[name]
        version = self.fields.pop("version")
        self.fields.update(sections)
        self.fields["version"] = version

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name, message in cpr_problems(data).items():
            self.add_error(name, message)
        return data

    def draft_data(self) -> dict[str, str]:
        return {name: self.cleaned_data[name] for name in PPV_SECTION_FIELDS}


class FinaliseForm(Form):
    """The signature: name, title and date."""

    signed_name = forms.CharField(
        label="Navn",
        max_length=200,
        widget=forms.TextInput({"class": "form-input", "autocomplete": "name"}),
        error_messages={"required": "Skriv navnet på den, der underskriver."},
    )
    signed_title = forms.CharField(
        label="Titel",
        max_length=200,
        help_text="Fx “autoriseret psykolog” eller “talepædagog”.",
        widget=forms.TextInput({"class": "form-input"}),
        error_messages={"required": "Skriv underskriverens titel."},
    )
    signed_on = EventDateField(
        happened=True,
        label="Dato",
        widget=forms.DateInput({"class": "form-input", "type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": "Angiv datoen for underskriften.",
            "invalid": "Skriv datoen som åååå-mm-dd.",
        },
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    @classmethod
    def initial_for(cls, ppv: Ppv, user: User) -> dict[str, Any]:
        return {
            "signed_name": user.get_full_name() or str(user),
            "signed_title": user.title,
            "signed_on": timezone.localdate(),
            "version": ppv.version,
        }


class CorrectForm(Form):
    reason = forms.CharField(
        label="Hvorfor rettes PPV'en?",
        max_length=1000,
        help_text="Begrundelsen står i den nye version og i journalen.",
        widget=forms.Textarea({"class": "form-input", "rows": 3}),
        error_messages={"required": "Skriv hvorfor PPV'en rettes."},
    )


class GuardianChoiceField(ModelMultipleChoiceField):
    """Custody holders by name and relation to the child, and how the document reaches them
    (Digital Post, or a letter for one without a stored CPR number)."""

    def label_from_instance(self, obj: Guardian) -> str:
        return digitalpost.guardian_label(obj)


class LeaderChoiceField(ModelMultipleChoiceField):
    """Leaders by name and title."""

    def label_from_instance(self, obj: User) -> str:
        return f"{obj} ({obj.title})" if obj.title else str(obj)


class SendForm(Form):
    """Choose recipients: each custody holder and the institution's leader(s)."""

    guardians = GuardianChoiceField(
        label="Forældremyndighedsindehavere",
        queryset=Guardian.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-checkbox"}),
        error_messages={"invalid_choice": "Vælg blandt de viste forældre."},
    )
    leaders = LeaderChoiceField(
        label="Institutionens leder",
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-checkbox"}),
        error_messages={"invalid_choice": "Vælg blandt de viste ledere."},
    )
    batch = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(
        self, *args: Any, guardians: list[Guardian], leaders: list[User], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "guardians").queryset = Guardian.objects.filter(
            pk__in=[g.pk for g in guardians]
        )
        model_choice_field(self, "leaders").queryset = User.objects.filter(
            pk__in=[u.pk for u in leaders]
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.errors and not data.get("guardians") and not data.get("leaders"):
            raise forms.ValidationError("Vælg mindst én modtager.")
        return data
