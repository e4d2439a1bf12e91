"""Work spread over processes, results read back in order and only a little ahead."""

from __future__ import annotations

import contextlib
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import TypeVar

from imr_graph._lifetime import die_with_parent

_In = TypeVar("_In")
_Out = TypeVar("_Out")


def ordered_map(
    work: Callable[[_In], _Out],
    items: Iterable[_In],
    workers: int,
    *,
    initializer: Callable[[], None] | None = None,
    on_broken: Callable[[_In], _Out] | None = None,
) -> Iterator[_Out]:
    """``map`` in order, over at most ``workers`` processes, reading ``items`` only a little ahead
    (so memory stays flat however long the input).

    ``initializer`` runs in each worker as it starts. When a worker dies (killed for its memory,
    or crashed), the pool is replaced and the items it still held go on in the new one, except
    the first one read back, which ``on_broken`` gives the result of: it may not be the item
    that killed the worker, so ``on_broken`` must read it safely (alone, in a process of its
    own). Without ``on_broken`` the error is raised."""
    if workers <= 1:
        yield from map(work, items)
        return
    pool = process_pool(workers, initializer)
    try:
        pending: deque[tuple[_In, Future[_Out]]] = deque()
        for item in items:
            pending.append((item, _submit(pool, work, item)))
            if len(pending) > 2 * workers:
                result, pool = _result(pending, pool, work, workers, initializer, on_broken)
                yield result
        while pending:
            result, pool = _result(pending, pool, work, workers, initializer, on_broken)
            yield result
    finally:
        # closed from the pool's own thread (at exit after Ctrl-C) it cannot wait: it is ending anyway
        with contextlib.suppress(RuntimeError):
            pool.shutdown(cancel_futures=True)


def process_pool(workers: int, initializer: Callable[[], None] | None = None) -> ProcessPoolExecutor:
    """A pool whose workers end with this process and run ``initializer`` as they start."""
    # workers end with this process, even when it is killed (kill -9 leaves no orphans)
    return ProcessPoolExecutor(max_workers=workers, initializer=_start, initargs=(os.getpid(), initializer))


def _start(parent: int, initializer: Callable[[], None] | None) -> None:
    die_with_parent(parent)
    if initializer is not None:
        initializer()


def _result(
    pending: deque[tuple[_In, Future[_Out]]],
    pool: ProcessPoolExecutor,
    work: Callable[[_In], _Out],
    workers: int,
    initializer: Callable[[], None] | None,
    on_broken: Callable[[_In], _Out] | None,
) -> tuple[_Out, ProcessPoolExecutor]:
    """The next result in order, and the pool to go on with (a new one if a worker died)."""
    item, future = pending.popleft()
    try:
        return future.result(), pool
    except BrokenProcessPool:
        if on_broken is None:
            raise
    # a worker died: every unfinished item of the broken pool goes to a new one
    pool.shutdown(cancel_futures=True)
    pool = process_pool(workers, initializer)
    for k, (other, _) in enumerate(pending):
        pending[k] = (other, _submit(pool, work, other))
    return on_broken(item), pool


def _submit(pool: ProcessPoolExecutor, work: Callable[[_In], _Out], item: _In) -> Future[_Out]:
    """The item's future; when the pool broke under earlier items, one that says so (read in
    order, it leads to the pool's replacement like any other broken item)."""
    try:
        return pool.submit(work, item)
    except BrokenProcessPool as err:
        broken: Future[_Out] = Future()
        broken.set_exception(err)
        return broken
