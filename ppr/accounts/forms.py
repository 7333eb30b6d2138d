"""allauth's forms as PPR Sag shows them."""

from typing import Any

from allauth.account.forms import LoginForm as AllauthLoginForm
from django import forms

from ppr.forms import ModelForm

from .models import Role, SsoRoleMapping


class LoginForm(AllauthLoginForm):
    """allauth's login form without its "Glemt din adgangskode?" hint at the password: the login
    page has its own link under the form, and two links to the same page confuse."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["password"].help_text = ""


class SsoRoleMappingForm(ModelForm):
    """The PPR leader's mapping of a KOMBIT user-system role to a role and scope in PPR Sag."""

    class Meta:
        model = SsoRoleMapping
        fields = ("privilege", "org_unit", "role", "team", "district", "institution")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        role = self.fields["role"]
        assert isinstance(role, forms.ChoiceField)
        role.choices = [
            (value, label)
            for value, label in Role.choices
            if value not in {Role.PARENT, Role.ADMINISTRATOR}
        ]

    def clean_privilege(self) -> str:
        value: str = self.cleaned_data["privilege"].strip()
        if not value.startswith(("http://", "https://", "urn:")):
            raise forms.ValidationError(
                "Skriv brugersystemrollens entity-id, fx http://kommune.dk/roles/usersystemrole/psykolog/1."
            )
        return value
