"""Records that prove themselves: hash chains, state hashes, signed checkpoints and
their verification (pure: no I/O but reading and writing key files in
:mod:`caseflow.records.signing`).

The store feeds the chains (:mod:`caseflow.store.records`); the service signs
checkpoints and runs the verifier (:mod:`caseflow.services.records`). Only the
names the write paths need are re-exported here, so that a fire does not import
the signing library.
"""

from caseflow.records.chains import ChainKind, Link
from caseflow.records.state_hash import case_state_hash, digest_state

__all__ = ["ChainKind", "Link", "case_state_hash", "digest_state"]
