"""The demo's database: a fresh SQLite file with Copenhagen's organisation and plan.

The replay is Copenhagen's, in Danish, on a clock of its own, whatever calendar or
language is configured; the rest of the settings (workflows, SMTP) are the user's.

Every demo user gets a password for the web app (:func:`demo_password`: ``demo-``
and the username, padded with zeros to the 12 characters a password needs, e.g.
``demo-admin00`` and ``demo-bif.sagsbehandler``). They are printed by ``caseflow
demo``: a demo database is for trying caseflow out, never for real cases.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime
from importlib import resources
from typing import Any

from argon2 import PasswordHasher
from sqlalchemy import Connection

from caseflow import organisation
from caseflow.calendar import COPENHAGEN_RULES
from caseflow.clock import FakeClock
from caseflow.context import Context, wired_engine
from caseflow.domain import AccountEventKind
from caseflow.meetings import plan
from caseflow.organisation import OrganisationSpec
from caseflow.registry import WorkflowRegistry
from caseflow.services import accounts
from caseflow.settings import Settings
from caseflow.store import accounts as account_rows
from caseflow.store import migrate
from caseflow.store import organisation as org_rows
from caseflow.store.db import make_engine, read_transaction, write_transaction
from caseflow.store.org_history import Stamp

DATA_FILE = "copenhagen.yaml"
PLAN_FILE = "meetings-2009.yaml"

# The demo's passwords are hashed at argon2id's lowest cost. At the full cost (some
# 100 ms a hash) its nine users would add almost half to the two seconds the demo takes,
# and these passwords are printed for all to read anyway. The first sign-in with each
# replaces its hash by one at the full cost (services.accounts rehashes a hash whose
# parameters are below PasswordHasher's own). Only the demo hashes so.
DEMO_HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


def demo_password(username: str) -> str:
    """The demo password of ``username``: ``demo-`` and the username, padded with zeros
    to the shortest length a password may have."""
    return f"demo-{username}".ljust(accounts.PASSWORD_MIN_LENGTH, "0")


@dataclass(frozen=True)
class DemoUser:
    username: str
    name: str
    roles: tuple[str, ...]
    password: str


@dataclass(frozen=True)
class DemoDatabase:
    ctx: Context
    clock: FakeClock
    organisation: OrganisationSpec
    meetings: int  # how many meetings the plan created
    users: tuple[DemoUser, ...] = ()  # with their passwords for the web app


def prepare(settings: Settings, database_url: str, clock: FakeClock) -> DemoDatabase:
    """Create the schema, load the organisation and the 2009-10 meeting plan."""
    db = make_engine(database_url)
    migrate.upgrade(db)
    with resources.as_file(resources.files("caseflow.demo").joinpath(DATA_FILE)) as path:
        spec = organisation.load_file(path)
    with write_transaction(db) as conn:
        organisation.store(conn, spec, Stamp("admin", clock.now(), f"caseflow demo ({DATA_FILE})"))
        users = _give_passwords(conn, spec)
    engine = wired_engine(db, WorkflowRegistry(settings.workflows_dir), clock, COPENHAGEN_RULES)
    ctx = Context(replace(settings, database_url=database_url, language="da"), engine)
    with resources.as_file(resources.files("caseflow.demo").joinpath(PLAN_FILE)) as path:
        planned = plan.import_plan(engine, engine.actor("admin"), path)
    return DemoDatabase(ctx, clock, spec, len(planned.created), users)


def _give_passwords(conn: Connection, spec: OrganisationSpec) -> tuple[DemoUser, ...]:
    """Every demo user's password (see :data:`DEMO_HASHER`), each an account event. The
    accounts live in real time, not on the replay's clock of 2009."""
    now = datetime.now(UTC)
    users = []
    for person in spec.actors:
        password = demo_password(person.username)
        accounts.check_password(person.username, password)
        account_rows.put_password(conn, person.username, DEMO_HASHER.hash(password), now)
        account_rows.record(
            conn,
            at=now,
            actor="admin",
            kind=AccountEventKind.PASSWORD_SET,
            username=person.username,
            client="caseflow demo",
            detail="the demo password",
        )
        users.append(DemoUser(person.username, person.name, tuple(person.roles), password))
    return tuple(users)


def steering_group(ctx: Context, code: str) -> dict[str, Any] | None:
    """A steering group with its members, as the organisation stores it."""
    with read_transaction(ctx.engine.db) as conn:
        groups = {g["code"]: g for g in org_rows.list_steering_groups(conn)}
    return groups.get(code)
