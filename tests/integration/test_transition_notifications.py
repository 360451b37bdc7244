"""Notification rules at work: outbox rows written in the fire's transaction, and delivered.

The hook is appended to the test engine here; in a deployment the composition
root (caseflow.context) attaches it.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import Connection

from caseflow.clock import FakeClock
from caseflow.domain import Case, RoleGrant
from caseflow.engine import CaseEvent, Engine, NewCase
from caseflow.errors import InvalidInput
from caseflow.notifications.channels import SmtpChannel, SmtpSettings
from caseflow.notifications.message import KEY_HEADER, Recipient, RenderedMessage
from caseflow.notifications.on_transition import TransitionNotifier
from caseflow.notifications.render import Renderer
from caseflow.notifications.sender import Sender, revive
from caseflow.notifications.smtp_capture import SmtpCapture
from caseflow.organisation import put_actor
from caseflow.settings import default_templates_dir
from caseflow.store import organisation as organisation_rows
from caseflow.store import outbox
from caseflow.store.db import write_transaction
from caseflow.store.org_history import Stamp
from caseflow.testing import approve_test_case, copenhagen_time, make_test_engine, open_test_case

WORKFLOWS = Path(__file__).resolve().parents[2] / "workflows"
RECEIVED = "2009-04-08 10:00"  # the Wednesday before Easter 2009
REQUESTER = "aase.moeller@example.dk"
REASON = (
    "Din anmodning omfatter mange dokumenter, og vi skal høre "
    "Teknik- og Miljøforvaltningen om nogle af dem."
)


class Boom(Exception):
    pass


def notify(engine: Engine, language: str = "da") -> Engine:
    """The engine with one notifier in ``language`` (replacing the one the context attached)."""
    engine.hooks[:] = [h for h in engine.hooks if not isinstance(h, TransitionNotifier)]
    engine.hooks.append(TransitionNotifier(language))
    return engine


@pytest.fixture
def notifying(engine: Engine) -> Engine:
    return notify(engine)


def open_request(engine: Engine, clock: FakeClock, **fields: str) -> str:
    """A request received on 8 April 2009, being assessed."""
    clock.set(copenhagen_time(RECEIVED))
    values = {"requester_email": REQUESTER, "requester_name": "Åse Møller", **fields}
    case = engine.open_case(
        NewCase(
            workflow_id="access-request",
            title="dokumenterne i sagen om boligsociale helhedsplaner",
            lead_administration="BIF",
            fields=values,
        ),
        engine.actor("bif.sagsbehandler"),
    )
    engine.fire(case.journal_no, "start_assessment", engine.actor("bif.sagsbehandler"))
    return case.journal_no


def send_fristbrev(engine: Engine, clock: FakeClock, journal_no: str, **changes: str) -> Case:
    clock.set(copenhagen_time("2009-04-20 09:00"))
    values = {
        "fields.delay_reason": REASON,
        "fields.expected_answer_date": "2009-05-07",  # a Thursday: 8 May 2009 was Store Bededag
        **changes,
    }
    return engine.fire(
        journal_no, "send_fristbrev", engine.actor("bif.sagsbehandler"), changes=values
    )


def outbox_rows(engine: Engine) -> list[outbox.OutboxRecord]:
    with engine.transaction() as conn:
        return sorted(outbox.search(conn), key=lambda r: r.id)


def render(record: outbox.OutboxRecord) -> RenderedMessage:
    """The message as the sender will render it from the stored row."""
    language = "en" if record.language == "en" else "da"
    return Renderer(default_templates_dir()).render(
        record.template, language, revive(record.context)
    )


# --- the fristbrev ----------------------------------------------------------------------------


def test_the_fristbrev_goes_to_the_requester_with_reason_and_date(
    notifying: Engine, clock: FakeClock
) -> None:
    journal_no = open_request(notifying, clock)
    assert outbox_rows(notifying) == []  # opening and starting notify no one
    case = send_fristbrev(notifying, clock, journal_no)
    seq = notifying.history(journal_no)[-1].seq
    (row,) = outbox_rows(notifying)
    assert row.key == f"event:{case.id}:{seq}:fristbrev_to_requester:{REQUESTER}"
    assert row.recipients == ({"address": REQUESTER, "name": "Åse Møller"},)
    assert (row.template, row.language, row.case_id) == ("fristbrev", "da", case.id)
    assert row.context["request"] == {
        "received_on": "2009-04-08",
        "subject": "dokumenterne i sagen om boligsociale helhedsplaner",
        "reason": REASON,
        "expected_answer_on": "2009-05-07",
    }
    message = render(row)
    assert "7. maj 2009" in message.subject
    assert journal_no in message.subject
    for needle in (
        "Kære Åse Møller",
        "som vi modtog den 8. april 2009",
        f"Årsagen er: {REASON}",
        "svar senest den 7. maj 2009",
        "kontakte Sara Holm på sara.holm@bif.kk.example",
        "Beskæftigelses- og Integrationsforvaltningen\nKøbenhavns Kommune",
        f"sagsnummer {journal_no}",
    ):
        assert needle in message.text, needle


def test_the_same_event_twice_is_one_letter_and_a_new_fristbrev_is_another(
    notifying: Engine, clock: FakeClock
) -> None:
    events: list[CaseEvent] = []
    notifying.hooks.append(lambda conn, event: events.append(event))
    journal_no = open_request(notifying, clock)
    send_fristbrev(notifying, clock, journal_no)
    notifier = TransitionNotifier("da")
    with notifying.transaction() as conn:  # a retried transaction meets the same event again
        notifier(conn, events[-1])
    assert len(outbox_rows(notifying)) == 1
    send_fristbrev(notifying, clock, journal_no, **{"fields.expected_answer_date": "2009-05-15"})
    first, second = outbox_rows(notifying)
    assert first.key != second.key
    assert second.context["request"]["expected_answer_on"] == "2009-05-15"


def test_a_failing_later_hook_leaves_no_letter(notifying: Engine, clock: FakeClock) -> None:
    journal_no = open_request(notifying, clock)
    before = notifying.get_case(journal_no)

    def failing(conn: Connection, event: CaseEvent) -> None:
        raise Boom

    notifying.hooks.append(failing)
    with pytest.raises(Boom):
        send_fristbrev(notifying, clock, journal_no)
    assert outbox_rows(notifying) == []
    after = notifying.get_case(journal_no)
    assert (after.version, after.fields) == (before.version, before.fields)
    assert [e.trigger for e in notifying.history(journal_no)] == [None, "start_assessment"]


def test_no_address_no_letter(notifying: Engine, clock: FakeClock) -> None:
    """A request made by post is answered by post: a blank address is skipped."""
    journal_no = open_request(notifying, clock, requester_email=" ")
    send_fristbrev(notifying, clock, journal_no)
    assert outbox_rows(notifying) == []
    assert notifying.get_case(journal_no).fields["delay_reason"] == REASON


def test_an_invalid_address_stops_the_step_until_it_is_corrected(
    notifying: Engine, clock: FakeClock
) -> None:
    journal_no = open_request(notifying, clock, requester_email="aase.moeller example.dk")
    with pytest.raises(InvalidInput, match=r"field 'requester_email' holds 'aase\.moeller ex"):
        send_fristbrev(notifying, clock, journal_no)
    assert outbox_rows(notifying) == []
    assert notifying.history(journal_no)[-1].trigger == "start_assessment"
    send_fristbrev(notifying, clock, journal_no, **{"fields.requester_email": REQUESTER})
    (row,) = outbox_rows(notifying)
    assert row.recipients[0]["address"] == REQUESTER


def test_the_fristbrev_reaches_the_requester_by_smtp_once(
    notifying: Engine, clock: FakeClock
) -> None:
    journal_no = open_request(notifying, clock)
    send_fristbrev(notifying, clock, journal_no)
    with SmtpCapture() as capture:
        sender = Sender(
            notifying,
            Renderer(default_templates_dir()),
            SmtpChannel(SmtpSettings(host="127.0.0.1", port=capture.port)),
            Recipient("aktindsigt@bif.kk.example", "Københavns Kommune"),
            owner="test",
        )
        assert sender.run_once().sent == 1
        (received,) = capture.wait_for(1)
        assert sender.run_once().sent == 0
        assert len(capture.messages) == 1
    assert list(received.rcpt_tos) == [REQUESTER]
    assert "fristbrev_to_requester" in str(received.message[KEY_HEADER])
    assert "Åse Møller" in str(received.message["To"])
    body = received.message.get_body(("plain",))
    assert body is not None
    text = body.get_content()
    assert REASON in text
    assert "7. maj 2009" in text
    (row,) = outbox_rows(notifying)
    assert row.status == "sent"


# --- rules of a workflow without the shipped guard, and on opening ----------------------------

VARIANT_RULES = """\
  - id: receipt_to_requester
    on: {entering: received}
    template: transition
    to: [{field: requester_email}]
"""


@pytest.fixture
def variant(database_url: str, clock: FakeClock, tmp_path: Path) -> Iterator[Engine]:
    """access-request with send_fristbrev unguarded and a receipt sent on opening."""
    folder = tmp_path / "workflows"
    folder.mkdir()
    text = (WORKFLOWS / "access-request.yaml").read_text(encoding="utf-8")
    guard = "    guards:\n      - fields_filled: [delay_reason, expected_answer_date]\n"
    assert text.count(guard) == 1
    text = text.replace(guard, "").replace("notifications:\n", "notifications:\n" + VARIANT_RULES)
    (folder / "access-request.yaml").write_text(text, encoding="utf-8")
    engine = notify(make_test_engine(database_url, clock=clock, workflows_dir=folder))
    yield engine
    engine.close()


def test_opening_a_case_enters_its_initial_state(variant: Engine, clock: FakeClock) -> None:
    clock.set(copenhagen_time(RECEIVED))
    case = variant.open_case(
        NewCase(
            workflow_id="access-request",
            title="Aktindsigt",
            lead_administration="BIF",
            fields={"requester_email": REQUESTER},
        ),
        variant.actor("bif.sagsbehandler"),
    )
    (row,) = outbox_rows(variant)
    assert row.key == f"event:{case.id}:1:receipt_to_requester:{REQUESTER}"
    assert row.context["transition"]["from_state_title"] == "(ny sag)"
    assert row.context["transition"]["to_state_title"] == "Modtaget"
    assert row.recipients == ({"address": REQUESTER, "name": None},)


def test_a_fristbrev_without_reason_or_date_is_refused(variant: Engine, clock: FakeClock) -> None:
    journal_no = open_request(variant, clock)
    with pytest.raises(InvalidInput) as raised:
        variant.fire(journal_no, "send_fristbrev", variant.actor("bif.sagsbehandler"))
    assert "needs field delay_reason (the reason" in str(raised.value)
    assert "and field expected_answer_date (a date such as 2009-05-08)" in str(raised.value)
    assert [r.template for r in outbox_rows(variant)] == ["transition"]  # the receipt only


# --- committee cases ----------------------------------------------------------------------------


def draft_and_submit(engine: Engine, clock: FakeClock) -> str:
    clock.set(copenhagen_time("2009-05-18 10:00"))
    journal_no = open_test_case(engine)
    officer = engine.actor("bif.sagsbehandler")
    engine.fire(journal_no, "start_drafting", officer)
    engine.edit(
        journal_no,
        {
            "sections": {"problemstilling": "P", "losning": "L", "okonomi": "Ø"},
            "recommendations": ["at udvalget drøfter sagen."],
        },
        officer,
    )
    clock.set(copenhagen_time("2009-05-19 14:30"))
    engine.fire(journal_no, "submit_for_approval", officer)
    return journal_no


def test_submitting_for_approval_notifies_the_office_head(
    notifying: Engine, clock: FakeClock
) -> None:
    journal_no = draft_and_submit(notifying, clock)
    (row,) = outbox_rows(notifying)
    assert row.recipients == ({"address": "poul.ravn@tmf.kk.example", "name": "Poul Ravn"},)
    assert row.key.endswith(":approval_requested:poul.ravn@tmf.kk.example")
    assert (row.template, row.language) == ("transition", "da")
    assert row.context["case"]["journal_no"] == journal_no
    assert row.context["case"]["state_title"] == "Til godkendelse"
    at = datetime.fromisoformat(row.context["transition"].pop("at"))
    assert at == copenhagen_time("2009-05-19 14:30")
    assert row.context["transition"] == {
        "title": "Send til godkendelse",
        "from_state_title": "Under udarbejdelse",
        "to_state_title": "Til godkendelse",
        "actor_name": "Sara Holm",
        "comment": None,
    }
    assert row.context["recipient"] == {"name": "Poul Ravn"}


def test_sending_back_tells_the_case_officerwith_the_comment(
    notifying: Engine, clock: FakeClock
) -> None:
    journal_no = draft_and_submit(notifying, clock)
    notifying.fire(
        journal_no, "send_back", notifying.actor("tmf.kontorchef"), comment="Uddyb økonomien."
    )
    row = outbox_rows(notifying)[-1]
    assert row.recipients[0]["address"] == "sara.holm@bif.kk.example"
    assert row.context["transition"]["comment"] == "Uddyb økonomien."
    assert row.context["transition"]["actor_name"] == "Poul Ravn"


def test_an_approved_case_tells_the_secretariat(notifying: Engine, clock: FakeClock) -> None:
    journal_no = draft_and_submit(notifying, clock)
    approve_test_case(notifying, journal_no)  # the office head, then the director
    row = outbox_rows(notifying)[-1]
    assert row.key.endswith(":ready_for_agenda:biu-sekretariat@kk.example")
    assert row.context["transition"]["to_state_title"] == "Klar til dagsorden"
    assert row.context["case"]["committee"] == "BIU"


def test_an_english_deployment_writes_english_but_the_fristbrev_stays_danish(
    engine: Engine, clock: FakeClock
) -> None:
    notify(engine, "en")
    draft_and_submit(engine, clock)
    journal_no = open_request(engine, clock)
    send_fristbrev(engine, clock, journal_no)
    approval, fristbrev = outbox_rows(engine)
    assert approval.language == "en"
    assert approval.context["transition"]["title"] == "Submit for approval"
    assert approval.context["transition"]["to_state_title"] == "Awaiting approval"
    assert fristbrev.language == "da"  # fixed by the rule: a letter to a citizen
    assert "Kære Åse Møller" in render(fristbrev).text


def test_the_transition_message_renders_from_the_outbox(
    notifying: Engine, clock: FakeClock
) -> None:
    journal_no = draft_and_submit(notifying, clock)
    (row,) = outbox_rows(notifying)
    message = render(row)
    assert f"Sag {journal_no}" in message.subject
    assert "Kære Poul Ravn" in message.text
    assert "19. maj 2009 kl. 14.30" in message.text


# --- a changed organisation counts from the next fire on ------------------------------------


@pytest.mark.parametrize("elsewhere", [False, True], ids=["this process", "another process"])
def test_a_changed_role_takes_effect_at_the_next_fire(
    notifying: Engine, clock: FakeClock, monkeypatch: pytest.MonkeyPatch, elsewhere: bool
) -> None:
    """Recipients come from the organisation cached per process; a role granted or taken
    away (``caseflow org actor set``, a file loaded) is seen by the very next fire, also
    when another process made the change (only the change counter tells then)."""
    first = draft_and_submit(notifying, clock)
    notifying.fire(first, "send_back", notifying.actor("tmf.kontorchef"), comment="Uddyb.")
    if elsewhere:  # the change this process notes of its own writes is not there to see
        monkeypatch.setattr(organisation_rows, "_written", lambda: None)
    stamp = Stamp("tests", clock.now(), "test")
    with write_transaction(notifying.db) as conn:
        put_actor(
            conn,
            "tmf.kontorchef",
            "Poul Ravn",
            "poul.ravn@tmf.kk.example",
            [RoleGrant("case_officer", "TMF")],
            stamp,
        )
        put_actor(
            conn,
            "tmf.vicechef",
            "Ida Vang",
            "ida.vang@tmf.kk.example",
            [RoleGrant("office_head", "TMF")],
            stamp,
        )
    notifying.fire(first, "submit_for_approval", notifying.actor("bif.sagsbehandler"))
    row = outbox_rows(notifying)[-1]
    assert row.recipients == ({"address": "ida.vang@tmf.kk.example", "name": "Ida Vang"},)
    with write_transaction(notifying.db) as conn:
        put_actor(conn, "tmf.vicechef", "Ida Vang", "ida@tmf.kk.example", [], stamp)
        put_actor(
            conn,
            "tmf.kontorchef",
            "Poul Ravn",
            "poul.ravn@tmf.kk.example",
            [RoleGrant("office_head", "TMF")],
            stamp,
        )
    notifying.fire(first, "send_back", notifying.actor("tmf.kontorchef"), comment="Igen.")
    notifying.fire(first, "submit_for_approval", notifying.actor("bif.sagsbehandler"))
    row = outbox_rows(notifying)[-1]
    assert row.recipients == ({"address": "poul.ravn@tmf.kk.example", "name": "Poul Ravn"},)


_GRANT_ELSEWHERE = """
import sys
from datetime import UTC, datetime

from caseflow.domain import RoleGrant
from caseflow.organisation import put_actor
from caseflow.store.db import make_engine, write_transaction
from caseflow.store.org_history import Stamp

db = make_engine(sys.argv[1])
with write_transaction(db) as conn:
    put_actor(
        conn, "tmf.kontorchef", "Poul Ravn", "poul.ravn@tmf.kk.example",
        [RoleGrant("case_officer", "TMF")], Stamp("tests", datetime.now(UTC), "other process"),
    )
    put_actor(
        conn, "tmf.vicechef", "Ida Vang", "ida.vang@tmf.kk.example",
        [RoleGrant("office_head", "TMF")], Stamp("tests", datetime.now(UTC), "other process"),
    )
db.dispose()
"""


def test_a_role_changed_by_another_process_counts_at_this_ones_next_fire(
    notifying: Engine, clock: FakeClock, database_url: str
) -> None:
    """This process's cached organisation (read with the case, by the change counter) is
    read again after another process changed a role: the very next fire mails the new
    office head, not the one cached."""
    first = draft_and_submit(notifying, clock)
    assert outbox_rows(notifying)[-1].recipients[0]["address"] == "poul.ravn@tmf.kk.example"
    notifying.fire(first, "send_back", notifying.actor("tmf.kontorchef"), comment="Uddyb.")
    subprocess.run([sys.executable, "-c", _GRANT_ELSEWHERE, database_url], check=True, timeout=120)
    notifying.fire(first, "submit_for_approval", notifying.actor("bif.sagsbehandler"))
    row = outbox_rows(notifying)[-1]
    assert row.recipients == ({"address": "ida.vang@tmf.kk.example", "name": "Ida Vang"},)
