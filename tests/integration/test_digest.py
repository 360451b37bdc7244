"""The secretariats' daily digest of coming deadlines."""

from __future__ import annotations

import email
import email.policy
from email.message import EmailMessage
from pathlib import Path

from caseflow.calendar import COPENHAGEN_RULES
from caseflow.clock import FakeClock
from caseflow.deadlines.rules import Calendars
from caseflow.engine import Engine
from caseflow.meetings import followup
from caseflow.notifications.channels import FileChannel
from caseflow.notifications.digest import enqueue_digests
from caseflow.notifications.message import Recipient
from caseflow.notifications.render import Renderer
from caseflow.notifications.sender import Sender
from caseflow.settings import default_templates_dir
from caseflow.store import outbox
from caseflow.testing import copenhagen_time, open_test_case

CALENDARS = Calendars.for_rules(COPENHAGEN_RULES)


def test_digest_lists_the_committees_coming_deadlines_once_a_day(
    engine: Engine, clock: FakeClock, tmp_path: Path
) -> None:
    clock.set(copenhagen_time("2009-05-18 09:00"))
    journal_no = open_test_case(engine)  # a BIU case
    engine.fire(journal_no, "start_drafting", engine.actor("bif.sagsbehandler"))
    assert enqueue_digests(engine, CALENDARS, days=3) == []  # due 3 June: not within 3 days
    keys = enqueue_digests(engine, CALENDARS, days=15)
    assert keys == ["digest:BIU:2009-05-18"]
    assert enqueue_digests(engine, CALENDARS, days=15) == []  # once a day
    with engine.transaction() as conn:
        (row,) = outbox.search(conn)
    assert row.recipients[0]["address"] == "biu-sekretariat@kk.example"
    assert row.context["items"][0]["journal_no"] == journal_no
    sender = Sender(
        engine,
        Renderer(default_templates_dir()),
        FileChannel(tmp_path),
        Recipient("caseflow@kk.example"),
        owner="test",
    )
    assert sender.run_once().sent == 1
    (mail,) = tmp_path.glob("*.eml")
    message = email.message_from_bytes(mail.read_bytes(), policy=email.policy.default)
    body = message.get_body(("plain",))
    assert isinstance(body, EmailMessage)
    text = body.get_content()
    assert journal_no in text
    assert "Frist for udarbejdelse" in text  # the drafting deadline's title
    assert "3. juni 2009" in text  # 10 working days after 18 May (Ascension, Whit Monday)


def test_a_follow_up_action_is_listed_by_its_text_and_its_owner(
    engine: Engine, clock: FakeClock
) -> None:
    clock.set(copenhagen_time("2009-12-14 09:00"))
    journal_no = open_test_case(engine)  # a BIU case, no case officer yet
    action = followup.add_followup(
        engine,
        journal_no,
        engine.actor("bif.sagsbehandler"),
        owner="steering_group:OMR",
        due="by end of 2009",
        text="Forslag til styrket koordinering",
    )
    enqueue_digests(engine, CALENDARS, days=15, language="en")
    with engine.transaction() as conn:
        (row,) = outbox.search(conn)
    (item,) = row.context["items"]
    assert item["rule"] == "Follow-up: Forslag til styrket koordinering"
    assert item["rule"] != f"followup:{action.id}"
    assert item["owner"] == "Styregruppen for de områdebaserede indsatser"
