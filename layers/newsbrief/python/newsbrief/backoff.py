"""How long to wait before retrying AWS work that was throttled or left partly undone."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Backoff:
    """Waits between tries of one part: full jitter over an exponentially growing cap."""

    base_seconds: float = 0.2
    cap_seconds: float = 5.0
    attempts: int = 4

    def delay(self, retry: int, draw: Callable[[], float]) -> float:
        return draw() * min(self.cap_seconds, self.base_seconds * 2**retry)
