"""Helpers for tests, ours and users': a ready engine on a temporary database."""

from __future__ import annotations

from datetime import datetime
from importlib import resources
from pathlib import Path
from textwrap import dedent
from typing import Any
from zoneinfo import ZoneInfo

from caseflow import organisation
from caseflow.calendar import COPENHAGEN_RULES
from caseflow.clock import FakeClock
from caseflow.definitions import validate_files
from caseflow.domain import Origin, OriginKind
from caseflow.engine import Engine, NewCase
from caseflow.errors import Problem
from caseflow.registry import WorkflowRegistry
from caseflow.runtime import with_deadlines
from caseflow.settings import default_workflows_dir
from caseflow.store import migrate
from caseflow.store.db import make_engine, write_transaction

COPENHAGEN = ZoneInfo("Europe/Copenhagen")


def copenhagen_time(text: str) -> datetime:
    """``"2009-05-14 10:00"`` as an aware Copenhagen time."""
    return datetime.fromisoformat(text).replace(tzinfo=COPENHAGEN)


def demo_organisation_file() -> Path:
    return Path(str(resources.files("caseflow.demo").joinpath("copenhagen.yaml")))


def make_test_engine(
    database_url: str,
    *,
    clock: FakeClock | None = None,
    workflows_dir: Path | None = None,
    load_demo_organisation: bool = True,
) -> Engine:
    """A migrated database with Copenhagen's organisation, and an engine on a fake clock."""
    db = make_engine(database_url)
    migrate.upgrade(db)
    if load_demo_organisation:
        spec = organisation.load_file(demo_organisation_file())
        with write_transaction(db) as conn:
            organisation.store(conn, spec)
    registry = WorkflowRegistry(workflows_dir or default_workflows_dir(Path.cwd()))
    engine = Engine(db, registry, clock or FakeClock(copenhagen_time("2009-05-14 10:00")))
    return with_deadlines(engine, COPENHAGEN_RULES)


def open_test_case(engine: Engine, *, actor: str = "bif.sagsbehandler", **overrides: Any) -> str:
    """Open a committee case like the reference one (TMF lead, BIF drafting, BIU)."""
    values: dict[str, Any] = {
        "workflow_id": "committee-case",
        "title": "Styring af de politiske processer",
        "origin": Origin(OriginKind.ENQUIRY, "Et medlem", None, "BIU"),
        "lead_administration": "TMF",
        "participating_administrations": ["BIF"],
        "committee": "BIU",
    }
    values.update(overrides)
    return engine.open_case(NewCase(**values), engine.actor(actor)).journal_no


def marked_line(text: str) -> int:
    """The line of a workflow text marked with ``#!``: where a problem must be reported."""
    lines = [i for i, line in enumerate(text.splitlines(), start=1) if "#!" in line]
    assert len(lines) == 1, "mark exactly one line with #!"
    return lines[0]


def replaced(text: str, *pairs: tuple[str, str]) -> str:
    """``text`` with each ``old`` (which must occur exactly once) replaced by ``new``."""
    for old, new in pairs:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    return text


def problems_in(folder: Path, text: str) -> tuple[list[Problem], Path]:
    """Write a workflow text to ``folder/wf.yaml`` and validate it."""
    path = folder / "wf.yaml"
    path.write_text(dedent(text), encoding="utf-8")
    return validate_files([path]), path
