"""How every list of the command line pages: ``--limit`` and ``--cursor``, and one line
that says how to get the next page."""

from __future__ import annotations

from typing import Annotated

import typer

from caseflow.cli.app import console, console_err
from caseflow.services.paging import DEFAULT_LIMIT

LimitOption = Annotated[int, typer.Option("--limit", help="Rows per page.")]
CursorOption = Annotated[
    str | None,
    typer.Option("--cursor", help="Where the page starts: the cursor the last page gave."),
]

__all__ = ["DEFAULT_LIMIT", "CursorOption", "LimitOption", "print_more"]


def print_more(next_cursor: str | None, *, as_json: bool = False) -> None:
    """After a page that is not the last: ``more: add --cursor C for the next page``, on
    standard output under a table, on standard error after ``--json`` (which stays JSON)."""
    if next_cursor is None:
        return
    out = console_err if as_json else console
    out.print(f"more: add --cursor {next_cursor} for the next page")
