"""The root Typer app, the global options and the objects commands share."""

from __future__ import annotations

import getpass
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from caseflow.cli.output import console as console  # commands import the consoles here too
from caseflow.cli.output import console_err as console_err
from caseflow.errors import ErrorCode, InvalidInput
from caseflow.program import start_up_done
from caseflow.settings import Settings

if TYPE_CHECKING:  # the heavy parts are imported by the commands that use them
    from caseflow.clock import Clock
    from caseflow.context import Context
    from caseflow.domain import Actor
    from caseflow.engine import Engine

app = typer.Typer(
    name="caseflow",
    help="Workflow engine for political case handling: cases, committees, deadlines.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@dataclass
class CliState:
    """What the global options decided; commands ask it for an engine."""

    settings: Settings
    _contexts: list[Context] = field(default_factory=list)

    def context(
        self, clock: Clock | None = None, *, check_schema: bool = True, create: bool = False
    ) -> Context:
        """The composition root for this command, built from every setting. Only
        ``caseflow init`` creates a database file (``create``): any other command in a
        folder without one is told so, and leaves no empty file behind."""
        from caseflow.context import Context

        context = Context.from_settings(
            self.settings, clock, check_schema=check_schema, create=create
        )
        self._contexts.append(context)
        start_up_done()
        return context

    def folder_context(self) -> Context:
        """A context for what the workflow folder alone answers (list, show, diagram): the
        database's publications when there is a database, and no file made when there is
        none (an empty in-memory one stands in, so the folder's definitions are shown)."""
        from dataclasses import replace

        from caseflow.errors import DatabaseNotReady

        try:
            return self.context(check_schema=False)
        except DatabaseNotReady as exc:
            if exc.code is not ErrorCode.NO_DATABASE:
                raise
        folder_only = replace(self.settings, database_url="sqlite://")
        context = CliState(folder_only).context(check_schema=False, create=True)
        self._contexts.append(context)
        return context

    def close(self) -> None:
        """Close what this command opened (its database connections)."""
        while self._contexts:
            self._contexts.pop().close()

    def engine(self, clock: Clock | None = None, *, check_schema: bool = True) -> Engine:
        return self.context(clock, check_schema=check_schema).engine

    def actor(self, engine: Engine, username: str | None) -> Actor:
        name = username or self.settings.user
        if not name:
            raise InvalidInput("say who you are", code=ErrorCode.ACTOR_REQUIRED)
        return engine.actor(name)

    def acting(self, username: str | None) -> tuple[Context, Actor]:
        """The context for this command, and who runs it (``--as`` or ``CASEFLOW_USER``)."""
        context = self.context()
        return context, self.actor(context.engine, username)

    def who(self, username: str | None) -> str:
        """Who runs a command that must work before anyone exists in the database
        (loading the organisation file, ``actor add``): ``--as`` or ``CASEFLOW_USER``
        as given, else ``os:LOGIN``."""
        name = username or self.settings.user
        if name:
            return name
        try:
            return f"os:{getpass.getuser()}"
        except (KeyError, OSError):  # no login name in the environment or passwd
            return "os:unknown"


_state: CliState | None = None


def state() -> CliState:
    assert _state is not None, "the root callback sets the CLI state"
    return _state


def _print_version(value: bool) -> None:
    if value:
        from importlib.metadata import version

        console.print(f"caseflow {version('caseflow')}")
        raise typer.Exit()


@app.callback()
def root(
    db: Annotated[
        str | None,
        typer.Option(
            "--db",
            help="Database: a SQLite file path or a SQLAlchemy URL "
            "(default: $CASEFLOW_DATABASE_URL, else ./caseflow.db).",
        ),
    ] = None,
    workflows: Annotated[
        Path | None,
        typer.Option(
            "--workflows",
            help="Folder of workflow definitions (default: $CASEFLOW_WORKFLOWS_DIR, "
            "else ./workflows, else the ones shipped with caseflow).",
        ),
    ] = None,
    version: Annotated[
        bool,
        typer.Option(
            "--version", is_eager=True, callback=_print_version, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    global _state
    _state = CliState(Settings.load().with_overrides(database=db, workflows_dir=workflows))


AsOption = Annotated[
    str | None, typer.Option("--as", help="Act as this user (default: $CASEFLOW_USER).")
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]
