"""The daily digest: each committee secretariat's deadlines for the coming working days.

Secretariats keep such lists by hand today. One outbox row per committee and
day (key ``digest:BIU:2009-10-14``), so running it twice the same day sends one.
Each deadline is listed by its title and owner (:mod:`caseflow.deadlines.labels`):
a follow-up action by its text and the steering group or administration that
owns it, not by ``followup:7`` and the case officer.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection

from caseflow import policy
from caseflow.calendar import end_of_day_utc, local_date
from caseflow.deadlines.labels import Labels
from caseflow.deadlines.rules import Calendars
from caseflow.domain import Case, CaseHead
from caseflow.engine import Engine
from caseflow.meetings.agenda import CLOSED_TITLE
from caseflow.store import cases as case_rows
from caseflow.store import deadlines as deadline_rows
from caseflow.store import organisation, outbox
from caseflow.store.db import read_transaction

DEFAULT_DAYS = 10

TitleOf = Callable[[Connection, Case | CaseHead], str]
"""The title of a case as one reader may see it."""


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
        labels = Labels(conn, engine.registry, language)
        for committee in organisation.list_committees(conn):
            code = committee["code"]
            if (committees and code not in committees) or not committee["secretariat_email"]:
                continue

            # The mail goes to this committee's secretariat: a case closed at another
            # committee (and referred here) is "Lukket punkt" in it.
            def title(conn: Connection, case: Case | CaseHead, code: str = code) -> str:
                return policy.title_for_committee(conn, case, code, CLOSED_TITLE)

            items = _items(labels, code, end_of_day_utc(last_day), now, title)
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
                context=_context(committee, days, today, last_day, items, language),
                now=now,
            )
            if added:
                queued.append(key)
    return queued


def preview_digests(
    engine: Engine,
    calendars: Calendars,
    *,
    days: int = DEFAULT_DAYS,
    committees: list[str] | None = None,
    language: str = "da",
    title: TitleOf | None = None,
) -> list[dict[str, Any]]:
    """Today's digest of each committee as :func:`enqueue_digests` would queue it (its
    rendering context, with ``secretariat_email``), without queueing anything; also for a
    committee with nothing due or no address. ``title`` gives the title a reader may see
    of each case (default: the case's own)."""
    now = engine.clock.now()
    today = local_date(now)
    last_day = calendars.working.add(today, days)
    previews = []
    with read_transaction(engine.db) as conn:
        labels = Labels(conn, engine.registry, language)
        for committee in organisation.list_committees(conn):
            code = committee["code"]
            if committees is not None and code not in committees:
                continue
            items = _items(labels, code, end_of_day_utc(last_day), now, title)
            context = _context(committee, days, today, last_day, items, language)
            previews.append(context | {"secretariat_email": committee["secretariat_email"]})
    return previews


def _context(
    committee: dict[str, Any],
    days: int,
    today: date,
    last_day: date,
    items: list[dict[str, Any]],
    language: str,
) -> dict[str, Any]:
    """The digest template's context for one committee."""
    code = committee["code"]
    return {
        "recipient": {"name": f"{code}-sekretariatet" if language == "da" else None},
        "committee": {"code": code, "name": committee["name"]},
        "period": {
            "working_days": days,
            "first_day": today.isoformat(),
            "last_day": last_day.isoformat(),
        },
        "items": items,
    }


def _items(
    labels: Labels,
    committee: str,
    until: datetime,
    now: datetime,
    title_of: TitleOf | None = None,
) -> list[dict[str, Any]]:
    found = deadline_rows.search(labels.conn, committee=committee, due_before=until)
    cases = case_rows.heads(labels.conn, {record.case_id for record, *_ in found})
    items = []
    for record, journal_no, title, _ in found:
        case = cases[record.case_id]
        label = labels.of(record.rule_id, case)
        items.append(
            {
                "journal_no": journal_no,
                "title": title if title_of is None else title_of(labels.conn, case),
                "rule": label.title,
                "due_at": record.due_at.isoformat(),
                "owner": label.owner_name,
                "overdue": record.due_at < now,
            }
        )
    return items
