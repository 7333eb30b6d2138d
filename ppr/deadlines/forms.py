"""Forms: the PPR leader's reassignment and the municipality's deadline defaults."""

from typing import Any

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db.models import QuerySet

from ppr.accounts.models import PPR_ROLES, User
from ppr.forms import Form, ModelForm, form_field, model_choice_field
from ppr.organisation.models import Municipality

from .services import DEADLINE_DEFAULT_FIELDS


def ppr_staff() -> QuerySet[User]:
    return (
        User.objects.filter(
            is_active=True, memberships__active=True, memberships__role__in=list(PPR_ROLES)
        )
        .distinct()
        .order_by("first_name", "last_name", "email")
    )


class ReassignForm(Form):
    """Choose the new responsible person; the service checks access to the subject."""

    responsible = forms.ModelChoiceField(
        label="Ny ansvarlig",
        queryset=User.objects.none(),
        empty_label="Vælg en medarbejder",
        error_messages={
            "required": "Vælg den medarbejder, der skal overtage fristen.",
            "invalid_choice": "Vælg en aktiv medarbejder i PPR.",
        },
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "responsible").queryset = ppr_staff()


class DeadlineDefaultsForm(ModelForm):
    """The municipality's default deadline lengths and reminder lead time."""

    class Meta:
        model = Municipality
        fields = list(DEADLINE_DEFAULT_FIELDS)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limits = {
            "receipt_working_days": (1, 30),
            "visitation_working_days": (1, 60),
            "ppv_service_weeks": (1, 52),
            "notat_working_days": (1, 30),
            "reminder_lead_working_days": (0, 20),
        }
        for name, (low, high) in limits.items():
            field = form_field(self, name, forms.IntegerField)
            field.min_value, field.max_value = low, high
            field.validators = [MinValueValidator(low), MaxValueValidator(high)]
            field.error_messages["required"] = "Udfyld feltet."
            field.error_messages["invalid"] = "Skriv et helt tal."
            field.widget.attrs.update(
                {"class": "form-input", "min": low, "max": high, "inputmode": "numeric"}
            )
            field.help_text = f"Mellem {low} og {high}."
