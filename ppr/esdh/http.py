"""One HTTP call to an outside service, its failures sorted into transient and permanent."""

import urllib.error
import urllib.parse
import urllib.request

from .adapter import PermanentError, TransientError

#: Statuses worth trying again: timeouts, throttling and the server's own trouble.
TRANSIENT_STATUSES = frozenset({408, 425, 429})


class Unauthorised(TransientError):
    """A 401: the token expired or was revoked; fetch a new one and try once more."""


def call(
    method: str,
    url: str,
    *,
    data: bytes | None = None,
    headers: dict[str, str] | None = None,
    timeout: float = 30.0,
    not_found_ok: bool = False,
) -> bytes:
    """The response body of ``method url``; raises ``TransientError`` or ``PermanentError``.

    Error messages name the path and status, never the body we sent (it may hold a CPR number).
    """
    request = urllib.request.Request(url, data=data, headers=headers or {}, method=method)
    where = urllib.parse.urlsplit(url).path
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 (URL from settings)
            return bytes(response.read())
    except urllib.error.HTTPError as exc:
        detail = exc.read(300).decode("utf-8", "replace").strip()
        exc.close()
        if exc.code == 404 and not_found_ok:
            return b""
        message = f"{method} {where} svarede {exc.code}" + (f": {detail}" if detail else "")
        if exc.code == 401:
            raise Unauthorised(message) from exc
        if exc.code >= 500 or exc.code in TRANSIENT_STATUSES:
            raise TransientError(message) from exc
        raise PermanentError(message) from exc
    except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
        reason = getattr(exc, "reason", exc)
        raise TransientError(f"{method} {where}: tjenesten kunne ikke nås ({reason})") from exc
