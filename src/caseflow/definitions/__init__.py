"""Workflow definitions: the YAML format, loading with line numbers, checks, machines.

A workflow file describes states, who owns them, and the transitions between
them with the roles and guards that allow each, and the deadline and
notification rules that follow from them. Load files with
:func:`load_workflow_file` / :func:`load_directory` (every problem is reported at
once, with file and line), then :func:`compile_workflow` to get the runnable form.
"""

from caseflow.definitions.guards import (
    COMMENT_REQUIRED,
    GUARDS,
    Guard,
    GuardCheck,
    check_guards,
)
from caseflow.definitions.loader import (
    LoadedWorkflow,
    load_directory,
    load_workflow_file,
    load_workflow_text,
    read_yaml_with_lines,
    validate_files,
)
from caseflow.definitions.machine import CompiledWorkflow, compile_workflow, mermaid_diagram
from caseflow.definitions.schema import (
    DeadlineAnchor,
    DeadlineRule,
    ExpiryAction,
    GuardSpec,
    LocalizedText,
    NotificationOn,
    NotificationRule,
    StateDef,
    TransitionDef,
    WorkflowDefinition,
    json_schema,
)

__all__ = [
    "COMMENT_REQUIRED",
    "GUARDS",
    "CompiledWorkflow",
    "DeadlineAnchor",
    "DeadlineRule",
    "ExpiryAction",
    "Guard",
    "GuardCheck",
    "GuardSpec",
    "LoadedWorkflow",
    "LocalizedText",
    "NotificationOn",
    "NotificationRule",
    "StateDef",
    "TransitionDef",
    "WorkflowDefinition",
    "check_guards",
    "compile_workflow",
    "json_schema",
    "load_directory",
    "load_workflow_file",
    "load_workflow_text",
    "mermaid_diagram",
    "read_yaml_with_lines",
    "validate_files",
]
