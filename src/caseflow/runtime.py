"""The composition root: builds an engine with its deadline hook, and the worker's parts.

Everything that needs a configured caseflow (the CLI, the worker, the demo,
tests) gets it from here, so the parts are wired the same way everywhere.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

from caseflow.calendar import CalendarRules
from caseflow.calendar_file import rules_from_setting
from caseflow.clock import Clock, ShiftedClock
from caseflow.deadlines.dispatcher import Dispatcher, worker_name
from caseflow.deadlines.rules import Calendars
from caseflow.deadlines.scheduling import DeadlineScheduler
from caseflow.engine import Engine
from caseflow.notifications.channels import Channel, FileChannel, SmtpChannel, SmtpSettings
from caseflow.notifications.message import Recipient
from caseflow.notifications.on_transition import TransitionNotifier
from caseflow.notifications.render import Renderer
from caseflow.notifications.sender import Sender
from caseflow.settings import Settings, default_templates_dir

DEFAULT_LEASE = timedelta(minutes=5)
"""How long a worker holds what it claimed; a dead worker's claims are free after it."""


def calendar_rules(settings: Settings) -> CalendarRules:
    """The municipality's days off: a preset, or its own calendar file."""
    return rules_from_setting(settings.calendar, Path.cwd())


def with_deadlines(engine: Engine, rules: CalendarRules, language: str = "da") -> Engine:
    """Attach the in-transaction hooks: deadline rows and transition notifications."""
    engine.hooks.append(DeadlineScheduler(Calendars.for_rules(rules)))
    engine.hooks.append(TransitionNotifier(language))
    return engine


def build_engine(
    settings: Settings, clock: Clock | None = None, *, check_schema: bool = True
) -> Engine:
    if clock is None and settings.now is not None:
        clock = ShiftedClock(settings.now)
    engine = Engine.from_settings(settings, clock, check_schema=check_schema)
    return with_deadlines(engine, calendar_rules(settings), settings.language)


def channel_from_settings(settings: Settings) -> tuple[Channel, Recipient]:
    """SMTP when CASEFLOW_SMTP_HOST is set, else .eml files in the mail folder."""
    smtp = SmtpSettings.from_env(os.environ)
    if smtp is not None:
        return SmtpChannel(smtp), Recipient(smtp.sender, smtp.sender_name)
    return FileChannel(Path(settings.mail_dir)), Recipient("caseflow@localhost", "caseflow")


def build_dispatcher(
    engine: Engine, settings: Settings, lease: timedelta = DEFAULT_LEASE
) -> Dispatcher:
    return Dispatcher(
        engine,
        Calendars.for_rules(calendar_rules(settings)),
        language=settings.language,
        lease=lease,
        max_attempts=settings.max_attempts,
    )


def build_sender(
    engine: Engine,
    settings: Settings,
    channel: Channel | None = None,
    sender: Recipient | None = None,
    lease: timedelta = DEFAULT_LEASE,
) -> Sender:
    if channel is None:
        channel, sender = channel_from_settings(settings)
    return Sender(
        engine,
        Renderer(default_templates_dir()),
        channel,
        sender or Recipient("caseflow@localhost", "caseflow"),
        owner=worker_name(),
        lease=lease,
        max_attempts=settings.max_attempts,
    )
