"""Records that prove themselves: signing checkpoints and verifying every chain.

Operator tools, like ``caseflow init``: they act on the database as a whole and ask
for no actor. Signing needs the private key file (settings ``records_key_file``);
verifying needs the public key only, so an auditor can check a copy of the database
without being able to sign anything. ``case verify-audit`` stays the per-case view.
"""

from __future__ import annotations

import json
import logging
import os
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from caseflow import policy
from caseflow.context import Context
from caseflow.domain import Actor
from caseflow.errors import ErrorCode, InvalidInput, NotAllowed, NotFound
from caseflow.records import signing, verify
from caseflow.records.chains import GENESIS, ChainKind
from caseflow.records.checkpoints import Checkpoint, CheckpointBody, Head, heads_digest, moved
from caseflow.store import records as rows
from caseflow.store.db import read_transaction, write_transaction

log = logging.getLogger("caseflow.records")


@dataclass(frozen=True)
class KeyMade:
    key_file: Path
    public_file: Path
    key_id: str
    public_pem: str


def keygen(ctx: Context) -> KeyMade:
    """Make the signing key pair at the settings' key file (never over an existing key)."""
    key_file = ctx.settings.records_key_file
    public = signing.write_new_key(key_file)
    return KeyMade(key_file, signing.public_path(key_file), public.key_id, public.pem)


@dataclass(frozen=True)
class CheckpointMade:
    seq: int
    at: datetime
    heads: int  # the chains whose head it signs (those that moved since the last one)
    chains: int  # every chain there is
    key_id: str
    export: Path
    exported: int  # lines appended to the export (this one, and any it lacked)
    # Chains whose head went back or changed at a signed place: not signed again (the
    # verifier reports them), so a tampered chain never gets a fresh signature.
    withheld: tuple[str, ...] = ()


def checkpoint(ctx: Context) -> CheckpointMade:
    """Sign the heads of every chain that moved since the last checkpoint, store the
    checkpoint and append it to the export.

    Refuses when the newest stored checkpoint does not verify with this key: either the
    key file is not the one that signed before, or the checkpoints were tampered with.
    """
    key = signing.load_private(ctx.settings.records_key_file)
    public = signing.public_of(key)
    with write_transaction(ctx.engine.db) as conn:
        stored = rows.checkpoints(conn)
        check = verify.check_checkpoints(stored, public)
        if stored and (not check.trusted or check.trusted[-1][0] != stored[-1][0]):
            last = stored[-1][0].body
            raise NotAllowed(
                f"checkpoint {last.seq} (signed by key {last.key_id}) does not verify with the "
                f"key in {ctx.settings.records_key_file} ({public.key_id}); run "
                "`caseflow records verify` to see why before signing anything new",
                code=ErrorCode.NOT_ALLOWED,
            )
        signed: dict[str, Head] = {}
        for _, heads in stored:
            signed.update((head.chain, head) for head in heads)
        current = rows.current_heads(conn)
        withheld = tuple(sorted(h.chain for h in current if _went_back(signed.get(h.chain), h)))
        heads = [h for h in moved(signed, current) if h.chain not in withheld]
        last_body = stored[-1][0].body if stored else None
        body = CheckpointBody(
            seq=last_body.seq + 1 if last_body else 1,
            at=ctx.engine.clock.now(),
            prev=last_body.digest if last_body else GENESIS,
            heads_digest=heads_digest(heads),
            heads=len(heads),
            key_id=public.key_id,
        )
        made = Checkpoint(body, signing.sign(key, body.text()))
        rows.insert_checkpoint(conn, made, heads)
    for chain in withheld:
        log.warning("records: chain %s went back since it was signed; not signed again", chain)
    exported = export(ctx)
    return CheckpointMade(
        body.seq,
        body.at,
        len(heads),
        len(current),
        public.key_id,
        ctx.settings.records_export,
        exported,
        withheld,
    )


def _went_back(signed: Head | None, now: Head) -> bool:
    return signed is not None and (
        now.seq < signed.seq or (now.seq == signed.seq and now.hash != signed.hash)
    )


def scheduled_checkpoint(ctx: Context) -> None:
    """The worker's job: a checkpoint, its outcome logged (a failure is the operator's to
    see in the log; the next run tries again)."""
    try:
        made = checkpoint(ctx)
    except (NotFound, InvalidInput, NotAllowed) as exc:
        log.error("records: no checkpoint signed: %s", exc)
        return
    log.info("records: checkpoint %s signed %s of %s chains", made.seq, made.heads, made.chains)


def export(ctx: Context) -> int:
    """Append to the export every stored checkpoint it lacks (after the last it has), in
    order; returns how many. A checkpoint whose export failed is caught up next time."""
    path = ctx.settings.records_export
    copies, _ = _read_export(path)
    last = max((c.body.seq for c in copies), default=0)
    with read_transaction(ctx.engine.db) as conn:
        lacking = [c for c, _ in rows.checkpoints(conn) if c.body.seq > last]
    if not lacking:
        return 0
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as out:
        for copy in lacking:
            out.write(copy.export_line())
        out.flush()
        os.fsync(out.fileno())
    return len(lacking)


def _read_export(path: Path) -> tuple[list[Checkpoint], list[str]]:
    """The export's checkpoints, and the numbers of the lines that are not one."""
    copies, bad = [], []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return [], []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            copies.append(Checkpoint.from_json(json.loads(line)))
        except (ValueError, KeyError, TypeError):
            bad.append(str(number))
    return copies, bad


# -- verification ---------------------------------------------------------------------------


@dataclass(frozen=True)
class VerifyReport:
    discrepancies: list[verify.Discrepancy]
    key_id: str
    checkpoints: int  # stored
    trusted_checkpoints: int  # that verified
    cases: int
    audit_rows: int
    links: int  # record chain links
    records: int  # agenda versions, items, minutes, org changes checked against them
    uncovered_cases: int  # whose newest rows predate state hashes (0011)
    exported: int | None  # checkpoints in the export (None: no export file)
    since: int | None
    seconds: float
    counts: dict[str, int] = field(default_factory=dict)  # discrepancies by finding

    @property
    def ok(self) -> bool:
        return not self.discrepancies


def verify_records(
    ctx: Context,
    *,
    since: int | None = None,
    public_key: Path | None = None,
    export_file: Path | None = None,
) -> VerifyReport:
    """Recompute every chain, check every case row against its chain's last state hash
    and every record against its chain, and each chain against the heads the trusted
    checkpoints signed (and those against the export, if there is one).

    ``since``: rows a trusted checkpoint up to that one signed are taken as verified then
    (they are not hashed again; their heads are still compared).
    """
    started = time.perf_counter()
    public = signing.load_public(public_key or signing.public_path(ctx.settings.records_key_file))
    export_path = export_file or ctx.settings.records_export
    copies, bad_lines = _read_export(export_path)
    has_export = export_path.is_file()
    found: list[verify.Discrepancy] = [
        verify.Discrepancy(
            verify.Finding.CHECKPOINT_ALTERED,
            "export",
            f"line {n} of the export {export_path} is not a checkpoint",
        )
        for n in bad_lines
    ]
    with read_transaction(ctx.engine.db) as conn:
        stored = rows.checkpoints(conn)
        check = verify.check_checkpoints(stored, public, copies if has_export else None)
        found += check.problems
        signed = check.signed_heads()
        trusted_upto = _trusted_heads(check, since)
        seen: set[str] = set()
        cases = audit_rows = uncovered = 0
        for journal_no, values, head, entries in rows.case_chains(conn):
            chain = f"{ChainKind.CASE}:{journal_no}"
            seen.add(chain)
            cases += 1
            audit_rows += len(entries)
            result = verify.check_case(
                journal_no, values, head, entries, signed.get(chain, ()), trusted_upto.get(chain, 0)
            )
            found += result.problems
            uncovered += not result.covered
        links = rows.links_by_chain(conn)
        records = rows.record_rows(conn)
    link_count = record_count = 0
    for kind, chains in links.items():
        for key, chained in chains.items():
            chain = f"{kind}:{key}"
            seen.add(chain)
            link_count += len(chained)
            found += verify.check_links(
                chain, f"chain {chain}", chained, signed.get(chain, ()), trusted_upto.get(chain, 0)
            )
        found += verify.check_records(kind, chains, records[kind])
        record_count += len(records[kind])
    found += verify.missing_chains(signed, seen)
    counts: dict[str, int] = {}
    for problem in found:
        counts[problem.finding] = counts.get(problem.finding, 0) + 1
    return VerifyReport(
        found,
        public.key_id,
        len(stored),
        len(check.trusted),
        cases,
        audit_rows,
        link_count,
        record_count,
        uncovered,
        len(copies) if has_export else None,
        since,
        time.perf_counter() - started,
        counts,
    )


def _trusted_heads(check: verify.CheckpointCheck, since: int | None) -> dict[str, int]:
    """Per chain, the rows checkpoint ``since`` (or one before it) signed."""
    if since is None:
        return {}
    if not any(c.body.seq == since for c, _ in check.trusted):
        raise NotFound(
            f"no trusted checkpoint {since}: give the number of one that verifies "
            "(a verification of every checkpoint lists the ones that fail)",
            code=ErrorCode.NOT_FOUND,
            checkpoint=since,
        )
    return {chain: heads[-1].seq for chain, heads in check.signed_heads(since).items()}


def latest(ctx: Context) -> Checkpoint | None:
    """The newest stored checkpoint (unverified: :func:`verify_records` says whether it holds)."""
    with read_transaction(ctx.engine.db) as conn:
        return rows.latest_checkpoint(conn)


# -- the administrators' page -------------------------------------------------------------


@dataclass(frozen=True)
class RecordsOverview:
    """What the records page shows before anyone runs a verification."""

    latest: Checkpoint | None
    public_key_file: Path
    public_key: str | None  # its PEM, for the auditors (None: no public key there)
    export: Path


def overview(ctx: Context, actor: Actor) -> RecordsOverview:
    """The newest checkpoint and where the keys and the export are: administrators only."""
    policy.require_administrator(actor, "look after the records")
    public_file = signing.public_path(ctx.settings.records_key_file)
    try:
        public: str | None = signing.load_public(public_file).pem
    except (NotFound, InvalidInput):
        public = None
    return RecordsOverview(latest(ctx), public_file, public, ctx.settings.records_export)


def verify_as(ctx: Context, actor: Actor) -> VerifyReport:
    """:func:`verify_records` for an administrator (the web page's button), with the
    settings' public key and export."""
    policy.require_administrator(actor, "verify the records")
    return verify_records(ctx)
