"""Shared set-up of the approval-chain tests, integration and web: a workflows folder
of the shipped files and the test's own, and more of management in TMF (the reference
case's lead administration) and BIF than the demo organisation has."""

from __future__ import annotations

import shutil
from pathlib import Path

from caseflow.context import Context
from caseflow.domain import RoleGrant
from caseflow.engine import Engine
from caseflow.settings import Settings
from caseflow.store import organisation
from caseflow.store.db import write_transaction

REPO = Path(__file__).resolve().parents[1]

CONTENT = {
    "summary": "Resumé.",
    "sections.problemstilling": "Problem.",
    "sections.losning": "Løsning.",
    "sections.okonomi": "Ingen.",
    "recommendations": ["at udvalget drøfter sagen."],
}


def workflows_with(tmp_path: Path, *extra: tuple[str, str]) -> Path:
    """A workflows folder: the shipped files (committee-case with its chain, office head
    then director) and ``extra`` (file name, text) pairs."""
    folder = tmp_path / "workflows"
    folder.mkdir()
    for path in (REPO / "workflows").glob("*.y*ml"):
        shutil.copy(path, folder / path.name)
    for name, text in extra:
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def add_actor(engine: Engine, username: str, *grants: str) -> None:
    """An actor with grants written ROLE@ADMINISTRATION (or ROLE for no scope)."""
    parsed = []
    for text in grants:
        role, _, scope = text.partition("@")
        parsed.append(RoleGrant(role, administration=scope or None))
    with write_transaction(engine.db) as conn:
        email = f"{username}@kk.example"
        organisation.upsert_actor(conn, username, username.title(), email, parsed)


def management(engine: Engine) -> None:
    """TMF's management and case officer, and two of BIF's. The demo organisation has
    ``tmf.kontorchef`` and ``tmf.direktor`` already; they are written again with names
    and addresses made of their usernames, which the tests' expectations spell out."""
    add_actor(engine, "tmf.sb", "case_officer@TMF")
    add_actor(engine, "tmf.kontorchef", "office_head@TMF")
    add_actor(engine, "tmf.kontorchef2", "office_head@TMF")
    add_actor(engine, "tmf.direktor", "director@TMF")
    add_actor(engine, "bif.kontorchef", "office_head@BIF")
    add_actor(engine, "tmf.vikar", "case_officer@TMF")


def context(engine: Engine, folder: Path) -> Context:
    return Context(Settings(str(engine.db.url), folder), engine)
