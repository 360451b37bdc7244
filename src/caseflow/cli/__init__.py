"""The ``caseflow`` command line: one module per command group, imported on demand.

A command imports only the modules that define it (:data:`COMMANDS`), so
``caseflow --help``, ``--version`` and a simple read do not pay for SQLAlchemy,
WeasyPrint or APScheduler before they start. The help lists every command from
the table below; a test holds the table to what the modules register.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Sequence

from caseflow.cli.app import app, console_err
from caseflow.errors import CaseflowError

__all__ = ["COMMANDS", "app", "load", "main"]

# Each top-level command: the modules that register it (and its subcommands), and its
# one-line help for ``caseflow --help``.
COMMANDS: dict[str, tuple[tuple[str, ...], str]] = {
    "demo": (
        ("demo",),
        "Replay the reference scenario (case 2009-68440, May 2009 to December 2010) and print it.",
    ),
    "init": (("setup",), "Create the database, or upgrade it to this version's schema."),
    "case": (("case", "agenda", "documents"), "Open, move and inspect cases."),
    "agenda": (("agenda", "documents"), "Build and publish a meeting's agenda."),
    "minutes": (("agenda", "documents"), "Record decisions and approve the minutes."),
    "meeting": (("meeting",), "Committee meetings: the meeting plan, imports and calendar export."),
    "plan": (
        ("meeting",),
        "Backward planning: the last meetings that can still decide before DEADLINE.",
    ),
    "followup": (("followup",), "Follow-up actions for steering groups and administrations."),
    "worker": (
        ("worker",),
        "Apply due deadlines and deliver notifications (for ever, or --once).",
    ),
    "deadlines": (("worker",), "Deadlines of cases."),
    "notifications": (("worker",), "The notification outbox."),
    "incidents": (("incidents",), "Deadlines and notifications that need a person."),
    "calendar": (("calendar",), "Working days and days off: add, count, list."),
    "import": (("documents",), "Import documents into cases."),
    "org": (
        ("setup", "org_edit", "org_history"),
        "Administrations, committees and steering groups.",
    ),
    "actor": (("setup",), "People who act on cases, and their roles."),
    "user": (("user",), "Sign-in for the web app: passwords, API tokens, sessions."),
    "workflow": (("workflow",), "Workflow definitions."),
    "approval": (("approval",), "Approval chains: steps waiting for you; approve, return, skip."),
    "absence": (("absence",), "Absence: a substitute does your approvals while you are away."),
    "delegate": (("delegate",), "On behalf of: grant, list and revoke rights to act for another."),
    "serve": (
        ("serve",),
        "Serve the web pages and the JSON API (/api/v1) until stopped (Ctrl-C).",
    ),
}
_GLOBAL_OPTIONS_WITH_VALUES = ("--db", "--workflows")


def load(modules: Sequence[str]) -> None:
    """Import command modules: importing one registers its commands on :data:`app`."""
    for module in modules:
        importlib.import_module(f"caseflow.cli.{module}")


def load_all() -> None:
    load(sorted({m for modules, _ in COMMANDS.values() for m in modules}))


def _command_name(args: Sequence[str]) -> str | None:
    """The first word of ``args`` that is not a global option or its value."""
    skip = False
    for arg in args:
        if skip:
            skip = False
        elif arg in _GLOBAL_OPTIONS_WITH_VALUES:
            skip = True
        elif not arg.startswith("-"):
            return arg
    return None


def _register_placeholders() -> None:
    """Every command by name and help only, for the root's help and its "no such
    command" (nothing is run from them)."""
    import typer

    for name, (_, text) in COMMANDS.items():
        app.add_typer(typer.Typer(help=text), name=name)


def main() -> None:
    """Run the CLI; a CaseflowError becomes a message and an exit code, never a traceback.

    Typer itself turns usage errors into a message and exit code 2.
    """
    name = _command_name(sys.argv[1:])
    if name in COMMANDS:
        load(COMMANDS[name][0])
    else:
        _register_placeholders()
    try:
        app()
    except CaseflowError as exc:
        from rich.text import Text

        from caseflow.cli.phrasing import phrase

        # The message may hold user text (a title, a name): printed literally, never as markup.
        console_err.print(
            Text.assemble(("error:", "bold red"), " ", phrase(exc)), highlight=False, soft_wrap=True
        )
        sys.exit(exc.exit_code)
    except Exception as exc:
        if not _database_error(exc):
            raise


def _database_error(exc: Exception) -> bool:
    """Print a database error in one line and exit 7; False if ``exc`` is none (if
    SQLAlchemy was never imported, nothing can have raised one of its errors)."""
    if "sqlalchemy" not in sys.modules:
        return False
    from sqlalchemy.exc import OperationalError, SQLAlchemyError

    if isinstance(exc, OperationalError):
        message = (
            f"{_one_line(exc.orig)}; check the database URL, that the server is running, "
            "and that `caseflow init` has been run"
        )
    elif isinstance(exc, SQLAlchemyError):
        message = _one_line(getattr(exc, "orig", None) or exc)
    else:
        return False
    from rich.text import Text

    console_err.print(
        Text.assemble(("database error:", "bold red"), " ", message),
        highlight=False,
        soft_wrap=True,
    )
    sys.exit(7)


def _one_line(error: object) -> str:
    return " ".join(str(error).split())
