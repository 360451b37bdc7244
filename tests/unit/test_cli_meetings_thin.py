"""The meetings and accounts concerns' CLI modules are thin: they call services, never the
store."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

CLI = Path(__file__).resolve().parents[2] / "src" / "caseflow" / "cli"


@pytest.mark.parametrize("module", ["agenda.py", "meeting.py", "followup.py", "user.py"])
def test_no_store_import_and_no_transaction(module: str) -> None:
    tree = ast.parse((CLI / module).read_text(encoding="utf-8"))
    imported = [
        node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
    ] + [
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    ]
    assert not [name for name in imported if name.startswith("caseflow.store")]
    calls = {
        node.func.attr
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
    }
    assert calls.isdisjoint({"transaction", "read_transaction", "write_transaction"})
