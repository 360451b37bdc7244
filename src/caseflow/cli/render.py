"""How cases and their history look in a terminal (and as JSON)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from rich.table import Table
from rich.text import Text

from caseflow.calendar import COPENHAGEN
from caseflow.domain import AuditEntry, AuditKind, Case

if TYPE_CHECKING:
    from rich.console import Console

    from caseflow.definitions import WorkflowDefinition


def local(entry_time: Any) -> str:
    return str(entry_time.astimezone(COPENHAGEN).strftime("%Y-%m-%d %H:%M"))


def print_case(
    console: Console, case: Case, definition: WorkflowDefinition, language: str = "da"
) -> None:
    """The case for a terminal, labelled in ``language``: the state's title from the
    workflow, the sections under the municipality's headings (the documents file; a
    section it does not know keeps its key). The case's texts are the user's, printed as
    typed; structured field values as JSON, never as Python's reprs."""
    from caseflow.cli.words import word
    from caseflow.documents.config import load_config

    state = definition.states.get(case.state)
    title = getattr(state.title, language, None) if state is not None and state.title else None
    state_title = f" ({title})" if title else ""
    headings = load_config(None)

    def line(*parts: str | tuple[str, str]) -> None:
        console.print(Text.assemble(*parts))

    def label(name: str) -> str:
        return f"  {word(name, language):<14}"

    line((case.journal_no, "bold"), "  ", case.title)
    line(label("workflow"), f"{case.workflow_id} @ {case.workflow_version[:12]}")
    line(label("state"), (case.state, "cyan"), f"{state_title}, version {case.version}")
    line(label("origin"), case.origin.describe())
    line(label("lead"), case.lead_administration or "-")
    line(label("participants"), ", ".join(case.participating_administrations) or "-")
    line(label("committee"), case.committee or "-")
    line(label("officer"), case.case_officer or "-")
    if case.summary:
        line("\n", case.summary)
    if case.recommendations:
        line("\n", (word("Recommendations", language), "bold"))
        for number, text in enumerate(case.recommendations, start=1):
            line(f"  {number}. ", text)
    for name, text in sorted(case.sections.items(), key=lambda item: headings.order(item[0])):
        spec = headings.spec(name)
        heading = spec.title(language) if spec is not None else name
        line("\n", (heading, "bold"), "\n", text)
    if case.attachments:
        line("\n", (word("Attachments", language), "bold"))
        for number, attachment in enumerate(case.attachments, start=1):
            line(f"  {number}. ", attachment.title, f" ({attachment.number})")
    if case.fields:
        line("\n", (word("Fields", language), "bold"))
        for key, value in case.fields.items():
            line(f"  {key}: ", _plain(value))


def _plain(value: Any) -> str:
    """A field's value as a person reads it: text as it is, anything else as JSON."""
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, default=str)


def describe_entry(entry: AuditEntry) -> str:
    if entry.kind == AuditKind.OPEN:
        return f"opened in {entry.to_state}"
    if entry.kind == AuditKind.DEADLINE:
        return f"deadline: {entry.comment}" if entry.comment else "deadline event"
    if entry.kind == AuditKind.EDIT:
        return "edited " + ", ".join(entry.changes)
    if entry.kind == AuditKind.MADE_PUBLIC:
        return "closed item made public"
    if entry.kind == AuditKind.MIGRATE:
        version = entry.changes.get("workflow_version")
        moved = f" to version {str(version[1])[:12]}" if isinstance(version, list) else ""
        return f"moved{moved}: {entry.from_state} → {entry.to_state}"
    if entry.kind == AuditKind.IMPORT:
        return f"imported in {entry.to_state}"
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
