"""Deadlines: rules to due dates (pure), the dispatcher and the worker."""
