"""``caseflow meeting``, ``caseflow plan`` and ``caseflow org committee`` in a subprocess."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path

import pytest
from icalendar import Calendar

from caseflow.testing import CommandLine as Cli
from caseflow.testing import demo_organisation_file

REPO = Path(__file__).resolve().parents[2]
DEMO_PLAN = Path(str(resources.files("caseflow.demo").joinpath("meetings-2009.yaml")))


@pytest.fixture
def cli(tmp_path: Path, database_url: str) -> Cli:
    cli = Cli(tmp_path, database_url, REPO / "workflows")
    cli("init")
    cli("org", "load", str(demo_organisation_file()))
    return cli


def test_plan_a_meeting_list_show_and_cancel_it(cli: Cli) -> None:
    out = cli(
        "meeting",
        "new",
        "--committee",
        "BIU",
        "--at",
        "2009-06-11 16:30",
        "--until",
        "18:30",
        "--place",
        "Københavns Rådhus",
        "--as",
        "biu.sekretariat",
        "--json",
    ).stdout
    meeting = json.loads(out)
    assert meeting["starts_at"] == "2009-06-11T16:30:00+02:00"
    assert meeting["ends_at"] == "2009-06-11T18:30:00+02:00"
    listed = json.loads(
        cli("meeting", "list", "--committee", "BIU", "--json", "--as", "bif.sagsbehandler").stdout
    )
    assert [m["id"] for m in listed] == [meeting["id"]]
    shown = cli("meeting", "show", str(meeting["id"]), "--as", "bif.sagsbehandler").stdout
    assert "Thu 2009-06-11 16:30 – 18:30" in shown
    # 8 working days before Thu 11 June 2009 (1 June and 5 June are off): Thu 28 May.
    assert "agenda deadline Thu 2009-05-28" in shown
    assert "agenda sent     Thu 2009-06-04" in shown  # 5 weekdays, Saturday 6 June counts
    moved = json.loads(
        cli(
            "meeting",
            "set",
            str(meeting["id"]),
            "--at",
            "2009-06-18 15:00",
            "--as",
            "biu.sekretariat",
            "--json",
        ).stdout
    )
    assert moved["ends_at"] == "2009-06-18T17:00:00+02:00"  # keeps its two hours
    assert moved["sequence"] == 1
    cli("meeting", "cancel", str(meeting["id"]), "--as", "biu.sekretariat")
    after = json.loads(cli("meeting", "show", str(meeting["id"]), "--json", "--as", "admin").stdout)
    assert after["status"] == "cancelled"
    assert after["uid"] == meeting["uid"]
    assert after["sequence"] == 2


def test_refusals_and_bad_input_have_clear_messages(cli: Cli, tmp_path: Path) -> None:
    refused = cli(
        "meeting",
        "new",
        "--committee",
        "TMU",
        "--at",
        "2009-06-10 15:00",
        "--as",
        "biu.sekretariat",
        expect=4,
    )
    assert "needs the role secretariat@TMU (or administrator)" in refused.stderr
    bad = cli(
        "meeting", "new", "--committee", "BIU", "--at", "next thursday", "--as", "admin", expect=2
    )
    assert '"2009-06-11 16:30"' in bad.stderr
    for command in (("meeting", "list"), ("meeting", "show", "999")):
        assert "--as USER" in cli(*command, expect=2).stderr  # every read says who asks
    assert "no meeting 999" in cli("meeting", "show", "999", "--as", "admin", expect=3).stderr
    assert (
        "no committee 'XYZ'"
        in cli("meeting", "list", "--committee", "XYZ", "--as", "admin", expect=3).stderr
    )
    plan = tmp_path / "plan.yaml"
    plan.write_text(
        "meetings:\n  - {committee: BIU, date: 2009-06-11, time: '16:30'}\n"
        "  - {committee: BIU, date: 2009-06-18, time: '26:30'}\n",
        encoding="utf-8",
    )
    failed = cli("meeting", "import", str(plan), "--as", "admin", expect=2)
    assert f"{plan}:3: BIU meeting: time '26:30'" in failed.stderr


def test_import_the_demo_plan_and_export_ics(cli: Cli, tmp_path: Path) -> None:
    first = cli("meeting", "import", str(DEMO_PLAN), "--as", "admin").stdout
    assert "0 updated, 0 unchanged" in first
    again = cli("meeting", "import", str(DEMO_PLAN), "--as", "admin").stdout
    assert again.startswith("0 created, 0 updated")
    biu = json.loads(
        cli(
            "meeting", "list", "--committee", "BIU", "--year", "2009", "--json", "--as", "admin"
        ).stdout
    )
    assert "2009-06-11T16:30:00+02:00" in [m["starts_at"] for m in biu]
    # A page at a time: the first page says how to get the next (after its last meeting),
    # which goes on from it in the plan's order.
    first_page = cli(
        "meeting", "list", "--committee", "BIU", "--year", "2009", "--limit", "2", "--as", "admin"
    ).stdout
    cursor = biu[1]["id"]
    assert f"more: add --cursor {cursor} for the next page" in first_page
    assert "2 meetings" in first_page
    rest = cli(
        "meeting", "list", "--committee", "BIU", "--year", "2009", "--cursor", str(cursor),
        "--json", "--as", "admin",
    )  # fmt: skip
    assert [m["id"] for m in json.loads(rest.stdout)] == [m["id"] for m in biu[2:]]
    assert "--cursor" not in rest.stderr  # the last page

    out = tmp_path / "biu.ics"
    cli("meeting", "ics", "--committee", "BIU", "-o", str(out))
    data = out.read_bytes()
    events = Calendar.from_ical(data).walk("VEVENT")
    assert len(events) == len(
        json.loads(
            cli(
                "meeting", "list", "--committee", "BIU", "--json", "--as", "bif.sagsbehandler"
            ).stdout
        )
    )
    by_start = {e.decoded("DTSTART").astimezone(UTC): e for e in events}
    june = by_start[datetime(2009, 6, 11, 14, 30, tzinfo=UTC)]  # 16:30 summer time
    december = by_start[datetime(2009, 12, 17, 15, 30, tzinfo=UTC)]  # 16:30 winter time
    assert june["DTSTART"].params["TZID"] == "Europe/Copenhagen"
    assert december.decoded("DTSTART").hour == 16
    again_file = tmp_path / "again.ics"
    cli("meeting", "ics", "--committee", "BIU", "-o", str(again_file))
    assert again_file.read_bytes() == data  # the same rows give the same bytes

    june_id = next(m["id"] for m in biu if m["starts_at"].startswith("2009-06-11"))
    cli("meeting", "cancel", str(june_id), "--as", "biu.sekretariat")
    cli("meeting", "ics", "--committee", "BIU", "-o", str(out))
    after = {str(e["UID"]): e for e in Calendar.from_ical(out.read_bytes()).walk("VEVENT")}
    assert set(after) == {str(e["UID"]) for e in events}
    assert str(after[str(june["UID"])]["STATUS"]) == "CANCELLED"
    assert int(after[str(june["UID"])]["SEQUENCE"]) == 1


def test_plan_backwards_from_the_command_line(cli: Cli) -> None:
    cli("meeting", "import", str(DEMO_PLAN), "--as", "admin")
    ok = json.loads(
        cli(
            "plan",
            "--deadline",
            "2009-12-31",
            "--via",
            "BIU,ØU,BR",
            "--today",
            "2009-09-01",
            "--json",
        ).stdout
    )
    assert ok["feasible"] is True
    # BR 17 Dec (agenda deadline 3 Dec), ØU 1 Dec (agenda deadline 19 Nov), BIU 5 Nov.
    assert [m["meeting"][:10] for m in ok["meetings"]] == ["2009-11-05", "2009-12-01", "2009-12-17"]
    # 8 working days before Thu 5 Nov is Mon 26 Oct; 5 more for approval: Mon 19 Oct.
    assert ok["meetings"][0]["agenda_deadline"] == "2009-10-26"
    assert ok["meetings"][0]["draft_deadline"] == "2009-10-19"

    late = cli(
        "plan",
        "--deadline",
        "2009-12-31",
        "--via",
        "BIU,ØU,BR",
        "--today",
        "2009-12-01",
        "--json",
        expect=1,
    )
    missed = json.loads(late.stdout)
    assert missed["feasible"] is False
    assert missed["missed_by_working_days"] > 0
    text = cli(
        "plan",
        "--deadline",
        "2009-12-31",
        "--via",
        "BIU,ØU,BR",
        "--today",
        "2009-12-01",
        expect=1,
    ).stdout
    assert f"misses the deadline by {missed['missed_by_working_days']} working days" in text
    assert (
        "no committee 'XYZ'"
        in cli("plan", "--deadline", "2009-12-31", "--via", "BIU,XYZ", expect=3).stderr
    )


def test_committee_rules_edited_from_the_cli_change_the_dates(cli: Cli) -> None:
    out = cli(
        "meeting",
        "new",
        "--committee",
        "BIU",
        "--at",
        "2009-06-11 16:30",
        "--as",
        "admin",
        "--json",
    ).stdout
    meeting_id = str(json.loads(out)["id"])
    refused = cli(
        "org",
        "committee",
        "set",
        "BIU",
        "--agenda-deadline",
        "10",
        "--as",
        "biu.sekretariat",
        expect=4,
    )
    assert "needs the role administrator" in refused.stderr
    assert (
        "less than or equal to 60"
        in cli(
            "org", "committee", "set", "BIU", "--agenda-deadline", "61", "--as", "admin", expect=2
        ).stderr
    )
    edited = json.loads(
        cli(
            "org",
            "committee",
            "set",
            "BIU",
            "--agenda-deadline",
            "10",
            "--chair",
            "Ny formand",
            "--add-member",
            "Medlem J",
            "--remove-member",
            "Medlem A",
            "--as",
            "admin",
            "--json",
        ).stdout
    )
    assert edited["chair"] == "Ny formand"
    assert "Medlem J" in edited["members"]
    assert "Medlem A" not in edited["members"]
    shown = json.loads(cli("meeting", "show", meeting_id, "--json", "--as", "admin").stdout)
    assert shown["agenda_deadline"] == "2009-05-26"  # 10 working days before 11 June
    added = cli(
        "org",
        "committee",
        "add",
        "OMRU",
        "--name",
        "Politisk følgegruppe",
        "--kind",
        "temporary",
        "--as",
        "admin",
    ).stdout
    assert "§ 17 stk. 4" in added
