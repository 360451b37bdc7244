"""The API against its own OpenAPI document: generated requests to every operation
never get a 5xx, and every response (status, content type, body) matches what the
document publishes. Schemathesis's pytest plugin cannot take the per-test database
fixture here, so each operation's strategy runs under Hypothesis directly."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import positive_data_acceptance

from caseflow.context import Context
from caseflow.services import accounts
from caseflow.testing import open_test_case, ready_test_case
from caseflow.web.app import create_app


@pytest.fixture
def api_schema(ctx: Context) -> schemathesis.BaseSchema:
    open_test_case(ctx.engine)
    ready_test_case(ctx.engine)
    return schemathesis.openapi.from_asgi("/api/v1/openapi.json", create_app(ctx))


@pytest.fixture
def api_headers(ctx: Context) -> dict[str, str]:
    issued = accounts.issue_token(ctx, ctx.engine.actor("bif.sagsbehandler"), "schemathesis")
    return {"Authorization": f"Bearer {issued.secret}"}


def test_every_operation_answers_within_its_schema(
    api_schema: schemathesis.BaseSchema, api_headers: dict[str, str]
) -> None:
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 8, "every operation of the API is in its document"
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=25,
            deadline=None,
            database=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        )
        def answers(case: schemathesis.Case) -> None:
            # Schema-valid input can still be refused on its meaning (a cursor no page
            # gave, an administration that does not exist): a 422 with its code is right.
            case.call_and_validate(headers=api_headers, excluded_checks=[positive_data_acceptance])

        answers()


ADMIN_TAGS = {"users", "organisation", "workflows", "incidents"}


def test_the_administrators_operations_answer_within_their_schema(
    ctx: Context, api_schema: schemathesis.BaseSchema
) -> None:
    """The same, with an administrator's token, on the operations only they may use (with
    a case officer's token, above, they are refused: that checks the refusal's schema)."""
    issued = accounts.issue_token(ctx, ctx.engine.actor("admin"), "schemathesis")
    headers = {"Authorization": f"Bearer {issued.secret}"}
    operations = [
        result.ok()
        for result in api_schema.get_all_operations()
        if ADMIN_TAGS & set(result.ok().tags or ())
    ]
    assert len(operations) >= 7
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=15,
            deadline=None,
            database=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        )
        def answers(case: schemathesis.Case) -> None:
            case.call_and_validate(headers=headers, excluded_checks=[positive_data_acceptance])

        answers()
