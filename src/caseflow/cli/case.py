"""``caseflow case ...``: open, show, list, advance, edit, history, verify-audit, course,
render.

The commands import what they use when they run (the services, the engine, the
documents): defining them costs only Typer, so ``caseflow case list`` starts
without the workflow, agenda or documents machinery it does not need.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.text import Text

from caseflow.cli.app import AsOption, JsonOption, app, console, state
from caseflow.cli.doc_options import (
    ConfigOption,
    Format,
    FormatOption,
    Language,
    LanguageOption,
    OutputOption,
)
from caseflow.cli.output import print_table
from caseflow.cli.output import table as grid
from caseflow.cli.paging import CursorOption, print_more
from caseflow.cli.words import word
from caseflow.domain import Origin, OriginKind
from caseflow.errors import ErrorCode, InvalidInput
from caseflow.services.paging import DEFAULT_LIMIT, PageRequest

if TYPE_CHECKING:
    from caseflow.definitions.schema import ServiceName

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


MAX_JSON_DEPTH = 32
"""Lists and mappings in ``--set`` nest at most this deep (a case's deepest is 3)."""


def _value(key: str, raw: str) -> Any:
    if raw.startswith("@"):
        path = Path(raw[1:])
        try:
            raw = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise InvalidInput(f"--set {key}: cannot read {path}: {exc.strerror}") from None
        except UnicodeDecodeError:
            raise InvalidInput(
                f"--set {key}: {path} is not text (UTF-8); give a text file",
                code=ErrorCode.FILE_NOT_TEXT,
                path=str(path),
            ) from None
    if key in _STRUCTURED or key.startswith("fields."):
        _refuse_deep_json(key, raw)
        try:
            return json.loads(raw)
        except json.JSONDecodeError:
            if key in _STRUCTURED:
                raise InvalidInput(
                    f"--set {key}: give JSON, e.g. --set {key}='[\"...\"]'"
                ) from None
            return raw  # a plain text field value
    return raw


def _refuse_deep_json(key: str, raw: str) -> None:
    """Refuse JSON nested deeper than :data:`MAX_JSON_DEPTH` before parsing it: the
    parser recurses, and some hundreds of brackets would exhaust Python's stack."""
    depth = deepest = 0
    in_text = escaped = False
    for char in raw:
        if in_text:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_text = False
        elif char == '"':
            in_text = True
        elif char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth -= 1
    if deepest > MAX_JSON_DEPTH:
        raise InvalidInput(
            f"--set {key}: the JSON nests {deepest} levels deep; at most {MAX_JSON_DEPTH}",
            code=ErrorCode.NESTED_TOO_DEEP,
            what=f"--set {key}",
            limit=MAX_JSON_DEPTH,
        )


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
    from caseflow.engine import NewCase
    from caseflow.services import cases

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
    from caseflow.cli.render import print_case
    from caseflow.services import cases

    ctx, actor = state().acting(as_user)
    view = cases.show_case(ctx, actor, journal_no)
    if as_json:
        console.print_json(data=view.to_json())
        return
    case = view.case
    print_case(console, case, view.workflow.definition, ctx.language)
    if not view.options:
        console.print(f"\n{actor.username} has nothing to do on this case now.")
    states = view.workflow.definition.states
    for option in view.options:
        target = states.get(option.to_state)
        title = getattr(target.title, ctx.language, None) if target and target.title else None
        to_state = f"{option.to_state} ({title})" if title else option.to_state
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
        console.print(Text.assemble(f"  {command}  → {to_state}  ", mark))


def _service_command(service: ServiceName, journal_no: str) -> str:
    from caseflow.definitions.schema import ServiceName

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
    from caseflow.services import cases

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
    # Nothing is cut short: other commands need the journal numbers whole, and the state
    # names (which --state takes) stay as the workflow spells them.
    language = ctx.language
    table = grid(
        *(
            word(header, language)
            for header in ("Journal no", "State", "Title", "Committee", "Lead", "Officer")
        ),
        word("Updated", language),
        ids=2,
    )
    for case in page.items:
        table.add_row(
            Text(case.journal_no),
            Text(case.state),
            Text(case.title),
            Text(case.committee or ""),
            Text(case.lead_administration or ""),
            Text(case.case_officer or ""),
            case.updated_at.date().isoformat(),
        )
    print_table(table)
    count = len(page.items)
    console.print(f"{count} {word('case' if count == 1 else 'cases', language)}")
    print_more(page.next_cursor)


AllowPastOption = Annotated[
    bool,
    typer.Option("--allow-past", help="Accept a date that starts a deadline though it has passed."),
]
PastReasonOption = Annotated[
    str | None, typer.Option(help="Why a past date is right (with --allow-past; audited).")
]


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
    allow_past: AllowPastOption = False,
    reason: PastReasonOption = None,
) -> None:
    """Fire TRIGGER on a case (e.g. submit_for_approval)."""
    from caseflow.services import cases

    request = cases.AdvanceRequest(
        journal_no,
        trigger,
        parse_assignments(set_ or []),
        comment,
        expect_version,
        allow_past,
        reason,
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
    allow_past: AllowPastOption = False,
    reason: PastReasonOption = None,
) -> None:
    """Change fields of a case (summary, sections.losning, recommendations, ...)."""
    from caseflow.services import cases

    request = cases.EditRequest(
        journal_no, parse_assignments(set_), comment, expect_version, allow_past, reason
    )
    ctx, actor = state().acting(as_user)
    done = cases.edit(ctx, actor, request)
    if done.changed:
        console.print(f"{journal_no}: saved (version {done.case.version})")
    else:
        console.print(f"{journal_no}: nothing changed")


@case_app.command("history")
def history(journal_no: str, as_user: AsOption = None, as_json: JsonOption = False) -> None:
    """The case's audit trail, oldest first (--as: one who may see the case)."""
    from caseflow.cli.render import print_history
    from caseflow.services import cases

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
    from caseflow.services import cases

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
    console.print(f"{len(reports)} case(s) checked, {len(bad)} with problems")
    if bad:
        raise typer.Exit(1)


@case_app.command("course")
def course(journal_no: str, as_user: AsOption = None, as_json: JsonOption = False) -> None:
    """The case's course (sagens gang): every treatment by a committee, in order (--as: one
    who may see the case; a closed item's decision only for its committee's insiders)."""
    from caseflow.cli.agenda import print_course
    from caseflow.services import agenda as service

    cli = state()
    ctx = cli.context()
    data = service.course(ctx, cli.actor(ctx.engine, as_user), service.Course(journal_no)).to_json()
    if as_json:
        console.print_json(data=data)
        return
    print_course(data)


@case_app.command("render")
def render_case(
    journal_no: str,
    fmt: FormatOption = Format.html,
    language: LanguageOption = Language.da,
    public: Annotated[
        bool, typer.Option("--public", help="The public version: a closed item's content left out.")
    ] = False,
    output: OutputOption = None,
    config: ConfigOption = None,
    as_user: AsOption = None,
) -> None:
    """Print a case as an agenda item (HTML with print CSS, PDF or Markdown); --as: one who
    may see the case."""
    from caseflow.cli.documents import write_document
    from caseflow.documents.config import load_config
    from caseflow.documents.render import DocumentRenderer
    from caseflow.documents.service import case_document

    documents = load_config(config)
    cli = state()
    engine = cli.engine()
    document = case_document(
        engine, journal_no, documents, cli.actor(engine, as_user), language.value
    )
    rendered = DocumentRenderer(config=documents).item(
        document, fmt.value, language.value, public=public
    )
    write_document(rendered, output)
