"""Record chains: one hash chain per record of a kind (a meeting's agenda versions,
an item's decisions, ...), in one generic shape so one verifier walks them all.

A link names its chain (kind and key), its place (seq), the row it covers (ref),
when it was written, the digest of that row's content and the previous link's
hash. Its own hash covers all of that. The content digest is computed from the
row's columns by the payload functions below, the same way by the writer (in the
transaction of the write) and by the verifier (from the row as it reads it).

The case audit trail is a chain too (kind ``case``, key the journal number); its
rows are the audit rows themselves, not links (see :mod:`caseflow.store.audit`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from caseflow.records.canonical import digest, moment, sha256, text

GENESIS = "0" * 64


class ChainKind(StrEnum):
    """What a chain records; each kind is a chain of its own per key."""

    CASE = "case"  # a case's audit rows (key: journal number)
    AGENDA_VERSION = "agenda_version"  # a meeting's published agenda versions (key: meeting id)
    DECISION = "decision"  # an agenda item's decision, outcome and absentees (key: item id)
    VISIBILITY = "visibility"  # an agenda item's public/closed choice (key: item id)
    MINUTES = "minutes"  # a meeting's minutes approval (key: meeting id)
    ORG_CHANGE = "org_change"  # the organisation's history (one chain, key "organisation")


# Kinds whose every row is a record of its own, never changed (each row has a link);
# the others record the latest state of a row that is written more than once.
APPEND_ONLY_KINDS = frozenset({ChainKind.AGENDA_VERSION, ChainKind.ORG_CHANGE})
ORGANISATION = "organisation"  # the key of the one org-change chain


def chain_name(kind: ChainKind | str, key: str) -> str:
    """How checkpoints and reports name a chain: ``kind:key``."""
    return f"{kind}:{key}"


@dataclass(frozen=True, slots=True)
class Link:
    """One link of a record chain."""

    kind: ChainKind
    key: str
    seq: int
    ref: str  # the row it covers (an id, or a meeting's version number)
    at: datetime
    digest: str  # of the row's content (a payload function below)
    prev_hash: str
    hash: str

    @property
    def chain(self) -> str:
        return chain_name(self.kind, self.key)


def link_hash(
    kind: ChainKind | str, key: str, seq: int, ref: str, at: datetime, content: str, prev: str
) -> str:
    """The hash of a link (pure)."""
    return sha256(
        text(
            {
                "kind": str(kind),
                "key": key,
                "seq": seq,
                "ref": ref,
                "at": moment(at),
                "digest": content,
                "prev": prev,
            }
        )
    )


def next_link(
    kind: ChainKind, key: str, last: Link | None, ref: str, at: datetime, content: str
) -> Link:
    """The link after ``last`` (None: the chain's first) covering a row whose content
    digest is ``content``."""
    seq = 1 if last is None else last.seq + 1
    prev = GENESIS if last is None else last.hash
    return Link(
        kind, key, seq, ref, at, content, prev, link_hash(kind, key, seq, ref, at, content, prev)
    )


def link_is_sound(link: Link) -> bool:
    """Whether a link's hash still covers what it says."""
    expected = link_hash(
        link.kind, link.key, link.seq, link.ref, link.at, link.digest, link.prev_hash
    )
    return expected == link.hash


# -- the content of each kind's rows ------------------------------------------------------


def agenda_version_digest(
    meeting_id: int,
    version: int,
    published_at: datetime,
    published_by: str,
    change_note: str | None,
    snapshot: Mapping[str, Any],
) -> str:
    return digest(
        {
            "meeting_id": meeting_id,
            "version": version,
            "published_at": moment(published_at),
            "published_by": published_by,
            "change_note": change_note,
            "snapshot": snapshot,
        }
    )


def decision_digest(
    item_id: int,
    status: str,
    outcome: str | None,
    decision: str | None,
    absent: Sequence[str],
    referred_to: str | None,
    decided_at: datetime | None,
    decided_by: str | None,
) -> str:
    return digest(
        {
            "item_id": item_id,
            "status": str(status),
            "outcome": None if outcome is None else str(outcome),
            "decision": decision,
            "absent": list(absent),
            "referred_to": referred_to,
            "decided_at": moment(decided_at),
            "decided_by": decided_by,
        }
    )


def visibility_digest(item_id: int, is_public: bool) -> str:
    return digest({"item_id": item_id, "is_public": bool(is_public)})


def minutes_digest(
    meeting_id: int, approved_at: datetime, approved_by: str, note: str | None
) -> str:
    return digest(
        {
            "meeting_id": meeting_id,
            "approved_at": moment(approved_at),
            "approved_by": approved_by,
            "note": note,
        }
    )


def org_change_digest(
    change_id: int,
    at: datetime,
    actor: str,
    via: str,
    kind: str,
    code: str,
    old: Mapping[str, Any] | None,
    new: Mapping[str, Any],
) -> str:
    return digest(
        {
            "id": change_id,
            "at": moment(at),
            "actor": actor,
            "via": via,
            "kind": str(kind),
            "code": code,
            "old": None if old is None else dict(old),
            "new": dict(new),
        }
    )
