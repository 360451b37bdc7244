"""HTTP statuses of service errors, and their RFC 9457 problem documents for the API.

The status follows the error's kind: invalid input 422, not allowed 403, not
found (and "not found or not allowed") 404, a conflict (a stale version) 409, a
database that is not ready 503. The document carries the error's stable code and
parameters, so a client can act on the code and show the detail.
"""

from __future__ import annotations

from typing import Any

from fastapi.responses import JSONResponse

from caseflow.errors import (
    CaseflowError,
    Conflict,
    DatabaseNotReady,
    DefinitionError,
    ErrorCode,
    InvalidInput,
    NotAllowed,
    NotFound,
)

PROBLEM_JSON = "application/problem+json"
TYPE_BASE = "urn:caseflow:error:"

_STATUS: tuple[tuple[type[CaseflowError], int], ...] = (
    (NotFound, 404),
    (NotAllowed, 403),
    (Conflict, 409),
    (InvalidInput, 422),
    (DefinitionError, 422),
    (DatabaseNotReady, 503),
)
_BY_CODE = {
    ErrorCode.CASE_NOT_VISIBLE: 404,
    ErrorCode.STALE_VERSION: 409,
    ErrorCode.UNMAPPED_STATES: 409,  # the running cases do not fit the plan
    ErrorCode.MIGRATION_STATUS: 409,  # a migration not in the status the action needs
}


def status_of(error: CaseflowError) -> int:
    if error.code in _BY_CODE:
        return _BY_CODE[error.code]
    for kind, status in _STATUS:
        if isinstance(error, kind):
            return status
    return 400


def _plain(value: object) -> Any:
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    if isinstance(value, list | tuple | set | frozenset):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return str(value)


def problem(
    status: int,
    title: str,
    detail: str,
    code: str,
    params: dict[str, object] | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    body = {
        "type": f"{TYPE_BASE}{code}",
        "title": title,
        "status": status,
        "detail": detail,
        "code": code,
        "params": _plain(params or {}),
    }
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


def error_problem(error: CaseflowError, detail: str) -> JSONResponse:
    status = status_of(error)
    return problem(status, type(error).__name__, detail, str(error.code), error.params)
