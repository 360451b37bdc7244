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
        )
        journal_no = text()
        payload = audit.canonical_payload(journal_no, entry)
        assert audit.canonical_text(journal_no, entry) == audit._CANONICAL.encode(payload)
