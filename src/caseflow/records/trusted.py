"""Which checkpoints to trust: each one's signature with the public key, its link to the
one before, its heads against the digest it signed, and (given the export, the
write-once copy) whether the database still holds each as exported (pure)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from caseflow.records.chains import GENESIS
from caseflow.records.checkpoints import Checkpoint, Head, heads_digest
from caseflow.records.findings import Discrepancy, Finding, SignedHead

if TYPE_CHECKING:
    # A key is handed in, never made here: the engine imports this module (through
    # store.records) and need not load the cryptography library for it.
    from caseflow.records.signing import PublicKey


@dataclass
class CheckpointCheck:
    """The checkpoints that verified (in order, with their heads) and what did not."""

    trusted: list[tuple[Checkpoint, list[Head]]] = field(default_factory=list)
    problems: list[Discrepancy] = field(default_factory=list)

    def signed_heads(self, upto: int | None = None) -> dict[str, list[SignedHead]]:
        """Every head each chain had signed by the trusted checkpoints (up to ``upto``),
        oldest first: a chain must still hold each of them, so a chain forked after one
        checkpoint and signed by a later one shows too."""
        found: dict[str, list[SignedHead]] = {}
        for checkpoint, heads in self.trusted:
            if upto is not None and checkpoint.body.seq > upto:
                break
            for head in heads:
                found.setdefault(head.chain, []).append(
                    SignedHead(head.seq, head.hash, checkpoint.body.seq)
                )
        return found


def check_checkpoints(
    stored: Sequence[tuple[Checkpoint, list[Head]]],
    public: PublicKey,
    exported: Sequence[Checkpoint] | None = None,
) -> CheckpointCheck:
    """Verify each stored checkpoint's signature, its link to the one before, its heads
    against the digest it signed, and (given the export) that every exported checkpoint
    is in the database as exported."""
    check = CheckpointCheck()
    previous_seq, previous_digest = 0, GENESIS
    for checkpoint, heads in stored:
        body = checkpoint.body
        name = f"checkpoint:{body.seq}"
        if body.seq != previous_seq + 1:
            gone = f"{previous_seq + 1}" + (
                "" if body.seq == previous_seq + 2 else f"-{body.seq - 1}"
            )
            check.problems.append(
                Discrepancy(
                    Finding.CHECKPOINT_MISSING,
                    name,
                    f"checkpoint {gone} is missing from the database (the next one is {body.seq})",
                )
            )
        elif body.prev != previous_digest:
            check.problems.append(
                Discrepancy(
                    Finding.CHECKPOINT_ALTERED,
                    name,
                    f"checkpoint {body.seq} does not follow checkpoint {previous_seq} "
                    "(the one before it was replaced)",
                )
            )
        previous_seq, previous_digest = body.seq, body.digest
        if not public.verifies(body.text(), checkpoint.signature):
            check.problems.append(
                Discrepancy(
                    Finding.BAD_SIGNATURE,
                    name,
                    f"checkpoint {body.seq}'s signature fails with public key {public.key_id}: "
                    f"it was re-sealed or signed with another key ({body.key_id}); "
                    "its heads are not trusted",
                )
            )
            continue
        if heads_digest(heads) != body.heads_digest or len(heads) != body.heads:
            check.problems.append(
                Discrepancy(
                    Finding.CHECKPOINT_ALTERED,
                    name,
                    f"the heads stored for checkpoint {body.seq} are not the {body.heads} it "
                    "signed (changed or removed); its heads are not trusted",
                )
            )
            continue
        check.trusted.append((checkpoint, heads))
    if exported is not None:
        check.problems += _against_export(stored, public, exported)
    return check


def _against_export(
    stored: Sequence[tuple[Checkpoint, list[Head]]],
    public: PublicKey,
    exported: Sequence[Checkpoint],
) -> list[Discrepancy]:
    problems = []
    in_database = {checkpoint.body.seq: checkpoint for checkpoint, _ in stored}
    for copy in exported:
        name = f"checkpoint:{copy.body.seq}"
        if not public.verifies(copy.body.text(), copy.signature):
            problems.append(
                Discrepancy(
                    Finding.BAD_SIGNATURE,
                    name,
                    f"the export's checkpoint {copy.body.seq} is not signed by key {public.key_id}",
                )
            )
            continue
        found = in_database.get(copy.body.seq)
        if found is None:
            problems.append(
                Discrepancy(
                    Finding.CHECKPOINT_MISSING,
                    name,
                    f"checkpoint {copy.body.seq} is in the export but not in the database",
                )
            )
        elif found != copy:
            problems.append(
                Discrepancy(
                    Finding.CHECKPOINT_ALTERED,
                    name,
                    f"checkpoint {copy.body.seq} in the database differs from the exported one",
                )
            )
    return problems
