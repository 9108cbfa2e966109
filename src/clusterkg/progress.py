"""Progress on stderr for long steps, shown only when stderr is a terminal."""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def step(label: str) -> Iterator[None]:
    """Announce a step and its duration; silent when stderr is not a terminal (pipes, CI)."""
    interactive = sys.stderr.isatty()
    started = time.perf_counter()
    if interactive:
        sys.stderr.write(f"\r… {label}")
        sys.stderr.flush()
    try:
        yield
    finally:
        if interactive:
            elapsed = time.perf_counter() - started
            sys.stderr.write(f"\r✓ {label} ({elapsed:.1f} s)\n")
            sys.stderr.flush()
