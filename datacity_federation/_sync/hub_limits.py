"""What one request may cost the hub, and the per-token rate limit of pushes.

Rule header: every push is bounded before it is trusted. The body is read with a cap
(:data:`~datacity_federation._sync.bundle.MAX_BUNDLE_BYTES`), members are stored (never
decompressed) and capped each, the envelope carries at most as many signatures as the city has
active keys (at most two Ed25519 verifications), ``cells.csv`` at most
:data:`~datacity_federation._sync.cells_csv.MAX_ROWS` rows of bounded fields, and each bearer
token may start at most ``burst`` pushes at once and ``rate`` per second after that (a token
bucket per token and per worker process); the next push is answered ``429`` with ``Retry-After``.
"""

from __future__ import annotations

import hashlib
import math
import threading
import time
from collections import OrderedDict
from collections.abc import Callable

__all__ = ["DEFAULT_BURST", "DEFAULT_RATE", "RateLimiter"]

DEFAULT_RATE = 5.0
"""Pushes per second a token earns back (per worker)."""
DEFAULT_BURST = 30
"""Pushes a token may make at once (per worker)."""
_MAX_TOKENS = 10_000
"""Buckets kept; the least recently used is dropped first (it was full or nearly)."""


class RateLimiter:
    """A token bucket per key: ``burst`` at once, refilled at ``rate`` per second."""

    def __init__(
        self,
        rate: float = DEFAULT_RATE,
        burst: int = DEFAULT_BURST,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if rate <= 0 or burst < 1:
            raise ValueError("the rate must be positive and the burst at least 1")
        self.rate = rate
        self.burst = burst
        self._clock = clock
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()
        self._lock = threading.Lock()

    def take(self, token: str) -> int:
        """Spend one push of ``token``: 0 when allowed, else the whole seconds to wait."""
        key = hashlib.sha256(token.encode()).hexdigest()
        now = self._clock()
        with self._lock:
            level, then = self._buckets.pop(key, (float(self.burst), now))
            level = min(float(self.burst), level + (now - then) * self.rate)
            if level >= 1.0:
                self._buckets[key] = (level - 1.0, now)
                wait = 0
            else:
                self._buckets[key] = (level, now)
                wait = max(1, math.ceil((1.0 - level) / self.rate))
            while len(self._buckets) > _MAX_TOKENS:
                self._buckets.popitem(last=False)
        return wait
