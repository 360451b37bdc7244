"""``caseflow workflow new|publish|versions|diff|migrate|migrations`` in a subprocess."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from caseflow.testing import CommandLine as Cli
from caseflow.testing import demo_organisation_file

REPO = Path(__file__).resolve().parents[2]
DATA = REPO / "tests" / "data" / "workflow_changes"
ADMIN = ("--as", "admin")


@pytest.fixture
def ready(tmp_path: Path, database_url: str) -> Cli:
    cli = Cli(tmp_path, database_url, REPO / "workflows")
    cli("init")
    cli("org", "load", str(demo_organisation_file()))
    return cli


def test_new_publish_diff_migrate_and_revert_from_the_command_line(ready: Cli) -> None:
    ready("workflow", "new", "member-question")
    assert "1 file(s) valid" in ready("workflow", "validate", "member-question.yaml").stdout
    ready("workflow", "new", "member-question", expect=2)  # the file exists: not overwritten

    published = json.loads(
        ready("workflow", "publish", str(DATA / "v1.yaml"), *ADMIN, "--json").stdout
    )
    v1 = published["version"]
    out = ready(
        "case",
        "new",
        "--workflow",
        "change-request",
        "--title",
        "Et ønske",
        "--lead",
        "BIF",
        "--as",
        "bif.sagsbehandler",
        "--json",
    ).stdout
    journal_no = json.loads(out)["journal_no"]
    ready("case", "advance", journal_no, "start", "--as", "bif.sagsbehandler")
    ready("case", "advance", journal_no, "submit", "--as", "bif.sagsbehandler")

    diff = json.loads(
        ready("workflow", "diff", "change-request", str(DATA / "v2.yaml"), *ADMIN, "--json").stdout
    )
    assert diff["running_cases"] == {"approval": 1}
    ready("workflow", "publish", str(DATA / "v2.yaml"), *ADMIN)
    versions = json.loads(ready("workflow", "versions", "change-request", *ADMIN, "--json").stdout)
    assert [v["running"] for v in versions["versions"]] == [1, 0]

    refused = ready("workflow", "migrate", "change-request", *ADMIN, expect=4)
    assert journal_no in refused.stderr
    assert "--map" in refused.stderr
    dry = ready(
        "workflow", "migrate", "change-request", "--map", "approval=review", "--dry-run", *ADMIN
    )
    assert "1 ok, 0 blocked" in dry.stdout
    assert "nothing was changed" in dry.stdout
    ran = ready("workflow", "migrate", "change-request", "--map", "approval=review", *ADMIN)
    assert "1 case(s) moved" in ran.stdout
    listed = json.loads(ready("workflow", "migrations", *ADMIN, "--json").stdout)
    assert [(m["status"], m["moved"], m["actor"]) for m in listed] == [("done", 1, "admin")]
    back = ready("workflow", "migrate", "--revert", str(listed[0]["id"]), *ADMIN)
    assert "1 case(s) moved back" in back.stdout
    shown = json.loads(ready("case", "show", journal_no, "--as", "admin", "--json").stdout)
    assert shown["workflow_version"] == v1
    assert shown["state"] == "approval"
    ready("workflow", "migrations", "1", *ADMIN)
    ready("workflow", "versions", "change-request", "--as", "bif.chef", expect=4)
