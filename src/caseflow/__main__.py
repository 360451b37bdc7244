"""``python -m caseflow`` is the same as the ``caseflow`` command."""

from caseflow.program import run

run()
