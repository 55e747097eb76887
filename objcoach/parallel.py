"""Score on every core: batches of work done in worker processes, the results handed back in input order.

Grading and auditing are CPU-bound pure functions of one row (or one dialogue) and the catalog, so they split
cleanly: the main process reads, batches and writes; each worker loads the catalog once (from the cache) and
turns batches into results. At most two batches a worker are in flight, so memory stays flat on any number of
rows, and results come back in the order the batches went out. Small inputs never start a worker: batches are
done in this process for the first half second, and the pool starts only when there is more to do than that.
"""

from __future__ import annotations

import os
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import islice
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")

BATCH = 250  # rows a batch: large enough that sending it costs little beside scoring it
IN_PROCESS_SECONDS = 0.5  # work done here before a pool is worth starting (its workers take ~0.2 s to load)
LARGE_INPUT = 1 << 20  # bytes of input from which workers start at once, loading while the first batches go out


def is_large(path: str) -> bool:
    """Whether `path` (a file, not stdin) holds enough to start workers at once."""
    try:
        return path != "-" and os.stat(path).st_size >= LARGE_INPUT
    except OSError:
        return False

Work = Callable[[Any, list[Any]], list[Any]]  # (the worker's catalog, a batch) -> the batch's results

_catalog: Any = None  # a worker's catalog, loaded once by _start
_work: Work | None = None


def default_jobs() -> int:
    """The cores this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def _start(extra: Sequence[Path] | None, work: Work) -> None:
    global _catalog, _work
    import signal

    from objcoach.catalog.load import load_catalog

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the main process's to handle
    _catalog = load_catalog(extra)
    _work = work


def _run(batch: list[Any]) -> list[Any]:
    assert _work is not None
    return _work(_catalog, batch)


def ordered_map(work: Work, catalog: Any, items: Iterable[T], jobs: int,
                extra: Sequence[Path] | None = None, large: bool = False) -> Iterator[Any]:
    """`work(catalog, batch)` over `items` in batches, the results in input order; in `jobs` processes when
    there is enough to do (at once when the caller knows the input is `large`, else after the first half
    second). `work` must be a module-level function (workers import it); `extra` names the catalog files the
    workers load (the same as `catalog`'s)."""
    source = iter(items)
    batches = iter(lambda: list(islice(source, BATCH)), [])
    started = time.perf_counter()
    for batch in () if large and jobs > 1 else batches:  # here while that is quicker than starting workers
        yield from work(catalog, batch)
        if jobs > 1 and time.perf_counter() - started > IN_PROCESS_SECONDS:
            break
    else:
        if jobs <= 1 or not large:
            return
    first = next(batches, None)
    if first is None:
        return
    import multiprocessing

    # forkserver: workers start from a clean interpreter, not a copy of this one with its threads (a progress
    # bar's) and open database; each loads the catalog from the cache once
    method = "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"
    context = multiprocessing.get_context(method)
    if method == "forkserver":  # the server imports the scorer once; each worker is forked with it loaded
        context.set_forkserver_preload(["objcoach.catalog.load", "objcoach.scoring.score", "objcoach.mentor.audit"])
    pool = context.Pool(jobs, initializer=_start, initargs=(list(extra or []), work))
    try:
        pending: deque[Any] = deque([pool.apply_async(_run, (first,))])
        for batch in batches:
            pending.append(pool.apply_async(_run, (batch,)))
            if len(pending) >= 2 * jobs:
                yield from pending.popleft().get()
        while pending:
            yield from pending.popleft().get()
        pool.close()
    finally:
        pool.terminate()
        pool.join()
