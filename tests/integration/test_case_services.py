"""The case services: versions on every edit, lists filtered in SQL and paged, steps a
service owns refused as plain steps."""

from __future__ import annotations

import pytest

from caseflow.context import Context
from caseflow.domain import RoleGrant
from caseflow.errors import Conflict, ErrorCode, NotAllowed
from caseflow.services import cases
from caseflow.services.paging import PageRequest
from caseflow.store import organisation
from caseflow.store.db import write_transaction
from caseflow.testing import open_test_case, ready_test_case


def test_an_edit_without_a_version_is_made_on_the_version_it_read(
    ctx: Context, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two edits without --expect-version once both succeeded: the last writer won."""
    engine = ctx.engine
    journal_no = open_test_case(engine)
    officer = engine.actor("bif.sagsbehandler")
    engine_edit = engine.edit

    def someone_else_saves_first(*args: object, **kwargs: object) -> object:
        engine_edit(journal_no, {"summary": "the first writer's"}, officer)
        return engine_edit(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(engine, "edit", someone_else_saves_first)
    request = cases.EditRequest(journal_no, {"summary": "the second writer's"})
    with pytest.raises(Conflict) as refused:
        cases.edit(ctx, officer, request)
    assert refused.value.code is ErrorCode.STALE_VERSION
    assert engine.get_case(journal_no).summary == "the first writer's"


def test_the_case_list_is_paged_and_shows_only_what_the_reader_may_see(ctx: Context) -> None:
    engine = ctx.engine
    opened = [open_test_case(engine, title=f"Sag {n}") for n in range(5)]
    others = open_test_case(
        engine,
        actor="admin",
        lead_administration="KFF",
        participating_administrations=["ØKF"],
    )
    with write_transaction(engine.db) as conn:
        grants = [RoleGrant("case_officer", administration="ØKF")]
        organisation.upsert_actor(conn, "okf.sagsbehandler", "Ø", None, grants)

    def pages(username: str, limit: int) -> list[list[str]]:
        actor, found, cursor = engine.actor(username), [], None
        while True:
            page = cases.list_cases(ctx, actor, cases.CaseQuery(page=PageRequest(limit, cursor)))
            found.append([c.journal_no for c in page.items])
            if page.next_cursor is None:
                return found
            cursor = page.next_cursor

    newest_first = opened[::-1]
    assert pages("bif.sagsbehandler", 2) == [newest_first[:2], newest_first[2:4], newest_first[4:]]
    assert pages("admin", 10) == [[others, *newest_first]]
    # A participating administration written as JSON (with its Ø) is found in SQL too.
    assert pages("okf.sagsbehandler", 10) == [[others]]
    assert pages("tmf.sagsbehandler", 3)[0] == newest_first[:3]  # the lead administration


def test_a_step_a_service_owns_is_refused_as_a_plain_step(ctx: Context) -> None:
    engine = ctx.engine
    journal_no = ready_test_case(engine)
    request = cases.AdvanceRequest(
        journal_no, "put_on_agenda", {"fields.meeting": "BIU", "fields.meeting_id": 2}
    )
    with pytest.raises(NotAllowed) as refused:
        cases.advance(ctx, engine.actor("biu.sekretariat"), request)
    assert refused.value.code is ErrorCode.TRIGGER_OWNED_BY_SERVICE
    assert engine.get_case(journal_no).state == "ready_for_agenda"
    assert len(engine.history(journal_no)) == 7  # two of them the chain's approvals
