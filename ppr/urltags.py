"""``{% url %}`` as Django's, with each URL reversed once (a builtin: settings.TEMPLATES).

Django reverses a ``{% url %}`` anew on every render and checks the result against its pattern,
15–45 µs each, and a page has 20–50 of them: the main menu on every page, a link on each journal
entry of the case page. A URL depends only on its name and arguments, the URLconf, the script
prefix and the current app, so the last few thousand are kept by those. Arguments that are not
plain strings or numbers (a model instance, a lazy string) are reversed every time, as Django
does.
"""

import functools
from typing import Any

from django import template
from django.conf import settings
from django.template import defaulttags
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.html import conditional_escape

register = template.Library()

Args = tuple[Any, ...]
Kwargs = tuple[tuple[str, Any], ...]


def reverse_once(view_name: str, args: Args, kwargs: Kwargs, current_app: str | None) -> str:
    """``reverse()``, from the cache where every argument is a plain string or number."""
    if all(type(value) in (str, int) for value in (*args, *(value for _, value in kwargs))):
        urlconf = get_urlconf() or settings.ROOT_URLCONF
        return _reversed(view_name, args, kwargs, current_app, get_script_prefix(), urlconf)
    return reverse(view_name, args=args, kwargs=dict(kwargs), current_app=current_app)


@functools.lru_cache(maxsize=4096)
def _reversed(
    view_name: str, args: Args, kwargs: Kwargs, current_app: str | None, prefix: str, urlconf: str
) -> str:
    # ``prefix`` is the script prefix ``reverse`` reads itself: a key, not an argument.
    return reverse(
        view_name, args=args, kwargs=dict(kwargs), current_app=current_app, urlconf=urlconf
    )


class URLNode(defaulttags.URLNode):
    """Renders as ``django.template.defaulttags.URLNode`` does, through ``reverse_once``."""

    def render(self, context: template.Context) -> str:
        args = tuple(arg.resolve(context) for arg in self.args)
        kwargs = tuple((name, value.resolve(context)) for name, value in self.kwargs.items())
        url = ""
        try:
            url = reverse_once(self.view_name.resolve(context), args, kwargs, _current_app(context))
        except NoReverseMatch:
            if self.asvar is None:
                raise
        if self.asvar:
            context[self.asvar] = url
            return ""
        return conditional_escape(url) if context.autoescape else url


def _current_app(context: template.Context) -> str | None:
    request = getattr(context, "request", None)
    if hasattr(request, "current_app"):
        return request.current_app
    return getattr(getattr(request, "resolver_match", None), "namespace", None)


@register.tag
def url(parser: template.base.Parser, token: template.base.Token) -> URLNode:
    """Django's ``{% url %}`` tag: the same syntax and output."""
    node = defaulttags.url(parser, token)
    return URLNode(node.view_name, node.args, node.kwargs, node.asvar)
