"""A closed item's decision is for the committee's insiders: in every view of the case,
every document and every mail (issue 15, finding 1)."""

from __future__ import annotations

import json

from caseflow.clock import FakeClock
from caseflow.context import Context
from caseflow.documents.config import load_config
from caseflow.documents.render import DocumentRenderer
from caseflow.documents.service import case_document
from caseflow.meetings import agenda, minutes
from caseflow.policy import WITHHELD
from caseflow.services import cases
from caseflow.store import outbox
from caseflow.store.db import read_transaction
from caseflow.testing import add_test_meeting as add_meeting
from caseflow.testing import copenhagen_time
from caseflow.testing import ready_test_case as ready_case

SECRETARIAT = "biu.sekretariat"
MEETING = "2009-06-11 15:00"

DECISION = "Bevilget til Jensen, Nørrebrogade 7"


def decided_closed_case(ctx: Context, clock: FakeClock) -> str:
    engine = ctx.engine
    clock.set(copenhagen_time("2009-05-20 09:00"))
    meeting = add_meeting(engine, "BIU", MEETING)
    secretariat = engine.actor(SECRETARIAT)
    journal_no = ready_case(engine, "Fortrolig personsag")
    agenda.add_item(engine, meeting, journal_no, secretariat, closed=True)
    clock.set(copenhagen_time("2009-06-11 17:00"))
    minutes.decide_item(engine, meeting, 1, secretariat, outcome="decided", text=DECISION)
    return journal_no


def everything_shown(ctx: Context, journal_no: str, username: str) -> str:
    """Every read path of the case, as one text."""
    actor = ctx.engine.actor(username)
    config = load_config()
    document = case_document(ctx.engine, journal_no, config, actor)
    renderer = DocumentRenderer(config=config)
    parts = [
        json.dumps(cases.show_case(ctx, actor, journal_no).to_json(), ensure_ascii=False),
        json.dumps(
            [cases.entry_json(e) for e in cases.history(ctx, actor, journal_no)],
            ensure_ascii=False,
        ),
        json.dumps(
            [cases.case_json(c) for c in cases.list_cases(ctx, actor, cases.CaseQuery()).items],
            ensure_ascii=False,
        ),
        *(str(renderer.item(document, fmt, "da", public=False)) for fmt in ("md", "html")),
    ]
    return "\n".join(parts)


def test_the_decision_of_a_closed_item_stays_with_the_committee(
    ctx: Context, clock: FakeClock
) -> None:
    journal_no = decided_closed_case(ctx, clock)
    # The drafting administration's officer may see the case, but not the closed decision.
    outsider = everything_shown(ctx, journal_no, "bif.sagsbehandler")
    assert DECISION not in outsider
    assert "Jensen" not in outsider
    assert WITHHELD in outsider
    assert "Fortrolig personsag" in outsider  # the case itself is theirs to see
    # The committee's secretariat and an administrator see it.
    for insider in (SECRETARIAT, "admin"):
        assert DECISION in everything_shown(ctx, journal_no, insider)
    # The mail the decision sends (decision_recorded, to the case officer) withholds it.
    with read_transaction(ctx.engine.db) as conn:
        mails = outbox.search(conn, limit=1000)
    decided = [m for m in mails if "decision_recorded" in m.key]
    assert decided, [m.key for m in mails]
    for mail in mails:
        assert "Jensen" not in json.dumps(mail.context, ensure_ascii=False)


def test_an_open_items_decision_is_shown_to_the_case_officer(
    ctx: Context, clock: FakeClock
) -> None:
    engine = ctx.engine
    clock.set(copenhagen_time("2009-05-20 09:00"))
    meeting = add_meeting(engine, "BIU", MEETING)
    secretariat = engine.actor(SECRETARIAT)
    journal_no = ready_case(engine, "Åben sag")
    agenda.add_item(engine, meeting, journal_no, secretariat)
    clock.set(copenhagen_time("2009-06-11 17:00"))
    minutes.decide_item(engine, meeting, 1, secretariat, outcome="decided", text=DECISION)
    shown = everything_shown(ctx, journal_no, "bif.sagsbehandler")
    assert DECISION in shown
    assert WITHHELD not in shown
