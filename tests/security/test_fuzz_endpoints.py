"""Property-based fuzzing (hypothesis) of every POST endpoint and every HTMX endpoint.

The endpoints come from the access matrix (``tests/security/matrix``), so a new route is fuzzed
as soon as it has its access expectation: every URL whose view accepts POST is posted to, and
every HTMX endpoint (a view that answers ``request.htmx``, or a URL a template targets with
``hx-get``/``hx-post``) is also called with its query parameters fuzzed. Each runs as a role
the matrix lets in (200/302, or 400 for an empty form), with and without ``HX-Request``.

Field names come from the form and filter classes the view itself uses (read from its source),
plus the matrix route's data and query keys and a few random extra keys; values are nasty text
(NUL, huge, unicode, HTML/SQL-looking), far-off or invalid dates, unknown or huge ids,
negative and overflowing numbers, and the route's own valid values.

For any input the answer is a page, an error or a redirect, never a 500 (the test client
re-raises a view's exception) and never a partial write: an error answer changes no row of the
project's tables (audit rows, sessions and axes aside); a success leaves only rows that pass
their model's own validation. ``test_every_post_and_htmx_endpoint_is_fuzzed`` fails when a POST
or HTMX endpoint is neither fuzzed nor on the commented skip list.

Deterministic (derandomize, no example database) and small: a few examples per endpoint.
"""

import copy
import inspect
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import pytest
from django import forms
from django.apps import apps
from django.conf import settings as django_settings
from django.db import connection, models
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django_filters import FilterSet
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ppr.organisation.models import Municipality
from tests.conftest import client_for
from tests.security.routes import LOGIN, PARENT_ROLES, ROLES, Route
from tests.security.test_access_matrix import THIRD_PARTY_PREFIXES, all_routes
from tests.security.test_fuzz_forms import any_date, ids, nasty_text

#: A few examples per endpoint in a suite run; ``FUZZ_EXAMPLES=50`` for a deeper hunt by hand.
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "5"))

FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

#: Answers a fuzzed request may get: a page, no content, a redirect, or a client error.
ALLOWED_STATUS = {200, 204, 302, 303, 400, 403, 404, 405, 409, 413, 422}

#: Endpoints where fuzzing makes no sense. Each entry says why.
SKIP = {
    # Logs the user out on every device: no input, and the rest of the examples would run
    # signed out. Its access and effect are tested in tests/accounts.
    "logout-everywhere",
    # No role may retry the matrix's document (its subject denies by default), and the retry
    # takes no input; its allowed path is tested in tests/documents/test_views.py.
    "documents:document-retry",
    # KOMBIT's assertion consumer answers 404 to everyone while SAML is off (the default, as
    # here); with SAML on, tests/saml/test_acs.py fuzzes its SAMLResponse (refused, never a 500).
    "saml:acs",
}

#: POST endpoints that save and answer 200/204 (an HTMX fragment, an autosave), so a 2xx
#: answer may change rows there; elsewhere a 2xx answer to a POST is a form with errors.
SAVES_WITH_2XX = {
    "cases:referral-autosave",
    "cases:ppv-autosave",
    "cases:journal-autosave",
    "indsatser:follow-up-autosave",
    "meetings:note-autosave",
    "indsatser:attendance-set",
    "meetings:item-decide",
    "session-keep-alive",
    # Makes the private calendar address and shows it once, on the page itself.
    "meetings:calendar-settings",
}

#: Tables a request may write to whatever its answer: the audit log, sessions and axes.
NOT_SNAPSHOT = {"audit.auditevent", "sessions.session"}
PROJECT_APPS = (
    "ppr.",
    "cases",
    "meetings",
    "indsatser",
    "reports",
    "visitation",
    "parents",
    "messaging",
)

#: URL keyword arguments an attacker swaps for unknown ones.
HUGE_IDS = (0, 2**63)


# --- Finding the endpoints ------------------------------------------------------------------


@cache
def views() -> dict[str, Callable[..., Any]]:
    """Our URL names (third-party ones aside) and their view functions."""
    found: dict[str, Callable[..., Any]] = {}

    def walk(resolver: URLResolver, namespace: str) -> None:
        for pattern in resolver.url_patterns:
            if isinstance(pattern, URLResolver):
                walk(
                    pattern, f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                )
            elif isinstance(pattern, URLPattern) and pattern.name:
                name = f"{namespace}{pattern.name}"
                if not name.startswith(THIRD_PARTY_PREFIXES):
                    found.setdefault(name, pattern.callback)

    walk(get_resolver(), "")
    return found


def allowed_methods(view: Callable[..., Any]) -> set[str] | None:
    """The methods ``require_http_methods`` (or ``require_GET``/``require_POST``) lets through;
    ``None`` when the view takes any method."""
    layer: Any = view
    while layer is not None:
        code = getattr(layer, "__code__", None)
        cells = getattr(layer, "__closure__", None) or ()
        if code is not None:
            closure = dict(zip(code.co_freevars, cells, strict=False))
            if "request_method_list" in closure:
                return set(closure["request_method_list"].cell_contents)
        layer = getattr(layer, "__wrapped__", None)
    return None


def accepts(name: str, method: str) -> bool:
    methods = allowed_methods(views()[name])
    return methods is None or method in methods


def view_source(name: str) -> tuple[str, dict[str, Any]]:
    inner = inspect.unwrap(views()[name])
    return inspect.getsource(inner), inner.__globals__


@cache
def template_htmx_names() -> set[str]:
    """URL names the templates call over HTMX (``hx-get="{% url 'x' %}"`` and the like)."""
    pattern = re.compile(r"hx-(?:get|post|put|patch|delete)=\"\{%\s*url\s+'([^']+)'")
    names: set[str] = set()
    for folder in django_settings.TEMPLATES[0]["DIRS"]:
        for path in Path(folder).rglob("*.html"):
            names |= set(pattern.findall(path.read_text(encoding="utf-8")))
    return names


@cache
def htmx_names() -> set[str]:
    """Views that answer HTMX requests differently, and URLs the templates call over HTMX."""
    in_source = {name for name in views() if "request.htmx" in view_source(name)[0]}
    return in_source | (template_htmx_names() & set(views()))


def allowed_role(route: Route) -> str | None:
    """The first role the matrix lets use the route (a page, a redirect or a form error): staff
    first, then the custody holders (the parents' portal lets only them in)."""
    for role in ROLES[1:] + PARENT_ROLES:
        status = route.expected(role)
        if status != LOGIN and status not in (403, 404, 405):
            return role
    return None


@dataclass(frozen=True)
class Target:
    route: Route
    role: str
    method: str
    query_keys: tuple[str, ...] = ()

    def __str__(self) -> str:
        return f"{self.method.upper()} {self.route.name} as {self.role}"


def targets() -> list[Target]:
    """One POST target per route posted to in the matrix, one per POST-accepting URL the matrix
    only reads, and one GET target per HTMX endpoint."""
    by_name: dict[str, list[Route]] = {}
    for route in all_routes():
        by_name.setdefault(route.name, []).append(route)
    found: list[Target] = []
    for name, routes in by_name.items():
        if name in SKIP or name not in views():
            continue
        usable = [(route, allowed_role(route)) for route in routes]
        usable = [(route, role) for route, role in usable if role is not None]
        if accepts(name, "POST"):
            posted = [(r, role) for r, role in usable if r.method == "post"]
            for route, role in posted or usable[:1]:
                found.append(Target(route, role, "post"))  # type: ignore[arg-type]  # role is not None here (filtered above); mypy keeps str | None
        if name in htmx_names() and accepts(name, "GET"):
            read = [(r, role) for r, role in usable if r.method == "get"]
            keys = {key for r, _ in read for key, _ in parse_qsl(r.query.lstrip("?"))}
            for route, role in read[:1]:
                found.append(Target(route, role, "get", tuple(sorted(keys))))  # type: ignore[arg-type]  # role is not None here (filtered above); mypy keeps str | None
    return found


# --- What to send ---------------------------------------------------------------------------

numbers = st.one_of(
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.sampled_from(["-1", "0", "13,5", "1e309", "NaN", "Infinity", "-0", "0.0000001", "1" * 40]),
    nasty_text,
)
truthy = st.one_of(st.sampled_from(["on", "true", "false", "1", "0", ""]), nasty_text)
moments = st.one_of(
    any_date,
    st.sampled_from(["2026-13-45T25:61", "0001-01-01 00:00", "9999-12-31T23:59:59", "24:00"]),
)
extra_keys = st.dictionaries(
    st.text(alphabet="abcdefghijklmnopqrstuvwxyz_-0123456789", min_size=1, max_size=12),
    nasty_text,
    max_size=2,
)


def existing_ids(field: forms.ModelChoiceField) -> list[str]:
    queryset = field.queryset
    if queryset is None:
        return []
    return [str(pk) for pk in queryset.values_list("pk", flat=True)[:5]]


def value_for(field: forms.Field) -> st.SearchStrategy:
    """Nasty values of the field's own kind, and now and then a valid one."""
    if isinstance(field, forms.ModelMultipleChoiceField):
        return st.lists(st.one_of(ids, st.sampled_from(existing_ids(field) or ["1"])), max_size=3)
    if isinstance(field, forms.ModelChoiceField):
        return st.one_of(ids, st.sampled_from(existing_ids(field) or ["1"]))
    if isinstance(field, forms.MultipleChoiceField):
        choices = [str(key) for key, _ in field.choices if key != ""] or ["x"]
        return st.lists(st.one_of(st.sampled_from(choices), nasty_text), max_size=3)
    if isinstance(field, forms.ChoiceField):
        choices = [str(key) for key, _ in field.choices if not isinstance(_, list | tuple)]
        return st.one_of(st.sampled_from(choices or ["x"]), nasty_text)
    if isinstance(field, forms.DateField | forms.DateTimeField | forms.TimeField):
        return moments
    if isinstance(field, forms.IntegerField | forms.DecimalField | forms.FloatField):
        return numbers
    if isinstance(field, forms.BooleanField | forms.NullBooleanField):
        return truthy
    return nasty_text


def classes_used(name: str) -> Iterator[tuple[type, str]]:
    """Form, formset and filter classes the view builds, with the prefix it gives them."""
    source, scope = view_source(name)
    for class_name in dict.fromkeys(re.findall(r"\b([A-Z]\w*)\s*\(", source)):
        cls = scope.get(class_name)
        if not isinstance(cls, type):
            continue
        if issubclass(cls, forms.BaseForm | forms.BaseFormSet | FilterSet):
            call = re.search(rf"\b{class_name}\s*\((?:[^()]|\([^()]*\))*\)", source)
            prefix = re.search(r"prefix=\"([\w-]+)\"", call.group(0)) if call else None
            yield cls, prefix.group(1) if prefix else ""


def form_fields(name: str) -> dict[str, st.SearchStrategy]:
    """Every field name the view's forms read, with a strategy of values for it."""
    fields: dict[str, st.SearchStrategy] = {}
    for cls, prefix in classes_used(name):
        if issubclass(cls, forms.BaseFormSet):
            prefix = prefix or cls.get_default_prefix()
            fields[f"{prefix}-TOTAL_FORMS"] = st.one_of(st.sampled_from(["1", "2"]), numbers)
            fields[f"{prefix}-INITIAL_FORMS"] = st.one_of(st.just("0"), numbers)
            for index in (0, 1):
                for field_name, field in cls.form.base_fields.items():
                    fields[f"{prefix}-{index}-{field_name}"] = value_for(field)
        elif issubclass(cls, FilterSet):
            # A filter builds its form field once and keeps it (``Filter.field``); asked of
            # the class's own filter, every later filter set of the class would copy that
            # field with the class's queryset instead of the one its __init__ sets (found
            # when the early-detection overview lost its institution options after this ran).
            for field_name, field in cls.base_filters.items():
                fields[field_name] = value_for(copy.deepcopy(field).field)
        else:
            for field_name, field in cls.base_fields.items():
                fields[f"{prefix}-{field_name}" if prefix else field_name] = value_for(field)
    return fields


def as_text(value: Any) -> Any:
    if isinstance(value, list | tuple):
        return [str(item) for item in value]
    return str(value)


class FormValues(HTMLParser):
    """What a browser would send from the page's form for ``action``: the fields as rendered,
    pre-filled values, chosen options and textarea contents."""

    def __init__(self, action: str) -> None:
        super().__init__()
        self.action = action
        self.values: dict[str, str] = {}
        self.inside = False
        self.select: str | None = None
        self.textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attr = dict(attrs)
        name = attr.get("name") or ""
        if tag == "form":
            self.inside = attr.get("action") in (None, "", self.action)
        elif not self.inside or name == "csrfmiddlewaretoken":
            return
        elif tag == "input" and name:
            kind = attr.get("type") or "text"
            if kind in ("checkbox", "radio"):
                if "checked" in attr:
                    self.values[name] = attr.get("value") or "on"
            elif kind not in ("submit", "button", "file", "reset", "image"):
                self.values.setdefault(name, attr.get("value") or "")
        elif tag == "select" and name:
            self.select = name
        elif tag == "option" and self.select and attr.get("value"):
            if "selected" in attr or self.select not in self.values:
                self.values[self.select] = attr["value"] or ""
        elif tag == "textarea" and name:
            self.textarea = name
            self.values[name] = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.inside = False
        elif tag == "select":
            self.select = None
        elif tag == "textarea":
            self.textarea = None

    def handle_data(self, data: str) -> None:
        if self.textarea:
            self.values[self.textarea] += data


def page_values(client: Any, url: str, name: str) -> dict[str, str]:
    """The form a user would post to ``url``, as its own page renders it (GET), if it has one."""
    if not accepts(name, "GET"):
        return {}
    response = client.get(url)
    if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
        return {}
    parser = FormValues(url)
    parser.feed(response.content.decode())
    return parser.values


def payload(target: Target, cast: Any, base: dict[str, Any]) -> st.SearchStrategy:
    """Three kinds of input: the form as a user sends it (``base``: the page's own form and the
    route's data); that form with one field made nasty; and any subset of the view's form
    fields, the route's keys and, for lists, paging and sorting, with nasty values and random
    extra keys."""
    fields = form_fields(target.route.name)
    for key in base:
        fields.setdefault(key, nasty_text)
    if target.method == "get":
        for key in (*target.query_keys, "page", "per_page", "sort"):
            fields.setdefault(key, st.one_of(ids, nasty_text))
    anything = st.tuples(st.fixed_dictionaries({}, optional=fields), extra_keys).map(
        lambda pair: {**pair[1], **pair[0]}
    )
    if not base:
        return anything
    one_bad = st.sampled_from(sorted(fields)).flatmap(
        lambda key: fields[key].map(lambda value: {**base, key: value})
    )
    return st.one_of(st.just(base), one_bad, anything)


# --- No partial writes ----------------------------------------------------------------------


@cache
def snapshot_models() -> tuple[type[models.Model], ...]:
    return tuple(
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.app_config.name.startswith(PROJECT_APPS)
        and model._meta.label_lower not in NOT_SNAPSHOT
    )


def highest_key(model: type[models.Model]) -> str:
    """MAX of an integer primary key; a UUID key (Digital Post messages) has no MAX on PostgreSQL,
    so its table is compared by its row count alone."""
    if isinstance(model._meta.pk, models.UUIDField):
        return "CAST(NULL AS BIGINT)"
    return f"MAX({connection.ops.quote_name(model._meta.pk.column)})"


def snapshot() -> dict[str, tuple[int, Any]]:
    """Row count and highest primary key of every project table, in one query."""
    quote = connection.ops.quote_name
    parts = [
        f"SELECT '{m._meta.label_lower}', COUNT(*), {highest_key(m)} FROM {quote(m._meta.db_table)}"
        for m in snapshot_models()
    ]
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts))
        return {label: (count, top) for label, count, top in cursor.fetchall()}


def changed(before: dict[str, tuple[int, Any]], after: dict[str, tuple[int, Any]]) -> list[str]:
    return [label for label in before if before[label] != after[label]]


def assert_new_rows_are_valid(
    before: dict[str, tuple[int, Any]], after: dict[str, tuple[int, Any]]
) -> None:
    """Rows saved by the request pass their model's own validation (no half-made rows). A
    table with an integer key whose highest key did not change has no row above it (keys only
    grow), so only the tables that changed are read, and every table with a UUID key."""
    for model in snapshot_models():
        label = model._meta.label_lower
        top = before[label][1]
        if top is not None and after[label][1] == top:
            continue
        new = model._default_manager.all()
        if top is not None:
            new = new.filter(pk__gt=top)
        for row in new[:20]:
            row.full_clean(validate_unique=False, validate_constraints=False)


def check(target: Target, response: Any, before: dict, after: dict) -> None:
    status = response.status_code
    assert status in ALLOWED_STATUS, f"{target}: {status}"
    writes = changed(before, after)
    if status >= 400:
        assert not writes, f"{target} answered {status} but changed {writes}"
    elif status in (200, 204) and target.route.name not in SAVES_WITH_2XX:
        assert not writes, f"{target} answered {status} (a form with errors) but changed {writes}"
    else:
        assert_new_rows_are_valid(before, after)


def fuzz(target: Target, cast: Any) -> None:
    Municipality.current()  # the settings row is made on first use, by any request
    user = cast.by_role()[target.role]
    kwargs = target.route.kwargs(cast)
    url = reverse(target.route.name, kwargs=kwargs)
    client = client_for(user)
    send = getattr(client, target.method)
    base: dict[str, Any] = {}
    if target.method == "post":
        base = page_values(client, url, target.route.name)
        base |= {key: as_text(value) for key, value in target.route.data(cast).items()}

    @FUZZ
    @given(data=payload(target, cast, base), htmx=st.booleans())
    def run(data: dict[str, Any], htmx: bool) -> None:
        headers = {"HX-Request": "true"} if htmx else {}
        before = snapshot()
        response = send(url, data, headers=headers)
        check(target, response, before, snapshot())

    run()

    # Unknown and overflowing ids in the URL itself: not found, never a database error.
    route = resolve(url).route  # the ids are the <id:…> parts (a <year:…> is not an id)
    int_keys = [key for key in re.findall(r"<id:(\w+)>", route) if key in kwargs]
    for huge in HUGE_IDS if int_keys else ():
        before = snapshot()
        response = send(reverse(target.route.name, kwargs=kwargs | dict.fromkeys(int_keys, huge)))
        assert response.status_code in (404, 405), f"{target} with id {huge}"
        assert not changed(before, snapshot())


# --- The tests ------------------------------------------------------------------------------


@pytest.mark.parametrize("target", targets(), ids=str)
def test_fuzzed_endpoint_never_fails_nor_half_saves(target: Target, cast: Any) -> None:
    fuzz(target, cast)


def test_every_post_and_htmx_endpoint_is_fuzzed() -> None:
    fuzzed = targets()
    posted = {t.route.name for t in fuzzed if t.method == "post"}
    htmx_read = {t.route.name for t in fuzzed if t.method == "get"}
    post_names = {name for name in views() if accepts(name, "POST")}
    htmx_get_names = {name for name in htmx_names() if accepts(name, "GET")}
    assert not sorted(post_names - posted - SKIP), "POST endpoints not fuzzed"
    assert not sorted(htmx_get_names - htmx_read - SKIP), "HTMX endpoints not fuzzed"
    assert not (posted | htmx_read) & SKIP, "skipped endpoints are fuzzed after all"
    assert set(views()) >= SKIP, "the skip list names a URL that no longer exists"
    assert template_htmx_names() <= htmx_names(), "template HTMX calls not seen"
