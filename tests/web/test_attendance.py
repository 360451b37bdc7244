"""A meeting's attendance, recorded once for the whole meeting in meeting mode or from the
command line (the same service), and shown in meeting mode and in the minutes."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from webtools import csrf_of

from caseflow.clock import FakeClock
from caseflow.context import Context
from caseflow.errors import ErrorCode, InvalidInput, NotAllowed
from caseflow.services import agenda, attendance
from caseflow.testing import (
    CommandLine,
    add_test_meeting,
    copenhagen_time,
    demo_organisation_file,
    ready_test_case,
)

Clients = Callable[[str], TestClient]
REPO = Path(__file__).resolve().parents[2]


def _meeting(ctx: Context) -> int:
    secretariat = ctx.engine.actor("biu.sekretariat")
    meeting = add_test_meeting(ctx.engine, "BIU", "2009-06-11 15:00")
    journal_no = ready_test_case(
        ctx.engine, "Sag", fields={"meeting_date": "2009-06-11", "obligation_due": "2009-12-31"}
    )
    agenda.add_item(ctx, secretariat, agenda.AddItem(meeting, journal_no))
    agenda.publish(ctx, secretariat, agenda.Publish(meeting))
    return meeting


def test_the_secretariat_records_the_meetings_attendance_in_meeting_mode(
    with_passwords: Context, client_for: Clients
) -> None:
    meeting = _meeting(with_passwords)
    secretariat = client_for("biu.sekretariat")
    page = secretariat.get(f"/meetings/{meeting}/mode")
    assert "Mødets fremmøde er ikke registreret endnu." in page.text
    done = secretariat.post(
        f"/meetings/{meeting}/attendance",
        data={"csrf_token": csrf_of(page.text), "absent_1": "Medlem B", "absent_4": "Medlem E"},
    )
    assert done.status_code == 200
    assert "Fremmødet er registreret." in done.text
    assert "Til stede: Medlem A, Medlem C, Medlem D, Medlem F" in done.text  # in the minutes
    assert "Fraværende: Medlem B, Medlem E." in done.text
    # Each item's form starts with the meeting's absentees ticked.
    assert 'name="absent_1" value="Medlem B" checked' in done.text
    found = attendance.attendance(with_passwords, with_passwords.engine.actor("admin"), meeting)
    assert found is not None
    assert list(found.absent) == ["Medlem B", "Medlem E"]
    assert found.recorded_by == "biu.sekretariat"
    # Corrected once more, it is replaced, not added to.
    again = secretariat.post(
        f"/meetings/{meeting}/attendance",
        data={"csrf_token": csrf_of(done.text), "absent_0": "Medlem A"},
    )
    assert "Fraværende: Medlem A." in again.text
    # A case officer outside the committee may not record it.
    outsider = client_for("bif.sagsbehandler")
    token = csrf_of(outsider.get(f"/meetings/{meeting}/mode").text)
    refused = outsider.post(f"/meetings/{meeting}/attendance", data={"csrf_token": token})
    assert refused.status_code == 403


def test_the_service_refuses_a_stranger_and_a_closed_meeting(ctx: Context) -> None:
    meeting = _meeting(ctx)
    secretariat = ctx.engine.actor("biu.sekretariat")
    with pytest.raises(InvalidInput) as refused:
        attendance.record_attendance(
            ctx, secretariat, attendance.RecordAttendance(meeting, absent=("Hr. Hansen",))
        )
    assert refused.value.code is ErrorCode.NOT_A_MEMBER
    attendance.record_attendance(
        ctx, secretariat, attendance.RecordAttendance(meeting, absent=("Medlem I",))
    )
    _meeting_begun(ctx)
    agenda.decide(ctx, secretariat, agenda.Decide(meeting, 1, "decided", "Taget til efterretning"))
    agenda.approve_minutes(ctx, secretariat, agenda.ApproveMinutes(meeting))
    with pytest.raises(NotAllowed):
        attendance.record_attendance(ctx, secretariat, attendance.RecordAttendance(meeting))
    shown = attendance.attendance(ctx, secretariat, meeting)
    assert shown is not None
    assert list(shown.absent) == ["Medlem I"]


def test_the_command_line_records_and_shows_it(tmp_path: Path, database_url: str) -> None:
    cli = CommandLine(tmp_path, database_url, REPO / "workflows")
    cli.at("2009-06-01T10:00")
    cli("init")
    cli("org", "load", str(demo_organisation_file()))
    cli("meeting", "new", "--committee", "BIU", "--at", "2009-06-11 15:00", "--as", "admin")
    shown = cli("minutes", "attendance", "1", "--as", "biu.sekretariat")
    assert "attendance not recorded" in shown.stdout
    done = cli.json(
        "minutes", "attendance", "1", "--absent", "Medlem C,Medlem D", "--as", "biu.sekretariat"
    )
    assert done["absent"] == ["Medlem C", "Medlem D"]
    assert "Medlem A" in done["present"]
    cli("minutes", "attendance", "1", "--absent", "Nobody", "--as", "biu.sekretariat", expect=2)
    minutes = cli("minutes", "render", "1", "--format", "md", "--as", "biu.sekretariat")
    assert "Fraværende: Medlem C, Medlem D" in minutes.stdout  # in the minutes document


def _meeting_begun(ctx: Context) -> None:
    """The clock at 11 June 2009 16:00: decisions are taken once the meeting has begun."""
    clock = ctx.engine.clock
    assert isinstance(clock, FakeClock)
    clock.set(copenhagen_time("2009-06-11 16:00"))
