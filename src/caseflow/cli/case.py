"""``caseflow case ...``: open, show, list, advance, edit, history, verify-audit."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Column, Table
from rich.text import Text

from caseflow.cli.app import AsOption, JsonOption, app, console, state
from caseflow.cli.paging import CursorOption, print_more
from caseflow.cli.render import print_case, print_history
from caseflow.definitions.schema import ServiceName
from caseflow.domain import Origin, OriginKind
from caseflow.engine import NewCase
from caseflow.errors import InvalidInput
from caseflow.services import cases
from caseflow.services.paging import DEFAULT_LIMIT, PageRequest

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
    try:
        when = date.fromisoformat(origin_date) if origin_date else None
    except ValueError:
        raise InvalidInput(f"--origin-date {origin_date!r} is not a date; use YYYY-MM-DD") from None
    request = NewCase(
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
    )
    ctx, actor = state().acting(as_user)
    case = cases.open_case(ctx, actor, request)
    if as_json:
        console.print_json(data=cases.case_json(case))
    else:
        console.print(
            Text.assemble(
                "opened case ", (case.journal_no, "bold"), " in state ", (case.state, "cyan")
            )
        )


@case_app.command("show")
def show(journal_no: str, as_user: AsOption = None, as_json: JsonOption = False) -> None:
    """Show a case, and what you may do with it now (--as: its officer, or a role on it)."""
    ctx, actor = state().acting(as_user)
    view = cases.show_case(ctx, actor, journal_no)
    if as_json:
        console.print_json(data=view.to_json())
        return
    case = view.case
    print_case(console, case, view.workflow.definition)
    if not view.options:
        console.print(f"\n{actor.username} has nothing to do on this case now.", markup=False)
    for option in view.options:
        if option.service is not None:
            command = _service_command(option.service, case.journal_no)
        else:
            comment = " (needs --comment)" if option.needs_comment else ""
            command = f"caseflow case advance {case.journal_no} {option.trigger}{comment}"
        mark = (
            Text("ready", "green")
            if option.ready
            else Text.assemble(("blocked", "yellow"), ": " + "; ".join(option.blocked_by))
        )
        console.print(Text.assemble(f"  {command}  → {option.to_state}  ", mark), highlight=False)


def _service_command(service: ServiceName, journal_no: str) -> str:
    if service is ServiceName.AGENDA:
        return f"caseflow agenda add|withdraw MEETING {journal_no}"
    if service is ServiceName.APPROVALS:
        return f"caseflow approval approve|return|skip {journal_no}"
    return "caseflow minutes decide MEETING ITEM"


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
    limit: Annotated[int, typer.Option(help="Cases per page.")] = DEFAULT_LIMIT,
    cursor: CursorOption = None,
    as_user: AsOption = None,
    as_json: JsonOption = False,
) -> None:
    """List the cases you may see (--as), newest first, a page at a time."""
    query = cases.CaseQuery(
        states=state_ or [],
        committee=committee,
        workflow_id=workflow,
        mine=mine,
        page=PageRequest(limit, cursor),
    )
    ctx, actor = state().acting(as_user)
    page = cases.list_cases(ctx, actor, query)
    if as_json:
        console.print_json(data=[cases.case_json(c) for c in page.items])
        print_more(page.next_cursor, as_json=True)
        return
    # Nothing is cut short with an ellipsis: other commands need the identifiers whole.
    table = Table(
        *(
            Column(header, overflow="fold")
            for header in ("Journal no", "Title", "State", "Committee", "Lead", "Officer")
        ),
        Column("Updated", no_wrap=True),
    )
    for case in page.items:
        table.add_row(
            Text(case.journal_no),
            Text(case.title),
            Text(case.state),
            Text(case.committee or ""),
            Text(case.lead_administration or ""),
            Text(case.case_officer or ""),
            case.updated_at.date().isoformat(),
        )
    console.print(table)
    count = len(page.items)
    console.print(f"{count} case{'s' if count != 1 else ''}", highlight=False)
    print_more(page.next_cursor)


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
    request = cases.AdvanceRequest(
        journal_no, trigger, parse_assignments(set_ or []), comment, expect_version
    )
    ctx, actor = state().acting(as_user)
    done = cases.advance(ctx, actor, request)
    case = done.case
    console.print(
        Text.assemble(
            f"{case.journal_no}: {done.from_state} → ",
            (case.state, "cyan"),
            f" (version {case.version})",
        ),
        highlight=False,
    )


@case_app.command("edit")
def edit(
    journal_no: str,
    set_: Annotated[
        list[str], typer.Option("--set", help="KEY=VALUE; @FILE reads a file; lists are JSON.")
    ],
    comment: Annotated[str | None, typer.Option(help="Why the change was made.")] = None,
    expect_version: Annotated[
        int | None,
        typer.Option(
            help="Refuse if the case is no longer at this version (default: the version it "
            "has when the command starts)."
        ),
    ] = None,
    as_user: AsOption = None,
) -> None:
    """Change fields of a case (summary, sections.losning, recommendations, ...)."""
    request = cases.EditRequest(journal_no, parse_assignments(set_), comment, expect_version)
    ctx, actor = state().acting(as_user)
    done = cases.edit(ctx, actor, request)
    if done.changed:
        console.print(f"{journal_no}: saved (version {done.case.version})", markup=False)
    else:
        console.print(f"{journal_no}: nothing changed", markup=False)


@case_app.command("history")
def history(journal_no: str, as_user: AsOption = None, as_json: JsonOption = False) -> None:
    """The case's audit trail, oldest first (--as: one who may see the case)."""
    ctx, actor = state().acting(as_user)
    entries = cases.history(ctx, actor, journal_no)
    if as_json:
        console.print_json(data=[cases.entry_json(e) for e in entries])
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
    ctx, actor = state().acting(as_user)
    reports = cases.verify_audit(ctx, actor, journal_no)
    bad = [r for r in reports if not r.ok]
    for report in reports:
        if report.ok:
            console.print(
                Text.assemble(("ok", "green"), f"   {report.journal_no} ({report.rows} rows)")
            )
        else:
            console.print(
                Text.assemble(
                    ("FAIL", "red"), f" {report.journal_no}: " + "; ".join(report.problems)
                )
            )
    console.print(f"{len(reports)} case(s) checked, {len(bad)} with problems", highlight=False)
    if bad:
        raise typer.Exit(1)
