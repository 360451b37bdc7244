"""JSON text exactly as ``json.dumps`` and ``json.loads`` give and take it, for the store.

The two are what SQLAlchemy calls for every JSON column of every row. Each
call of theirs sets its machinery up afresh: ``json.dumps`` builds a new C
encoder, ``json.loads`` runs two regular expressions and three Python frames
around the C scanner. The deadline dispatcher encodes and decodes a case's
fields for every deadline it applies, thousands a second, where that set-up
was half the cost. Here the C encoder and scanner are built once.
"""

from __future__ import annotations

import json
from json import encoder
from typing import Any, cast

__all__ = ["dumps", "loads"]

_default = json.JSONEncoder().default  # raises TypeError: "not JSON serializable"
# No circular-reference markers: the store encodes only what JSON gave it or what we
# built from literals, and a shared markers mapping would outlive an error half-way.
_make_encoder: Any = getattr(encoder, "c_make_encoder", None)  # None without the C module
_encode = (
    _make_encoder(
        None,
        _default,
        encoder.encode_basestring_ascii,
        None,  # indent
        ": ",
        ", ",
        False,  # sort_keys
        False,  # skipkeys
        True,  # allow_nan
    )
    if _make_encoder is not None
    else None
)
_scan: Any = cast(Any, json.JSONDecoder()).scan_once


def dumps(value: Any) -> str:
    """``json.dumps(value)``: the same text, for the same values and errors."""
    if _encode is None:
        return json.dumps(value)
    return "".join(_encode(value, 0))


def loads(text: str) -> Any:
    """``json.loads(text)`` of a str: the same value; bad JSON raises as it does.

    Most JSON columns hold an empty list or mapping (no reminders, no participating
    administrations): those are answered without parsing.
    """
    if text == "[]":
        return []
    if text == "{}":
        return {}
    try:
        value, end = _scan(text, 0)
    except (StopIteration, TypeError, ValueError):
        return json.loads(text)  # leading blanks, bytes, or bad JSON: json.loads says
    if end != len(text):
        return json.loads(text)  # trailing blanks or extra data: json.loads says which
    return value
