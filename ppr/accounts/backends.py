"""The administrator's rights in the Django admin: the organisation and its users, nothing else."""

from typing import Any

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
