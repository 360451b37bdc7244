"""The JSON API under ``/api/v1``: the same services as the pages and the CLI.

A request names its actor by an API token only (``Authorization: Bearer cft_…``,
made with ``caseflow user token create`` or on the account page); errors are
RFC 9457 problem documents carrying the service error's code.
"""
