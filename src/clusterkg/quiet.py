"""Silence for rdflib while it reads what clusterkg reports itself.

rdflib logs (with a traceback) and warns about ill-typed literals and odd input; clusterkg says
the same in one line naming the file and line, so rdflib's own output would only repeat it.
Needs no rdflib import: the fast paths that never touch rdflib can import this for free.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def quiet_rdflib() -> Iterator[None]:
    """rdflib's loggers and Python warnings are muted inside; restored afterwards."""
    logger = logging.getLogger("rdflib")
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        logger.setLevel(level)
