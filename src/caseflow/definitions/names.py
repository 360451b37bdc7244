"""The patterns of the names a workflow file uses (pure: no pydantic).

Apart from :mod:`caseflow.definitions.primitives` (the models' building blocks) so
that pure code reading due dates checks a field's name without loading the models:
the deadline hook imports it in every process that can fire, an idle worker too.
"""

from __future__ import annotations

WORKFLOW_ID_PATTERN = r"^[a-z][a-z0-9-]*$"
NAME_PATTERN = r"^[a-z][a-z0-9_]*$"  # states, triggers, roles, rules, case fields
