"""Load workflow files: YAML with line numbers, then schema and semantic checks.

Workflow files are written by hand, so every problem must name its file and line.
PyYAML's ``safe_load`` forgets where things were, so we ``compose`` the node tree
(which carries marks) and build plain Python data ourselves, recording the line of
every key and list item under its path, e.g. ``("transitions", 3, "to") -> 41``.
Building it ourselves also lets us catch duplicate keys, which YAML silently lets
the later one win.

Loading never stops at the first problem: YAML-level, schema and semantic
problems are all collected and raised together in one :class:`DefinitionError`.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError
from pydantic_core import ErrorDetails
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from caseflow.definitions.approval_checks import check_approvals
from caseflow.definitions.approval_schema import resolve_chain, step_deadline_rule
from caseflow.definitions.deadline_checks import check_deadlines
from caseflow.definitions.deadline_schema import DeadlineRule, resolve_deadline
from caseflow.definitions.meaning_checks import check_meanings
from caseflow.definitions.meanings import StepMeaning, with_legacy_meanings
from caseflow.definitions.notification_checks import check_notifications
from caseflow.definitions.notification_schema import resolve_notification
from caseflow.definitions.schema import (
    FILE_KEYS,
    GuardSpec,
    ServiceName,
    StateDef,
    TransitionDef,
    TransitionFile,
    WorkflowDefinition,
    WorkflowFile,
    expand_sources,
)
from caseflow.definitions.validate import (
    LineMap,
    LinePath,
    check_workflow,
    line_for,
    listing,
    suggest,
    where_for,
)
from caseflow.errors import DefinitionError, Problem

_MAP_TAG = "tag:yaml.org,2002:map"
_SEQ_TAG = "tag:yaml.org,2002:seq"
_MERGE_TAG = "tag:yaml.org,2002:merge"
_MAX_NODES = 200_000  # stops "billion laughs" alias bombs long before memory runs out
MAX_DEPTH = 64
"""Mappings and lists nested deeper than this are refused: no caseflow file needs a
tenth of it, and PyYAML composes (and we build) by recursion, which a file nested
some hundreds of levels would exhaust."""
_TOO_DEEP = f"the file nests mappings or lists more than {MAX_DEPTH} levels deep"


@dataclass(frozen=True)
class LoadedWorkflow:
    """A valid workflow, the text it came from, and its content version."""

    definition: WorkflowDefinition
    source_text: str
    path: str
    version: str  # sha256 of the definition's canonical JSON: comments/layout do not count


# --- YAML with line numbers -------------------------------------------------------------


class _YamlError(Exception):
    def __init__(self, line: int | None, message: str) -> None:
        super().__init__(message)
        self.line = line


@dataclass
class _Builder:
    """Turns a composed YAML node tree into plain data plus a path -> line map."""

    lines: dict[LinePath, int] = field(default_factory=dict)
    duplicates: list[tuple[LinePath, int, int]] = field(default_factory=list)  # path, line, first
    errors: list[tuple[int, str]] = field(default_factory=list)
    _constructor: SafeConstructor = field(default_factory=SafeConstructor)
    _active: set[int] = field(default_factory=set)
    _count: int = 0

    def build(self, node: Node, path: LinePath) -> Any:
        self._count += 1
        if self._count > _MAX_NODES:
            raise _YamlError(_line(node), "the file expands to too many values (alias loop?)")
        if len(path) > MAX_DEPTH:
            raise _YamlError(_line(node), _TOO_DEEP)
        if isinstance(node, ScalarNode):
            try:
                return self._constructor.construct_object(node, deep=True)
            except yaml.YAMLError as err:
                self.errors.append((_line(node), f"cannot read this value: {_yaml_reason(err)}"))
                return None
            except ValueError as err:  # a timestamp that is no date, e.g. 2009-06-31
                self.errors.append((_line(node), f"cannot read this value: {err}"))
                return None
        if id(node) in self._active:
            raise _YamlError(_line(node), "an alias refers to a value that contains itself")
        self._active.add(id(node))
        try:
            if isinstance(node, SequenceNode) and node.tag == _SEQ_TAG:
                return [self.build_at(item, (*path, i)) for i, item in enumerate(node.value)]
            if isinstance(node, MappingNode) and node.tag == _MAP_TAG:
                return self._mapping(node, path)
            self.errors.append((_line(node), f"unsupported YAML tag {node.tag!r}; remove it"))
            return None
        finally:
            self._active.discard(id(node))

    def _mapping(self, node: MappingNode, path: LinePath) -> dict[str, Any]:
        result: dict[str, Any] = {}
        own: dict[str, int] = {}  # key -> first line, for keys written in this mapping itself
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE_TAG:  # "<<: *defaults": merged keys may be overridden
                for source in self._merge_sources(value_node):
                    merged = self.build(source, path)
                    for key, value in (merged if isinstance(merged, dict) else {}).items():
                        result.setdefault(key, value)
                continue
            if not isinstance(key_node, ScalarNode):
                self.errors.append((_line(key_node), "a key must be a plain name, not a list"))
                continue
            # Keys are names (states, roles, fields): keep the text as written, so that a
            # state called 'no' or 'on' is not turned into a boolean by YAML 1.1 rules.
            key = str(key_node.value)
            key_path = (*path, key)
            if key in own:
                self.duplicates.append((key_path, _line(key_node), own[key]))
            own.setdefault(key, _line(key_node))
            result.pop(key, None)  # the key moves to where it is written (keeps file order)
            result[key] = self.build_at(value_node, key_path, _line(key_node))
        return result

    def build_at(self, node: Node, path: LinePath, line: int | None = None) -> Any:
        """Build a mapping value or list item, recording its line (a key's own line)."""
        self.lines[path] = line if line is not None else _line(node)
        return self.build(node, path)

    def _merge_sources(self, node: Node) -> list[MappingNode]:
        if isinstance(node, MappingNode):
            return [node]
        if isinstance(node, SequenceNode) and all(isinstance(n, MappingNode) for n in node.value):
            return [n for n in node.value if isinstance(n, MappingNode)]
        self.errors.append((_line(node), "'<<' must merge a mapping or a list of mappings"))
        return []


def _line(node: Node) -> int:
    return int(node.start_mark.line) + 1


def _yaml_reason(err: yaml.YAMLError) -> str:
    if isinstance(err, yaml.MarkedYAMLError):
        parts = [p for p in (err.context, err.problem) if p]
        return "; ".join(parts) or str(err)
    return str(err)


_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""libyaml's parser where PyYAML was built with it (its wheels are): about 15 times
faster than the pure-Python one, which was most of a command's start when it loads the
workflow folder (``case show``: 0.1 of its 0.8 s here). The nodes, their marks and the
errors are PyYAML's own either way."""


def read_yaml(text: str, file: str) -> tuple[Any, LineMap, list[Problem]]:
    """Parse YAML text into plain data and a path -> line map, with any problems found.

    Data is ``None`` when the text cannot be read at all.
    """
    try:
        root = yaml.compose(text, Loader=_LOADER)
    except RecursionError:
        return None, {}, [Problem(file, None, "", _TOO_DEEP)]
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        line = mark.line + 1 if mark is not None else None
        return None, {}, [Problem(file, line, "", f"invalid YAML: {_yaml_reason(err)}")]
    except yaml.YAMLError as err:
        return None, {}, [Problem(file, None, "", f"invalid YAML: {err}")]
    if root is None:
        return None, {}, [Problem(file, None, "", "the file is empty")]
    builder = _Builder()
    try:
        data = builder.build_at(root, ())
    except _YamlError as err:
        return None, {}, [Problem(file, err.line, "", str(err))]
    problems = [Problem(file, line, "", message) for line, message in builder.errors]
    for path, line, first in builder.duplicates:
        problems.append(
            Problem(
                file,
                line,
                where_for(path, data),
                f"duplicate key '{path[-1]}' (first on line {first}); YAML would silently "
                "keep only the last one: remove or rename one of them",
            )
        )
    return data, builder.lines, problems


# --- schema problems, in words an author understands ------------------------------------

_HINTS = {  # (kind of mapping the key is missing from, key) -> how to write it
    ("workflow", "id"): "e.g. 'id: committee-case'",
    ("workflow", "title"): "in both languages, e.g. 'title: {da: Udvalgssag, en: Committee case}'",
    ("workflow", "roles"): "map each role id to its titles: 'case_officer: {da: ..., en: ...}'",
    ("workflow", "states"): "map each state name to its settings",
    ("workflow", "transitions"): "a list of transitions",
    ("transition", "trigger"): "the action's name, e.g. 'trigger: approve'",
    ("transition", "from"): 'the state(s) it starts from, or "*" for every non-final state',
    ("transition", "to"): "the state it leads to",
    ("transition", "roles"): "the roles that may fire it, e.g. 'roles: [case_officer]'",
    ("deadline", "id"): "a name for the rule, unique in the workflow, e.g. 'id: answer_in_time'",
    ("deadline", "title"): "in both languages, e.g. 'title: {da: Svarfrist, en: Time limit}'",
    ("deadline", "starts"): "what starts it: 'starts: {entering: STATE}', "
    "'{transition: TRIGGER}' or '{field: FIELD}'",
    ("deadline", "due"): "when it falls due, e.g. 'due: within 7 working days'",
    ("deadline", "owner"): "the role that answers for it, e.g. 'owner: case_officer'",
    ("deadline", "on_expiry"): "what happens when it passes, e.g. 'on_expiry: [mark: overdue]'",
    ("notification", "id"): "a name for the rule, unique in the workflow, e.g. 'id: to_approver'",
    ("notification", "on"): "what sends it: 'on: {transition: TRIGGER}' or '{entering: STATE}'",
    ("notification", "template"): "a template under templates/notifications/, e.g. "
    "'template: transition'",
    ("notification", "to"): "who gets it: roles and/or case fields, e.g. 'to: [approver]' "
    "or 'to: [{field: requester_email}]'",
    ("text", "da"): "the Danish text",
    ("text", "en"): "the English text",
}

_EXPECTED = {
    "string_type": "text",
    "bool_type": "true or false",
    "int_type": "a whole number",
    "dict_type": "a mapping (key: value lines)",
    "model_type": "a mapping (key: value lines)",
    "model_attributes_type": "a mapping (key: value lines)",
    "list_type": "a list",
}


def _describe(value: Any) -> str:
    if value is None:
        return "nothing (an empty value)"
    if isinstance(value, bool):
        return f"{str(value).lower()} (YAML reads yes/no/on/off as booleans; quote text)"
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, str):
        return f"the text {value!r}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return f"a {type(value).__name__} ({value}); quote it to make it text"


def _mapping_kind(path: LinePath) -> str:
    """Which kind of mapping lies at ``path``: a key of FILE_KEYS, or "" if none."""
    if not path:
        return "workflow"
    if len(path) == 2 and path[0] == "states":
        return "state"
    if len(path) == 2 and path[0] == "transitions":
        return "transition"
    if path[-1] == "title" or (len(path) == 2 and path[0] == "roles"):
        return "text"
    if path[0] == "deadlines" and len(path) == 2:
        return "deadline"
    if path[0] == "deadlines" and len(path) == 3 and path[2] == "starts":
        return "deadline start"
    if path[0] == "deadlines" and len(path) == 4 and path[2] == "on_expiry":
        return "expiry action"
    if path[0] == "notifications" and len(path) == 2:
        return "notification"
    if path[0] == "notifications" and len(path) == 3 and path[2] == "on":
        return "notification trigger"
    return ""


def _name_rule(path: LinePath) -> str:
    if path == ("id",):
        return "lowercase letters, digits and '-', starting with a letter (e.g. committee-case)"
    if len(path) == 3 and path[0] == "notifications" and path[2] == "template":
        return (
            "the name of a notification under templates/notifications/: lowercase letters, "
            "digits, '_' and '-', not starting with '_' (e.g. transition, fristbrev)"
        )
    return "lowercase letters, digits and '_', starting with a letter (e.g. ready_for_agenda)"


def _label(path: LinePath) -> str:
    if path and isinstance(path[-1], int):
        parent = f" in '{path[-2]}'" if len(path) > 1 else ""
        return f"entry #{path[-1] + 1}{parent}"
    return f"'{path[-1]}'" if path else "the file"


def _schema_message(err: ErrorDetails, path: LinePath, on_key: bool) -> str:
    kind = err["type"]
    value = err.get("input")
    if on_key:
        what = {"states": "state name", "roles": "role id"}.get(str(path[0]), "name")
        return f"'{path[-1]}' is not a valid {what}: use {_name_rule(path)}"
    if kind == "missing":
        key = str(path[-1])
        hint = _HINTS.get((_mapping_kind(path[:-1]), key))
        return f"missing required key '{key}'" + (f": {hint}" if hint else "")
    if kind == "extra_forbidden":
        key = str(path[-1])
        allowed = FILE_KEYS.get(_mapping_kind(path[:-1]), ())
        return f"unknown key '{key}'{suggest(key, allowed)}; allowed here: {listing(allowed)}"
    if kind == "string_pattern_mismatch":
        return f"{_label(path)} is {value!r}, which is not a valid name: use {_name_rule(path)}"
    if kind == "string_too_short":
        return f"{_label(path)} must not be empty"
    if kind == "too_short":
        return f"{_label(path)} needs at least one entry"
    if kind == "value_error":
        ctx = err.get("ctx") or {}
        return str(ctx.get("error", err["msg"]))
    if kind == "greater_than":
        bound = (err.get("ctx") or {}).get("gt")
        return f"{_label(path)} must be a whole number greater than {bound}, got {value!r}"
    if kind == "literal_error":
        expected = (err.get("ctx") or {}).get("expected")
        return f"{_label(path)} is {value!r}; it must be {expected}"
    if kind == "list_type" and isinstance(value, str):
        return f"{_label(path)} should be a list: write [{value}]"
    if kind in _EXPECTED:
        return f"{_label(path)} should be {_EXPECTED[kind]}, got {_describe(value)}"
    return f"{_label(path)}: {err['msg']}"


def _schema_problems(data: dict[str, Any], lines: LineMap, file: str) -> list[Problem]:
    try:
        WorkflowFile.model_validate(data, strict=True)
    except ValidationError as exc:
        problems = []
        for err in exc.errors(include_url=False):
            loc: LinePath = tuple(err["loc"])
            on_key = bool(loc) and loc[-1] == "[key]"
            path = loc[:-1] if on_key else loc
            message = _schema_message(err, path, on_key)
            problems.append(Problem(file, line_for(lines, path), where_for(path, data), message))
        return problems
    return []


# --- from valid data to a definition ------------------------------------------------------


def _guard_spec(entry: str | dict[str, Any]) -> GuardSpec:
    if isinstance(entry, str):
        return GuardSpec(name=entry)
    ((name, params),) = entry.items()
    return GuardSpec(name=name, params=params)


def _transition(
    t: TransitionFile, order: list[tuple[str, bool]], line: int | None
) -> TransitionDef:
    roles = tuple(t.roles)
    chain = resolve_chain(t.approval, t.trigger, roles) if t.approval is not None else None
    service = ServiceName(t.service) if t.service else None
    return TransitionDef(
        trigger=t.trigger,
        sources=expand_sources(t.from_, order),
        dest=t.to,
        roles=roles,
        guards=tuple(_guard_spec(g) for g in t.guards),
        title=t.title,
        requires_comment=t.requires_comment,
        service=ServiceName.APPROVALS if chain is not None else service,
        meaning=StepMeaning(t.meaning) if t.meaning else None,
        approval=chain,
        line=line,
    )


def _step_rules(transitions: Sequence[TransitionDef]) -> tuple[DeadlineRule, ...]:
    """The deadline rules of approval steps that have a deadline (after the file's)."""
    rules = []
    for t in transitions:
        if t.approval is None:
            continue
        for step in t.approval.steps:
            rule = step_deadline_rule(t.approval, step, t.sources)
            if rule is not None:
                rules.append(rule)
    return tuple(rules)


def _build(spec: WorkflowFile, lines: LineMap) -> WorkflowDefinition:
    order = [(name, state.final) for name, state in spec.states.items()]
    triggers = [(t.trigger, t.to) for t in spec.transitions]
    transitions = tuple(
        _transition(t, order, lines.get(("transitions", i))) for i, t in enumerate(spec.transitions)
    )
    return WorkflowDefinition(
        id=spec.id,
        title=spec.title,
        description=spec.description,
        roles=dict(spec.roles),
        states={name: StateDef(name=name, **dict(state)) for name, state in spec.states.items()},
        transitions=transitions,
        deadlines=tuple(
            resolve_deadline(d, order, triggers, lines.get(("deadlines", i)))
            for i, d in enumerate(spec.deadlines)
        )
        + _step_rules(transitions),
        notifications=tuple(
            resolve_notification(n, lines.get(("notifications", i)))
            for i, n in enumerate(spec.notifications)
        ),
    )


def definition_version(definition: WorkflowDefinition) -> str:
    """sha256 of the definition's canonical JSON: equal content, equal version.

    A state or transition that declares no ``meaning`` hashes as it did before meanings
    existed, so a workflow without committee steps keeps its version.
    """
    content = definition.model_dump(mode="json")
    for part in (*content["states"].values(), *content["transitions"]):
        if part.get("meaning") is None:
            part.pop("meaning", None)
    canonical = json.dumps(
        content,
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class _Parsed:
    loaded: LoadedWorkflow | None
    problems: list[Problem]
    workflow_id: str | None  # readable even from a broken file, for duplicate-id checks
    id_line: int | None


def _parse(text: str, file: str, *, stored: bool = False) -> _Parsed:
    data, lines, problems = read_yaml(text, file)
    if data is None:
        return _Parsed(None, problems, None, None)
    if not isinstance(data, dict):
        problems.append(
            Problem(
                file,
                lines.get(()),
                "",
                f"the file must be a mapping (id:, title:, states:, ...), got {_describe(data)}",
            )
        )
        return _Parsed(None, problems, None, None)
    if stored:
        upgraded = with_legacy_meanings(data)
        if upgraded is not data:
            parsed = _checked(upgraded, lines, problems, text, file)
            if parsed.loaded is not None:
                return parsed
    return _checked(data, lines, problems, text, file)


def _checked(
    data: dict[str, Any], lines: LineMap, problems: list[Problem], text: str, file: str
) -> _Parsed:
    problems = list(problems)
    problems += _schema_problems(data, lines, file)
    problems += check_workflow(data, lines, file)
    problems += check_deadlines(data, lines, file)
    problems += check_notifications(data, lines, file)
    problems += check_meanings(data, lines, file)
    problems += check_approvals(data, lines, file)
    workflow_id = data.get("id") if isinstance(data.get("id"), str) else None
    id_line = lines.get(("id",))
    if problems:
        return _Parsed(None, problems, workflow_id, id_line)
    definition = _build(WorkflowFile.model_validate(data, strict=True), lines)
    loaded = LoadedWorkflow(definition, text, file, definition_version(definition))
    return _Parsed(loaded, [], workflow_id, id_line)


def _sorted(problems: list[Problem]) -> list[Problem]:
    return sorted(problems, key=lambda p: (p.file, p.line or 0, p.where, p.message))


# --- public entry points ------------------------------------------------------------------


def load_workflow_text(
    text: str, path: str = "<string>", *, stored: bool = False
) -> LoadedWorkflow:
    """Load one workflow from YAML text; raise DefinitionError listing every problem.

    ``stored``: the text of a version the database keeps, which may predate ``meaning:``;
    one that declares no meaning is read as caseflow read it then
    (:func:`caseflow.definitions.meanings.with_legacy_meanings`).
    """
    parsed = _parse(text, path, stored=stored)
    if parsed.loaded is None:
        raise DefinitionError(parsed.problems)
    return parsed.loaded


def _read(path: Path) -> tuple[str | None, Problem | None]:
    try:
        return path.read_text(encoding="utf-8-sig"), None
    except UnicodeDecodeError as err:
        return None, Problem(str(path), None, "", f"the file is not UTF-8 text ({err.reason})")
    except OSError as err:
        reason = err.strerror or str(err)
        return None, Problem(str(path), None, "", f"cannot read the file: {reason}")


def read_yaml_with_lines(path: str | Path) -> tuple[Any, dict[LinePath, int]]:
    """Read any caseflow YAML file (workflow, organisation) as plain data and line map.

    For other file formats that want the same line-numbered problems. Raises
    DefinitionError if the file cannot be read, is not YAML, or repeats a key.
    """
    text, problem = _read(Path(path))
    if text is None:
        raise DefinitionError([problem] if problem else [])
    data, lines, problems = read_yaml(text, str(path))
    if problems:
        raise DefinitionError(problems)
    return data, dict(lines)


def load_workflow_file(path: str | Path) -> LoadedWorkflow:
    """Load one workflow file; raise DefinitionError listing every problem."""
    text, problem = _read(Path(path))
    if text is None:
        raise DefinitionError([problem] if problem else [])
    return load_workflow_text(text, str(path))


def _load_many(paths: Sequence[str | Path]) -> tuple[list[LoadedWorkflow], list[Problem]]:
    loaded, by_workflow = _load_each(paths)
    return loaded, _sorted([p for problems in by_workflow.values() for p in problems])


def _load_each(
    paths: Sequence[str | Path],
) -> tuple[list[LoadedWorkflow], dict[str, list[Problem]]]:
    """The valid workflows, and the problems of the others by their workflow id (a file
    too broken to say is taken by its name)."""
    loaded: list[LoadedWorkflow] = []
    problems: dict[str, list[Problem]] = {}
    first_file: dict[str, str] = {}
    for path in paths:
        file = str(path)
        text, problem = _read(Path(path))
        if text is None:
            problems.setdefault(Path(path).stem, []).extend([problem] if problem else [])
            continue
        parsed = _parse(text, file)
        if parsed.problems:
            # A file too broken to name its workflow is taken to hold the one it is named
            # after (committee-case.yaml), as the shipped files do.
            owner = parsed.workflow_id or Path(path).stem
            problems.setdefault(owner, []).extend(parsed.problems)
        if parsed.loaded is not None:
            loaded.append(parsed.loaded)
        if parsed.workflow_id is None:
            continue
        other = first_file.setdefault(parsed.workflow_id, file)
        if other != file:
            problems.setdefault(parsed.workflow_id, []).append(
                Problem(
                    file,
                    parsed.id_line,
                    "",
                    f"duplicate workflow id '{parsed.workflow_id}' (also in {other}); "
                    "every workflow needs its own id",
                )
            )
    # A workflow with a problem in any of its files is not loaded from the others.
    return [w for w in loaded if w.definition.id not in problems], problems


def validate_files(paths: Sequence[str | Path]) -> list[Problem]:
    """Every problem in every file, plus workflow ids used by more than one file."""
    return _load_many(paths)[1]


def workflow_files(directory: str | Path) -> list[Path]:
    """The workflow files in a directory: ``*.yaml`` and ``*.yml``, sorted by name."""
    folder = Path(directory)
    return sorted(p for p in folder.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file())


def load_directory(directory: str | Path) -> dict[str, LoadedWorkflow]:
    """Load every workflow file in ``directory``, keyed by workflow id.

    Raises DefinitionError with every problem in every file if any file is bad, so
    a deployment never runs with some workflows silently missing.
    """
    folder = Path(directory)
    if not folder.is_dir():
        raise DefinitionError([Problem(str(folder), None, "", "not a directory of workflows")])
    loaded, problems = _load_many(workflow_files(folder))
    if problems:
        raise DefinitionError(problems)
    return {w.definition.id: w for w in loaded}


def load_directory_apart(
    directory: str | Path,
) -> tuple[dict[str, LoadedWorkflow], dict[str, list[Problem]]]:
    """Every valid workflow in ``directory`` by id, and the problems of the others by
    workflow id (or file name, for a file too broken to name one). One bad file then
    stops only its own workflow, never a command about another (``case show``)."""
    folder = Path(directory)
    if not folder.is_dir():
        raise DefinitionError([Problem(str(folder), None, "", "not a directory of workflows")])
    loaded, problems = _load_each(workflow_files(folder))
    return {w.definition.id: w for w in loaded}, problems
