"""``/api/v1`` for steering groups and administrators: the follow-up actions (list, mark
done) and the incidents (list, retry).

The same services as the pages and the CLI: who may see and do what is theirs to say.
"""

from __future__ import annotations

from enum import Enum
from typing import Annotated, Any

from fastapi import APIRouter, Query

from caseflow.services import followup as followup_service
from caseflow.services import incidents as incident_service
from caseflow.services.paging import MAX_LIMIT, PageRequest
from caseflow.web.api.admin_models import (
    FinishIn,
    FollowupOut,
    FollowupPageOut,
    IncidentsOut,
    ReopenedOut,
    RetryIn,
)
from caseflow.web.api.cases import PROBLEMS
from caseflow.web.deps import ApiActor, Ctx, RowId

router = APIRouter(prefix="/api/v1", responses=PROBLEMS)

Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT)]
Cursor = Annotated[str | None, Query(max_length=18, pattern=r"^\d{1,18}$")]
FOLLOWUPS: list[str | Enum] = ["followups"]
INCIDENTS: list[str | Enum] = ["incidents"]


@router.get("/followups", response_model=FollowupPageOut, tags=FOLLOWUPS)
def list_followups(
    ctx: Ctx,
    actor: ApiActor,
    overdue: bool = False,
    finished: bool = False,
    journal_no: Annotated[str | None, Query(max_length=40)] = None,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> dict[str, Any]:
    """The follow-up actions of the cases the token's user may see, overdue first."""
    request = followup_service.ListFollowups(
        overdue, finished, journal_no or None, PageRequest(limit, cursor)
    )
    return followup_service.list_followups(ctx, actor, request).page_json()


@router.post("/followups/{followup_id}/done", response_model=FollowupOut, tags=FOLLOWUPS)
def finish_followup(
    ctx: Ctx, actor: ApiActor, followup_id: RowId, body: FinishIn | None = None
) -> dict[str, Any]:
    note = body.note if body else None
    request = followup_service.FinishFollowup(followup_id, note=note)
    return followup_service.finish(ctx, actor, request).to_json()


@router.get("/incidents", response_model=IncidentsOut, tags=INCIDENTS)
def list_incidents(ctx: Ctx, actor: ApiActor) -> dict[str, Any]:
    """Deadlines in incident, then failed notifications, of the cases one may see."""
    return {"items": incident_service.list_incidents(ctx, actor).to_json()}


@router.post("/incidents/retry", response_model=ReopenedOut, tags=INCIDENTS)
def retry_incidents(ctx: Ctx, actor: ApiActor, body: RetryIn) -> dict[str, Any]:
    request = incident_service.IncidentRetry(tuple(body.ids), every=body.all)
    return incident_service.retry_incidents(ctx, actor, request).to_json()
