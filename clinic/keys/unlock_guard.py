"""Slowing down repeated wrong passphrases, and remembering the failures to audit after a good unlock.

Kept in memory by whoever asks for passphrases (the app window, one CLI run): a wrong passphrase changes
no file, and the database cannot record anything before it is unlocked.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

FREE_ATTEMPTS = 3
MAX_DELAY = 60.0


@dataclass
class UnlockGuard:
    failures: int = 0
    last_failure: float = 0.0
    pending: list[tuple[str, str]] = field(default_factory=list)  # (ISO time, account id or "unknown")
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def wait_seconds(self, now: float | None = None) -> int:
        """Seconds to wait before the next attempt is allowed; 0 when it may go ahead."""
        with self._lock:
            if self.failures < FREE_ATTEMPTS:
                return 0
            delay = min(2.0 ** (self.failures - FREE_ATTEMPTS), MAX_DELAY)
            left = self.last_failure + delay - (now if now is not None else time.monotonic())
            return max(0, int(left + 0.999))

    def failed(self, at_iso: str, account_id: str) -> None:
        with self._lock:
            self.failures += 1
            self.last_failure = time.monotonic()
            self.pending.append((at_iso, account_id))
            del self.pending[:-100]

    def succeeded(self) -> list[tuple[str, str]]:
        with self._lock:
            events, self.pending = self.pending, []
            self.failures = 0
            return events
