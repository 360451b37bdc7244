"""Notifications: rendering, channels and the outbox sender."""
