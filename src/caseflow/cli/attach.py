"""``caseflow case attach JOURNAL_NO FILE``: add an attachment (bilag) with its file, and
``caseflow case attachment JOURNAL_NO NUMBER``: write one's file out. The same service
as the case page's upload."""

from __future__ import annotations

import mimetypes
from pathlib import Path
from typing import Annotated

import typer
from rich.text import Text

from caseflow.cli.app import AsOption, JsonOption, console, state
from caseflow.cli.case import case_app
from caseflow.errors import InvalidInput


@case_app.command("attach")
def attach(
    journal_no: str,
    file: Annotated[Path, typer.Argument(help="The file to attach.")],
    title: Annotated[str, typer.Option(help="The attachment's title.")],
    number: Annotated[
        str | None, typer.Option(help="Its own number, e.g. 2009-300035 (default: the next).")
    ] = None,
    comment: Annotated[str | None, typer.Option(help="A comment in the history.")] = None,
    as_user: AsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Add an attachment with its file to a case (an edit: audited, the editor's right)."""
    # The service (and the engine it writes through) is imported when the command runs:
    # this module registers on ``case``, whose other commands (``case list``) do not need it.
    from caseflow.services import attachments

    try:
        size = file.stat().st_size
        if size > attachments.MAX_BYTES:
            raise attachments.too_large(size)
        content = file.read_bytes()
    except OSError as exc:
        raise InvalidInput(f"cannot read {file}: {exc.strerror}", field="file") from None
    content_type = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
    ctx, actor = state().acting(as_user)
    done = attachments.attach(
        ctx,
        actor,
        attachments.AttachFile(
            journal_no=journal_no,
            title=title,
            filename=file.name,
            content=content,
            content_type=content_type,
            number=number,
            comment=comment,
        ),
    )
    if as_json:
        console.print_json(data=done.to_json())
        return
    console.print(
        Text.assemble(
            "attached ",
            (done.number, "bold"),
            f" {done.title} ({done.size} bytes) to ",
            (done.journal_no, "bold"),
        )
    )


@case_app.command("attachment")
def attachment(
    journal_no: str,
    number: str,
    out: Annotated[Path, typer.Option("--out", "-o", help="Where to write the file.")],
    as_user: AsOption = None,
) -> None:
    """Write an attachment's file (for one who may see the case)."""
    from caseflow.services import attachments

    ctx, actor = state().acting(as_user)
    info, content = attachments.fetch(ctx, actor, journal_no, number)
    out.write_bytes(content)
    console.print(Text(f"wrote {info.filename} ({info.size} bytes) to {out}"))
