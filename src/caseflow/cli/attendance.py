"""``caseflow minutes attendance MEETING_ID``: record who was absent from the whole
meeting (the other members attended), or show it. The same service as meeting mode."""

from __future__ import annotations

from typing import Annotated

import typer

from caseflow.cli.agenda import minutes_app
from caseflow.cli.app import AsOption, JsonOption, console, state
from caseflow.services import attendance as service


@minutes_app.command("attendance")
def attendance(
    meeting_id: int,
    absent: Annotated[
        str | None,
        typer.Option(help="Absent from the meeting, comma-separated: A,B; '' for nobody."),
    ] = None,
    as_user: AsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Record the meeting's attendance (with --absent), or show it (without)."""
    cli = state()
    ctx = cli.context()
    actor = cli.actor(ctx.engine, as_user)
    if absent is not None:
        found: service.Attendance | None = service.record_attendance(
            ctx, actor, service.RecordAttendance(meeting_id, absent=tuple(absent.split(",")))
        )
    else:
        found = service.attendance(ctx, actor, meeting_id)
    if as_json:
        console.print_json(data=found.to_json() if found else None)
        return
    if found is None:
        console.print(f"meeting {meeting_id}: attendance not recorded", markup=False)
        return
    console.print(
        f"meeting {meeting_id}: present {', '.join(found.present) or 'nobody listed'}; "
        f"absent {', '.join(found.absent) or 'nobody'} "
        f"(recorded by {found.recorded_by})",
        markup=False,
    )
