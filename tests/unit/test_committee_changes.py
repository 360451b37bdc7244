"""Committee edits are checked by the same models as the organisation file."""

from __future__ import annotations

import pytest

from caseflow.errors import InvalidInput
from caseflow.meetings.committees import CommitteeChange, changed
from caseflow.organisation import CommitteeSpec

BIU = CommitteeSpec(
    code="BIU",
    name="Beskæftigelses- og Integrationsudvalget",
    secretariat_email="biu@kk.example",
    chair="Formand",
    members=["A", "B"],
)


def test_only_what_is_given_changes() -> None:
    after = changed(BIU, CommitteeChange(deadline_working_days=10, add_members=["C", "A"]))
    assert after.agenda.deadline_working_days == 10
    assert after.agenda.send_weekdays_before == BIU.agenda.send_weekdays_before
    assert after.members == ["A", "B", "C"]  # adding a member twice keeps one
    assert after.chair == "Formand"
    assert BIU.agenda.deadline_working_days == 8  # the original is untouched


def test_an_empty_text_clears_an_optional_value() -> None:
    after = changed(BIU, CommitteeChange(chair="", secretariat_email=""))
    assert after.chair is None
    assert after.secretariat_email is None


def test_removing_someone_who_is_not_a_member_names_the_members() -> None:
    with pytest.raises(InvalidInput, match="members: A, B"):
        changed(BIU, CommitteeChange(remove_members=["Z"]))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (CommitteeChange(deadline_working_days=-1), "greater than or equal to 0"),
        (CommitteeChange(send_weekdays_before=31), "less than or equal to 30"),
        (CommitteeChange(kind="permanent"), "'standing' or 'temporary'"),
        (CommitteeChange(late_items="ignore"), "'refuse' or 'approval'"),
    ],
)
def test_invalid_values_are_refused_with_the_rule(change: CommitteeChange, message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        changed(BIU, change)
