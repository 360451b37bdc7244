"""What the case services check before the engine runs: names that must exist, sizes.

The engine refuses what would break a case; these checks refuse, with a specific
code, what a person most likely mistyped, before any rule of the workflow is asked
(so ``--lead XXX`` says "no administration XXX", not "may not open a case here"),
and so that the CLI and the web give the same answer.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from datetime import date
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection

from caseflow.domain import Case
from caseflow.engine import Engine, NewCase
from caseflow.errors import ErrorCode, InvalidInput
from caseflow.limits import Capped, check_changes, check_recommendations, check_size
from caseflow.store import organisation

if TYPE_CHECKING:  # the schema's models come with the workflow that is checked
    from caseflow.definitions import WorkflowDefinition


def check_new_case(conn: Connection, new: NewCase) -> None:
    """A new case's sizes, and the administrations and committee it names."""
    check_size(Capped.TITLE, new.title, "title")
    check_size(Capped.SUMMARY, new.summary, "summary")
    check_recommendations(tuple(new.recommendations))
    for name, text in new.sections.items():
        check_size(Capped.SECTION, text, f"sections.{name}")
    check_changes({f"fields.{name}": value for name, value in new.fields.items()})
    check_administrations(conn, [new.lead_administration, *new.participating_administrations])
    if new.committee is not None:
        check_committee(conn, new.committee)


def check_administrations(conn: Connection, codes: Iterable[str | None]) -> None:
    known = sorted(organisation.administration_codes(conn))
    for code in codes:
        if code is not None and code not in known:
            raise InvalidInput(
                f"no administration {code!r}{_near(code, known)}; known: "
                f"{', '.join(known) or 'none loaded'}",
                code=ErrorCode.UNKNOWN_ADMINISTRATION,
                code_=code,
                known=known,
            )


def check_committee(conn: Connection, code: str) -> None:
    known = sorted(organisation.committee_codes(conn))
    if code not in known:
        raise InvalidInput(
            f"no committee {code!r}{_near(code, known)}; known: {', '.join(known) or 'none'}",
            code=ErrorCode.UNKNOWN_COMMITTEE,
            code_=code,
            known=known,
        )


def check_case_changes(
    definition: WorkflowDefinition, case: Case, changes: Mapping[str, Any]
) -> None:
    """Sizes, and every section named is one the workflow or the documents know."""
    check_changes(changes)
    named = [key.removeprefix("sections.") for key in changes if key.startswith("sections.")]
    if isinstance(changes.get("sections"), Mapping):
        named += [str(k) for k in changes["sections"]]
    if not named:
        return
    known = known_sections(definition) | set(case.sections)
    for name in named:
        if name not in known:
            shown = sorted(known)
            raise InvalidInput(
                f"no section {name!r} in workflow {definition.id}{_near(name, shown)}; "
                f"its sections: {', '.join(shown)}",
                code=ErrorCode.UNKNOWN_SECTION,
                section=name,
                known=shown,
            )


def known_sections(definition: WorkflowDefinition) -> set[str]:
    """The sections an item of this workflow may have: those its guards name and those
    of the documents' configuration (where a municipality adds its own)."""
    from caseflow.documents.config import load_config  # not for a case list's import

    known = {spec.key for spec in load_config().sections}
    for transition in definition.transitions:
        for guard in transition.guards:
            if guard.name == "sections_filled" and isinstance(guard.params, list | tuple):
                known |= {str(p) for p in guard.params}
    return known


def check_past_fields(
    definition: WorkflowDefinition,
    changes: Mapping[str, Any],
    today: date,
    *,
    allow_past: bool = False,
    reason: str | None = None,
) -> str | None:
    """Refuse a date that starts a deadline (``fields.meeting_date``, an external
    deadline) when the date has passed already: its deadline would expire, and mail,
    at the worker's next run. With ``allow_past`` and a ``reason`` it is taken, and the
    note returned (for the audit trail) says so."""
    from caseflow.definitions.due import parse_field_date  # (a list never asks)

    reason = " ".join((reason or "").split()) or None
    if allow_past and reason is None:
        raise InvalidInput(
            "say why a date in the past is right",
            code=ErrorCode.PAST_REASON_REQUIRED,
            field="fields",
        )
    starting = {r.anchor.name for r in definition.deadlines if r.anchor.kind == "field"}
    past: list[str] = []
    for name in sorted(starting):
        key = f"fields.{name}"
        if key not in changes:
            continue
        try:
            found = parse_field_date(changes[key], name)
        except ValueError:
            continue  # the engine refuses what is no date, with its own words
        if found is None or found.last >= today:
            continue
        if not allow_past:
            raise InvalidInput(
                f"{key} {found.last.isoformat()} has passed (today is {today.isoformat()}): "
                "the deadline it starts would be overdue at once; give a later date, or "
                "allow a past one with a reason",
                code=ErrorCode.DATE_PASSED,
                field=key,
                date=found.last.isoformat(),
                today=today.isoformat(),
            )
        past.append(f"{key} {found.last.isoformat()}")
    if not past:
        return None
    return f"already past when given ({', '.join(past)}): {reason}"


def check_trigger(definition: WorkflowDefinition, trigger: str) -> None:
    """A step the workflow does not have is no step, whatever the case's state."""
    steps = sorted({t.trigger for t in definition.transitions})
    if trigger not in steps:
        raise InvalidInput(
            f"no such step {trigger!r} in workflow {definition.id}{_near(trigger, steps)}; "
            f"its steps: {', '.join(steps)}",
            code=ErrorCode.UNKNOWN_TRIGGER,
            trigger=trigger,
            workflow_id=definition.id,
            allowed=steps,
        )


def check_states(engine: Engine, states: Iterable[str], workflow_id: str | None) -> None:
    """States to list by must be states of the current workflows (or of the one named);
    without any, the definitions are not read (a plain case list loads no workflow)."""
    states = list(states)
    if not states:
        return
    workflows = engine.registry.current.values()
    known = sorted(
        {
            name
            for loaded in workflows
            if workflow_id is None or loaded.definition.id == workflow_id
            for name in loaded.definition.states
        }
    )
    for state in states:
        if state not in known:
            raise InvalidInput(
                f"no state {state!r}{_near(state, known)}; known: {', '.join(known)}",
                code=ErrorCode.UNKNOWN_STATE,
                state=state,
                known=known,
            )


def _near(text: str, known: list[str]) -> str:
    close = difflib.get_close_matches(text, known, n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""
