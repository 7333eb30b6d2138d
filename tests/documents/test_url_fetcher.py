"""WeasyPrint reads only the project's own static files: no network, no arbitrary files.

Decision: a refused resource stops the render with ``UnsafeResourceError`` (no PDF with a
silent hole); the render task then marks the document failed without retrying.
"""

import socket
from typing import Any

import pytest

from ppr.documents.rendering import (
    StaticOnlyFetcher,
    UnsafeResourceError,
    render_html,
    static_file_for,
)

pytestmark = pytest.mark.django_db

PNG_1PX = (
    "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk"
    "+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)


@pytest.fixture
def network(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Record (and refuse) every attempt to resolve a name or open a connection."""
    attempts: list[Any] = []

    def refuse(*args: Any, **kwargs: Any) -> Any:
        attempts.append(args)
        raise OSError("network is off in this test")

    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    return attempts


def page(body: str, head: str = "") -> str:
    return (
        '<!DOCTYPE html><html lang="da"><head><meta charset="utf-8"><title>Prøve</title>'
        f'<link rel="stylesheet" href="/static/css/print.css">{head}</head><body>{body}</body></html>'
    )


@pytest.mark.parametrize(
    "url",
    [
        "http://example.com/logo.png",
        "https://example.com/logo.png",
        "//example.com/logo.png",
        "file:///etc/passwd",
        "ftp://example.com/x",
        "/etc/passwd",
        "/static/../../../etc/passwd",
        "/static/%2e%2e/%2e%2e/etc/passwd",
        "/static/css/does-not-exist.css",
    ],
)
def test_rendering_refuses_anything_but_static_files(url: str, network: list[Any]) -> None:
    with pytest.raises(UnsafeResourceError):
        render_html(page(f'<h1>Logo</h1><img src="{url}" alt="logo">'))
    assert network == []


def test_a_stylesheet_from_the_network_is_refused(network: list[Any]) -> None:
    with pytest.raises(UnsafeResourceError):
        render_html(
            page("<p>Tekst</p>", head='<link rel="stylesheet" href="http://example.com/x.css">')
        )
    assert network == []


def test_a_css_import_of_a_local_file_is_refused(network: list[Any]) -> None:
    with pytest.raises(UnsafeResourceError):
        render_html(page("<p>Tekst</p>", head='<style>@import url("file:///etc/passwd");</style>'))
    assert network == []


def test_the_fetcher_refuses_file_urls_outside_static_directly() -> None:
    with pytest.raises(UnsafeResourceError):
        StaticOnlyFetcher().fetch("file:///etc/passwd")
    with pytest.raises(UnsafeResourceError):
        static_file_for("http://example.com/static/css/print.css")


def test_the_fetcher_serves_the_print_stylesheet_and_the_fonts() -> None:
    response = StaticOnlyFetcher().fetch("https://ppr.invalid/static/css/print.css")
    assert b"@font-face" in response.read()
    font = static_file_for(
        "https://ppr.invalid/static/vendor/dkfds/fonts/IBMPlexSans/complete/ttf/IBMPlexSans-Regular.ttf"
    )
    assert font.is_file()


def test_inline_data_images_are_allowed(network: list[Any]) -> None:
    content = render_html(page(f'<h1>Billede</h1><img src="{PNG_1PX}" alt="prik">')).content
    assert content.startswith(b"%PDF-")
    assert network == []
