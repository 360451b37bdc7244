"""``caseflow approval``, ``absence`` and ``delegate`` in a subprocess, on committee-case's
approval chain (office head → director)."""

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
    cli.at("2009-06-02T10:00")
    cli("init")
    cli("org", "load", str(demo_organisation_file()))
    # The demo organisation has TMF's office head and director (tmf.kontorchef, tmf.direktor).
    for username, role in (
        ("tmf.sb", "case_officer@TMF"),
        ("tmf.vikar", "case_officer@TMF"),
    ):
        cli("actor", "add", username, "--name", username.title(), "--role", role, *ADMIN)
    return cli


def test_a_chain_from_the_command_line(cli: Cli) -> None:
    sb = ("--as", "tmf.sb")
    opened = cli.json("case", "new", "--title", "Styring", "--lead", "TMF", *sb)
    journal_no = str(opened["journal_no"])
    cli(
        "case", "advance", journal_no, "start_drafting",
        "--set", "sections.problemstilling=P.", "--set", "sections.losning=L.",
        "--set", "sections.okonomi=Ø.", "--set", 'recommendations=["at udvalget drøfter sagen"]',
        *sb,
    )  # fmt: skip
    cli("case", "advance", journal_no, "submit_for_approval", *sb)

    refused = cli("case", "advance", journal_no, "approve", "--as", "tmf.direktor", expect=4)
    assert f"caseflow approval approve {journal_no}" in refused.stderr
    own = cli("approval", "approve", journal_no, "--as", "tmf.direktor", expect=4)
    assert "not an approver of step 'office_head'" in own.stderr

    cli(
        "absence", "set", "--substitute", "tmf.vikar", "--from", "2009-06-01", "--to",
        "2009-06-05", "--as", "tmf.kontorchef",
    )  # fmt: skip
    listed = cli.json("approval", "list", "--as", "tmf.vikar")
    assert [(p["journal_no"], p["step"], p["for"]) for p in listed] == [
        (journal_no, "office_head", ["tmf.kontorchef"])
    ]
    done = cli("approval", "approve", journal_no, "--as", "tmf.vikar").stdout
    assert "approve by tmf.vikar på vegne af tmf.kontorchef; next step: director" in done
    back = cli("approval", "return", journal_no, "--comment", " ", "--as", "tmf.direktor", expect=2)
    assert "a return needs a comment" in back.stderr
    finished = cli(
        "approval", "approve", journal_no, "--condition", "Husk <økonomi>", "--as", "tmf.direktor"
    ).stdout
    assert "the chain is complete; the case is now ready_for_agenda" in finished
    shown = cli("approval", "show", journal_no, "--as", "tmf.sb").stdout
    assert "Husk <økonomi>" in shown
    history = cli("case", "history", journal_no, "--as", "tmf.sb").stdout
    assert "på vegne af tmf.kontorchef" in history

    grant = cli(
        "delegate", "grant", "tmf.direktor", "tmf.kontorchef", "--from", "2009-06-01",
        "--to", "2009-06-30", *ADMIN,
    ).stdout  # fmt: skip
    assert "tmf.kontorchef may act on behalf of tmf.direktor (approvals)" in grant
    assert cli.json("delegate", "list", *ADMIN)[0]["delegate"] == "tmf.kontorchef"
    refused = cli("delegate", "revoke", "1", "--as", "tmf.kontorchef", expect=4)
    assert "administrator" in refused.stderr
    cli("delegate", "revoke", "1", *ADMIN)
    assert cli.json("delegate", "list", *ADMIN) == []
