"""The organisation's history: who changed which committee, administration, steering
group or actor, when, through what, and from what to what.

Who may read it is :func:`caseflow.policy.org_history_kinds`: an administrator all of
it, a secretariat every change but those of actors (their e-mail addresses and
roles), anyone else nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from caseflow.context import Context
from caseflow.domain import Actor, OrgKind
from caseflow.errors import ErrorCode, InvalidInput
from caseflow.policy import org_history_kinds
from caseflow.services.paging import Page, PageRequest
from caseflow.store import org_history
from caseflow.store.db import read_transaction


@dataclass(frozen=True)
class HistoryQuery:
    """Only the changes of one unit (``kind`` and ``code``), or (both None) all."""

    kind: OrgKind | None = None
    code: str | None = None
    page: PageRequest = field(default_factory=PageRequest)

    @classmethod
    def of_one(cls, page: PageRequest | None = None, **codes: str | None) -> HistoryQuery:
        """The query for at most one of ``committee=``, ``administration=``,
        ``steering_group=`` given (more than one is refused), a ``page`` of it."""
        wanted = [(kind, code) for kind, code in codes.items() if code]
        if len(wanted) > 1:
            raise InvalidInput(
                "give one committee, administration or steering group, not several",
                code=ErrorCode.ONE_UNIT_ONLY,
                given=[kind for kind, _ in wanted],
            )
        page = page or PageRequest()
        if not wanted:
            return cls(page=page)
        kind, code = wanted[0]
        try:
            return cls(OrgKind(kind), code, page)
        except ValueError:
            known = ", ".join(OrgKind)
            raise InvalidInput(f"no kind of unit {kind!r}; one of {known}") from None


OrgChange = org_history.OrgChange
"""One change, as the store reads it; its ``differences()`` are the values that changed."""


def change_json(change: OrgChange) -> dict[str, Any]:
    return {
        "id": change.id,
        "at": change.at.isoformat(),
        "actor": change.actor,
        "via": change.via,
        "kind": change.kind.value,
        "code": change.code,
        "old": change.old,
        "new": change.new,
        "changes": [{"field": d.field, "old": d.old, "new": d.new} for d in change.differences()],
    }


@dataclass(frozen=True)
class History:
    page: Page[OrgChange]

    @property
    def changes(self) -> Sequence[OrgChange]:
        return self.page.items

    def to_json(self) -> list[dict[str, Any]]:
        """The page's changes (the CLI's ``--json``; ``page_json`` adds the cursor)."""
        return [change_json(change) for change in self.changes]

    def page_json(self) -> dict[str, Any]:
        return self.page.to_json(change_json)


def org_history_of(ctx: Context, actor: Actor, query: HistoryQuery) -> History:
    """Changes to the organisation, oldest first, of the kinds ``actor`` may read: a page,
    filtered and paged in SQL (cursor: the last change's id)."""
    kinds = org_history_kinds(actor)
    page = query.page
    if kinds is not None and query.kind is not None and query.kind not in kinds:
        return History(Page((), None))
    with read_transaction(ctx.engine.db) as conn:
        found = org_history.search(
            conn,
            kind=query.kind,
            code=query.code,
            kinds=kinds,
            limit=page.limit + 1,
            after=page.after(),
        )
    return History(Page.of(found, page, key=lambda change: change.id))
