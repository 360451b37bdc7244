"""The words of the administrators' page for changing workflows: the diff of a file
against the newest version, publishing it, migrations with their dry run, pause, resume
and revert (Danish, then English); merged into :data:`caseflow.web.i18n.TEXTS`."""

from __future__ import annotations

TEXTS: dict[str, tuple[str, str]] = {}
