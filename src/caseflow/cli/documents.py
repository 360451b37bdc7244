"""``caseflow import agenda-item`` and ``caseflow case render``: documents in and out."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from caseflow.cli.agenda import agenda_app, minutes_app, viewer
from caseflow.cli.app import AsOption, app, console, state
from caseflow.cli.doc_options import (
    ConfigOption,
    Format,
    FormatOption,
    Language,
    LanguageOption,
    OutputOption,
)
from caseflow.cli.output import say, write_bytes, write_json
from caseflow.documents.agenda_import import import_agenda
from caseflow.documents.config import DocumentsConfig, load_config
from caseflow.documents.importer import AgendaItemReader, ImportedItem
from caseflow.documents.inputs import read_items, text_of
from caseflow.documents.render import DocumentRenderer
from caseflow.documents.service import (
    Names,
    check_import,
    import_case,
    meeting_documents,
    plan_import,
)
from caseflow.errors import InvalidInput

import_app = typer.Typer(help="Import documents into cases.", no_args_is_help=True)
app.add_typer(import_app, name="import")


def read_text(path: Path) -> str:
    """A file (``-``: standard input) as text: plain text (UTF-8, or Windows-1252 as old
    archives have it), an HTML page, or a PDF's text layer."""
    try:
        data = sys.stdin.buffer.read() if str(path) == "-" else path.read_bytes()
    except OSError as exc:
        raise InvalidInput(f"cannot read {path}: {exc.strerror or exc}") from None
    return text_of(data, str(path))


def read_file_items(path: Path, config: Path | None) -> list[ImportedItem]:
    """Every agenda item in the file (one, or a whole agenda)."""
    reader = AgendaItemReader(load_config(config))
    return read_items(read_text(path), reader, source=str(path))


@import_app.command("agenda-item")
def import_agenda_item(
    file: Annotated[
        Path,
        typer.Argument(
            help="An agenda item as text (scanned text is fine), an HTML page or a PDF; "
            "- reads stdin."
        ),
    ],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Check and report; open no case.")
    ] = False,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print what was read as JSON; open no case.")
    ] = False,
    lead: Annotated[
        str | None, typer.Option(help="Lead administration (default: the recommending one).")
    ] = None,
    committee: Annotated[
        str | None, typer.Option(help="Committee (default: the one the item names).")
    ] = None,
    workflow: Annotated[str, typer.Option(help="Workflow of the new case.")] = "committee-case",
    all_items: Annotated[
        bool, typer.Option("--all", help="Every item of a page or agenda holding several.")
    ] = False,
    config: ConfigOption = None,
    as_user: AsOption = None,
) -> None:
    """Open a case from an agenda item: title, numbers, recommendations, sections (--json:
    print what was read, as docs/schema/imported-item.schema.json describes)."""
    items = read_file_items(file, config)
    if len(items) > 1 and not all_items:
        raise InvalidInput(
            f"{file} holds {len(items)} agenda items; give --all to import every one "
            "(or `caseflow import agenda FILE --meeting ID`)"
        )
    if as_json:
        data = [i.to_json() for i in items] if all_items else items[0].to_json()
        write_json(data)
        return
    for item in items:
        _import_one(item, dry_run, lead, committee, workflow, as_user)


def _import_one(
    item: ImportedItem,
    dry_run: bool,
    lead: str | None,
    committee: str | None,
    workflow: str,
    as_user: str | None,
) -> None:
    cli = state()
    engine = cli.engine()
    actor = cli.actor(engine, as_user)
    names = Names.load(engine)
    plan = plan_import(item, names, workflow_id=workflow, lead=lead, committee=committee)
    if dry_run:
        check_import(engine, plan, names)
        say(
            "would open case ",
            (plan.new.journal_no or "(next number)", "bold"),
            f" for {actor.username}: {item.title}",
            soft_wrap=True,
        )
    else:
        case = import_case(engine, plan, names, actor)
        say(
            f"imported item {item.number if item.number is not None else '?'} as case ",
            (case.journal_no, "bold"),
            " in state ",
            (case.state, "cyan"),
        )
    _report(item, plan.new.lead_administration, plan.new.committee)


@import_app.command("agenda")
def import_whole_agenda(
    file: Annotated[Path, typer.Argument(help="A published agenda: HTML page, PDF or text.")],
    meeting: Annotated[int, typer.Option("--meeting", help="The meeting whose items these are.")],
    as_json: Annotated[
        bool, typer.Option("--json", help="Print what was read as JSON; import nothing.")
    ] = False,
    lead: Annotated[
        str | None, typer.Option(help="Lead administration (default: the recommending one).")
    ] = None,
    workflow: Annotated[str, typer.Option(help="Workflow of the new cases.")] = "committee-case",
    config: ConfigOption = None,
    as_user: AsOption = None,
) -> None:
    """Import a whole agenda: each item becomes a case of the meeting's committee, and goes
    on the meeting's agenda where its workflow state allows."""
    items = read_file_items(file, config)
    if as_json:
        data = [i.to_json() for i in items]
        write_json(data)
        return
    cli = state()
    engine = cli.engine()
    actor = cli.actor(engine, as_user)
    results = import_agenda(
        engine, items, meeting, Names.load(engine), actor, workflow_id=workflow, lead=lead
    )
    for result in results:
        number = result.item.number if result.item.number is not None else "?"
        if result.case is None:
            say(f"item {number}: ", ("not imported", "red"), f": {result.problem or ''}")
        elif result.on_agenda:
            say(f"item {number}: case ", (result.case.journal_no, "bold"), ", on the agenda")
        else:
            say(
                f"item {number}: case ",
                (result.case.journal_no, "bold"),
                " in state ",
                (result.case.state, "cyan"),
                f", not on the agenda: {result.problem or ''}",
                soft_wrap=True,
            )
    imported = sum(r.case is not None for r in results)
    console.print(f"{imported} of {len(results)} item(s) imported for meeting {meeting}")
    if imported < len(results):
        raise typer.Exit(1)


def _report(item: ImportedItem, lead: str | None, committee: str | None) -> None:
    sections = ", ".join(s.key for s in item.sections) or "none"
    console.print(
        f"  lead {lead or '-'}, committee {committee or '-'}, "
        f"{len(item.recommendations)} recommendation(s), sections: {sections}, "
        f"{len(item.attachments)} attachment(s)",
        highlight=False,
        soft_wrap=True,
    )
    if not item.uncertain:
        console.print("  nothing uncertain")
        return
    say("  ", (f"uncertain ({len(item.uncertain)}):", "yellow"), " check these fields")
    for note in item.uncertain:
        console.print(f"    {note.field}: {note.reason}", highlight=False, soft_wrap=True)


def write_document(rendered: str | bytes, output: Path | None) -> None:
    """To standard output, or to FILE with a line saying so."""
    data = rendered if isinstance(rendered, bytes) else rendered.encode("utf-8")
    if output is None:
        write_bytes(data)
        return
    try:
        output.write_bytes(data)
    except OSError as exc:
        raise InvalidInput(f"cannot write {output}: {exc.strerror or exc}") from None
    console.print(f"wrote {output} ({len(data)} bytes)")


def _render_meeting(
    meeting_id: int,
    kind: str,
    fmt: Format,
    language: Language,
    public: bool,
    output: Path | None,
    config: Path | None,
    as_user: str | None,
    *,
    version: int | None = None,
    draft: bool = False,
) -> None:
    """Render the agenda or minutes: as published (``version``, default the latest) or
    the ``draft`` (see :func:`meeting_documents`)."""
    documents: DocumentsConfig = load_config(config)
    engine = state().engine()
    document = meeting_documents(
        engine,
        meeting_id,
        documents,
        public=public,
        # A draft is for insiders, who say who they are even for its public version.
        viewer=viewer(engine, as_user, public and not draft),
        version=version,
        draft=draft,
    )
    renderer = DocumentRenderer(config=documents)
    if kind == "agenda":
        rendered = renderer.agenda(document.agenda, fmt.value, language.value, public=public)
    else:
        rendered = renderer.minutes(document, fmt.value, language.value, public=public)
    write_document(rendered, output)


MeetingPublicOption = Annotated[
    bool,
    typer.Option(
        "--public", help="The public version: closed items' content left out (for anyone)."
    ),
]


@agenda_app.command("render")
def render_agenda(
    meeting_id: int,
    fmt: FormatOption = Format.html,
    language: LanguageOption = Language.da,
    public: MeetingPublicOption = False,
    output: OutputOption = None,
    version: Annotated[
        int | None,
        typer.Option("--version", help="A published version (default: the latest)."),
    ] = None,
    draft: Annotated[
        bool,
        typer.Option(
            "--draft",
            help="The agenda as it stands, changes since publishing included, labelled a "
            "draft (the committee's insiders only).",
        ),
    ] = False,
    config: ConfigOption = None,
    as_user: AsOption = None,
) -> None:
    """Print a meeting's agenda as published (the latest version, or --version N), or its
    --draft; the full one, closed items' content included, for the committee's insiders."""
    _render_meeting(
        meeting_id,
        "agenda",
        fmt,
        language,
        public,
        output,
        config,
        as_user,
        version=version,
        draft=draft,
    )


@minutes_app.command("render")
def render_minutes(
    meeting_id: int,
    fmt: FormatOption = Format.html,
    language: LanguageOption = Language.da,
    public: MeetingPublicOption = False,
    output: OutputOption = None,
    config: ConfigOption = None,
    as_user: AsOption = None,
) -> None:
    """Print a meeting's minutes: the items as last published, with decisions, who was
    absent and the approval."""
    _render_meeting(meeting_id, "minutes", fmt, language, public, output, config, as_user)
