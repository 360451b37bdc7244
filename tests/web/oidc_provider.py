"""A small, real OpenID provider for the tests, on 127.0.0.1 and a free port.

It serves discovery, its keys (an RSA key made at start), ``/authorize`` (approves
:attr:`IdentityProvider.username` at once and sends the browser back with a code, or
denies when told to) and ``/token`` (checks the code, the client's secret and the
PKCE verifier, then returns an ID token signed with RS256). The tests change its
behaviour through its attributes. Use it as a context manager: it stops at the end.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlencode, urlsplit

from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey

KEY_ID = "test-key-1"


def rsa_key(kid: str = KEY_ID) -> RSAKey:
    return RSAKey.generate_key(2048, parameters={"kid": kid, "use": "sig", "alg": "RS256"})


@dataclass
class Grant:
    """A code the provider handed out, and what it was for."""

    client_id: str
    redirect_uri: str
    nonce: str | None
    challenge: str
    username: str | None
    used: bool = False
    at: float = field(default_factory=time.time)


@dataclass
class IdentityProvider:
    """The provider's registration of caseflow, and what the tests may change."""

    client_id: str
    client_secret: str
    redirect_uri: str
    username: str | None = "bif.sagsbehandler"  # None: the ID token names nobody
    deny: bool = False  # /authorize answers error=access_denied
    sign_with: RSAKey | None = None  # a key not in the key set: a forged ID token
    claims: dict[str, Any] = field(default_factory=dict)  # put into the ID token as is
    key: RSAKey = field(default_factory=rsa_key)
    issuer: str = ""
    requests: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    grants: dict[str, Grant] = field(default_factory=dict)
    tokens_issued: int = 0

    def count(self, path: str) -> int:
        return sum(1 for seen, _ in self.requests if seen == path)

    def last(self, path: str) -> dict[str, str]:
        return next(params for seen, params in reversed(self.requests) if seen == path)

    # -- the endpoints ----------------------------------------------------------------

    def discovery(self) -> dict[str, Any]:
        return {
            "issuer": self.issuer,
            "authorization_endpoint": f"{self.issuer}/authorize",
            "token_endpoint": f"{self.issuer}/token",
            "jwks_uri": f"{self.issuer}/jwks",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "code_challenge_methods_supported": ["S256"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic"],
            "scopes_supported": ["openid", "profile", "email"],
        }

    def jwks(self) -> dict[str, Any]:
        return dict(KeySet([self.key]).as_dict(private=False))

    def authorize(self, query: dict[str, str]) -> tuple[int, dict[str, str], str]:
        """(status, headers, body): a redirect back to caseflow, or a refusal page for a
        request that cannot be sent back (unknown client or redirect URI)."""
        if query.get("client_id") != self.client_id:
            return 400, {}, "unknown client"
        if query.get("redirect_uri") != self.redirect_uri:
            return 400, {}, "redirect_uri is not registered"
        back: dict[str, str] = {"state": query.get("state", "")}
        well_formed = (
            query.get("response_type") == "code"
            and "openid" in query.get("scope", "").split()
            and query.get("code_challenge_method") == "S256"
            and query.get("code_challenge")
        )
        if not well_formed:
            back["error"] = "invalid_request"
        elif self.deny:
            back["error"] = "access_denied"
            back["error_description"] = "The user said no"
        else:
            code = secrets.token_urlsafe(24)
            self.grants[code] = Grant(
                self.client_id,
                self.redirect_uri,
                query.get("nonce"),
                query["code_challenge"],
                self.username,
            )
            back["code"] = code
        return 302, {"Location": f"{self.redirect_uri}?{urlencode(back)}"}, ""

    def token(self, headers: dict[str, str], form: dict[str, str]) -> tuple[int, dict[str, Any]]:
        client_id, secret = form.get("client_id"), form.get("client_secret")
        scheme, _, encoded = headers.get("authorization", "").partition(" ")
        if scheme.lower() == "basic":
            pair = base64.b64decode(encoded).decode()
            client_id, _, secret = (unquote(p) for p in pair.partition(":"))
        if client_id != self.client_id or secret != self.client_secret:
            return 401, {"error": "invalid_client"}
        if form.get("grant_type") != "authorization_code":
            return 400, {"error": "unsupported_grant_type"}
        grant = self.grants.get(form.get("code", ""))
        if grant is None or grant.used or time.time() - grant.at > 60:
            return 400, {"error": "invalid_grant", "error_description": "unknown code"}
        grant.used = True
        if form.get("redirect_uri") != grant.redirect_uri:
            return 400, {"error": "invalid_grant", "error_description": "redirect_uri"}
        verifier = form.get("code_verifier", "").encode()
        challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier).digest()).rstrip(b"=")
        if challenge.decode() != grant.challenge:
            return 400, {"error": "invalid_grant", "error_description": "PKCE verifier"}
        now = int(time.time())
        claims: dict[str, Any] = {
            "iss": self.issuer,
            "sub": f"sub-{grant.username}",
            "aud": grant.client_id,
            "iat": now,
            "exp": now + 300,
            "nonce": grant.nonce,
        }
        if grant.username is not None:
            claims["preferred_username"] = grant.username
        claims.update(self.claims)
        signer = self.sign_with or self.key
        id_token = jwt.encode({"alg": "RS256", "kid": signer.kid}, claims, signer)
        self.tokens_issued += 1
        return 200, {
            "access_token": secrets.token_urlsafe(24),
            "token_type": "Bearer",
            "expires_in": 300,
            "id_token": id_token,
        }


def _handler(provider: IdentityProvider) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:  # quiet
            del format, args

        def _send(self, status: int, body: str, headers: dict[str, str] | None = None) -> None:
            data = body.encode()
            self.send_response(status)
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _json(self, status: int, document: dict[str, Any]) -> None:
            self._send(status, json.dumps(document), {"Content-Type": "application/json"})

        def do_GET(self) -> None:
            url = urlsplit(self.path)
            query = {k: v[0] for k, v in parse_qs(url.query).items()}
            provider.requests.append((url.path, query))
            if url.path == "/.well-known/openid-configuration":
                self._json(200, provider.discovery())
            elif url.path == "/jwks":
                self._json(200, provider.jwks())
            elif url.path == "/authorize":
                status, headers, body = provider.authorize(query)
                self._send(status, body, headers)
            else:
                self._send(404, "not found")

        def do_POST(self) -> None:
            url = urlsplit(self.path)
            length = int(self.headers.get("Content-Length", "0"))
            form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
            provider.requests.append((url.path, form))
            if url.path != "/token":
                self._send(404, "not found")
                return
            headers = {k.lower(): v for k, v in self.headers.items()}
            status, document = provider.token(headers, form)
            self._json(status, document)

    return Handler


@contextmanager
def running_provider(
    client_id: str, client_secret: str, redirect_uri: str
) -> Iterator[IdentityProvider]:
    """A provider serving on 127.0.0.1 until the block ends."""
    provider = IdentityProvider(client_id, client_secret, redirect_uri)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(provider))
    server.daemon_threads = True
    provider.issuer = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, name="oidc-provider", daemon=True)
    thread.start()
    try:
        yield provider
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
