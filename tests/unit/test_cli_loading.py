"""The command line imports a command's modules on demand; its table stays true."""

from __future__ import annotations

import subprocess
import sys

import typer
from typer._click import Context

from caseflow.cli import COMMANDS, _command_name, load_all
from caseflow.cli.app import app


def test_the_table_lists_every_command_with_its_own_help() -> None:
    load_all()
    group = typer.main.get_command(app)
    context = Context(group)
    registered = {
        name: group.get_command(context, name).get_short_help_str(limit=300)  # type: ignore[union-attr]
        for name in group.list_commands(context)
    }
    assert registered == {name: text for name, (_, text) in COMMANDS.items()}


def test_the_command_is_the_first_word_after_the_global_options() -> None:
    assert _command_name(["--db", "x.db", "--workflows", "w", "case", "list"]) == "case"
    assert _command_name(["--help"]) is None
    assert _command_name(["--db=x.db", "org", "show"]) == "org"


def test_help_imports_neither_sqlalchemy_nor_the_commands() -> None:
    probe = (
        "import sys; sys.argv = ['caseflow', '--help']\n"
        "from caseflow.cli import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "heavy = [m for m in ('sqlalchemy', 'weasyprint', 'apscheduler', 'caseflow.engine',"
        " 'holidays') if m in sys.modules]\n"
        "print('HEAVY', heavy)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60
    )
    assert "HEAVY []" in result.stdout, result.stdout
    for name in COMMANDS:
        assert name in result.stdout
