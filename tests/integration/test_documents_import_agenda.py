"""A whole agenda imported into a meeting: each item a case of the meeting's committee."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from caseflow.documents.agenda_import import import_agenda
from caseflow.documents.config import load_config
from caseflow.documents.importer import AgendaItemReader
from caseflow.documents.inputs import html_text, read_items
from caseflow.documents.service import Names
from caseflow.engine import Engine
from caseflow.store import meetings as meeting_rows

AGENDA = """<html><body><h1>Beskæftigelses- og Integrationsudvalget</h1>
<p>Mødedato: 11. juni 2009</p>
<h2>1. Orientering om helhedsplaner (2009-70001)</h2>
<p>Beskæftigelses- og Integrationsforvaltningen indstiller,</p>
<h3>Indstilling</h3><p>Beskæftigelses- og Integrationsforvaltningen indstiller,</p>
<p>1. at udvalget tager orienteringen til efterretning.</p>
<h3>Problemstilling</h3><p>Planerne er forsinkede.</p>
<h2>2. Ny jobindsats (2009-70002)</h2>
<h3>Indstilling</h3><p>Beskæftigelses- og Integrationsforvaltningen indstiller,</p>
<p>1. at indsatsen godkendes.</p>
<h3>Problemstilling</h3><p>Ledigheden stiger.</p>
</body></html>"""


def test_every_item_of_an_agenda_becomes_a_case_of_the_meetings_committee(engine: Engine) -> None:
    items = read_items(html_text(AGENDA), AgendaItemReader(load_config()))
    assert [i.journal_no for i in items] == ["2009-70001", "2009-70002"]
    with engine.transaction() as conn:
        meeting = meeting_rows.create(
            conn,
            committee="BIU",
            starts_at=datetime(2009, 6, 11, 16, 30, tzinfo=ZoneInfo("Europe/Copenhagen")),
            place="Rådhuset",
            now=engine.clock.now(),
        ).id
    results = import_agenda(engine, items, meeting, Names.load(engine), engine.actor("admin"))
    assert [r.case.journal_no for r in results if r.case] == ["2009-70001", "2009-70002"]
    assert all(r.case is not None and r.case.committee == "BIU" for r in results)
    # A new case of the default workflow is drafted and approved before an agenda takes it:
    assert not any(r.on_agenda for r in results)
    problems = [r.problem or "" for r in results]
    assert all("registered" in p or "ready_for_agenda" in p for p in problems), problems
    again = import_agenda(engine, items, meeting, Names.load(engine), engine.actor("admin"))
    assert all(r.case is None and "exists already" in (r.problem or "") for r in again)
