"""How cases and their history look in a terminal (and as JSON)."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from caseflow.calendar import COPENHAGEN
from caseflow.definitions import WorkflowDefinition
from caseflow.domain import AuditEntry, AuditKind, Case


def local(entry_time: Any) -> str:
    return str(entry_time.astimezone(COPENHAGEN).strftime("%Y-%m-%d %H:%M"))


def print_case(console: Console, case: Case, definition: WorkflowDefinition) -> None:
    """The case for a terminal; its texts are the user's, printed as typed (never markup)."""
    state = definition.states.get(case.state)
    state_title = f" ({state.title.en})" if state is not None and state.title else ""

    def line(*parts: str | tuple[str, str]) -> None:
        console.print(Text.assemble(*parts), highlight=False)

    line((case.journal_no, "bold"), "  ", case.title)
    line(f"  workflow     {case.workflow_id} @ {case.workflow_version[:12]}")
    line("  state        ", (case.state, "cyan"), f"{state_title}, version {case.version}")
    line(f"  origin       {case.origin.describe()}")
    line(f"  lead         {case.lead_administration or '-'}")
    line(f"  participants {', '.join(case.participating_administrations) or '-'}")
    line(f"  committee    {case.committee or '-'}")
    line(f"  officer      {case.case_officer or '-'}")
    if case.summary:
        line("\n", case.summary)
    if case.recommendations:
        line("\n", ("Indstilling", "bold"))
        for number, text in enumerate(case.recommendations, start=1):
            line(f"  {number}. ", text)
    for name, text in case.sections.items():
        line("\n", (name, "bold"), "\n", text)
    if case.attachments:
        line("\n", ("Bilag", "bold"))
        for number, attachment in enumerate(case.attachments, start=1):
            line(f"  {number}. ", attachment.title, f" ({attachment.number})")
    if case.fields:
        line("\n", ("Fields", "bold"))
        for key, value in case.fields.items():
            line(f"  {key}: ", str(value))


def describe_entry(entry: AuditEntry) -> str:
    if entry.kind == AuditKind.OPEN:
        return f"opened in {entry.to_state}"
    if entry.kind == AuditKind.DEADLINE:
        return f"deadline: {entry.comment}" if entry.comment else "deadline event"
    if entry.kind == AuditKind.EDIT:
        return "edited " + ", ".join(entry.changes)
    if entry.kind == AuditKind.MADE_PUBLIC:
        return "closed item made public"
    if entry.kind == AuditKind.APPROVAL:
        return f"approval: {entry.comment}" if entry.comment else "approval"
    changed = f" (set {', '.join(entry.changes)})" if entry.changes else ""
    return f"{entry.trigger}: {entry.from_state} → {entry.to_state}{changed}"


def print_history(console: Console, journal_no: str, entries: list[AuditEntry]) -> None:
    table = Table(
        "#", "When (Copenhagen)", "Who", "What", "Comment", title=f"History of {journal_no}"
    )
    for entry in entries:
        table.add_row(
            str(entry.seq),
            local(entry.at),
            Text(entry.actor),
            Text(describe_entry(entry)),
            Text(entry.comment or ""),
        )
    console.print(table)
