"""Loading and validating workflow files: every kind of problem, with file and line.

Each broken file marks the line the problem must be reported on with ``#!``, so
the expected line number is read from the text instead of being counted by hand.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from textwrap import dedent
from typing import Any

import pytest
import yaml

from caseflow.definitions import (
    load_directory,
    load_workflow_file,
    load_workflow_text,
    read_yaml_with_lines,
    validate_files,
)
from caseflow.definitions.schema import json_schema, json_schema_text
from caseflow.errors import DefinitionError, Problem
from caseflow.testing import marked_line

ROOT = Path(__file__).resolve().parents[2]
WORKFLOWS = ROOT / "workflows"
SHIPPED = sorted(WORKFLOWS.glob("*.yaml"))

VALID = """\
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
"""


def check(tmp_path: Path, text: str, name: str = "wf.yaml") -> tuple[list[Problem], Path]:
    path = tmp_path / name
    path.write_text(dedent(text), encoding="utf-8")
    return validate_files([path]), path


def assert_single(tmp_path: Path, text: str, *needles: str, name: str = "wf.yaml") -> Problem:
    """The file has exactly one problem, on the marked line, mentioning every needle."""
    problems, path = check(tmp_path, text, name)
    assert len(problems) == 1, "\n".join(map(str, problems))
    problem = problems[0]
    shown = str(problem)
    assert problem.file == str(path)
    assert problem.line == marked_line(dedent(text)), shown
    assert shown.startswith(f"{path}:{problem.line}:")
    for needle in needles:
        assert needle in shown, f"{needle!r} not in {shown!r}"
    return problem


# --- the shipped workflows ---------------------------------------------------------------


def test_shipped_workflows_exist() -> None:
    assert {p.name for p in SHIPPED} >= {"committee-case.yaml", "access-request.yaml"}


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_shipped_workflow_has_no_problems(path: Path) -> None:
    assert validate_files([path]) == []
    loaded = load_workflow_file(path)
    assert loaded.path == str(path)
    assert loaded.source_text.startswith("# yaml-language-server: $schema=workflow.schema.json")


def test_load_directory_keys_by_id() -> None:
    workflows = load_directory(WORKFLOWS)
    assert set(workflows) >= {"committee-case", "access-request"}
    committee = workflows["committee-case"].definition
    assert committee.initial_state == "registered"
    triggers = {t.trigger for t in committee.transitions}
    assert triggers >= {
        "start_drafting",
        "submit_for_approval",
        "send_back",
        "approve",
        "put_on_agenda",
        "decide",
        "postpone",
        "refer",
        "return_for_information",
        "start_follow_up",
        "close",
        "withdraw",
    }
    assert set(committee.roles) >= {
        "case_officer",
        "office_head",
        "director",
        "secretariat",
        "committee",
        "steering_group",
        "administrator",
    }


def test_every_title_is_in_both_languages() -> None:
    for loaded in load_directory(WORKFLOWS).values():
        definition = loaded.definition
        assert all(s.title is not None for s in definition.states.values())
        assert all(t.title is not None for t in definition.transitions)


# --- what a definition looks like --------------------------------------------------------


def test_definition_resolves_the_file() -> None:
    text = VALID.replace("    from: working\n", '    from: "*"\n')
    definition = load_workflow_text(text).definition
    assert list(definition.states) == ["new", "working", "done"]
    finish = definition.transitions[1]
    assert finish.sources == ("new", "working")  # "*": every non-final state, in file order
    assert finish.roles == ("clerk", "boss")
    assert finish.line == 19
    assert definition.state("done").final
    assert definition.state("new").name == "new"


def test_guards_are_normalised() -> None:
    text = VALID.replace(
        "    roles: [clerk, boss]\n",
        "    roles: [clerk, boss]\n"
        "    guards:\n      - comment_given\n      - sections_filled: [okonomi]\n",
    )
    guards = load_workflow_text(text).definition.transitions[1].guards
    assert [(g.name, g.params) for g in guards] == [
        ("comment_given", None),
        ("sections_filled", ["okonomi"]),
    ]


def test_deadlines_and_notifications_may_be_empty() -> None:
    # Both are interpreted: tests/unit/test_deadline_rules.py, test_notification_rules.py.
    text = VALID + "deadlines: []\nnotifications: []\n"
    definition = load_workflow_text(text).definition
    assert definition.deadlines == ()
    assert definition.notifications == ()


def test_version_ignores_comments_and_layout_but_not_content() -> None:
    base = load_workflow_text(VALID).version
    assert len(base) == 64
    relaid = "# a comment\n\n" + VALID.replace("roles: [clerk]", "roles:\n      - clerk")
    assert load_workflow_text(relaid).version == base
    changed = VALID.replace("en: Clerk", "en: Case officer")
    assert load_workflow_text(changed).version != base


def test_states_named_like_yaml_booleans_stay_names() -> None:
    text = VALID.replace("  done:\n", "  no:\n").replace("to: done", 'to: "no"')
    assert "no" in load_workflow_text(text).definition.states


def test_yaml_anchors_and_merge_keys_work() -> None:
    text = VALID.replace(
        "  working:\n    owner: clerk\n",
        "  working: &base\n    owner: clerk\n  waiting:\n    <<: *base\n",
    ).replace(
        "    from: working\n",
        "    from: [working, waiting]\n",
    )
    text += "  - trigger: wait\n    from: working\n    to: waiting\n    roles: [clerk]\n"
    definition = load_workflow_text(text).definition
    assert definition.state("waiting").owner == "clerk"


# --- one test per kind of problem ----------------------------------------------------------


def test_bad_yaml_syntax(tmp_path: Path) -> None:
    text = VALID.replace("    owner: clerk\n  done:", "    owner: clerk: boss #!\n  done:")
    problems, path = check(tmp_path, text)
    assert len(problems) == 1
    assert problems[0].line == marked_line(text)
    assert "invalid YAML" in str(problems[0])
    assert str(path) in str(problems[0])


def test_top_level_must_be_a_mapping(tmp_path: Path) -> None:
    assert_single(tmp_path, "- a #!\n- b\n", "must be a mapping")


def test_empty_file(tmp_path: Path) -> None:
    problems, path = check(tmp_path, "# nothing here\n")
    assert [p.file for p in problems] == [str(path)]
    assert "empty" in problems[0].message


def test_duplicate_key(tmp_path: Path) -> None:
    text = VALID.replace(
        "    owner: clerk\n  done:", "    owner: clerk\n    owner: boss #!\n  done:"
    )
    assert_single(tmp_path, text, "duplicate key 'owner'", "first on line 11", "state 'working'")


def test_key_repeated_three_times(tmp_path: Path) -> None:
    text = VALID.replace("id: mini\n", "id: mini\nid: mini\nid: mini\n")
    problems, _ = check(tmp_path, text)
    assert [(p.line, "first on line 1" in p.message) for p in problems] == [(2, True), (3, True)]


def test_duplicate_state(tmp_path: Path) -> None:
    text = VALID.replace("  done:\n", "  working: #!\n    owner: boss\n  done:\n")
    assert_single(tmp_path, text, "duplicate key 'working'", "state 'working'")


def test_unknown_key_in_state(tmp_path: Path) -> None:
    text = VALID.replace(
        "    owner: clerk\n  done:", "    owner: clerk\n    colour: red #!\n  done:"
    )
    assert_single(tmp_path, text, "unknown key 'colour'", "state 'working'", "allowed here")


def test_unknown_key_in_transition_suggests(tmp_path: Path) -> None:
    text = VALID.replace("roles: [clerk, boss]", "roles: [clerk, boss]\n    rolse: [x] #!")
    assert_single(
        tmp_path, text, "unknown key 'rolse'", "did you mean 'roles'", "transition 'finish' (#2)"
    )


def test_unknown_top_level_key(tmp_path: Path) -> None:
    assert_single(tmp_path, VALID + "colour: red #!\n", "unknown key 'colour'")


def test_missing_key(tmp_path: Path) -> None:
    text = VALID.replace("  - trigger: finish\n", "  - trigger: finish #!\n").replace(
        "    to: done\n", ""
    )
    assert_single(tmp_path, text, "missing required key 'to'", "transition 'finish' (#2)")


def test_missing_translation(tmp_path: Path) -> None:
    text = VALID.replace("  boss: {da: Chef, en: Boss}", "  boss: {da: Chef} #!")
    assert_single(tmp_path, text, "missing required key 'en'", "role 'boss'")


def test_wrong_type(tmp_path: Path) -> None:
    text = VALID.replace("    initial: true\n", '    initial: "yes" #!\n')
    assert_single(tmp_path, text, "'initial' should be true or false", "state 'new'")


def test_text_that_yaml_reads_as_boolean(tmp_path: Path) -> None:
    text = VALID.replace("  boss: {da: Chef, en: Boss}", "  boss: {da: Chef, en: no} #!")
    assert_single(tmp_path, text, "'en' should be text", "quote", "role 'boss'")


def test_invalid_state_name(tmp_path: Path) -> None:
    text = VALID.replace("working", "Working").replace("  Working:\n", "  Working: #!\n")
    problems, path = check(tmp_path, text)
    bad = [p for p in problems if "not a valid state name" in p.message]
    assert len(bad) == 1
    assert bad[0].line == marked_line(text)
    assert f"{path}:{bad[0].line}: state 'Working': 'Working'" in str(bad[0])


def test_unknown_state_in_from(tmp_path: Path) -> None:
    text = VALID.replace("    from: working\n", "    from: workign #!\n")
    assert_single(
        tmp_path,
        text,
        "unknown state 'workign'",
        "did you mean 'working'",
        "transition 'finish' (#2)",
    )


def test_unknown_state_in_from_list(tmp_path: Path) -> None:
    text = VALID.replace("    from: working\n", "    from:\n      - working\n      - nowhere #!\n")
    assert_single(tmp_path, text, "unknown state 'nowhere'", "states are: new, working, done")


def test_unknown_state_in_to(tmp_path: Path) -> None:
    text = VALID.replace("    to: done\n", "    to: dome #!\n")
    assert_single(tmp_path, text, "unknown state 'dome'", "did you mean 'done'", "'finish'")


def test_unreachable_state(tmp_path: Path) -> None:
    text = VALID.replace("  done:\n", "  island: #!\n    owner: clerk\n  done:\n")
    text += "  - trigger: leave\n    from: island\n    to: done\n    roles: [clerk]\n"
    assert_single(tmp_path, text, "state 'island' cannot be reached", "'new'")


def test_non_final_state_without_way_out(tmp_path: Path) -> None:
    text = VALID.replace("  done:\n", "  stuck: #!\n    owner: clerk\n  done:\n")
    text += "  - trigger: get_stuck\n    from: new\n    to: stuck\n    roles: [clerk]\n"
    assert_single(tmp_path, text, "non-final state 'stuck' has no way out", "final: true")


def test_final_state_with_outgoing_transition(tmp_path: Path) -> None:
    text = VALID + "  - trigger: reopen\n    from: done #!\n    to: working\n    roles: [boss]\n"
    assert_single(tmp_path, text, "final state 'done'", "transition 'reopen' (#3)")


def test_star_must_stand_alone(tmp_path: Path) -> None:
    text = VALID.replace("    from: working\n", '    from: ["*", new] #!\n')
    assert_single(tmp_path, text, "'*' must stand alone", "transition 'finish'")


def test_same_trigger_twice_from_one_state(tmp_path: Path) -> None:
    text = (
        VALID
        + "  - trigger: finish #!\n    from: [new, working]\n    to: done\n    roles: [boss]\n"
    )
    assert_single(
        tmp_path, text, "trigger 'finish' is already defined", "working", "#2 (line 19)", "(#3)"
    )


def test_same_trigger_from_other_states_is_fine(tmp_path: Path) -> None:
    text = VALID + "  - trigger: finish\n    from: new\n    to: done\n    roles: [boss]\n"
    assert check(tmp_path, text)[0] == []


def test_reserved_trigger_name(tmp_path: Path) -> None:
    text = VALID.replace("  - trigger: finish\n", "  - trigger: to_done #!\n")
    assert_single(tmp_path, text, "trigger 'to_done' clashes", "transition 'to_done' (#2)")


def test_unknown_role_as_owner(tmp_path: Path) -> None:
    text = VALID.replace("  working:\n    owner: clerk\n", "  working:\n    owner: clerck #!\n")
    assert_single(
        tmp_path, text, "unknown owner role 'clerck'", "did you mean 'clerk'", "state 'working'"
    )


def test_unknown_role_in_transition(tmp_path: Path) -> None:
    text = VALID.replace("    roles: [clerk]\n", "    roles: [mayor] #!\n")
    assert_single(tmp_path, text, "unknown role 'mayor'", "transition 'start' (#1)", "boss, clerk")


def test_non_final_state_needs_owner(tmp_path: Path) -> None:
    text = VALID.replace("  working:\n    owner: clerk\n", "  working: {} #!\n")
    assert_single(tmp_path, text, "non-final state 'working' needs an 'owner'")


def test_unknown_guard(tmp_path: Path) -> None:
    text = VALID.replace(
        "roles: [clerk, boss]", "roles: [clerk, boss]\n    guards: [has_decison] #!"
    )
    assert_single(
        tmp_path,
        text,
        "unknown guard 'has_decison'",
        "did you mean 'has_decision'",
        "known guards: actor_in_lead_administration",
        "transition 'finish' (#2)",
    )


def test_bad_guard_params(tmp_path: Path) -> None:
    text = VALID.replace(
        "roles: [clerk, boss]", "roles: [clerk, boss]\n    guards:\n      - sections_filled: 3 #!"
    )
    assert_single(
        tmp_path, text, "guard 'sections_filled'", "list of section names", "transition 'finish'"
    )


def test_params_on_a_parameterless_guard(tmp_path: Path) -> None:
    text = VALID.replace(
        "roles: [clerk, boss]", "roles: [clerk, boss]\n    guards:\n      - has_decision: [x] #!"
    )
    assert_single(tmp_path, text, "guard 'has_decision' takes no parameters", "'finish'")


def test_malformed_guard_entry(tmp_path: Path) -> None:
    text = VALID.replace(
        "roles: [clerk, boss]", "roles: [clerk, boss]\n    guards:\n      - {a: 1, b: 2} #!"
    )
    assert_single(tmp_path, text, "a guard is a name", "transition 'finish'")


def test_no_initial_state(tmp_path: Path) -> None:
    text = VALID.replace("    initial: true\n", "").replace("states:\n", "states: #!\n")
    assert_single(tmp_path, text, "no initial state", "new, working, done")


def test_more_than_one_initial_state(tmp_path: Path) -> None:
    text = VALID.replace(
        "    owner: clerk\n  done:", "    owner: clerk\n    initial: true #!\n  done:"
    )
    assert_single(tmp_path, text, "more than one initial state", "state 'working'", "'new'")


def test_state_both_initial_and_final(tmp_path: Path) -> None:
    text = VALID.replace("    initial: true\n", "    initial: true\n    final: true #!\n")
    # 'new' being final also makes 'start' leave a final state: two problems, both real.
    problems, _ = check(tmp_path, text)
    line = marked_line(text)
    both = [p for p in problems if "both initial and final" in p.message]
    assert len(both) == 1
    assert both[0].line == line
    assert "state 'new'" in str(both[0])


def test_no_final_state(tmp_path: Path) -> None:
    text = (
        VALID.replace("    final: true\n", "    owner: clerk\n")
        .replace("states:\n", "states: #!\n")
        .replace("    to: done\n", "    to: new\n")
    )
    text = text.replace("  done:\n    owner: clerk\n", "")
    assert_single(tmp_path, text, "no final state")


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    text = (
        VALID.replace("    owner: clerk\n  done:", "    owner: clerck\n  done:")
        .replace("    from: working\n", "    from: workign\n")
        .replace("    roles: [clerk]\n", "    roles: [clerk]\n    colour: red\n")
    )
    path = tmp_path / "three.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DefinitionError) as raised:
        load_workflow_file(path)
    problems = raised.value.problems
    assert len(problems) == 3, "\n".join(map(str, problems))
    assert [p.line for p in problems] == [11, 19, 21]
    assert "3 problems found" in str(raised.value)


def test_one_broken_transition_does_not_hide_others(tmp_path: Path) -> None:
    text = VALID + "  - 7\n  - trigger: again\n    from: nowhere\n    to: done\n    roles: [x]\n"
    problems, _ = check(tmp_path, text)
    messages = " | ".join(p.message for p in problems)
    assert "should be a mapping" in messages
    assert "unknown state 'nowhere'" in messages
    assert "unknown role 'x'" in messages


def test_duplicate_workflow_id_across_files(tmp_path: Path) -> None:
    first = tmp_path / "a.yaml"
    second = tmp_path / "b.yaml"
    first.write_text(VALID, encoding="utf-8")
    second.write_text(VALID, encoding="utf-8")
    problems = validate_files([first, second])
    assert len(problems) == 1
    assert problems[0].file == str(second)
    assert problems[0].line == 1
    assert f"duplicate workflow id 'mini' (also in {first})" in str(problems[0])
    with pytest.raises(DefinitionError):
        load_directory(tmp_path)


def test_load_directory_reports_every_file(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text(VALID.replace("to: done", "to: dnoe"), encoding="utf-8")
    (tmp_path / "b.yml").write_text("id: [", encoding="utf-8")
    (tmp_path / "notes.txt").write_text("not a workflow", encoding="utf-8")
    with pytest.raises(DefinitionError) as raised:
        load_directory(tmp_path)
    assert {Path(p.file).name for p in raised.value.problems} == {"a.yaml", "b.yml"}


def test_unreadable_file_is_a_problem(tmp_path: Path) -> None:
    missing = tmp_path / "missing.yaml"
    with pytest.raises(DefinitionError) as raised:
        load_workflow_file(missing)
    assert raised.value.problems[0].file == str(missing)
    assert "cannot read" in raised.value.problems[0].message
    assert validate_files([missing])[0].file == str(missing)


def test_non_utf8_file_is_a_problem(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes("title: Økonomi\n".encode("latin-1"))
    assert "not UTF-8" in validate_files([path])[0].message


def test_load_workflow_text_names_the_source() -> None:
    with pytest.raises(DefinitionError) as raised:
        load_workflow_text("id: x\n", "inline.yaml")
    assert all(p.file == "inline.yaml" for p in raised.value.problems)


# --- the JSON schema ---------------------------------------------------------------------


def test_committed_schema_is_up_to_date() -> None:
    committed = (WORKFLOWS / "workflow.schema.json").read_text(encoding="utf-8")
    assert json.loads(committed) == json_schema(), (
        "workflows/workflow.schema.json is stale; regenerate it (see json_schema_text)"
    )
    assert committed == json_schema_text()


_TYPES: dict[str, type | tuple[type, ...]] = {
    "object": dict,
    "array": list,
    "string": str,
    "integer": int,
    "boolean": bool,
    "null": type(None),
}


def _validate(instance: Any, schema: dict[str, Any], root: dict[str, Any]) -> list[str]:
    """A small JSON Schema validator for the keywords our schema uses (no jsonschema dep)."""
    if "$ref" in schema:
        return _validate(instance, root["$defs"][schema["$ref"].removeprefix("#/$defs/")], root)
    errors: list[str] = []
    if "anyOf" in schema and all(_validate(instance, o, root) for o in schema["anyOf"]):
        errors.append(f"{instance!r} matches no alternative")
    if "type" in schema and not isinstance(instance, _TYPES[schema["type"]]):
        return [*errors, f"{instance!r} is not {schema['type']}"]
    if "const" in schema and instance != schema["const"]:
        errors.append(f"{instance!r} != {schema['const']!r}")
    if "enum" in schema and instance not in schema["enum"]:
        errors.append(f"{instance!r} not in enum")
    if isinstance(instance, str):
        if "pattern" in schema and not re.search(schema["pattern"], instance):
            errors.append(f"{instance!r} does not match {schema['pattern']}")
        if len(instance) < schema.get("minLength", 0):
            errors.append(f"{instance!r} too short")
    if isinstance(instance, int) and instance <= schema.get("exclusiveMinimum", instance - 1):
        errors.append(f"{instance!r} too small")
    if isinstance(instance, list):
        if len(instance) < schema.get("minItems", 0):
            errors.append("too few items")
        for item in instance if "items" in schema else ():
            errors += _validate(item, schema["items"], root)
    if isinstance(instance, dict):
        errors += [f"missing {k}" for k in schema.get("required", []) if k not in instance]
        if not schema.get("minProperties", 0) <= len(instance) <= schema.get("maxProperties", 99):
            errors.append("wrong number of keys")
        properties = schema.get("properties", {})
        patterns = schema.get("patternProperties", {})
        for key, value in instance.items():
            if key in properties:
                errors += _validate(value, properties[key], root)
                continue
            matched = [p for p in patterns if re.search(p, key)]
            for pattern in matched:
                errors += _validate(value, patterns[pattern], root)
            if not matched and schema.get("additionalProperties", True) is False:
                errors.append(f"unexpected key {key!r}")
    return errors


def as_editors_read(path: Path) -> Any:
    """A file's data with keys as written, as YAML 1.2 editors (and caseflow) read them.

    PyYAML's safe_load follows YAML 1.1 and turns the key 'on:' of a notification
    rule into True; caseflow's reader keeps every key as text.
    """
    return read_yaml_with_lines(path)[0]


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_schema_accepts_shipped_workflows(path: Path) -> None:
    schema = json_schema()
    document = as_editors_read(path)
    assert _validate(document, schema, schema) == []


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_jsonschema_library_accepts_shipped_workflows(path: Path) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    schema = json_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.validate(as_editors_read(path), schema)


def test_schema_rejects_what_the_loader_rejects() -> None:
    schema = json_schema()
    good = yaml.safe_load(VALID)
    assert _validate(good, schema, schema) == []
    for broken in (
        VALID + "colour: red\n",
        VALID.replace("    owner: clerk\n  done:", "    owner: clerk\n    colour: red\n  done:"),
        VALID.replace("roles: [clerk]", "roles: [clerk]\n    guards: [has_decison]"),
        VALID.replace("roles: [clerk]", "roles: [clerk]\n    guards: [{sections_filled: 3}]"),
        VALID.replace("  boss: {da: Chef, en: Boss}", "  boss: {da: Chef}"),
        VALID.replace("  working:\n", "  Working:\n", 1),
    ):
        assert _validate(yaml.safe_load(broken), schema, schema), broken
