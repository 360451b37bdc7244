"""Pages of a list: a limit and an opaque cursor, the same for every list.

A cursor names the last row shown (its id; an incident's ``D-42``); the store
reads the next page after that row in the list's own order, in SQL, with every
filter (who may see what included) in the query. Rows added since do not shift a
page, as an offset would.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from caseflow.errors import InvalidInput

T = TypeVar("T")

MAX_ROW_ID = 2**31 - 1
"""The largest row id a cursor can name (what an integer column holds on every database)."""

DEFAULT_LIMIT = 50
MAX_LIMIT = 1000


@dataclass(frozen=True)
class PageRequest:
    """``limit`` rows after ``cursor`` (None: from the start)."""

    limit: int = DEFAULT_LIMIT
    cursor: str | None = None

    def __post_init__(self) -> None:
        if not 1 <= self.limit <= MAX_LIMIT:
            raise InvalidInput(f"a page holds 1 to {MAX_LIMIT} rows, not {self.limit}")

    def after(self) -> int | None:
        """The cursor as the id it stands for."""
        if self.cursor is None:
            return None
        if not self.cursor.isdigit() or int(self.cursor) > MAX_ROW_ID:
            raise InvalidInput(f"{self.cursor!r} is not a page cursor; use the one a page gave")
        return int(self.cursor)


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a list, and the cursor of the next one (None: this is the last)."""

    items: Sequence[T]
    next_cursor: str | None

    @classmethod
    def of(cls, rows: Sequence[T], request: PageRequest, key: Callable[[T], int | str]) -> Page[T]:
        """A page from up to ``limit + 1`` rows, read in SQL after the cursor: the extra row
        says there is a next page, which starts after ``key`` of the last row shown (an
        id, or an id of its own such as an incident's ``D-42``)."""
        items = rows[: request.limit]
        more = len(rows) > request.limit
        return cls(items, str(key(items[-1])) if more and items else None)

    def to_json(self, item: Callable[[T], Any]) -> dict[str, Any]:
        return {"items": [item(i) for i in self.items], "next_cursor": self.next_cursor}
