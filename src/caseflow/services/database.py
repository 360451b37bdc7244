"""Creating and upgrading the database (``caseflow init``)."""

from __future__ import annotations

from dataclasses import dataclass

from caseflow.context import Context
from caseflow.store import migrate


@dataclass(frozen=True)
class Initialised:
    where: str  # the database URL, without its password
    before: str | None  # the schema revision it had (None: empty)
    after: str
    workflows: list[tuple[str, str, bool]]  # (id, version, newly stored)


def initialise(ctx: Context) -> Initialised:
    """Bring the schema up to this version's and store the current workflow definitions.

    The operator's tool: it acts on the database as a whole, so it asks for no actor
    (whoever can reach the database file or server can run it anyway).
    """
    db = ctx.engine.db
    before, after = migrate.upgrade(db)
    registered = ctx.engine.register_workflows()
    return Initialised(db.url.render_as_string(hide_password=True), before, after, registered)
