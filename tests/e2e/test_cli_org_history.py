"""``caseflow org history``: organisation edits and loads, recorded as they are made."""

from __future__ import annotations

from pathlib import Path

import pytest

from caseflow.testing import CommandLine as Cli
from caseflow.testing import demo_organisation_file

REPO = Path(__file__).resolve().parents[2]
ADMIN = ("--as", "admin")


@pytest.fixture
def cli(tmp_path: Path, database_url: str) -> Cli:
    cli = Cli(tmp_path, database_url, REPO / "workflows")
    cli.at("2009-05-20T09:00")
    cli("init")
    cli("org", "load", str(demo_organisation_file()), *ADMIN)
    return cli


def test_every_kind_of_edit_is_in_the_history_with_who_when_old_and_new(cli: Cli) -> None:
    loaded = cli.json("org", "history", "--committee", "BIU", *ADMIN)
    assert [(c["actor"], c["old"], c["via"]) for c in loaded] == [
        ("admin", None, f"org load {demo_organisation_file()}")
    ]
    cli.at("2009-06-02T14:30")
    cli("org", "committee", "set", "BIU", "--chair", "X", "--as", "biu.sekretariat", expect=4)
    cli("org", "committee", "set", "BIU", "--agenda-deadline", "61", *ADMIN, expect=2)
    cli(
        "org", "committee", "set", "BIU", "--agenda-deadline", "10", "--chair", "Ny formand",
        "--add-member", "Medlem J", "--remove-member", "Medlem A", *ADMIN,
    )  # fmt: skip
    cli("org", "committee", "add", "OMRU", "--name", "Politisk følgegruppe", *ADMIN)
    cli("org", "administration", "set", "SOF", "--email", "opfoelgning@sof.kk.example", *ADMIN)
    cli("org", "steering-group", "set-member", "OMR", "--administration", "BIF",
        "--actor", "bif.chef", *ADMIN)  # fmt: skip
    cli("actor", "add", "jens", "--name", "Jens Hansen", "--role", "case_officer@BIF", *ADMIN)

    (biu,) = cli.json("org", "history", "--committee", "BIU", *ADMIN)[1:]  # the refused edits: none
    assert (biu["actor"], biu["via"]) == ("admin", "org committee set")
    assert biu["at"].startswith("2009-06-02T12:30")  # 14:30 Copenhagen summer time, in UTC
    assert (biu["old"]["chair"], biu["new"]["chair"]) == ("Formand for BIU", "Ny formand")
    assert {c["field"]: (c["old"], c["new"]) for c in biu["changes"]} == {
        "chair": ("Formand for BIU", "Ny formand"),
        "members": (biu["old"]["members"], biu["new"]["members"]),
        "agenda.deadline_working_days": (8, 10),
    }
    everything = cli.json("org", "history", *ADMIN)
    assert [(c["kind"], c["code"], c["via"]) for c in everything[-5:]] == [
        ("committee", "BIU", "org committee set"),
        ("committee", "OMRU", "org committee add"),
        ("administration", "SOF", "org administration set"),
        ("steering_group", "OMR", "org steering-group set-member"),
        ("actor", "jens", "actor add"),
    ]
    (sof,) = cli.json("org", "history", "--administration", "SOF", *ADMIN)[1:]
    assert sof["changes"] == [{"field": "email", "old": None, "new": "opfoelgning@sof.kk.example"}]

    shown = cli("org", "history", "--committee", "BIU", *ADMIN).stdout
    assert "chair: Formand for BIU → Ny formand" in shown
    assert "members: +Medlem J, -Medlem A" in shown
    assert "agenda.deadline_working_days: 8 → 10" in shown
    assert "2009-06-02 14:30" in shown
    assert "2 changes" in shown
    seat = cli("org", "history", "--steering-group", "OMR", *ADMIN).stdout
    assert "members: +BIF (bif.chef), -BIF" in seat
    both = cli("org", "history", "--committee", "BIU", "--administration", "SOF", expect=2)
    assert "give one of" in both.stderr


def test_loading_a_file_again_records_only_what_changed(cli: Cli, tmp_path: Path) -> None:
    before = len(cli.json("org", "history", *ADMIN))
    cli("org", "load", str(demo_organisation_file()), *ADMIN)
    assert len(cli.json("org", "history", *ADMIN)) == before  # the same file: nothing changed
    changed = tmp_path / "org.yaml"
    changed.write_text(
        demo_organisation_file()
        .read_text(encoding="utf-8")
        .replace("{code: SOF, name: Socialforvaltningen,", "{code: SOF, name: Socialforvaltning,"),
        encoding="utf-8",
    )
    cli.env["CASEFLOW_USER"] = "admin"
    cli("org", "load", str(changed))
    (sof,) = cli.json("org", "history", *ADMIN)[before:]
    assert (sof["kind"], sof["code"], sof["actor"]) == ("administration", "SOF", "admin")
    assert sof["changes"] == [
        {"field": "name", "old": "Socialforvaltningen", "new": "Socialforvaltning"}
    ]
    assert sof["via"] == f"org load {changed}"


def test_the_history_is_for_administrators_and_secretariats(cli: Cli) -> None:
    cli("actor", "add", "jens", "--name", "Jens Hansen", "--role", "case_officer@BIF", *ADMIN)
    refused = cli("org", "history", expect=2)  # nobody named
    assert "--as" in refused.stderr
    refused = cli("org", "history", "--as", "bif.sagsbehandler", expect=4)
    assert "administrator or secretariat" in refused.stderr
    cli("org", "history", "--as", "biu.udvalg", expect=4)
    everything = cli.json("org", "history", *ADMIN)
    assert ("actor", "jens") in [(c["kind"], c["code"]) for c in everything]
    seen = cli.json("org", "history", "--as", "biu.sekretariat")
    assert seen  # the committees, administrations and steering groups
    assert {c["kind"] for c in seen} <= {"committee", "administration", "steering_group"}
    assert [c for c in everything if c["kind"] != "actor"] == seen
