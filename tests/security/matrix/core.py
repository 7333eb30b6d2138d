from tests.security.routes import LOGIN, ROLES, Route, everyone

ROUTES = [
    Route("home", everyone(200)),
    Route("account-settings", everyone(200)),
    Route("healthz", {role: 200 for role in ROLES}),
    Route("favicon", {role: 302 for role in ROLES}),
    Route("session-keep-alive", everyone(204), method="post"),
    Route("session-keep-alive", everyone(405), method="get"),
    Route("logout-everywhere", everyone(302, anonymous=LOGIN), method="post"),
]
