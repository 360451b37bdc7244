"""The administrators' workflow upload (the same check as pasting) and the API of users,
the organisation and the workflows: allowed to an administrator, refused to others."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from httpx import Response
from test_admin_pages import BROKEN_WORKFLOW
from webtools import csrf_of

from caseflow.context import Context

Clients = Callable[[str], TestClient]
Tokens = Callable[[str], dict[str, str]]


def test_an_uploaded_workflow_file_is_checked_as_pasted_text_is(client_for: Clients) -> None:
    admin = client_for("admin")
    page = admin.get("/admin/workflows")
    assert 'enctype="multipart/form-data"' in page.text
    assert 'id="check-file" name="file"' in page.text
    token = csrf_of(page.text)

    def upload(content: bytes, name: str = "brudt.yaml") -> Response:
        return admin.post(
            "/admin/workflows/check",
            data={"csrf_token": token, "text": ""},
            files={"file": (name, content, "application/yaml")},
        )

    broken = upload(BROKEN_WORKFLOW.encode())
    assert broken.status_code == 422
    assert "<td>15</td>" in broken.text
    assert "brudt.yaml" in broken.text  # reported by its own name
    fixed = upload(BROKEN_WORKFLOW.replace("to: nowhere", "to: done").encode())
    assert fixed.status_code == 200
    assert "Ingen fejl: broken" in fixed.text
    latin = upload("id: sæt".encode("latin-1"))
    assert latin.status_code == 422
    assert 'id="check-file-error"' in latin.text
    no_token = admin.post(
        "/admin/workflows/check", files={"file": ("x.yaml", b"id: x", "application/yaml")}
    )
    assert no_token.status_code == 403


ADMIN_READS = [
    "/api/v1/users",
    "/api/v1/users/bif.chef",
    "/api/v1/organisation",
    "/api/v1/workflows",
]


@pytest.mark.parametrize("path", ADMIN_READS)
def test_the_admin_reads_are_an_administrators(
    token_for: Tokens, app_client: TestClient, path: str
) -> None:
    allowed = app_client.get(path, headers=token_for("admin"))
    assert allowed.status_code == 200, allowed.text
    for username in ("bif.sagsbehandler", "biu.sekretariat"):
        refused = app_client.get(path, headers=token_for(username))
        assert refused.status_code == 403
        assert refused.headers["content-type"] == "application/problem+json"
        assert refused.json()["code"] == "administrator_required"
    assert app_client.get(path).status_code == 401


def test_the_api_shows_what_the_pages_show(token_for: Tokens, app_client: TestClient) -> None:
    admin = token_for("admin")
    users = app_client.get("/api/v1/users", headers=admin).json()["items"]
    chef = next(u for u in users if u["username"] == "bif.chef")
    assert {"role": "approver", "administration": "BIF", "committee": None} in chef["grants"]
    org = app_client.get("/api/v1/organisation", headers=admin).json()
    biu = next(c for c in org["committees"] if c["code"] == "BIU")
    assert biu["deadline_working_days"] == 8
    assert {a["code"] for a in org["administrations"]} >= {"BIF", "TMF"}
    assert org["history"]
    flows = app_client.get("/api/v1/workflows", headers=admin).json()
    assert "committee-case" in {w["workflow"] for w in flows["workflows"]}


def test_disabling_and_enabling_a_user_by_the_api(
    with_passwords: Context, token_for: Tokens, app_client: TestClient
) -> None:
    chef = token_for("bif.chef")
    assert app_client.get("/api/v1/me", headers=chef).status_code == 200
    officer = token_for("bif.sagsbehandler")
    refused = app_client.post("/api/v1/users/bif.chef/disable", headers=officer)
    assert refused.status_code == 403
    admin = token_for("admin")
    done = app_client.post("/api/v1/users/bif.chef/disable", headers=admin)
    assert done.status_code == 200
    assert done.json()["user"]["disabled"] is True
    assert app_client.get("/api/v1/me", headers=chef).status_code == 401  # its token revoked
    assert (
        app_client.post("/api/v1/users/bif.chef/enable", headers=admin).json()["user"]["disabled"]
        is False
    )
    unknown = app_client.post("/api/v1/users/nobody.here/disable", headers=admin)
    assert unknown.status_code == 404


def test_checking_a_workflow_by_the_api(token_for: Tokens, app_client: TestClient) -> None:
    admin = token_for("admin")
    checked = app_client.post(
        "/api/v1/workflows/check", headers=admin, json={"text": BROKEN_WORKFLOW, "name": "b.yaml"}
    )
    assert checked.status_code == 200
    body = checked.json()
    assert body["ok"] is False
    assert any(p["line"] == 15 for p in body["problems"])
    refused = app_client.post(
        "/api/v1/workflows/check", headers=token_for("bif.chef"), json={"text": "id: x"}
    )
    assert refused.status_code == 403
