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
from dataclasses import dataclass
from typing import Any

from caseflow.domain import AuditEntry, AuditKind
from caseflow.records.chains import APPEND_ONLY_KINDS, GENESIS, ChainKind, Link, link_is_sound
from caseflow.records.findings import Discrepancy, Finding, SignedHead
from caseflow.records.state_hash import digest_state
from caseflow.records.trusted import CheckpointCheck, check_checkpoints

# The audit row's hash is a pure function that lives with the audit trail's SQL.
from caseflow.store.audit import entry_hash

__all__ = [
    "GENESIS",
    "CaseCheck",
    "CheckpointCheck",
    "Discrepancy",
    "Finding",
    "RecordRow",
    "SignedHead",
    "check_case",
    "check_checkpoints",
    "check_links",
    "check_records",
    "missing_chains",
    "state_matches",
]


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
