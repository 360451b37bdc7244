"""The command line prints through caseflow.cli.output only, and never reads markup."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from rich.table import Table

from caseflow.cli import output

CLI = Path(output.__file__).parent


def _offences(path: Path) -> list[str]:
    """Ways to print around the literal consoles: another Console, print(), sys.stdout,
    typer.echo, markup switched on, Rich's markup parser."""
    found = []
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        where = f"{path.name}:{getattr(node, 'lineno', '?')}"
        if isinstance(node, ast.Call):
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
            if name in {"print", "Console", "echo", "secho", "from_markup", "render_markup"} and (
                not isinstance(func, ast.Attribute) or name != "print"
            ):
                found.append(f"{where}: {name}()")
            for keyword in node.keywords:
                if keyword.arg in {"markup", "highlight", "emoji"} and (
                    not isinstance(keyword.value, ast.Constant) or keyword.value.value is not False
                ):
                    found.append(f"{where}: {keyword.arg}= not False")
        if (
            isinstance(node, ast.Attribute)
            and node.attr in {"stdout", "stderr"}
            and isinstance(node.value, ast.Name)
            and node.value.id == "sys"
        ):
            found.append(f"{where}: sys.{node.attr}")
        if isinstance(node, ast.ImportFrom) and node.module == "rich.markup":
            found.append(f"{where}: import from {node.module}")
    return found


def test_no_command_module_prints_around_the_literal_consoles() -> None:
    offences = [
        offence
        for path in sorted(CLI.glob("*.py"))
        if path.name != "output.py"
        for offence in _offences(path)
    ]
    assert offences == []


def test_the_scan_finds_what_it_looks_for(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text(
        "import sys\nfrom rich.console import Console\nConsole()\nprint('x')\n"
        "console.print('x', markup=True)\nsys.stdout.write('x')\n",
        encoding="utf-8",
    )
    assert len(_offences(bad)) == 4


@pytest.mark.parametrize(
    "text",
    ["[/]", "Budget [udkast]", "[red]rød[/red]", ":smile:", "'roles' should be a list: write [x]"],
)
def test_user_and_program_text_prints_as_written(
    text: str, capsys: pytest.CaptureFixture[str]
) -> None:
    output.console.print(text)
    output.say(("2009-68440", "bold"), "  ", text)
    grid = output.table("Title")
    grid.add_row(text)
    output.console.print(grid)
    printed = capsys.readouterr().out
    assert printed.count(text) == 3


def test_journal_numbers_and_dates_are_not_coloured_in_parts() -> None:
    with output.console.capture() as captured:
        output.console.print("2009-68440 2009-05-14 12:30 True None 42")
    assert captured.get() == "2009-68440 2009-05-14 12:30 True None 42\n"
    segments = list(output.console.render("2009-68440 2009-05-14"))
    assert all(segment.style is None or not segment.style for segment in segments)


def test_a_table_folds_rather_than_cuts() -> None:
    grid = output.table("Key")
    assert isinstance(grid, Table)
    assert all(column.overflow == "fold" for column in grid.columns)
