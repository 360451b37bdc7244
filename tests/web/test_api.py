"""The JSON API: tokens only, the same services and refusals as the pages, problems
as RFC 9457 documents."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient

from caseflow.context import Context
from caseflow.testing import approve_test_case, open_test_case, ready_test_case


def test_no_token_no_answer(app_client: TestClient) -> None:
    response = app_client.get("/api/v1/me")
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == "token_required"
    assert (
        app_client.get("/api/v1/me", headers={"Authorization": "Bearer cft_x"}).status_code == 401
    )


def test_me_and_my_cases(
    with_passwords: Context, app_client: TestClient, token_for: Callable[[str], dict[str, str]]
) -> None:
    journal_no = open_test_case(with_passwords.engine)
    headers = token_for("bif.sagsbehandler")
    me = app_client.get("/api/v1/me", headers=headers).json()
    assert me["username"] == "bif.sagsbehandler"
    assert me["grants"] == [{"role": "case_officer", "administration": "BIF", "committee": None}]
    listed = app_client.get("/api/v1/cases", headers=headers).json()
    assert [c["journal_no"] for c in listed["items"]] == [journal_no]
    inbox = app_client.get("/api/v1/inbox", headers=headers).json()
    assert inbox["counts"]["mine"] == 1
    case = app_client.get(f"/api/v1/cases/{journal_no}", headers=headers).json()
    assert case["state"] == "registered"
    assert any(o["trigger"] == "start_drafting" for o in case["available"])


def test_the_case_officer_gets_403_for_the_approvers_step_and_management_takes_its_chain(
    with_passwords: Context, app_client: TestClient, token_for: Callable[[str], dict[str, str]]
) -> None:
    ctx = with_passwords
    journal_no = open_test_case(ctx.engine)
    officer = ctx.engine.actor("bif.sagsbehandler")
    ctx.engine.edit(
        journal_no,
        {
            "sections.problemstilling": "P.",
            "sections.losning": "L.",
            "sections.okonomi": "Ø.",
            "recommendations": ["at udvalget drøfter sagen."],
        },
        officer,
    )
    ctx.engine.fire(journal_no, "start_drafting", officer)
    ctx.engine.fire(journal_no, "submit_for_approval", officer)
    refused = app_client.post(
        f"/api/v1/cases/{journal_no}/advance",
        json={"trigger": "approve"},
        headers=token_for("bif.sagsbehandler"),
    )
    assert refused.status_code == 403
    assert refused.headers["content-type"] == "application/problem+json"
    # Management approves through its chain, never by advance.
    chained = app_client.post(
        f"/api/v1/cases/{journal_no}/advance",
        json={"trigger": "approve"},
        headers=token_for("tmf.kontorchef"),
    )
    assert chained.status_code == 403, chained.text
    assert chained.json()["code"] == "trigger_owned_by_service"
    approve_test_case(ctx.engine, journal_no)
    history = app_client.get(
        f"/api/v1/cases/{journal_no}/history", headers=token_for("tmf.direktor")
    ).json()
    assert history[-1]["actor"] == "tmf.direktor"
    assert history[-1]["from"] == "approval"
    case = app_client.get(f"/api/v1/cases/{journal_no}", headers=token_for("tmf.direktor"))
    assert case.json()["state"] == "ready_for_agenda"


def test_problems_carry_the_service_code(
    with_passwords: Context, app_client: TestClient, token_for: Callable[[str], dict[str, str]]
) -> None:
    headers = token_for("bif.sagsbehandler")
    hidden = open_test_case(
        with_passwords.engine, actor="tmf.sagsbehandler", participating_administrations=[]
    )
    for journal_no in (hidden, "2000-00001"):
        missing = app_client.get(f"/api/v1/cases/{journal_no}", headers=headers)
        assert missing.status_code == 404
        assert missing.json()["code"] == "case_not_visible"
        assert missing.json()["detail"] == f"case {journal_no}: not found or not allowed"
    bad = app_client.post("/api/v1/cases", json={"title": ""}, headers=headers)
    assert bad.status_code == 422
    assert bad.json()["code"] == "invalid_input"
    owned = ready_test_case(with_passwords.engine)
    by_service = app_client.post(
        f"/api/v1/cases/{owned}/advance",
        json={"trigger": "put_on_agenda"},
        headers=token_for("biu.sekretariat"),
    )
    assert by_service.status_code == 403
    assert by_service.json()["code"] == "trigger_owned_by_service"


def test_open_and_edit_with_versions(
    with_passwords: Context, app_client: TestClient, token_for: Callable[[str], dict[str, str]]
) -> None:
    headers = token_for("bif.sagsbehandler")
    created = app_client.post(
        "/api/v1/cases",
        json={
            "workflow": "committee-case",
            "title": "Fra API",
            "lead_administration": "BIF",
            "committee": "BIU",
        },
        headers=headers,
    )
    assert created.status_code == 201, created.text
    journal_no = created.json()["journal_no"]
    edited = app_client.patch(
        f"/api/v1/cases/{journal_no}",
        json={"changes": {"summary": "Nyt"}, "expected_version": 1},
        headers=headers,
    )
    assert edited.json()["changed"] is True
    stale = app_client.patch(
        f"/api/v1/cases/{journal_no}",
        json={"changes": {"summary": "Igen"}, "expected_version": 1},
        headers=headers,
    )
    assert stale.status_code == 409
    assert stale.json()["code"] == "stale_version"
    assert stale.json()["params"] == {"journal_no": journal_no, "expected": 1, "current": 2}


def test_the_openapi_document_describes_the_api(app_client: TestClient) -> None:
    document = app_client.get("/api/v1/openapi.json").json()
    assert "/api/v1/cases/{journal_no}/advance" in document["paths"]
    assert not any(not path.startswith("/api/") for path in document["paths"])


def test_a_database_that_does_not_answer_is_a_503_not_a_500(
    with_passwords: Context, app_client: TestClient, token_for: Callable[[str], dict[str, str]]
) -> None:
    headers = token_for("bif.sagsbehandler")
    with_passwords.engine.db.dispose()
    url = with_passwords.engine.db.url
    from sqlalchemy import create_engine

    if url.get_backend_name() == "sqlite":
        # A file that cannot be opened is named as such (store.db_errors), still a 503.
        broken, code = (
            create_engine("sqlite:////nonexistent-folder/caseflow.db"),
            "database_cannot_open",
        )
    else:
        broken, code = create_engine(url.set(port=1)), "database_unavailable"
    real = with_passwords.engine.db
    with_passwords.engine.db = broken
    try:
        response = app_client.get("/api/v1/cases", headers=headers)
    finally:
        with_passwords.engine.db = real
    assert response.status_code == 503
    assert response.json()["code"] == code
    # A server that does not answer may be back soon; a file that cannot be opened waits
    # for an operator, so only the first says when to try again.
    assert response.headers.get("retry-after") == ("5" if code == "database_unavailable" else None)


def test_a_write_lock_held_past_the_busy_timeout_is_a_503_to_send_again(
    with_passwords: Context, token_for: Callable[[str], dict[str, str]]
) -> None:
    import dataclasses
    import sqlite3

    import pytest

    from caseflow.web.app import create_app

    url = with_passwords.engine.db.url
    if url.get_backend_name() != "sqlite":
        pytest.skip("SQLite's one writer: PostgreSQL's writers wait on rows, not a file")
    headers = token_for("bif.sagsbehandler")
    impatient = Context.from_settings(dataclasses.replace(with_passwords.settings, busy_timeout=1))
    holder = sqlite3.connect(url.database, isolation_level=None)
    try:
        with TestClient(create_app(impatient)) as client:
            holder.execute("BEGIN IMMEDIATE")
            response = client.post(
                "/api/v1/cases",
                json={"workflow": "committee-case", "title": "Mens en anden skriver"},
                headers=headers,
            )
            holder.execute("ROLLBACK")
            listed = client.get("/api/v1/cases", headers=headers).json()["items"]
    finally:
        holder.close()
        impatient.close()
    assert response.status_code == 503, response.text
    assert response.json()["code"] == "database_busy"
    assert response.headers["retry-after"] == "5"
    assert "Mens en anden skriver" not in [case["title"] for case in listed]
