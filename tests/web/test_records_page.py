"""The records page: an administrator sees the newest checkpoint and the public key, and
runs a verification that lists what it finds; anyone else gets the 403 page."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from webtools import csrf_of

from caseflow.context import Context
from caseflow.engine import Engine
from caseflow.services import records
from caseflow.settings import Settings
from caseflow.testing import open_test_case

WORKFLOWS = Path(__file__).resolve().parents[2] / "workflows"
Clients = Callable[[str], TestClient]


@pytest.fixture
def ctx(engine: Engine, database_url: str, tmp_path: Path) -> Context:
    """The test's context with its signing key and export in the test's folder."""
    settings = dataclasses.replace(
        Settings(database_url, WORKFLOWS),
        records_key_file=tmp_path / "records.key",
        records_export=tmp_path / "checkpoints.jsonl",
    )
    return Context(settings, engine)


def test_the_administrator_sees_the_checkpoint_and_a_verification_finds_a_change(
    ctx: Context, client_for: Clients
) -> None:
    journal_no = open_test_case(ctx.engine)
    admin = client_for("admin")
    before = admin.get("/admin/records?lang=en")
    assert before.status_code == 200
    assert "No checkpoint yet" in before.text
    assert "No public key at" in before.text
    keyless = admin.post("/admin/records/verify?lang=en", data={"csrf_token": csrf_of(before.text)})
    assert keyless.status_code == 200  # the page again, with why beside the button
    assert "No public key at" in keyless.text.split('id="verify-refused">')[1].split("</p>")[0]
    made = records.keygen(ctx)
    records.checkpoint(ctx)
    page = admin.get("/admin/records?lang=en")
    assert made.key_id in page.text
    assert "BEGIN PUBLIC KEY" in page.text
    verified = admin.post("/admin/records/verify?lang=en", data={"csrf_token": csrf_of(page.text)})
    assert verified.status_code == 200
    assert "All records verify: 1 cases" in verified.text
    with ctx.engine.db.begin() as conn:
        conn.execute(
            text("UPDATE cases SET title = '<b>Forfalsket</b>' WHERE journal_no = :j"),
            {"j": journal_no},
        )
    found = admin.post("/admin/records/verify?lang=da", data={"csrf_token": csrf_of(page.text)})
    assert "1 uoverensstemmelser fundet" in found.text
    assert "<code>case_changed</code>" in found.text
    assert f"case:{journal_no}" in found.text


def test_a_case_officer_may_not_see_the_records_page(ctx: Context, client_for: Clients) -> None:
    officer = client_for("bif.sagsbehandler")
    assert officer.get("/admin/records").status_code == 403
    page = officer.get("/inbox")
    refused = officer.post("/admin/records/verify", data={"csrf_token": csrf_of(page.text)})
    assert refused.status_code == 403
