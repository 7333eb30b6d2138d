"""allauth's forms as PPR Sag shows them."""

from typing import Any

from allauth.account.forms import LoginForm as AllauthLoginForm


class LoginForm(AllauthLoginForm):
    """allauth's login form without its "Glemt din adgangskode?" hint at the password: the login
    page has its own link under the form, and two links to the same page confuse."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["password"].help_text = ""
