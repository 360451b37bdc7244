"""The one canonical JSON text every record hash covers: sorted keys, no spaces, UTF-8.

Times are written in UTC as ISO 8601, so a value read back from either database
(whose time zone handling differs) hashes as it did when it was written.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

_ENCODER = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def moment(at: datetime | None) -> str | None:
    """A time as the hashes write it: UTC, ISO 8601 (None stays None)."""
    if at is None:
        return None
    if at.tzinfo is None:  # the store's times are UTC; a naive one read back is too
        at = at.replace(tzinfo=UTC)
    return at.astimezone(UTC).isoformat()


def text(value: Mapping[str, Any] | list[Any]) -> str:
    """The canonical JSON text of ``value`` (JSON types only: times go through :func:`moment`)."""
    return _ENCODER.encode(value)


def digest(value: Mapping[str, Any] | list[Any]) -> str:
    """SHA-256 (hex) of :func:`text`."""
    return sha256(text(value))


def sha256(content: str) -> str:
    return hashlib.sha256(content.encode("utf-8")).hexdigest()
