"""The registry of named guard conditions a workflow file may put on a transition.

A guard is named in YAML (``has_decision`` or ``sections_filled: [okonomi]``), so
the set of guards is a closed vocabulary kept here: the loader checks names and
parameters against it when a file is loaded, long before a case meets the guard,
and the JSON schema offers the same names to editors.

Guards are evaluated by the engine through :func:`check_guards`, never by the
``transitions`` machine, so that a refusal can list every precise reason ("section
'okonomi' is empty") instead of a bare "condition failed".
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from caseflow.domain import Actor, Case

if TYPE_CHECKING:  # schema imports this module for the JSON schema; avoid the cycle
    from caseflow.definitions.schema import GuardSpec

GuardCheck = Callable[[Case, Actor, str | None, Any], str | None]
"""``(case, actor, comment, params) -> None`` if the guard passes, else a human reason."""

ParamsValidator = Callable[[Any], str | None]

# Case attributes ``fields_filled`` may name; any other name is a key of ``case.fields``.
CASE_ATTRIBUTES: tuple[str, ...] = (
    "title",
    "summary",
    "recommendations",
    "committee",
    "lead_administration",
    "case_officer",
    "attachments",
)


@dataclass(frozen=True)
class Guard:
    """One named condition: what it checks, how, and which parameters it takes."""

    name: str
    description: str
    check: GuardCheck
    params_validator: ParamsValidator
    params_schema: Mapping[str, Any] | None = None  # JSON schema of the params; None = none

    def validate_params(self, params: Any) -> str | None:
        """Return a problem text if ``params`` do not suit this guard, else None."""
        return self.params_validator(params)


# --- parameter validators -------------------------------------------------------------


def _no_params(params: Any) -> str | None:
    if params is None:
        return None
    return "takes no parameters; write just the name, e.g. '- has_decision'"


def _name_list(what: str, example: str) -> ParamsValidator:
    def validate(params: Any) -> str | None:
        if not isinstance(params, list) or not params:
            got = "nothing" if params is None else repr(params)
            return f"needs a non-empty list of {what} names, e.g. [{example}]; got {got}"
        bad = [p for p in params if not isinstance(p, str) or not p.strip()]
        if bad:
            return f"has an entry that is not a {what} name: {bad[0]!r}; e.g. [{example}]"
        duplicates = sorted({p for p in params if params.count(p) > 1})
        if duplicates:
            return f"lists {what} {_quoted(duplicates)} more than once"
        return None

    return validate


_NAME_LIST_SCHEMA: Mapping[str, Any] = MappingProxyType(
    {"type": "array", "items": {"type": "string", "minLength": 1}, "minItems": 1}
)


# --- helpers --------------------------------------------------------------------------


def _is_blank(value: Any) -> bool:
    """Empty for a form: None, blank text, or an empty list/mapping. 0 and False count as set."""
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, list | tuple | dict | set | frozenset):
        return len(value) == 0
    return False


def _quoted(names: Sequence[str]) -> str:
    return ", ".join(f"'{n}'" for n in names)


def _is_on_agenda(case: Case) -> bool:
    """Whether the case sits on a meeting's agenda.

    Kept in one place: a later issue replaces the ``fields["meeting"]`` marker with a
    meetings table, and only this function should have to change.
    """
    return not _is_blank(case.fields.get("meeting"))


# --- the checks -----------------------------------------------------------------------


def _sections_filled(case: Case, actor: Actor, comment: str | None, params: Any) -> str | None:
    empty = [name for name in params if _is_blank(case.sections.get(name))]
    if not empty:
        return None
    if len(empty) == 1:
        return f"section '{empty[0]}' is empty"
    return f"sections {_quoted(empty)} are empty"


def _fields_filled(case: Case, actor: Actor, comment: str | None, params: Any) -> str | None:
    empty = []
    for name in params:
        value = getattr(case, name) if name in CASE_ATTRIBUTES else case.fields.get(name)
        if _is_blank(value):
            empty.append(name)
    if not empty:
        return None
    if len(empty) == 1:
        return f"field '{empty[0]}' is empty"
    return f"fields {_quoted(empty)} are empty"


def _has_recommendations(case: Case, actor: Actor, comment: str | None, params: Any) -> str | None:
    if any(not _is_blank(r) for r in case.recommendations):
        return None
    return "the case has no recommendations (indstilling); add at least one"


def _has_decision(case: Case, actor: Actor, comment: str | None, params: Any) -> str | None:
    if not _is_blank(case.fields.get("decision")):
        return None
    return "no decision (beslutning) is recorded; fill in field 'decision'"


def _on_agenda(case: Case, actor: Actor, comment: str | None, params: Any) -> str | None:
    if _is_on_agenda(case):
        return None
    return "the case is not on a meeting's agenda (field 'meeting' is not set)"


def _has_attachments(case: Case, actor: Actor, comment: str | None, params: Any) -> str | None:
    if case.attachments:
        return None
    return "the case has no attachments (bilag); add at least one"


def _actor_in_lead_administration(
    case: Case, actor: Actor, comment: str | None, params: Any
) -> str | None:
    lead = case.lead_administration
    for grant in actor.grants:
        unscoped = grant.administration is None and grant.committee is None
        if grant.role == "administrator" and unscoped:
            return None
        if lead is not None and grant.administration == lead:
            return None
    if lead is None:
        return "the case has no lead administration, so only an administrator may do this"
    return f"{actor.username} holds no role in the lead administration '{lead}'"


APPROVED_FIELD = "approved_by"
"""The case field in which the approval services keep the steps approved (a list)."""


def _approved_by(case: Case, actor: Actor, comment: str | None, params: Any) -> str | None:
    """The chain's state, as the approval services record it on the case when a step is
    done (``approved_by``, the steps approved in the current round)."""
    done = case.fields.get(APPROVED_FIELD)
    approved = set(done) if isinstance(done, list) else set()
    missing = [step for step in params if step not in approved]
    if not missing:
        return None
    return f"approval step(s) {_quoted(missing)} not approved yet"


# What both a transition's ``requires_comment`` and the guard ``comment_given`` say.
COMMENT_REQUIRED = "a comment is required: say why"


def _comment_given(case: Case, actor: Actor, comment: str | None, params: Any) -> str | None:
    if comment is not None and comment.strip():
        return None
    return COMMENT_REQUIRED


def _guard(
    name: str,
    description: str,
    check: GuardCheck,
    names_of: tuple[str, str] | None = None,
) -> Guard:
    if names_of is None:
        return Guard(name, description, check, _no_params, None)
    what, example = names_of
    return Guard(name, description, check, _name_list(what, example), _NAME_LIST_SCHEMA)


GUARDS: Mapping[str, Guard] = MappingProxyType(
    {
        g.name: g
        for g in (
            _guard(
                "sections_filled",
                "Each named body section (case.sections) is filled in.",
                _sections_filled,
                ("section", "problemstilling, losning, okonomi"),
            ),
            _guard(
                "fields_filled",
                "Each named case attribute ("
                + ", ".join(CASE_ATTRIBUTES)
                + ") or custom field (case.fields) is filled in.",
                _fields_filled,
                ("field", "summary, meeting"),
            ),
            _guard(
                "has_recommendations",
                "The case has at least one numbered recommendation (indstilling).",
                _has_recommendations,
            ),
            _guard(
                "has_decision",
                "The committee's decision (beslutning) is recorded in field 'decision'.",
                _has_decision,
            ),
            _guard("on_agenda", "The case is on a meeting's agenda.", _on_agenda),
            _guard(
                "has_attachments",
                "The case has at least one attachment (bilag).",
                _has_attachments,
            ),
            _guard(
                "actor_in_lead_administration",
                "The actor holds a role in the case's lead administration, "
                "or is an administrator for every case.",
                _actor_in_lead_administration,
            ),
            _guard("comment_given", "The actor gave a non-blank comment.", _comment_given),
            _guard(
                "approved_by",
                "Each named step of the case's approval chain is approved (this round).",
                _approved_by,
                ("approval step", "office_head, director"),
            ),
        )
    }
)


def check_guards(
    specs: Sequence[GuardSpec], case: Case, actor: Actor, comment: str | None
) -> list[str]:
    """Evaluate every guard and return all failure reasons (empty if all pass).

    A guard name the registry does not know fails closed with a reason; loading
    rejects such names, so this only happens if code builds a definition by hand.
    """
    reasons: list[str] = []
    for spec in specs:
        guard = GUARDS.get(spec.name)
        if guard is None:
            reasons.append(f"guard '{spec.name}' is not known to this version of caseflow")
            continue
        reason = guard.check(case, actor, comment, spec.params)
        if reason is not None:
            reasons.append(reason)
    return reasons
