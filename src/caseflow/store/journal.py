"""Journal numbers: ``YYYY-NNNNN``, a serial per year, unique.

The counter row is bumped with an upsert inside the opening transaction, so two
cases opened at once never get the same number, on SQLite or PostgreSQL.
"""

from __future__ import annotations

import re

from sqlalchemy import Connection, func, select

from caseflow.errors import InvalidInput
from caseflow.store.tables import journal_counters
from caseflow.store.upsert import insert_for

# 2009-68440 (Copenhagen) or 330-2016-89665 (a municipality's prefix).
JOURNAL_NO = re.compile(r"^(?:\d{1,6}-)?(?P<year>\d{4})-(?P<serial>\d{1,9})$")


def check_format(journal_no: str) -> int:
    """Return the year of a well-formed journal number, or explain the format."""
    match = JOURNAL_NO.match(journal_no)
    if match is None:
        raise InvalidInput(
            f"journal number {journal_no!r} is not of the form YYYY-NNNNN (e.g. 2009-68440) "
            "or PREFIX-YYYY-NNNNN (e.g. 330-2016-89665)"
        )
    return int(match["year"])


def next_number(conn: Connection, year: int) -> str:
    """Allocate the next serial of ``year`` inside the caller's transaction."""
    insert = insert_for(conn.dialect.name)
    statement = insert(journal_counters).values(year=year, last_serial=1)
    statement = statement.on_conflict_do_update(
        index_elements=[journal_counters.c.year],
        set_={"last_serial": journal_counters.c.last_serial + 1},
    )
    conn.execute(statement)
    serial = conn.execute(
        select(journal_counters.c.last_serial).where(journal_counters.c.year == year)
    ).scalar_one()
    return f"{year}-{serial:05d}"


def note_explicit(conn: Connection, journal_no: str) -> None:
    """Keep the counter past an explicitly given number of the plain form."""
    match = JOURNAL_NO.match(journal_no)
    if match is None or journal_no.count("-") != 1:
        return
    year, serial = int(match["year"]), int(match["serial"])
    postgres = conn.dialect.name == "postgresql"
    insert = insert_for(conn.dialect.name)
    greatest = func.greatest if postgres else func.max  # SQLite's max() of two values
    statement = insert(journal_counters).values(year=year, last_serial=serial)
    statement = statement.on_conflict_do_update(
        index_elements=[journal_counters.c.year],
        set_={"last_serial": greatest(journal_counters.c.last_serial, serial)},
    )
    conn.execute(statement)
