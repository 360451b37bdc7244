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


def _rows(table_text: str) -> list[list[str]]:
    """The body rows of a Rich table, each as its stripped cells."""
    return [
        [cell.strip() for cell in line.strip().strip("│").split("│")]
        for line in table_text.splitlines()
        if line.startswith("│")
    ]


def test_the_diff_lists_approval_steps_in_text_and_json(ready: Cli) -> None:
    ready("workflow", "publish", str(DATA / "chain-v1.yaml"), *ADMIN)
    shown = ready("workflow", "diff", "change-request", str(DATA / "chain-v2.yaml"), *ADMIN)
    assert _rows(shown.stdout) == [
        [
            "transitions",
            "approve",
            "changed",
            "approval: 'office_head → deputy → director' → 'office_head → legal → director'",
        ],
        [
            "approval steps",
            "approve: office_head",
            "changed",
            "deadline: 'within 3 working days; reminders 1; escalate to director' → "
            "'within 2 working days; reminders 1; escalate to director'",
        ],
        ["approval steps", "approve: deputy", "removed", ""],
        [
            "approval steps",
            "approve: director",
            "changed",
            "actions: ['approve', 'approve_with_condition', 'return'] → "
            "['approve', 'approve_with_condition', 'return', 'skip']",
        ],
        ["approval steps", "approve: legal", "added", ""],
    ]
    as_json = json.loads(
        ready(
            "workflow", "diff", "change-request", str(DATA / "chain-v2.yaml"), *ADMIN, "--json"
        ).stdout
    )
    assert as_json["counts"]["approval steps"] == {"added": 1, "removed": 1, "changed": 2}
    (director,) = [c for c in as_json["changes"] if c["key"] == "approve: director"]
    assert director["fields"] == [
        {
            "field": "actions",
            "old": ["approve", "approve_with_condition", "return"],
            "new": ["approve", "approve_with_condition", "return", "skip"],
        }
    ]


def _in_approval(cli: Cli) -> str:
    """A TMF case of committee-case submitted for approval by its case officer."""
    out = cli(
        *("case", "new", "--title", "Styring", "--lead", "TMF", "--committee", "BIU"),
        *("--summary", "Resumé.", "--recommendation", "at udvalget drøfter sagen."),
        *("--section", "problemstilling=Problem.", "--section", "losning=Løsning."),
        *("--section", "okonomi=Ingen.", "--as", "tmf.sagsbehandler", "--json"),
    ).stdout
    journal_no = str(json.loads(out)["journal_no"])
    for trigger in ("start_drafting", "submit_for_approval"):
        cli("case", "advance", journal_no, trigger, "--as", "tmf.sagsbehandler")
    return journal_no


def test_a_case_waiting_for_the_single_approver_gets_the_chains_round_and_a_revert_undoes_it(
    ready: Cli,
) -> None:
    """committee-case's single approver (the old file) to its office head → director
    chain: the dry run says a round is opened, the run opens it (due 3 working days from
    Tuesday 19 May 2009: 20, 22 and 25 May, 21 May being Ascension Day) and the chain
    runs; the revert moves back the case nobody acted on and lists the approved one."""
    ready.at("2009-05-14T10:00")
    ready("workflow", "publish", str(DATA / "committee-case-single.yaml"), *ADMIN)
    approved, reverted = _in_approval(ready), _in_approval(ready)
    ready("workflow", "publish", str(REPO / "workflows" / "committee-case.yaml"), *ADMIN)
    ready.at("2009-05-19T10:00")
    said = "an approval round of 'approve' is opened at step 1 'office_head', due 2009-05-25"
    migrate = ("workflow", "migrate", "committee-case", "--where", "state=approval", *ADMIN)
    dry = ready(*migrate, "--dry-run")
    assert dry.stdout.count(said) == 2
    assert "2 case(s): 2 ok, 0 blocked, 2 with warnings; nothing was changed" in dry.stdout
    dry_json = json.loads(ready(*migrate, "--dry-run", "--json").stdout)
    for case in dry_json["cases"]:
        assert said in case["warnings"]
        (opened,) = [n for n in case["notes"]["warnings"] if n["kind"] == "approval_round_opened"]
        assert opened["params"] == {
            "trigger": "approve",
            "number": 1,
            "step": "office_head",
            "date": "2009-05-25",
        }

    assert "2 case(s) moved in 2 batch(es)" in ready(*migrate, "--batch-size", "1").stdout
    pending = json.loads(ready("approval", "list", "--as", "tmf.kontorchef", "--json").stdout)
    assert sorted(p["journal_no"] for p in pending) == sorted([approved, reverted])
    assert {p["due_at"] for p in pending} == {"2009-05-25T21:59:59+00:00"}
    ready.at("2009-05-20T09:00")
    ready("approval", "approve", approved, "--as", "tmf.kontorchef")
    ready("approval", "approve", approved, "--as", "tmf.direktor")

    listed = json.loads(ready("workflow", "migrations", *ADMIN, "--json").stdout)
    revert = ("workflow", "migrate", "--revert", str(listed[0]["id"]), *ADMIN)
    first = ready(*revert, "--batches", "1").stdout  # a batch of one case: the approved one
    assert "0 case(s) moved back; status reverting: --revert 1 again goes on" in first
    assert f"kept {approved}: it had events since the migration" in first
    assert "1 case(s) moved back\n" in ready(*revert).stdout
    shown = json.loads(ready("case", "show", approved, *ADMIN, "--json").stdout)
    assert shown["state"] == "ready_for_agenda"
    assert json.loads(ready("approval", "list", "--as", "tmf.kontorchef", "--json").stdout) == []
    chain = json.loads(ready("approval", "show", reverted, *ADMIN, "--json").stdout)
    assert [(c["trigger"], c["status"]) for c in chain] == [("approve", "cancelled")]
