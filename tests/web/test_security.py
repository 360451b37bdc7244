"""Security of the web app: CSRF, session fixation and expiry, disabled users,
tokens past expiry, brute force, and the headers of every response."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient
from webtools import PASSWORD, csrf_of, sign_in

from caseflow.context import Context
from caseflow.services import accounts
from caseflow.testing import open_test_case
from caseflow.web.security import SESSION_COOKIE


def test_a_post_without_the_csrf_token_is_refused(
    with_passwords: Context, client_for: Callable[[str], TestClient]
) -> None:
    journal_no = open_test_case(with_passwords.engine)
    officer = client_for("bif.sagsbehandler")
    for token in (None, "forged"):
        data = {"trigger": "start_drafting", "version": "1"}
        if token:
            data["csrf_token"] = token
        refused = officer.post(f"/cases/{journal_no}/advance", data=data)
        assert refused.status_code == 403
    assert with_passwords.engine.get_case(journal_no).state == "registered"
    page = officer.get(f"/cases/{journal_no}")
    header = officer.post(
        f"/cases/{journal_no}/advance",
        data={"trigger": "start_drafting", "version": "1"},
        headers={"X-CSRF-Token": csrf_of(page.text), "HX-Request": "true"},
    )
    assert header.status_code == 200  # htmx sends the token as a header
    assert with_passwords.engine.get_case(journal_no).state == "drafting"


def test_the_sign_in_form_needs_its_own_token(app_client: TestClient) -> None:
    refused = app_client.post(
        "/signin", data={"username": "bif.sagsbehandler", "password": PASSWORD}
    )
    assert refused.status_code == 403
    assert SESSION_COOKIE not in refused.cookies


def test_sign_in_makes_a_new_session_and_ends_the_old_one(app_client: TestClient) -> None:
    sign_in(app_client, "bif.sagsbehandler")
    first = app_client.cookies[SESSION_COOKIE]
    sign_in(app_client, "bif.sagsbehandler")
    second = app_client.cookies[SESSION_COOKIE]
    assert first != second
    app_client.cookies.clear()
    app_client.cookies.set(SESSION_COOKIE, first)
    assert app_client.get("/inbox", follow_redirects=False).status_code == 303
    app_client.cookies.set(SESSION_COOKIE, "planted-by-an-attacker")
    assert app_client.get("/inbox", follow_redirects=False).status_code == 303


def test_a_disabled_users_session_ends(
    with_passwords: Context, client_for: Callable[[str], TestClient]
) -> None:
    officer = client_for("bif.sagsbehandler")
    assert officer.get("/inbox").status_code == 200
    accounts.disable_user(with_passwords, with_passwords.engine.actor("admin"), "bif.sagsbehandler")
    assert officer.get("/inbox", follow_redirects=False).status_code == 303


def test_sign_out_ends_the_session(client_for: Callable[[str], TestClient]) -> None:
    officer = client_for("bif.sagsbehandler")
    page = officer.get("/inbox")
    token = officer.cookies[SESSION_COOKIE]
    officer.post("/signout", data={"csrf_token": csrf_of(page.text)})
    officer.cookies.set(SESSION_COOKIE, token)
    assert officer.get("/inbox", follow_redirects=False).status_code == 303


def test_a_token_past_its_expiry_is_refused(
    with_passwords: Context, app_client: TestClient
) -> None:
    actor = with_passwords.engine.actor("bif.sagsbehandler")
    old = accounts.issue_token(
        with_passwords, actor, "old", days=1, now=datetime.now(UTC) - timedelta(days=2)
    )
    refused = app_client.get("/api/v1/me", headers={"Authorization": f"Bearer {old.secret}"})
    assert refused.status_code == 401
    fresh = accounts.issue_token(with_passwords, actor, "fresh", days=1)
    assert (
        app_client.get(
            "/api/v1/me", headers={"Authorization": f"Bearer {fresh.secret}"}
        ).status_code
        == 200
    )
    accounts.revoke_token(with_passwords, actor, fresh.id)
    assert (
        app_client.get(
            "/api/v1/me", headers={"Authorization": f"Bearer {fresh.secret}"}
        ).status_code
        == 401
    )


def test_a_brute_force_run_is_locked_out(app_client: TestClient) -> None:
    page = app_client.get("/signin")
    token = csrf_of(page.text)
    statuses = [
        app_client.post(
            "/signin",
            data={"username": "bif.sagsbehandler", "password": f"guess {n}", "csrf_token": token},
        ).status_code
        for n in range(6)
    ]
    assert statuses[:4] == [401] * 4
    assert statuses[4:] == [429, 429]  # the fifth failure locks the account
    right = app_client.post(
        "/signin",
        data={"username": "bif.sagsbehandler", "password": PASSWORD, "csrf_token": token},
        follow_redirects=False,
    )
    assert right.status_code == 429  # locked: even the right password waits


def test_every_response_carries_the_security_headers(
    client_for: Callable[[str], TestClient],
) -> None:
    officer = client_for("bif.sagsbehandler")
    for path in ("/inbox", "/signin", "/api/v1/health", "/static/caseflow.css", "/nowhere"):
        headers = officer.get(path).headers
        policy = headers["content-security-policy"]
        assert "script-src 'self'" in policy
        assert "unsafe-inline" not in policy
        assert "frame-ancestors 'none'" in policy
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["referrer-policy"] == "same-origin"
    assert officer.get("/inbox").headers["cache-control"] == "no-store"


def test_the_session_cookie_is_httponly_and_samesite(app_client: TestClient) -> None:
    page = app_client.get("/signin")
    response = app_client.post(
        "/signin",
        data={
            "username": "bif.sagsbehandler",
            "password": PASSWORD,
            "csrf_token": csrf_of(page.text),
        },
        follow_redirects=False,
    )
    cookie = response.headers["set-cookie"]
    assert f"{SESSION_COOKIE}=" in cookie
    assert "HttpOnly" in cookie
    assert "SameSite=lax" in cookie or "samesite=lax" in cookie.lower()
