"""The ``caseflow`` command line: one module per command group."""

from __future__ import annotations

import sys

from rich.markup import escape
from rich.text import Text
from sqlalchemy.exc import OperationalError, SQLAlchemyError

# One module per command group; importing it registers its commands.
from caseflow.cli import (  # noqa: F401
    agenda,
    calendar,
    case,
    demo,
    documents,
    followup,
    incidents,
    meeting,
    org_edit,
    org_history,
    setup,
    worker,
    workflow,
)
from caseflow.cli.app import app, console_err
from caseflow.cli.phrasing import phrase
from caseflow.errors import CaseflowError

__all__ = ["app", "main"]


def main() -> None:
    """Run the CLI; a CaseflowError becomes a message and an exit code, never a traceback.

    Typer itself turns usage errors into a message and exit code 2.
    """
    try:
        app()
    except CaseflowError as exc:
        # The message may hold user text (a title, a name): printed literally, never as markup.
        console_err.print(
            Text.assemble(("error:", "bold red"), " ", phrase(exc)), highlight=False, soft_wrap=True
        )
        sys.exit(exc.exit_code)
    except OperationalError as exc:
        _database_error(
            f"{_one_line(exc.orig)}; check the database URL, that the server is running, "
            "and that `caseflow init` has been run"
        )
    except SQLAlchemyError as exc:
        _database_error(_one_line(getattr(exc, "orig", None) or exc))


def _one_line(error: object) -> str:
    return escape(" ".join(str(error).split()))


def _database_error(message: str) -> None:
    console_err.print(f"[bold red]database error:[/] {message}", highlight=False, soft_wrap=True)
    sys.exit(7)
