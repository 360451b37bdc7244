"""Records that prove themselves: state hashes, record chains, checkpoints and the
verifier's judgements, without a database."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from caseflow.domain import Attachment, AuditEntry, AuditKind, Case, Origin, OriginKind
from caseflow.errors import InvalidInput
from caseflow.records import signing, verify
from caseflow.records.chains import ChainKind, next_link
from caseflow.records.checkpoints import Checkpoint, CheckpointBody, Head, heads_digest, moved
from caseflow.records.state_hash import STATE_COLUMNS, case_state_hash, digest_state
from caseflow.records.verify import Finding, RecordRow, SignedHead
from caseflow.store import audit

AT = datetime(2009, 5, 14, 8, 0, tzinfo=UTC)


def _case(**changes: object) -> Case:
    case = Case(
        id=1,
        journal_no="2009-68440",
        title="Styring af de politiske processer",
        workflow_id="committee-case",
        workflow_version="v1",
        state="drafting",
        version=2,
        origin=Origin(OriginKind.ENQUIRY, member="Jens", date=AT.date(), committee="BIU"),
        lead_administration="TMF",
        participating_administrations=["BIF"],
        committee="BIU",
        summary="Resumé",
        recommendations=["at udvalget drøfter sagen"],
        sections={"problemstilling": "tekst"},
        attachments=[Attachment("2009-300035", "Notat")],
        fields={"meeting": "BIU 2009-06-11"},
        case_officer="bif.sagsbehandler",
        created_at=AT,
        updated_at=AT,
        audit_head="",
    )
    return replace(case, **changes)  # type: ignore[arg-type]


def _row_values(case: Case) -> dict[str, object]:
    """The case's state columns as the database gives them back (JSON as decoded)."""
    return {
        "title": case.title,
        "state": case.state,
        "version": case.version,
        "workflow_id": case.workflow_id,
        "workflow_version": case.workflow_version,
        "origin": case.origin.to_json(),
        "lead_administration": case.lead_administration,
        "participating_administrations": list(case.participating_administrations),
        "committee": case.committee,
        "summary": case.summary,
        "recommendations": list(case.recommendations),
        "sections": dict(case.sections),
        "attachments": [a.to_json() for a in case.attachments],
        "fields": dict(case.fields),
        "case_officer": case.case_officer,
    }


def _chain(case: Case, count: int) -> list[AuditEntry]:
    """``count`` sealed audit rows, the last one carrying ``case``'s state hash."""
    entries: list[AuditEntry] = []
    prev = audit.GENESIS
    for seq in range(1, count + 1):
        state = case_state_hash(replace(case, version=seq)) if seq == count else "x" * 64
        entry = audit.seal(
            case.journal_no,
            AuditEntry(
                seq,
                AT,
                "bif.sagsbehandler",
                AuditKind.EDIT,
                None,
                case.state,
                case.state,
                {},
                None,
                prev,
                state_hash=state,
            ),
        )
        entries.append(entry)
        prev = entry.hash
    return entries


def test_the_state_hash_of_a_case_is_that_of_its_row() -> None:
    case = _case()
    assert case_state_hash(case) == digest_state(_row_values(case))
    assert set(_row_values(case)) == set(STATE_COLUMNS)


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("state", "closed"),
        ("title", "Forfalsket"),
        ("sections", {"problemstilling": "forfalsket"}),
        ("recommendations", []),
        ("fields", {"meeting": "BIU 2009-06-12"}),
        ("version", 3),
        ("case_officer", None),
    ],
)
def test_a_changed_column_changes_the_state_hash(column: str, value: object) -> None:
    values = _row_values(_case())
    assert digest_state(values) != digest_state(values | {column: value})


def test_a_null_field_counts_as_absent() -> None:
    values = _row_values(_case())
    with_null = values | {"fields": {**values["fields"], "overdue": None}}  # type: ignore[dict-item]
    assert digest_state(values) == digest_state(with_null)
    marked = _case(fields={"meeting": "BIU 2009-06-11", "overdue": None})
    assert case_state_hash(marked) == digest_state(values)


def test_a_case_row_matching_its_chain_passes_and_a_changed_one_fails() -> None:
    case = _case()
    entries = _chain(case, 2)
    values = _row_values(case)
    ok = verify.check_case(case.journal_no, values, entries[-1].hash, entries)
    assert ok.covered
    assert ok.problems == []
    changed = verify.check_case(
        case.journal_no, values | {"state": "closed"}, entries[-1].hash, entries
    )
    assert [p.finding for p in changed.problems] == [Finding.CASE_CHANGED]
    assert "does not match its chain's last state hash" in changed.problems[0].message


def test_the_dispatchers_rows_are_wound_back_to_the_last_state_hash() -> None:
    case = _case()
    entries = _chain(case, 2)
    mark = audit.seal(
        case.journal_no,
        AuditEntry(
            3,
            AT,
            "caseflow",
            AuditKind.DEADLINE,
            None,
            case.state,
            case.state,
            {"fields.overdue": [None, True]},
            None,
            entries[-1].hash,
        ),
    )
    entries.append(mark)
    marked = _row_values(case) | {"version": 3, "fields": {**case.fields, "overdue": True}}
    assert verify.check_case(case.journal_no, marked, mark.hash, entries).problems == []
    unmarked = marked | {"fields": dict(case.fields)}
    found = verify.check_case(case.journal_no, unmarked, mark.hash, entries).problems
    assert [p.finding for p in found] == [Finding.CASE_CHANGED]


def test_rows_before_state_hashes_leave_the_case_uncovered() -> None:
    case = _case()
    entries = [replace(e, state_hash=None) for e in _chain(case, 1)]
    entries = [audit.seal(case.journal_no, replace(entries[0], hash=""))]
    result = verify.check_case(case.journal_no, _row_values(case), entries[-1].hash, entries)
    assert not result.covered
    assert result.problems == []


def test_a_changed_audit_row_and_a_removed_last_row_are_told_apart() -> None:
    case = _case(version=3)
    entries = _chain(case, 3)
    forged = [*entries[:1], replace(entries[1], actor="someone"), entries[2]]
    found = verify.check_case(case.journal_no, _row_values(case), entries[-1].hash, forged)
    assert [p.finding for p in found.problems] == [Finding.CHANGED_ROW]
    signed = [SignedHead(3, entries[2].hash, 1)]
    cut = entries[:2]
    found = verify.check_case(
        case.journal_no, _row_values(case) | {"version": 2}, cut[-1].hash, cut, signed
    )
    assert Finding.ROWS_MISSING in [p.finding for p in found.problems]


def test_a_resealed_chain_fails_the_signed_head() -> None:
    case = _case(version=2)
    entries = _chain(case, 2)
    signed = [SignedHead(2, entries[1].hash, 4)]
    resealed = _chain(replace(case, title="Forfalsket"), 2)
    found = verify.check_case(
        case.journal_no,
        _row_values(case) | {"title": "Forfalsket"},
        resealed[-1].hash,
        resealed,
        signed,
    )
    assert [p.finding for p in found.problems] == [Finding.RESEALED]
    assert "checkpoint 4" in found.problems[0].message


def _signed(key: signing.Ed25519PrivateKey, seq: int, heads: list[Head], prev: str) -> Checkpoint:
    body = CheckpointBody(
        seq,
        AT + timedelta(hours=seq),
        prev,
        heads_digest(heads),
        len(heads),
        signing.public_of(key).key_id,
    )
    return Checkpoint(body, signing.sign(key, body.text()))


def test_checkpoints_verify_with_the_public_key_alone_and_another_keys_are_refused() -> None:
    key, other = signing.generate(), signing.generate()
    public = signing.parse_public(signing.public_of(key).pem.encode(), "auditor.pub")
    heads = [Head("case:2009-68440", 3, "a" * 64)]
    first = _signed(key, 1, heads, verify.GENESIS)
    second = _signed(key, 2, [Head("case:2009-68440", 4, "b" * 64)], first.body.digest)
    check = verify.check_checkpoints(
        [(first, heads), (second, [Head("case:2009-68440", 4, "b" * 64)])], public
    )
    assert check.problems == []
    assert len(check.trusted) == 2
    assert [h.seq for h in check.signed_heads()["case:2009-68440"]] == [3, 4]
    forged = _signed(other, 2, heads, first.body.digest)
    check = verify.check_checkpoints([(first, heads), (forged, heads)], public)
    assert [p.finding for p in check.problems] == [Finding.BAD_SIGNATURE]
    assert len(check.trusted) == 1


def test_changed_heads_a_missing_checkpoint_and_the_export_are_caught() -> None:
    key = signing.generate()
    public = signing.public_of(key)
    heads = [Head("case:1", 1, "a" * 64)]
    first = _signed(key, 1, heads, verify.GENESIS)
    third = _signed(key, 3, heads, "f" * 64)
    check = verify.check_checkpoints([(first, [Head("case:1", 1, "b" * 64)])], public)
    assert [p.finding for p in check.problems] == [Finding.CHECKPOINT_ALTERED]
    check = verify.check_checkpoints([(first, heads), (third, heads)], public)
    assert Finding.CHECKPOINT_MISSING in [p.finding for p in check.problems]
    second = _signed(key, 2, heads, first.body.digest)
    check = verify.check_checkpoints([(first, heads)], public, [first, second])
    assert [p.message for p in check.problems] == [
        "checkpoint 2 is in the export but not in the database"
    ]
    line = Checkpoint.from_json(__import__("json").loads(second.export_line()))
    assert line == second


def test_moved_heads_are_the_changed_ones_and_their_digest_ignores_order() -> None:
    a, b = Head("case:1", 1, "a" * 64), Head("minutes:2", 1, "b" * 64)
    assert moved({"case:1": a}, [a, b]) == [b]
    assert heads_digest([a, b]) == heads_digest([b, a])


def test_records_against_their_chains() -> None:
    decision = next_link(ChainKind.DECISION, "7", None, "7", AT, "d" * 64)
    links = {"7": [decision]}
    same = RecordRow(ChainKind.DECISION, "7", "7", "d" * 64, "agenda item 1", approved=True)
    assert verify.check_records(ChainKind.DECISION, links, [same]) == []
    changed = replace(same, digest="e" * 64)
    (found,) = verify.check_records(ChainKind.DECISION, links, [changed])
    assert found.finding is Finding.MINUTES_CHANGED
    assert "a minutes change" in found.message
    org = next_link(ChainKind.ORG_CHANGE, "organisation", None, "1", AT, "o" * 64)
    rows = [
        RecordRow(ChainKind.ORG_CHANGE, "organisation", "1", "p" * 64, "organisation change 1"),
        RecordRow(ChainKind.ORG_CHANGE, "organisation", "2", "q" * 64, "organisation change 2"),
    ]
    found = verify.check_records(ChainKind.ORG_CHANGE, {"organisation": [org]}, rows)
    assert [p.finding for p in found] == [Finding.RECORD_CHANGED, Finding.UNCHAINED]


def test_a_changed_link_breaks_its_hash() -> None:
    first = next_link(ChainKind.MINUTES, "3", None, "3", AT, "a" * 64)
    assert verify.check_links("minutes:3", "chain", [first]) == []
    found = verify.check_links("minutes:3", "chain", [replace(first, digest="b" * 64)])
    assert [p.finding for p in found] == [Finding.CHANGED_ROW]


def test_keygen_never_overwrites_and_the_key_file_is_private(tmp_path: Path) -> None:
    key_file = tmp_path / "keys" / "records.key"
    public = signing.write_new_key(key_file)
    assert key_file.stat().st_mode & 0o077 == 0
    assert signing.load_public(signing.public_path(key_file)).key_id == public.key_id
    assert signing.public_of(signing.load_private(key_file)).key_id == public.key_id
    with pytest.raises(InvalidInput, match="already exists"):
        signing.write_new_key(key_file)
