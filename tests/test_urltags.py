"""``{% url %}`` reverses each URL once (ppr/urltags.py) and renders exactly what Django's does."""

from decimal import Decimal
from unittest import mock

import pytest
from django.template import Context, Engine, Template
from django.test import RequestFactory
from django.urls import NoReverseMatch, get_script_prefix, reverse, set_script_prefix
from django.utils.translation import gettext_lazy

from ppr import urltags

TEMPLATES = [
    "{% url 'home' %}",
    "{% url 'cases:case-detail' 17 %}",
    "{% url 'cases:case-detail' pk=pk %}",
    "{% url 'cases:journal-correct' pk=obj.pk as link %}[{{ link }}]",
    "{% url 'no-such-page' as link %}[{{ link }}]",
    "{% url name pk %}",
    "<a href=\"{% url 'cases:case-list' %}?q=1\">",
]
CONTEXT = {"pk": 42, "obj": {"pk": "7"}, "name": "cases:case-detail"}


def django_template(source: str) -> Template:
    """The template as Django alone parses it: its own ``{% url %}``."""
    return Engine(builtins=["django.templatetags.i18n"]).from_string(source)


@pytest.mark.parametrize("source", TEMPLATES)
def test_the_tag_renders_what_djangos_renders(source: str) -> None:
    ours = Engine.get_default().from_string(source)
    assert ours.nodelist.get_nodes_by_type(urltags.URLNode)  # the builtin replaces Django's
    for _ in range(2):  # reversed, then from the cache
        assert ours.render(Context(CONTEXT)) == django_template(source).render(Context(CONTEXT))


def test_an_unknown_url_is_an_error_as_in_django() -> None:
    with pytest.raises(NoReverseMatch):
        Engine.get_default().from_string("{% url 'no-such-page' %}").render(Context())


def test_each_url_is_reversed_once() -> None:
    template = Engine.get_default().from_string("{% url 'home' %}{% url 'cases:case-detail' pk %}")
    urltags._reversed.cache_clear()
    with mock.patch("ppr.urltags.reverse", wraps=reverse) as reversing:
        first = template.render(Context({"pk": 5}))
        again = template.render(Context({"pk": 5}))
    assert first == again == reverse("home") + reverse("cases:case-detail", args=[5])
    assert reversing.call_count == 2


def test_other_arguments_than_strings_and_numbers_are_reversed_every_time() -> None:
    template = Engine.get_default().from_string("{% url 'cases:case-detail' pk %}")
    with mock.patch("ppr.urltags.reverse", wraps=reverse) as reversing:
        for pk in (gettext_lazy("3"), gettext_lazy("3"), Decimal(3), Decimal(3)):
            assert template.render(Context({"pk": pk})) == reverse("cases:case-detail", args=[3])
    assert reversing.call_count == 4


def test_urls_follow_the_script_prefix_and_the_current_app() -> None:
    template = Engine.get_default().from_string("{% url 'home' %}")
    before = get_script_prefix()
    assert template.render(Context()) == "/"
    try:
        set_script_prefix("/ppr/")
        assert template.render(Context()) == "/ppr/"
    finally:
        set_script_prefix(before)
    assert template.render(Context()) == "/"
    request = RequestFactory().get("/")
    request.current_app = "admin"
    context = Context()
    context.request = request  # as a RequestContext has it
    admin = Engine.get_default().from_string("{% url 'admin:index' %}")
    assert admin.render(context) == reverse("admin:index", current_app="admin")
