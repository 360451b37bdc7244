"""``caseflow case ...``: open, show, list, advance, edit, history, verify-audit."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from caseflow.cli.app import AsOption, JsonOption, app, console, state
from caseflow.cli.render import case_json, print_case, print_history
from caseflow.domain import Origin, OriginKind
from caseflow.engine import NewCase
from caseflow.errors import InvalidInput

case_app = typer.Typer(help="Open, move and inspect cases.", no_args_is_help=True)
app.add_typer(case_app, name="case")

# Fields whose value on the command line is JSON (a list or a mapping).
_STRUCTURED = {
    "participating_administrations",
    "recommendations",
    "sections",
    "attachments",
    "fields",
}


def parse_assignments(assignments: list[str]) -> dict[str, Any]:
    """``--set key=value``: ``@file`` reads a file; lists and mappings are JSON."""
    changes: dict[str, Any] = {}
    for assignment in assignments:
        key, sep, raw = assignment.partition("=")
        key = key.strip()
        if not sep or not key:
            raise InvalidInput(f"--set {assignment!r}: write KEY=VALUE, e.g. --set summary='...'")
        changes[key] = _value(key, raw)
    return changes


def _value(key: str, raw: str) -> Any:
    if raw.startswith("@"):
        path = Path(raw[1:])
        try:
            raw = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise InvalidInput(f"--set {key}: cannot read {path}: {exc.strerror}") from None
    if key in _STRUCTURED or key.startswith("fields."):
        try:
            return json.loads(raw)
        except json.JSONDecodeError:
            if key in _STRUCTURED:
                raise InvalidInput(
                    f"--set {key}: give JSON, e.g. --set {key}='[\"...\"]'"
                ) from None
            return raw  # a plain text field value
    return raw


def _attachments(values: list[str]) -> list[dict[str, str]]:
    result = []
    for value in values:
        number, sep, title = value.partition("=")
        if not sep:
            raise InvalidInput(
                f"--attachment {value!r}: write NUMBER=TITLE, e.g. 2009-300035=Notat"
            )
        result.append({"number": number.strip(), "title": title.strip()})
    return result


def _sections(values: list[str]) -> dict[str, str]:
    return {k: str(v) for k, v in parse_assignments(values).items()}


@case_app.command("new")
def new(
    title: Annotated[str, typer.Option(help="The case's title.")],
    workflow: Annotated[str, typer.Option(help="Workflow id.")] = "committee-case",
    journal_no: Annotated[
        str | None, typer.Option(help="Existing journal number; default: the next of this year.")
    ] = None,
    origin: Annotated[
        OriginKind, typer.Option(help="How the case arose.")
    ] = OriginKind.OWN_INITIATIVE,
    member: Annotated[str | None, typer.Option(help="Member who filed the enquiry.")] = None,
    origin_date: Annotated[
        str | None, typer.Option(help="Date of the enquiry (YYYY-MM-DD).")
    ] = None,
    origin_committee: Annotated[
        str | None, typer.Option(help="Committee where it was raised.")
    ] = None,
    lead: Annotated[
        str | None, typer.Option(help="Lead administration (ressortansvarlig).")
    ] = None,
    participant: Annotated[
        list[str] | None, typer.Option(help="Participating administration (repeatable).")
    ] = None,
    committee: Annotated[str | None, typer.Option(help="Committee that will treat it.")] = None,
    summary: Annotated[str, typer.Option(help="One-paragraph summary.")] = "",
    recommendation: Annotated[
        list[str] | None, typer.Option(help="A numbered recommendation (repeatable, in order).")
    ] = None,
    section: Annotated[
        list[str] | None, typer.Option(help="NAME=TEXT or NAME=@FILE (repeatable).")
    ] = None,
    attachment: Annotated[list[str] | None, typer.Option(help="NUMBER=TITLE (repeatable).")] = None,
    officer: Annotated[str | None, typer.Option(help="Case officer (default: you).")] = None,
    as_user: AsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Open a case in its workflow's first state."""
    cli = state()
    engine = cli.engine()
    actor = cli.actor(engine, as_user)
    try:
        when = date.fromisoformat(origin_date) if origin_date else None
    except ValueError:
        raise InvalidInput(f"--origin-date {origin_date!r} is not a date; use YYYY-MM-DD") from None
    case = engine.open_case(
        NewCase(
            workflow_id=workflow,
            title=title,
            journal_no=journal_no,
            origin=Origin(origin, member, when, origin_committee),
            lead_administration=lead,
            participating_administrations=participant or [],
            committee=committee,
            summary=summary,
            recommendations=recommendation or [],
            sections=_sections(section or []),
            attachments=_attachments(attachment or []),
            case_officer=officer,
        ),
        actor,
    )
    if as_json:
        console.print_json(data=case_json(case))
    else:
        console.print(f"opened case [bold]{case.journal_no}[/] in state [cyan]{case.state}[/]")


@case_app.command("show")
def show(journal_no: str, as_user: AsOption = None, as_json: JsonOption = False) -> None:
    """Show a case, and what you may do with it now (--as: its officer, or a role on it)."""
    cli = state()
    engine = cli.engine()
    actor = cli.actor(engine, as_user)
    case = engine.read_case(journal_no, actor)
    options = engine.available_triggers(journal_no, actor)
    if as_json:
        data = case_json(case)
        data["available"] = [
            {"trigger": o.trigger, "to": o.to_state, "blocked_by": list(o.blocked_by)}
            for o in options
        ]
        console.print_json(data=data)
        return
    print_case(console, case, engine.workflow_of(case).definition)
    if not options:
        console.print(f"\n{actor.username} has nothing to do on this case now.")
    for option in options:
        mark = (
            "[green]ready[/]"
            if option.ready
            else "[yellow]blocked[/]: " + "; ".join(option.blocked_by)
        )
        comment = " (needs --comment)" if option.needs_comment else ""
        command = f"caseflow case advance {case.journal_no} {option.trigger}{comment}"
        console.print(f"  {command}  → {option.to_state}  {mark}")


@case_app.command("list")
def list_cases(
    state_: Annotated[
        list[str] | None, typer.Option("--state", help="Only in this state (repeatable).")
    ] = None,
    committee: Annotated[str | None, typer.Option(help="Only for this committee.")] = None,
    workflow: Annotated[str | None, typer.Option(help="Only of this workflow.")] = None,
    mine: Annotated[
        bool, typer.Option("--mine", help="Assigned to me or waiting for my role.")
    ] = False,
    as_user: AsOption = None,
    as_json: JsonOption = False,
) -> None:
    """List the cases you may see (--as), newest first."""
    cli = state()
    engine = cli.engine()
    actor = cli.actor(engine, as_user)
    found = engine.list_cases(
        states=state_ or [],
        committee=committee,
        workflow_id=workflow,
        mine=actor if mine else None,
        reader=actor,
    )
    if as_json:
        console.print_json(data=[case_json(c) for c in found])
        return
    table = Table("Journal no", "Title", "State", "Committee", "Lead", "Officer", "Updated")
    for case in found:
        table.add_row(
            case.journal_no,
            case.title,
            case.state,
            case.committee or "",
            case.lead_administration or "",
            case.case_officer or "",
            case.updated_at.date().isoformat(),
        )
    console.print(table)
    console.print(f"{len(found)} case{'s' if len(found) != 1 else ''}")


@case_app.command("advance")
def advance(
    journal_no: str,
    trigger: str,
    comment: Annotated[str | None, typer.Option(help="Why; some triggers require one.")] = None,
    set_: Annotated[
        list[str] | None, typer.Option("--set", help="KEY=VALUE to change as part of the step.")
    ] = None,
    expect_version: Annotated[
        int | None, typer.Option(help="Refuse if the case is no longer at this version.")
    ] = None,
    as_user: AsOption = None,
) -> None:
    """Fire TRIGGER on a case (e.g. submit_for_approval)."""
    changes = parse_assignments(set_ or [])
    cli = state()
    engine = cli.engine()
    actor = cli.actor(engine, as_user)
    before = engine.get_case(journal_no).state
    case = engine.fire(
        journal_no,
        trigger,
        actor,
        changes=changes,
        comment=comment,
        expected_version=expect_version,
    )
    console.print(f"{case.journal_no}: {before} → [cyan]{case.state}[/] (version {case.version})")


@case_app.command("edit")
def edit(
    journal_no: str,
    set_: Annotated[
        list[str], typer.Option("--set", help="KEY=VALUE; @FILE reads a file; lists are JSON.")
    ],
    comment: Annotated[str | None, typer.Option(help="Why the change was made.")] = None,
    expect_version: Annotated[
        int | None, typer.Option(help="Refuse if the case is no longer at this version.")
    ] = None,
    as_user: AsOption = None,
) -> None:
    """Change fields of a case (summary, sections.losning, recommendations, ...)."""
    changes = parse_assignments(set_)
    cli = state()
    engine = cli.engine()
    actor = cli.actor(engine, as_user)
    before = engine.get_case(journal_no)
    case = engine.edit(journal_no, changes, actor, comment=comment, expected_version=expect_version)
    if case.version == before.version:
        console.print(f"{journal_no}: nothing changed")
    else:
        console.print(f"{journal_no}: saved (version {case.version})")


@case_app.command("history")
def history(journal_no: str, as_user: AsOption = None, as_json: JsonOption = False) -> None:
    """The case's audit trail, oldest first (--as: one who may see the case)."""
    cli = state()
    engine = cli.engine()
    entries = engine.read_history(journal_no, cli.actor(engine, as_user))
    if as_json:
        console.print_json(
            data=[
                {
                    "seq": e.seq,
                    "at": e.at.isoformat(),
                    "actor": e.actor,
                    "kind": e.kind,
                    "trigger": e.trigger,
                    "from": e.from_state,
                    "to": e.to_state,
                    "changes": e.changes,
                    "comment": e.comment,
                    "hash": e.hash,
                }
                for e in entries
            ]
        )
        return
    print_history(console, journal_no, entries)


@case_app.command("verify-audit")
def verify_audit(
    journal_no: Annotated[
        str | None, typer.Argument(help="One case; default: all you may see.")
    ] = None,
    as_user: AsOption = None,
) -> None:
    """Recompute the audit hash chains; exits 1 if any was tampered with."""
    cli = state()
    engine = cli.engine()
    reports = engine.verify_audit(
        [journal_no] if journal_no else None, reader=cli.actor(engine, as_user)
    )
    bad = [r for r in reports if not r.ok]
    for report in reports:
        if report.ok:
            console.print(f"[green]ok[/]   {report.journal_no} ({report.rows} rows)")
        else:
            console.print(f"[red]FAIL[/] {report.journal_no}: " + "; ".join(report.problems))
    console.print(f"{len(reports)} case(s) checked, {len(bad)} with problems")
    if bad:
        raise typer.Exit(1)
