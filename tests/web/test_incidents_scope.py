"""The decision the README records: a committee's secretariat may see and retry, on
/admin/incidents, the incidents of the cases it may see, and no others (not another
committee's cases, not the digests, which belong to no case)."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient
from sqlalchemy import select, update
from webtools import csrf_of

from caseflow.context import Context
from caseflow.store import outbox
from caseflow.store.tables import outbox as outbox_table
from caseflow.testing import open_test_case

Clients = Callable[[str], TestClient]


def _failed(ctx: Context, key: str, case_id: int | None) -> None:
    engine = ctx.engine
    with engine.transaction() as conn:
        outbox.enqueue(
            conn,
            key=key,
            case_id=case_id,
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


def _row_id(ctx: Context, key: str) -> str:
    with ctx.engine.transaction() as conn:
        found = conn.execute(select(outbox_table.c.id).where(outbox_table.c.key == key))
        return f"N-{found.scalar_one()}"


def test_a_secretariat_sees_and_retries_only_its_committees_incidents(
    with_passwords: Context, client_for: Clients
) -> None:
    ctx = with_passwords
    biu = ctx.engine.get_case(open_test_case(ctx.engine, committee="BIU"))
    other = ctx.engine.get_case(
        open_test_case(
            ctx.engine,
            actor="admin",
            committee="ØU",
            lead_administration="ØKF",
            participating_administrations=[],
        )
    )
    _failed(ctx, "biu:failed", biu.id)
    _failed(ctx, "okf:failed", other.id)
    _failed(ctx, "digest:failed", None)
    ours, theirs, digest = (_row_id(ctx, k) for k in ("biu:failed", "okf:failed", "digest:failed"))

    secretariat = client_for("biu.sekretariat")
    page = secretariat.get("/admin/incidents")
    assert page.status_code == 200
    assert f'id="incident-{ours}"' in page.text
    assert f'id="incident-{theirs}"' not in page.text
    assert f'id="incident-{digest}"' not in page.text
    refused = secretariat.post(
        "/admin/incidents/retry", data={"csrf_token": csrf_of(page.text), "id": theirs}
    )
    assert refused.status_code == 404  # another committee's: as if it did not exist
    admin = client_for("admin").get("/admin/incidents")
    for incident in (ours, theirs, digest):
        assert f'id="incident-{incident}"' in admin.text
