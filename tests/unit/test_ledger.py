"""The dispatcher's in-memory ledger: audit events chained onto cases, as the engine would."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from caseflow.changes import apply_changes
from caseflow.deadlines.effects import Event, Ledger
from caseflow.domain import Case, CaseHead, Origin, OriginKind
from caseflow.store import audit

NOW = datetime(2009, 4, 24, 8, tzinfo=UTC)


def case(case_id: int, fields: dict[str, Any]) -> CaseHead:
    return whole(case_id, fields).head


def whole(case_id: int, fields: dict[str, Any]) -> Case:
    return Case(
        id=case_id,
        journal_no=f"2009-{case_id:05d}",
        title="Aktindsigt",
        workflow_id="access-request",
        workflow_version="v1",
        state="assessing",
        version=3,
        origin=Origin(OriginKind.OWN_INITIATIVE),
        lead_administration="BIF",
        participating_administrations=[],
        committee=None,
        summary="",
        recommendations=[],
        sections={},
        attachments=[],
        fields=fields,
        case_officer=None,
        created_at=NOW,
        updated_at=NOW,
        audit_head=audit.GENESIS,
    )


@pytest.mark.parametrize(
    "fields",
    [{}, {"overdue": False}, {"overdue": 0}, {"overdue": True}, {"overdue": [1], "x": {"y": 2}}],
    ids=["unset", "false", "zero", "already", "containers"],
)
def test_a_mark_is_recorded_as_apply_changes_records_it(fields: dict[str, Any]) -> None:
    original = case(1, fields)
    mark = Event("deadline 'answer_in_time' passed; marked overdue", {"fields.overdue": True})
    ledger = Ledger({1: original, 2: case(2, dict(fields))}, NOW)
    ledger.record(1, [mark])
    ledger.record(2, [mark])  # a second case marked alike: the same JSON, from the memo

    expected = apply_changes(whole(1, fields), mark.changes)
    for case_id, entry, encoded in ledger.entries:
        assert entry.changes == expected.audit
        assert encoded == audit.encode_changes(expected.audit)
        assert entry.hash == audit.entry_hash(f"2009-{case_id:05d}", entry)
        assert (entry.seq, entry.prev_hash) == (4, audit.GENESIS)
        after = ledger.case(case_id)
        assert after.fields == expected.case.fields
        assert (after.version, after.audit_head) == (4, entry.hash)
    assert original.fields == fields  # the case read is left as it was
    assert original.version == 3
    (write, *_) = ledger.writes()
    assert write[0] is original  # the case as read: the version the write expects
    assert write[1:3] == (4, ledger.case(1).audit_head)
    assert write[3] == ({"fields": expected.case.fields} if expected.audit else {})


def test_cases_marked_alike_in_one_batch_keep_their_own_old_values() -> None:
    """0 and False are equal (and hash alike) but are different old values in the audit."""
    olds: list[dict[str, Any]] = [{"overdue": 0}, {"overdue": False}, {}, {"overdue": True}]
    mark = Event("marked overdue", {"fields.overdue": True})
    ledger = Ledger({i: case(i, fields) for i, fields in enumerate(olds, 1)}, NOW)
    for case_id in range(1, len(olds) + 1):
        ledger.record(case_id, [mark])
    for (case_id, entry, encoded), fields in zip(ledger.entries, olds, strict=True):
        expected = apply_changes(whole(case_id, fields), mark.changes).audit
        assert (entry.changes, encoded) == (expected, audit.encode_changes(expected))
    assert [encoded for _, _, encoded in ledger.entries] == [
        '{"fields.overdue":[0,true]}',
        '{"fields.overdue":[false,true]}',
        '{"fields.overdue":[null,true]}',
        "{}",
    ]


def test_events_with_more_than_marks_go_through_the_engine() -> None:
    ledger = Ledger({1: case(1, {})}, NOW)
    with pytest.raises(ValueError, match="field marks only"):
        ledger.record(1, [Event("edit", {"summary": "Ny"})])
    assert (ledger.entries, ledger.writes()) == ([], [])


def test_a_case_head_holds_only_what_it_is_read_with() -> None:
    head = case(1, {"overdue": True})
    assert head.administrations == frozenset({"BIF"})
    for gone in ("summary", "sections", "recommendations", "attachments", "origin", "updated_at"):
        assert not hasattr(head, gone)
    with pytest.raises(AttributeError):
        head.state = "answered"  # type: ignore[misc]
