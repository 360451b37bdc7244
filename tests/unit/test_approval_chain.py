"""The chain logic and the routing of approvals, without a database."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from caseflow.approvals.chain import (
    Action,
    ChainPosition,
    Outcome,
    OutcomeKind,
    Vote,
    decide,
    step_complete,
)
from caseflow.approvals.routing import (
    Absence,
    Delegation,
    DelegationScope,
    Person,
    SubstituteLoop,
    away_on,
    eligible_people,
    principals_for,
    resolve_substitute,
)
from caseflow.definitions.approval_schema import (
    ApprovalChain,
    ApprovalMode,
    ApprovalStep,
    Approver,
    ApproverKind,
)
from caseflow.domain import RoleGrant
from caseflow.errors import CaseflowError, ErrorCode

DAY = date(2009, 6, 2)


def step(
    name: str = "office_head",
    mode: ApprovalMode = ApprovalMode.ANY,
    n: int | None = None,
    *,
    skippable: bool = False,
    approvers: tuple[Approver, ...] | None = None,
) -> ApprovalStep:
    return ApprovalStep(
        name=name,
        approvers=approvers or (Approver(kind=ApproverKind.ROLE, value=name),),
        mode=mode,
        n=n,
        skippable=skippable,
        owner=name,
    )


def chain(
    *steps: ApprovalStep, restart_from: str = "first", allow_drafter: bool = False
) -> ApprovalChain:
    return ApprovalChain(
        trigger="approve",
        steps=steps,
        return_trigger="send_back",
        restart_from=restart_from,
        allow_drafter=allow_drafter,
    )


TWO = chain(step("office_head"), step("director"))


def act(
    c: ApprovalChain,
    position: ChainPosition,
    action: Action,
    who: str,
    eligible: set[str],
    text: str | None = None,
    drafters: tuple[str, ...] = ("sb",),
) -> Outcome:
    return decide(
        c,
        position,
        action,
        principal=who,
        actor=who,
        eligible=eligible,
        drafters=drafters,
        text=text,
    )


def test_any_completes_on_one_approval_and_opens_the_next_step() -> None:
    outcome = act(TWO, ChainPosition(0), Action.APPROVE, "kc", {"kc", "kc2"})
    assert outcome.kind is OutcomeKind.STEP_DONE
    assert outcome.next_index == 1
    last = act(TWO, ChainPosition(1), Action.APPROVE, "dir", {"dir"})
    assert last.kind is OutcomeKind.CHAIN_DONE


def test_all_needs_every_approver() -> None:
    c = chain(step(mode=ApprovalMode.ALL))
    first = act(c, ChainPosition(0), Action.APPROVE, "a", {"a", "b"})
    assert first.kind is OutcomeKind.RECORDED
    second = act(c, ChainPosition(0, (first.vote,)), Action.APPROVE, "b", {"a", "b"})
    assert second.kind is OutcomeKind.CHAIN_DONE


def test_n_of_m_needs_n() -> None:
    c = chain(step(mode=ApprovalMode.N_OF_M, n=2))
    eligible = {"a", "b", "c"}
    first = act(c, ChainPosition(0), Action.APPROVE, "a", eligible)
    assert first.kind is OutcomeKind.RECORDED
    second = act(
        c,
        ChainPosition(0, (first.vote,)),
        Action.APPROVE_WITH_CONDITION,
        "c",
        eligible,
        "Husk økonomien",
    )
    assert second.kind is OutcomeKind.CHAIN_DONE
    assert second.vote.text == "Husk økonomien"


def test_one_vote_per_principal() -> None:
    c = chain(step(mode=ApprovalMode.ALL))
    first = act(c, ChainPosition(0), Action.APPROVE, "a", {"a", "b"})
    with pytest.raises(CaseflowError) as caught:
        act(c, ChainPosition(0, (first.vote,)), Action.APPROVE, "a", {"a", "b"})
    assert caught.value.code is ErrorCode.ALREADY_APPROVED


def test_return_needs_a_comment_and_restarts_where_the_file_says() -> None:
    with pytest.raises(CaseflowError) as caught:
        act(TWO, ChainPosition(1), Action.RETURN, "dir", {"dir"})
    assert caught.value.code is ErrorCode.COMMENT_REQUIRED
    assert act(TWO, ChainPosition(1), Action.RETURN, "dir", {"dir"}, "Uklart").restart_index == 0
    returning = chain(step("office_head"), step("director"), restart_from="returning")
    assert (
        act(returning, ChainPosition(1), Action.RETURN, "dir", {"dir"}, "Uklart").restart_index == 1
    )
    named = chain(step("a"), step("b"), step("c"), restart_from="b")
    assert act(named, ChainPosition(2), Action.RETURN, "x", {"x"}, "Uklart").restart_index == 1


def test_skip_only_where_allowed() -> None:
    with pytest.raises(CaseflowError) as caught:
        act(TWO, ChainPosition(0), Action.SKIP, "kc", {"kc"})
    assert caught.value.code is ErrorCode.SKIP_NOT_ALLOWED
    c = chain(step("office_head", skippable=True), step("director"))
    assert act(c, ChainPosition(0), Action.SKIP, "kc", {"kc"}).kind is OutcomeKind.STEP_DONE


def test_a_condition_needs_its_text() -> None:
    with pytest.raises(CaseflowError) as caught:
        act(TWO, ChainPosition(0), Action.APPROVE_WITH_CONDITION, "kc", {"kc"}, "  ")
    assert caught.value.code is ErrorCode.TEXT_REQUIRED


def test_only_an_eligible_principal_acts() -> None:
    with pytest.raises(CaseflowError) as caught:
        act(TWO, ChainPosition(0), Action.APPROVE, "stranger", {"kc"})
    assert caught.value.code is ErrorCode.APPROVAL_NOT_YOURS


def test_the_drafter_may_approve_only_where_the_file_allows_it() -> None:
    with pytest.raises(CaseflowError) as caught:
        act(TWO, ChainPosition(0), Action.APPROVE, "sb", {"sb", "kc"})
    assert caught.value.code is ErrorCode.OWN_DRAFT
    allowed = chain(step("office_head"), allow_drafter=True)
    assert (
        act(allowed, ChainPosition(0), Action.APPROVE, "sb", {"sb"}).kind is OutcomeKind.CHAIN_DONE
    )


def test_the_drafter_standing_in_for_another_may_not_approve() -> None:
    with pytest.raises(CaseflowError) as caught:
        decide(
            TWO,
            ChainPosition(0),
            Action.APPROVE,
            principal="kc",
            actor="sb",
            eligible={"kc"},
            drafters=("sb",),
        )
    assert caught.value.code is ErrorCode.OWN_DRAFT


def test_eligible_people_by_role_unit_and_person() -> None:
    people = [
        Person("tmf.kc", (RoleGrant("office_head", administration="TMF"),)),
        Person("bif.kc", (RoleGrant("office_head", administration="BIF"),)),
        Person("okf.sb", (RoleGrant("case_officer", administration="ØKF"),)),
        Person("boss", (RoleGrant("office_head"),)),
        Person("named"),
    ]
    by_role = step(approvers=(Approver(kind=ApproverKind.ROLE, value="office_head"),))
    assert eligible_people(by_role, "TMF", people) == {"tmf.kc", "boss"}
    by_unit = step(approvers=(Approver(kind=ApproverKind.UNIT, value="ØKF"),))
    assert eligible_people(by_unit, "TMF", people) == {"okf.sb"}
    by_person = step(approvers=(Approver(kind=ApproverKind.PERSON, value="named"),))
    assert eligible_people(by_person, "TMF", people) == {"named"}


def absence(
    who: str, substitute: str, first: str = "2009-06-01", last: str = "2009-06-12"
) -> Absence:
    return Absence(who, substitute, date.fromisoformat(first), date.fromisoformat(last))


def test_substitutes_chain_to_the_first_who_is_not_away() -> None:
    away = away_on([absence("a", "b"), absence("b", "c")], DAY)
    assert resolve_substitute("a", away) == "c"
    assert resolve_substitute("c", away) is None
    assert resolve_substitute("a", away_on([absence("a", "b")], date(2009, 6, 13))) is None


def test_a_loop_of_substitutes_is_found() -> None:
    away = away_on([absence("a", "b"), absence("b", "c"), absence("c", "a")], DAY)
    with pytest.raises(SubstituteLoop) as caught:
        resolve_substitute("a", away)
    assert caught.value.params["chain"] == ["a", "b", "c", "a"]
    # Routing meets a loop by routing to nobody, not by failing.
    assert principals_for("b", {"a"}, away=away, delegations=(), day=DAY) == {}


def test_a_substitute_acts_only_in_the_absent_persons_place() -> None:
    away = away_on([absence("kc", "vikar")], DAY)
    assert principals_for("vikar", {"kc"}, away=away, delegations=(), day=DAY) == {
        "kc": "substitute"
    }
    # Not on a step the absent person is no approver of.
    assert principals_for("vikar", {"dir"}, away=away, delegations=(), day=DAY) == {}


def test_delegations_count_within_their_dates_and_scope() -> None:
    grant = Delegation("dir", "kc", DelegationScope.APPROVALS, date(2009, 6, 1), date(2009, 6, 5))
    assert principals_for("kc", {"dir"}, away={}, delegations=(grant,), day=DAY) == {
        "dir": "delegate"
    }
    assert principals_for("kc", {"dir"}, away={}, delegations=(grant,), day=date(2009, 6, 8)) == {}


# --- property: the drafter never approves their own draft -------------------------------------

PEOPLE = ["sb", "kc", "kc2", "dir", "vikar", "dep"]


@st.composite
def chains(draw: st.DrawFn) -> ApprovalChain:
    count = draw(st.integers(1, 4))
    steps = []
    for i in range(count):
        mode = draw(st.sampled_from(list(ApprovalMode)))
        steps.append(
            step(
                f"s{i}",
                mode,
                draw(st.integers(1, 3)) if mode is ApprovalMode.N_OF_M else None,
                skippable=draw(st.booleans()),
            )
        )
    return chain(*steps)


@given(
    c=chains(),
    eligible=st.lists(st.frozensets(st.sampled_from(PEOPLE), min_size=1), min_size=4, max_size=4),
    absences=st.lists(st.tuples(st.sampled_from(PEOPLE), st.sampled_from(PEOPLE)), max_size=4),
    grants=st.lists(st.tuples(st.sampled_from(PEOPLE), st.sampled_from(PEOPLE)), max_size=3),
    actions=st.lists(
        st.tuples(
            st.sampled_from(PEOPLE),
            st.sampled_from([Action.APPROVE, Action.APPROVE_WITH_CONDITION, Action.SKIP]),
        ),
        max_size=20,
    ),
)
def test_the_drafter_never_approves_their_own_draft(
    c: ApprovalChain,
    eligible: list[frozenset[str]],
    absences: list[tuple[str, str]],
    grants: list[tuple[str, str]],
    actions: list[tuple[str, Action]],
) -> None:
    """Whatever the chain, approvers, absences and grants, no approval or skip by the
    drafter (for themselves or standing in for anyone) is ever accepted."""
    away = away_on([absence(a, b) for a, b in absences if a != b], DAY)
    delegations = [
        Delegation(p, d, DelegationScope.APPROVALS, DAY, DAY) for p, d in grants if p != d
    ]
    position = ChainPosition(0)
    done = False
    for actor, action in actions:
        if done:
            break
        step_eligible = eligible[position.step_index]
        for principal in principals_for(
            actor, step_eligible, away=away, delegations=delegations, day=DAY
        ):
            try:
                outcome = decide(
                    c,
                    position,
                    action,
                    principal=principal,
                    actor=actor,
                    eligible=step_eligible,
                    drafters=("sb",),
                    text="Betingelse",
                )
            except CaseflowError:
                continue
            assert "sb" not in (outcome.vote.actor, outcome.vote.principal)
            if outcome.kind is OutcomeKind.RECORDED:
                position = ChainPosition(position.step_index, (*position.votes, outcome.vote))
            elif outcome.kind is OutcomeKind.STEP_DONE and outcome.next_index is not None:
                position = ChainPosition(outcome.next_index)
            else:
                done = True
            break


def test_step_complete_counts_principals_not_actors() -> None:
    s = step(mode=ApprovalMode.N_OF_M, n=2)
    votes = [Vote(0, "a", "a", Action.APPROVE), Vote(0, "a", "vikar", Action.APPROVE)]
    assert not step_complete(s, {"a", "b"}, votes)
