"""The organisation's history: every edit and load recorded, old and new, append-only."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from caseflow import organisation
from caseflow.clock import FakeClock
from caseflow.engine import Engine
from caseflow.errors import InvalidInput, NotAllowed
from caseflow.meetings import committees as edit
from caseflow.organisation import CommitteeSpec
from caseflow.store import org_history
from caseflow.store.db import read_transaction, write_transaction
from caseflow.store.org_history import Stamp
from caseflow.testing import TESTS, copenhagen_time, demo_organisation_file


def changes(engine: Engine, **where: str) -> list[org_history.OrgChange]:
    with read_transaction(engine.db) as conn:
        return org_history.search(conn, **where)


def test_loading_the_organisation_records_each_entry_once(engine: Engine) -> None:
    loaded = changes(engine)
    spec = organisation.load_file(demo_organisation_file())
    assert len(loaded) == sum(
        len(part)
        for part in (spec.administrations, spec.committees, spec.steering_groups, spec.actors)
    )
    assert {(c.actor, c.via, c.old) for c in loaded} == {(TESTS, "caseflow.testing", None)}
    (biu,) = changes(engine, kind="committee", code="BIU")
    assert biu.new["agenda"]["deadline_working_days"] == 8
    assert biu.at == copenhagen_time("2009-05-14 10:00")

    with write_transaction(engine.db) as conn:  # the same file again: nothing changed
        organisation.store(conn, spec, Stamp("admin", engine.clock.now(), "again"))
    assert len(changes(engine)) == len(loaded)


def test_a_changed_file_records_only_what_changed(
    engine: Engine, clock: FakeClock, tmp_path: Path
) -> None:
    before = len(changes(engine))
    changed = tmp_path / "org.yaml"
    changed.write_text(
        demo_organisation_file()
        .read_text(encoding="utf-8")
        .replace("chair: Formand for BIU", "chair: Ny formand")
        .replace("roles: [approver@BIF]", "roles: [approver@BIF, approver@TMF]"),
        encoding="utf-8",
    )
    clock.set(copenhagen_time("2009-06-01 08:00"))
    with write_transaction(engine.db) as conn:
        organisation.store(
            conn, organisation.load_file(changed), Stamp("admin", clock.now(), "org load")
        )
    new = changes(engine)[before:]
    assert [(c.kind, c.code) for c in new] == [("committee", "BIU"), ("actor", "bif.chef")]
    committee, person = new
    assert [(d.field, d.old, d.new) for d in committee.differences()] == [
        ("chair", "Formand for BIU", "Ny formand")
    ]
    assert [(d.field, d.old, d.new) for d in person.differences()] == [
        ("roles", ["approver@BIF"], ["approver@BIF", "approver@TMF"])
    ]
    assert committee.actor == "admin"
    assert committee.at == copenhagen_time("2009-06-01 08:00")


def test_each_edit_records_who_when_and_old_and_new(engine: Engine, clock: FakeClock) -> None:
    admin = engine.actor("admin")
    clock.set(copenhagen_time("2009-08-03 09:15"))
    before = len(changes(engine))
    edit.update_committee(
        engine,
        admin,
        "BIU",
        edit.CommitteeChange(deadline_working_days=10, add_members=("Medlem J",)),
    )
    edit.add_committee(engine, admin, "OMRU", edit.CommitteeChange(name="Følgegruppe"))
    edit.set_administration(engine, admin, "SOF", email="opfoelgning@sof.kk.example")
    edit.set_steering_member(engine, admin, "OMR", "BIF", "bif.chef")
    made = changes(engine)[before:]
    assert [(c.kind, c.code, c.via) for c in made] == [
        ("committee", "BIU", "org committee set"),
        ("committee", "OMRU", "org committee add"),
        ("administration", "SOF", "org administration set"),
        ("steering_group", "OMR", "org steering-group set-member"),
    ]
    assert {(c.actor, c.at) for c in made} == {("admin", copenhagen_time("2009-08-03 09:15"))}
    biu, omru, sof, omr = made
    assert [(d.field, d.old, d.new) for d in biu.differences()] == [
        ("members", biu.new["members"][:-1], biu.new["members"]),
        ("agenda.deadline_working_days", 8, 10),
    ]
    assert omru.old is None
    assert omru.new["name"] == "Følgegruppe"
    assert sof.old is not None
    assert (sof.old["email"], sof.new["email"]) == (None, "opfoelgning@sof.kk.example")
    assert sof.new["name"] == "Socialforvaltningen"  # not given, so kept
    assert {"administration": "BIF", "actor": "bif.chef"} in omr.new["members"]


def test_a_refused_or_invalid_edit_records_nothing(engine: Engine) -> None:
    before = len(changes(engine))
    with pytest.raises(NotAllowed, match="administrator"):
        edit.update_committee(
            engine, engine.actor("biu.sekretariat"), "BIU", edit.CommitteeChange(chair="X")
        )
    with pytest.raises(InvalidInput, match="less than or equal to 60"):
        edit.update_committee(
            engine, engine.actor("admin"), "BIU", edit.CommitteeChange(deadline_working_days=61)
        )
    with pytest.raises(InvalidInput, match="not an e-mail address"):
        edit.set_administration(engine, engine.actor("admin"), "SOF", email="sof")
    edit.update_committee(engine, engine.actor("admin"), "BIU", edit.CommitteeChange())  # no-op
    assert len(changes(engine)) == before


def committee(engine: Engine, code: str) -> CommitteeSpec:
    with read_transaction(engine.db) as conn:
        return edit.get_committee(conn, code)


def write_then_fail(engine: Engine, spec: CommitteeSpec, seen: list[int]) -> None:
    """An edit whose transaction fails after the committee and its history are written."""
    with write_transaction(engine.db) as conn:
        organisation.put_committee(conn, spec, Stamp("admin", engine.clock.now(), "test"))
        seen.append(len(org_history.search(conn)))
        raise RuntimeError("the edit fails after it was written")


def test_the_history_row_is_written_in_the_edits_transaction(engine: Engine) -> None:
    spec = edit.changed(committee(engine, "BIU"), edit.CommitteeChange(chair="X"))
    before, seen = len(changes(engine)), list[int]()
    with pytest.raises(RuntimeError, match="after it was written"):
        write_then_fail(engine, spec, seen)
    assert seen == [before + 1]  # it was there inside the transaction
    assert len(changes(engine)) == before
    assert committee(engine, "BIU").chair == "Formand for BIU"


def test_the_history_is_append_only(engine: Engine) -> None:
    with write_transaction(engine.db) as conn, pytest.raises(Exception, match="append-only"):
        conn.execute(text("UPDATE org_changes SET actor = 'mallory'"))
    with write_transaction(engine.db) as conn, pytest.raises(Exception, match="append-only"):
        conn.execute(text("DELETE FROM org_changes"))
    if engine.db.dialect.name == "postgresql":  # TRUNCATE fires no row triggers
        with write_transaction(engine.db) as conn, pytest.raises(Exception, match="append-only"):
            conn.execute(text("TRUNCATE org_changes"))
    assert {c.actor for c in changes(engine)} == {TESTS}
