"""What states and steps mean to meetings, declared in the workflow file and checked there.

Each broken file marks the line the problem must be reported on with ``#!``.
"""

from __future__ import annotations

import hashlib
import json
import typing
from pathlib import Path

import pytest

from caseflow.definitions import load_workflow_file, load_workflow_text
from caseflow.definitions.loader import definition_version
from caseflow.definitions.meanings import (
    STEP_RULES,
    ServiceName,
    StateMeaning,
    StepMeaning,
    with_legacy_meanings,
)
from caseflow.definitions.schema import StateFile, TransitionFile
from caseflow.errors import DefinitionError
from caseflow.testing import marked_line, problems_in, replaced

ROOT = Path(__file__).resolve().parents[2]
COMMITTEE_CASE = ROOT / "workflows" / "committee-case.yaml"

# A committee workflow whose states and triggers are all named otherwise: only the
# meanings tell the agenda and the minutes what is what.
RENAMED = (ROOT / "tests" / "data" / "renamed-committee-case.yaml").read_text(encoding="utf-8")


def single(tmp_path: Path, text: str, *needles: str) -> str:
    problems, _ = problems_in(tmp_path, text)
    assert len(problems) == 1, "\n".join(map(str, problems))
    shown = str(problems[0])
    assert problems[0].line == marked_line(text), shown
    for needle in needles:
        assert needle in shown, f"{needle!r} not in {shown!r}"
    return shown


def test_the_file_words_are_the_enums_words() -> None:
    state_words = typing.get_args(typing.get_args(StateFile.model_fields["meaning"].annotation)[0])
    step_words = typing.get_args(
        typing.get_args(TransitionFile.model_fields["meaning"].annotation)[0]
    )
    assert set(state_words) == {m.value for m in StateMeaning}
    assert set(step_words) == {m.value for m in StepMeaning}
    assert set(STEP_RULES) == set(StepMeaning)


def test_the_bundled_committee_workflow_declares_every_meaning() -> None:
    definition = load_workflow_file(COMMITTEE_CASE).definition
    assert definition.states_meaning(StateMeaning.PREPARING) == (
        "registered",
        "drafting",
        "approval",
    )
    assert definition.states_meaning(StateMeaning.READY) == ("ready_for_agenda",)
    assert definition.state_means("on_agenda", StateMeaning.ON_AGENDA)
    for step in StepMeaning:
        (transition,) = definition.steps(step)
        assert transition.trigger == step.value  # committee-case names its steps alike
        assert transition.service is step.rule.service
    assert definition.step_from("on_agenda", StepMeaning.DECIDE) is not None
    assert definition.step_from("drafting", StepMeaning.DECIDE) is None


def test_a_renamed_workflow_says_what_is_what() -> None:
    definition = load_workflow_text(RENAMED).definition
    assert definition.states_meaning(StateMeaning.READY) == ("klar",)
    found = definition.step_from("dagsorden", StepMeaning.POSTPONE)
    assert found is not None
    assert found.trigger == "udsaet"


MINI = """\
id: mini
title: {da: Mini, en: Mini}
roles: {clerk: {da: S, en: C}}
states:
  new: {owner: clerk, initial: true}
  done: {final: true}
transitions:
  - {trigger: finish, from: new, to: done, roles: [clerk]}
"""


def test_a_workflow_without_meanings_keeps_its_version() -> None:
    """Its canonical JSON has no key for meanings, so it hashes as before they existed
    (its running cases stay on the version they started on)."""
    definition = load_workflow_text(MINI).definition
    content = definition.model_dump(mode="json")
    for part in (*content["states"].values(), *content["transitions"]):
        assert part.pop("meaning") is None
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert definition_version(definition) == hashlib.sha256(canonical.encode()).hexdigest()
    meant = load_workflow_text(MINI.replace("initial: true}", "initial: true, meaning: ready}"))
    assert definition_version(meant.definition) != definition_version(definition)


def test_a_service_step_must_say_what_it_does(tmp_path: Path) -> None:
    text = replaced(
        RENAMED,
        (
            "     service: agenda, meaning: take_off_agenda}",
            "     service: agenda}  #!",
        ),
    )
    single(
        tmp_path,
        text,
        "transition 'tag_af'",
        "the agenda service fires this transition",
        "add 'meaning: put_on_agenda' or 'meaning: take_off_agenda'",
    )


def test_a_step_needs_its_own_service(tmp_path: Path) -> None:
    missing = replaced(
        RENAMED, ("     service: minutes, meaning: refer}", "     meaning: refer}  #!")
    )
    single(tmp_path, missing, "'meaning: refer'", "add 'service: minutes'")
    other = replaced(
        RENAMED,
        ("     service: minutes, meaning: refer}", "     service: agenda, meaning: refer}  #!"),
    )
    single(tmp_path, other, "the minutes service's step (not 'agenda')")


def test_a_step_leads_between_states_of_the_meanings_it_needs(tmp_path: Path) -> None:
    text = replaced(
        RENAMED,
        ("  klar: {owner: secretariat, meaning: ready}", "  klar: {owner: secretariat}"),
    )
    problems, _ = problems_in(tmp_path, text)
    shown = "\n".join(map(str, problems))
    # putting on leads from it, and four steps lead back to it
    assert len(problems) == 5, shown
    assert (
        "'meaning: put_on_agenda' leads from a state that means 'ready', and state 'klar' "
        "means nothing to meetings: give it 'meaning: ready', or take it out of 'from'"
    ) in shown
    assert "'meaning: postpone' leads to a state that means 'ready'" in shown
    wrong = replaced(
        RENAMED,
        (
            "  besluttet: {owner: case_officer, meaning: decided}",
            "  besluttet: {owner: case_officer, meaning: ready}",
        ),
    )
    problems, _ = problems_in(tmp_path, wrong)
    shown = "\n".join(map(str, problems))
    assert "state 'besluttet' means 'ready': give it 'meaning: decided'" in shown


def test_one_step_from_a_state_once(tmp_path: Path) -> None:
    text = RENAMED + (
        "  - {trigger: beslut_igen, from: dagsorden, to: besluttet, roles: [committee],\n"
        "     service: minutes, meaning: decide}  #!\n"
    )
    single(tmp_path, text, "transition #4 already means 'decide' from state 'dagsorden'")


def test_an_unknown_meaning_is_named(tmp_path: Path) -> None:
    text = replaced(
        RENAMED,
        (
            "  klar: {owner: secretariat, meaning: ready}",
            "  klar: {owner: secretariat, meaning: redy}  #!",
        ),
    )
    problems, _ = problems_in(tmp_path, text)
    shown = "\n".join(map(str, problems))
    assert "'meaning' is 'redy'; it must be 'preparing', 'ready', 'on_agenda' or 'decided'" in shown


def test_a_stored_version_from_before_meanings_is_read_with_the_old_names() -> None:
    legacy = "\n".join(
        line
        for line in COMMITTEE_CASE.read_text(encoding="utf-8").splitlines()
        if not line.strip().startswith("meaning:")
    )
    with pytest.raises(DefinitionError, match="must know what the transition does"):
        load_workflow_text(legacy)  # as a file today: its service steps say nothing
    stored = load_workflow_text(legacy, stored=True).definition
    current = load_workflow_file(COMMITTEE_CASE).definition
    assert definition_version(stored) == definition_version(current)
    # A version that predates `service:` too gets its steps' services.
    older = legacy.replace("    service: agenda\n", "").replace("    service: minutes\n", "")
    upgraded = load_workflow_text(older, stored=True).definition
    (put_on,) = upgraded.steps(StepMeaning.PUT_ON_AGENDA)
    assert put_on.service is ServiceName.AGENDA
    # One that declares any meaning itself is read as it is.
    data = {"states": {"drafting": {"meaning": "ready"}}, "transitions": [{"trigger": "decide"}]}
    assert with_legacy_meanings(data) is data
