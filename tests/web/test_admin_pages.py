"""The administrators' pages: incidents and failed notifications with retry, users with
their roles and sessions (disable, enable), the organisation with its history, the
workflows with their versions; and that nobody else gets in."""

from __future__ import annotations

import ast
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update
from webtools import csrf_of

from caseflow.context import Context
from caseflow.services import accounts
from caseflow.services import incidents as incident_service
from caseflow.store import outbox
from caseflow.store.tables import cases as cases_table
from caseflow.store.tables import outbox as outbox_table
from caseflow.testing import open_test_case
from caseflow.web import texts_admin

Clients = Callable[[str], TestClient]
Tokens = Callable[[str], dict[str, str]]


def failed_notification(ctx: Context, key: str = "biu:failed") -> str:
    """A notification of a new case that the mail server refused for good: its incident id."""
    engine = ctx.engine
    case = engine.get_case(open_test_case(engine))
    with engine.transaction() as conn:
        outbox.enqueue(
            conn,
            key=key,
            case_id=case.id,
            template="expired",
            language="da",
            recipients=[{"address": "someone@example.dk", "name": None}],
            context={},
            now=engine.clock.now(),
        )
        conn.execute(
            update(outbox_table)
            .where(outbox_table.c.key == key)
            .values(status="failed", attempts=8, last_error="550 <no such user>")
        )
    (incident,) = incident_service.list_incidents(ctx, engine.actor("admin")).items
    return incident.id


def incident_ids(ctx: Context) -> list[str]:
    return [i.id for i in incident_service.list_incidents(ctx, ctx.engine.actor("admin")).items]


def test_the_admin_sees_incidents_and_retries_a_failed_notification(
    with_passwords: Context, client_for: Clients
) -> None:
    ctx = with_passwords
    incident = failed_notification(ctx)
    admin = client_for("admin")
    page = admin.get("/admin/incidents?lang=da")
    assert page.status_code == 200
    assert f'id="incident-{incident}"' in page.text
    assert "550 &lt;no such user&gt;" in page.text  # the error, escaped
    assert 'scope="col"' in page.text
    assert "<caption>" in page.text

    retried = admin.post(
        "/admin/incidents/retry",
        data={"csrf_token": csrf_of(page.text), "id": incident},
        follow_redirects=False,
    )
    assert retried.status_code == 303
    assert incident_ids(ctx) == []  # queued again for the worker
    after = admin.get(retried.headers["location"])
    assert "Genåbnet: 0 frister og 1 beskeder." in after.text
    assert "Ingen hændelser." in after.text

    gone = admin.post(
        "/admin/incidents/retry", data={"csrf_token": csrf_of(page.text), "id": incident}
    )
    assert gone.status_code == 404  # no longer an incident: said on the page
    assert 'id="retry-all-error"' not in gone.text
    assert 'class="error-summary"' in gone.text


def test_the_admin_retries_every_failed_notification(
    with_passwords: Context, client_for: Clients
) -> None:
    ctx = with_passwords
    failed_notification(ctx)
    admin = client_for("admin")
    page = admin.get("/admin/incidents")
    retried = admin.post("/admin/notifications/retry", data={"csrf_token": csrf_of(page.text)})
    assert retried.status_code == 200  # after the redirect
    assert "1 beskeder er sat i kø igen." in retried.text
    assert incident_ids(ctx) == []


def test_the_incidents_api_lists_and_retries(
    with_passwords: Context, app_client: TestClient, token_for: Tokens
) -> None:
    ctx = with_passwords
    incident = failed_notification(ctx)
    headers = token_for("admin")
    listed = app_client.get("/api/v1/incidents", headers=headers)
    assert listed.status_code == 200
    assert [(i["id"], i["kind"]) for i in listed.json()["items"]] == [(incident, "notification")]
    bad = app_client.post("/api/v1/incidents/retry", json={}, headers=headers)
    assert bad.status_code == 422
    assert bad.json()["code"] == "incidents_required"
    done = app_client.post("/api/v1/incidents/retry", json={"ids": [incident]}, headers=headers)
    assert done.status_code == 200
    assert done.json() == {"deadlines": 0, "notifications": 1}
    assert incident_ids(ctx) == []


def test_the_admin_disables_a_user_whose_session_ends(
    with_passwords: Context, client_for: Clients
) -> None:
    officer = client_for("bif.sagsbehandler")
    assert officer.get("/inbox").status_code == 200
    admin = client_for("admin")
    page = admin.get("/admin/users?lang=da")
    assert page.status_code == 200
    assert "case_officer@BIF" in page.text
    assert "Spær: bif.sagsbehandler" in page.text

    disabled = admin.post(
        "/admin/users/disable",
        data={"csrf_token": csrf_of(page.text), "username": "bif.sagsbehandler"},
    )
    assert disabled.status_code == 200
    assert "bif.sagsbehandler er spærret." in disabled.text
    assert "Genåbn: bif.sagsbehandler" in disabled.text
    assert officer.get("/inbox", follow_redirects=False).status_code == 303  # signed out

    account = admin.get("/admin/users/bif.sagsbehandler?lang=da")
    assert account.status_code == 200
    assert "spærret" in account.text
    assert "Ingen åbne sessioner." in account.text
    assert "1 session(s) ended" in account.text  # the account event

    enabled = admin.post(
        "/admin/users/enable",
        data={"csrf_token": csrf_of(page.text), "username": "bif.sagsbehandler"},
    )
    assert "bif.sagsbehandler er genåbnet." in enabled.text
    assert client_for("bif.sagsbehandler").get("/inbox").status_code == 200


def test_the_last_administrator_is_not_disabled_and_the_page_says_so(
    client_for: Clients,
) -> None:
    admin = client_for("admin")
    page = admin.get("/admin/users?lang=en")
    refused = admin.post(
        "/admin/users/disable?lang=en",
        data={"csrf_token": csrf_of(page.text), "username": "admin"},
    )
    assert refused.status_code == 403
    assert 'id="user-admin-error"' in refused.text
    assert admin.get("/admin/users").status_code == 200  # still signed in


def test_the_admin_sees_the_organisation_and_the_workflows(
    with_passwords: Context, client_for: Clients
) -> None:
    engine = with_passwords.engine
    open_test_case(engine)
    finished = open_test_case(engine)
    with engine.transaction() as conn:  # a case that has reached its final state
        conn.execute(
            update(cases_table).where(cases_table.c.journal_no == finished).values(state="closed")
        )
    admin = client_for("admin")
    org = admin.get("/admin/organisation?lang=da")
    assert org.status_code == 200
    assert "Beskæftigelses- og Integrationsudvalget" in org.text
    assert "deadline_working_days: 8" in org.text  # BIU's agenda rules
    assert "Medlem A" in org.text
    assert "Styregruppen for de områdebaserede indsatser" in org.text
    assert "TMF (tmf.styregruppe)" in org.text
    assert "Organisationens historik" in org.text

    flows = admin.get("/admin/workflows?lang=da")
    assert flows.status_code == 200
    assert "committee-case" in flows.text
    found = engine.registry.current["committee-case"].version
    row = flows.text.split(f"<code>{found[:12]}</code></td><td>", 1)[1]
    assert "</td><td>2</td><td>1</td><td>ja</td>" in row  # two cases, one still running


BROKEN_WORKFLOW = """\
id: broken
title: {da: Brudt, en: Broken}
roles:
  case_officer: {da: Sagsbehandler, en: Case officer}
states:
  start:
    initial: true
    owner: case_officer
  done:
    final: true
transitions:
  - trigger: finish
    roles: [case_officer]
    from: start
    to: nowhere
"""


def test_the_admin_checks_a_pasted_workflow_and_sees_each_problem_with_its_line(
    client_for: Clients,
) -> None:
    admin = client_for("admin")
    page = admin.get("/admin/workflows?lang=da")
    assert 'for="check-text"' in page.text
    token = csrf_of(page.text)
    checked = admin.post(
        "/admin/workflows/check?lang=da",
        data={"csrf_token": token, "name": "brudt.yaml", "text": BROKEN_WORKFLOW},
    )
    assert checked.status_code == 422
    assert "Fejl efter linje" in checked.text
    assert "<td>15</td>" in checked.text  # the line of 'to: nowhere'
    assert "nowhere" in checked.text
    assert "id: broken" in checked.text  # the text kept in the form

    fixed = BROKEN_WORKFLOW.replace("to: nowhere", "to: done")
    ok = admin.post("/admin/workflows/check", data={"csrf_token": token, "text": fixed})
    assert ok.status_code == 200, ok.text
    assert "Ingen fejl: broken" in ok.text

    empty = admin.post("/admin/workflows/check", data={"csrf_token": token, "text": " "})
    assert empty.status_code == 422
    assert 'id="check-text-error"' in empty.text
    assert 'aria-invalid="true"' in empty.text


ADMIN_PAGES = [
    "/admin/incidents",
    "/admin/users",
    "/admin/users/admin",
    "/admin/organisation",
    "/admin/workflows",
]
ADMIN_POSTS = [
    ("/admin/incidents/retry", {"all": "1"}),
    ("/admin/notifications/retry", {}),
    ("/admin/users/disable", {"username": "bif.chef"}),
    ("/admin/users/enable", {"username": "bif.chef"}),
    ("/admin/workflows/check", {"text": "id: x"}),
]


@pytest.mark.parametrize("path", ADMIN_PAGES)
def test_a_case_officer_gets_403_on_every_admin_page(client_for: Clients, path: str) -> None:
    officer = client_for("bif.sagsbehandler")
    refused = officer.get(path)
    assert refused.status_code == 403
    assert 'class="error-summary"' in refused.text


def test_a_case_officer_gets_403_on_every_admin_form_and_api_route(
    with_passwords: Context, client_for: Clients, token_for: Tokens
) -> None:
    failed_notification(with_passwords)
    officer = client_for("bif.sagsbehandler")
    token = csrf_of(officer.get("/inbox").text)
    assert 'href="/admin/incidents"' not in officer.get("/inbox").text  # no nav link
    for path, data in ADMIN_POSTS:
        assert officer.post(path, data={"csrf_token": token, **data}).status_code == 403, path
    headers = token_for("bif.sagsbehandler")
    for method, path, body in (
        ("GET", "/api/v1/incidents", None),
        ("POST", "/api/v1/incidents/retry", {"all": True}),
    ):
        refused = officer.request(method, path, json=body, headers=headers)
        assert refused.status_code == 403, path
        assert refused.headers["content-type"].startswith("application/problem+json")
    admin = with_passwords.engine.actor("admin")
    assert len(incident_service.list_incidents(with_passwords, admin).items) == 1
    assert not [u for u in accounts.list_users(with_passwords, admin) if u.disabled]


def test_admin_forms_without_the_csrf_token_are_refused(
    with_passwords: Context, client_for: Clients
) -> None:
    incident = failed_notification(with_passwords)
    officer = client_for("bif.sagsbehandler")
    admin = client_for("admin")
    assert 'href="/admin/incidents"' in admin.get("/inbox").text  # the nav links it
    refused = admin.post("/admin/users/disable", data={"username": "bif.sagsbehandler"})
    assert refused.status_code == 403
    assert officer.get("/inbox", follow_redirects=False).status_code == 200  # still signed in
    wrong = admin.post("/admin/incidents/retry", data={"id": incident, "csrf_token": "forged"})
    assert wrong.status_code == 403
    assert incident_ids(with_passwords) == [incident]


WEB = Path(__file__).resolve().parents[2] / "src" / "caseflow" / "web"


@pytest.mark.parametrize("module", ["pages/admin.py", "pages/followups.py", "api/admin.py"])
def test_the_admin_and_followup_routes_are_thin(module: str) -> None:
    tree = ast.parse((WEB / module).read_text(encoding="utf-8"))
    imported = [node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)]
    assert not [name for name in imported if name.startswith("caseflow.store")]
    calls = {
        node.func.attr
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
    }
    assert calls.isdisjoint({"transaction", "read_transaction", "write_transaction", "execute"})


def test_every_admin_text_is_in_both_languages() -> None:
    for key, (danish, english) in texts_admin.TEXTS.items():
        assert danish.strip(), key
        assert english.strip(), key
        assert set(re.findall(r"{(\w+)}", danish)) == set(re.findall(r"{(\w+)}", english)), key


def test_a_secretariat_sees_its_incidents_but_no_other_admin_page(
    with_passwords: Context, client_for: Clients
) -> None:
    incident = failed_notification(with_passwords)  # of a BIU case
    secretariat = client_for("biu.sekretariat")
    page = secretariat.get("/admin/incidents")
    assert page.status_code == 200  # an operator, within the cases it may see
    assert f'id="incident-{incident}"' in page.text
    assert 'href="/admin/users"' not in page.text  # the tabs it may not use are not offered
    assert 'href="/admin/incidents"' in page.text
    for path in ADMIN_PAGES[1:]:
        assert secretariat.get(path).status_code == 403, path
    assert 'href="/admin/users"' in client_for("admin").get("/admin/incidents").text
