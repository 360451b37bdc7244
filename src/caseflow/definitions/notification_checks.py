"""Semantic checks of the notification rules in a workflow file.

The schema checks each rule's shape (a template name of the allowed form, a
non-empty ``to``); this module checks how a rule fits its workflow: that its
trigger or state exists, that its roles are declared, that its id is its own.
Like :mod:`caseflow.definitions.deadline_checks` it reads the plain YAML data
leniently, so one broken rule never hides the problems in another, and every
problem carries its file and line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from caseflow.definitions.notification_schema import ON_KINDS
from caseflow.definitions.primitives import NAME_PATTERN
from caseflow.definitions.validate import (
    LineMap,
    LinePath,
    check_rule_list,
    line_for,
    listing,
    suggest,
    where_for,
)
from caseflow.errors import Problem

_NAME_RE = re.compile(NAME_PATTERN)


def _keys(value: Any) -> list[str] | None:
    """The names of a mapping section (states, roles); None if it is unreadable."""
    return [str(k) for k in value] if isinstance(value, dict) else None


def _triggers(value: Any) -> list[str] | None:
    if not isinstance(value, list):
        return None
    found = (e.get("trigger") for e in value if isinstance(e, dict))
    return list(dict.fromkeys(t for t in found if isinstance(t, str)))


@dataclass
class _NotificationChecker:
    data: dict[str, Any]
    lines: LineMap
    file: str
    states: list[str] | None = None
    roles: list[str] | None = None
    triggers: list[str] | None = None
    problems: list[Problem] = field(default_factory=list)

    def add(self, path: LinePath, message: str) -> None:
        self.problems.append(
            Problem(self.file, line_for(self.lines, path), where_for(path, self.data), message)
        )

    def check(self, path: LinePath, rule: dict[str, Any]) -> None:
        self._on(path, rule.get("on"))
        to = rule.get("to")
        for i, entry in enumerate(to if isinstance(to, list) else []):
            if isinstance(entry, str) and _NAME_RE.match(entry):  # else: the schema's job
                self._role((*path, "to", i), entry)

    def _on(self, path: LinePath, on: Any) -> None:
        if not isinstance(on, dict):
            return  # the schema check reports it
        given = [k for k in ON_KINDS if on.get(k) is not None]
        if len(given) != 1 or not isinstance(on[given[0]], str):
            return  # the schema check reports it
        kind = given[0]
        name = on[kind]
        if not _NAME_RE.match(name):
            return  # the schema check reports it
        what, known = ("trigger", self.triggers) if kind == "transition" else ("state", self.states)
        if known is None or name in known:
            return
        self.add(
            (*path, "on", kind),
            f"'{kind}' names unknown {what} '{name}'{suggest(name, known)}; "
            f"{what}s are: {listing(known)}",
        )

    def _role(self, where: LinePath, name: str) -> None:
        if self.roles is None or name in self.roles:
            return
        self.add(
            where,
            f"unknown role '{name}'{suggest(name, self.roles)}; declare it under 'roles', "
            f"use one of: {listing(sorted(self.roles))}, or write '{{field: NAME}}' for an "
            "address kept in a case field",
        )


def check_notifications(data: dict[str, Any], lines: LineMap, file: str) -> list[Problem]:
    """Every semantic problem in a workflow file's ``notifications:`` list."""
    raw = data.get("notifications")
    if not isinstance(raw, list):
        return []
    checker = _NotificationChecker(
        data,
        lines,
        file,
        states=_keys(data.get("states")),
        roles=_keys(data.get("roles")),
        triggers=_triggers(data.get("transitions")),
    )
    check_rule_list(raw, "notifications", "notification", checker, lines)
    return checker.problems
