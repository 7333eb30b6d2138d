"""The parents' portal: custody holders only; staff are refused (403), anonymous visitors are
sent to the parents' MitID login. Which child a parent sees is tested in tests/parents/."""

from tests.security.routes import ALL_ROLES, Route, everyone

parents_only = everyone(403, parent=200, other_parent=200)

ROUTES = [
    Route("parents:home", parents_only, login="parents:login"),
    Route("parents:home", dict.fromkeys(ALL_ROLES, 405), method="post"),
    # The entry point is public; a signed-in parent goes on to the portal.
    Route("parents:login", everyone(200, anonymous=200, parent=302, other_parent=302)),
]
