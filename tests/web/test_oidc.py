"""Sign-in through an identity provider (OpenID Connect), end to end: the app in
process, the test's own provider (:mod:`oidc_provider`) over real HTTP on 127.0.0.1.

The test plays the browser: it takes the app's redirect to the provider, asks the
provider over HTTP, and brings the provider's redirect back to the app.
"""

from __future__ import annotations

import dataclasses
import socket
import time
from collections.abc import Iterator
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
import pytest
from fastapi.testclient import TestClient
from oidc_provider import IdentityProvider, rsa_key, running_provider

from caseflow.context import Context
from caseflow.domain import AccountEventKind, SignInVia
from caseflow.errors import InvalidInput, NotFound
from caseflow.services import accounts
from caseflow.store import organisation as org_rows
from caseflow.store.db import read_transaction
from caseflow.web.app import create_app
from caseflow.web.oidc import FLOW_COOKIE, Flow, OidcClient
from caseflow.web.security import LANGUAGE_COOKIE, SESSION_COOKIE

CLIENT_ID = "caseflow-test"
CLIENT_SECRET = "s3cret: with/odd&chars"
REDIRECT_URI = "http://testserver/signin/oidc/callback"


@pytest.fixture
def provider() -> Iterator[IdentityProvider]:
    with running_provider(CLIENT_ID, CLIENT_SECRET, REDIRECT_URI) as running:
        yield running


def _with_issuer(ctx: Context, issuer: str) -> Context:
    settings = dataclasses.replace(
        ctx.settings,
        oidc_issuer=issuer,
        oidc_client_id=CLIENT_ID,
        oidc_client_secret=CLIENT_SECRET,
    )
    return Context(settings, ctx.engine)


@pytest.fixture
def oidc_ctx(ctx: Context, provider: IdentityProvider) -> Context:
    return _with_issuer(ctx, provider.issuer)


@pytest.fixture
def client(oidc_ctx: Context) -> Iterator[TestClient]:
    with TestClient(create_app(oidc_ctx)) as app_client:
        yield app_client


def _to_provider(client: TestClient, next_url: str = "/inbox") -> str:
    """The app's redirect to the provider's /authorize."""
    start = client.get("/signin/oidc", params={"next": next_url}, follow_redirects=False)
    assert start.status_code == 303, start.text
    return start.headers["location"]


def _back_from_provider(authorize_url: str) -> str:
    """What the provider answers the browser: the redirect back to caseflow."""
    answer = httpx.get(authorize_url, follow_redirects=False, timeout=10)
    assert answer.status_code == 302, answer.text
    location = answer.headers["location"]
    assert location.startswith(REDIRECT_URI)
    return location


def _callback(client: TestClient, location: str) -> httpx.Response:
    split = urlsplit(location)
    return client.get(f"{split.path}?{split.query}", follow_redirects=False)


def _sign_in(client: TestClient, next_url: str = "/inbox") -> httpx.Response:
    return _callback(client, _back_from_provider(_to_provider(client, next_url)))


def _actor_count(ctx: Context) -> int:
    with read_transaction(ctx.engine.db) as conn:
        return len(org_rows.list_actors(conn))


def test_a_known_user_signs_in_and_reaches_the_inbox(
    oidc_ctx: Context, provider: IdentityProvider, client: TestClient
) -> None:
    start = client.get("/signin/oidc", params={"next": "/inbox?tab=due"}, follow_redirects=False)
    assert start.status_code == 303
    cookie = start.headers["set-cookie"]
    assert cookie.startswith(f"{FLOW_COOKIE}=")
    for attribute in ("HttpOnly", "Path=/signin/oidc", "Max-Age=600"):
        assert attribute in cookie
    assert "samesite=lax" in cookie.lower()
    authorize = start.headers["location"]
    assert authorize.startswith(f"{provider.issuer}/authorize?")
    query = {k: v[0] for k, v in parse_qs(urlsplit(authorize).query).items()}
    assert query["code_challenge_method"] == "S256"
    for name in ("state", "nonce", "code_challenge"):
        assert query[name]
    assert query["redirect_uri"] == REDIRECT_URI
    assert "code_verifier" not in query  # the verifier stays in the cookie
    assert "/inbox" not in authorize  # so does the next URL
    assert query["state"] not in cookie.split(";")[0]  # signed, not the state in clear

    back = _callback(client, _back_from_provider(authorize))
    assert back.status_code == 303, back.text
    assert back.headers["location"] == "/inbox?tab=due"
    token = client.cookies[SESSION_COOKIE]
    session = accounts.session(oidc_ctx, token)
    assert session is not None
    assert session.actor.username == "bif.sagsbehandler"
    assert session.via is SignInVia.OIDC
    assert FLOW_COOKIE not in client.cookies  # a flow finishes once
    token_request = provider.last("/token")
    assert token_request["code_verifier"]
    assert token_request["redirect_uri"] == REDIRECT_URI

    inbox = client.get("/inbox?tab=due")
    assert inbox.status_code == 200
    assert "Logget ind som Sara Holm" in inbox.text
    events = accounts.account_events(oidc_ctx, session.actor)
    signed_in = [e for e in events if e.kind is AccountEventKind.SIGNED_IN]
    assert signed_in
    assert "(oidc)" in (signed_in[0].detail or "")


def test_the_discovery_document_is_kept(provider: IdentityProvider, client: TestClient) -> None:
    _sign_in(client)
    client.cookies.clear()
    assert _sign_in(client).status_code == 303
    assert provider.count("/.well-known/openid-configuration") == 1
    assert provider.count("/jwks") == 1
    assert provider.tokens_issued == 2


def test_an_unknown_username_is_refused_and_no_actor_is_made(
    oidc_ctx: Context, provider: IdentityProvider, client: TestClient
) -> None:
    before = _actor_count(oidc_ctx)
    provider.username = "ukendt.person"
    refused = _sign_in(client)
    assert refused.status_code == 403
    assert "ukendt.person er ikke en aktiv bruger i caseflow" in refused.text
    assert SESSION_COOKIE not in client.cookies
    assert _actor_count(oidc_ctx) == before
    with pytest.raises(NotFound):
        oidc_ctx.engine.actor("ukendt.person")
    admin = oidc_ctx.engine.actor("admin")
    events = accounts.account_events(oidc_ctx, admin, "ukendt.person")
    assert [e.kind for e in events] == [AccountEventKind.SIGN_IN_FAILED]


def test_a_disabled_user_is_refused(
    oidc_ctx: Context, provider: IdentityProvider, client: TestClient
) -> None:
    accounts.disable_user(oidc_ctx, oidc_ctx.engine.actor("admin"), "bif.sagsbehandler")
    client.cookies.set(LANGUAGE_COOKIE, "en")
    refused = _sign_in(client)
    assert refused.status_code == 403
    assert "bif.sagsbehandler is not an active caseflow user" in refused.text
    assert SESSION_COOKIE not in client.cookies


def test_a_wrong_state_is_refused_before_the_code_is_used(
    provider: IdentityProvider, client: TestClient
) -> None:
    location = _back_from_provider(_to_provider(client))
    split = urlsplit(location)
    query = {k: v[0] for k, v in parse_qs(split.query).items()}
    forged = client.get(
        f"{split.path}?{urlencode({**query, 'state': 'guessed'})}", follow_redirects=False
    )
    assert forged.status_code == 400
    assert "hører ikke til et login, der er startet i denne browser" in forged.text
    assert SESSION_COOKIE not in client.cookies
    assert provider.tokens_issued == 0
    again = _callback(client, location)  # the flow's cookie went with the refusal
    assert again.status_code == 400
    assert provider.tokens_issued == 0


def test_a_callback_without_the_flow_cookie_is_refused(
    oidc_ctx: Context, provider: IdentityProvider
) -> None:
    app = create_app(oidc_ctx)
    with TestClient(app) as starter, TestClient(app) as other_browser:
        location = _back_from_provider(_to_provider(starter))
        refused = _callback(other_browser, location)
        assert refused.status_code == 400
        assert SESSION_COOKIE not in other_browser.cookies
    assert provider.tokens_issued == 0


def test_a_tampered_flow_cookie_is_refused(provider: IdentityProvider, client: TestClient) -> None:
    location = _back_from_provider(_to_provider(client))
    sealed = client.cookies[FLOW_COOKIE]
    body, mac = sealed.split(".")
    client.cookies.clear()
    client.cookies.set(FLOW_COOKIE, f"{body}x.{mac}", path="/signin/oidc")
    assert _callback(client, location).status_code == 400
    assert provider.tokens_issued == 0


def test_an_old_flow_is_refused() -> None:
    oidc = OidcClient("http://127.0.0.1:9", CLIENT_ID, CLIENT_SECRET)
    flow = Flow("s", "n", "v", "/inbox", REDIRECT_URI, int(time.time()) - 3600)
    assert oidc.unseal(oidc.seal(flow)) is None
    fresh = dataclasses.replace(flow, started=int(time.time()))
    assert oidc.unseal(oidc.seal(fresh)) == fresh
    other = OidcClient("http://127.0.0.1:9", CLIENT_ID, "another secret")
    assert other.unseal(oidc.seal(fresh)) is None


@pytest.mark.parametrize(
    "forgery",
    ["another key", "another audience", "another issuer", "another nonce", "expired"],
)
def test_a_forged_id_token_is_refused(
    provider: IdentityProvider, client: TestClient, forgery: str
) -> None:
    if forgery == "another key":
        provider.sign_with = rsa_key()  # the same key id, not the provider's key
    elif forgery == "another audience":
        provider.claims = {"aud": "someone-else"}
    elif forgery == "another issuer":
        provider.claims = {"iss": "http://127.0.0.1:1/evil"}
    elif forgery == "another nonce":
        provider.claims = {"nonce": "replayed"}
    else:
        provider.claims = {"exp": int(time.time()) - 3600, "iat": int(time.time()) - 7200}
    refused = _sign_in(client)
    assert refused.status_code == 401
    assert "Identitetsudbyderens svar kunne ikke godkendes" in refused.text
    assert SESSION_COOKIE not in client.cookies
    assert provider.tokens_issued == 1


def test_a_token_signed_with_an_unknown_key_id_refetches_the_keys_once(
    provider: IdentityProvider, client: TestClient
) -> None:
    _sign_in(client)  # keys fetched
    client.cookies.clear()
    provider.sign_with = rsa_key("rotated")  # unknown to the kept keys and to the provider's
    assert _sign_in(client).status_code == 401
    assert provider.count("/jwks") == 1  # kept for less than a minute: not fetched again


def test_a_token_without_the_username_claim_is_refused(
    provider: IdentityProvider, client: TestClient
) -> None:
    provider.username = None
    refused = _sign_in(client)
    assert refused.status_code == 401
    assert "preferred_username" in refused.text
    assert SESSION_COOKIE not in client.cookies


def test_access_denied_is_shown_as_a_message(
    provider: IdentityProvider, client: TestClient
) -> None:
    provider.deny = True
    refused = _sign_in(client)
    assert refused.status_code == 403
    assert "Identitetsudbyderen gav ikke adgang" in refused.text
    assert "Traceback" not in refused.text
    assert provider.tokens_issued == 0
    client.cookies.set(LANGUAGE_COOKIE, "en")
    assert "did not let you in" in _sign_in(client).text


def test_next_is_kept_to_this_site(client: TestClient) -> None:
    assert _sign_in(client, "//evil.example/x").headers["location"] == "/inbox"


def test_the_button_shows_only_when_an_issuer_is_set(ctx: Context, client: TestClient) -> None:
    page = client.get("/signin", params={"next": "/cases?tab=due&x=1"})
    assert page.status_code == 200
    assert 'href="/signin/oidc?next=/cases%3Ftab%3Ddue%26x%3D1"' in page.text
    assert "Log ind med http://127.0.0.1:" in page.text
    with TestClient(create_app(ctx)) as plain:
        without = plain.get("/signin")
        assert "/signin/oidc" not in without.text
        assert plain.get("/signin/oidc", follow_redirects=False).status_code == 404
        assert plain.get("/signin/oidc/callback?code=x&state=y").status_code == 404


def test_an_unreachable_provider_gives_a_page_not_a_500(ctx: Context) -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with TestClient(create_app(_with_issuer(ctx, f"http://127.0.0.1:{port}"))) as app_client:
        page = app_client.get("/signin/oidc", follow_redirects=False)
        assert page.status_code == 503
        assert "kan ikke nås lige nu" in page.text
        assert 'name="password"' in page.text  # the password form still works


def test_an_issuer_needs_a_client_id_and_secret(ctx: Context) -> None:
    settings = dataclasses.replace(ctx.settings, oidc_issuer="https://login.kk.example")
    with pytest.raises(
        InvalidInput, match="CASEFLOW_OIDC_CLIENT_ID and CASEFLOW_OIDC_CLIENT_SECRET"
    ):
        create_app(Context(settings, ctx.engine))


def test_keys_the_provider_rotated_are_fetched_again(
    provider: IdentityProvider, client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert _sign_in(client).status_code == 303
    client.cookies.clear()
    provider.key = rsa_key("rotated")  # the provider's new key, served at /jwks from now on
    monkeypatch.setattr("caseflow.web.oidc.REFETCH_KEYS_AFTER", 0.0)
    assert _sign_in(client).status_code == 303
    assert provider.count("/jwks") == 2


def test_a_token_endpoint_that_refuses_the_client_is_a_message(
    ctx: Context, provider: IdentityProvider
) -> None:
    provider.client_secret = "rotated at the provider"
    with TestClient(create_app(_with_issuer(ctx, provider.issuer))) as app_client:
        refused = _sign_in(app_client)
        assert refused.status_code == 401
        assert "Identitetsudbyderens svar kunne ikke godkendes" in refused.text
        assert SESSION_COOKIE not in app_client.cookies
    assert provider.tokens_issued == 0
