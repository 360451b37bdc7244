"""The inbox: a reader's case lists by tab, with counts, filters, sort and pages,
all kept in the URL so a list can be bookmarked, shared and reloaded."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from caseflow.services import inbox as inbox_service
from caseflow.services import organisation
from caseflow.services.paging import PageRequest
from caseflow.web.deps import Ctx, Say, Session
from caseflow.web.labels import WorkflowLabels
from caseflow.web.templating import render

router = APIRouter(include_in_schema=False)

PAGE_SIZE = 25


@dataclass(frozen=True)
class TabLink:
    name: str
    count: str
    current: bool
    query: str


def _query(**values: str | None) -> str:
    return urlencode({k: v for k, v in values.items() if v})


@router.get("/")
def home() -> Response:
    return RedirectResponse("/inbox", status_code=303)


@router.get("/inbox")
def inbox_page(
    request: Request,
    ctx: Ctx,
    words: Say,
    session: Session,
    tab: inbox_service.Tab = inbox_service.Tab.MINE,
    state: str | None = None,
    committee: str | None = None,
    sort: inbox_service.Order = inbox_service.Order.NEWEST,
    after: str | None = None,
) -> Response:
    query = inbox_service.InboxQuery(
        tab=tab,
        state=state or None,
        committee=committee or None,
        order=sort,
        page=PageRequest(limit=PAGE_SIZE, cursor=after or None),
    )
    result = inbox_service.inbox(ctx, session.actor, query)
    org = organisation.show_organisation(ctx, session.actor)
    labels = WorkflowLabels(ctx.engine.registry, words.language)
    kept = {"state": query.state, "committee": query.committee, "sort": str(sort)}
    tabs = [
        TabLink(str(t), result.shown_count(t), t is tab, _query(tab=str(t), **kept))
        for t in inbox_service.Tab
    ]
    next_query = (
        _query(tab=str(tab), **kept, after=result.page.next_cursor)
        if result.page.next_cursor
        else None
    )
    return render(
        request,
        "inbox.html",
        words,
        session,
        tabs=tabs,
        query=query,
        counts={str(k): result.shown_count(k) for k in result.counts},
        rows=result.page.items,
        next_query=next_query,
        first_query=_query(tab=str(tab), **kept),
        states=labels.states(),
        committees=[(c["code"], c["name"]) for c in org.committees],
        state_label=labels.state,
    )
