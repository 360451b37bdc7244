"""The reference scenario of case 2009-68440, as steps the engine carries out.

Each step says when (Copenhagen time), who acts, and what they do; the engine
does the work and the timeline is printed from what it recorded. The texts
come from the agenda item in ``shared/examples``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from caseflow.approvals.chain import Action
from caseflow.clock import FakeClock
from caseflow.context import Context
from caseflow.domain import Case, Origin, OriginKind
from caseflow.engine import Engine, NewCase
from caseflow.errors import NotFound
from caseflow.meetings import agenda, minutes
from caseflow.services import approvals
from caseflow.store import agenda as agenda_rows
from caseflow.store import meetings as meeting_rows
from caseflow.store.db import read_transaction

COPENHAGEN = ZoneInfo("Europe/Copenhagen")
JOURNAL_NO = "2009-68440"
TITLE = "Styring af de politiske processer i forbindelse med boligsociale helhedsplaner"


@dataclass(frozen=True)
class Step:
    """One thing somebody does to the case at a moment."""

    at: datetime
    actor: str
    narration: str
    trigger: str | None = None  # None with changes: an edit; None without: the opening
    changes: dict[str, Any] = field(default_factory=dict)
    comment: str | None = None
    # Agenda work goes through the meeting: "BIU 2009-06-11" with put_on_agenda (and a
    # reason when the item is late; the agenda is then published) and decide (the
    # decision text and who was away).
    meeting: str | None = None
    late_reason: str | None = None
    decision: str | None = None
    absent: tuple[str, ...] = ()
    # Management acts on its approval chain (the step open for ``actor``): approves, or
    # returns the draft with ``comment``; the chain's last approval fires ``approve``.
    approval: Action | None = None


def _at(day: str, time: str = "10:00") -> datetime:
    return datetime.fromisoformat(f"{day}T{time}").replace(tzinfo=COPENHAGEN)


OPENING = NewCase(
    workflow_id="committee-case",
    title=TITLE,
    journal_no=JOURNAL_NO,
    origin=Origin(OriginKind.ENQUIRY, "Et medlem af BIU", date(2009, 5, 14), "BIU"),
    lead_administration="TMF",
    participating_administrations=["BIF"],
    committee="BIU",
    fields={
        "prior_discussions": [{"committee": "TMU", "date": "2009-05-13"}],
        # TMF leads, but BIF drafts and recommends (the item says "BIF indstiller").
        "recommending_administration": "Beskæftigelses- og Integrationsforvaltningen",
    },
)

PROBLEMSTILLING = (
    "Et medlem af Beskæftigelses- og Integrationsudvalget har på udvalgsmødet den 14. maj "
    "2009 indgivet en forespørgsel om at udvalget drøfter behovet for udvikling af nuværende "
    "praksis i forhold til styring af de politiske processer i forbindelse med planlægning og "
    "implementering af boligsociale helhedsplaner i regi af Landsbyggefonden. Spørgsmålet er "
    "også drøftet i Teknik- og Miljøudvalget den 13. maj 2009."
)
LOSNING = (
    "Teknik- og Miljøforvaltningen er ressortansvarlig for de boligsociale helhedsplaner og "
    "har udarbejdet et notat om problemstillingen, som er vedlagt som bilag 1."
)
LOSNING_BIF = (
    LOSNING + " Beskæftigelses- og Integrationsforvaltningen deltager i perioden 2007-2013 i "
    "15 boligsociale helhedsplaner og bidrager med i alt 14,5 mio. kroner i medfinansiering."
)
OKONOMI = "Udmøntningen af anbefalingerne forventes ikke at have økonomiske konsekvenser i 2009."
VIDERE_PROCES = (
    "Arbejdet er forankret i en styregruppe med repræsentanter fra kommunens 7 forvaltninger, "
    "med inspiration i rapporten \u201dDen horisontale søjle\u201d."
)
SUMMARY = (
    "Beskæftigelses- og Integrationsudvalget skal drøfte muligheden for en større involvering "
    "af de politiske udvalg i forbindelse med ansøgninger til og udmøntningen af "
    "Landsbyggefondens boligsociale helhedsplaner."
)

STEPS: tuple[Step, ...] = (
    Step(
        _at("2009-05-14", "16:30"),
        "bif.sagsbehandler",
        "BIU meeting: a member files an enquiry; BIF opens the case (TMF is lead)",
    ),
    Step(_at("2009-05-18"), "bif.sagsbehandler", "BIF starts drafting", "start_drafting"),
    Step(
        _at("2009-05-20"),
        "bif.sagsbehandler",
        "TMF's note is attached as bilag 1",
        changes={
            "attachments": [
                {
                    "number": "2009-300035",
                    "title": "Nye procesmuligheder i forbindelse med de områdebaserede indsatser",
                }
            ]
        },
    ),
    Step(
        _at("2009-05-26"),
        "bif.sagsbehandler",
        "BIF writes the agenda item",
        changes={
            "summary": SUMMARY,
            "recommendations": ["at Beskæftigelses- og Integrationsudvalget drøfter sagen."],
            "sections": {
                "problemstilling": PROBLEMSTILLING,
                "losning": LOSNING,
                "okonomi": OKONOMI,
                "videre_proces": VIDERE_PROCES,
            },
        },
    ),
    Step(
        _at("2009-05-27"),
        "bif.sagsbehandler",
        "Draft sent to TMF's management: the office head, then the director",
        "submit_for_approval",
    ),
    Step(
        _at("2009-05-28"),
        "tmf.kontorchef",
        "The office head sends it back",
        approval=Action.RETURN,
        comment="Beskriv forvaltningens eget engagement i helhedsplanerne",
    ),
    Step(
        _at("2009-05-29", "09:00"),
        "bif.sagsbehandler",
        "BIF adds its own engagement",
        changes={"sections.losning": LOSNING_BIF},
    ),
    Step(
        _at("2009-05-29", "11:00"), "bif.sagsbehandler", "Draft sent again", "submit_for_approval"
    ),
    Step(_at("2009-06-01"), "tmf.kontorchef", "The office head approves", approval=Action.APPROVE),
    Step(_at("2009-06-02"), "tmf.direktor", "The director approves", approval=Action.APPROVE),
    Step(
        _at("2009-06-03"),
        "biu.sekretariat",
        "Secretariat puts it on BIU's agenda after its deadline, with a reason, and publishes",
        "put_on_agenda",
        meeting="BIU 2009-06-11",
        late_reason="Svar på forespørgslen fra mødet 14. maj; udvalget ønsker det 11. juni",
    ),
    Step(
        _at("2009-06-11", "17:00"),
        "biu.udvalg",
        "BIU discusses the item and decides; the chair approves the minutes",
        "decide",
        meeting="BIU 2009-06-11",
        decision="Udvalget drøftede sagen.",
        absent=("Medlem C",),
    ),
    Step(
        _at("2009-10-08", "17:00"),
        "bif.sagsbehandler",
        "BIU asks for a theme discussion; BIF prepares a new item on the case",
        "prepare_new_item",
        {
            "fields.obligations": [
                {
                    "text": "Forslag til styrket koordinering (Budget 2010, Boligpakke II)",
                    "by": "end of 2009",
                }
            ],
            # Deadlines follow from these: the political one, and the agenda deadline.
            "fields.obligation_due": "end of 2009",
            "fields.meeting_date": "2009-11-05",
        },
        comment="Temadrøftelse: styring og koordinering af de områdebaserede indsatser",
    ),
    Step(
        _at("2009-10-14"),
        "bif.sagsbehandler",
        "BIF drafts the new item",
        changes={"fields.item_title": "Styring og koordinering af de områdebaserede indsatser"},
    ),
    Step(_at("2009-10-15"), "bif.sagsbehandler", "Draft sent to management", "submit_for_approval"),
    Step(_at("2009-10-20"), "tmf.kontorchef", "The office head approves", approval=Action.APPROVE),
    Step(_at("2009-10-22"), "tmf.direktor", "The director approves", approval=Action.APPROVE),
    Step(
        _at("2009-10-23", "14:00"),
        "biu.sekretariat",
        "On BIU's agenda for 5 November, before its agenda deadline, and published",
        "put_on_agenda",
        meeting="BIU 2009-11-05",
    ),
    Step(
        _at("2009-11-05", "17:00"),
        "biu.udvalg",
        "BIU holds the theme discussion",
        "decide",
        meeting="BIU 2009-11-05",
        decision="Udvalget drøftede sagen og ser frem til et forslag i 2010.",
    ),
    Step(
        _at("2009-11-09"),
        "tmf.styregruppe",
        "The steering group of the 7 administrations takes over the follow-up",
        "start_follow_up",
        {
            "fields.steering_group": "OMR",
            "fields.follow_up": [{"text": "Forslag forelægges udvalgene", "during": "2010"}],
            "fields.follow_up_due": "during 2010",
        },
    ),
)


# After the last step the demo lets time pass, so that the 2010 follow-up deadline
# sends its reminders (20 and 5 working days before the end of 2010).
LATER: tuple[datetime, ...] = (_at("2010-12-06", "09:00"), _at("2010-12-27", "09:00"))


def run(
    ctx: Context, clock: FakeClock, before_each: Callable[[], None] = lambda: None
) -> Iterator[tuple[Step, Case]]:
    """Carry out every step with the clock at its moment; yields the case after each.

    ``before_each`` runs with the clock already at the step's moment, before the
    step: where the demo lets its worker catch up, as a running worker would have.
    The meetings must be planned (``meetings-2009.yaml``) before the first agenda step.
    """
    engine = ctx.engine
    for step in STEPS:
        clock.set(step.at)
        before_each()
        actor = engine.actor(step.actor)
        if step.meeting is not None and step.trigger == "put_on_agenda":
            meeting = meeting_id(engine, step.meeting)
            added = agenda.add_item(
                engine, meeting, JOURNAL_NO, actor, late_reason=step.late_reason
            )
            # The members get the agenda as published; its documents print that version.
            agenda.publish(engine, meeting, actor)
            case = added.case
        elif step.meeting is not None and step.trigger == "decide":
            meeting = meeting_id(engine, step.meeting)
            case = minutes.decide_item(
                engine,
                meeting,
                item_number(engine, meeting),
                actor,
                outcome="decided",
                text=step.decision,
                absent=step.absent,
            )
            minutes.approve_minutes(engine, meeting, actor)
        elif step.approval is not None:
            approvals.act(ctx, actor, approvals.ActOnStep(JOURNAL_NO, step.approval, step.comment))
            case = engine.get_case(JOURNAL_NO)
        elif step.trigger is None and not step.changes:
            case = engine.open_case(OPENING, actor)
        elif step.trigger is None:
            case = engine.edit(JOURNAL_NO, step.changes, actor, comment=step.comment)
        else:
            case = engine.fire(
                JOURNAL_NO, step.trigger, actor, changes=step.changes, comment=step.comment
            )
        yield step, case


def meeting_id(engine: Engine, name: str) -> int:
    """The id of a planned meeting named like "BIU 2009-06-11"."""
    committee, day = name.split()
    start = datetime.fromisoformat(day).replace(tzinfo=COPENHAGEN)
    with read_transaction(engine.db) as conn:
        found = meeting_rows.list_for(conn, committee, start, start + timedelta(days=1))
    if not found:
        raise NotFound(f"the demo's meeting plan has no meeting {name}")
    return found[0].id


def item_number(engine: Engine, meeting: int) -> int:
    """The scenario case's item number on ``meeting``'s agenda."""
    case = engine.get_case(JOURNAL_NO)
    with read_transaction(engine.db) as conn:
        item = agenda_rows.item_on_meeting(conn, meeting, case.id)
    if item is None:
        raise NotFound(f"case {JOURNAL_NO} is not on the agenda of meeting {meeting}")
    return item.item_no
