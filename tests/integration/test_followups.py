"""Follow-up actions after a decision: deadlines the dispatcher reminds and escalates."""

from __future__ import annotations

import pytest

from caseflow.calendar import COPENHAGEN, COPENHAGEN_RULES
from caseflow.clock import FakeClock
from caseflow.deadlines.dispatcher import Dispatcher
from caseflow.deadlines.labels import Labels
from caseflow.deadlines.rules import Calendars
from caseflow.domain import Actor, RoleGrant
from caseflow.engine import Engine
from caseflow.errors import InvalidInput, NotAllowed, NotFound
from caseflow.meetings import committees, followup
from caseflow.notifications.render import Language, Renderer
from caseflow.notifications.sender import revive
from caseflow.settings import default_templates_dir
from caseflow.store import deadlines as deadline_rows
from caseflow.store import followups as followup_rows
from caseflow.store import organisation, outbox
from caseflow.store.db import write_transaction
from caseflow.store.followups import FollowupRecord
from caseflow.testing import copenhagen_time, open_test_case


def dispatcher(engine: Engine) -> Dispatcher:
    return Dispatcher(engine, Calendars.for_rules(COPENHAGEN_RULES), owner="test-worker")


def followup_deadlines(engine: Engine, journal_no: str) -> list[deadline_rows.DeadlineRecord]:
    with engine.transaction() as conn:
        found = deadline_rows.for_case(conn, engine.get_case(journal_no).id)
    return [d for d in found if d.rule_id.startswith("followup:")]


def outbox_keys(engine: Engine) -> list[str]:
    with engine.transaction() as conn:
        return sorted(r.key for r in outbox.search(conn))


@pytest.fixture
def case(engine: Engine, clock: FakeClock) -> str:
    clock.set(copenhagen_time("2009-10-29 17:00"))
    return open_test_case(engine)


def test_a_fuzzy_political_due_date_becomes_a_deadline(engine: Engine, case: str) -> None:
    officer = engine.actor("bif.sagsbehandler")
    action = followup.add_followup(
        engine,
        case,
        officer,
        owner="steering_group:OMR",
        due="in 2010",
        text="Forslag om styrket koordinering forelægges udvalgene",
    )
    assert action.due_at.astimezone(COPENHAGEN).date().isoformat() == "2010-12-31"
    (deadline,) = followup_deadlines(engine, case)
    assert deadline.rule_id == f"followup:{action.id}"
    assert deadline.not_before is not None
    assert engine.get_case(case).fields["followup_actions"] == [
        {
            "id": action.id,
            "text": "Forslag om styrket koordinering forelægges udvalgene",
            "owner": "steering_group:OMR",
            "due": "in 2010",
            "status": "open",
        }
    ]


def test_bad_owner_due_and_role_are_refused(engine: Engine, case: str) -> None:
    officer = engine.actor("bif.sagsbehandler")
    with pytest.raises(InvalidInput, match="no steering group 'XYZ'"):
        followup.add_followup(
            engine, case, officer, owner="steering_group:XYZ", due="2010", text="x"
        )
    with pytest.raises(InvalidInput, match="cannot read due"):
        followup.add_followup(
            engine, case, officer, owner="administration:TMF", due="sometime soon", text="x"
        )
    with write_transaction(engine.db) as conn:
        organisation.upsert_actor(
            conn, "sof.sagsbehandler", "S", None, [RoleGrant("case_officer", "SOF")]
        )
    # SOF is no party to the case: it may not see it, so it is not found or not allowed.
    with pytest.raises(NotFound, match="not found or not allowed"):
        followup.add_followup(
            engine,
            case,
            engine.actor("sof.sagsbehandler"),
            owner="administration:TMF",
            due="2010",
            text="x",
        )
    assert followup_deadlines(engine, case) == []


def test_the_dispatcher_reminds_then_escalates_an_overdue_action(
    engine: Engine, case: str, clock: FakeClock
) -> None:
    officer = engine.actor("bif.sagsbehandler")
    action = followup.add_followup(
        engine,
        case,
        officer,
        owner="steering_group:OMR",
        due="by end of 2009",
        text="Forslag til styrket koordinering",
    )
    clock.set(copenhagen_time("2009-12-03 09:00"))  # after the reminder 20 working days before
    report = dispatcher(engine).run_once()
    assert report.reminders == 1
    assert followup.list_followups(engine, officer, overdue=True) == []

    clock.set(copenhagen_time("2010-01-04 09:00"))
    report = dispatcher(engine).run_once()
    assert report.expired == 1
    assert [f.id for f in followup.list_followups(engine, officer, overdue=True)] == [action.id]
    # Only for those who may see the case: an officer of another administration sees nothing.
    outsider = Actor("kff.sagsbehandler", "K", grants=(RoleGrant("case_officer", "KFF"),))
    assert followup.list_followups(engine, outsider, overdue=True) == []
    with pytest.raises(NotFound, match="not found or not allowed"):
        followup.list_followups(engine, outsider, journal_no=case)
    keys = outbox_keys(engine)
    (deadline,) = followup_deadlines(engine, case)
    assert deadline.status == "expired"
    # The steering group's member and the case officer are told; the office head is escalated to.
    assert f"deadline:{deadline.id}:expiry:0:lars.dahl@tmf.kk.example" in keys
    assert f"deadline:{deadline.id}:expiry:0:sara.holm@bif.kk.example" in keys
    assert f"deadline:{deadline.id}:expiry:1:poul.ravn@tmf.kk.example" in keys
    assert dispatcher(engine).run_once().applied == 0  # exactly once


def test_done_satisfies_the_deadline_and_nothing_fires_later(
    engine: Engine, case: str, clock: FakeClock
) -> None:
    action = followup.add_followup(
        engine,
        case,
        engine.actor("bif.sagsbehandler"),
        owner="administration:TMF",
        due="within 10 working days",
        text="Notat om tidsplan",
    )
    done = followup.finish_followup(engine, action.id, engine.actor("tmf.sagsbehandler"))
    assert done.status == "done"
    assert done.done_by == "tmf.sagsbehandler"
    assert [d.status for d in followup_deadlines(engine, case)] == ["satisfied"]
    with pytest.raises(NotAllowed, match="already done"):
        followup.finish_followup(engine, action.id, engine.actor("bif.sagsbehandler"))
    clock.set(copenhagen_time("2010-03-01 09:00"))
    assert dispatcher(engine).run_once().applied == 0
    assert followup.list_followups(engine, engine.actor("admin")) == []
    assert engine.get_case(case).fields["followup_actions"][0]["status"] == "done"


def outbox_rows(engine: Engine, template: str) -> list[outbox.OutboxRecord]:
    with engine.transaction() as conn:
        return [r for r in outbox.search(conn) if r.template == template]


def rendered_text(row: outbox.OutboxRecord) -> str:
    language: Language = "en" if row.language == "en" else "da"
    return (
        Renderer(default_templates_dir()).render(row.template, language, revive(row.context)).text
    )


@pytest.mark.parametrize(
    ("language", "title", "owner"),
    [
        ("da", "Opfølgning: Notat om tidsplan", "Socialforvaltningen (Forvaltning, SOF)"),
        (
            "en",
            "Follow-up: Notat om tidsplan",
            "Social Services Administration (Administration, SOF)",
        ),
    ],
)
def test_reminder_and_escalation_name_the_action_and_the_administration_that_owns_it(
    engine: Engine, case: str, clock: FakeClock, language: str, title: str, owner: str
) -> None:
    engine.fire(case, "start_drafting", engine.actor("bif.sagsbehandler"))  # Sara Holm, BIF
    followup.add_followup(
        engine,
        case,
        engine.actor("bif.sagsbehandler"),
        owner="administration:SOF",
        due="by end of 2009",
        text="Notat om tidsplan",
    )
    work = Dispatcher(
        engine, Calendars.for_rules(COPENHAGEN_RULES), owner="test-worker", language=language
    )
    clock.set(copenhagen_time("2009-12-03 09:00"))
    work.run_once()
    clock.set(copenhagen_time("2010-01-04 09:00"))
    work.run_once()
    (deadline,) = followup_deadlines(engine, case)
    for template in ("reminder", "expired", "escalation"):
        (row,) = [
            r for r in outbox_rows(engine, template) if r.key.startswith(f"deadline:{deadline.id}:")
        ]
        assert row.context["deadline"]["title"] == title
        text = rendered_text(row)
        assert title in text
        assert owner in text, text  # not the case officer, who sits in BIF
        assert "followup:" not in text
        assert "Sara Holm" not in text.split("\n", 1)[1]  # only in the greeting, if at all


def test_many_actions_due_together_each_keep_their_own_title(
    engine: Engine, case: str, clock: FakeClock
) -> None:
    """One batch plans every reminder: one action's title never rubs off on another's."""
    officer = engine.actor("bif.sagsbehandler")
    texts = [f"Handling nummer {n}" for n in range(30)]
    for text in texts:
        followup.add_followup(
            engine, case, officer, owner="steering_group:OMR", due="by end of 2009", text=text
        )
    clock.set(copenhagen_time("2009-12-03 09:00"))
    assert dispatcher(engine).run_once().reminders == len(texts)
    titles = {
        row.key.split(":")[1]: row.context["deadline"]["title"]
        for row in outbox_rows(engine, "reminder")
    }
    with engine.transaction() as conn:
        by_deadline = {
            str(d.id): d.rule_id for d in deadline_rows.for_case(conn, engine.get_case(case).id)
        }
    for deadline_id, shown in titles.items():
        action = followup_record(engine, by_deadline[deadline_id])
        assert shown == f"Opfølgning: {action.description}"
    assert len(set(titles.values())) == len(texts)


def followup_record(engine: Engine, rule_id: str) -> FollowupRecord:
    with engine.transaction() as conn:
        return followup_rows.get(conn, int(rule_id.removeprefix("followup:")))


@pytest.mark.parametrize(
    ("owner", "told"),
    [
        # TMF gives a mailbox in the organisation file: its reminders go there, and on
        # expiry both the mailbox and the case officer are told.
        ("administration:TMF", ["opfoelgning@tmf.kk.example", "sara.holm@bif.kk.example"]),
        # SOF gives none: the case officer is told instead, once.
        ("administration:SOF", ["sara.holm@bif.kk.example"]),
    ],
)
def test_an_administration_is_told_at_its_own_address_else_the_case_officer_is(
    engine: Engine, case: str, clock: FakeClock, owner: str, told: list[str]
) -> None:
    engine.fire(case, "start_drafting", engine.actor("bif.sagsbehandler"))
    followup.add_followup(
        engine, case, engine.actor("bif.sagsbehandler"), owner=owner, due="by end of 2009", text="x"
    )
    (deadline,) = followup_deadlines(engine, case)
    clock.set(copenhagen_time("2009-12-03 09:00"))
    dispatcher(engine).run_once()
    clock.set(copenhagen_time("2010-01-04 09:00"))
    dispatcher(engine).run_once()
    keys = [k for k in outbox_keys(engine) if k.startswith(f"deadline:{deadline.id}:")]
    assert keys == sorted(
        [
            *(f"deadline:{deadline.id}:expiry:0:{address}" for address in told),
            f"deadline:{deadline.id}:expiry:1:poul.ravn@tmf.kk.example",  # the escalation
            f"deadline:{deadline.id}:reminder:1:{told[0]}",
        ]
    )


def test_a_steering_group_is_told_through_the_people_seated_in_it(
    engine: Engine, case: str, clock: FakeClock
) -> None:
    """OMR's seats name Lars Dahl (TMF) and, here, Peter Lund for SOF, who holds no
    steering_group role: the group's mail goes to both. With no seat naming anyone it
    goes to who holds the role on the case (Lars Dahl), and `explain` says why."""
    admin, officer = engine.actor("admin"), engine.actor("bif.sagsbehandler")
    sara, lars, peter = (
        "sara.holm@bif.kk.example",
        "lars.dahl@tmf.kk.example",
        "peter.lund@bif.kk.example",
    )

    def told_and_why(due: str, when: str) -> tuple[set[str], str | None]:
        action = followup.add_followup(
            engine, case, officer, owner="steering_group:OMR", due=due, text=due
        )
        clock.set(copenhagen_time(when))
        assert dispatcher(engine).run_once().expired == 1
        rule_id = f"followup:{action.id}"
        (deadline,) = [d for d in followup_deadlines(engine, case) if d.rule_id == rule_id]
        prefix = f"deadline:{deadline.id}:expiry:0:"
        told = {k.removeprefix(prefix) for k in outbox_keys(engine) if k.startswith(prefix)}
        with engine.transaction() as conn:
            label = Labels(conn, engine.registry, "en").of(rule_id, engine.get_case(case))
        return told, label.fallback

    committees.set_steering_member(engine, admin, "OMR", "SOF", "bif.chef")
    told, fallback = told_and_why("by end of 2009", "2010-01-04 09:00")
    assert told == {lars, peter, sara}  # the seated members, and the case officer
    assert fallback is None

    for seat in ("TMF", "SOF"):
        committees.set_steering_member(engine, admin, "OMR", seat, None)
    told, fallback = told_and_why("by end of 2010", "2011-01-03 09:00")
    assert told == {lars, sara}  # by the steering_group role, and the case officer
    assert fallback is not None
    assert "no one seated in OMR" in fallback


def test_an_action_on_a_case_one_may_not_see_is_not_found_or_not_allowed(
    engine: Engine, case: str
) -> None:
    """Issue 15, finding 6: the same answer as for an id that does not exist."""
    with write_transaction(engine.db) as conn:
        organisation.upsert_actor(
            conn,
            "kff.officer",
            "K",
            "ko@kk.example",
            [RoleGrant("case_officer", administration="KFF")],
        )
    action = followup.add_followup(
        engine,
        case,
        engine.actor("bif.sagsbehandler"),
        owner="administration:KFF",
        due="in 2010",
        text="Notat om Jensen",
    )
    # KFF owns the action but is no party to the case: it may not see it.
    with pytest.raises(NotFound) as refused:
        followup.finish_followup(engine, action.id, engine.actor("kff.officer"))
    assert str(refused.value) == f"follow-up action {action.id}: not found or not allowed"
    with pytest.raises(NotFound) as unknown:
        followup.finish_followup(engine, 999, engine.actor("kff.officer"))
    assert str(unknown.value) == "follow-up action 999: not found or not allowed"
    assert followup.list_followups(engine, engine.actor("admin"))[0].status == "open"
    # Adding one to a hidden case is answered as for a case that does not exist.
    for journal_no in (case, "2009-99999"):
        with pytest.raises(NotFound) as hidden:
            followup.add_followup(
                engine, journal_no, engine.actor("kff.officer"),
                owner="administration:KFF", due="in 2010", text="x",
            )  # fmt: skip
        assert str(hidden.value) == f"case {journal_no}: not found or not allowed"
