"""``caseflow agenda render`` and ``caseflow minutes render``: a meeting's documents.

The meeting is prepared through the Python API (faster than a dozen commands);
the documents come from the command line in a subprocess, as a secretariat
prints them. A closed item's content never reaches a public document, and the
full documents are only for the committee's insiders.
"""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest

from caseflow.clock import FakeClock
from caseflow.engine import Engine
from caseflow.meetings import agenda, minutes
from caseflow.store import meetings as meeting_rows
from caseflow.testing import copenhagen_time, open_test_case

REPO = Path(__file__).resolve().parents[2]
SECRETARIAT = "biu.sekretariat"
SECRET = "Fortrolig personsag Jensen"


def ready_case(engine: Engine, title: str) -> str:
    officer, chief = engine.actor("bif.sagsbehandler"), engine.actor("bif.chef")
    journal_no = open_test_case(engine, title=title)
    engine.edit(
        journal_no,
        {
            "summary": f"Resumé af {title}.",
            "sections.problemstilling": f"Problemet i {title}.",
            "sections.losning": "Løsning.",
            "sections.okonomi": "Ingen.",
            "recommendations": ["at udvalget drøfter sagen."],
        },
        officer,
    )
    for trigger, actor in (
        ("start_drafting", officer),
        ("submit_for_approval", officer),
        ("approve", chief),
    ):
        engine.fire(journal_no, trigger, actor)
    return journal_no


@pytest.fixture
def held_meeting(engine: Engine, clock: FakeClock) -> tuple[int, str, str]:
    """BIU's meeting of 11 June 2009: a public and a closed item, both decided."""
    clock.set(copenhagen_time("2009-05-20 09:00"))
    with engine.transaction() as conn:
        meeting = meeting_rows.create(
            conn,
            committee="BIU",
            starts_at=copenhagen_time("2009-06-11 16:30"),
            place="Rådhuset, udvalgsværelse 2",
            now=clock.now(),
        ).id
    secretariat = engine.actor(SECRETARIAT)
    public = ready_case(engine, "Styring af de politiske processer")
    closed = ready_case(engine, SECRET)
    agenda.add_item(engine, meeting, public, secretariat)
    agenda.add_item(engine, meeting, closed, secretariat, closed=True)
    agenda.publish(engine, meeting, secretariat)
    clock.set(copenhagen_time("2009-06-11 17:30"))
    minutes.decide_item(
        engine, meeting, 1, secretariat, outcome="decided", text="Udvalget drøftede sagen.",
        absent=["Medlem A"],
    )  # fmt: skip
    minutes.decide_item(engine, meeting, 2, secretariat, outcome="decided", text="Bevilget Jensen")
    minutes.approve_minutes(engine, meeting, secretariat)
    return meeting, public, closed


def caseflow(database_url: str, *args: str, expect: int = 0) -> subprocess.CompletedProcess[bytes]:
    result = subprocess.run(
        [sys.executable, "-m", "caseflow", "--db", database_url, *args],
        env={"PATH": "/usr/bin:/bin", "COLUMNS": "200", "HOME": str(REPO)}
        | {"CASEFLOW_WORKFLOWS_DIR": str(REPO / "workflows")},
        capture_output=True,
        timeout=120,
        check=False,
    )
    assert b"Traceback" not in result.stderr, result.stderr.decode()
    assert result.returncode == expect, (result.stdout[-2000:], result.stderr.decode())
    return result


def pdf_text(data: bytes) -> str:
    pypdf = pytest.importorskip("pypdf")
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages)


def test_public_documents_leave_the_closed_item_out(
    engine: Engine, database_url: str, held_meeting: tuple[int, str, str], tmp_path: Path
) -> None:
    meeting, public, closed = str(held_meeting[0]), held_meeting[1], held_meeting[2]
    html = caseflow(database_url, "agenda", "render", meeting, "--public").stdout.decode()
    assert "Dagsorden: Beskæftigelses- og Integrationsudvalget" in html
    assert "Styring af de politiske processer" in html
    assert public in html
    assert "Lukket punkt" in html
    markdown = caseflow(
        database_url, "minutes", "render", meeting, "--public", "--format", "md"
    ).stdout.decode()
    assert "Udvalget drøftede sagen." in markdown
    assert "Medlem A" in markdown
    pdf = tmp_path / "agenda.pdf"
    caseflow(
        database_url, "agenda", "render", meeting, "--public", "--format", "pdf", "-o", str(pdf)
    )
    text = pdf_text(pdf.read_bytes())
    assert "Styring af de politiske" in text
    for document in (html, markdown, text):
        for leak in (SECRET, "Jensen", closed, "Bevilget"):
            assert leak not in document


def test_the_full_documents_are_for_the_committees_insiders(
    engine: Engine, database_url: str, held_meeting: tuple[int, str, str]
) -> None:
    meeting = str(held_meeting[0])
    full = caseflow(
        database_url, "minutes", "render", meeting, "--format", "md", "--as", SECRETARIAT
    ).stdout.decode()
    assert SECRET in full
    assert "Bevilget Jensen" in full
    assert "Version 1" in full
    for who in ((), ("--as", "bif.sagsbehandler")):
        refused = caseflow(database_url, "agenda", "render", meeting, *who, expect=4)
        assert b"closed items" in refused.stderr
        assert SECRET.encode() not in refused.stdout + refused.stderr


def test_the_calendar_export_holds_no_agenda_content(
    engine: Engine, database_url: str, held_meeting: tuple[int, str, str]
) -> None:
    ics = caseflow(database_url, "meeting", "ics", "--committee", "BIU").stdout.decode()
    assert "BEGIN:VEVENT" in ics
    assert "TZID=Europe/Copenhagen:20090611T163000" in ics
    for leak in (SECRET, "Jensen", held_meeting[2], "Bevilget"):
        assert leak not in ics
