"""Errors: the core names no flag; the command line adds one per code."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from caseflow.cli.phrasing import HINTS, phrase
from caseflow.errors import CaseflowError, ErrorCode, NotAllowed

PACKAGE = Path(__file__).resolve().parents[2] / "src" / "caseflow"
FLAG = re.compile(r"(?<![\w-])--[a-z][a-z-]+")


def raised_texts(path: Path) -> list[tuple[int, str]]:
    """Every string literal inside a ``raise`` statement of a module."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Raise) and node.exc is not None:
            for inner in ast.walk(node.exc):
                if isinstance(inner, ast.Constant) and isinstance(inner.value, str):
                    found.append((inner.lineno, inner.value))
    return found


def core_modules() -> list[Path]:
    return [
        p
        for p in sorted(PACKAGE.rglob("*.py"))
        if "cli" not in p.relative_to(PACKAGE).parts and p.name != "testing.py"
    ]


@pytest.mark.parametrize("path", core_modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_error_outside_the_cli_names_a_flag(path: Path) -> None:
    flags = [(line, text) for line, text in raised_texts(path) if FLAG.search(text)]
    assert flags == [], "phrase the flag in caseflow.cli.phrasing instead"


@pytest.mark.parametrize("code", list(HINTS))
def test_every_hint_phrases_an_error_without_parameters(code: ErrorCode) -> None:
    phrase(CaseflowError("something went wrong", code=code))


def test_a_service_step_names_the_command_to_use() -> None:
    error = NotAllowed(
        "'put_on_agenda' is done through the agenda",
        code=ErrorCode.TRIGGER_OWNED_BY_SERVICE,
        service="agenda",
        journal_no="2009-68440",
    )
    assert "caseflow agenda add MEETING 2009-68440" in phrase(error)
    assert "'put_on_agenda' is done through the agenda" in phrase(error)


def test_a_missing_comment_asks_for_the_flag_only_when_a_comment_is_missing() -> None:
    guards = ErrorCode.GUARDS_FAILED
    assert "--comment" in phrase(NotAllowed("x", code=guards, comment_required=True))
    assert phrase(NotAllowed("x", code=guards, comment_required=False)) == "x"
