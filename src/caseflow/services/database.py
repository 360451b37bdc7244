"""Creating and upgrading the database (``caseflow init``)."""

from __future__ import annotations

from dataclasses import dataclass

from caseflow.context import Context
from caseflow.errors import ErrorCode, InvalidInput
from caseflow.store import migrate, roles
from caseflow.store.db import write_transaction


@dataclass(frozen=True)
class Initialised:
    where: str  # the database URL, without its password
    before: str | None  # the schema revision it had (None: empty)
    after: str
    workflows: list[tuple[str, str, bool]]  # (id, version, newly stored)
    app_role: str | None = None  # the application role granted (PostgreSQL)
    app_role_created: bool = False


def initialise(ctx: Context, app_role: str | None = None) -> Initialised:
    """Bring the schema up to this version's and store the current workflow definitions;
    with ``app_role``, then grant that application role least privilege (PostgreSQL).

    The migrations run as the role of the database URL, the schema's owner; the
    application then connects as ``app_role`` (see :mod:`caseflow.store.roles`).

    The operator's tool: it acts on the database as a whole, so it asks for no actor
    (whoever can reach the database file or server can run it anyway).
    """
    db = ctx.engine.db
    if app_role is not None:
        roles.check_role_name(app_role)
        if db.dialect.name != "postgresql":
            raise InvalidInput(
                "an application role needs PostgreSQL: SQLite has no roles; protect its file "
                "with the file system's permissions instead",
                code=ErrorCode.INVALID_INPUT,
            )
    before, after = migrate.upgrade(db)
    registered = ctx.engine.register_workflows()
    created = False
    if app_role is not None:
        with write_transaction(db) as conn:
            created = roles.grant_app_role(conn, app_role)
    where = db.url.render_as_string(hide_password=True)
    return Initialised(where, before, after, registered, app_role, created)
