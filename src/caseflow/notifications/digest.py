"""The daily digest: each committee secretariat's deadlines for the coming working days.

Secretariats keep such lists by hand today. One outbox row per committee and
day (key ``digest:BIU:2009-10-14``), so running it twice the same day sends one.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection

from caseflow.calendar import end_of_day_utc, local_date
from caseflow.deadlines.rules import Calendars
from caseflow.engine import Engine
from caseflow.errors import NotFound
from caseflow.store import cases as case_rows
from caseflow.store import deadlines as deadline_rows
from caseflow.store import organisation, outbox

DEFAULT_DAYS = 10


def enqueue_digests(
    engine: Engine,
    calendars: Calendars,
    *,
    days: int = DEFAULT_DAYS,
    committees: list[str] | None = None,
    language: str = "da",
) -> list[str]:
    """Queue today's digest for every committee with a secretariat address; returns keys."""
    now = engine.clock.now()
    today = local_date(now)
    last_day = calendars.working.add(today, days)
    queued = []
    with engine.transaction() as conn:
        for committee in organisation.list_committees(conn):
            code = committee["code"]
            if (committees and code not in committees) or not committee["secretariat_email"]:
                continue
            items = _items(engine, conn, code, end_of_day_utc(last_day), now, language)
            if not items:
                continue
            key = f"digest:{code}:{today.isoformat()}"
            added = outbox.enqueue(
                conn,
                key=key,
                case_id=None,
                template="digest",
                language=language,
                recipients=[{"address": committee["secretariat_email"], "name": committee["name"]}],
                context={
                    "recipient": {"name": f"{code}-sekretariatet" if language == "da" else None},
                    "committee": {"code": code, "name": committee["name"]},
                    "period": {
                        "working_days": days,
                        "first_day": today.isoformat(),
                        "last_day": last_day.isoformat(),
                    },
                    "items": items,
                },
                now=now,
            )
            if added:
                queued.append(key)
    return queued


def _items(
    engine: Engine,
    conn: Connection,
    committee: str,
    until: datetime,
    now: datetime,
    language: str,
) -> list[dict[str, Any]]:
    items = []
    for record, journal_no, title, _ in deadline_rows.search(
        conn, committee=committee, due_before=until
    ):
        case = case_rows.get_by_id(conn, record.case_id)
        workflow = engine.registry.for_case(conn, case.workflow_id, case.workflow_version)
        rule = next((r for r in workflow.definition.deadlines if r.id == record.rule_id), None)
        rule_title = (
            (rule.title.en if language == "en" else rule.title.da) if rule else record.rule_id
        )
        items.append(
            {
                "journal_no": journal_no,
                "title": title,
                "rule": rule_title,
                "due_at": record.due_at.isoformat(),
                "owner": _officer_name(conn, case.case_officer),
                "overdue": record.due_at < now,
            }
        )
    return items


def _officer_name(conn: Connection, username: str | None) -> str | None:
    if not username:
        return None
    try:
        return organisation.get_actor(conn, username).name
    except NotFound:
        return username
