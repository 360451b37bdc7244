"""Workflow definitions: the YAML format, loading with line numbers, checks, machines.

A workflow file describes states, who owns them, and the transitions between
them with the roles and guards that allow each, and the deadline and
notification rules that follow from them. Load files with
:func:`load_workflow_file` / :func:`load_directory` (every problem is reported at
once, with file and line), then :func:`compile_workflow` to get the runnable form.

Importing the package imports none of its modules: each name is imported where it
is first used (PEP 562), so a command that needs only the schema's types does not
pay for YAML, the loader's checks or ``transitions``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from caseflow.lazy_names import module_getattr

if TYPE_CHECKING:
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

_WHERE = {
    "COMMENT_REQUIRED": "caseflow.definitions.guards",
    "CompiledWorkflow": "caseflow.definitions.machine",
    "DeadlineAnchor": "caseflow.definitions.schema",
    "DeadlineRule": "caseflow.definitions.schema",
    "ExpiryAction": "caseflow.definitions.schema",
    "GUARDS": "caseflow.definitions.guards",
    "Guard": "caseflow.definitions.guards",
    "GuardCheck": "caseflow.definitions.guards",
    "GuardSpec": "caseflow.definitions.schema",
    "LoadedWorkflow": "caseflow.definitions.loader",
    "LocalizedText": "caseflow.definitions.schema",
    "NotificationOn": "caseflow.definitions.schema",
    "NotificationRule": "caseflow.definitions.schema",
    "StateDef": "caseflow.definitions.schema",
    "TransitionDef": "caseflow.definitions.schema",
    "WorkflowDefinition": "caseflow.definitions.schema",
    "check_guards": "caseflow.definitions.guards",
    "compile_workflow": "caseflow.definitions.machine",
    "json_schema": "caseflow.definitions.schema",
    "load_directory": "caseflow.definitions.loader",
    "load_workflow_file": "caseflow.definitions.loader",
    "load_workflow_text": "caseflow.definitions.loader",
    "mermaid_diagram": "caseflow.definitions.machine",
    "read_yaml_with_lines": "caseflow.definitions.loader",
    "validate_files": "caseflow.definitions.loader",
}


__getattr__ = module_getattr(__name__, _WHERE)


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
