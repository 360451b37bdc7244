"""The command line end to end, in a subprocess, as a user runs it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from caseflow.testing import CommandLine as Cli
from caseflow.testing import demo_organisation_file

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def cli(tmp_path: Path, database_url: str) -> Cli:
    return Cli(tmp_path, database_url, REPO / "workflows")


@pytest.fixture
def ready(cli: Cli) -> Cli:
    cli("init")
    cli("org", "load", str(demo_organisation_file()))
    return cli


def new_case(cli: Cli) -> str:
    out = cli(
        "case",
        "new",
        "--title",
        "Styring af boligsociale helhedsplaner",
        "--origin",
        "enquiry",
        "--member",
        "Et medlem",
        "--origin-date",
        "2009-05-14",
        "--lead",
        "TMF",
        "--participant",
        "BIF",
        "--committee",
        "BIU",
        "--as",
        "bif.sagsbehandler",
        "--json",
    ).stdout
    return str(json.loads(out)["journal_no"])


def test_a_case_from_opening_to_approval(ready: Cli) -> None:
    journal_no = new_case(ready)
    ready("case", "advance", journal_no, "start_drafting", "--as", "bif.sagsbehandler")
    ready(
        "case",
        "edit",
        journal_no,
        "--set",
        'sections={"problemstilling": "P", "losning": "L", "okonomi": "Ø"}',
        "--set",
        'recommendations=["at udvalget drøfter sagen."]',
        "--as",
        "bif.sagsbehandler",
    )
    ready("case", "advance", journal_no, "submit_for_approval", "--as", "bif.sagsbehandler")
    # Management approves through its chain: the office head, then the director.
    ready("approval", "approve", journal_no, "--as", "tmf.kontorchef")
    ready("approval", "approve", journal_no, "--as", "tmf.direktor")
    shown = json.loads(
        ready("case", "show", journal_no, "--json", "--as", "bif.sagsbehandler").stdout
    )
    assert shown["state"] == "ready_for_agenda"
    assert shown["recommendations"] == ["at udvalget drøfter sagen."]
    history = json.loads(
        ready("case", "history", journal_no, "--json", "--as", "tmf.direktor").stdout
    )
    assert [h["trigger"] for h in history] == [
        None,
        "start_drafting",
        None,
        "submit_for_approval",
        None,  # the office head's approval
        None,  # the director's, which completes the chain
        "approve",
    ]
    assert [h["kind"] for h in history][4:6] == ["approval", "approval"]
    assert "ok" in ready("case", "verify-audit", "--as", "admin").stdout
    listed = ready("case", "list", "--state", "ready_for_agenda", "--as", "biu.sekretariat").stdout
    assert journal_no in listed


def test_a_refused_trigger_says_what_is_allowed(ready: Cli) -> None:
    journal_no = new_case(ready)
    ready("case", "advance", journal_no, "start_drafting", "--as", "bif.sagsbehandler")
    result = ready("case", "advance", journal_no, "approve", "--as", "bif.sagsbehandler", expect=4)
    assert f"cannot 'approve' case {journal_no} in state 'drafting'" in result.stderr
    assert "allowed now: submit_for_approval" in result.stderr


def test_show_lists_what_the_user_may_do(ready: Cli) -> None:
    journal_no = new_case(ready)
    out = ready("case", "show", journal_no, "--as", "bif.sagsbehandler").stdout
    assert f"caseflow case advance {journal_no} start_drafting" in out


def test_a_case_is_seen_only_by_its_officer_and_those_with_a_role_on_it(ready: Cli) -> None:
    journal_no = new_case(ready)  # TMF leads, BIF takes part, committee BIU
    ready(
        "actor",
        "add",
        "kff.sagsbehandler",
        "--name",
        "K",
        "--role",
        "case_officer@KFF",
        "--as",
        "admin",
    )
    ready("case", "edit", journal_no, "--set", "case_officer=kff.sagsbehandler", "--as", "admin")
    # KFF has no hand in the case; its officer sees it, as the officer named on it.
    assert journal_no in ready("case", "show", journal_no, "--as", "kff.sagsbehandler").stdout
    ready("case", "edit", journal_no, "--set", "case_officer=bif.sagsbehandler", "--as", "admin")
    for command in ("show", "history", "course", "render"):
        # Refused as if the case did not exist: nothing of its administrations or committee.
        refused = ready("case", command, journal_no, "--as", "kff.sagsbehandler", expect=3)
        assert refused.stderr.strip() == f"error: case {journal_no}: not found or not allowed"
        assert "Styring af boligsociale" not in refused.stdout
        missing = ready("case", command, journal_no, expect=2)
        assert "say who you are" in missing.stderr
    refused = ready("case", "verify-audit", journal_no, "--as", "kff.sagsbehandler", expect=3)
    assert "not found or not allowed" in refused.stderr
    for username, sees in (("kff.sagsbehandler", False), ("biu.sekretariat", True)):
        listed = json.loads(ready("case", "list", "--json", "--as", username).stdout)
        assert (journal_no in [c["journal_no"] for c in listed]) is sees
        checked = ready("case", "verify-audit", "--as", username).stdout
        assert (journal_no in checked) is sees


def test_bad_input_gets_a_clear_error(ready: Cli) -> None:
    unknown = ready("case", "show", "1999-00001", "--as", "admin", expect=3).stderr
    assert "case 1999-00001: not found or not allowed" in unknown
    assert "--as USER" in ready("case", "advance", "1999-00001", "x", expect=2).stderr
    assert "no actor 'nobody'" in ready("case", "list", "--mine", "--as", "nobody", expect=3).stderr
    assert (
        "KEY=VALUE"
        in ready("case", "edit", "1999-00001", "--set", "oops", "--as", "admin", expect=2).stderr
    )
    assert (
        "YYYY-MM-DD"
        in ready(
            "case", "new", "--title", "x", "--origin-date", "14/5", "--as", "admin", expect=2
        ).stderr
    )
    usage = ready("case", "advance", expect=2)
    assert "Missing argument" in usage.stderr


def test_an_uninitialised_database_says_run_init(cli: Cli) -> None:
    result = cli("case", "list", expect=6)
    assert "caseflow init" in result.stderr


def test_workflow_commands(cli: Cli, tmp_path: Path) -> None:
    cli("workflow", "validate", *map(str, sorted((REPO / "workflows").glob("*.yaml"))))
    broken = tmp_path / "broken.yaml"
    text = (REPO / "workflows" / "committee-case.yaml").read_text(encoding="utf-8")
    broken.write_text(text.replace("to: approval", "to: aproval", 1), encoding="utf-8")
    line = next(
        n for n, row in enumerate(broken.read_text().splitlines(), start=1) if "aproval" in row
    )
    result = cli("workflow", "validate", str(broken), expect=2)
    assert f"broken.yaml:{line}" in result.stderr
    assert "aproval" in result.stderr
    assert "committee-case" in cli("workflow", "list").stdout  # no database: the folder
    named = cli("workflow", "list", "--as", "admin").stdout  # named, still no database
    assert "committee-case" in named
    assert "no database yet" in named
    cli("init")
    anonymous = cli("workflow", "list").stdout
    assert "committee-case" in anonymous
    assert "Stored versions" not in anonymous  # the database's part is for one who says who
    assert "--as USER" in anonymous
    cli("org", "load", str(demo_organisation_file()))
    stored = cli("workflow", "list", "--as", "bif.sagsbehandler").stdout
    assert "Stored versions" in stored
    listed = cli.json("workflow", "list", "--as", "bif.sagsbehandler")
    assert [w["workflow"] for w in listed["workflows"]] == sorted(
        w["workflow"] for w in listed["workflows"]
    )
    assert all(v["cases"] == 0 for v in listed["stored_versions"])
    cli("workflow", "list", "--as", "nobody", expect=3)
    cli("workflow", "show", "no-such-flow", expect=3)
    assert "submit_for_approval" in cli("workflow", "show", "committee-case").stdout
    assert "stateDiagram" in cli("workflow", "diagram", "committee-case").stdout


def test_demo_replays_the_scenario(cli: Cli, tmp_path: Path) -> None:
    result = cli("demo", "--db", str(tmp_path / "demo" / "demo.db"))
    out = result.stdout
    assert "2009-68440" in out
    assert "2009-05-14" in out
    assert "2009-300035" in out
    assert "follow_up" in out
    assert "audit chain of 2009-68440: intact" in out
    # Time passes: the agenda deadline and the 2010 follow-up send their reminders.
    assert "reminder 1 for 'agenda_deadline'" in out
    assert "reminder 2 for 'follow_up_due'" in out
    # Management's chain: each step's deadline reminds its approver a working day before.
    assert "reminder 1 for 'approval.approve.office_head'" in out
    assert "reminder 1 for 'approval.approve.director'" in out
    assert "Karen Bech" in out  # the director approves
    mail = tmp_path / "demo" / "mail"
    # Two reminders each for the agenda deadline and the follow-up; of the chain's steps,
    # the director's in June, and the office head's and the director's in October.
    assert len(list(mail.glob("deadline*.eml"))) == 7
    assert any(mail.glob("event*.eml"))  # notices of transitions (e.g. sent back)
    # Committee work: the plan, two BIU meetings, the course and the rendered item.
    assert "148 meetings of BIU, TMU, ØU and BR" in out
    course = out[out.index("sagens gang") :]
    assert course.index("2009-06-11") < course.index("2009-11-05")
    assert "Beslutning i Beskæftigelses- og Integrationsudvalget den 11. juni 2009:" in out
    assert "Beskæftigelses- og Integrationsforvaltningen indstiller," in out
    assert "Fraværende: Medlem C" in out
    agenda = (tmp_path / "demo" / "BIU-2009-06-11-dagsorden.html").read_text(encoding="utf-8")
    assert "Styring af de politiske processer" in agenda
    assert "2009-300035" in agenda


def test_organisation_and_actor_commands(ready: Cli) -> None:
    shown = ready("org", "show", "--as", "bif.sagsbehandler").stdout
    assert "Beskæftigelses- og Integrationsforvaltningen" in shown
    assert "Styregruppen for de områdebaserede indsatser" in shown
    assert "say who you are" in ready("org", "show", expect=2).stderr
    committee = ready("org", "committee", "show", "BIU", "--json", "--as", "biu.sekretariat")
    assert json.loads(committee.stdout)["name"] == "Beskæftigelses- og Integrationsudvalget"
    jens = ("actor", "add", "jens", "--name", "Jens Hansen", "--role", "case_officer@BIF")
    # The organisation file made administrators: from now on only they add people.
    refused = ready(*jens, "--as", "bif.sagsbehandler", expect=4)
    assert "needs the role administrator" in refused.stderr
    assert "give --as one who holds it" in refused.stderr
    assert "jens" not in ready("actor", "list", "--as", "admin").stdout
    # Every user's e-mail and roles are an administrator's to list.
    refused = ready("actor", "list", "--as", "bif.sagsbehandler", expect=4)
    assert "may not list the actors" in refused.stderr
    ready(*jens, "--role", "secretariat@BIU", "--as", "admin")
    listed = ready("actor", "list", "--as", "admin").stdout
    assert "case_officer@BIF" in listed
    assert "secretariat@BIU" in listed
    unknown = ("actor", "add", "eva", "--name", "Eva", "--role", "case_officer@XYZ")
    refused = ready(*unknown, "--as", "admin", expect=2)
    assert "no administration 'XYZ'" in refused.stderr
    not_admin = ready("org", "load", str(demo_organisation_file()), "--as", "jens", expect=4)
    assert "jens may not load the organisation file" in not_admin.stderr
    journal_no = new_case(ready)
    mine = ready("case", "list", "--mine", "--as", "jens").stdout
    assert journal_no in mine  # waiting for a case officer of BIF
    assert journal_no not in ready("case", "list", "--mine", "--as", "biu.sekretariat").stdout


def test_the_bootstrap_never_reopens(ready: Cli) -> None:
    """Demoting the only administrator without scope once put the database back in "first
    load" mode, where anyone could make themselves administrator without saying who."""
    demote = ("actor", "add", "admin", "--name", "Admin", "--role", "administrator@BIF")
    refused = ready(*demote, "--as", "admin", expect=4)
    assert "without an administrator" in refused.stderr
    assert "administrator@BIF" not in ready("actor", "list", "--as", "admin").stdout
    mallory = ("actor", "add", "mallory", "--name", "M", "--role", "administrator")
    refused = ready(*mallory, expect=4)  # no --as: the operating-system login
    assert "may not add or change actor mallory" in refused.stderr
    assert "mallory" not in ready("actor", "list", "--as", "admin").stdout


def test_the_first_actor_needs_no_name_on_an_empty_database(cli: Cli) -> None:
    cli("init")
    cli("actor", "add", "first.admin", "--name", "First", "--role", "administrator")
    assert "first.admin" in cli("actor", "list", "--as", "first.admin").stdout
    refused = cli("actor", "add", "second", "--name", "S", "--role", "administrator", expect=4)
    assert "may not add or change actor second" in refused.stderr


def test_init_twice_says_up_to_date(ready: Cli) -> None:
    assert "up to date" in ready("init").stdout


def test_demo_in_a_temporary_folder(cli: Cli) -> None:
    out = cli("demo").stdout
    assert "caseflow-demo-" in out
    assert "follow_up" in out


def test_deadlines_worker_and_notifications_from_the_cli(ready: Cli, tmp_path: Path) -> None:
    ready.env["CASEFLOW_NOW"] = "2009-04-08T10:00"
    ready.env["CASEFLOW_MAIL_DIR"] = str(tmp_path / "mail")
    opened = ready(
        "case",
        "new",
        "--workflow",
        "access-request",
        "--title",
        "Aktindsigt i notat",
        "--lead",
        "BIF",
        "--as",
        "bif.sagsbehandler",
        "--json",
    ).stdout
    journal_no = json.loads(opened)["journal_no"]
    listed = ready("deadlines", "list", "--as", "bif.sagsbehandler").stdout
    assert journal_no in listed
    assert "2009-04-22 23:59" in listed
    explained = ready("deadlines", "explain", journal_no, "--as", "bif.sagsbehandler").stdout
    assert "Offentlighedsloven" in explained
    assert "reminder 1" in explained
    ready.env["CASEFLOW_NOW"] = "2009-04-20T09:00"
    out = ready("worker", "--once").stdout
    assert "1 reminder(s)" in out
    assert "1 sent" in out
    mails = list((tmp_path / "mail").glob("*.eml"))
    assert len(mails) == 1
    assert "sara.holm@bif.kk.example" in mails[0].read_text(encoding="utf-8")
    assert "1 sent" not in ready("worker", "--once").stdout
    assert "sent" in ready("notifications", "list", "--as", "admin").stdout
    assert "0 notification(s)" in ready("notifications", "list", "--failed", "--as", "admin").stdout
    # The outbox is an operator's view, and a secretariat's only of the cases it may see.
    refused = ready("notifications", "list", "--as", "bif.sagsbehandler", expect=4)
    assert "administrator or secretariat" in refused.stderr
    assert "0 notification(s)" in ready("notifications", "list", "--as", "biu.sekretariat").stdout
    refused = ready("notifications", "retry", "--as", "bif.sagsbehandler", expect=4)
    assert "may not retry notifications" in refused.stderr
    ready.env["CASEFLOW_NOW"] = "2009-04-24T09:00"
    assert journal_no in ready("deadlines", "list", "--overdue", "--as", "admin").stdout
    # Not for those with no role on the case: its deadlines are not theirs to see.
    assert journal_no not in ready("deadlines", "list", "--as", "biu.sekretariat").stdout
    refused = ready("deadlines", "explain", journal_no, "--as", "tmf.sagsbehandler", expect=3)
    assert f"case {journal_no}: not found or not allowed" in refused.stderr
    assert "--due-within" in ready("deadlines", "list", "--due-within", "x", expect=2).stderr
    unknown = ready("notifications", "retry", "nosuchkey", "--as", "admin", expect=3)
    assert "no notification nosuchkey" in unknown.stderr
    assert "caseflow notifications list" in unknown.stderr
    # A second deadline: a page of one says how to get the next, and the next is the last.
    ready(
        "case", "new", "--workflow", "access-request", "--title", "Aktindsigt [b]to[/b]",
        "--lead", "BIF", "--as", "bif.sagsbehandler",
    )  # fmt: skip
    first = ready("deadlines", "list", "--limit", "1", "--as", "admin")
    assert "1 deadline(s)" in first.stdout
    assert journal_no in first.stdout
    cursor = first.stdout.split("more: add --cursor ")[1].split(" for the next page")[0]
    as_json = ready("deadlines", "list", "--limit", "1", "--json", "--as", "admin")
    assert f"more: add --cursor {cursor} for the next page" in as_json.stderr  # JSON stays JSON
    assert len(json.loads(as_json.stdout)) == 1
    last = ready("deadlines", "list", "--limit", "1", "--cursor", cursor, "--json", "--as", "admin")
    (second,) = json.loads(last.stdout)
    assert second["title"] == "Aktindsigt [b]to[/b]"
    assert "--cursor" not in last.stderr


def test_version(cli: Cli) -> None:
    assert cli("--version").stdout.startswith("caseflow 0.")
