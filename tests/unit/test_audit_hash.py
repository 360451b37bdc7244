"""The audit hash's hand-assembled canonical text is exactly the canonical JSON encoding."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from caseflow.domain import AuditEntry
from caseflow.store import audit

ALPHABET = "abcXYZ 0189 æøåÆØÅ\"\\/\n\t\x00\x1f\u2028€😀'{}[]:,"


def test_canonical_text_is_the_canonical_json_of_the_payload() -> None:
    rng = random.Random(20091231)

    def text() -> str:
        return "".join(rng.choice(ALPHABET) for _ in range(rng.randint(0, 24)))

    def maybe() -> str | None:
        return rng.choice([None, text()])

    for _ in range(5000):
        entry = AuditEntry(
            seq=rng.randint(1, 10**9),
            at=datetime(2009, 1, 1, tzinfo=UTC) + timedelta(seconds=rng.random() * 1e9),
            actor=text(),
            kind=text(),
            trigger=maybe(),
            from_state=maybe(),
            to_state=text(),
            changes=rng.choice(
                [{}, {text(): [None, True]}, {"fields.x": [text(), {"a": [1, 2.5, None, False]}]}]
            ),
            comment=maybe(),
            prev_hash=text(),
            state_hash=maybe(),  # records (0011): covered when present
        )
        journal_no = text()
        payload = audit.canonical_payload(journal_no, entry)
        assert audit.canonical_text(journal_no, entry) == audit._CANONICAL.encode(payload)


def test_a_sealed_entry_is_the_entry_sealed() -> None:
    fields = {
        "seq": 1,
        "at": datetime(2009, 12, 31, 23, tzinfo=UTC),
        "actor": "caseflow",
        "kind": "deadline",
        "trigger": None,
        "from_state": "assessing",
        "to_state": "assessing",
        "changes": {"fields.overdue": [None, True]},
        "comment": "deadline 'answer_in_time' passed",
        "prev_hash": audit.GENESIS,
    }
    built = audit.sealed("2009-68440", audit.encode_changes(fields["changes"]), **fields)
    assert built == audit.seal("2009-68440", AuditEntry(**fields))  # type: ignore[arg-type]
    assert built.hash == audit.entry_hash("2009-68440", built)
    assert audit.check_chain("2009-68440", built.hash, [built]).ok
