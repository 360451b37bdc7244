"""Which cases a reader may see, as a SQL condition: lists filter in the database.

:meth:`caseflow.domain.Actor.may_read` decides for one case in Python; a list of
deadlines or notifications must not load every row to ask it. :class:`ReadScope`
is what the access policy says of a reader (:func:`caseflow.policy.read_scope`),
and :func:`readable` the same rule over the ``cases`` table: the case officer, an
administration among the case's lead and participants, its committee, or a role
without scope. The tests check that both agree on every kind of grant.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import ColumnElement, false, func, literal, or_, select

from caseflow.store.tables import cases


@dataclass(frozen=True)
class ReadScope:
    """What a reader may see: every case, or those it is officer of or has a role on."""

    every: bool
    username: str
    administrations: frozenset[str] = frozenset()
    committees: frozenset[str] = frozenset()


def readable(dialect: str, scope: ReadScope) -> ColumnElement[bool] | None:
    """The condition on ``cases`` rows that ``scope`` may see; None: every row."""
    if scope.every:
        return None
    found: list[ColumnElement[bool]] = [cases.c.case_officer == scope.username]
    if scope.committees:
        found.append(cases.c.committee.in_(sorted(scope.committees)))
    if scope.administrations:
        codes = sorted(scope.administrations)
        found.append(cases.c.lead_administration.in_(codes))
        found.append(participates(dialect, codes))
    return or_(false(), *found)


def participates(dialect: str, codes: Sequence[str]) -> ColumnElement[bool]:
    """One of ``codes`` among the case's participating administrations (a JSON list)."""
    elements = (
        "json_array_elements_text" if dialect == "postgresql" else "json_each"
    )  # SQLite's json_each yields its elements in the column ``value`` too
    values = getattr(func, elements)(cases.c.participating_administrations).table_valued("value")
    return select(literal(1)).select_from(values).where(values.c.value.in_(codes)).exists()


def readable_ids(dialect: str, scope: ReadScope) -> ColumnElement[bool] | None:
    """The same for a table that names its case by ``case_id``: use it as
    ``table.c.case_id.in_(...)``; None: every row, also those of no case."""
    condition = readable(dialect, scope)
    if condition is None:
        return None
    return select(cases.c.id).where(condition).scalar_subquery()
