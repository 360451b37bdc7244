"""``caseflow.approvals`` names its rules without importing them (issue 16): every
case edit checks :mod:`caseflow.approvals.reserved`, and a list imports the services
that do, so the package's own import must not bring the chain and routing rules
(tests/e2e/test_cli_startup.py holds ``case list`` to that)."""

from __future__ import annotations

import importlib

import caseflow.approvals as approvals


def test_every_public_name_is_the_one_its_module_defines() -> None:
    assert sorted(approvals.__all__) == sorted(approvals._WHERE)
    for name, module in approvals._WHERE.items():
        assert getattr(approvals, name) is getattr(importlib.import_module(module), name)


def test_an_unknown_name_is_an_attribute_error() -> None:
    assert not hasattr(approvals, "no_such_rule")
