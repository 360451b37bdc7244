"""Follow-up actions as the lists and the mail show them, from the command line.

A follow-up's deadline has the rule id ``followup:<id>``; people see the
action's text and the steering group or administration that owns it instead.
"""

from __future__ import annotations

import email
import email.policy
from email.message import EmailMessage
from pathlib import Path

import pytest

from caseflow.testing import CommandLine as Cli
from caseflow.testing import demo_organisation_file

REPO = Path(__file__).resolve().parents[2]
OFFICER = ("--as", "bif.sagsbehandler")
SOF_ACTION = "Notat om tidsplan for helhedsplanerne"
OMR_ACTION = "Forslag til styrket koordinering"


@pytest.fixture
def cli(tmp_path: Path, database_url: str) -> Cli:
    cli = Cli(tmp_path, database_url, REPO / "workflows", CASEFLOW_MAIL_DIR=str(tmp_path / "mail"))
    cli.at("2009-10-29T17:00")
    cli("init")
    cli("org", "load", str(demo_organisation_file()))
    return cli


@pytest.fixture
def journal_no(cli: Cli) -> str:
    """A BIU case drafted by Sara Holm (BIF), with two follow-up actions."""
    opened = cli.json(
        "case", "new", "--title", "Styring",
        "--lead", "TMF", "--participant", "BIF", "--committee", "BIU", *OFFICER,
    )  # fmt: skip
    journal_no = str(opened["journal_no"])
    cli("case", "advance", journal_no, "start_drafting", *OFFICER)
    for owner, due, text in (
        ("administration:SOF", "by end of 2009", SOF_ACTION),
        ("steering_group:OMR", "during 2010", OMR_ACTION),
    ):
        cli("followup", "add", journal_no, "--owner", owner, "--due", due, "--text", text, *OFFICER)
    return journal_no


def mails_to(folder: Path, address: str) -> list[str]:
    """The plain text of each mail in ``folder`` addressed to ``address``."""
    found = []
    for path in sorted(folder.glob("*.eml")):
        message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        if address in str(message["To"]):
            body = message.get_body(("plain",))
            assert isinstance(body, EmailMessage)
            found.append(f"{message['Subject']}\n{body.get_content()}")
    return found


def test_deadlines_list_names_each_action_and_its_owner(cli: Cli, journal_no: str) -> None:
    listed = cli("deadlines", "list", *OFFICER).stdout
    assert f"Opfølgning: {SOF_ACTION}" in listed
    assert "Socialforvaltningen (Forvaltning, SOF)" in listed
    assert f"Opfølgning: {OMR_ACTION}" in listed
    assert "Styregruppen for de områdebaserede indsatser" in listed
    assert "followup:" not in listed
    assert "Frist for udarbejdelse" in listed  # a workflow rule: its title too

    rows = {row["deadline"]: row for row in cli.json("deadlines", "list", *OFFICER)}
    sof = rows[f"Opfølgning: {SOF_ACTION}"]
    assert sof["rule"].startswith("followup:")  # the id stays for scripts
    assert sof["owner"] == {
        "name": "Socialforvaltningen",
        "role_title": "Forvaltning",
        "administration": "SOF",
    }
    assert sof["title"] == "Styring"  # the case's, as before


def test_deadlines_explain_leads_with_the_action_and_its_owner(cli: Cli, journal_no: str) -> None:
    explained = cli("deadlines", "explain", journal_no, *OFFICER).stdout
    assert f"Opfølgning: {SOF_ACTION} — open, due 2009-12-31 23:59" in explained
    assert "owner: Socialforvaltningen (Forvaltning, SOF)" in explained
    assert "owner: Sara Holm (Sagsbehandler, BIF)" in explained  # the drafting deadline
    assert not any(line.startswith("followup:") for line in explained.splitlines())
    english = Cli(cli.folder, cli.database_url, REPO / "workflows", CASEFLOW_LANGUAGE="en")
    english.at("2009-10-29T17:00")
    assert (
        f"Follow-up: {OMR_ACTION} — open"
        in english("deadlines", "explain", journal_no, *OFFICER).stdout
    )

    by_rule = {d["rule"]: d for d in cli.json("deadlines", "explain", journal_no, *OFFICER)}
    (sof_rule,) = [r for r, d in by_rule.items() if d["title"] == f"Opfølgning: {SOF_ACTION}"]
    assert sof_rule.startswith("followup:")
    assert by_rule[sof_rule]["owner"]["administration"] == "SOF"
    assert [r["sent"] for r in by_rule[sof_rule]["reminders"]] == [False, False]


def test_the_digest_and_the_reminders_name_the_action_and_its_owner(
    cli: Cli, journal_no: str, tmp_path: Path
) -> None:
    cli.at("2009-12-03T09:00")  # after the reminder 20 working days before 31 December
    cli("worker", "--once")
    (reminder,) = [m for m in mails_to(tmp_path / "mail", "sara.holm") if SOF_ACTION in m]
    assert reminder.startswith(f"Påmindelse: Opfølgning: {SOF_ACTION}")
    assert "Ansvarlig:    Socialforvaltningen (Forvaltning, SOF)" in reminder

    cli.at("2009-12-21T09:00")
    cli("notifications", "digest", expect=2)  # an operator's act: say who you are
    refused = cli("notifications", "digest", "--as", "bif.sagsbehandler", expect=4)
    assert "administrator or secretariat" in refused.stderr
    assert "digest:BIU:2009-12-21" in cli("notifications", "digest", "--as", "admin").stdout
    # CASEFLOW_NOW starts each process's clock at that moment and lets it run: a worker
    # started at the same moment may look before the digest was queued in its clock.
    cli.at("2009-12-21T09:05")
    cli("worker", "--once")
    (digest,) = mails_to(tmp_path / "mail", "biu-sekretariat@kk.example")
    assert f"Frist:       Opfølgning: {SOF_ACTION}" in digest
    assert "Ansvarlig:   Socialforvaltningen" in digest
    assert "followup:" not in digest


def test_an_administrations_mailbox_gets_its_reminders_else_the_case_officer_does(
    cli: Cli, journal_no: str, tmp_path: Path
) -> None:
    fallback = "SOF has no e-mail address in the organisation file, so the case officer is told"
    explained = cli("deadlines", "explain", journal_no, *OFFICER).stdout
    assert f"mail to: Sara Holm <sara.holm@bif.kk.example> ({fallback} instead)" in explained
    (sof,) = [
        d
        for d in cli.json("deadlines", "explain", journal_no, *OFFICER)
        if SOF_ACTION in d["title"]
    ]
    assert sof["fallback"].startswith(fallback)
    assert [a["address"] for a in sof["notified"]] == ["sara.holm@bif.kk.example"]

    bad = ("org", "administration", "set", "SOF", "--email", "social forvaltningen")
    assert "is not an e-mail address" in cli(*bad, "--as", "admin", expect=2).stderr
    mailbox = ("org", "administration", "set", "SOF", "--email", "opfoelgning@sof.kk.example")
    assert "needs the role administrator" in cli(*mailbox, "--as", "bif.chef", expect=4).stderr
    saved = cli(*mailbox, "--as", "admin").stdout
    assert "Socialforvaltningen (opfoelgning@sof.kk.example)" in saved  # the name stays
    explained = cli("deadlines", "explain", journal_no, *OFFICER).stdout
    assert "mail to: Socialforvaltningen <opfoelgning@sof.kk.example>\n" in explained
    assert fallback not in explained

    cli.at("2009-12-03T09:00")
    cli("worker", "--once")
    (reminder,) = mails_to(tmp_path / "mail", "opfoelgning@sof.kk.example")
    assert reminder.startswith(f"Påmindelse: Opfølgning: {SOF_ACTION}")
    assert not [m for m in mails_to(tmp_path / "mail", "sara.holm") if SOF_ACTION in m]
