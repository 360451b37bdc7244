"""Notification rules in workflow files: parsing, defaults, every problem with file and line.

As in the other definition tests, a broken file marks the line its problem must
be reported on with ``#!``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from caseflow.definitions import (
    NotificationOn,
    NotificationRule,
    load_directory,
    load_workflow_text,
)
from caseflow.definitions.loader import definition_version, read_yaml
from caseflow.definitions.schema import WorkflowDefinition, json_schema
from caseflow.domain import AuditKind
from caseflow.errors import Problem
from caseflow.notifications.render import LANGUAGES, PARTS
from caseflow.testing import marked_line, replaced
from caseflow.testing import problems_in as problems_of

ROOT = Path(__file__).resolve().parents[2]
WORKFLOWS = ROOT / "workflows"

BASE = """\
id: mini
title: {da: Mini, en: Mini}
roles:
  clerk: {da: Sagsbehandler, en: Clerk}
  boss: {da: Chef, en: Boss}
states:
  new:
    owner: clerk
    initial: true
  working:
    owner: clerk
  done:
    final: true
transitions:
  - trigger: start
    from: new
    to: working
    roles: [clerk]
  - trigger: finish
    from: working
    to: done
    roles: [clerk, boss]
notifications:
  - id: to_boss
    on: {transition: start}
    template: transition
    to: [boss, clerk, boss]
  - id: letter
    on: {entering: done}
    template: fristbrev
    to: [{field: requester_email}, boss]
    language: da
"""


def line_of(text: str, needle: str) -> int:
    """The 1-based line of the one line that holds ``needle``."""
    (line,) = [i for i, line in enumerate(text.splitlines(), start=1) if needle in line]
    return line


def assert_single(tmp_path: Path, text: str, rule: str, *needles: str) -> Problem:
    """One problem, in this file, on the marked line, naming the rule and every needle."""
    problems, path = problems_of(tmp_path, text)
    assert len(problems) == 1, "\n".join(map(str, problems))
    problem = problems[0]
    shown = str(problem)
    assert problem.file == str(path)
    assert problem.line == marked_line(text), shown
    assert problem.where == rule, shown
    for needle in needles:
        assert needle in shown, f"{needle!r} not in {shown!r}"
    return problem


# --- parsing and defaults -------------------------------------------------------------------


def test_base_workflow_is_valid(tmp_path: Path) -> None:
    assert problems_of(tmp_path, BASE)[0] == []


def test_rules_are_resolved() -> None:
    to_boss, letter = load_workflow_text(BASE).definition.notifications
    assert to_boss == NotificationRule(
        id="to_boss",
        on=NotificationOn(kind="transition", name="start"),
        template="transition",
        to_roles=("boss", "clerk"),  # a role named twice counts once
        to_fields=(),
        language=None,  # the deployment's language
        line=to_boss.line,
    )
    assert to_boss.line == line_of(BASE, "- id: to_boss")
    assert letter.on == NotificationOn(kind="entering", name="done")
    assert (letter.to_roles, letter.to_fields) == (("boss",), ("requester_email",))
    assert letter.language == "da"
    assert letter.line == line_of(BASE, "- id: letter")


def test_no_rules_is_an_empty_tuple() -> None:
    text = BASE[: BASE.index("notifications:")]
    assert load_workflow_text(text).definition.notifications == ()
    assert load_workflow_text(text + "notifications: []\n").definition.notifications == ()


def test_version_ignores_where_a_rule_is_written() -> None:
    base = load_workflow_text(BASE).definition
    moved = load_workflow_text(BASE.replace("notifications:\n", "\n# rules\nnotifications:\n"))
    assert moved.definition.notifications[0].line == line_of(BASE, "- id: to_boss") + 2
    assert definition_version(moved.definition) == definition_version(base)
    changed = load_workflow_text(BASE.replace("    language: da\n", "    language: en\n"))
    assert definition_version(changed.definition) != definition_version(base)


@pytest.mark.parametrize(
    ("on", "kind", "trigger", "state", "expected"),
    [
        (("transition", "start"), "fire", "start", "working", True),
        (("transition", "start"), "fire", "finish", "done", False),
        (("transition", "start"), "edit", None, "working", False),
        (("entering", "working"), "fire", "start", "working", True),
        (("entering", "working"), "fire", "again", "working", True),  # a fire that stays
        (("entering", "working"), "fire", "finish", "done", False),
        (("entering", "new"), "open", None, "new", True),
        (("entering", "working"), "edit", None, "working", False),
        (("entering", "working"), "deadline", None, "working", False),
    ],
)
def test_which_events_a_rule_matches(
    on: tuple[str, str], kind: str, trigger: str | None, state: str, expected: bool
) -> None:
    rule = NotificationRule.model_validate(
        {"id": "r", "on": {"kind": on[0], "name": on[1]}, "template": "transition"}
    )
    assert rule.matches(AuditKind(kind), trigger, state) is expected


def test_definition_type_holds_rules() -> None:
    annotation = WorkflowDefinition.model_fields["notifications"].annotation
    assert annotation == tuple[NotificationRule, ...]


def broken(*pairs: tuple[str, str]) -> str:
    return replaced(BASE, *pairs)


# --- validation: one test per kind of problem ----------------------------------------------


def test_unknown_trigger(tmp_path: Path) -> None:
    text = broken(("on: {transition: start}", "on: {transition: strat} #!"))
    assert_single(
        tmp_path,
        text,
        "notification 'to_boss'",
        "'transition' names unknown trigger 'strat'",
        "did you mean 'start'",
        "triggers are: start, finish",
    )


def test_unknown_state(tmp_path: Path) -> None:
    text = broken(("on: {entering: done}", "on: {entering: dnoe} #!"))
    assert_single(
        tmp_path,
        text,
        "notification 'letter'",
        "'entering' names unknown state 'dnoe'",
        "did you mean 'done'",
        "states are: new, working, done",
    )


def test_unknown_role(tmp_path: Path) -> None:
    text = broken(("    to: [boss, clerk, boss]\n", "    to: [boss, mayor] #!\n"))
    assert_single(
        tmp_path,
        text,
        "notification 'to_boss'",
        "unknown role 'mayor'",
        "use one of: boss, clerk",
        "{field: NAME}",
    )


def test_unknown_role_in_a_block_list_is_reported_on_its_own_line(tmp_path: Path) -> None:
    text = broken(("    to: [boss, clerk, boss]\n", "    to:\n      - boss\n      - bos #!\n"))
    assert_single(tmp_path, text, "notification 'to_boss'", "did you mean 'boss'")


def test_duplicate_id(tmp_path: Path) -> None:
    text = broken(("  - id: letter\n", "  - id: to_boss #!\n"))
    problem = assert_single(
        tmp_path, text, "notification 'to_boss'", "duplicate notification id 'to_boss'"
    )
    assert f"first on line {line_of(BASE, '- id: to_boss')}" in problem.message


@pytest.mark.parametrize("name", ["Transition", "frist brev", "_base", "fristbrev.txt", "-x"])
def test_template_name_of_the_wrong_form(tmp_path: Path, name: str) -> None:
    text = broken(("template: transition", f"template: '{name}' #!"))
    assert_single(
        tmp_path,
        text,
        "notification 'to_boss'",
        f"'template' is {name!r}, which is not a valid name",
        "not starting with '_'",
    )


def test_a_template_name_is_not_checked_against_the_templates(tmp_path: Path) -> None:
    # Definitions do not know the templates folder; the shipped ones are tested below.
    assert problems_of(tmp_path, broken(("template: transition", "template: velkomst")))[0] == []


def test_empty_to(tmp_path: Path) -> None:
    text = broken(("    to: [boss, clerk, boss]\n", "    to: [] #!\n"))
    assert_single(tmp_path, text, "notification 'to_boss'", "'to' needs at least one entry")


def test_missing_to(tmp_path: Path) -> None:
    text = broken(
        ("    to: [boss, clerk, boss]\n", ""), ("  - id: to_boss\n", "  - id: to_boss #!\n")
    )
    assert_single(
        tmp_path, text, "notification 'to_boss'", "missing required key 'to'", "{field: requester"
    )


@pytest.mark.parametrize(
    ("entry", "needle"),
    [
        ("{feld: requester_email}", "a recipient is a role ('- approver') or a case field"),
        ("{field: Requester}", "'field' is 'Requester', which is not a case field name"),
        ("Boss", "'Boss' is not a role name"),
        ("3", "a recipient is a role"),
    ],
)
def test_a_recipient_of_the_wrong_form(tmp_path: Path, entry: str, needle: str) -> None:
    text = broken(("    to: [boss, clerk, boss]\n", f"    to:\n      - {entry} #!\n"))
    assert_single(tmp_path, text, "notification 'to_boss'", needle)


@pytest.mark.parametrize(
    ("on", "needle"),
    [
        ("{transition: start, entering: working}", "needs exactly one of transition or entering"),
        ("{}", "'on' needs exactly one of transition or entering: e.g."),
        ("{leaving: new}", "unknown key 'leaving'; allowed here: transition, entering"),
    ],
)
def test_on_needs_exactly_one_known_key(tmp_path: Path, on: str, needle: str) -> None:
    text = broken(("on: {transition: start}", f"on: {on} #!"))
    assert_single(tmp_path, text, "notification 'to_boss'", needle)


def test_only_danish_and_english(tmp_path: Path) -> None:
    text = broken(("    language: da\n", "    language: fr #!\n"))
    assert_single(tmp_path, text, "notification 'letter'", "'language' is 'fr'; it must be")


def test_unknown_key_in_a_rule(tmp_path: Path) -> None:
    text = broken(("    language: da\n", "    language: da\n    cc: [boss] #!\n"))
    assert_single(
        tmp_path, text, "notification 'letter'", "unknown key 'cc'", "allowed here: id, on"
    )


def test_every_notification_problem_at_once(tmp_path: Path) -> None:
    text = broken(
        ("on: {transition: start}", "on: {transition: strat}"),
        ("    to: [boss, clerk, boss]\n", "    to: [mayor]\n"),
        ("  - id: letter\n", "  - id: to_boss\n"),
        ("template: fristbrev", "template: Fristbrev"),
    )
    problems, _ = problems_of(tmp_path, text)
    shown = "\n".join(map(str, problems))
    assert [(p.line, p.where) for p in problems] == [
        (line_of(text, "strat"), "notification 'to_boss'"),
        (line_of(text, "mayor"), "notification 'to_boss'"),
        (line_of(BASE, "- id: letter"), "notification 'to_boss'"),  # now a second to_boss
        (line_of(text, "Fristbrev"), "notification 'to_boss'"),
    ], shown


def as_yaml_1_2(text: str) -> Any:
    """The data as editors read it (YAML 1.2): PyYAML's safe_load would turn 'on:' into True."""
    data, _, problems = read_yaml(text, "wf.yaml")
    assert problems == []
    return data


def test_schema_accepts_rules_and_rejects_bad_ones() -> None:
    jsonschema = pytest.importorskip("jsonschema")
    schema = json_schema()
    jsonschema.validate(as_yaml_1_2(BASE), schema)
    for old, new in (
        ("on: {transition: start}", "on: {transition: start, entering: working}"),
        ("on: {transition: start}", "on: {}"),
        ("    to: [boss, clerk, boss]\n", "    to: []\n"),
        ("    to: [boss, clerk, boss]\n", "    to: [{feld: x}]\n"),
        ("template: transition", "template: _base"),
        ("    language: da\n", "    language: fr\n"),
        ("  - id: letter\n", "  - id: Letter\n"),
    ):
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(as_yaml_1_2(broken((old, new))), schema)


# --- the shipped workflows ------------------------------------------------------------------


def test_shipped_workflows_have_their_rules() -> None:
    workflows = load_directory(WORKFLOWS)
    (fristbrev,) = workflows["access-request"].definition.notifications
    assert fristbrev.on == NotificationOn(kind="transition", name="send_fristbrev")
    assert (fristbrev.template, fristbrev.to_fields, fristbrev.language) == (
        "fristbrev",
        ("requester_email",),
        "da",
    )
    committee = {r.id: r for r in workflows["committee-case"].definition.notifications}
    assert committee["approval_requested"].to_roles == ("office_head",)
    assert committee["sent_back"].to_roles == ("case_officer",)
    assert committee["ready_for_agenda"].on == NotificationOn(
        kind="entering", name="ready_for_agenda"
    )
    assert committee["ready_for_agenda"].to_roles == ("secretariat",)


def test_every_template_the_shipped_workflows_name_exists_in_every_language() -> None:
    templates = ROOT / "templates" / "notifications"
    named = {
        rule.template
        for loaded in load_directory(WORKFLOWS).values()
        for rule in loaded.definition.notifications
    }
    assert named >= {"fristbrev", "transition"}
    missing = [
        f"{language}/{name}.{part}.j2"
        for name in sorted(named)
        for language in LANGUAGES
        for part in PARTS
        if not (templates / language / f"{name}.{part}.j2").is_file()
    ]
    assert missing == []
