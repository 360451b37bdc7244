"""The small building blocks every part of a workflow file uses: names, texts, and
mappings that hold exactly one of their keys.

They live apart from :mod:`caseflow.definitions.schema` so that the models of
each section of a file (states and transitions there, deadline rules in
:mod:`caseflow.definitions.deadline_schema`, notification rules in
:mod:`caseflow.definitions.notification_schema`) can share them without
importing each other in a circle.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from caseflow.definitions.names import NAME_PATTERN as NAME_PATTERN
from caseflow.definitions.names import WORKFLOW_ID_PATTERN as WORKFLOW_ID_PATTERN

FROZEN = ConfigDict(frozen=True, extra="forbid")

WorkflowId = Annotated[str, Field(pattern=WORKFLOW_ID_PATTERN)]
Name = Annotated[str, Field(pattern=NAME_PATTERN)]
Text = Annotated[str, Field(min_length=1)]


class LocalizedText(BaseModel):
    """A text in Danish and English; both are required so no screen is half-translated."""

    model_config = FROZEN

    da: Text = Field(description="Danish text")
    en: Text = Field(description="English text")

    def pick(self, language: str) -> str:
        """The text in ``language``; anything but ``en`` is Danish, caseflow's default."""
        return self.en if language == "en" else self.da


def one_key(title: str) -> ConfigDict:
    """A mapping that holds exactly one of its keys (editors are told so, too)."""
    return ConfigDict(
        extra="forbid", title=title, json_schema_extra={"minProperties": 1, "maxProperties": 1}
    )


def only_one(model: BaseModel, keys: Sequence[str], what: str, example: str) -> None:
    """Refuse a :func:`one_key` mapping that gives none or several of ``keys``."""
    given = [key for key in keys if getattr(model, key) is not None]
    if len(given) == 1:
        return
    choices = ", ".join(keys[:-1]) + f" or {keys[-1]}"
    found = f"; it has {' and '.join(given)}" if given else ""
    raise ValueError(f"{what} needs exactly one of {choices}{found}: e.g. {example}")
