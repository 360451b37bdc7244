"""What the fault tests share besides fixtures (importable from them: ``from faultkit import``)."""

from __future__ import annotations

import os
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
WORKFLOWS = REPO / "workflows"


def caseflow_env(url: str, **extra: str) -> dict[str, str]:
    """The environment of a ``python -m caseflow`` subprocess on database ``url``.

    It inherits ours (PYTHONPATH included), so it runs the caseflow under test.
    """
    return os.environ | {
        "CASEFLOW_DATABASE_URL": url,
        "CASEFLOW_WORKFLOWS_DIR": str(WORKFLOWS),
        **extra,
    }
