"""One family of errors.

Every error a user can provoke is a :class:`CaseflowError`; its message says what
went wrong and how to put it right. The CLI prints the message and exits non-zero,
so no traceback ever reaches a user for bad input.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass


class CaseflowError(Exception):
    """Base of every error caseflow raises on purpose."""

    exit_code = 1


@dataclass(frozen=True, order=True)
class Problem:
    """One problem in a definition file: where it is and what is wrong."""

    file: str
    line: int | None
    where: str
    message: str

    def __str__(self) -> str:
        location = f"{self.file}:{self.line}" if self.line is not None else self.file
        where = f" {self.where}:" if self.where else ""
        return f"{location}:{where} {self.message}"


class DefinitionError(CaseflowError):
    """A workflow (or organisation) file has one or more problems."""

    exit_code = 2

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: Sequence[Problem] = sorted(problems, key=lambda p: (p.file, p.line or 0))
        count = len(self.problems)
        lines = "\n".join(f"  {p}" for p in self.problems)
        super().__init__(f"{count} problem{'s' if count != 1 else ''} found:\n{lines}")


class NotFound(CaseflowError):
    """A case, workflow, actor or other named thing does not exist."""

    exit_code = 3


class InvalidInput(CaseflowError):
    """Input that cannot be accepted as given (bad date, unknown field, ...)."""

    exit_code = 2


class NotAllowed(CaseflowError):
    """The action is not possible now: wrong state, missing role or a failing guard."""

    exit_code = 4


class Conflict(CaseflowError):
    """Somebody else changed the case first (optimistic locking)."""

    exit_code = 5


class DatabaseNotReady(CaseflowError):
    """The database is missing tables or is behind the code's migrations."""

    exit_code = 6
