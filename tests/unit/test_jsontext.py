"""The store's JSON text is exactly json.dumps' and json.loads', errors included."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from caseflow.store import jsontext

# What a JSON column can hold: JSON's values, nested.
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=20,
)


@given(json_values)
def test_dumps_writes_what_json_dumps_writes(value: Any) -> None:
    assert jsontext.dumps(value) == json.dumps(value)


@given(json_values)
def test_loads_reads_what_json_loads_reads(value: Any) -> None:
    text = json.dumps(value)
    assert jsontext.loads(text) == json.loads(text)
    assert jsontext.loads(text) == value


@pytest.mark.parametrize("text", [' {"a": [1, 2]}', "[1, 2]\n", "\t{}", '"text"', "3.5"])
def test_loads_takes_what_json_loads_takes(text: str) -> None:
    assert jsontext.loads(text) == json.loads(text)


@pytest.mark.parametrize("text", ["", " ", "[1,", "{'a': 1}", "[1] extra", "nul", '{"a": }'])
def test_bad_json_fails_as_json_loads_fails(text: str) -> None:
    with pytest.raises(json.JSONDecodeError) as expected:
        json.loads(text)
    with pytest.raises(json.JSONDecodeError) as raised:
        jsontext.loads(text)
    assert str(raised.value) == str(expected.value)


@pytest.mark.parametrize("value", [object(), {"a": {1, 2}}, {(1, 2): "tuple key"}])
def test_what_json_cannot_hold_fails_as_json_dumps_fails(value: Any) -> None:
    with pytest.raises(TypeError) as expected:
        json.dumps(value)
    with pytest.raises(TypeError) as raised:
        jsontext.dumps(value)
    assert str(raised.value) == str(expected.value)


def test_a_failed_dumps_leaves_nothing_behind() -> None:
    """An error half-way through one value does not spoil the next (no shared markers)."""
    shared = ["kept"]
    with pytest.raises(TypeError):
        jsontext.dumps({"first": shared, "then": object()})
    assert jsontext.dumps({"again": shared}) == '{"again": ["kept"]}'
