"""``caseflow agenda render`` and ``caseflow minutes render``: a meeting's documents.

The meeting is prepared through the Python API (faster than a dozen commands);
the documents come from the command line in a subprocess, as a secretariat
prints them. A document shows the agenda as published (a version), not edits
made since; a closed item's content never reaches a public document, whatever
version; the full documents, and the draft, are only for the committee's insiders.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from caseflow.clock import FakeClock
from caseflow.engine import Engine
from caseflow.meetings import agenda, minutes
from caseflow.store import meetings as meeting_rows
from caseflow.testing import CommandLine as Cli
from caseflow.testing import approve_test_case, copenhagen_time, open_test_case

REPO = Path(__file__).resolve().parents[2]
SECRETARIAT = "biu.sekretariat"
SECRET = "Fortrolig personsag Jensen"


def ready_case(engine: Engine, title: str) -> str:
    officer = engine.actor("bif.sagsbehandler")
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
    for trigger in ("start_drafting", "submit_for_approval"):
        engine.fire(journal_no, trigger, officer)
    approve_test_case(engine, journal_no)
    return journal_no


@pytest.fixture
def planned_meeting(engine: Engine, clock: FakeClock) -> tuple[int, str, str]:
    """BIU's meeting of 11 June 2009 with a public and a closed item, not published yet."""
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
    return meeting, public, closed


@pytest.fixture
def held_meeting(
    engine: Engine, clock: FakeClock, planned_meeting: tuple[int, str, str]
) -> tuple[int, str, str]:
    """The meeting, published, held and its minutes approved: both items decided."""
    meeting = planned_meeting[0]
    secretariat = engine.actor(SECRETARIAT)
    agenda.publish(engine, meeting, secretariat)
    clock.set(copenhagen_time("2009-06-11 17:30"))
    minutes.decide_item(
        engine, meeting, 1, secretariat, outcome="decided", text="Udvalget drøftede sagen.",
        absent=["Medlem A"],
    )  # fmt: skip
    minutes.decide_item(engine, meeting, 2, secretariat, outcome="decided", text="Bevilget Jensen")
    minutes.approve_minutes(engine, meeting, secretariat)
    return planned_meeting


@pytest.fixture
def cli(tmp_path: Path, database_url: str) -> Cli:
    return Cli(tmp_path, database_url, REPO / "workflows")


def pdf_text(data: bytes) -> str:
    pypdf = pytest.importorskip("pypdf")
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages)


def test_public_documents_leave_the_closed_item_out(
    cli: Cli, held_meeting: tuple[int, str, str], tmp_path: Path
) -> None:
    meeting, public, closed = str(held_meeting[0]), held_meeting[1], held_meeting[2]
    html = cli("agenda", "render", meeting, "--public").stdout
    assert "Dagsorden: Beskæftigelses- og Integrationsudvalget" in html
    assert "Styring af de politiske processer" in html
    assert public in html
    assert "Lukket punkt" in html
    markdown = cli("minutes", "render", meeting, "--public", "--format", "md").stdout
    assert "Udvalget drøftede sagen." in markdown
    assert "Medlem A" in markdown
    pdf = tmp_path / "agenda.pdf"
    cli("agenda", "render", meeting, "--public", "--format", "pdf", "-o", str(pdf))
    text = pdf_text(pdf.read_bytes())
    assert "Styring af de politiske" in text
    # The case itself, rendered alone: closed on an agenda, so closed in public too.
    item = cli(
        "case", "render", closed, "--public", "--format", "md", "--as", "biu.sekretariat"
    ).stdout
    assert "Lukket punkt" in item
    for document in (html, markdown, text, item):
        for leak in (SECRET, "Jensen", closed, "Bevilget"):
            assert leak not in document


def test_the_full_documents_are_for_the_committees_insiders(
    cli: Cli, held_meeting: tuple[int, str, str]
) -> None:
    meeting = str(held_meeting[0])
    full = cli("minutes", "render", meeting, "--format", "md", "--as", SECRETARIAT).stdout
    assert SECRET in full
    assert "Bevilget Jensen" in full
    assert "Version 1" in full
    for who in ((), ("--as", "bif.sagsbehandler")):
        refused = cli("agenda", "render", meeting, *who, expect=4)
        assert "closed items" in refused.stderr
        assert SECRET not in refused.stdout + refused.stderr


def test_the_calendar_export_holds_no_agenda_content(
    cli: Cli, held_meeting: tuple[int, str, str]
) -> None:
    ics = cli("meeting", "ics", "--committee", "BIU").stdout
    assert "BEGIN:VEVENT" in ics
    assert "TZID=Europe/Copenhagen:20090611T163000" in ics
    for leak in (SECRET, "Jensen", held_meeting[2], "Bevilget"):
        assert leak not in ics


LATER = "Ny tekst, skrevet efter at dagsordenen blev udsendt."


def test_documents_show_the_published_version_not_later_edits(
    cli: Cli,
    engine: Engine,
    clock: FakeClock,
    planned_meeting: tuple[int, str, str],
    tmp_path: Path,
) -> None:
    meeting_id, public, closed = planned_meeting
    meeting = str(meeting_id)  # as the command line takes it
    secretariat = engine.actor(SECRETARIAT)
    refused = cli("agenda", "render", meeting, "--public", expect=4)
    assert "not published yet" in refused.stderr
    unpublished = cli("agenda", "render", meeting, "--format", "md", "--as", SECRETARIAT).stdout
    assert "Udkast (ikke offentliggjort)" in unpublished

    agenda.publish(engine, meeting_id, secretariat)
    engine.edit(public, {"sections.problemstilling": LATER}, engine.actor("admin"))
    published = cli("agenda", "render", meeting, "--public", "--format", "md").stdout
    assert "Version 1" in published
    assert "Problemet i Styring af de politiske processer." in published
    assert LATER not in published
    draft = cli(
        "agenda", "render", meeting, "--draft", "--format", "md", "--as", SECRETARIAT
    ).stdout
    assert "Udkast (ikke offentliggjort)" in draft
    assert LATER in draft
    assert SECRET in draft
    public_draft = cli(
        "agenda", "render", meeting, "--draft", "--public", "--format", "md", "--as", SECRETARIAT
    ).stdout
    assert LATER in public_draft
    for who, why in (((), "not published"), (("--as", "bif.sagsbehandler"), "unpublished")):
        refused = cli("agenda", "render", meeting, "--draft", "--public", *who, expect=4)
        assert why in refused.stderr
        assert LATER not in refused.stdout + refused.stderr

    # A change publishes version 2, with the edit; version 1 stays as it was sent.
    third = ready_case(engine, "Landsbyggefondens ansøgningsfrist")
    agenda.add_item(engine, meeting_id, third, secretariat, note="Tillægspunkt")
    clock.set(copenhagen_time("2009-06-11 17:30"))
    minutes.decide_item(engine, meeting_id, 1, secretariat, outcome="decided", text="Tiltrådt.")
    latest = cli("agenda", "render", meeting, "--public", "--format", "md").stdout
    assert "Version 2" in latest
    assert LATER in latest
    assert "Landsbyggefondens ansøgningsfrist" in latest
    first = cli("agenda", "render", meeting, "--public", "--format", "md", "--version", "1").stdout
    assert "Version 1" in first
    assert LATER not in first
    assert "Landsbyggefondens ansøgningsfrist" not in first
    assert "Tiltrådt." in first  # decisions come from the minutes, whatever the version
    pdf = tmp_path / "version-1.pdf"
    cli(
        "agenda", "render", meeting, "--public", "--version", "1", "--format", "pdf", "-o", str(pdf)
    )
    text = pdf_text(pdf.read_bytes())
    assert "Styring af de politiske" in text
    for document in (published, public_draft, latest, first, text):
        assert "Lukket punkt" in document
        for leak in (SECRET, "Jensen", closed):
            assert leak not in document

    refused = cli("agenda", "render", meeting, "--public", "--version", "7", expect=3)
    assert "published versions: 1, 2" in refused.stderr
    refused = cli(
        "agenda", "render", meeting, "--version", "1", "--draft", "--as", SECRETARIAT, expect=2
    )
    assert "not both" in refused.stderr
