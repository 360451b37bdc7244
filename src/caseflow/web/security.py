"""What every response carries, and the checks of a state-changing request.

The headers forbid inline scripts and styles (the pages load htmx and one style
sheet from ``/static``), framing, MIME sniffing and leaking the address of a
case in a ``Referer``. CSRF is the synchronizer-token pattern: each server-side
session has its own token, every form posts it and every htmx request sends it
as a header; the sign-in form, which has no session yet, uses a double-submit
cookie.
"""

from __future__ import annotations

import hmac
import secrets

SESSION_COOKIE = "caseflow_session"
PRE_SIGN_IN_COOKIE = "caseflow_signin"  # the sign-in form's double-submit token
LANGUAGE_COOKIE = "caseflow_lang"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "object-src 'none'",
    )
)


def new_token() -> str:
    return secrets.token_urlsafe(32)


def same_token(given: str | None, expected: str | None) -> bool:
    """Whether a posted CSRF token is the expected one (in constant time)."""
    if not given or not expected:
        return False
    return hmac.compare_digest(given.encode(), expected.encode())
