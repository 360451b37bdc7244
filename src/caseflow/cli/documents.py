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
from caseflow.documents.config import DocumentsConfig, load_config
from caseflow.documents.importer import AgendaItemReader, ImportedItem
from caseflow.documents.inputs import read_items, text_of
from caseflow.documents.render import DocumentRenderer
from caseflow.documents.service import meeting_documents
from caseflow.errors import InvalidInput
from caseflow.services import imports

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
    ctx, actor = state().acting(as_user)
    request = imports.ImportItems(
        items, str(file), workflow, lead=lead, committee=committee, dry_run=dry_run
    )
    done = imports.import_items(ctx, actor, request)
    if len(done.items) == 1 and done.items[0].result.error is not None:
        raise done.items[0].result.error
    for one in done.items:
        _print_opened(one, actor.username, dry_run)
    if any(one.refused for one in done.items):
        raise typer.Exit(1)


def _print_opened(one: imports.ItemImported, username: str, dry_run: bool) -> None:
    number = one.number if one.number is not None else "?"
    case = one.result.case
    if case is None:
        say(f"item {number}: ", ("not imported", "red"), f": {one.reason or ''}")
        return
    if dry_run:
        say(
            "would open case ",
            (case.journal_no, "bold"),
            f" for {username}: {one.title}",
            soft_wrap=True,
        )
    else:
        say(
            f"imported item {number} as case ",
            (case.journal_no, "bold"),
            " in state ",
            (case.state, "cyan"),
        )
    _report(one.result.item, case.lead_administration, case.committee, one.source_reference)


_AGENDA_OUTCOME = {
    imports.ImportOutcome.ON_AGENDA: "on the agenda as item {item_no}",
    imports.ImportOutcome.DECIDED: "item {item_no} of the meeting, decided",
    imports.ImportOutcome.POSTPONED: "item {item_no} of the meeting, postponed",
    imports.ImportOutcome.AWAITING_DECISION: (
        "item {item_no} of the meeting, its decision still to be recorded"
    ),
}
_MODE = {
    imports.ImportMode.HISTORY: "was held: its items are imported as history, with their decisions",
    imports.ImportMode.AGENDA: "is still to come: its items go on the agenda by the agenda's rules",
}


@import_app.command("agenda")
def import_whole_agenda(
    file: Annotated[Path, typer.Argument(help="A published agenda: HTML page, PDF or text.")],
    meeting: Annotated[int, typer.Option("--meeting", help="The meeting whose items these are.")],
    dry_run: Annotated[
        bool,
        typer.Option("--dry-run", help="Show what the import does, item by item; write nothing."),
    ] = False,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the outcome, item by item, as JSON.")
    ] = False,
    lead: Annotated[
        str | None, typer.Option(help="Lead administration (default: the recommending one).")
    ] = None,
    late_reason: Annotated[
        str | None,
        typer.Option(
            "--late-reason", help="Why items come after the agenda deadline (if the rules ask)."
        ),
    ] = None,
    note: Annotated[
        str | None,
        typer.Option("--note", help="What changed, when the agenda is published already."),
    ] = None,
    workflow: Annotated[str, typer.Option(help="Workflow of the new cases.")] = "committee-case",
    config: ConfigOption = None,
    as_user: AsOption = None,
) -> None:
    """Import a published agenda into a meeting: a meeting held gets its items as history
    (cases in the state their decisions imply, audited as an import); a meeting to come
    gets them on its agenda by the agenda's rules, or each refused with its reason."""
    items = read_file_items(file, config)
    ctx, actor = state().acting(as_user)
    request = imports.ImportAgenda(
        meeting,
        items,
        str(file),
        workflow,
        lead=lead,
        late_reason=late_reason,
        note=note,
        dry_run=dry_run,
    )
    done = imports.import_agenda(ctx, actor, request)
    if as_json:
        write_json(done.to_json())
    else:
        _print_agenda_import(done)
    if done.imported < len(done.items):
        raise typer.Exit(1)


def _print_agenda_import(done: imports.AgendaImported) -> None:
    say(
        f"meeting {done.meeting_id} ({done.committee}, {done.meeting_date}) {_MODE[done.mode]}",
        soft_wrap=True,
    )
    for one in done.items:
        number = one.number if one.number is not None else "?"
        if one.refused:
            say(f"item {number}: ", ("refused", "red"), f": {one.reason or ''}", soft_wrap=True)
            continue
        what = _AGENDA_OUTCOME[one.outcome].format(item_no=one.item_no)
        reference = f" (the source's {one.source_reference})" if one.source_reference else ""
        say(
            f"item {number}: case ",
            (one.journal_no or "", "bold"),
            f"{reference} in state ",
            (one.state or "", "cyan"),
            f", {what}",
            soft_wrap=True,
        )
    if done.dry_run:
        console.print(
            f"dry run: {done.imported} of {len(done.items)} item(s) would be imported for "
            f"meeting {done.meeting_id}; nothing was written"
        )
    else:
        console.print(
            f"{done.imported} of {len(done.items)} item(s) imported for meeting {done.meeting_id}"
        )


def _report(
    item: ImportedItem, lead: str | None, committee: str | None, reference: str | None = None
) -> None:
    sections = ", ".join(s.key for s in item.sections) or "none"
    console.print(
        f"  lead {lead or '-'}, committee {committee or '-'}, "
        f"{len(item.recommendations)} recommendation(s), sections: {sections}, "
        f"{len(item.attachments)} attachment(s)",
        highlight=False,
        soft_wrap=True,
    )
    if reference:
        say(f"  the source's number {reference} kept as source_reference")
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
        language=language.value,
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
