"""The pure parts of changing a workflow: the diff of a prepared pair of versions, the
migration plan's checks, and what a move does to deadlines (no database)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from string import Formatter

import pytest

from caseflow.calendar import COPENHAGEN_RULES, Calendars
from caseflow.deadlines.migration import (
    DeadlineAction,
    DeadlineBlocked,
    LiveDeadline,
    plan_deadlines,
)
from caseflow.deadlines.rules import compute_due
from caseflow.deadlines.vocabulary import DeadlineStatus
from caseflow.definitions import load_workflow_file, load_workflow_text
from caseflow.definitions.diff import CATEGORIES, ChangeKind, WorkflowDiff, diff_workflows
from caseflow.definitions.migration_notes import (
    LoggedNote,
    MigrationNote,
    NoteKind,
    logged_notes,
    note_json,
)
from caseflow.definitions.migration_plan import MigrationPlan, check_plan, parse_mapping, unmapped
from caseflow.definitions.starter import starter_text
from caseflow.errors import InvalidInput
from caseflow.testing import copenhagen_time
from caseflow.web.i18n import Language, Words
from caseflow.web.texts_workflows import TEXTS

DATA = Path(__file__).resolve().parents[1] / "data" / "workflow_changes"
V1 = load_workflow_file(DATA / "v1.yaml")
V2 = load_workflow_file(DATA / "v2.yaml")
CALENDARS = Calendars.for_rules(COPENHAGEN_RULES)


def test_the_diff_of_the_prepared_pair_lists_every_change_by_category() -> None:
    diff = diff_workflows(V1.definition, V2.definition)
    found = {(c.category, c.key, c.kind) for c in diff.changes}
    assert found == {
        ("states", "approval", ChangeKind.REMOVED),
        ("states", "review", ChangeKind.ADDED),
        ("transitions", "submit", ChangeKind.CHANGED),
        ("transitions", "send_back", ChangeKind.CHANGED),
        ("transitions", "approve", ChangeKind.CHANGED),
        ("roles", "secretariat", ChangeKind.ADDED),
        ("guards", "submit: has_recommendations", ChangeKind.ADDED),
        ("deadline rules", "drafting_time", ChangeKind.CHANGED),
        ("deadline rules", "approval_time", ChangeKind.REMOVED),
        ("deadline rules", "review_time", ChangeKind.ADDED),
        ("notification rules", "approval_requested", ChangeKind.CHANGED),
    }
    (drafting,) = [c for c in diff.in_category("deadline rules") if c.key == "drafting_time"]
    assert [(f.field, f.old, f.new) for f in drafting.fields] == [
        ("due", "within 12 working days", "within 9 working days")
    ]
    (submit,) = [c for c in diff.in_category("transitions") if c.key == "submit"]
    assert [(f.field, f.old, f.new) for f in submit.fields] == [("dest", "approval", "review")]
    assert diff.touched_states() == ("approval",)
    assert diff.counts()["states"] == {"added": 1, "removed": 1, "changed": 0}
    assert diff.to_json()["identical"] is False


def test_a_version_compared_with_itself_is_identical_and_layout_does_not_count() -> None:
    moved = load_workflow_text("# a comment on top\n" + V1.source_text, "moved.yaml")
    diff = diff_workflows(V1.definition, moved.definition)
    assert diff.identical
    assert [c.name for c in CATEGORIES] == [
        "workflow",
        "states",
        "transitions",
        "roles",
        "guards",
        "deadline rules",
        "notification rules",
        "approval steps",
    ]


def _lines(diff: WorkflowDiff, *categories: str) -> list[str]:
    """The changes of ``categories`` as the command line's table rows read."""
    return [
        f"{c.category} | {c.key} | {c.kind} | "
        + "; ".join(f"{f.field}: {f.old!r} → {f.new!r}" for f in c.fields)
        for c in diff.changes
        if c.category in categories
    ]


def test_the_diff_lists_approval_steps_added_removed_and_changed() -> None:
    old = load_workflow_file(DATA / "chain-v1.yaml").definition
    new = load_workflow_file(DATA / "chain-v2.yaml").definition
    diff = diff_workflows(old, new)
    assert _lines(diff, "transitions", "approval steps", "deadline rules") == [
        "transitions | approve | changed | "
        "approval: 'office_head → deputy → director' → 'office_head → legal → director'",
        "approval steps | approve: office_head | changed | "
        "deadline: 'within 3 working days; reminders 1; escalate to director' → "
        "'within 2 working days; reminders 1; escalate to director'",
        "approval steps | approve: deputy | removed | ",
        "approval steps | approve: director | changed | "
        "actions: ['approve', 'approve_with_condition', 'return'] → "
        "['approve', 'approve_with_condition', 'return', 'skip']",
        "approval steps | approve: legal | added | ",
    ]
    # The step's deadline is compared with its step, not again as a deadline rule.
    assert [c.category for c in diff.changes] == ["transitions", *["approval steps"] * 4]
    assert diff.counts()["approval steps"] == {"added": 1, "removed": 1, "changed": 2}
    (legal,) = [s for s in diff_workflows(old, new).changes if s.key == "approve: legal"]
    assert legal.to_json() == {
        "category": "approval steps",
        "key": "approve: legal",
        "kind": "added",
        "fields": [],
    }


def test_a_step_s_approvers_mode_and_owner_are_compared() -> None:
    old = load_workflow_file(DATA / "chain-v2.yaml")
    text = old.source_text.replace(
        "approvers: [{person: bif.jurist}, {role: approver}]\n          mode: n_of_m\n"
        "          n: 2\n",
        "approvers: [{unit: BIF}]\n          mode: all\n          owner: director\n",
    )
    new = load_workflow_text(text, "changed.yaml").definition
    assert _lines(diff_workflows(old.definition, new), "approval steps") == [
        "approval steps | approve: legal | changed | "
        "approvers: ['person bif.jurist', 'role approver'] → ['unit BIF']; "
        "mode: 'n_of_m: 2' → 'all'; owner: 'approver' → 'director'"
    ]


def test_a_chain_added_to_committee_case_lists_its_steps_and_the_chain_s_shape() -> None:
    workflows = Path(__file__).resolve().parents[2] / "workflows"
    old = load_workflow_file(DATA / "committee-case-single.yaml").definition
    new = load_workflow_file(workflows / "committee-case.yaml").definition
    diff = diff_workflows(old, new)
    assert _lines(diff, "approval steps") == [
        "approval steps | approve: office_head | added | ",
        "approval steps | approve: director | added | ",
    ]
    (approve,) = [c for c in diff.in_category("transitions") if c.key == "approve"]
    shape = {f.field: (f.old, f.new) for f in approve.fields}
    assert shape["approval"] == (None, "office_head → director")
    assert shape["approval.on_return"] == (None, "fire send_back, restart from first")
    assert shape["approval.allow_drafter"] == (None, False)
    removed_rules = {
        c.key for c in diff.in_category("deadline rules") if c.kind is ChangeKind.REMOVED
    }
    added_rules = {c.key for c in diff.in_category("deadline rules") if c.kind is ChangeKind.ADDED}
    assert removed_rules == {"approval_time"}
    assert added_rules == set()  # the steps' rules are the steps'


def test_a_trigger_written_twice_is_keyed_by_its_sources() -> None:
    text = V1.source_text.replace(
        "  - trigger: approve\n",
        "  - trigger: start\n    from: approval\n    to: drafting\n    roles: [approver]\n"
        "  - trigger: approve\n",
    )
    twice = load_workflow_text(text, "twice.yaml")
    keys = {c.key for c in diff_workflows(V1.definition, twice.definition).changes}
    assert keys == {"start", "start [received]", "start [approval]"}


def test_a_mapping_is_parsed_and_a_malformed_one_refused_with_its_text() -> None:
    assert parse_mapping(["approval=review", " drafting = drafting "]) == {
        "approval": "review",
        "drafting": "drafting",
    }
    for bad in ("approval", "approval=", "Approval=review", "a=b=c"):
        with pytest.raises(InvalidInput) as refused:
            parse_mapping([bad])
        assert refused.value.params["item"] == bad
    with pytest.raises(InvalidInput, match="mapped twice"):
        parse_mapping(["approval=review", "approval=drafting"])


def test_the_plan_names_unknown_states_and_unmapped_occupied_ones() -> None:
    plan = MigrationPlan("change-request", V2.version, mapping={"aproval": "reveiw"})
    problems = check_plan(plan, [V1.definition], V2.definition)
    assert len(problems) == 2
    assert "'aproval' is not a state" in problems[0]
    assert "no state 'reveiw'" in problems[1]
    occupied = {(V1.version, "drafting"): 3, (V1.version, "approval"): 2, (V2.version, "x"): 1}
    bare = MigrationPlan("change-request", V2.version)
    assert unmapped(bare, occupied, V2.definition) == {(V1.version, "approval"): 2}
    mapped = MigrationPlan("change-request", V2.version, mapping={"approval": "review"})
    assert unmapped(mapped, occupied, V2.definition) == {}
    only_drafting = MigrationPlan("change-request", V2.version, where_states=("drafting",))
    assert unmapped(only_drafting, occupied, V2.definition) == {}


def _live(rule_id: str, start: datetime, days: int, status: DeadlineStatus) -> LiveDeadline:
    rule = V1.definition.deadline(rule_id)
    due = compute_due(rule, start=start, fields={}, calendars=CALENDARS)
    assert due is not None
    return LiveDeadline(7, rule_id, status, start, due.due_at, due.reminders)


def test_an_open_deadline_is_recomputed_from_its_start_as_hand_computed() -> None:
    # Thursday 14 May 2009. 12 working days: 15, 18, 19, 20, (21 Ascension), 22, 25, 26,
    # 27, 28, 29, (1 June Whit Monday), 2, 3 June; 9 working days end on 28 May.
    start = copenhagen_time("2009-05-14 10:00")
    live = _live("drafting_time", start, 12, DeadlineStatus.OPEN)
    assert live.due_at == copenhagen_time("2009-06-03 23:59:59")
    (move,) = plan_deadlines(
        [live],
        old=V1.definition,
        new=V2.definition,
        new_state="drafting",
        state_entered_at=start,
        fields={},
        calendars=CALENDARS,
    )
    assert move.action is DeadlineAction.RECOMPUTE
    assert move.due is not None
    assert move.due.due_at == copenhagen_time("2009-05-28 23:59:59")
    assert move.reason == "deadline 'drafting_time' recomputed from 12 to 9 working days"
    # The reminder, 2 working days before: Tuesday 26 May at 08:00.
    assert move.due.reminders == (copenhagen_time("2009-05-26 08:00"),)


def test_a_removed_rule_cancels_its_deadline_and_a_new_one_starts_from_the_entry() -> None:
    entered = copenhagen_time("2009-05-18 09:00")  # a Monday
    live = _live("approval_time", entered, 5, DeadlineStatus.OPEN)
    moves = plan_deadlines(
        [live],
        old=V1.definition,
        new=V2.definition,
        new_state="review",
        state_entered_at=entered,
        fields={},
        calendars=CALENDARS,
    )
    cancel, start = moves
    assert cancel.action is DeadlineAction.CANCEL
    assert cancel.deadline_id == 7
    assert "no such rule" in cancel.reason
    assert start.action is DeadlineAction.START
    assert start.rule_id == "review_time"
    # 3 working days after Monday 18 May: 19, 20, (21 Ascension), 22 May.
    assert start.due is not None
    assert start.due.due_at == copenhagen_time("2009-05-22 23:59:59")


def test_a_paused_deadline_keeps_its_days_and_one_not_running_in_the_new_state_is_cancelled() -> (
    None
):
    start = copenhagen_time("2009-05-14 10:00")
    paused = _live("drafting_time", start, 12, DeadlineStatus.PAUSED)
    (kept,) = plan_deadlines(
        [paused],
        old=V1.definition,
        new=V2.definition,
        new_state="drafting",
        state_entered_at=start,
        fields={},
        calendars=CALENDARS,
    )
    assert kept.action is DeadlineAction.KEEP
    assert kept.warning is None
    (cancelled,) = plan_deadlines(
        [_live("drafting_time", start, 12, DeadlineStatus.OPEN)],
        old=V1.definition,
        new=V2.definition,
        new_state="received",
        state_entered_at=start,
        fields={},
        calendars=CALENDARS,
    )
    assert cancelled.action is DeadlineAction.CANCEL
    assert "does not run in state 'received'" in cancelled.reason


def test_the_starting_file_validates_and_a_bad_id_is_refused() -> None:
    loaded = load_workflow_text(starter_text("member-question"), "member-question.yaml")
    assert loaded.definition.id == "member-question"
    assert "# " in starter_text("x")  # commented
    with pytest.raises(InvalidInput, match="not a workflow id"):
        starter_text("Member Question")


def test_a_due_date_the_new_rule_cannot_compute_blocks_the_case() -> None:
    text = V2.source_text.replace("due: within 9 working days", "due: at field drafting_due")
    by_field = load_workflow_text(text, "by-field.yaml")
    start = copenhagen_time("2009-05-14 10:00")
    live = _live("drafting_time", start, 12, DeadlineStatus.OPEN)
    with pytest.raises(DeadlineBlocked, match="drafting_time"):
        plan_deadlines(
            [live],
            old=V1.definition,
            new=by_field.definition,
            new_state="drafting",
            state_entered_at=start,
            fields={"drafting_due": "not a date"},
            calendars=CALENDARS,
        )
    (cancelled,) = plan_deadlines(
        [live],
        old=V1.definition,
        new=by_field.definition,
        new_state="drafting",
        state_entered_at=start,
        fields={},
        calendars=CALENDARS,
    )
    assert cancelled.action is DeadlineAction.CANCEL
    assert "needs a field" in cancelled.reason


def test_every_kind_of_change_has_its_words_on_the_web_page() -> None:
    missing = [
        c.name for c in CATEGORIES if f"wfc_category_{c.name.replace(' ', '_')}" not in TEXTS
    ]
    assert missing == []
    assert TEXTS["wfc_category_approval_steps"] == ("godkendelsestrin", "approval step")


# The English each kind of note had as a bare string before notes were typed: the command
# line and --json print exactly these.
OLD_TEXTS = {
    NoteKind.MOVES_STATE: "moves from 'approval' to 'review'",
    NoteKind.ON_PUBLISHED_AGENDA: "on a published agenda",
    NoteKind.APPROVAL_STEP_OPEN: "an approval step is open: 'office_head' of 'approve'",
    NoteKind.APPROVAL_STEP_REPLACED: (
        "an approval step is open: 'office_head' of 'approve'; the new version has 'head' "
        "in its place"
    ),
    NoteKind.DEADLINE_RECOMPUTED: "deadline 'drafting_time' recomputed from 12 to 9 working days",
    NoteKind.DEADLINE_REMINDERS_RECOMPUTED: "deadline 'drafting_time': its reminders recomputed",
    NoteKind.DEADLINE_CANCELLED_RULE_REMOVED: (
        "deadline 'approval_time' cancelled: the new version has no such rule"
    ),
    NoteKind.DEADLINE_CANCELLED_NOT_IN_STATE: (
        "deadline 'drafting_time' cancelled: in the new version it does not run in state 'received'"
    ),
    NoteKind.DEADLINE_CANCELLED_FIELD_MISSING: (
        "deadline 'drafting_time' cancelled: the new rule needs a field the case lacks"
    ),
    NoteKind.DEADLINE_STARTED: (
        "new deadline 'review_time' started from entering 'review' on 2009-05-18"
    ),
    NoteKind.STATE_NOT_IN_NEW_VERSION: (
        "state 'approval' is not in the new version: map it with --map approval=STATE"
    ),
    NoteKind.APPROVAL_CHAIN_NOT_IN_STATE: (
        "an approval step is open: 'office_head' of 'approve', and in the new version no "
        "chain of 'approve' runs in state 'drafting': move the case when its round has ended"
    ),
    NoteKind.APPROVAL_STEP_MISSING: (
        "an approval step is open: 'deputy' of 'approve', and the new version's chain of "
        "'approve' has no step 3: move the case when its round has ended"
    ),
    NoteKind.DEADLINE_NOT_RECOMPUTABLE: "deadline 'drafting_time' cannot be recomputed: bad",
    NoteKind.DEADLINE_NOT_STARTABLE: "deadline 'review_time' cannot be started: bad",
    NoteKind.CHANGED_WHILE_MOVING: "it changed while being moved; run the migration again for it",
    NoteKind.DATABASE_REFUSED: "the database refused it: IntegrityError",
    NoteKind.EVENTS_SINCE: "it had events since the migration (version 4 then, 5 now)",
    NoteKind.APPROVAL_ROUND_OPENED: (
        "an approval round of 'approve' is opened at step 1 'office_head', due 2009-05-25"
    ),
    NoteKind.APPROVAL_ROUND_OPENED_UNTIMED: (
        "an approval round of 'approve' is opened at step 2 'director'"
    ),
    NoteKind.REVERT_ROUND_CANCELLED: (
        "approval round 1 of 'approve' cancelled: migration 3, which opened it, is reverted"
    ),
    NoteKind.REVERT_DEADLINE_CANCELLED: (
        "deadline 'approval.approve.office_head' cancelled: migration 3, which started it, "
        "is reverted"
    ),
}
PARAMS: dict[NoteKind, dict[str, str | int]] = {
    NoteKind.MOVES_STATE: {"from_state": "approval", "to_state": "review"},
    NoteKind.ON_PUBLISHED_AGENDA: {},
    NoteKind.APPROVAL_STEP_OPEN: {"step": "office_head", "trigger": "approve"},
    NoteKind.APPROVAL_STEP_REPLACED: {
        "step": "office_head",
        "trigger": "approve",
        "new_step": "head",
    },
    NoteKind.DEADLINE_RECOMPUTED: {"rule": "drafting_time", "old_days": 12, "new_days": 9},
    NoteKind.DEADLINE_REMINDERS_RECOMPUTED: {"rule": "drafting_time"},
    NoteKind.DEADLINE_CANCELLED_RULE_REMOVED: {"rule": "approval_time"},
    NoteKind.DEADLINE_CANCELLED_NOT_IN_STATE: {"rule": "drafting_time", "state": "received"},
    NoteKind.DEADLINE_CANCELLED_FIELD_MISSING: {"rule": "drafting_time"},
    NoteKind.DEADLINE_STARTED: {"rule": "review_time", "state": "review", "date": "2009-05-18"},
    NoteKind.STATE_NOT_IN_NEW_VERSION: {"state": "approval"},
    NoteKind.APPROVAL_CHAIN_NOT_IN_STATE: {
        "step": "office_head",
        "trigger": "approve",
        "state": "drafting",
    },
    NoteKind.APPROVAL_STEP_MISSING: {"step": "deputy", "trigger": "approve", "number": 3},
    NoteKind.DEADLINE_NOT_RECOMPUTABLE: {"rule": "drafting_time", "field": "d", "detail": "bad"},
    NoteKind.DEADLINE_NOT_STARTABLE: {"rule": "review_time", "field": "d", "detail": "bad"},
    NoteKind.CHANGED_WHILE_MOVING: {},
    NoteKind.DATABASE_REFUSED: {"error": "IntegrityError"},
    NoteKind.EVENTS_SINCE: {"then": 4, "now": 5},
    NoteKind.APPROVAL_ROUND_OPENED: {
        "trigger": "approve",
        "number": 1,
        "step": "office_head",
        "date": "2009-05-25",
    },
    NoteKind.APPROVAL_ROUND_OPENED_UNTIMED: {"trigger": "approve", "number": 2, "step": "director"},
    NoteKind.REVERT_ROUND_CANCELLED: {"trigger": "approve", "round": 1, "migration": 3},
    NoteKind.REVERT_DEADLINE_CANCELLED: {"rule": "approval.approve.office_head", "migration": 3},
}


@pytest.mark.parametrize("kind", list(NoteKind))
def test_every_kind_of_note_says_in_english_what_it_always_said(kind: NoteKind) -> None:
    said = MigrationNote(kind, PARAMS[kind])
    assert said.text == OLD_TEXTS[kind]
    assert said.to_json() == {"kind": str(kind), "params": PARAMS[kind], "text": OLD_TEXTS[kind]}


def test_a_log_row_gives_back_typed_notes_and_older_rows_their_text() -> None:
    moved = MigrationNote(NoteKind.MOVES_STATE, PARAMS[NoteKind.MOVES_STATE])
    why = MigrationNote(NoteKind.CHANGED_WHILE_MOVING, {})
    stored = [
        note_json(LoggedNote(moved.text, moved)),
        note_json(LoggedNote(why.text, why), reason=True),
        "on a published agenda",  # written before notes were typed
        {"kind": "gone_kind", "params": {}, "text": "a kind no longer known"},
    ]
    warnings, reasons = logged_notes(stored)
    assert [(n.text, n.note) for n in warnings] == [
        (moved.text, moved),
        ("on a published agenda", None),
        ("a kind no longer known", None),
    ]
    assert [(n.text, n.note) for n in reasons] == [(why.text, why)]


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in Formatter().parse(text) if name}


@pytest.mark.parametrize("kind", list(NoteKind))
def test_every_kind_of_note_has_its_danish_and_english_words_on_the_web_page(
    kind: NoteKind,
) -> None:
    danish, english = TEXTS[f"wfc_note_{kind}"]
    assert danish.strip()
    assert english.strip()
    # A phrasing names only values the note has, so a page can always fill it in.
    assert _placeholders(danish) <= set(PARAMS[kind]), danish
    assert _placeholders(english) <= set(PARAMS[kind]), english
    for language in Language:
        (said,) = Words(language).notes([MigrationNote(kind, PARAMS[kind])])
        assert said.lang is None  # in the page's language
        for name, value in PARAMS[kind].items():
            if name in _placeholders(TEXTS[f"wfc_note_{kind}"][Words(language).index]):
                assert (str(value) if name != "date" else "2009") in said.text


def test_the_web_phrases_a_note_from_its_params_and_an_older_rows_text_as_it_is() -> None:
    recomputed = MigrationNote(NoteKind.DEADLINE_RECOMPUTED, PARAMS[NoteKind.DEADLINE_RECOMPUTED])
    started = MigrationNote(NoteKind.DEADLINE_STARTED, PARAMS[NoteKind.DEADLINE_STARTED])
    older = LoggedNote("on a published agenda")  # a log row written before notes were typed
    danish = Words(Language.DA).notes([recomputed, LoggedNote(started.text, started), older])
    assert [(p.text, p.lang) for p in danish] == [
        ("fristen »drafting_time« genberegnet fra 12 til 9 arbejdsdage", None),
        ("ny frist »review_time« regnet fra, at sagen kom i »review« den 18. maj 2009", None),
        ("on a published agenda", "en"),
    ]
    english = Words(Language.EN).notes([recomputed, started, older])
    assert [(p.text, p.lang) for p in english] == [
        ("deadline 'drafting_time' recomputed from 12 to 9 working days", None),
        ("new deadline 'review_time' started from entering 'review' on 18 May 2009", None),
        ("on a published agenda", None),
    ]
