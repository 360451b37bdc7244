"""The agenda, the minutes and the secretariat's lists go by what a workflow says its
states and steps mean, never by their names (tests/data/renamed-committee-case.yaml
names every one otherwise than committee-case does)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import update

from caseflow.clock import FakeClock
from caseflow.definitions.meanings import ServiceName
from caseflow.domain import Origin, OriginKind
from caseflow.engine import Engine, NewCase
from caseflow.errors import ErrorCode, NotAllowed
from caseflow.meetings import agenda, minutes, report
from caseflow.store import workflows as stored_workflows
from caseflow.store.db import read_transaction, write_transaction
from caseflow.store.tables import cases
from caseflow.testing import (
    add_test_meeting,
    copenhagen_time,
    make_test_engine,
    ready_test_case,
)

ROOT = Path(__file__).resolve().parents[2]
WORKFLOWS = ROOT / "workflows"
RENAMED = ROOT / "tests" / "data" / "renamed-committee-case.yaml"
SECRETARIAT = "biu.sekretariat"


@pytest.fixture
def renamed(tmp_path: Path, database_url: str, clock: FakeClock) -> Iterator[Engine]:
    """An engine whose workflows include the renamed committee workflow."""
    folder = tmp_path / "workflows"
    shutil.copytree(WORKFLOWS, folder)
    shutil.copy(RENAMED, folder / "udvalgssag.yaml")
    clock.set(copenhagen_time("2009-05-20 09:00"))
    engine = make_test_engine(database_url, clock=clock, workflows_dir=folder)
    yield engine
    engine.close()


def open_renamed(engine: Engine, title: str, **fields: object) -> str:
    officer = engine.actor("bif.sagsbehandler")
    case = engine.open_case(
        NewCase(
            workflow_id="udvalgssag",
            title=title,
            origin=Origin(OriginKind.OWN_INITIATIVE),
            lead_administration="TMF",
            participating_administrations=["BIF"],
            committee="BIU",
            fields=dict(fields),
        ),
        officer,
    )
    return case.journal_no


def triggers(engine: Engine, journal_no: str) -> list[str | None]:
    return [entry.trigger for entry in engine.history(journal_no)]


def test_a_workflow_with_other_names_works_with_the_agenda_and_the_minutes(
    renamed: Engine, clock: FakeClock
) -> None:
    engine = renamed
    secretariat, officer = engine.actor(SECRETARIAT), engine.actor("bif.sagsbehandler")
    june = add_test_meeting(engine, "BIU", "2009-06-11 15:00")
    august = add_test_meeting(engine, "BIU", "2009-08-20 15:00")
    journal_no = open_renamed(engine, "Omdøbt sag", meeting_date="2009-06-11")
    waiting = report.queue(engine, secretariat, june)
    assert [(line.journal_no, line.state, line.ready) for line in waiting] == [
        (journal_no, "kladde", False)  # being prepared ("preparing") for June's meeting
    ]
    not_ready = report.secretariat_report(engine, secretariat, "BIU")["not_ready"]
    assert [line["journal_no"] for line in not_ready] == [journal_no]
    engine.fire(journal_no, "godkend", officer)
    assert [line.ready for line in report.queue(engine, secretariat, june)] == [True]
    with pytest.raises(NotAllowed) as refused:  # the agenda's step: not a step of its own
        engine.fire(journal_no, "saet_paa", secretariat, changes={"fields.meeting": "x"})
    assert refused.value.code is ErrorCode.TRIGGER_OWNED_BY_SERVICE

    added = agenda.add_item(engine, june, journal_no, secretariat)
    assert added.case.state == "dagsorden"
    withdrawn = agenda.withdraw_item(engine, june, journal_no, secretariat, reason="Vent")
    assert withdrawn.case.state == "klar"
    agenda.add_item(engine, june, journal_no, secretariat)
    clock.set(copenhagen_time("2009-06-11 17:00"))
    postponed = minutes.decide_item(engine, june, 1, secretariat, outcome="postponed")
    assert (postponed.state, postponed.fields["meeting_id"]) == ("klar", august)
    assert [line.journal_no for line in report.queue(engine, secretariat, august)] == [journal_no]
    minutes.approve_minutes(engine, june, secretariat)

    agenda.add_item(engine, august, journal_no, secretariat)
    clock.set(copenhagen_time("2009-08-20 17:00"))
    sent = minutes.decide_item(
        engine, august, 1, secretariat, outcome="decided", text="Anbefales.", to="ØU"
    )
    assert (sent.state, sent.committee, sent.fields["decision"]) == ("klar", "ØU", "Anbefales.")
    assert triggers(engine, journal_no)[1:] == [
        "godkend",
        "saet_paa",
        "tag_af",
        "saet_paa",
        "udsaet",
        "saet_paa",
        "beslut",
        "videre",
    ]
    without = report.secretariat_report(engine, engine.actor("admin"), "ØU")["without_meeting"]
    assert [(line["journal_no"], line["reason"]) for line in without] == [(journal_no, "sent on")]

    referred = open_renamed(engine, "Henvises")
    engine.fire(referred, "godkend", officer)
    september = add_test_meeting(engine, "BIU", "2009-09-17 15:00")
    agenda.add_item(engine, september, referred, secretariat)
    clock.set(copenhagen_time("2009-09-17 17:00"))
    case = minutes.decide_item(engine, september, 1, secretariat, outcome="referred", to="TMU")
    assert (case.state, case.committee) == ("klar", "TMU")
    assert triggers(engine, referred)[-1] == "henvis"


def test_a_workflow_without_committee_steps_is_refused_by_the_agenda_with_why(
    engine: Engine, clock: FakeClock
) -> None:
    clock.set(copenhagen_time("2009-05-20 09:00"))
    meeting = add_test_meeting(engine, "BIU", "2009-06-11 15:00")
    request = engine.open_case(
        NewCase(
            workflow_id="access-request",
            title="Aktindsigt",
            lead_administration="BIF",
            committee="BIU",
            fields={"requester_email": "borger@example.dk"},
        ),
        engine.actor("bif.sagsbehandler"),
    )
    with pytest.raises(NotAllowed) as refused:
        agenda.add_item(engine, meeting, request.journal_no, engine.actor(SECRETARIAT))
    assert refused.value.code is ErrorCode.STEP_NOT_DECLARED
    assert refused.value.params == {"workflow_id": "access-request", "meaning": "put_on_agenda"}
    assert "no step that puts a case on a meeting's agenda" in refused.value.message
    assert engine.get_case(request.journal_no).state == "received"  # nothing was written
    assert report.queue(engine, engine.actor(SECRETARIAT), meeting) == []


def test_a_case_on_a_version_stored_before_meanings_still_goes_through_the_meeting(
    database_url: str, clock: FakeClock
) -> None:
    """A database from before workflow files declared meanings keeps that version's text;
    a case on it is read with the meanings committee-case's names had then."""
    clock.set(copenhagen_time("2009-05-20 09:00"))
    engine = make_test_engine(database_url, clock=clock, workflows_dir=WORKFLOWS)
    meeting = add_test_meeting(engine, "BIU", "2009-06-11 15:00")
    journal_no = ready_test_case(engine)
    old_text = "\n".join(
        line
        for line in (WORKFLOWS / "committee-case.yaml").read_text(encoding="utf-8").splitlines()
        if not line.strip().startswith("meaning:")
    ).replace("    service: agenda\n", "")  # from before `service:` too, for putting on
    old_version = "0" * 64
    with write_transaction(engine.db) as conn:
        stored_workflows.register(
            conn,
            workflow_id="committee-case",
            version=old_version,
            title="Committee case",
            source_path="workflows/committee-case.yaml",
            source_text=old_text,
            now=clock.now(),
        )
        conn.execute(
            update(cases)
            .where(cases.c.journal_no == journal_no)
            .values(workflow_version=old_version)
        )
    engine.close()

    engine = make_test_engine(
        database_url, clock=clock, workflows_dir=WORKFLOWS, load_demo_organisation=False
    )
    secretariat = engine.actor(SECRETARIAT)
    with read_transaction(engine.db) as conn:
        old = engine.registry.for_case(conn, "committee-case", old_version).definition
    (put_on,) = [t for t in old.transitions if t.trigger == "put_on_agenda"]
    assert put_on.service is ServiceName.AGENDA  # owned by its service, as today
    added = agenda.add_item(engine, meeting, journal_no, secretariat)
    assert added.case.state == "on_agenda"
    clock.set(copenhagen_time("2009-06-11 17:00"))
    decided = minutes.decide_item(engine, meeting, 1, secretariat, outcome="decided", text="Ja")
    assert (decided.state, decided.workflow_version) == ("decided", old_version)
    engine.close()
