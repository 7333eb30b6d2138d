"""The main menu: a few groups (Sager, Møder, Indsatser ...) of the pages each role may use.

``ppr`` never imports the domain apps; each app registers a function in its
``AppConfig.ready()`` that returns the menu entries for the request's user (none when the
pages are not for them). The groups are fixed here, so that no role sees more than eight
entries at the top of the menu: a group with one entry is shown as that entry's link.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import reverse

from ppr.http import AuthenticatedHttpRequest, is_signed_in

#: The menu's groups in the order shown: key → label.
GROUPS = {
    "overblik": "Mit overblik",
    "sager": "Sager",
    "moeder": "Møder",
    "indsatser": "Indsatser",
    "frister": "Frister",
    "rapporter": "Rapporter",
    "administration": "Administration",
}


@dataclass(frozen=True)
class MenuEntry:
    """One page in the main menu, in one of the ``GROUPS``."""

    group: str
    label: str
    url: str
    current: bool = False


@dataclass(frozen=True)
class MenuGroup:
    """A heading of the main menu with its entries (a plain link when it has only one)."""

    key: str
    label: str
    entries: list[MenuEntry]

    @property
    def current(self) -> bool:
        return any(entry.current for entry in self.entries)

    @property
    def only(self) -> MenuEntry | None:
        """The group's single entry, shown in its place."""
        return self.entries[0] if len(self.entries) == 1 else None


# Called only for a signed-in user (``main_menu``).
EntriesFunction = Callable[[AuthenticatedHttpRequest], list[MenuEntry]]

_functions: list[tuple[int, EntriesFunction]] = []


def register(order: int) -> Callable[[EntriesFunction], EntriesFunction]:
    """Register a function giving an app's menu entries; lower ``order`` shows first in a group."""

    def decorator(function: EntriesFunction) -> EntriesFunction:
        if all(existing is not function for _, existing in _functions):
            _functions.append((order, function))
            _functions.sort(key=lambda item: item[0])
        return function

    return decorator


def route(request: HttpRequest) -> tuple[str, str]:
    """The current page's (app name, URL name), to mark its entry."""
    match = request.resolver_match
    return (match.app_name, match.url_name or "") if match else ("", "")


def main_menu(request: HttpRequest) -> list[MenuGroup]:
    """The groups of the main menu for the request's user, empty ones left out."""
    if not is_signed_in(request):
        return []
    user = request.user
    _app, name = route(request)
    entries = [MenuEntry("overblik", "Mit overblik", reverse("home"), current=name == "home")]
    for _order, function in _functions:
        entries.extend(function(request))
    if user.is_administrator:
        entries.append(MenuEntry("administration", "Administration", reverse("admin:index")))
    groups = [
        MenuGroup(key, label, [entry for entry in entries if entry.group == key])
        for key, label in GROUPS.items()
    ]
    return [group for group in groups if group.entries]
