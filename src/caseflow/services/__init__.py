"""The use cases, one module per concern: what every interface calls.

Each service function takes the :class:`~caseflow.context.Context`, the acting
:class:`~caseflow.domain.Actor` (never a name from the request: the CLI resolves
``--as``, the web app its session) and a typed request, asks
:mod:`caseflow.policy` who may do or see what, owns its one transaction, and
returns a typed result whose ``to_json()`` is what the CLI prints with
``--json`` and the API returns. Lists are filtered in SQL and paged
(:class:`~caseflow.services.paging.Page`). An interface parses, calls one
service and presents: it holds no rule and opens no transaction.
"""
