"""Samples of the libraries' own URLs: admin is for the administrator only; login is public."""

from tests.security.routes import LOGIN, ROLES, Route

admin_only = {role: 302 for role in ROLES} | {"anonymous": 302, "administrator": 200}

ROUTES = [
    Route("account_login", {role: (200 if role == "anonymous" else 302) for role in ROLES}),
    Route("admin:index", admin_only),
    Route("admin:accounts_user_changelist", admin_only),
    Route("mfa_index", {role: (LOGIN if role == "anonymous" else 200) for role in ROLES}),
]
