"""The small building blocks every part of a workflow file uses: names and texts.

They live apart from :mod:`caseflow.definitions.schema` so that the models of
each section of a file (states and transitions there, deadline rules in
:mod:`caseflow.definitions.deadline_schema`) can share them without importing
each other in a circle.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

WORKFLOW_ID_PATTERN = r"^[a-z][a-z0-9-]*$"
NAME_PATTERN = r"^[a-z][a-z0-9_]*$"  # states, triggers, roles, deadline rules, case fields

FROZEN = ConfigDict(frozen=True, extra="forbid")

WorkflowId = Annotated[str, Field(pattern=WORKFLOW_ID_PATTERN)]
Name = Annotated[str, Field(pattern=NAME_PATTERN)]
Text = Annotated[str, Field(min_length=1)]


class LocalizedText(BaseModel):
    """A text in Danish and English; both are required so no screen is half-translated."""

    model_config = FROZEN

    da: Text = Field(description="Danish text")
    en: Text = Field(description="English text")
