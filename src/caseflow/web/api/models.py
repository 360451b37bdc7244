"""The API's documents, as the OpenAPI description publishes them.

Each mirrors the JSON the CLI prints with ``--json`` (built by the services'
``to_json``), so a script can move between the two without surprises.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class _Out(BaseModel):
    model_config = ConfigDict(extra="forbid")


class OriginOut(_Out):
    kind: str
    member: str | None
    date: str | None
    committee: str | None


class AttachmentOut(_Out):
    number: str
    title: str


class TriggerOut(_Out):
    trigger: str
    to: str
    blocked_by: list[str]
    needs_comment: bool
    service: str | None


class CaseOut(_Out):
    journal_no: str
    title: str
    workflow: str
    workflow_version: str
    state: str
    version: int
    origin: OriginOut
    lead_administration: str | None
    participating_administrations: list[str]
    committee: str | None
    case_officer: str | None
    summary: str
    recommendations: list[str]
    sections: dict[str, str]
    attachments: list[AttachmentOut]
    fields: dict[str, Any]
    created_at: str
    updated_at: str


class CaseViewOut(CaseOut):
    available: list[TriggerOut]
    withheld: bool


class CasePage(_Out):
    items: list[CaseOut]
    next_cursor: str | None


class InboxRowOut(_Out):
    journal_no: str
    title: str
    workflow: str
    workflow_version: str
    state: str
    committee: str | None
    case_officer: str | None
    lead_administration: str | None
    created_at: str
    updated_at: str
    next_due: str | None
    overdue: bool


class InboxOut(_Out):
    tab: str
    counts: dict[str, int]
    counts_capped_at: int  # a count above this means "more than this many"
    items: list[InboxRowOut]
    next_cursor: str | None


class EntryOut(_Out):
    seq: int
    at: str
    actor: str
    kind: str
    trigger: str | None
    from_: str | None = Field(alias="from")
    to: str | None
    changes: dict[str, Any]
    comment: str | None
    hash: str


class AdvancedOut(_Out):
    from_state: str
    case: CaseOut


class EditedOut(_Out):
    changed: bool
    case: CaseOut


class GrantOut(_Out):
    role: str
    administration: str | None
    committee: str | None


class MeOut(_Out):
    username: str
    name: str
    email: str | None
    grants: list[GrantOut]


class NewCaseIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    workflow: str = Field(min_length=1, max_length=100)
    title: str = Field(min_length=1, max_length=500)
    summary: str = Field(default="", max_length=100_000)
    lead_administration: str | None = Field(default=None, max_length=16)
    participating_administrations: list[str] = Field(default_factory=list, max_length=50)
    committee: str | None = Field(default=None, max_length=16)
    recommendations: list[str] = Field(default_factory=list, max_length=100)
    journal_no: str | None = Field(default=None, max_length=32)


class AdvanceIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    trigger: str = Field(min_length=1, max_length=100)
    comment: str | None = Field(default=None, max_length=100_000)
    expected_version: int | None = Field(default=None, ge=1)
    changes: dict[str, Any] = Field(default_factory=dict)


class EditIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    changes: dict[str, Any]
    comment: str | None = Field(default=None, max_length=100_000)
    expected_version: int | None = Field(default=None, ge=1)


class Problem(BaseModel):
    """An RFC 9457 problem document."""

    type: str
    title: str
    status: int
    detail: str
    code: str
    params: dict[str, Any]
