"""The API's documents of follow-up actions and incidents: each mirrors the ``to_json`` of
the service result it carries."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class _Out(BaseModel):
    model_config = ConfigDict(extra="forbid")


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


# --- follow-up actions -----------------------------------------------------------------


class FollowupOut(_Out):
    id: int
    journal_no: str
    case_title: str
    description: str
    owner: str  # steering_group:CODE or administration:CODE
    due: str  # as decided: "by end of 2009", "within 10 working days"
    due_at: str
    status: str
    agenda_item_id: int | None
    overdue: bool
    created_by: str
    done_at: str | None
    done_by: str | None


class FollowupPageOut(_Out):
    items: list[FollowupOut]
    next_cursor: str | None


class FinishIn(_In):
    note: str | None = Field(default=None, max_length=10_000)


# --- incidents -------------------------------------------------------------------------


class IncidentOut(_Out):
    id: str  # D-42 (deadline 42) or N-17 (outbox row 17)
    kind: str
    journal_no: str | None
    what: str
    attempts: int
    last_error: str | None


class IncidentsOut(_Out):
    items: list[IncidentOut]


class RetryIn(_In):
    """Which incidents to re-open: ``ids`` (``D-42``, ``N-17``), or ``all``."""

    ids: list[str] = Field(default_factory=list, max_length=1000)
    all: bool = False


class ReopenedOut(_Out):
    deadlines: int
    notifications: int
