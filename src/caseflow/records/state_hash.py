"""The hash of a case's state after an event, carried by the event's audit row.

The audit chain proves what happened to a case; this hash ties the case row to it:
a case row whose title, state, fields, sections, recommendations or version no longer
hash to the state hash of its newest audit row was changed outside caseflow. The
engine computes it from the case it already holds (no read on the fire path); the
verifier computes it from the row it reads. Both go through :func:`digest_state`.

The journal number and the bookkeeping (``updated_at``, the audit head) are left
out: the audit row's own hash covers the journal number, and the head is checked
against the chain.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from caseflow.domain import Case
from caseflow.records.canonical import digest, sha256, text

_ENCODE = text

# The columns of a case row the state hash covers.
STATE_COLUMNS = (
    "title",
    "state",
    "version",
    "workflow_id",
    "workflow_version",
    "origin",
    "lead_administration",
    "participating_administrations",
    "committee",
    "summary",
    "recommendations",
    "sections",
    "attachments",
    "fields",
    "case_officer",
)


def case_state_hash(case: Case) -> str:
    """The state hash of ``case`` as the engine holds it after an event.

    On the fire path: built in one dict, without the copies :func:`digest_state` makes
    (the encoder writes tuples and lists alike). A test holds the two equal.
    """
    fields = case.fields
    if None in fields.values():
        fields = {k: v for k, v in fields.items() if v is not None}
    return sha256(
        _ENCODE(
            {
                "title": case.title,
                "state": case.state,
                "version": case.version,
                "workflow_id": case.workflow_id,
                "workflow_version": case.workflow_version,
                "origin": case.origin.to_json(),
                "lead_administration": case.lead_administration,
                "participating_administrations": case.participating_administrations,
                "committee": case.committee,
                "summary": case.summary,
                "recommendations": case.recommendations,
                "sections": case.sections,
                "attachments": [a.to_json() for a in case.attachments],
                "fields": fields,
                "case_officer": case.case_officer,
            }
        )
    )


def digest_state(values: Mapping[str, Any]) -> str:
    """The state hash of a case's column values (:data:`STATE_COLUMNS`, as stored).

    A field whose value is null counts as absent: an edit removes such a field, a
    deadline mark may store it, and the two mean the same.
    """
    state = {name: values[name] for name in STATE_COLUMNS}
    state["fields"] = {k: v for k, v in values["fields"].items() if v is not None}
    return digest(state)
