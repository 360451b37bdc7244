"""Actors are checked as the organisation file checks them, and a case officer must exist."""

from __future__ import annotations

import pytest

from caseflow.context import Context
from caseflow.errors import ErrorCode, InvalidInput
from caseflow.services import organisation
from caseflow.store.db import read_transaction
from caseflow.store.organisation import list_actors
from caseflow.testing import open_test_case


@pytest.mark.parametrize(
    ("request_", "code", "message"),
    [
        (organisation.ActorRequest("", "Tom"), ErrorCode.INVALID_ACTOR, "username"),
        (organisation.ActorRequest("eva", "Eva\r\nBcc: x"), ErrorCode.INVALID_ACTOR, "one line"),
        (organisation.ActorRequest("eva", "  "), ErrorCode.INVALID_ACTOR, "blank"),
        (
            organisation.ActorRequest("eva", "Eva", "x>\r\nBcc: y@example.dk"),
            ErrorCode.INVALID_ACTOR,
            "not an e-mail address",
        ),
        (
            organisation.ActorRequest("eva", "Eva", "not mail"),
            ErrorCode.INVALID_ACTOR,
            "not an e-mail address",
        ),
        (
            organisation.ActorRequest("eva", "Eva", roles=["wizard@BIF"]),
            ErrorCode.UNKNOWN_ROLE,
            "no role wizard",
        ),
    ],
)
def test_a_bad_actor_is_refused_and_nothing_is_saved(
    ctx: Context, request_: organisation.ActorRequest, code: ErrorCode, message: str
) -> None:
    with read_transaction(ctx.engine.db) as conn:
        before = list_actors(conn)
    with pytest.raises(InvalidInput, match=message) as refused:
        organisation.put_actor(ctx, "admin", request_)
    assert refused.value.code is code
    with read_transaction(ctx.engine.db) as conn:
        assert list_actors(conn) == before


@pytest.mark.parametrize("how", ["open", "edit"])
def test_a_case_officer_who_does_not_exist_is_refused(ctx: Context, how: str) -> None:
    engine = ctx.engine
    if how == "open":
        with pytest.raises(InvalidInput, match=r"no actor 'ghost\.user'"):
            open_test_case(engine, case_officer="ghost.user")
        return
    journal_no = open_test_case(engine)
    with pytest.raises(InvalidInput, match="no actor 'nobody'"):
        engine.edit(journal_no, {"case_officer": "nobody"}, engine.actor("admin"))
    assert engine.get_case(journal_no).case_officer == "bif.sagsbehandler"
