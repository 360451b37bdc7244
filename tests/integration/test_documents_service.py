"""Import through the engine and render cases back, on a real database."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from caseflow.documents.config import load_config
from caseflow.documents.importer import read_agenda_item
from caseflow.documents.model import AgendaDocument
from caseflow.documents.render import render_agenda, render_item
from caseflow.documents.service import (
    Names,
    check_import,
    import_case,
    item_for_case,
    meeting_documents,
    plan_import,
)
from caseflow.engine import Engine, NewCase
from caseflow.errors import Conflict, InvalidInput, NotFound
from caseflow.meetings import agenda
from caseflow.store import meetings as meeting_rows
from caseflow.testing import approve_test_case

DATA = Path(__file__).resolve().parents[1] / "data"
CONFIG = load_config()


def read(name: str) -> str:
    return (DATA / name).read_text(encoding="utf-8")


def test_an_imported_item_renders_back_with_every_section(engine: Engine) -> None:
    names = Names.load(engine)
    item = read_agenda_item(read("agenda-item-2009-68440-biu-item18.txt"), CONFIG)
    plan = plan_import(item, names)
    assert (plan.new.lead_administration, plan.new.committee) == ("BIF", "BIU")
    case = import_case(engine, plan, names, engine.actor("bif.sagsbehandler"))
    assert case.state == "registered"
    assert case.journal_no == "2009-68440"

    document = item_for_case(engine.get_case("2009-68440"), names, CONFIG)
    assert document == item.to_document()
    again = read_agenda_item(str(render_item(document, "md")), CONFIG)
    assert again.to_document() == item.to_document()

    with pytest.raises(Conflict, match="exists already"):
        import_case(engine, plan, names, engine.actor("bif.sagsbehandler"))


def test_a_dry_run_check_writes_nothing_and_unknown_codes_are_refused(engine: Engine) -> None:
    names = Names.load(engine)
    item = read_agenda_item(read("agenda-item-variant-sagsnr.txt"), CONFIG)
    plan = plan_import(item, names, lead="TMF")
    assert plan.new.committee == "ØU"  # "Beslutning i Økonomiudvalget ..."
    check_import(engine, plan, names)
    with pytest.raises(NotFound):
        engine.get_case("330-2016-89665")
    with pytest.raises(InvalidInput, match="no administration 'XYZ'"):
        check_import(engine, plan_import(item, names, lead="XYZ"), names)
    with pytest.raises(InvalidInput, match="name the lead administration"):
        check_import(engine, plan_import(item, names), names)  # "By- og Kulturforvaltningen"


def test_an_agenda_of_imported_cases_leaves_the_closed_one_out_in_public(engine: Engine) -> None:
    names = Names.load(engine)
    admin = engine.actor("admin")
    for file, lead in (
        ("agenda-item-2009-68440-biu-item18.txt", None),
        ("agenda-item-variant-closed.txt", "ØKF"),
    ):
        item = read_agenda_item(read(file), CONFIG)
        import_case(engine, plan_import(item, names, lead=lead), names, admin)
    items = tuple(
        item_for_case(engine.get_case(number), names, CONFIG)
        for number in ("2009-68440", "2015-004512")
    )
    agenda = AgendaDocument(
        "BIU",
        names.committees["BIU"],
        datetime(2009, 6, 11, 15, tzinfo=ZoneInfo("Europe/Copenhagen")),
        items,
    )
    public = str(render_agenda(agenda, "html", "da", True))
    assert "Vestergade" not in public
    assert "7. Lukket punkt" in public
    assert "Vestergade" in str(render_agenda(agenda, "html", "da", False))


def make_ready(engine: Engine, journal_no: str) -> None:
    """Drafted and submitted by BIF, approved by TMF's management: ready for the agenda."""
    officer = engine.actor("bif.sagsbehandler")
    for trigger in ("start_drafting", "submit_for_approval"):
        engine.fire(journal_no, trigger, officer)
    approve_test_case(engine, journal_no)


def test_an_agenda_prints_its_items_as_the_cases_print_and_keeps_each_version(
    engine: Engine,
) -> None:
    """Published versions carry all a document needs: the same item as the case renders
    (headings, recommending administration), and later changes leave them as they were."""
    names = Names.load(engine)
    item = read_agenda_item(read("agenda-item-2009-68440-biu-item18.txt"), CONFIG)
    plan = plan_import(item, names, lead="TMF")  # BIF recommends, TMF leads
    case = import_case(engine, plan, names, engine.actor("bif.sagsbehandler"))
    officer = engine.actor("bif.sagsbehandler")
    engine.edit(
        case.journal_no,
        {
            "sections.tidsplan": "Efteråret 2009.",
            "fields.section_headings": {"tidsplan": "Tidsplan"},
        },
        officer,
    )
    make_ready(engine, case.journal_no)
    other = engine.open_case(
        NewCase(
            "committee-case",
            "Et andet punkt",
            lead_administration="TMF",
            participating_administrations=["BIF"],
            committee="BIU",
        ),
        officer,
    ).journal_no
    engine.edit(
        other,
        {
            "sections": {"problemstilling": "P", "losning": "L", "okonomi": "Ø"},
            "recommendations": ["at udvalget drøfter sagen."],
        },
        officer,
    )
    make_ready(engine, other)
    secretariat = engine.actor("biu.sekretariat")
    with engine.transaction() as conn:
        meeting = meeting_rows.create(
            conn,
            committee="BIU",
            starts_at=datetime(2009, 6, 11, 16, 30, tzinfo=ZoneInfo("Europe/Copenhagen")),
            place="Rådhuset",
            now=engine.clock.now(),
        ).id
    agenda.add_item(engine, meeting, other, secretariat)
    agenda.add_item(engine, meeting, case.journal_no, secretariat)
    agenda.publish(engine, meeting, secretariat)
    agenda.withdraw_item(engine, meeting, other, secretariat, reason="Afventer svar")

    latest = meeting_documents(engine, meeting, CONFIG, public=True).agenda
    assert latest.version == 2
    expected = item_for_case(engine.get_case(case.journal_no), names, CONFIG, number=1)
    assert expected.administration == "Beskæftigelses- og Integrationsforvaltningen"
    assert ("tidsplan", "Tidsplan") in [(s.key, s.heading) for s in expected.sections]
    assert latest.items == (replace(expected, decision=None, absent=()),)
    first = meeting_documents(engine, meeting, CONFIG, public=True, version=1).agenda
    assert [(i.number, i.journal_no, i.decision) for i in first.items] == [
        (1, other, None),  # taken off later: its reason is no decision
        (2, case.journal_no, None),
    ]
