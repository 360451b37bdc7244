"""Sign-in through the municipality's identity provider: OpenID Connect.

caseflow is a *confidential* client of the provider using the Authorization Code
flow with PKCE (S256), ``state`` and ``nonce``. :class:`OidcClient` is the one
object per app (``app.state.oidc``, made by :func:`client_for` from the settings);
the routes are in :mod:`caseflow.web.pages.oidc`.

**The provider.** Its discovery document, ``{issuer}/.well-known/openid-configuration``,
and its keys (``jwks_uri``) are fetched when first needed and kept for
:data:`KEEP_FOR`; an ID token signed with a key id the kept keys do not have makes
one fresh fetch of the keys (the provider rotated them), at most every
:data:`REFETCH_KEYS_AFTER`, so forged key ids cannot make us hammer the provider. A
provider that cannot be reached, or answers with something that is not a discovery
document, is refused as ``oidc_unavailable`` (the page says so; the password form
still works).

**The flow cookie.** Between the redirect to the provider and the callback the flow's
secrets (``state``, ``nonce``, the PKCE verifier), the redirect URI and the ``next``
URL live in one cookie, :data:`FLOW_COOKIE`: HttpOnly, SameSite=Lax (the callback is a
top-level navigation from the provider's site, which Lax lets through and which
Strict would not), limited to the path :data:`FLOW_PATH` and to :data:`FLOW_SECONDS`.
Only ``state`` (and the S256 challenge, which reveals nothing) goes into the URL.
The cookie is *signed* rather than kept server-side: any worker process, or any web
server behind the load balancer, can finish a flow another one began, with no table
and no shared memory. Its value is the flow as base64url JSON and an HMAC-SHA256 over
it, keyed with a key derived from the client secret (which every process has; this
is why a client secret is required). The signature makes the cookie the server's own
and its age tamper-proof; it is not encrypted, since all it holds is the browser's
own flow and the browser cannot read it from script. The callback compares the
returned ``state`` with the cookie's in constant time and deletes the cookie, so a
flow finishes once; a second sign-in started in another tab replaces the first one's
cookie (that tab then gets the "start again" message). Rotating the client secret
only ends the flows under way.

**The ID token.** Verified with joserfc (authlib's own JOSE library since authlib
1.7; ``authlib.jose`` is deprecated) against the provider's keys, with asymmetric
algorithms only (never ``none`` or HMAC), then its claims with authlib's
:class:`~authlib.oidc.core.CodeIDToken`: ``iss`` is the discovered issuer, ``aud``
holds our client id (and ``azp`` is ours when there are several), ``exp`` and
``iat`` hold within :data:`LEEWAY`, ``nonce`` is the flow's, and ``at_hash`` (when
sent) matches the access token. The username is the claim
``settings.oidc_username_claim`` names; whether that user may sign in is
:func:`caseflow.services.accounts.sign_in_external`'s decision.

The HTTP calls go through httpx with authlib's framework-independent OAuth 2 client
(:class:`authlib.oauth2.client.OAuth2Client` over an ``httpx.Client``), which builds
the authorization URL (with the S256 challenge) and the token request.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import logging
import secrets
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import httpx
from authlib.common.errors import AuthlibBaseError
from authlib.oauth2.client import OAuth2Client
from authlib.oidc.core import CodeIDToken
from joserfc import jwt
from joserfc.errors import InvalidKeyIdError, JoseError
from joserfc.jwk import KeySet

from caseflow.errors import InvalidInput
from caseflow.settings import Settings

log = logging.getLogger(__name__)

FLOW_COOKIE = "caseflow_oidc"
FLOW_PATH = "/signin/oidc"  # the start and the callback, nothing else, get the cookie
FLOW_SECONDS = 600  # a sign-in at the provider must be done within this long
KEEP_FOR = 3600.0  # seconds the discovery document and the keys are kept
REFETCH_KEYS_AFTER = 60.0  # an unknown key id refetches the keys at most this often
TIMEOUT = 10.0  # seconds for each request to the provider
LEEWAY = 60  # seconds of clock skew allowed on exp and iat
NEXT_LENGTH = 2000  # a longer next URL is not kept: the reader lands on the inbox

# The signing algorithms an ID token may use: asymmetric ones only.
ALGORITHMS = frozenset(
    {"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"}
)
_COOKIE_KEY_LABEL = b"caseflow oidc flow cookie v1"


class OidcRefused(Exception):
    """A sign-in through the provider that cannot go on: the key of the text the reader
    gets (in :mod:`caseflow.web.texts_oidc`), its parameters, the HTTP status of the
    page, and a detail for the log (never shown: it may name what was wrong)."""

    def __init__(self, key: str, status: int, detail: str = "", **params: object) -> None:
        super().__init__(f"{key}: {detail}" if detail else key)
        self.key = key
        self.status = status
        self.detail = detail
        self.params = params


@dataclass(frozen=True)
class Flow:
    """One sign-in under way, as its cookie carries it."""

    state: str
    nonce: str
    verifier: str  # the PKCE code verifier
    next_url: str
    redirect_uri: str
    started: int  # unix time


@dataclass(frozen=True)
class Provider:
    """What discovery tells of the provider, as far as caseflow uses it."""

    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    jwks_uri: str
    algorithms: tuple[str, ...]
    client_auth: str  # client_secret_basic or client_secret_post


def client_for(settings: Settings) -> OidcClient | None:
    """The app's OpenID Connect client, None when no issuer is set. An issuer without
    a client id or secret is refused here, at start, with what is missing."""
    if not settings.oidc_issuer:
        return None
    missing = [
        f"CASEFLOW_{name.upper()}"
        for name in ("oidc_client_id", "oidc_client_secret")
        if not getattr(settings, name)
    ]
    if missing:
        raise InvalidInput(
            f"CASEFLOW_OIDC_ISSUER is set, so sign-in through the identity provider needs "
            f"{' and '.join(missing)} too (caseflow is a confidential client)"
        )
    if not settings.oidc_username_claim.strip():
        raise InvalidInput(
            "CASEFLOW_OIDC_USERNAME_CLAIM must name a claim, e.g. preferred_username"
        )
    return OidcClient(
        settings.oidc_issuer,
        settings.oidc_client_id or "",
        settings.oidc_client_secret or "",
        settings.oidc_username_claim.strip(),
    )


class OidcClient:
    """caseflow as the client of one OpenID provider. Thread-safe: the routes run in
    the thread pool; the kept discovery document and keys are replaced whole."""

    def __init__(
        self,
        issuer: str,
        client_id: str,
        client_secret: str,
        username_claim: str = "preferred_username",
        *,
        timeout: float = TIMEOUT,
    ) -> None:
        self.issuer = issuer
        self.client_id = client_id
        self._client_secret = client_secret
        self.username_claim = username_claim
        self.timeout = timeout
        self._cookie_key = hmac.new(
            client_secret.encode("utf-8"), _COOKIE_KEY_LABEL, hashlib.sha256
        ).digest()
        self._lock = threading.Lock()
        self._provider: tuple[float, Provider] | None = None
        self._keys: tuple[float, KeySet] | None = None

    def __repr__(self) -> str:  # never the secret
        return f"OidcClient(issuer={self.issuer!r}, client_id={self.client_id!r})"

    @property
    def scope(self) -> str:
        """``openid profile`` (where ``preferred_username`` and ``name`` come from),
        and ``email`` when the username is the e-mail address."""
        return "openid profile email" if self.username_claim == "email" else "openid profile"

    # -- the provider ---------------------------------------------------------------------

    def provider(self) -> Provider:
        """The discovery document, fetched at most every :data:`KEEP_FOR`."""
        kept = self._provider
        if kept is not None and time.monotonic() - kept[0] < KEEP_FOR:
            return kept[1]
        url = self.issuer.rstrip("/") + "/.well-known/openid-configuration"
        document = self._get_json(url)
        provider = self._read_discovery(url, document)
        with self._lock:
            self._provider = (time.monotonic(), provider)
        return provider

    def _read_discovery(self, url: str, document: Mapping[str, Any]) -> Provider:
        fields = ("issuer", "authorization_endpoint", "token_endpoint", "jwks_uri")
        missing = [f for f in fields if not isinstance(document.get(f), str) or not document[f]]
        if missing:
            raise self._unavailable(f"{url}: no {', '.join(missing)} in the discovery document")
        issuer = str(document["issuer"])
        if issuer.rstrip("/") != self.issuer.rstrip("/"):
            raise self._unavailable(
                f"{url}: the discovery document is of issuer {issuer!r}, not {self.issuer!r}"
            )
        offered = document.get("id_token_signing_alg_values_supported") or ["RS256"]
        algorithms = tuple(a for a in offered if isinstance(a, str) and a in ALGORITHMS)
        if not algorithms:
            raise self._unavailable(f"{url}: no asymmetric ID token algorithm among {offered}")
        methods = document.get("token_endpoint_auth_methods_supported") or []
        basic = not methods or "client_secret_basic" in methods
        client_auth = (
            "client_secret_post"
            if not basic and "client_secret_post" in methods
            else "client_secret_basic"
        )
        return Provider(
            issuer=issuer,
            authorization_endpoint=str(document["authorization_endpoint"]),
            token_endpoint=str(document["token_endpoint"]),
            jwks_uri=str(document["jwks_uri"]),
            algorithms=algorithms,
            client_auth=client_auth,
        )

    def _key_set(self, provider: Provider, *, refresh: bool = False) -> KeySet:
        kept = self._keys
        now = time.monotonic()
        if kept is not None:
            age = now - kept[0]
            if age < KEEP_FOR and not (refresh and age >= REFETCH_KEYS_AFTER):
                return kept[1]
        document = self._get_json(provider.jwks_uri)
        try:
            keys = KeySet.import_key_set(document)  # type: ignore[arg-type]
        except (JoseError, KeyError, TypeError, ValueError) as error:
            raise self._unavailable(f"{provider.jwks_uri}: not a key set ({error})") from error
        with self._lock:
            self._keys = (now, keys)
        return keys

    def _get_json(self, url: str) -> dict[str, Any]:
        try:
            with httpx.Client(timeout=self.timeout) as http:
                response = http.get(url, headers={"Accept": "application/json"})
                response.raise_for_status()
                document = response.json()
        except (httpx.HTTPError, ValueError) as error:
            raise self._unavailable(f"{url}: {error}") from error
        if not isinstance(document, dict):
            raise self._unavailable(f"{url}: not a JSON object")
        return document

    def _unavailable(self, detail: str) -> OidcRefused:
        return OidcRefused("oidc_unavailable", 503, detail, issuer=self.issuer)

    # -- the flow -------------------------------------------------------------------------

    def begin(self, redirect_uri: str, next_url: str) -> tuple[str, Flow]:
        """The provider's authorization URL to send the reader to, and the flow for
        the cookie (:meth:`seal`)."""
        provider = self.provider()
        flow = Flow(
            state=secrets.token_urlsafe(32),
            nonce=secrets.token_urlsafe(32),
            verifier=secrets.token_urlsafe(48),  # 64 characters (RFC 7636: 43 to 128)
            next_url=next_url if len(next_url) <= NEXT_LENGTH else "/inbox",
            redirect_uri=redirect_uri,
            started=int(time.time()),
        )
        oauth = OAuth2Client(
            None,
            client_id=self.client_id,
            scope=self.scope,
            redirect_uri=redirect_uri,
            code_challenge_method="S256",
        )
        url, _state = oauth.create_authorization_url(
            provider.authorization_endpoint,
            state=flow.state,
            code_verifier=flow.verifier,
            nonce=flow.nonce,
        )
        return str(url), flow

    def seal(self, flow: Flow) -> str:
        """The flow as its cookie's value: base64url JSON, a dot, its HMAC."""
        payload = json.dumps(
            {
                "s": flow.state,
                "n": flow.nonce,
                "v": flow.verifier,
                "x": flow.next_url,
                "r": flow.redirect_uri,
                "t": flow.started,
            },
            separators=(",", ":"),
        ).encode("utf-8")
        body = _b64(payload)
        return f"{body}.{_b64(self._mac(body))}"

    def unseal(self, value: str | None, *, now: float | None = None) -> Flow | None:
        """The flow a cookie carries; None when there is none, its signature is not
        ours, or it is older than :data:`FLOW_SECONDS`."""
        if not value or value.count(".") != 1 or not value.isascii():
            return None
        body, mac = value.split(".")
        try:
            if not hmac.compare_digest(_unb64(mac), self._mac(body)):
                return None
            data = json.loads(_unb64(body))  # only once the signature is ours
        except (ValueError, binascii.Error):
            return None
        if not isinstance(data, dict):
            return None
        texts = ("s", "n", "v", "x", "r")
        if not all(isinstance(data.get(k), str) for k in texts) or type(data.get("t")) is not int:
            return None
        age = (time.time() if now is None else now) - data["t"]
        if not 0 <= age <= FLOW_SECONDS + 5:  # a few seconds of skew between servers
            return None
        return Flow(data["s"], data["n"], data["v"], data["x"], data["r"], data["t"])

    def _mac(self, body: str) -> bytes:
        return hmac.new(self._cookie_key, body.encode("ascii"), hashlib.sha256).digest()

    def finish(self, flow: Flow, answer: Mapping[str, str]) -> str:
        """The username the provider vouches for, from its answer on the callback (the
        query's parameters): checks ``state``, then the provider's error, exchanges the
        code and verifies the ID token. Raises :class:`OidcRefused` for anything wrong."""
        if not _same(answer.get("state"), flow.state):
            raise OidcRefused("oidc_state", 400, "the state is not the flow's")
        error = answer.get("error")
        if error:
            detail = f"{error}: {answer.get('error_description', '')}"[:300]
            if error == "access_denied":
                raise OidcRefused("oidc_denied", 403, detail)
            raise OidcRefused("oidc_provider_error", 403, detail, error=error[:60])
        code = answer.get("code")
        if not code:
            raise OidcRefused("oidc_state", 400, "the answer has neither a code nor an error")
        provider = self.provider()
        token = self._exchange(provider, flow, code)
        claims = self._verify(provider, flow, token)
        username = claims.get(self.username_claim)
        if not isinstance(username, str) or not username.strip():
            raise OidcRefused(
                "oidc_no_username",
                401,
                f"the ID token has no claim {self.username_claim!r}",
                claim=self.username_claim,
            )
        return username

    def _exchange(self, provider: Provider, flow: Flow, code: str) -> dict[str, Any]:
        extra: dict[str, str] = {}
        auth: httpx.Auth
        if provider.client_auth == "client_secret_post":
            auth = httpx.Auth()  # no header: the client's id and secret go in the body
            extra = {"client_id": self.client_id, "client_secret": self._client_secret}
        else:  # RFC 6749 2.3.1: each part form-urlencoded, then HTTP Basic
            auth = httpx.BasicAuth(
                quote(self.client_id, safe=""), quote(self._client_secret, safe="")
            )
        try:
            with httpx.Client(timeout=self.timeout) as http:
                oauth = OAuth2Client(
                    http,
                    client_id=self.client_id,
                    client_secret=self._client_secret,
                    token_endpoint_auth_method=provider.client_auth,
                    code_challenge_method="S256",
                )
                token = oauth.fetch_token(
                    provider.token_endpoint,
                    grant_type="authorization_code",
                    code=code,
                    redirect_uri=flow.redirect_uri,
                    code_verifier=flow.verifier,
                    auth=auth,
                    **extra,
                )
        except (httpx.TransportError, httpx.HTTPStatusError) as error:
            status = getattr(getattr(error, "response", None), "status_code", 0)
            if isinstance(error, httpx.TransportError) or status >= 500:
                raise self._unavailable(f"{provider.token_endpoint}: {error}") from error
            raise OidcRefused("oidc_token", 401, f"token endpoint: {error}") from error
        except (AuthlibBaseError, ValueError, httpx.HTTPError) as error:
            raise OidcRefused("oidc_token", 401, f"token endpoint: {error}") from error
        if not isinstance(token, dict) or not isinstance(token.get("id_token"), str):
            raise OidcRefused("oidc_token", 401, "the token endpoint sent no ID token")
        return dict(token)

    def _verify(self, provider: Provider, flow: Flow, token: Mapping[str, Any]) -> CodeIDToken:
        id_token = str(token["id_token"])
        try:
            try:
                decoded = jwt.decode(id_token, self._key_set(provider), provider.algorithms)
            except InvalidKeyIdError:  # perhaps the provider rotated its keys
                keys = self._key_set(provider, refresh=True)
                decoded = jwt.decode(id_token, keys, provider.algorithms)
            access_token = token.get("access_token")
            claims = CodeIDToken(
                decoded.claims,
                decoded.header,
                {
                    "iss": {"essential": True, "value": provider.issuer},
                    "aud": {"essential": True, "value": self.client_id},
                    "exp": {"essential": True},
                    "nonce": {"essential": True, "value": flow.nonce},
                },
                {
                    "nonce": flow.nonce,
                    "client_id": self.client_id,
                    "access_token": access_token if isinstance(access_token, str) else None,
                },
            )
            claims.validate(leeway=LEEWAY)
        except (JoseError, ValueError, TypeError, KeyError) as error:
            name = type(error).__name__
            raise OidcRefused("oidc_token", 401, f"ID token refused: {name}: {error}") from error
        return claims


def _same(given: str | None, expected: str) -> bool:
    return bool(given) and hmac.compare_digest(str(given).encode(), expected.encode())


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
