"""The meetings concern's services: what the CLI and the web call, with their JSON."""

from __future__ import annotations

from pathlib import Path

import pytest

from caseflow.clock import FakeClock
from caseflow.context import Context
from caseflow.domain import RoleGrant
from caseflow.engine import Engine
from caseflow.errors import InvalidInput, NotFound
from caseflow.services import agenda, followup, meetings
from caseflow.services.paging import PageRequest
from caseflow.settings import Settings
from caseflow.store import organisation
from caseflow.store.db import write_transaction
from caseflow.testing import approve_test_case, copenhagen_time, open_test_case

WORKFLOWS = Path(__file__).resolve().parents[2] / "workflows"


def ready_case(engine: Engine, title: str) -> str:
    officer = engine.actor("bif.sagsbehandler")
    journal_no = open_test_case(engine, title=title)
    sections = {f"sections.{key}": "Tekst." for key in ("problemstilling", "losning", "okonomi")}
    changes = {"summary": "Resumé.", "recommendations": ["at drøfte."], **sections}
    engine.edit(journal_no, changes, officer)
    for trigger in ("start_drafting", "submit_for_approval"):
        engine.fire(journal_no, trigger, officer)
    approve_test_case(engine, journal_no)
    return journal_no


@pytest.fixture
def ctx(engine: Engine, database_url: str, clock: FakeClock) -> Context:
    clock.set(copenhagen_time("2009-05-20 09:00"))
    return Context(Settings(database_url, WORKFLOWS), engine)


def test_an_agenda_through_the_services(ctx: Context) -> None:
    engine = ctx.engine
    secretariat, admin = engine.actor("biu.sekretariat"), engine.actor("admin")
    made = meetings.new_meeting(
        ctx, admin, meetings.NewMeeting("BIU", copenhagen_time("2009-06-11 15:00"))
    )
    meeting = made.meeting.id
    assert made.to_json()["starts_at"] == "2009-06-11T15:00:00+02:00"
    first, secret = ready_case(engine, "Første"), ready_case(engine, "Fortrolig Jensen")
    added = agenda.add_item(ctx, secretariat, agenda.AddItem(meeting, first))
    assert added.to_json()["item_no"] == 1
    agenda.add_item(ctx, secretariat, agenda.AddItem(meeting, secret, closed=True))
    queue = agenda.queue(ctx, engine.actor("bif.sagsbehandler"), agenda.Queue(meeting))
    assert queue.to_json() == []  # both are on the agenda already
    moved = agenda.move_item(ctx, secretariat, agenda.MoveItem(meeting, 2, 1))
    assert moved.to_json() == [
        {"item_no": 1, "journal_no": secret},
        {"item_no": 2, "journal_no": first},
    ]
    assert agenda.publish(ctx, secretariat, agenda.Publish(meeting)).to_json()["version"] == 1
    public = agenda.show(ctx, None, agenda.ShowAgenda(meeting, public=True)).to_json()
    assert [i["title"] for i in public["items"]] == ["Lukket punkt", "Første"]
    opened = agenda.open_item(
        ctx, secretariat, agenda.OpenItem(meeting, secret, "Offentlig", note="Punkt 1 åbnet")
    )
    assert opened.to_json() == {
        "meeting_id": meeting, "journal_no": secret, "item_no": 1, "published_version": 2,
    }  # fmt: skip
    shown = meetings.show_meeting(ctx, secretariat, meetings.ShowMeeting(meeting)).to_json()
    assert shown["agenda_deadline"] == "2009-05-28"

    report = agenda.secretariat_report(ctx, secretariat, agenda.Report("BIU")).to_json()
    assert set(report) == {"committee", "today", "not_ready", "without_meeting"}


def test_meeting_list_pages_and_followups_hide_what_one_may_not_see(ctx: Context) -> None:
    engine = ctx.engine
    admin = engine.actor("admin")
    for day in ("2009-06-11", "2009-08-20", "2009-09-17"):
        meetings.new_meeting(
            ctx, admin, meetings.NewMeeting("BIU", copenhagen_time(f"{day} 15:00"))
        )
    first = meetings.list_meetings(ctx, admin, meetings.ListMeetings("BIU", page=PageRequest(2)))
    assert len(first.meetings) == 2
    assert first.page.next_cursor is not None
    rest = meetings.list_meetings(
        ctx, admin, meetings.ListMeetings("BIU", page=PageRequest(2, first.page.next_cursor))
    )
    assert [m.id for m in first.meetings + rest.meetings] == [1, 2, 3]
    assert rest.page.next_cursor is None
    with pytest.raises(InvalidInput):
        meetings.change_meeting(ctx, admin, meetings.ChangeMeeting(1))

    journal_no = ready_case(engine, "Sag")
    added = followup.add(
        ctx,
        engine.actor("bif.sagsbehandler"),
        followup.AddFollowup(journal_no, "administration:TMF", "in 2010", "Notat"),
    )
    assert added.to_json()["journal_no"] == journal_no
    with write_transaction(engine.db) as conn:
        organisation.upsert_actor(
            conn, "kff", "K", "k@kk.example", [RoleGrant("case_officer", administration="KFF")]
        )
    outsider = engine.actor("kff")
    assert followup.list_followups(ctx, outsider, followup.ListFollowups()).to_json() == []
    with pytest.raises(NotFound, match="not found or not allowed"):
        followup.finish(ctx, outsider, followup.FinishFollowup(added.record.id))
    later = followup.add(
        ctx, admin, followup.AddFollowup(journal_no, "administration:TMF", "in 2011", "Plan")
    )
    first = followup.list_followups(ctx, admin, followup.ListFollowups(page=PageRequest(1)))
    assert [v.record.id for v in first.items] == [added.record.id]  # soonest due first
    assert first.page_json()["next_cursor"] == "1"
    rest = followup.ListFollowups(page=PageRequest(1, first.page.next_cursor))
    assert [v.record.id for v in followup.list_followups(ctx, admin, rest).items] == [
        later.record.id
    ]
    done = followup.finish(ctx, admin, followup.FinishFollowup(added.record.id, note="Ok"))
    assert done.to_json()["status"] == "done"
