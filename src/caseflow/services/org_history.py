"""The organisation's history: who changed which committee, administration, steering
group or actor, when, through what, and from what to what.

Who may read it is :func:`caseflow.policy.org_history_kinds`: an administrator all of
it, a secretariat every change but those of actors (their e-mail addresses and
roles), anyone else nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from caseflow.context import Context
from caseflow.domain import Actor, OrgKind
from caseflow.errors import ErrorCode, InvalidInput
from caseflow.policy import org_history_kinds
from caseflow.store import org_history
from caseflow.store.db import read_transaction


@dataclass(frozen=True)
class HistoryQuery:
    """Only the changes of one unit (``kind`` and ``code``), or (both None) all."""

    kind: OrgKind | None = None
    code: str | None = None

    @classmethod
    def of_one(cls, **codes: str | None) -> HistoryQuery:
        """The query for at most one of ``committee=``, ``administration=``,
        ``steering_group=`` given; more than one is refused."""
        wanted = [(kind, code) for kind, code in codes.items() if code]
        if len(wanted) > 1:
            raise InvalidInput(
                "give one committee, administration or steering group, not several",
                code=ErrorCode.ONE_UNIT_ONLY,
                given=[kind for kind, _ in wanted],
            )
        if not wanted:
            return cls()
        kind, code = wanted[0]
        try:
            return cls(OrgKind(kind), code)
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
    changes: Sequence[OrgChange]

    def to_json(self) -> list[dict[str, Any]]:
        return [change_json(change) for change in self.changes]


def org_history_of(ctx: Context, actor: Actor, query: HistoryQuery) -> History:
    """Changes to the organisation, oldest first, of the kinds ``actor`` may read."""
    kinds = org_history_kinds(actor)
    if kinds is not None and query.kind is not None and query.kind not in kinds:
        return History(())
    with read_transaction(ctx.engine.db) as conn:
        found = org_history.search(conn, kind=query.kind, code=query.code)
    # The history is short (one row per edit of the organisation): the kinds a reader
    # may not see are left out here rather than in a query of their own.
    return History(tuple(c for c in found if kinds is None or c.kind in kinds))
