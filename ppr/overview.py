"""The start page ("Mit overblik") is made of panels that the domain apps register.

``ppr`` never imports the domain apps; each app registers its panels in its
``AppConfig.ready()``. A panel is a function of the request that returns the template
and context to show, or ``None`` when the panel is not for this user.
"""

from collections.abc import Callable
from dataclasses import dataclass

from ppr.http import AuthenticatedHttpRequest


@dataclass(frozen=True)
class Panel:
    template: str
    context: dict[str, object]


# The start page is behind login_required: a panel sees a signed-in user.
PanelFunction = Callable[[AuthenticatedHttpRequest], Panel | None]

_panels: list[tuple[int, PanelFunction]] = []


def register(order: int) -> Callable[[PanelFunction], PanelFunction]:
    """Register a start-page panel; lower ``order`` shows first."""

    def decorator(function: PanelFunction) -> PanelFunction:
        if all(existing is not function for _, existing in _panels):
            _panels.append((order, function))
            _panels.sort(key=lambda item: item[0])
        return function

    return decorator


def panels_for(request: AuthenticatedHttpRequest) -> list[Panel]:
    return [panel for _, function in _panels if (panel := function(request)) is not None]
