"""The ASGI middleware of the web app: security headers, and the remembered language.

Plain ASGI classes rather than Starlette's ``BaseHTTPMiddleware``, which would
cost every request a task and a copy of its body.
"""

from __future__ import annotations

from urllib.parse import parse_qs

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from caseflow.web.i18n import Language
from caseflow.web.security import CONTENT_SECURITY_POLICY, LANGUAGE_COOKIE

HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
    (b"cross-origin-opener-policy", b"same-origin"),
)
_NO_STORE = (b"cache-control", b"no-store")


class SecurityHeaders:
    """Adds :data:`HEADERS` to every response, and ``Cache-Control: no-store`` to every
    response but the static files (a page of a case must not stay in a shared cache)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        cacheable = str(scope.get("path", "")).startswith("/static/")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", [])}
                extra = [h for h in HEADERS if h[0] not in present]
                if not cacheable and b"cache-control" not in present:
                    extra.append(_NO_STORE)
                message["headers"] = [*message.get("headers", []), *extra]
            await send(message)

        await self.app(scope, receive, send_with_headers)


class RememberLanguage:
    """A request with ``?lang=da`` or ``?lang=en`` sets the language cookie, so the
    switch in the page header holds for the pages after it."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        chosen = None
        if scope["type"] == "http" and scope.get("query_string"):
            values = parse_qs(scope["query_string"].decode("latin-1")).get("lang", [])
            if values and values[0] in tuple(Language):
                chosen = values[0]
        if chosen is None:
            await self.app(scope, receive, send)
            return
        cookie = f"{LANGUAGE_COOKIE}={chosen}; Path=/; Max-Age=31536000; SameSite=Lax"

        async def send_with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [
                    *message.get("headers", []),
                    (b"set-cookie", cookie.encode()),
                ]
            await send(message)

        await self.app(scope, receive, send_with_cookie)
