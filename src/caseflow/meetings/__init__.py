"""Committees and their meetings: the meeting plan, ICS export and backward planning.

``planning`` and ``ics`` are pure (no database, no clock); ``plan`` is the
service that checks roles and reads and writes meeting rows through
``caseflow.store.meetings``; ``committees`` edits a committee's data.
"""
