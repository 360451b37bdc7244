"""The ``caseflow`` command line: one module per command group, imported on demand.

A command imports only the modules that define it (:data:`COMMANDS`), so
``caseflow --help``, ``--version`` and a simple read do not pay for SQLAlchemy,
WeasyPrint or APScheduler before they start. The help lists every command from
the table below; a test holds the table to what the modules register.
"""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import typer

    from caseflow.errors import CaseflowError

__all__ = ["COMMANDS", "INTERRUPTED", "load", "main"]

INTERRUPTED = 130
"""The exit code after Ctrl-C (128 + SIGINT, as shells report it)."""

# Each top-level command: the modules that register it (and its subcommands), and its
# one-line help for ``caseflow --help``.
COMMANDS: dict[str, tuple[tuple[str, ...], str]] = {
    "demo": (
        ("demo",),
        "Replay the reference scenario (case 2009-68440, May 2009 to December 2010) and print it.",
    ),
    "init": (("setup",), "Create the database, or upgrade it to this version's schema."),
    "case": (("case", "attach"), "Open, move and inspect cases."),
    "agenda": (("agenda", "documents"), "Build and publish a meeting's agenda."),
    "minutes": (
        ("agenda", "documents", "attendance"),
        "Record decisions and approve the minutes.",
    ),
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
    "deadlines": (("deadlines",), "Deadlines of cases."),
    "notifications": (("notifications",), "The notification outbox."),
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
    "records": (
        ("records",),
        "Tamper-evident records: signing key, signed checkpoints, verification.",
    ),
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
    """Import command modules: importing one registers its commands on the root app
    (:data:`caseflow.cli.app.app`; this package imports nothing heavy itself, so that
    Ctrl-C while Typer and Rich load is caught by :func:`main` too)."""
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


def _register_placeholders(root: typer.Typer) -> None:
    """Every command by name and help only, for the root's help and its "no such
    command" (nothing is run from them)."""
    import typer

    for name, (_, text) in COMMANDS.items():
        root.add_typer(typer.Typer(help=text), name=name)


def main(argv: Sequence[str] | None = None) -> None:
    """Run the CLI; a CaseflowError becomes a message and an exit code, never a traceback,
    and Ctrl-C (during start-up too) one line and exit code 130.

    Typer itself turns usage errors into a message and exit code 2.
    """
    try:
        _run(sys.argv[1:] if argv is None else list(argv))
    except KeyboardInterrupt:
        _interrupted()
    except SystemExit as exc:
        if exc.code == INTERRUPTED:  # Typer's answer to Ctrl-C in a command, without a word
            _interrupted()
        raise


def _interrupted() -> None:
    # Written with os.write: Ctrl-C may come while Rich itself is being imported.
    os.write(2, b"interrupted: nothing more was done\n")
    sys.exit(INTERRUPTED)


def _run(argv: list[str]) -> None:
    from caseflow.cli.app import app
    from caseflow.errors import CaseflowError

    name = _command_name(argv)
    if name in COMMANDS:
        load(COMMANDS[name][0])
    elif not app.registered_groups:  # (run in-process, a test's second call)
        _register_placeholders(app)
    try:
        app(args=argv, prog_name="caseflow")
    except CaseflowError as exc:
        report(exc)
        sys.exit(exc.exit_code)
    except Exception as exc:
        if not _database_error(exc):
            raise
    finally:
        from caseflow.cli import app as root

        if root._state is not None:  # this run's state: close what its command opened
            root._state.close()


def report(error: CaseflowError) -> None:
    """A service error on standard error, with what to type; its user text literal."""
    from caseflow.cli.output import styled, warn
    from caseflow.cli.phrasing import phrase

    warn(styled(("error:", "bold red"), " ", phrase(error)))


def _database_error(exc: Exception) -> bool:
    """Print a database error in one line and exit 7; False if ``exc`` is none (if
    SQLAlchemy was never imported, nothing can have raised one of its errors)."""
    if "sqlalchemy" not in sys.modules:
        return False
    from sqlalchemy.exc import OperationalError, SQLAlchemyError

    from caseflow.cli.output import warn

    embedded = type(getattr(exc, "orig", None)).__module__.startswith("sqlite3")
    if isinstance(exc, OperationalError) and not embedded:
        message = (
            f"{_one_line(exc.orig)}; check the database URL, that the server is running, "
            "and that `caseflow init` has been run"
        )
    elif isinstance(exc, SQLAlchemyError):
        message = _one_line(getattr(exc, "orig", None) or exc)
    else:
        return False
    warn(("database error:", "bold red"), " ", message)
    sys.exit(7)


def _one_line(error: object) -> str:
    return " ".join(str(error).split())
