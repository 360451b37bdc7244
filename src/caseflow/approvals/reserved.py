"""The case fields only the approval services write (pure).

The guard ``approved_by`` reads the chain's state from the case field
``approved_by``; a person who could set that field by an edit could approve in the
chain's place. So an edit or a step that names these fields is refused: they change
only as a chain's actions are recorded.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from caseflow.definitions.guards import APPROVED_FIELD
from caseflow.errors import ErrorCode, NotAllowed

CONDITIONS_FIELD = "approval_conditions"
"""The case field that lists the conditions approvers attached (shown with the case)."""

RESERVED_FIELDS = frozenset({APPROVED_FIELD, CONDITIONS_FIELD})


def check_user_changes(changes: Mapping[str, Any]) -> None:
    """Refuse a person's changes that would write a field of the approval chain."""
    named = set()
    for key, value in changes.items():
        if key.startswith("fields."):
            named.add(key.removeprefix("fields."))
        elif key == "fields" and isinstance(value, Mapping):
            named |= set(value)
    reserved = sorted(named & RESERVED_FIELDS)
    if reserved:
        raise NotAllowed(
            f"field {reserved[0]!r} is the approval chain's record; it changes only as "
            "approvers act (caseflow approval)",
            code=ErrorCode.RESERVED_FIELD,
            field=reserved[0],
        )
