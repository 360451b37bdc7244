"""How cases and their history look in a terminal (and as JSON)."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from rich.console import Console
from rich.table import Table

from caseflow.definitions import WorkflowDefinition
from caseflow.domain import AuditEntry, Case

LOCAL = ZoneInfo("Europe/Copenhagen")


def case_json(case: Case) -> dict[str, Any]:
    return {
        "journal_no": case.journal_no,
        "title": case.title,
        "workflow": case.workflow_id,
        "workflow_version": case.workflow_version,
        "state": case.state,
        "version": case.version,
        "origin": case.origin.to_json(),
        "lead_administration": case.lead_administration,
        "participating_administrations": case.participating_administrations,
        "committee": case.committee,
        "case_officer": case.case_officer,
        "summary": case.summary,
        "recommendations": case.recommendations,
        "sections": case.sections,
        "attachments": [a.to_json() for a in case.attachments],
        "fields": case.fields,
        "created_at": case.created_at.isoformat(),
        "updated_at": case.updated_at.isoformat(),
    }


def local(entry_time: Any) -> str:
    return str(entry_time.astimezone(LOCAL).strftime("%Y-%m-%d %H:%M"))


def print_case(console: Console, case: Case, definition: WorkflowDefinition) -> None:
    state = definition.states.get(case.state)
    state_title = f" ({state.title.en})" if state is not None and state.title else ""
    console.print(f"[bold]{case.journal_no}[/]  {case.title}")
    console.print(f"  workflow     {case.workflow_id} @ {case.workflow_version[:12]}")
    console.print(f"  state        [cyan]{case.state}[/]{state_title}, version {case.version}")
    console.print(f"  origin       {case.origin.describe()}")
    console.print(f"  lead         {case.lead_administration or '-'}")
    participants = ", ".join(case.participating_administrations) or "-"
    console.print(f"  participants {participants}")
    console.print(f"  committee    {case.committee or '-'}")
    console.print(f"  officer      {case.case_officer or '-'}")
    if case.summary:
        console.print(f"\n{case.summary}")
    if case.recommendations:
        console.print("\n[bold]Indstilling[/]")
        for number, text in enumerate(case.recommendations, start=1):
            console.print(f"  {number}. {text}")
    for name, text in case.sections.items():
        console.print(f"\n[bold]{name}[/]\n{text}")
    if case.attachments:
        console.print("\n[bold]Bilag[/]")
        for number, attachment in enumerate(case.attachments, start=1):
            console.print(f"  {number}. {attachment.title} ({attachment.number})")
    if case.fields:
        console.print("\n[bold]Fields[/]")
        for key, value in case.fields.items():
            console.print(f"  {key}: {value}")


def describe_entry(entry: AuditEntry) -> str:
    if entry.kind == "open":
        return f"opened in {entry.to_state}"
    if entry.kind == "deadline":
        return f"deadline: {entry.comment}" if entry.comment else "deadline event"
    if entry.kind == "edit":
        return "edited " + ", ".join(entry.changes)
    changed = f" (set {', '.join(entry.changes)})" if entry.changes else ""
    return f"{entry.trigger}: {entry.from_state} → {entry.to_state}{changed}"


def print_history(console: Console, journal_no: str, entries: list[AuditEntry]) -> None:
    table = Table(
        "#", "When (Copenhagen)", "Who", "What", "Comment", title=f"History of {journal_no}"
    )
    for entry in entries:
        table.add_row(
            str(entry.seq), local(entry.at), entry.actor, describe_entry(entry), entry.comment or ""
        )
    console.print(table)
