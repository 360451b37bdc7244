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

import json
import sys
from collections.abc import Sequence
from typing import Any

from rich.console import Console
from rich.table import Column, Table
from rich.text import Text

__all__ = [
    "Part",
    "console",
    "console_err",
    "print_table",
    "say",
    "styled",
    "table",
    "warn",
    "warn_left_out",
    "write_bytes",
    "write_json",
]

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


def table(*headers: str | Column, title: str | None = None, ids: int = 0, **options: Any) -> Table:
    """A table whose columns fold rather than cut a value short with an ellipsis. The
    first ``ids`` columns hold identifiers other commands need (keys, journal numbers,
    workflow ids): :func:`print_table` keeps them whole on one line and folds the others to
    make room. A header given as a :class:`Column` keeps its own settings."""
    columns = [
        header
        if isinstance(header, Column)
        else Column(header, overflow="fold", no_wrap=index < ids)
        for index, header in enumerate(headers)
    ]
    return Table(*columns, title=title, **options)


def print_table(grid: Table) -> None:
    """Print a table made by :func:`table` within the terminal's width: the identifier
    columns (``no_wrap``) at their full width, the others capped to share what is left,
    so Rich never has to shorten an identifier to fit (it would, as a last resort)."""
    ids = [column for column in grid.columns if column.no_wrap]
    others = [column for column in grid.columns if not column.no_wrap]
    if ids and others:

        def longest(column: Column) -> int:
            cells = [*column.cells, column.header]
            return max(_width(c) for c in cells)

        frame = 1 + 3 * len(grid.columns)  # a border and two of padding per column
        left = console.width - frame - sum(longest(column) for column in ids)
        # Narrow columns keep their width; the wide ones share what remains equally.
        waiting = sorted(others, key=longest)
        while waiting:
            share = max(4, left // len(waiting))
            column = waiting.pop(0)
            column.max_width = min(share, max(4, longest(column)))
            left -= column.max_width
        for column in ids:
            column.min_width = longest(column)
    console.print(grid)


def _width(renderable: object) -> int:
    """The widest line of a cell, in terminal cells."""
    text = renderable if isinstance(renderable, Text) else Text(str(renderable))
    return max((line.cell_len for line in text.split()), default=0)


def write_json(data: object) -> None:
    """JSON for a program to read, as is (no Rich between): indented, UTF-8 kept."""
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def write_bytes(data: bytes) -> None:
    """A rendered document (PDF, HTML, ICS) to standard output, byte for byte."""
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
