"""Pausing Python's garbage collector around work that builds many long-lived objects.

The cyclic collector runs every few hundred new objects and examines all the young ones. Importing the
CLI, parsing a big catalog or unpickling its cache builds hundreds of thousands of objects that all live
on, so those collections find nothing to free and cost up to half of the work.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused(*, freeze: bool = False) -> Iterator[None]:
    """No collection inside; with `freeze`, what is alive at the end is set aside for good (gc.freeze), so
    later collections and the one at exit skip it. The collector's state is restored either way."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if freeze:
            gc.freeze()
        if collecting:
            gc.enable()
