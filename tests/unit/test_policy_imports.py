"""Who the import page is for (pure): a committee's secretariat, a case officer or an
administrator."""

from __future__ import annotations

import pytest

from caseflow.domain import Actor, RoleGrant
from caseflow.policy import may_import


@pytest.mark.parametrize(
    ("grants", "offered"),
    [
        ((RoleGrant("secretariat", committee="BIU"),), True),
        ((RoleGrant("secretariat"),), True),
        ((RoleGrant("administrator"),), True),
        ((RoleGrant("administrator", administration="BIF"),), False),
        ((RoleGrant("case_officer", administration="BIF"),), True),
        ((RoleGrant("committee", committee="BIU"),), False),
        ((), False),
    ],
    ids=[
        "secretariat",
        "unscoped secretariat",
        "administrator",
        "scoped admin",
        "officer",
        "member",
        "none",
    ],
)
def test_the_import_page_is_for_secretariats_officers_and_administrators(
    grants: tuple[RoleGrant, ...], offered: bool
) -> None:
    assert may_import(Actor("x", "X", grants=grants)) is offered
