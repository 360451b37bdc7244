"""The schema check reads the head revision without Alembic: it must be Alembic's."""

from __future__ import annotations

from alembic.script import ScriptDirectory

from caseflow.store import migrate


def test_the_head_read_from_the_files_is_alembics() -> None:
    found = migrate._plain_head()
    assert found is not None
    assert found == ScriptDirectory(str(migrate.MIGRATIONS)).get_current_head()
