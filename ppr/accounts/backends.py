"""The sign-in backends, and the administrator's rights in the Django admin.

Rights come from memberships (``rules``), the administrator role (``AdministratorBackend``) and
the superuser flag – never from Django's stored user or group permissions: the admin offers
neither, and a second, hidden way to grant rights is one too many. The password backends below
therefore read none: Django's would read both tables (two queries) on every page where a rule
says no.
"""

from typing import Any

from allauth.account.auth_backends import AuthenticationBackend
from django.contrib.auth.backends import ModelBackend

from ppr.accounts.models import Role

ADMINISTRATOR_APPS = frozenset({"organisation", "accounts", "axes", "mfa"})


class AdministratorBackend:
    """Grants model permissions on ADMINISTRATOR_APPS to users with the administrator role."""

    def authenticate(self, request: Any, **credentials: Any) -> None:
        return None

    def has_perm(self, user: Any, perm: str, obj: Any = None) -> bool:
        app_label = perm.split(".", 1)[0]
        return self.has_module_perms(user, app_label)

    def has_module_perms(self, user: Any, app_label: str) -> bool:
        return bool(
            user.is_active
            and getattr(user, "is_administrator", False)
            and app_label in ADMINISTRATOR_APPS
        )


class NoStoredPermissions:
    """A password backend that grants nothing from ``user_permissions`` or ``groups``."""

    def get_user_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        return set()

    def get_group_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        return set()


class StaffOnly:
    """Password sign-in is for staff: a parent (``Role.PARENT``) signs in with MitID only.
    (Only the sign-in: the session of a parent signed in with MitID is read as any other.)"""

    def authenticate(self, request: Any, *args: Any, **credentials: Any) -> Any:
        user = super().authenticate(request, *args, **credentials)  # type: ignore[misc]  # the password backend's, by the MRO
        if user is not None and user.has_role(Role.PARENT):
            return None
        return user


class PasswordBackend(NoStoredPermissions, StaffOnly, ModelBackend):
    """Django's sign-in with e-mail and password (the admin's login form)."""


class AllauthPasswordBackend(NoStoredPermissions, StaffOnly, AuthenticationBackend):
    """allauth's sign-in with e-mail and password (the login page)."""


class SsoBackend(NoStoredPermissions, ModelBackend):
    """The session backend of a user signed in through KOMBIT (ppr.saml.views.acs logs him in
    with it); it authenticates nobody itself: no password is checked."""

    def authenticate(
        self, request: Any, username: Any = None, password: Any = None, **kwargs: Any
    ) -> None:
        return None
