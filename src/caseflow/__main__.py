"""``python -m caseflow`` is the same as the ``caseflow`` command."""

from caseflow.cli import main

main()
