from __future__ import annotations

import pytest

from kompetens_forecast.errors import InvalidOptionError
from kompetens_forecast.sources.ratelimit import MARGIN_SECONDS, SlidingWindowLimiter


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def limiter(calls: int = 3, window: float = 10.0) -> tuple[SlidingWindowLimiter, FakeClock]:
    clock = FakeClock()
    return SlidingWindowLimiter(calls, window, clock=clock, sleep=clock.sleep), clock


def test_calls_within_the_limit_do_not_wait() -> None:
    rate, clock = limiter(3, 10.0)
    for _ in range(3):
        assert rate.acquire() == 0.0
    assert clock.sleeps == []


def test_the_next_call_waits_until_the_oldest_leaves_the_window() -> None:
    rate, clock = limiter(3, 10.0)
    starts = []
    for _ in range(7):
        rate.acquire()
        starts.append(clock.now)
        clock.now += 1.0  # each call takes a second
    # in every window of 10 s there are never more than 3 call starts
    for i, start in enumerate(starts):
        assert sum(1 for s in starts[i:] if s < start + 10.0) <= 3
    assert starts[3] == pytest.approx(starts[0] + 10.0 + MARGIN_SECONDS)


def test_pause_after_429_blocks_all_calls() -> None:
    rate, _clock = limiter(30, 10.0)
    rate.acquire()
    rate.pause(5.0)
    waited = rate.acquire()
    assert waited == pytest.approx(5.0 + MARGIN_SECONDS)
    assert rate.waited == pytest.approx(waited)


def test_invalid_limits_are_refused() -> None:
    with pytest.raises(InvalidOptionError):
        SlidingWindowLimiter(0, 10.0)
