"""A package's names imported from their modules on first use (PEP 562).

``caseflow.definitions`` and ``caseflow.approvals`` export names whose modules pull in
pydantic, YAML or ``transitions``: a process that never uses them (``case list``, an idle
worker) must not pay for importing the package.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Mapping
from typing import Any


def module_getattr(package: str, where: Mapping[str, str]) -> Callable[[str], Any]:
    """The ``__getattr__`` of ``package`` for the names in ``where`` (name: its module).

    A name is imported at its first use and then kept in the package, so the next use is
    a plain attribute.
    """

    def __getattr__(name: str) -> Any:
        module = where.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(module), name)
        setattr(sys.modules[package], name, value)
        return value

    return __getattr__
