"""The demo's database: a fresh SQLite file with Copenhagen's organisation and plan.

The replay is Copenhagen's, in Danish, on a clock of its own, whatever calendar or
language is configured; the rest of the settings (workflows, SMTP) are the user's.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from importlib import resources
from typing import Any

from caseflow import organisation
from caseflow.calendar import COPENHAGEN_RULES
from caseflow.clock import FakeClock
from caseflow.context import Context, wired_engine
from caseflow.meetings import plan
from caseflow.organisation import OrganisationSpec
from caseflow.registry import WorkflowRegistry
from caseflow.settings import Settings
from caseflow.store import migrate
from caseflow.store import organisation as org_rows
from caseflow.store.db import make_engine, read_transaction, write_transaction
from caseflow.store.org_history import Stamp

DATA_FILE = "copenhagen.yaml"
PLAN_FILE = "meetings-2009.yaml"


@dataclass(frozen=True)
class DemoDatabase:
    ctx: Context
    clock: FakeClock
    organisation: OrganisationSpec
    meetings: int  # how many meetings the plan created


def prepare(settings: Settings, database_url: str, clock: FakeClock) -> DemoDatabase:
    """Create the schema, load the organisation and the 2009-10 meeting plan."""
    db = make_engine(database_url)
    migrate.upgrade(db)
    with resources.as_file(resources.files("caseflow.demo").joinpath(DATA_FILE)) as path:
        spec = organisation.load_file(path)
    with write_transaction(db) as conn:
        organisation.store(conn, spec, Stamp("admin", clock.now(), f"caseflow demo ({DATA_FILE})"))
    engine = wired_engine(db, WorkflowRegistry(settings.workflows_dir), clock, COPENHAGEN_RULES)
    ctx = Context(replace(settings, database_url=database_url, language="da"), engine)
    with resources.as_file(resources.files("caseflow.demo").joinpath(PLAN_FILE)) as path:
        planned = plan.import_plan(engine, engine.actor("admin"), path)
    return DemoDatabase(ctx, clock, spec, len(planned.created))


def steering_group(ctx: Context, code: str) -> dict[str, Any] | None:
    """A steering group with its members, as the organisation stores it."""
    with read_transaction(ctx.engine.db) as conn:
        groups = {g["code"]: g for g in org_rows.list_steering_groups(conn)}
    return groups.get(code)
