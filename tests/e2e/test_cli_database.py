"""The database's troubles at the command line: each names the path and the real cause."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

import pytest

from caseflow.testing import CommandLine as Cli
from caseflow.testing import demo_organisation_file

REPO = Path(__file__).resolve().parents[2]


def _cli(folder: Path, database: Path, **env: str) -> Cli:
    return Cli(folder, f"sqlite:///{database}", REPO / "workflows", **env)


def test_a_locked_database_is_busy_after_the_set_wait(tmp_path: Path) -> None:
    database = tmp_path / "c.db"
    cli = _cli(tmp_path, database, CASEFLOW_BUSY_TIMEOUT="1")
    cli("init")
    cli("org", "load", str(demo_organisation_file()))
    holder = sqlite3.connect(database, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another process holds the write lock
    try:
        started = time.monotonic()
        refused = cli(
            "case", "new", "--title", "T", "--lead", "BIF", "--committee", "BIU",
            "--as", "bif.sagsbehandler", expect=8,
        )  # fmt: skip
        waited = time.monotonic() - started
    finally:
        holder.rollback()
        holder.close()
    assert "database busy (another process holds the write lock); try again" in refused.stderr
    assert str(database) in refused.stderr
    assert waited < 20  # one second's wait, and a start-up on a loaded machine
    assert cli.json("case", "list", "--as", "bif.sagsbehandler") == []


def test_a_read_command_in_an_empty_folder_creates_no_database(tmp_path: Path) -> None:
    database = tmp_path / "caseflow.db"
    cli = _cli(tmp_path, database)
    refused = cli("case", "list", "--as", "admin", expect=6)
    assert f"no caseflow database at {database}" in refused.stderr
    assert "caseflow init" in refused.stderr
    assert "server" not in refused.stderr
    cli("workflow", "list")  # the folder alone: still shown
    assert not database.exists()


def test_a_file_that_is_not_a_database_and_a_missing_folder_are_named(tmp_path: Path) -> None:
    garbage = tmp_path / "notes.db"
    garbage.write_bytes(b"\x00\x01 these are not the pages of a database " * 200)
    refused = _cli(tmp_path, garbage)("case", "list", "--as", "admin", expect=7)
    assert f"{garbage} is not a caseflow database" in refused.stderr
    assert "server is running" not in refused.stderr
    nowhere = tmp_path / "gone" / "c.db"
    refused = _cli(tmp_path, nowhere)("init", expect=7)
    assert f"cannot open the database {nowhere}: the folder {nowhere.parent} does not exist" in (
        refused.stderr
    )


@pytest.mark.skipif(not Path("/proc/self").exists(), reason="Linux only")
def test_settings_refuse_a_busy_timeout_out_of_range(tmp_path: Path) -> None:
    cli = _cli(tmp_path, tmp_path / "c.db", CASEFLOW_BUSY_TIMEOUT="100000")
    refused = cli("case", "list", "--as", "admin", expect=2)
    assert "CASEFLOW_BUSY_TIMEOUT" in refused.stderr
