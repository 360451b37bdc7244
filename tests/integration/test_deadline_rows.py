"""The deadline rows a fire writes and reads through prepared statements are those
SQLAlchemy's own queries read back, on either database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from caseflow.engine import Engine
from caseflow.store import deadlines as rows
from caseflow.testing import copenhagen_time, open_test_case


def test_created_closed_and_live_rows_read_alike(engine: Engine) -> None:
    journal_no = open_test_case(engine)
    engine.fire(journal_no, "start_drafting", engine.actor("bif.sagsbehandler"))
    case = engine.get_case(journal_no)
    start = copenhagen_time("2009-05-14 10:00")
    with engine.transaction() as conn:
        rows.create(
            conn,
            case_id=case.id,
            rule_id="made_here",
            generation=7,
            started_at=start,
            not_before=start + timedelta(hours=1),
            due_at=start + timedelta(days=5),
            reminders_at=[start - timedelta(days=1), start + timedelta(days=2)],
            explanation=["first line", "andet: æøå"],
            now=start,
        )
    with engine.transaction() as conn:
        everything = rows.for_case(conn, case.id)  # SQLAlchemy's query, read by name
        live = rows.live_for_case(conn, case.id)  # prepared, read by position
        assert live == [r for r in everything if r.status in rows.LIVE]
        made = next(r for r in live if r.rule_id == "made_here")
        assert (made.generation, made.status, made.attempts) == (7, "open", 0)
        assert made.started_at == start.astimezone(UTC)
        assert made.not_before == (start + timedelta(hours=1)).astimezone(UTC)
        assert made.reminders_at == (
            (start - timedelta(days=1)).astimezone(UTC),
            (start + timedelta(days=2)).astimezone(UTC),
        )
        assert made.reminders_sent == 1  # the reminder already past is not sent late
        assert made.next_action_at == (start + timedelta(days=2)).astimezone(UTC)
        assert rows.explanations(conn, [made.id]) == {made.id: ("first line", "andet: æøå")}
        closed_at = datetime(2009, 5, 15, 9, 0, tzinfo=UTC)
        rows.close(conn, made.id, "satisfied", closed_at)
        after = rows.get(conn, made.id)
    assert (after.status, after.closed_at, after.next_action_at) == (
        "satisfied",
        closed_at,
        None,
    )
    with engine.transaction() as conn:
        assert made.id not in {r.id for r in rows.live_for_case(conn, case.id)}
