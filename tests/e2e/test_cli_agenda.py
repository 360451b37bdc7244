"""Agendas, minutes and follow-up from the command line, in a subprocess.

Meetings are planned with ``caseflow meeting new``; ``CASEFLOW_NOW`` sets the
time each command runs at.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from caseflow.testing import CommandLine as Cli
from caseflow.testing import demo_organisation_file

REPO = Path(__file__).resolve().parents[2]
SECRETARIAT = ("--as", "biu.sekretariat")


@pytest.fixture
def cli(tmp_path: Path, database_url: str) -> Cli:
    cli = Cli(tmp_path, database_url, REPO / "workflows", CASEFLOW_MAIL_DIR=str(tmp_path / "mail"))
    cli.at("2009-05-20T09:00")
    cli("init")
    cli("org", "load", str(demo_organisation_file()))
    return cli


def add_meeting(cli: Cli, committee: str, starts: str) -> int:
    """Planned as a secretariat does it, with ``caseflow meeting new``."""
    created = cli.json(
        "meeting", "new", "--committee", committee, "--at", starts,
        "--place", "Rådhuset, værelse 50", "--as", "admin",
    )  # fmt: skip
    assert isinstance(created, dict)
    return int(created["id"])


def ready_case(cli: Cli, title: str) -> str:
    officer = ("--as", "bif.sagsbehandler")
    opened = cli.json(
        "case",
        "new",
        "--title",
        title,
        "--lead",
        "TMF",
        "--participant",
        "BIF",
        "--committee",
        "BIU",
        *officer,
    )
    assert isinstance(opened, dict)
    journal_no = str(opened["journal_no"])
    cli("case", "advance", journal_no, "start_drafting", *officer)
    cli(
        "case",
        "edit",
        journal_no,
        "--set",
        'sections={"problemstilling": "P", "losning": "L", "okonomi": "Ø"}',
        "--set",
        'recommendations=["at udvalget drøfter sagen."]',
        *officer,
    )
    cli("case", "advance", journal_no, "submit_for_approval", *officer)
    cli("approval", "approve", journal_no, "--as", "tmf.kontorchef")  # management's chain
    cli("approval", "approve", journal_no, "--as", "tmf.direktor")
    return journal_no


def test_an_agenda_from_first_item_to_approved_minutes(cli: Cli) -> None:
    meeting = str(add_meeting(cli, "BIU", "2009-06-11 15:00"))
    public_case = ready_case(cli, "Styring af de politiske processer")
    closed_case = ready_case(cli, "Fortrolig personsag")

    out = cli("agenda", "add", meeting, public_case, *SECRETARIAT).stdout
    assert "item 1 (public)" in out
    assert "agenda deadline 2009-05-28" in out
    cli("agenda", "add", meeting, closed_case, "--closed", *SECRETARIAT)
    cli("agenda", "publish", meeting, *SECRETARIAT)

    public = cli("agenda", "show", meeting, "--public", "--json").stdout
    assert "Styring af de politiske processer" in public
    assert "Lukket punkt" in public
    assert "Fortrolig" not in public
    assert closed_case not in public
    assert "Fortrolig" not in cli("agenda", "show", meeting, "--public").stdout
    assert "Fortrolig" not in cli("agenda", "versions", meeting, "--public", "--json").stdout
    refused = cli("agenda", "show", meeting, expect=4)
    assert "--public" in refused.stderr
    assert "Fortrolig" not in refused.stdout + refused.stderr

    # After the deadline and after publishing: a late item needs a reason and a note.
    late_case = ready_case(cli, "Landsbyggefondens ansøgningsfrist")
    cli.at("2009-06-02T10:00")
    refused = cli("agenda", "add", meeting, late_case, *SECRETARIAT, expect=4)
    assert "--late-reason" in refused.stderr
    refused = cli(
        "agenda",
        "add",
        meeting,
        late_case,
        "--late-reason",
        "Fristen er 15. juni",
        *SECRETARIAT,
        expect=2,
    )
    assert "--note" in refused.stderr
    cli(
        "agenda",
        "add",
        meeting,
        late_case,
        "--late-reason",
        "Fristen er 15. juni",
        "--note",
        "Tillægspunkt",
        *SECRETARIAT,
    )
    cli("agenda", "move", meeting, "3", "1", "--note", "Tillægspunktet først", *SECRETARIAT)
    versions = cli.json("agenda", "versions", meeting, "--as", "biu.sekretariat")
    assert isinstance(versions, list)
    assert [(v["version"], v["change_note"]) for v in versions] == [
        (1, None),
        (2, "Tillægspunkt"),
        (3, "Tillægspunktet først"),
    ]

    cli.at("2009-06-11T17:00")
    cli(
        "minutes",
        "decide",
        meeting,
        "2",
        "--outcome",
        "decided",
        "--text",
        "Udvalget drøftede sagen.",
        "--absent",
        "Medlem A,Medlem B",
        "--as",
        "biu.udvalg",
    )
    refused = cli("minutes", "approve", meeting, *SECRETARIAT, expect=4)
    assert "without a decision: 1, 3" in refused.stderr
    # Item 1 is now the late case, item 3 the closed one.
    cli("minutes", "decide", meeting, "1", "--outcome", "referred", "--to", "TMU", *SECRETARIAT)
    cli("minutes", "decide", meeting, "3", "--outcome", "postponed", *SECRETARIAT)
    cli("minutes", "approve", meeting, *SECRETARIAT)

    agenda = cli.json("agenda", "show", meeting, "--as", "biu.sekretariat")
    assert isinstance(agenda, dict)
    assert agenda["meeting"]["status"] == "closed"
    decided = agenda["items"][1]
    assert decided["journal_no"] == public_case
    assert decided["decision"]["absent"] == ["Medlem A", "Medlem B"]

    report = cli.json("agenda", "report", "--committee", "TMU", "--as", "admin")
    assert isinstance(report, dict)
    assert [w["journal_no"] for w in report["without_meeting"]] == [late_case]
    course = cli.json("case", "course", public_case, *SECRETARIAT)
    assert isinstance(course, dict)
    assert [(t["committee"], t["item_no"], t["outcome"]) for t in course["treatments"]] == [
        ("BIU", 2, "decided")
    ]
    assert "Udvalget drøftede sagen." in cli("case", "course", public_case, *SECRETARIAT).stdout
    refused = cli("case", "course", public_case, expect=2)
    assert "say who you are" in refused.stderr


def test_follow_up_actions_listed_overdue_and_done(cli: Cli) -> None:
    journal_no = ready_case(cli, "Styring og koordinering af de områdebaserede indsatser")
    out = cli(
        "followup",
        "add",
        journal_no,
        "--owner",
        "steering_group:OMR",
        "--due",
        "by end of 2009",
        "--text",
        "Forslag til styrket koordinering",
        "--as",
        "bif.sagsbehandler",
    ).stdout
    assert "due 2009-12-31" in out
    refused = cli(
        "followup",
        "add",
        journal_no,
        "--owner",
        "committee:BIU",
        "--due",
        "2010",
        "--text",
        "x",
        "--as",
        "bif.sagsbehandler",
        expect=2,
    )
    assert "steering_group:CODE" in refused.stderr
    assert cli.json("followup", "list", "--overdue", "--as", "bif.sagsbehandler") == []

    cli.at("2010-01-05T09:00")
    overdue = cli.json("followup", "list", "--overdue", "--as", "tmf.styregruppe")
    assert isinstance(overdue, list)
    assert [(f["journal_no"], f["owner"], f["overdue"]) for f in overdue] == [
        (journal_no, "steering_group:OMR", True)
    ]
    cli("worker", "--once")
    followup_id = str(overdue[0]["id"])
    cli("followup", "done", followup_id, "--as", "tmf.styregruppe")
    assert cli.json("followup", "list", "--as", "tmf.styregruppe") == []
    everything = cli.json("followup", "list", "--all", "--as", "bif.sagsbehandler")
    assert isinstance(everything, list)
    assert everything[0]["status"] == "done"
    assert everything[0]["done_by"] == "tmf.styregruppe"
    kff = ("actor", "add", "kff.sagsbehandler", "--name", "K", "--role", "case_officer@KFF")
    cli(*kff, "--as", "admin")
    assert cli.json("followup", "list", "--all", "--as", "kff.sagsbehandler") == []
    refused = cli("followup", "list", "--case", journal_no, "--as", "kff.sagsbehandler", expect=3)
    assert "not found or not allowed" in refused.stderr


def test_an_item_taken_off_the_agenda_before_the_meeting(cli: Cli) -> None:
    meeting = str(add_meeting(cli, "BIU", "2009-06-11 15:00"))
    later = str(add_meeting(cli, "BIU", "2009-08-20 15:00"))
    first = ready_case(cli, "Styring af de politiske processer")
    leaving = ready_case(cli, "Landsbyggefondens ansøgning")
    closed_case = ready_case(cli, "Fortrolig personsag")
    for journal_no in (first, leaving):
        cli("agenda", "add", meeting, journal_no, *SECRETARIAT)
    cli("agenda", "add", meeting, closed_case, "--closed", *SECRETARIAT)
    cli("agenda", "publish", meeting, *SECRETARIAT)

    refused = cli("agenda", "withdraw", meeting, leaving, *SECRETARIAT, expect=2)
    assert "--reason" in refused.stderr
    refused = cli(
        "agenda", "withdraw", meeting, leaving, "--reason", "x", "--as", "bif.sagsbehandler",
        expect=4,
    )  # fmt: skip
    assert "secretariat@BIU" in refused.stderr
    refused = cli("agenda", "withdraw", later, leaving, "--reason", "x", *SECRETARIAT, expect=4)
    assert f"case {leaving} is not on the agenda of meeting {later}" in refused.stderr

    reason = "Afventer Landsbyggefondens svar"
    out = cli("agenda", "withdraw", meeting, leaving, "--reason", reason, *SECRETARIAT).stdout
    assert f"{leaving} (item 2) taken off the agenda of meeting {meeting}" in out
    assert "the case is ready_for_agenda" in out
    assert f"1: {first}, 2: {closed_case}" in out
    assert "published as version 2" in out
    history = cli.json("case", "history", leaving, *SECRETARIAT)
    assert (history[-1]["trigger"], history[-1]["comment"]) == ("take_off_agenda", reason)
    assert f"taken off: {reason}" in cli("agenda", "show", meeting, *SECRETARIAT).stdout

    # A closed item taken off: the public learns its number, nothing more.
    cli("agenda", "withdraw", meeting, closed_case, "--reason", "Jensen er flyttet", *SECRETARIAT)
    versions = cli.json("agenda", "versions", meeting, "--public")
    assert [(v["version"], v["change_note"], len(v["agenda"]["items"])) for v in versions] == [
        (1, None, 3),
        (
            2,
            f"Punkt 2 ({leaving} Landsbyggefondens ansøgning) er taget af dagsordenen: {reason}",
            2,
        ),
        (3, "Punkt 2 (lukket punkt) er taget af dagsordenen.", 1),
    ]
    table = cli("agenda", "versions", meeting, "--public").stdout
    assert "taget af dagsordenen" in table
    for public in (table, str(versions)):
        for leak in ("Jensen", "Fortrolig", closed_case):
            assert leak not in public

    # The case goes on another meeting; a decided item is not taken off.
    assert "item 1" in cli("agenda", "add", later, leaving, *SECRETARIAT).stdout
    cli.at("2009-06-11T17:00")
    cli("minutes", "decide", meeting, "1", "--outcome", "decided", "--text", "Ok.", *SECRETARIAT)
    refused = cli("agenda", "withdraw", meeting, first, "--reason", "x", *SECRETARIAT, expect=4)
    assert "treated at the meeting (decided)" in refused.stderr
    cli("minutes", "approve", meeting, *SECRETARIAT)
    refused = cli("agenda", "withdraw", later, leaving, "--reason", " ", *SECRETARIAT, expect=2)
    assert "--reason" in refused.stderr


def test_a_closed_item_put_back_stays_closed_until_opened_on_purpose(cli: Cli) -> None:
    """Issue 15, finding 2: re-adding a closed item never makes it public by routine."""
    meeting = str(add_meeting(cli, "BIU", "2009-06-11 15:00"))
    secret = ready_case(cli, "Fortrolig personsag Jensen")
    cli("agenda", "add", meeting, secret, "--closed", *SECRETARIAT)
    cli("agenda", "withdraw", meeting, secret, "--reason", "Fejl", *SECRETARIAT)
    out = cli("agenda", "add", meeting, secret, *SECRETARIAT).stdout  # no --closed
    assert "item 1 (closed: the case is closed" in out
    cli("agenda", "publish", meeting, *SECRETARIAT)
    html = cli("agenda", "render", meeting, "--public").stdout
    item = cli("case", "render", secret, "--public", "--format", "md", *SECRETARIAT).stdout
    for document in (html, item):
        assert "Lukket punkt" in document
        for leak in ("Fortrolig", "Jensen", secret):
            assert leak not in document

    assert "--reason" in cli("agenda", "open-item", meeting, secret, *SECRETARIAT, expect=2).stderr
    out = cli(
        "agenda", "open-item", meeting, secret, "--reason", "Sagen er offentlig nu", *SECRETARIAT
    ).stdout
    assert f"{secret} (item 1) of meeting {meeting} is public now" in out
    assert "published as version 2" in out
    history = cli.json("case", "history", secret, *SECRETARIAT)
    assert history[-1]["kind"] == "made_public"
    assert "Sagen er offentlig nu" in history[-1]["comment"]
    assert "Fortrolig personsag Jensen" in cli("agenda", "render", meeting, "--public").stdout
