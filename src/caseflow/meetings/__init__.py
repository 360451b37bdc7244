"""Committees and their meetings: the meeting plan, ICS export, backward planning,
agendas, minutes and follow-up.

``planning``, ``ics`` and ``timing`` are pure (no database, no clock); ``plan``,
``agenda``, ``minutes`` and ``followup`` are services that check roles and read
and write rows through ``caseflow.store``; ``committees`` edits a committee's data.
"""
