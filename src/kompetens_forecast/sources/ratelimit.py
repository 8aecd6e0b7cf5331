"""A sliding-window rate limiter sized from the server's own limits.

SCB counts calls per IP in a sliding window (PxWebApi 2 `/config`: `maxCallsPerTimeWindow`
calls per `timeWindow` seconds; 2026-11: 30 per 10 s). We keep the start times of our last
`max_calls` calls and wait until the oldest leaves the window, so we never exceed the limit
ourselves. A 429 (someone else on the same IP, or a stricter server) pauses all calls until
the server's `Retry-After` has passed.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable

from kompetens_forecast.errors import InvalidOptionError

#: Safety margin added to every wait: clocks of client and server are not the same clock.
MARGIN_SECONDS = 0.05


class SlidingWindowLimiter:
    def __init__(
        self,
        max_calls: int,
        window: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if max_calls < 1 or window <= 0:
            raise InvalidOptionError(
                f"Invalid rate limit {max_calls} calls per {window} s.",
                "Both must be positive.",
            )
        self.max_calls = max_calls
        self.window = window
        self._clock = clock
        self._sleep = sleep
        self._calls: deque[float] = deque()
        self._paused_until = 0.0
        self._lock = threading.Lock()
        self.waited = 0.0  # total seconds spent waiting, for reports and benchmarks

    def _delay(self, now: float) -> float:
        while self._calls and now - self._calls[0] >= self.window + MARGIN_SECONDS:
            self._calls.popleft()
        delay = max(0.0, self._paused_until - now)
        if len(self._calls) >= self.max_calls:
            delay = max(delay, self._calls[0] + self.window + MARGIN_SECONDS - now)
        return delay

    def acquire(self) -> float:
        """Block until one more call is allowed, record it, and return the seconds waited."""
        waited = 0.0
        with self._lock:
            while True:
                delay = self._delay(self._clock())
                if delay <= 0:
                    break
                self._sleep(delay)
                waited += delay
            self._calls.append(self._clock())
            self.waited += waited
        return waited

    def pause(self, seconds: float) -> None:
        """No calls for `seconds` from now (after a 429 with Retry-After)."""
        with self._lock:
            self._paused_until = max(self._paused_until, self._clock() + seconds + MARGIN_SECONDS)
