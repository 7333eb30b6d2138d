"""Pages for a logged-in user hold personal data: browsers and proxies must not keep them."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control


class NoStoreForAuthenticatedMiddleware:
    """``Cache-Control: no-store, private`` on every response to a logged-in user.

    A view that sets its own Cache-Control (a download, a long-lived public asset) keeps it.
    Without this, the back button on a shared computer could show a case page after logout.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not response.has_header("Cache-Control"):
            patch_cache_control(response, no_store=True, private=True)
        return response
