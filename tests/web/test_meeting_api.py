"""``/api/v1`` for the secretariats: a whole meeting through the API, allowed and refused
by role, and a closed item that never reaches a caller outside the committee."""

from __future__ import annotations

import json
from collections.abc import Callable

from fastapi.testclient import TestClient

from caseflow.clock import FakeClock
from caseflow.context import Context
from caseflow.testing import add_test_meeting, copenhagen_time, ready_test_case

Tokens = Callable[[str], dict[str, str]]
SECRET = "Fortrolig grundsalg Jensen"


def ready(ctx: Context, title: str) -> str:
    return ready_test_case(
        ctx.engine, title, fields={"meeting_date": "2009-06-11", "obligation_due": "2009-12-31"}
    )


def test_a_meeting_through_the_api(
    with_passwords: Context, app_client: TestClient, token_for: Tokens, clock: FakeClock
) -> None:
    ctx = with_passwords
    headers = token_for("biu.sekretariat")
    made = app_client.post(
        "/api/v1/meetings",
        json={"committee": "BIU", "starts_at": "2009-06-11T15:00:00", "place": "Rådhuset"},
        headers=headers,
    )
    assert made.status_code == 201, made.text
    assert made.json()["starts_at"] == "2009-06-11T15:00:00+02:00"  # Copenhagen time
    meeting = made.json()["id"]
    plan = app_client.get("/api/v1/meetings?committee=BIU&year=2009", headers=headers).json()
    assert [m["id"] for m in plan["items"]] == [meeting]
    assert plan["plannable"] == ["BIU"]

    public, secret = ready(ctx, "Åben sag"), ready(ctx, SECRET)
    queue = app_client.get(f"/api/v1/meetings/{meeting}/queue", headers=headers).json()
    assert sorted(line["journal_no"] for line in queue["items"]) == sorted([public, secret])
    for journal_no, closed in ((public, False), (secret, True)):
        added = app_client.post(
            f"/api/v1/meetings/{meeting}/items",
            json={"journal_no": journal_no, "closed": closed},
            headers=headers,
        )
        assert added.status_code == 201, added.text
        assert added.json()["is_public"] is not closed
    moved = app_client.post(
        f"/api/v1/meetings/{meeting}/items/2/move", json={"position": 1}, headers=headers
    )
    assert moved.json() == [
        {"item_no": 1, "journal_no": secret},
        {"item_no": 2, "journal_no": public},
    ]
    published = app_client.post(f"/api/v1/meetings/{meeting}/publish", json={}, headers=headers)
    assert published.json() == {"meeting_id": meeting, "version": 1}
    again = app_client.post(f"/api/v1/meetings/{meeting}/publish", json={}, headers=headers)
    assert again.status_code == 403  # nothing changed since version 1

    board = app_client.get(f"/api/v1/meetings/{meeting}", headers=headers)
    assert board.status_code == 200, board.text
    shown = board.json()
    assert shown["insider"] is True
    assert shown["may_build"] is True
    assert [i["title"] for i in shown["agenda"]["items"]] == [SECRET, "Åben sag"]
    assert shown["versions"][0]["version"] == 1

    clock.set(copenhagen_time("2009-06-11 16:00"))
    early = app_client.post(f"/api/v1/meetings/{meeting}/minutes/approve", json={}, headers=headers)
    assert early.status_code == 403
    assert early.json()["code"] == "untreated_items"
    assert early.json()["params"]["items"] == ["1", "2"]
    no_text = app_client.post(
        f"/api/v1/meetings/{meeting}/items/1/decision",
        json={"outcome": "decided"},
        headers=headers,
    )
    assert no_text.status_code == 422
    assert no_text.json()["code"] == "text_required"
    for item_no in (1, 2):
        decided = app_client.post(
            f"/api/v1/meetings/{meeting}/items/{item_no}/decision",
            json={"outcome": "decided", "text": f"Beslutning {item_no}", "absent": ["Medlem B"]},
            headers=headers,
        )
        assert decided.status_code == 200, decided.text
        assert decided.json()["case_state"] == "decided"
    approved = app_client.post(
        f"/api/v1/meetings/{meeting}/minutes/approve", json={"note": "Ok"}, headers=headers
    )
    assert approved.json() == {"meeting_id": meeting}
    after = app_client.get(f"/api/v1/meetings/{meeting}", headers=headers).json()
    assert after["meeting"]["status"] == "closed"
    assert after["minutes"]["approved_by"] == "biu.sekretariat"
    assert after["agenda"]["items"][0]["decision"]["absent"] == ["Medlem B"]


def test_a_caller_outside_the_committee_gets_the_public_view_and_403s(
    with_passwords: Context, app_client: TestClient, token_for: Tokens, clock: FakeClock
) -> None:
    ctx = with_passwords
    secretariat = token_for("biu.sekretariat")
    meeting = add_test_meeting(ctx.engine, "BIU", "2009-06-11 15:00")
    later = add_test_meeting(ctx.engine, "BIU", "2009-08-20 15:00")
    public, secret = ready(ctx, "Åben sag"), ready(ctx, SECRET)
    for journal_no, closed in ((public, False), (secret, True)):
        app_client.post(
            f"/api/v1/meetings/{meeting}/items",
            json={"journal_no": journal_no, "closed": closed},
            headers=secretariat,
        )
    app_client.post(f"/api/v1/meetings/{meeting}/publish", json={}, headers=secretariat)
    clock.set(copenhagen_time("2009-06-11 16:00"))
    app_client.post(
        f"/api/v1/meetings/{meeting}/items/2/decision",
        json={"outcome": "postponed", "text": "Hemmelig udsættelse"},
        headers=secretariat,
    )
    reads = (
        f"/api/v1/meetings/{meeting}",
        f"/api/v1/meetings/{later}",
        f"/api/v1/meetings/{later}/queue",
        "/api/v1/meetings?committee=BIU",
        "/api/v1/meetings/report",
        "/api/v1/committees/BIU/deadlines",
    )
    insider = json.dumps(
        [app_client.get(p, headers=secretariat).json() for p in reads], ensure_ascii=False
    )
    assert SECRET in insider
    assert "Hemmelig udsættelse" in insider

    for outsider in ("bif.sagsbehandler", "tmf.sagsbehandler"):
        headers = token_for(outsider)
        answers = []
        for path in reads:
            response = app_client.get(path, headers=headers)
            assert response.status_code == 200, (outsider, path, response.text)
            answers.append(response.json())
        text = json.dumps(answers, ensure_ascii=False)
        for leak in ("Jensen", "Hemmelig udsættelse"):
            assert leak not in text, (outsider, leak)
        board = answers[0]
        assert board["insider"] is False
        assert board["may_build"] is False
        assert [i["title"] for i in board["agenda"]["items"]] == ["Åben sag", "Lukket punkt"]
        assert board["agenda"]["items"][1]["journal_no"] is None

        refusals = {
            f"/api/v1/meetings/{later}/items": {"journal_no": secret, "note": "n"},
            f"/api/v1/meetings/{meeting}/items/1/move": {"position": 2, "note": "n"},
            f"/api/v1/meetings/{later}/publish": {"note": "n"},
            f"/api/v1/meetings/{meeting}/cases/{public}/withdraw": {"reason": "r"},
            f"/api/v1/meetings/{meeting}/cases/{secret}/open": {"reason": "r"},
            f"/api/v1/meetings/{meeting}/items/1/decision": {"outcome": "decided", "text": "t"},
            f"/api/v1/meetings/{meeting}/minutes/approve": {},
            "/api/v1/meetings": {"committee": "BIU", "starts_at": "2009-09-17T15:00:00"},
        }
        for path, body in refusals.items():
            refused = app_client.post(path, json=body, headers=headers)
            assert refused.status_code == 403, (outsider, path, refused.text)
            assert refused.headers["content-type"] == "application/problem+json"
            assert SECRET not in refused.text
        digest = app_client.get("/api/v1/digest", headers=headers)
        assert digest.status_code == 403
        assert digest.json()["code"] == "operator_required"
    assert app_client.get("/api/v1/meetings").status_code == 401  # a token, always


def test_the_digest_and_the_calendar_of_the_api(
    with_passwords: Context, app_client: TestClient, token_for: Tokens, clock: FakeClock
) -> None:
    ctx = with_passwords
    meeting = add_test_meeting(ctx.engine, "BIU", "2009-06-11 15:00")
    ready(ctx, "Sag med frist")
    clock.set(copenhagen_time("2009-12-21 09:00"))
    headers = token_for("biu.sekretariat")
    digest = app_client.get("/api/v1/digest?days=10", headers=headers)
    assert digest.status_code == 200, digest.text
    [biu] = digest.json()["digests"]
    assert biu["committee"]["code"] == "BIU"
    assert [i["title"] for i in biu["items"]] == ["Sag med frist"]
    assert biu["items"][0]["rule"] == "Politisk frist"
    everyone = app_client.get("/api/v1/digest", headers=token_for("admin")).json()
    assert len(everyone["digests"]) > 1
    refused = app_client.get("/api/v1/digest?committee=TMU", headers=headers)
    assert refused.status_code == 403
    assert refused.json()["code"] == "role_required"

    calendar = app_client.get("/api/v1/committees/BIU/deadlines?limit=1", headers=headers)
    assert calendar.status_code == 200, calendar.text
    assert calendar.json()["deadlines"]["items"][0]["title"] == "Sag med frist"
    assert calendar.json()["meetings"] == []  # 11 June is past
    missing = app_client.get("/api/v1/committees/XX/deadlines", headers=headers)
    assert missing.status_code == 404
    assert missing.json()["code"] == "unknown_committee"
    assert app_client.get(f"/api/v1/meetings/{meeting + 99}", headers=headers).status_code == 404


def test_every_meeting_route_is_in_the_openapi_document(app_client: TestClient) -> None:
    paths = app_client.get("/api/v1/openapi.json").json()["paths"]
    for path in (
        "/api/v1/meetings",
        "/api/v1/meetings/report",
        "/api/v1/meetings/{meeting_id}",
        "/api/v1/meetings/{meeting_id}/queue",
        "/api/v1/meetings/{meeting_id}/items",
        "/api/v1/meetings/{meeting_id}/items/{item_no}/move",
        "/api/v1/meetings/{meeting_id}/cases/{journal_no}/withdraw",
        "/api/v1/meetings/{meeting_id}/cases/{journal_no}/open",
        "/api/v1/meetings/{meeting_id}/publish",
        "/api/v1/meetings/{meeting_id}/items/{item_no}/decision",
        "/api/v1/meetings/{meeting_id}/minutes/approve",
        "/api/v1/committees/{code}/deadlines",
        "/api/v1/digest",
    ):
        assert path in paths, path
        for operation in paths[path].values():
            assert "200" in operation["responses"] or "201" in operation["responses"]
    assert not any("ics" in path for path in paths)  # the calendar file is a page
