"""The cyclic garbage collector's policy for a run's phases.

Parsing makes cyclic garbage (spaCy's docs), so the workers collect while they parse; reading
back, checking and rendering ten thousand articles makes millions of small objects and no
cycles, so those phases pause the collector. Both are here, below every stage, so that any
stage can say which it wants without importing another stage.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collecting_gc() -> Iterator[None]:
    """The garbage collector on for a block (parsing makes cyclic garbage: spaCy's docs),
    then as it was."""
    enabled = gc.isenabled()
    gc.enable()
    try:
        yield
    finally:
        if not enabled:
            gc.disable()


@contextmanager
def paused_gc() -> Iterator[None]:
    """Python's cyclic garbage collector paused for a block, then restored as it was.

    Reading back ten thousand stored articles (or rendering their report) makes millions of
    objects and no reference cycles; the collector would rescan the growing heap again and
    again, about half the time of such a block. Cyclic garbage made meanwhile is collected
    once the collector runs again.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
