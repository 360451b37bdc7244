"""The counts the pictures draw, each one aggregate query: no page reads rows to count them.

A deadline is live at a moment when it was made by then and not yet closed; it is
overdue then if it was also due before that moment.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Connection, and_, case, func, literal, or_, select

from caseflow.store.tables import cases, deadlines
from caseflow.store.types import UTCDateTime
from caseflow.store.visibility import ReadScope, readable

_TIME = UTCDateTime()


def live_and_overdue(
    conn: Connection, scope: ReadScope, committee: str, moments: Sequence[datetime]
) -> list[tuple[int, int]]:
    """(live, overdue) deadlines of the committee's cases that ``scope`` may see, at each
    of ``moments``: one query, a pair of sums per moment."""
    columns = []
    for moment in moments:
        at = literal(moment, _TIME)
        live = and_(
            deadlines.c.created_at <= at,
            or_(deadlines.c.closed_at.is_(None), deadlines.c.closed_at > at),
        )
        columns.append(func.coalesce(func.sum(case((live, 1), else_=0)), 0))
        overdue = and_(live, deadlines.c.due_at < at)
        columns.append(func.coalesce(func.sum(case((overdue, 1), else_=0)), 0))
    if not columns:
        return []
    query = (
        select(*columns)
        .select_from(deadlines.join(cases, deadlines.c.case_id == cases.c.id))
        .where(
            cases.c.committee == committee, deadlines.c.created_at <= literal(max(moments), _TIME)
        )
    )
    visible = readable(conn.dialect.name, scope)
    if visible is not None:
        query = query.where(visible)
    row = conn.execute(query).one()
    values = [int(v) for v in row]
    return [(values[2 * i], values[2 * i + 1]) for i in range(len(moments))]


def cases_per_state(conn: Connection) -> dict[tuple[str, str], int]:
    """How many cases are in each state of each workflow (all versions together)."""
    query = select(cases.c.workflow_id, cases.c.state, func.count()).group_by(
        cases.c.workflow_id, cases.c.state
    )
    return {(w, s): int(n) for w, s, n in conn.execute(query).all()}
