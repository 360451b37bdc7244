"""Backoff between delivery attempts: doubling, capped, and the same every time."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from caseflow.notifications.channels import backoff


def test_doubles_from_the_base() -> None:
    assert [backoff(n) for n in range(1, 9)] == [30, 60, 120, 240, 480, 960, 1920, 3600]


def test_stays_at_the_cap() -> None:
    assert backoff(8) == backoff(9) == backoff(50) == 3600


def test_a_huge_attempt_number_does_not_overflow() -> None:
    assert backoff(10**6) == 3600


def test_base_and_cap_are_settable() -> None:
    assert [backoff(n, base=1, cap=5) for n in range(1, 6)] == [1, 2, 4, 5, 5]


@pytest.mark.parametrize(
    ("attempt", "base", "cap"), [(0, 30.0, 3600.0), (-1, 30.0, 3600.0), (1, 0.0, 10.0), (1, 5, 4)]
)
def test_nonsense_is_refused(attempt: int, base: float, cap: float) -> None:
    with pytest.raises(ValueError, match=r"attempt|base"):
        backoff(attempt, base=base, cap=cap)


def test_jitter_from_the_key_is_deterministic() -> None:
    assert backoff(3, key="deadline:42:reminder:1") == backoff(3, key="deadline:42:reminder:1")


def test_jitter_spreads_messages_that_failed_together() -> None:
    delays = {backoff(3, key=f"deadline:{n}:reminder:1") for n in range(50)}

    assert len(delays) > 40
    assert all(60 <= d <= 120 for d in delays)


@given(
    attempt=st.integers(min_value=1, max_value=10_000),
    key=st.text(max_size=40),
    base=st.floats(min_value=0.001, max_value=600),
)
def test_always_positive_and_never_above_the_cap(attempt: int, key: str, base: float) -> None:
    delay = backoff(attempt, base=base, cap=3600, key=key)

    assert 0 < delay <= 3600
    assert delay >= min(3600, base * 2 ** min(attempt - 1, 60)) / 2


@given(attempt=st.integers(min_value=1, max_value=200))
def test_without_a_key_it_never_shrinks(attempt: int) -> None:
    assert backoff(attempt) <= backoff(attempt + 1)
