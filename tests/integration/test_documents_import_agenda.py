"""A published agenda imported into a meeting, through the import service: a meeting held
gets its items as history, a meeting to come gets them on its agenda by its rules."""

from __future__ import annotations

from typing import Any

import pytest

from caseflow.context import Context
from caseflow.documents.agenda_import import decision_outcome
from caseflow.documents.config import load_config
from caseflow.errors import ErrorCode, NotAllowed, NotFound
from caseflow.meetings import agenda, minutes
from caseflow.meetings.vocabulary import ItemOutcome, MeetingStatus
from caseflow.services import imports
from caseflow.store import agenda as agenda_rows
from caseflow.store import meetings as meeting_rows
from caseflow.store.db import read_transaction
from caseflow.testing import copenhagen_time

SECRETARIAT = "biu.sekretariat"
MINUTES = """<html><body><h1>Beskæftigelses- og Integrationsudvalget</h1>
<p>Mødedato: 7. maj 2009</p>
<h2>1. Orientering om helhedsplaner</h2><p>Sagsnr.: 2009-70001</p>
<h3>Indstilling</h3><p>Beskæftigelses- og Integrationsforvaltningen indstiller,</p>
<p>1. at udvalget tager orienteringen til efterretning.</p>
<h3>Problemstilling</h3><p>Planerne er forsinkede.</p>
<h3>Beslutning</h3><p>Taget til efterretning.</p><p>Fraværende: Medlem B</p>
<h2>2. Ny jobindsats</h2><p>Sagsnr.: 330-2009-12345</p>
<h3>Indstilling</h3><p>Beskæftigelses- og Integrationsforvaltningen indstiller,</p>
<p>1. at indsatsen godkendes.</p>
<h3>Problemstilling</h3><p>Ledigheden stiger.</p>
<h3>Beslutning</h3><p>Udsat.</p>
<h2>3. Status for sprogcentre</h2><p>Sagsnr.: 2009-70003</p>
<h3>Indstilling</h3><p>Beskæftigelses- og Integrationsforvaltningen indstiller,</p>
<p>1. at status tages til efterretning.</p>
<h3>Problemstilling</h3><p>Ventelisterne er lange.</p>
</body></html>"""


def items(text: str = MINUTES) -> list[Any]:
    return imports.read_file(text.encode(), "referat.html", load_config())


def meeting(ctx: Context, when: str) -> int:
    with ctx.engine.transaction() as conn:
        return meeting_rows.create(
            conn, committee="BIU", starts_at=copenhagen_time(when), now=ctx.engine.clock.now()
        ).id


def run(ctx: Context, meeting_id: int, **options: Any) -> imports.AgendaImported:
    request = imports.ImportAgenda(meeting_id, items(options.pop("text", MINUTES)), "referat.html")
    request = imports.ImportAgenda(**{**request.__dict__, **options})
    return imports.import_agenda(ctx, ctx.engine.actor(SECRETARIAT), request)


def test_a_held_meetings_items_are_history_with_their_decisions(ctx: Context) -> None:
    held = meeting(ctx, "2009-05-07 16:00")  # before the clock's 14 May: held
    done = run(ctx, held)
    assert done.mode is imports.ImportMode.HISTORY
    assert [(i.outcome, i.state, i.item_no) for i in done.items] == [
        (imports.ImportOutcome.DECIDED, "decided", 1),
        (imports.ImportOutcome.POSTPONED, "ready_for_agenda", 2),
        (imports.ImportOutcome.AWAITING_DECISION, "on_agenda", 3),
    ]
    engine = ctx.engine
    decided = engine.get_case("2009-70001")
    assert decided.fields["decision"] == "Taget til efterretning."
    assert decided.fields["meeting_id"] == held
    # One audit row: an import by the secretariat naming the file, no approval faked.
    (entry,) = engine.history("2009-70001")
    assert (entry.kind, entry.actor, entry.to_state) == ("import", SECRETARIAT, "decided")
    assert entry.comment == "importeret fra referat.html (punkt 1, BIUs møde 2009-05-07)"
    with read_transaction(engine.db) as conn:
        rows = agenda_rows.items_for_meeting(conn, held)
        status = meeting_rows.get(conn, held).status
    assert [(r.outcome, r.decision, list(r.absent)) for r in rows] == [
        (ItemOutcome.DECIDED, "Taget til efterretning.", ["Medlem B"]),
        (ItemOutcome.POSTPONED, "Udsat.", []),
        (None, None, []),
    ]
    assert status is MeetingStatus.HELD
    # The item without a decision waits for the minutes like any other.
    case = minutes.decide_item(
        engine, held, 3, engine.actor(SECRETARIAT), outcome="decided", text="Godkendt."
    )
    assert case.state == "decided"


def test_a_kmd_number_is_the_sources_reference_and_the_case_gets_its_own(ctx: Context) -> None:
    done = run(ctx, meeting(ctx, "2009-05-07 16:00"))
    postponed = done.items[1]
    assert postponed.source_reference == "330-2009-12345"
    assert postponed.journal_no == "2009-70002"  # the next after 2009-70001, given before
    case = ctx.engine.get_case(postponed.journal_no)
    assert case.fields["source_reference_form"] == "kmd"


def test_a_dry_run_shows_exactly_what_the_real_run_does_and_writes_nothing(
    ctx: Context,
) -> None:
    held = meeting(ctx, "2009-05-07 16:00")
    dry = run(ctx, held, dry_run=True).to_json()
    with read_transaction(ctx.engine.db) as conn:
        assert agenda_rows.items_for_meeting(conn, held) == []
        assert meeting_rows.get(conn, held).status is MeetingStatus.PLANNED
    real = run(ctx, held).to_json()
    assert {**dry, "dry_run": False} == real
    again = run(ctx, held)  # imported already: each item refused, nothing written
    assert [i.result.error.code for i in again.items if i.result.error] == [
        ErrorCode.JOURNAL_NO_TAKEN,
        ErrorCode.IMPORTED_ALREADY,  # the KMD number, kept as the source's reference
        ErrorCode.JOURNAL_NO_TAKEN,
    ]


def test_a_coming_meetings_items_go_on_its_agenda_by_the_agendas_rules(ctx: Context) -> None:
    coming = meeting(ctx, "2009-06-11 16:00")
    agenda_only = MINUTES.replace("<h3>Beslutning</h3><p>Taget til efterretning.</p>", "")
    done = run(ctx, coming, text=agenda_only)
    assert done.mode is imports.ImportMode.AGENDA
    first, postponed, third = done.items
    assert (first.outcome, first.state, first.item_no) == (
        imports.ImportOutcome.ON_AGENDA,
        "on_agenda",
        1,
    )
    # Item 2 still records a decision ("Udsat."): the meeting has not been held.
    assert postponed.outcome is imports.ImportOutcome.REFUSED
    assert postponed.result.error is not None
    assert postponed.result.error.code is ErrorCode.IMPORT_DECISION_EARLY
    assert third.item_no == 2
    history = ctx.engine.history("2009-70001")
    assert [(e.kind, e.to_state) for e in history] == [
        ("import", "ready_for_agenda"),
        ("fire", "on_agenda"),
    ]
    assert history[1].trigger == "put_on_agenda"


def test_a_published_agenda_takes_imported_items_only_with_a_change_note(ctx: Context) -> None:
    coming = meeting(ctx, "2009-06-11 16:00")
    text = MINUTES.replace("<h3>Beslutning</h3><p>Taget til efterretning.</p>", "")
    text = text.replace("<h3>Beslutning</h3><p>Udsat.</p>", "")
    first, *rest = items(text)
    secretariat = ctx.engine.actor(SECRETARIAT)
    imports.import_agenda(ctx, secretariat, imports.ImportAgenda(coming, [first], "a.html"))
    agenda.publish(ctx.engine, coming, secretariat)
    refused = imports.import_agenda(ctx, secretariat, imports.ImportAgenda(coming, rest, "b.html"))
    assert [i.result.error.code for i in refused.items if i.result.error] == [
        ErrorCode.NOTE_REQUIRED,
        ErrorCode.NOTE_REQUIRED,
    ]
    with pytest.raises(NotFound):
        ctx.engine.get_case("2009-70003")  # refused: no half-written case
    noted = imports.ImportAgenda(coming, rest, "b.html", note="To punkter tilføjet")
    done = imports.import_agenda(ctx, secretariat, noted)
    assert [i.item_no for i in done.items] == [2, 3]


def test_only_the_committees_secretariat_imports_and_never_into_closed_minutes(
    ctx: Context,
) -> None:
    held = meeting(ctx, "2009-05-07 16:00")
    officer = ctx.engine.actor("bif.sagsbehandler")
    request = imports.ImportAgenda(held, items(), "referat.html")
    with pytest.raises(NotAllowed) as refused:
        imports.import_agenda(ctx, officer, request)
    assert refused.value.code is ErrorCode.ROLE_REQUIRED
    with ctx.engine.transaction() as conn:
        meeting_rows.set_status(conn, held, MeetingStatus.CANCELLED, now=ctx.engine.clock.now())
    with pytest.raises(NotAllowed) as closed:
        run(ctx, held)
    assert closed.value.code is ErrorCode.IMPORT_MEETING_CLOSED


@pytest.mark.parametrize(
    ("text", "outcome"),
    [
        ("Udsat.", ItemOutcome.POSTPONED),
        ("Punktet blev udsat til næste møde.", ItemOutcome.POSTPONED),
        ("Sagen udsættes.", ItemOutcome.POSTPONED),
        ("Godkendt.", ItemOutcome.DECIDED),
        ("Indstillingen blev godkendt; punkt 3 udsat.", ItemOutcome.DECIDED),
    ],
)
def test_a_decisions_text_says_whether_it_was_postponed(text: str, outcome: ItemOutcome) -> None:
    assert decision_outcome(text) is outcome
