"""Column types shared by the tables."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime, Dialect, String
from sqlalchemy.types import TypeDecorator, TypeEngine

# Moments bound lately, by dialect (SQLite's text or PostgreSQL's UTC datetime): aware
# datetimes that are equal are the same instant, so they share one bound value. Naive
# ones never get here (refused above), so an aware and a naive one never meet as keys.
_BOUND: dict[bool, dict[datetime, Any]] = {True: {}, False: {}}


class UTCDateTime(TypeDecorator[datetime]):
    """Aware datetimes in, aware UTC datetimes out, on every database.

    PostgreSQL gets ``timestamp with time zone``. SQLite has no time type: we store
    UTC as fixed-width ISO text (``2009-05-14 08:00:00.000000``, the layout
    SQLAlchemy itself uses there), which sorts and compares correctly and parses
    with ``datetime.fromisoformat`` many times faster than a regular expression.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    @property
    def python_type(self) -> type[datetime]:
        return datetime

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "sqlite":
            return dialect.type_descriptor(String(26))
        return dialect.type_descriptor(DateTime(timezone=True))

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        sqlite = dialect.name == "sqlite"
        found = _BOUND[sqlite].get(value)  # a fire binds its "now" up to ten times
        if found is not None:
            return found
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the store; use an aware UTC datetime")
        utc = value.astimezone(UTC)
        bound: Any = (
            utc.replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds") if sqlite else utc
        )
        memo = _BOUND[sqlite]
        if len(memo) >= 512:
            memo.clear()
        memo[value] = bound
        return bound

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if isinstance(value, str):
            return datetime.fromisoformat(value).replace(tzinfo=UTC)
        assert isinstance(value, datetime)
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
