"""Checkpoints: the heads of every chain, signed, each checkpoint chained to the last.

A checkpoint lists only the chains whose head moved since the checkpoint before it
(its heads), so a busy municipality's hourly checkpoint stays small; the heads
signed as of checkpoint N are the newest head of each chain over checkpoints 1..N.
What is signed is :meth:`CheckpointBody.text`: the sequence number, the time, the
previous checkpoint's digest, the digest of its heads and their count. Changing a
head, dropping a checkpoint or re-sealing one without the private key breaks a
signature or the chain of checkpoints.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from caseflow.records.canonical import moment, sha256, text


@dataclass(frozen=True, slots=True)
class Head:
    """A chain's newest link: its name (``kind:key``), sequence number and hash."""

    chain: str
    seq: int
    hash: str


def heads_digest(heads: Iterable[Head]) -> str:
    """The digest of a set of heads, in chain order (so the order they were read in
    does not matter)."""
    lines = sorted(f"{h.chain}\t{h.seq}\t{h.hash}\n" for h in heads)
    return sha256("".join(lines))


def moved(signed: Mapping[str, Head], current: Iterable[Head]) -> list[Head]:
    """The heads of ``current`` that differ from the ones signed before."""
    return [head for head in current if signed.get(head.chain) != head]


@dataclass(frozen=True, slots=True)
class CheckpointBody:
    """What a checkpoint signs."""

    seq: int
    at: datetime
    prev: str  # the digest of checkpoint seq-1 (GENESIS for the first)
    heads_digest: str
    heads: int  # how many heads it lists
    key_id: str  # which key signs it (the public key's short id)

    def text(self) -> str:
        return text(
            {
                "seq": self.seq,
                "at": moment(self.at),
                "prev": self.prev,
                "heads_digest": self.heads_digest,
                "heads": self.heads,
                "key_id": self.key_id,
            }
        )

    @property
    def digest(self) -> str:
        return sha256(self.text())


@dataclass(frozen=True, slots=True)
class Checkpoint:
    body: CheckpointBody
    signature: str  # base64 Ed25519 over body.text()

    def export_line(self) -> str:
        """Its line in the JSON Lines export (the write-once copy)."""
        return text(self.to_json()) + "\n"

    def to_json(self) -> dict[str, Any]:
        body = self.body
        return {
            "seq": body.seq,
            "at": moment(body.at),
            "prev": body.prev,
            "heads_digest": body.heads_digest,
            "heads": body.heads,
            "key_id": body.key_id,
            "digest": body.digest,
            "signature": self.signature,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Checkpoint:
        """A checkpoint from its export line's JSON (KeyError, ValueError or TypeError on
        a line that is not one)."""
        body = CheckpointBody(
            seq=int(data["seq"]),
            at=datetime.fromisoformat(str(data["at"])),
            prev=str(data["prev"]),
            heads_digest=str(data["heads_digest"]),
            heads=int(data["heads"]),
            key_id=str(data["key_id"]),
        )
        return cls(body, str(data["signature"]))
