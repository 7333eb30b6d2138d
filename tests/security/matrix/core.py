from tests.security.routes import ALL_ROLES, LOGIN, Route, everyone

ROUTES = [
    # A parent's start page is the parents' portal (ppr.accounts.middleware).
    Route("home", everyone(200, parent=302, other_parent=302)),
    Route("account-settings", everyone(200)),
    Route("healthz", dict.fromkeys(ALL_ROLES, 200)),
    Route("favicon", dict.fromkeys(ALL_ROLES, 302)),
    Route("session-keep-alive", everyone(204, parent=204, other_parent=204), method="post"),
    Route("session-keep-alive", everyone(405, parent=405, other_parent=405), method="get"),
    Route("logout-everywhere", everyone(302, anonymous=LOGIN), method="post"),
]
