"""The composition root: one :class:`Context`, built once from the settings.

Every interface (the CLI, the worker, the demo, the coming web app) and every
test gets its parts here, so they are wired one way: the engine always carries
its hooks (deadline rows and transition notifications) and the municipality's
calendars, the worker's dispatcher and sender count in the same calendars and
speak the same language, and no setting is lost on the way (a global flag
changes one setting, never the others: see :meth:`Settings.with_overrides`).
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine as SAEngine

from caseflow.calendar import CalendarRules, Calendars
from caseflow.calendar_file import rules_from_setting
from caseflow.clock import Clock, ShiftedClock
from caseflow.engine import Engine, TransactionHook
from caseflow.limits import check_range
from caseflow.registry import WorkflowRegistry
from caseflow.settings import Settings, default_templates_dir
from caseflow.store import migrate
from caseflow.store.db import make_engine

if TYPE_CHECKING:
    # The worker's parts (the dispatcher, SMTP, Jinja2) are imported where they are
    # built: a command that reads cases starts without them.
    from caseflow.deadlines.dispatcher import Dispatcher
    from caseflow.notifications.channels import Channel
    from caseflow.notifications.message import Recipient
    from caseflow.notifications.sender import Sender

DEFAULT_LEASE = timedelta(minutes=5)
"""How long a worker holds what it claimed; a dead worker's claims are free after it."""


def default_sender() -> Recipient:
    """Who mail is from when no SMTP settings say (the e-mail machinery is imported by
    what sends, not by every command)."""
    from caseflow.notifications.message import Recipient

    return Recipient("caseflow@localhost", "caseflow")


def calendar_rules(settings: Settings) -> CalendarRules:
    """The municipality's days off: a preset, or its own calendar file."""
    return rules_from_setting(settings.calendar, Path.cwd())


def wired_engine(
    db: SAEngine,
    registry: WorkflowRegistry,
    clock: Clock | None,
    rules: CalendarRules,
    language: str = "da",
) -> Engine:
    """An engine with its in-transaction hooks, counting in ``rules``' calendars.

    The one place an :class:`Engine` is put together; :class:`Context` and the test
    helpers call it, so no engine runs without its hooks.
    """
    calendars = Calendars.for_rules(rules)
    registry.follow(db)  # published versions, without a restart
    return WiredEngine(db, registry, clock, calendars=calendars, language=language)


def standard_hooks(calendars: Calendars, language: str) -> list[TransactionHook]:
    """The hooks every wired engine carries: deadline rows, transition notifications and
    approval chains, written in the transaction of each open, fire and edit."""
    from caseflow.approvals.hook import ApprovalStarter
    from caseflow.deadlines.scheduling import DeadlineScheduler
    from caseflow.notifications.on_transition import TransitionNotifier

    return [DeadlineScheduler(calendars), TransitionNotifier(language), ApprovalStarter(calendars)]


class WiredEngine(Engine):
    """An :class:`Engine` whose :attr:`~Engine.hooks` are imported and built when first
    asked for (by the first open, fire or edit, or by a caller that changes them), so a
    command that only reads (``case list``) starts without the deadline, notification
    and approval machinery (issue 16).

    Until then the engine has no ``hooks`` attribute of its own and :meth:`__getattr__`
    builds it; from then on it is a plain list, as on any engine: what a fire does, and
    what it costs, are the same.
    """

    def __init__(
        self,
        db: SAEngine,
        registry: WorkflowRegistry,
        clock: Clock | None,
        *,
        calendars: Calendars,
        language: str,
    ) -> None:
        super().__init__(db, registry, clock, calendars=calendars)
        del self.hooks  # built on first use, by __getattr__
        self._language = language
        self._building = threading.Lock()

    def __getattr__(self, name: str) -> list[TransactionHook]:
        """Called only for an attribute the engine does not have: ``hooks`` before its
        first use (under a lock: two threads of the web app build it once)."""
        if name != "hooks":
            raise AttributeError(name)
        with self._building:
            if "hooks" not in self.__dict__:
                self.hooks = standard_hooks(self.calendars, self._language)
        return self.hooks


@dataclass
class Context:
    """What a configured caseflow consists of; services take it as their first argument."""

    settings: Settings
    engine: Engine

    @classmethod
    def from_settings(
        cls,
        settings: Settings,
        clock: Clock | None = None,
        *,
        check_schema: bool = True,
        create: bool = True,
    ) -> Context:
        """Build every part from ``settings``; ``check_schema`` refuses a database that
        ``caseflow init`` has not brought up to date (``init`` itself skips it), and
        ``create=False`` a SQLite file that does not exist (rather than make an empty one)."""
        if clock is None and settings.now is not None:
            clock = ShiftedClock(settings.now)
        db = make_engine(settings.database_url, busy_timeout=settings.busy_timeout, create=create)
        if check_schema:
            migrate.ensure_ready(db)
        registry = WorkflowRegistry(Path(settings.workflows_dir))
        engine = wired_engine(db, registry, clock, calendar_rules(settings), settings.language)
        return cls(settings, engine)

    @property
    def calendars(self) -> Calendars:
        return self.engine.calendars

    @property
    def language(self) -> str:
        return self.settings.language

    def channel(self) -> tuple[Channel, Recipient]:
        """SMTP when CASEFLOW_SMTP_HOST is set, else .eml files in the mail folder."""
        from caseflow.notifications.channels import FileChannel, SmtpChannel, SmtpSettings
        from caseflow.notifications.message import Recipient

        smtp = SmtpSettings.from_env(os.environ)
        if smtp is not None:
            return SmtpChannel(smtp), Recipient(smtp.sender, smtp.sender_name)
        return FileChannel(Path(self.settings.mail_dir)), default_sender()

    def dispatcher(
        self, lease: timedelta = DEFAULT_LEASE, *, owner: str | None = None
    ) -> Dispatcher:
        from caseflow.deadlines.dispatcher import Dispatcher

        check_lease(lease)
        return Dispatcher(
            self.engine,
            self.calendars,
            owner=owner,
            language=self.language,
            lease=lease,
            max_attempts=self.settings.max_attempts,
        )

    def sender(
        self,
        lease: timedelta = DEFAULT_LEASE,
        *,
        channel: Channel | None = None,
        sender: Recipient | None = None,
    ) -> Sender:
        from caseflow.deadlines.dispatcher import worker_name
        from caseflow.notifications.render import Renderer
        from caseflow.notifications.sender import Sender

        check_lease(lease)
        if channel is None:
            channel, sender = self.channel()
        return Sender(
            self.engine,
            Renderer(default_templates_dir()),
            channel,
            sender or default_sender(),
            owner=worker_name(),
            lease=lease,
            max_attempts=self.settings.max_attempts,
        )

    def close(self) -> None:
        self.engine.close()


# A claim is held for a second at least (a shorter one frees before the work is done)
# and a day at most (a longer one hides a dead worker's claims for too long).
MAX_LEASE_SECONDS = 86_400


def check_lease(lease: timedelta) -> None:
    """Refuse a lease that is negative, zero or absurd, naming it in seconds."""
    check_range("lease", lease.total_seconds(), 1, MAX_LEASE_SECONDS)
