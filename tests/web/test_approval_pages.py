"""The approver's pages: steps waiting for them, the actions, a case's chain on its
page, and absence and "on behalf of" rights, driven as a browser would."""

from __future__ import annotations

import html
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from webtools import PASSWORD, csrf_of

from approval_setup import CONTENT, context, management, workflows_with
from caseflow.clock import FakeClock
from caseflow.context import Context
from caseflow.engine import Engine, NewCase
from caseflow.services import accounts
from caseflow.testing import copenhagen_time, make_test_engine


@pytest.fixture
def engine(database_url: str, clock: FakeClock, tmp_path: Path) -> Iterator[Engine]:
    folder = workflows_with(tmp_path)
    engine = make_test_engine(database_url, clock=clock, workflows_dir=folder)
    management(engine)
    clock.set(copenhagen_time("2009-06-02 10:00"))
    yield engine
    engine.close()


@pytest.fixture
def ctx(engine: Engine, tmp_path: Path) -> Context:
    ctx = context(engine, tmp_path / "workflows")
    admin = engine.actor("admin")
    for username in ("tmf.sb", "tmf.kontorchef", "tmf.kontorchef2", "tmf.direktor"):
        accounts.set_password(ctx, admin, username, PASSWORD)
    return ctx


def submitted(engine: Engine) -> str:
    sb = engine.actor("tmf.sb")
    case = engine.open_case(
        NewCase(workflow_id="committee-case", title="Styring", lead_administration="TMF"), sb
    )
    engine.edit(case.journal_no, CONTENT, sb)
    engine.fire(case.journal_no, "start_drafting", sb)
    engine.fire(case.journal_no, "submit_for_approval", sb)
    return case.journal_no


def post(client: TestClient, page: str, action: str, data: dict[str, str]) -> object:
    token = csrf_of(client.get(page).text)
    return client.post(action, data={**data, "csrf_token": token}, follow_redirects=False)


def test_an_approver_acts_on_the_steps_waiting_for_them(
    engine: Engine, client_for: Callable[[str], TestClient]
) -> None:
    journal_no = submitted(engine)
    head = client_for("tmf.kontorchef")
    case_page = head.get(f"/cases/{journal_no}").text
    assert "Tages, når godkendelseskæden er fuldført" in case_page  # not "from the meeting"
    page = head.get("/approvals")
    assert page.status_code == 200
    assert f'id="approval-{journal_no}"' in page.text
    refused = post(head, "/approvals", f"/approvals/{journal_no}", {"action": "return"})
    assert refused.status_code == 422  # type: ignore[attr-defined]
    assert 'aria-invalid="true"' in refused.text  # type: ignore[attr-defined]
    done = post(head, "/approvals", f"/approvals/{journal_no}", {"action": "approve"})
    assert done.status_code == 303  # type: ignore[attr-defined]
    assert f'id="approval-{journal_no}"' not in head.get("/approvals").text

    admin = client_for("admin")
    granted = post(
        admin,
        "/absence",
        "/delegations",
        {
            "principal": "tmf.direktor",
            "delegate": "tmf.kontorchef2",
            "scope": "approvals",
            "from": "2009-06-01",
            "to": "2009-06-30",
        },
    )
    assert granted.status_code == 303  # type: ignore[attr-defined]
    deputy = client_for("tmf.kontorchef2")
    waiting = deputy.get("/approvals").text
    assert "tmf.kontorchef2 på vegne af tmf.direktor" in waiting
    done = post(
        deputy,
        "/approvals",
        f"/approvals/{journal_no}",
        {"action": "approve_with_condition", "text": "Økonomien <afklares>", "for": "tmf.direktor"},
    )
    assert done.status_code == 303  # type: ignore[attr-defined]

    officer = client_for("tmf.sb")
    case_page = officer.get(f"/cases/{journal_no}").text
    assert f'hx-get="/cases/{journal_no}/approvals"' in case_page
    fragment = officer.get(f"/cases/{journal_no}/approvals", headers={"HX-Request": "true"})
    assert fragment.status_code == 200
    assert "<html" not in fragment.text
    text = html.unescape(fragment.text)
    assert "tmf.kontorchef2 på vegne af tmf.direktor" in text
    assert "Økonomien <afklares>" in text  # shown as typed
    assert "&lt;afklares&gt;" in fragment.text  # and escaped
    assert "Godkendelse af approve (runde 1) — fuldført" in text


def test_absence_page_records_and_ends_an_absence(
    engine: Engine, client_for: Callable[[str], TestClient]
) -> None:
    head = client_for("tmf.kontorchef")
    bad = post(
        head,
        "/absence",
        "/absence",
        {"substitute": "tmf.vikar", "from": "2. juni", "to": "2009-06-05"},
    )
    assert bad.status_code == 400  # type: ignore[attr-defined]
    assert "ÅÅÅÅ-MM-DD" in bad.text  # type: ignore[attr-defined]
    loop = post(
        head,
        "/absence",
        "/absence",
        {"substitute": "tmf.kontorchef", "from": "2009-06-02", "to": "2009-06-05"},
    )
    assert loop.status_code == 422  # type: ignore[attr-defined]
    ok = post(
        head,
        "/absence",
        "/absence",
        {"substitute": "tmf.vikar", "from": "2009-06-02", "to": "2009-06-05"},
    )
    assert ok.status_code == 303  # type: ignore[attr-defined]
    page = head.get("/absence").text
    assert "tmf.vikar" in page
    absence_id = page.split('id="absence-row-', 1)[1].split('"', 1)[0]
    ended = post(head, "/absence", f"/absence/{absence_id}/end", {})
    assert ended.status_code == 303  # type: ignore[attr-defined]
    assert 'id="absence-row-' not in head.get("/absence").text
    # Only an administrator grants rights on behalf of another.
    refused = post(
        head,
        "/absence",
        "/delegations",
        {
            "principal": "tmf.direktor",
            "delegate": "tmf.kontorchef",
            "from": "2009-06-02",
            "to": "2009-06-05",
        },
    )
    assert refused.status_code == 403  # type: ignore[attr-defined]
