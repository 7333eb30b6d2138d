"""One renderer for every document kind: Django template → HTML → PDF with WeasyPrint.

WeasyPrint fetches the stylesheet, fonts and images through ``StaticOnlyFetcher``, which reads
the project's own static files from disk and refuses everything else (http, https, ftp, file
URLs, paths outside the static directories). Only ``data:`` URLs, which carry their content
inline, are allowed. A refused resource stops the render with ``UnsafeResourceError`` instead
of producing a PDF with silent holes, so a template that reaches out fails in its first test.
"""

import logging
import mimetypes
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import SuspiciousFileOperation
from django.template.loader import render_to_string
from django.utils._os import safe_join

from ppr.organisation.models import Municipality

with warnings.catch_warnings():
    # Without the optional HarfBuzz-Subset library WeasyPrint warns on import and subsets fonts
    # with fontTools instead; the PDFs are the same. Install libharfbuzz-subset0 to silence it.
    warnings.filterwarnings("ignore", message="HarfBuzz-Subset", category=DeprecationWarning)
    from weasyprint import HTML
    from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse


class _OncePerProcess(logging.Filter):
    """Let WeasyPrint's "Using fontTools instead of HarfBuzz-Subset" through once, not per font."""

    seen = False

    def filter(self, record: logging.LogRecord) -> bool:
        if "HarfBuzz-Subset" not in str(record.msg):
            return True
        if _OncePerProcess.seen:
            return False
        _OncePerProcess.seen = True
        return True


logging.getLogger("weasyprint").addFilter(_OncePerProcess())

#: The document's base URL. ``.invalid`` is reserved (RFC 2606) and never resolves, and the
#: fetcher never opens it anyway: it only serves as the anchor for relative static paths.
BASE_URL = "https://ppr.invalid/"

#: PDF/UA-1: a tagged PDF with structure (headings, lists, tables) for screen readers.
PDF_OPTIONS: dict[str, Any] = {"pdf_variant": "pdf/ua-1"}


class UnsafeResourceError(Exception):
    """A template asked for a resource outside the project's static files."""


class StaticOnlyFetcher(URLFetcher):  # type: ignore[misc]  # WeasyPrint ships no types
    """A WeasyPrint URL fetcher that serves only the project's own static files."""

    def __init__(self) -> None:
        # fail_on_errors: a refused URL stops the render (WeasyPrint raises a
        # FatalURLFetchingError) rather than being skipped with a log line.
        super().__init__(allowed_protocols=("data",), allow_redirects=False, fail_on_errors=True)

    def fetch(self, url: str, headers: dict[str, str] | None = None) -> URLFetcherResponse:
        if url.startswith("data:"):
            return super().fetch(url, headers)
        path = static_file_for(url)
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(
            url, body=path.read_bytes(), headers={"Content-Type": content_type}
        )


def static_prefix() -> str:
    """The absolute URL static files have in a rendered document (STATIC_URL may be absolute)."""
    return urljoin(BASE_URL, settings.STATIC_URL)


def static_file_for(url: str) -> Path:
    """The file on disk behind a static URL, or ``UnsafeResourceError``."""
    prefix = static_prefix()
    # urljoin has already resolved "..", so a URL that escapes the prefix no longer starts with it.
    if not url.startswith(prefix) or urlsplit(url).scheme not in {"http", "https"}:
        raise UnsafeResourceError(
            f"Kun projektets egne statiske filer må hentes, ikke {url[:80]!r}."
        )
    relative = unquote(urlsplit(url[len(prefix) :]).path)
    if not relative or "\x00" in relative or "\\" in relative or ".." in relative.split("/"):
        raise UnsafeResourceError(f"Ugyldig sti til en statisk fil: {relative[:80]!r}.")
    found = finders.find(relative)
    if isinstance(found, list):  # find(all=True) is never asked for; keeps the type checker calm
        found = found[0] if found else None
    if found:
        return Path(found)
    if settings.STATIC_ROOT:
        # Hashed names (ManifestStaticFilesStorage in production) exist only in STATIC_ROOT.
        try:
            candidate = Path(safe_join(str(settings.STATIC_ROOT), relative))
        except SuspiciousFileOperation as exc:
            raise UnsafeResourceError(
                f"Ugyldig sti til en statisk fil: {relative[:80]!r}."
            ) from exc
        if candidate.is_file():
            return candidate
    raise UnsafeResourceError(f"Den statiske fil findes ikke: {relative[:80]!r}.")


@dataclass(frozen=True)
class RenderedPdf:
    content: bytes
    page_count: int


def render(template_name: str, context: dict[str, Any]) -> RenderedPdf:
    """Render ``template_name`` with ``context`` to a PDF, and count its pages."""
    html = render_to_string(template_name, {"municipality": Municipality.current(), **context})
    return render_html(html)


def render_html(html: str) -> RenderedPdf:
    """Turn a complete HTML document into a tagged PDF (PDF/UA-1) with only static resources."""
    try:
        document = HTML(string=html, base_url=BASE_URL, url_fetcher=StaticOnlyFetcher()).render(
            **PDF_OPTIONS
        )
        content = document.write_pdf(**PDF_OPTIONS)
    except FatalURLFetchingError as exc:
        # WeasyPrint's fatal error derives from BaseException; turn it into an ordinary one.
        raise _unsafe(exc) from exc
    return RenderedPdf(content=content, page_count=len(document.pages))


def render_pdf(template_name: str, context: dict[str, Any]) -> bytes:
    """The PDF bytes of ``template_name`` rendered with ``context`` and the print stylesheet."""
    return render(template_name, context).content


def _unsafe(exc: FatalURLFetchingError) -> UnsafeResourceError:
    cause = exc.__cause__
    if isinstance(cause, UnsafeResourceError):
        return cause
    return UnsafeResourceError(f"{exc} ({type(cause).__name__ if cause else 'ukendt fejl'})")
