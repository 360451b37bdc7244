"""What the verifier finds: each discrepancy's kind, chain and words, and the heads the
trusted checkpoints signed (shared by :mod:`caseflow.records.trusted` and
:mod:`caseflow.records.verify`)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Finding(StrEnum):
    """What a discrepancy is."""

    CHANGED_ROW = "changed_row"  # a chained row no longer matches its own hash
    BROKEN_CHAIN = "broken_chain"  # a row's place or link to the one before is wrong
    HEAD_MISMATCH = "head_mismatch"  # a case's head hash is not its newest audit row's
    CASE_CHANGED = "case_changed"  # a case row differs from its chain's last state hash
    ROWS_MISSING = "rows_missing"  # a chain has fewer rows than a checkpoint signed
    CASE_MISSING = "case_missing"  # a case a checkpoint signed is gone
    CHAIN_MISSING = "chain_missing"  # a record chain a checkpoint signed is gone
    RESEALED = "resealed"  # a chain re-sealed: its row at a signed place is another one
    BAD_SIGNATURE = "bad_signature"  # a checkpoint whose signature fails with the public key
    CHECKPOINT_MISSING = "checkpoint_missing"  # a checkpoint removed from the database
    CHECKPOINT_ALTERED = "checkpoint_altered"  # its heads or its export copy differ
    RECORD_CHANGED = "record_changed"  # an agenda version, decision, public/closed choice or
    # org change differs from its chain
    MINUTES_CHANGED = "minutes_changed"  # approved minutes (approval or a decision) changed
    UNCHAINED = "unchained"  # a record without a link: written outside caseflow
    RECORD_MISSING = "record_missing"  # a chained record whose row is gone


@dataclass(frozen=True, slots=True)
class Discrepancy:
    finding: Finding
    chain: str  # kind:key, or "checkpoint:N"
    message: str


@dataclass(frozen=True, slots=True)
class SignedHead:
    """A chain's head as the newest trusted checkpoint covering it signed it."""

    seq: int
    hash: str
    checkpoint: int
