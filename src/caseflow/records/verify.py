"""Checking chains, case rows and records against each other and against signed
checkpoints (pure: the service reads, this judges).

Each discrepancy says what it is (:class:`Finding`), which chain and, in words, what
was found; the order of checks follows the order of the tamperings they catch:
a changed row breaks its own hash; rows removed from the end leave fewer rows than
a checkpoint signed; a re-sealed chain has hashes that verify on their own but not
the head a checkpoint signed; a changed case row no longer hashes to its chain's
last state hash; a changed agenda, decision, minutes or org record no longer
matches its link's digest.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from caseflow.domain import AuditEntry, AuditKind
from caseflow.records.chains import APPEND_ONLY_KINDS, GENESIS, ChainKind, Link, link_is_sound
from caseflow.records.checkpoints import Checkpoint, Head, heads_digest
from caseflow.records.signing import PublicKey
from caseflow.records.state_hash import digest_state
from caseflow.store.audit import entry_hash


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


# -- checkpoints -----------------------------------------------------------------------------


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


# -- chains ---------------------------------------------------------------------------------


def _against_checkpoint(
    chain: str, what: str, hashes: Sequence[str], signed: Sequence[SignedHead]
) -> list[Discrepancy]:
    """The chain against the heads checkpoints signed: the first that fails says what."""
    for head in signed:
        problems = _against_head(chain, what, hashes, head)
        if problems:
            return problems
    return []


def _against_head(
    chain: str, what: str, hashes: Sequence[str], signed: SignedHead
) -> list[Discrepancy]:
    if len(hashes) < signed.seq:
        return [
            Discrepancy(
                Finding.ROWS_MISSING,
                chain,
                f"{what} has {len(hashes)} rows, but checkpoint {signed.checkpoint} signed "
                f"{signed.seq}: rows were removed after the checkpoint",
            )
        ]
    if hashes[signed.seq - 1] != signed.hash:
        return [
            Discrepancy(
                Finding.RESEALED,
                chain,
                f"{what} was re-sealed: its row {signed.seq} is not the one checkpoint "
                f"{signed.checkpoint} signed (the signed head fails)",
            )
        ]
    return []


def _links_in_order(
    chain: str, what: str, seqs: Sequence[int], prevs: Sequence[str], hashes: Sequence[str]
) -> list[Discrepancy]:
    problems = []
    previous = GENESIS
    for expected, (seq, prev, digest) in enumerate(zip(seqs, prevs, hashes, strict=True), start=1):
        if seq != expected:
            problems.append(
                Discrepancy(
                    Finding.BROKEN_CHAIN,
                    chain,
                    f"{what}: row {expected} is missing (the next row is {seq})",
                )
            )
        elif prev != previous:
            problems.append(
                Discrepancy(
                    Finding.BROKEN_CHAIN,
                    chain,
                    f"{what}: row {seq}'s link to the row before is broken",
                )
            )
        previous = digest
    return problems


@dataclass(frozen=True, slots=True)
class CaseCheck:
    problems: list[Discrepancy]
    covered: bool  # whether a state hash covers the case row (rows before 0011 have none)


def check_case(
    journal_no: str,
    values: Mapping[str, Any],
    audit_head: str,
    entries: Sequence[AuditEntry],
    signed: Sequence[SignedHead] = (),
    trusted_seq: int = 0,
) -> CaseCheck:
    """One case: its audit chain, its head, the case row against the chain's last state
    hash, and the chain against the head a checkpoint signed. Rows up to ``trusted_seq``
    (verified against an earlier checkpoint, ``--since``) are not hashed again."""
    chain = f"case:{journal_no}"
    what = f"case {journal_no}"
    problems = _links_in_order(
        chain,
        what,
        [e.seq for e in entries],
        [e.prev_hash for e in entries],
        [e.hash for e in entries],
    )
    for entry in entries:
        if entry.seq > trusted_seq and entry_hash(journal_no, entry) != entry.hash:
            problems.append(
                Discrepancy(
                    Finding.CHANGED_ROW,
                    chain,
                    f"{what}: audit row {entry.seq} ({entry.kind}, by {entry.actor}) was changed: "
                    "its content no longer matches its hash",
                )
            )
    newest = entries[-1].hash if entries else GENESIS
    if newest != audit_head:
        problems.append(
            Discrepancy(
                Finding.HEAD_MISMATCH,
                chain,
                f"{what}: its head hash is not its newest audit row's (rows removed or added "
                "outside caseflow)",
            )
        )
    problems += _against_checkpoint(chain, what, [e.hash for e in entries], signed)
    covered, matches = state_matches(values, entries)
    if covered and not matches:
        problems.append(
            Discrepancy(
                Finding.CASE_CHANGED,
                chain,
                f"{what}: the case row (state {values['state']!r}, version {values['version']}) "
                "does not match its chain's last state hash: it was changed outside caseflow",
            )
        )
    return CaseCheck(problems, covered)


def state_matches(values: Mapping[str, Any], entries: Sequence[AuditEntry]) -> tuple[bool, bool]:
    """(covered, matches): whether a state hash covers the case row, and if so whether
    the row matches it.

    The deadline dispatcher records its events set-wise without the case's texts, so
    its rows carry no state hash; they change nothing but field marks, which they
    record old and new. The row is wound back over them (each mark must still hold
    its new value) to the newest row that has one.
    """
    last = len(entries) - 1
    while last >= 0 and entries[last].state_hash is None:
        if entries[last].kind != AuditKind.DEADLINE:
            return False, False  # written before state hashes
        last -= 1
    if last < 0:
        return False, False
    fields = {k: v for k, v in values["fields"].items() if v is not None}
    for entry in reversed(entries[last + 1 :]):
        for key, (old, new) in entry.changes.items():
            name = key.partition(".")[2]
            if not key.startswith("fields.") or fields.get(name) != new:
                return True, False
            if old is None:
                fields.pop(name, None)
            else:
                fields[name] = old
    if values["version"] != entries[-1].seq:  # each audit row is one version
        return True, False
    anchor = entries[last]
    rewound = {**values, "fields": fields, "version": anchor.seq}
    return True, digest_state(rewound) == anchor.state_hash


def check_links(
    chain: str,
    what: str,
    links: Sequence[Link],
    signed: Sequence[SignedHead] = (),
    trusted_seq: int = 0,
) -> list[Discrepancy]:
    """One record chain: its links in order, each link's hash, and the signed head."""
    problems = _links_in_order(
        chain, what, [k.seq for k in links], [k.prev_hash for k in links], [k.hash for k in links]
    )
    for link in links:
        if link.seq > trusted_seq and not link_is_sound(link):
            problems.append(
                Discrepancy(
                    Finding.CHANGED_ROW,
                    chain,
                    f"{what}: chain row {link.seq} was changed: it no longer matches its hash",
                )
            )
    return problems + _against_checkpoint(chain, what, [k.hash for k in links], signed)


# -- records against their chains ---------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RecordRow:
    """A record as the database holds it now: its chain's kind and key, the row it is
    (``ref``), the digest of its content, and how to name it."""

    kind: ChainKind
    key: str
    ref: str
    digest: str
    label: str  # e.g. "agenda item 18 of meeting 4 (BIU 2009-05-14)"
    approved: bool = False  # a decision of a meeting whose minutes are approved


def check_records(
    kind: ChainKind, links: Mapping[str, Sequence[Link]], rows: Iterable[RecordRow]
) -> list[Discrepancy]:
    """Every record of ``kind`` against its chain: an append-only kind's every row has a
    link with its digest; a latest-state kind's row matches its chain's newest link."""
    problems = []
    seen: set[tuple[str, str]] = set()
    for row in rows:
        chain = f"{kind}:{row.key}"
        chained = links.get(row.key, ())
        if kind in APPEND_ONLY_KINDS:
            link = next((k for k in chained if k.ref == row.ref), None)
        else:
            link = chained[-1] if chained else None
        seen.add((row.key, row.ref))
        if link is None:
            problems.append(
                Discrepancy(
                    Finding.UNCHAINED,
                    chain,
                    f"{row.label} has no record in its chain: it was written outside caseflow",
                )
            )
        elif link.digest != row.digest:
            finding = (
                Finding.MINUTES_CHANGED
                if kind is ChainKind.MINUTES or row.approved
                else Finding.RECORD_CHANGED
            )
            problems.append(Discrepancy(finding, chain, f"{_changed(kind, row)}"))
    for key, chained in links.items():
        refs = {k.ref for k in chained} if kind in APPEND_ONLY_KINDS else {chained[-1].ref}
        for ref in sorted(refs - {r for k, r in seen if k == key}):
            problems.append(
                Discrepancy(
                    Finding.RECORD_MISSING,
                    f"{kind}:{key}",
                    f"the {_NAMES[kind]} recorded in chain {kind}:{key} (row {ref}) is gone",
                )
            )
    return problems


_NAMES = {
    ChainKind.AGENDA_VERSION: "published agenda version",
    ChainKind.DECISION: "decision",
    ChainKind.VISIBILITY: "public/closed choice",
    ChainKind.MINUTES: "minutes approval",
    ChainKind.ORG_CHANGE: "organisation change",
    ChainKind.CASE: "case",
}


def _changed(kind: ChainKind, row: RecordRow) -> str:
    if kind is ChainKind.MINUTES:
        return f"a minutes change: the approval of {row.label} differs from its record"
    if kind is ChainKind.DECISION and row.approved:
        return (
            f"a minutes change: the decision of {row.label} differs from the approved "
            "minutes' record"
        )
    return f"the {_NAMES[kind]} of {row.label} differs from its record: changed outside caseflow"


def missing_chains(signed: Mapping[str, Sequence[SignedHead]], seen: set[str]) -> list[Discrepancy]:
    """Chains a checkpoint signed that the database no longer has."""
    problems = []
    for chain in sorted(set(signed) - seen):
        kind, _, key = chain.partition(":")
        head = signed[chain][-1]
        if kind == ChainKind.CASE:
            problems.append(
                Discrepancy(
                    Finding.CASE_MISSING,
                    chain,
                    f"case {key} is missing: checkpoint {head.checkpoint} signed its "
                    f"{head.seq} audit rows",
                )
            )
        else:
            problems.append(
                Discrepancy(
                    Finding.CHAIN_MISSING,
                    chain,
                    f"chain {chain} is missing: checkpoint {head.checkpoint} signed its "
                    f"{head.seq} rows",
                )
            )
    return problems
