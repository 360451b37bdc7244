"""The guard registry: each guard passing, failing with its reason, and checking params."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import pytest

from caseflow.definitions import COMMENT_REQUIRED, GUARDS, GuardSpec, check_guards
from caseflow.domain import Actor, Attachment, Case, Origin, OriginKind, RoleGrant

NOW = datetime(2009, 5, 14, 10, 0, tzinfo=UTC)


def make_case(**changes: Any) -> Case:
    """A case with everything filled in, so each test empties just what it checks."""
    case = Case(
        id=1,
        journal_no="2009-68440",
        title="Styring af de politiske processer",
        workflow_id="committee-case",
        workflow_version="v1",
        state="drafting",
        version=1,
        origin=Origin(OriginKind.ENQUIRY, member="A. Member", committee="BIU"),
        lead_administration="TMF",
        participating_administrations=["BIF"],
        committee="BIU",
        summary="Hvordan styres de politiske processer?",
        recommendations=["at udvalget drøfter sagen"],
        sections={"problemstilling": "p", "losning": "l", "okonomi": "ø"},
        attachments=[Attachment("2009-300035", "Notat fra TMF")],
        fields={"decision": "Drøftet.", "meeting": "BIU 2009-05-14"},
        case_officer="bif-officer",
        created_at=NOW,
        updated_at=NOW,
        audit_head="",
    )
    return replace(case, **changes)


OFFICER = Actor("bif-officer", "BIF officer", grants=(RoleGrant("case_officer", "BIF"),))
TMF_OFFICER = Actor("tmf-officer", "TMF officer", grants=(RoleGrant("case_officer", "TMF"),))
ADMIN = Actor("admin", "Administrator", grants=(RoleGrant("administrator"),))
SCOPED_ADMIN = Actor("bif-admin", "BIF admin", grants=(RoleGrant("administrator", "BIF"),))


def reasons(name: str, params: Any = None, *, case: Case | None = None, **kw: Any) -> list[str]:
    actor = kw.get("actor", OFFICER)
    comment = kw.get("comment", "because")
    return check_guards([GuardSpec(name=name, params=params)], case or make_case(), actor, comment)


def test_registry_names() -> None:
    assert set(GUARDS) == {
        "sections_filled",
        "fields_filled",
        "has_recommendations",
        "has_decision",
        "on_agenda",
        "has_attachments",
        "actor_in_lead_administration",
        "comment_given",
        "approved_by",
    }
    for name, guard in GUARDS.items():
        assert guard.name == name
        assert guard.description


def test_sections_filled() -> None:
    sections = ["problemstilling", "losning", "okonomi"]
    assert reasons("sections_filled", sections) == []
    blank = make_case(sections={"problemstilling": "p", "losning": "l", "okonomi": "  "})
    assert reasons("sections_filled", sections, case=blank) == ["section 'okonomi' is empty"]
    missing = make_case(sections={"problemstilling": "p"})
    assert reasons("sections_filled", sections, case=missing) == [
        "sections 'losning', 'okonomi' are empty"
    ]


def test_fields_filled_reads_case_attributes_and_custom_fields() -> None:
    assert reasons("fields_filled", ["summary", "committee", "meeting", "attachments"]) == []
    case = make_case(summary=" ", fields={})
    assert reasons("fields_filled", ["summary"], case=case) == ["field 'summary' is empty"]
    assert reasons("fields_filled", ["meeting"], case=case) == ["field 'meeting' is empty"]
    assert reasons("fields_filled", ["committee"], case=make_case(committee=None)) == [
        "field 'committee' is empty"
    ]
    assert reasons("fields_filled", ["attachments"], case=make_case(attachments=[])) == [
        "field 'attachments' is empty"
    ]
    zero = make_case(fields={"amount": 0})
    assert reasons("fields_filled", ["amount"], case=zero) == []  # 0 is a value


def test_has_recommendations() -> None:
    assert reasons("has_recommendations") == []
    for empty in ([], ["  "]):
        (reason,) = reasons("has_recommendations", case=make_case(recommendations=empty))
        assert "no recommendations" in reason


def test_has_decision() -> None:
    assert reasons("has_decision") == []
    (reason,) = reasons("has_decision", case=make_case(fields={"decision": ""}))
    assert "decision" in reason


def test_on_agenda() -> None:
    assert reasons("on_agenda") == []
    (reason,) = reasons("on_agenda", case=make_case(fields={}))
    assert "not on a meeting's agenda" in reason


def test_has_attachments() -> None:
    assert reasons("has_attachments") == []
    (reason,) = reasons("has_attachments", case=make_case(attachments=[]))
    assert "no attachments" in reason


def test_actor_in_lead_administration() -> None:
    assert reasons("actor_in_lead_administration", actor=TMF_OFFICER) == []
    assert reasons("actor_in_lead_administration", actor=ADMIN) == []
    (reason,) = reasons("actor_in_lead_administration", actor=OFFICER)  # BIF only takes part
    assert reason == "bif-officer holds no role in the lead administration 'TMF'"
    (reason,) = reasons("actor_in_lead_administration", actor=SCOPED_ADMIN)
    assert "'TMF'" in reason
    no_lead = make_case(lead_administration=None)
    assert reasons("actor_in_lead_administration", case=no_lead, actor=ADMIN) == []
    (reason,) = reasons("actor_in_lead_administration", case=no_lead, actor=TMF_OFFICER)
    assert "no lead administration" in reason


def test_comment_given() -> None:
    assert reasons("comment_given", comment="Mangler økonomi") == []
    for comment in (None, "", "   "):
        assert reasons("comment_given", comment=comment) == [COMMENT_REQUIRED]


def test_check_guards_reports_every_failure() -> None:
    case = make_case(recommendations=[], sections={}, fields={})
    specs = [
        GuardSpec(name="sections_filled", params=["okonomi"]),
        GuardSpec(name="has_recommendations"),
        GuardSpec(name="comment_given"),
    ]
    assert len(check_guards(specs, case, OFFICER, None)) == 3
    assert check_guards([], case, OFFICER, None) == []


def test_unknown_guard_fails_closed() -> None:
    assert reasons("teleport") == ["guard 'teleport' is not known to this version of caseflow"]


@pytest.mark.parametrize("name", ["sections_filled", "fields_filled"])
@pytest.mark.parametrize("params", [None, 3, "okonomi", [], [""], [3], {"a": 1}])
def test_name_list_guards_reject_bad_params(name: str, params: Any) -> None:
    assert GUARDS[name].validate_params(params) is not None


def test_name_list_guards_reject_repeats() -> None:
    problem = GUARDS["sections_filled"].validate_params(["okonomi", "okonomi"])
    assert problem == "lists section 'okonomi' more than once"


@pytest.mark.parametrize("name", ["sections_filled", "fields_filled", "approved_by"])
def test_name_list_guards_accept_names(name: str) -> None:
    assert GUARDS[name].validate_params(["okonomi", "losning"]) is None


@pytest.mark.parametrize(
    "name",
    [n for n in GUARDS if n not in ("sections_filled", "fields_filled", "approved_by")],
)
def test_parameterless_guards(name: str) -> None:
    assert GUARDS[name].validate_params(None) is None
    assert GUARDS[name].validate_params(["x"]) is not None
    assert GUARDS[name].params_schema is None


def test_approved_by_reads_the_chain_state_recorded_on_the_case() -> None:
    """The approval services record the steps approved in field approved_by."""
    half = make_case(fields={"approved_by": ["office_head"]})
    assert reasons("approved_by", ["office_head", "director"], case=half) == [
        "approval step(s) 'director' not approved yet"
    ]
    done = make_case(fields={"approved_by": ["office_head", "director"]})
    assert reasons("approved_by", ["office_head", "director"], case=done) == []
    assert reasons("approved_by", ["office_head"], case=make_case()) != []
