"""Pages of a list: a limit and an opaque cursor, the same for every list.

A cursor is the position after the last row shown (for a list ordered newest
first, the id of that row); the next page starts after it. Rows added since do
not shift a page, as an offset would.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from caseflow.errors import InvalidInput

T = TypeVar("T")

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
        if not self.cursor.isdigit() or len(self.cursor) > 18:
            raise InvalidInput(f"{self.cursor!r} is not a page cursor; use the one a page gave")
        return int(self.cursor)


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a list, and the cursor of the next one (None: this is the last)."""

    items: Sequence[T]
    next_cursor: str | None

    @classmethod
    def of(cls, rows: Sequence[T], request: PageRequest, key: Callable[[T], int]) -> Page[T]:
        """A page from up to ``limit + 1`` rows: the extra row says there is a next page."""
        items = rows[: request.limit]
        more = len(rows) > request.limit
        return cls(items, str(key(items[-1])) if more and items else None)

    @classmethod
    def window(cls, rows: Sequence[T], request: PageRequest) -> Page[T]:
        """A page of a list already read and filtered (by what the reader may see): the
        cursor is the position after the last row shown. Unlike an id cursor (:meth:`of`),
        rows added before it since shift the next page; a list whose store query pages
        by a key in SQL should use :meth:`of`."""
        start = request.after() or 0
        rows = rows[start : start + request.limit + 1]
        items = rows[: request.limit]
        return cls(items, str(start + len(items)) if len(rows) > request.limit else None)

    def to_json(self, item: Callable[[T], Any]) -> dict[str, Any]:
        return {"items": [item(i) for i in self.items], "next_cursor": self.next_cursor}
