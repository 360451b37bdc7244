"""Closed stays closed, whatever happens on the way (issue 15, deliverable 8).

Hypothesis makes up an agenda: cases public, closed as items or marked closed by their
officer; items taken off and put back (as public, the default), moved, postponed or
decided with a secret. Then every read, render and notification is run for every actor
of the organisation, and none outside the committee, nor the public, ever gets a closed
item's decision; the public never gets its title either.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from caseflow import policy
from caseflow.clock import FakeClock
from caseflow.context import Context
from caseflow.documents.config import load_config
from caseflow.documents.render import DocumentRenderer
from caseflow.documents.service import case_document, meeting_documents
from caseflow.domain import Actor
from caseflow.errors import CaseflowError
from caseflow.meetings import agenda, minutes, report
from caseflow.services import cases
from caseflow.services.paging import PageRequest
from caseflow.store import organisation, outbox
from caseflow.store.db import read_transaction
from caseflow.testing import add_test_meeting, copenhagen_time, ready_test_case

MODES = ("public", "closed_item", "marked_closed")


@dataclass(frozen=True)
class Plan:
    """One case on the agenda and what happens to it."""

    mode: str
    readded: bool  # taken off and put back, as a public item (the default)
    outcome: str  # decided or postponed


plans = st.lists(
    st.builds(
        Plan,
        st.sampled_from(MODES),
        st.booleans(),
        st.sampled_from(("decided", "postponed")),
    ),
    min_size=1,
    max_size=3,
)


class Round:
    """Each example gets its own meeting, a few weeks after the last one's."""

    count = 0


def run_meeting(ctx: Context, clock: FakeClock, planned: list[Plan]) -> dict[str, str]:
    """Put the cases on a new meeting as planned and treat them; returns each closed
    case's secret decision by journal number."""
    engine = ctx.engine
    Round.count += 1
    start = copenhagen_time("2009-05-20 09:00") + timedelta(weeks=4 * Round.count)
    clock.set(start)
    day = (start + timedelta(days=22)).date().isoformat()
    meeting = add_test_meeting(engine, "BIU", f"{day} 15:00")
    secretariat = engine.actor("biu.sekretariat")
    secrets: dict[str, str] = {}
    numbers: list[str] = []
    for n, plan in enumerate(planned):
        journal_no = ready_test_case(engine, f"Sag {Round.count}-{n} FORTROLIG{Round.count}x{n}")
        if plan.mode == "marked_closed":
            engine.edit(journal_no, {"fields.closed": True}, engine.actor("admin"))
        agenda.add_item(engine, meeting, journal_no, secretariat, closed=plan.mode == "closed_item")
        if plan.readded:
            agenda.withdraw_item(engine, meeting, journal_no, secretariat, reason="Flyttes")
            agenda.add_item(engine, meeting, journal_no, secretariat)
        numbers.append(journal_no)
        if plan.mode != "public":
            secrets[journal_no] = f"HEMMELIG{Round.count}x{n}"
    if len(numbers) > 1:
        agenda.move_item(engine, meeting, len(numbers), 1, secretariat)
    agenda.publish(engine, meeting, secretariat)
    clock.set(copenhagen_time(f"{day} 17:00"))
    data = agenda.get_agenda(engine, meeting, viewer=secretariat)
    by_case = {item["journal_no"]: item["item_no"] for item in data["items"]}
    for n, (journal_no, plan) in enumerate(zip(numbers, planned, strict=True)):
        text = secrets.get(journal_no, f"Offentlig beslutning {Round.count}x{n}")
        minutes.decide_item(
            engine, meeting, by_case[journal_no], secretariat, outcome=plan.outcome, text=text
        )
    return secrets | {"meeting": str(meeting)}


def seen_by(ctx: Context, actor: Actor, journal_nos: list[str], meeting: int) -> str:
    """Every read path of the cases and the meeting, for ``actor``, as one text."""
    engine, config = ctx.engine, load_config()
    renderer = DocumentRenderer(config=config)
    everything = cases.CaseQuery(page=PageRequest(1000))
    parts: list[str] = []

    def attempt(read: Callable[[], object]) -> None:
        with contextlib.suppress(CaseflowError):  # refused: nothing shown
            parts.append(json.dumps(read(), default=str))

    for journal_no in journal_nos:
        attempt(lambda j=journal_no: cases.show_case(ctx, actor, j).to_json())
        attempt(lambda j=journal_no: [cases.entry_json(e) for e in cases.history(ctx, actor, j)])
        attempt(lambda j=journal_no: report.course(engine, j, actor))
        attempt(
            lambda j=journal_no: str(
                renderer.item(case_document(engine, j, config, actor), "md", "da", public=False)
            )
        )
    attempt(lambda: [cases.case_json(c) for c in cases.list_cases(ctx, actor, everything).items])
    attempt(lambda: agenda.get_agenda(engine, meeting, viewer=actor))
    attempt(
        lambda: str(
            renderer.minutes(
                meeting_documents(engine, meeting, config, public=False, viewer=actor),
                "md",
                "da",
                public=False,
            )
        )
    )
    return "\n".join(parts)


def public_output(ctx: Context, meeting: int) -> str:
    engine, config = ctx.engine, load_config()
    renderer = DocumentRenderer(config=config)
    document = meeting_documents(engine, meeting, config, public=True)
    return "\n".join(
        [
            json.dumps(agenda.get_agenda(engine, meeting, public=True), ensure_ascii=False),
            json.dumps(agenda.versions(engine, meeting, public=True), ensure_ascii=False),
            str(renderer.agenda(document.agenda, "md", "da", public=True)),
            str(renderer.minutes(document, "html", "da", public=True)),
        ]
    )


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(planned=plans)
def test_no_closed_content_ever_reaches_anyone_outside_the_committee(
    ctx: Context, clock: FakeClock, planned: list[Plan]
) -> None:
    treated = run_meeting(ctx, clock, planned)
    meeting = int(treated.pop("meeting"))
    secrets = treated
    with read_transaction(ctx.engine.db) as conn:
        everyone = organisation.list_actors(conn)
        mails = json.dumps([m.context for m in outbox.search(conn, limit=100_000)])
    journal_nos = list(secrets) + [
        c.journal_no
        for c in cases.list_cases(ctx, ctx.engine.actor("admin"), cases.CaseQuery()).items[:3]
    ]
    for actor in everyone:
        if policy.is_insider(actor, "BIU"):
            continue
        shown = seen_by(ctx, actor, journal_nos, meeting)
        for journal_no, secret in secrets.items():
            assert secret not in shown, (actor.username, journal_no)
    for secret in secrets.values():
        assert secret not in mails
    public = public_output(ctx, meeting)
    for journal_no, secret in secrets.items():
        assert secret not in public
        assert journal_no not in public
        assert "FORTROLIG" + secret.removeprefix("HEMMELIG") not in public
