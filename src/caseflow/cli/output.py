"""The one way the command line prints: two consoles that never read markup.

Every string the CLI prints, the user's (a title ``[/]``, ``Budget [udkast]``) and
its own (``write [case_officer]``), reaches the terminal exactly as written:
the consoles have Rich's markup, emoji codes (``:smile:``) and highlighter off,
so a journal number or a date is never coloured in parts. Styling is explicit:
:func:`styled` builds a line from plain parts and ``(text, style)`` pairs, as
:meth:`rich.text.Text.assemble` does, and a table cell given as ``str`` is
literal too. A test holds the rest of ``caseflow.cli`` to these consoles (no
other Console, no ``print``, no markup switched back on).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.console import Console
from rich.table import Column, Table
from rich.text import Text

__all__ = ["Part", "console", "console_err", "say", "styled", "table", "warn"]

console = Console(markup=False, highlight=False, emoji=False)
console_err = Console(stderr=True, markup=False, highlight=False, emoji=False)

Part = str | Text | tuple[str, str]
"""A piece of a line: literal text, a Text, or ``(literal text, style)``."""


def styled(*parts: Part) -> Text:
    """One line from literal parts; a ``(text, style)`` pair styles its text only."""
    return Text.assemble(*parts)


def say(*parts: Part, soft_wrap: bool = False) -> None:
    """Print one line on standard output (literal; see :func:`styled`)."""
    console.print(styled(*parts), soft_wrap=soft_wrap)


def warn(*parts: Part) -> None:
    """Print one line on standard error (literal)."""
    console_err.print(styled(*parts), soft_wrap=True)


def table(*headers: str | Column, title: str | None = None, **options: Any) -> Table:
    """A table whose columns fold rather than cut a value short with an ellipsis:
    other commands need identifiers (keys, journal numbers, ids) whole. A header
    given as a :class:`Column` keeps its own settings."""
    columns = [
        header if isinstance(header, Column) else Column(header, overflow="fold")
        for header in headers
    ]
    return Table(*columns, title=title, **options)


def write_json(data: object) -> None:
    """JSON for a program to read, as is (no Rich between): indented, UTF-8 kept."""
    import json
    import sys

    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def write_bytes(data: bytes) -> None:
    """A rendered document (PDF, HTML, ICS) to standard output, byte for byte."""
    import sys

    binary = getattr(sys.stdout, "buffer", None)
    if binary is None:  # a text-only stream (a test's): the text, as well as it decodes
        sys.stdout.write(data.decode("utf-8", "replace"))
        return
    binary.write(data)
    binary.flush()


def warn_left_out(problems: Sequence[object]) -> bool:
    """Print the problems of workflow files left out of the folder's workflows (each
    stops only its own workflow); True if there were any."""
    for problem in problems:
        console_err.print(str(problem), soft_wrap=True)
    if problems:
        warn(
            (f"{len(problems)} problem(s) in the workflows folder", "red"),
            ": those workflows are left out until they are fixed",
        )
    return bool(problems)
