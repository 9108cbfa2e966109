"""Progress on stderr for long steps, shown only when stderr is a terminal.

A step that ends within a second prints nothing; a longer one gets a line that a background
thread redraws ten times a second: a bar when the step reports how far it is (`Step.update`),
else the time spent so far, then a final "✓ label (12.3 s)". Pipes and CI logs never see any of
it, so output stays machine-readable.
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

SHOW_AFTER = 1.0  # seconds: shorter steps are not worth a line
WIDTH = 24


class Step:
    """A running step; `update(done, total)` moves its bar."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.started = time.perf_counter()
        self.fraction: float | None = None
        self.drawn = False

    def update(self, done: float, total: float) -> None:
        self.fraction = min(1.0, done / total) if total > 0 else None

    def line(self) -> str:
        elapsed = time.perf_counter() - self.started
        if self.fraction is None:
            return f"… {self.label}  {elapsed:.1f} s"
        filled = int(self.fraction * WIDTH)
        bar = "█" * filled + "░" * (WIDTH - filled)
        return f"… {self.label}  {bar} {self.fraction:4.0%}  {elapsed:.1f} s"


@contextmanager
def step(label: str) -> Iterator[Step]:
    """Announce a step on a terminal if it lasts over a second; silent otherwise."""
    current = Step(label)
    if not _interactive():
        yield current
        return
    done = threading.Event()
    ticker = threading.Thread(target=_redraw, args=(current, done), daemon=True)
    ticker.start()
    try:
        yield current
    finally:
        done.set()
        ticker.join()
        if current.drawn:
            elapsed = time.perf_counter() - current.started
            sys.stderr.write(f"\r\x1b[K✓ {label} ({elapsed:.1f} s)\n")
            sys.stderr.flush()


def _redraw(current: Step, done: threading.Event) -> None:
    if done.wait(SHOW_AFTER):
        return
    while not done.is_set():
        sys.stderr.write("\r\x1b[K" + current.line())
        sys.stderr.flush()
        current.drawn = True
        done.wait(0.1)


def _interactive() -> bool:
    try:
        return sys.stderr.isatty()
    except (AttributeError, ValueError):
        return False
