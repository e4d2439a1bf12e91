"""Work spread over processes, results read back in order and only a little ahead."""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from typing import TypeVar

from imr_graph._lifetime import die_with_parent

_In = TypeVar("_In")
_Out = TypeVar("_Out")


def ordered_map(work: Callable[[_In], _Out], items: Iterable[_In], workers: int) -> Iterator[_Out]:
    """``map`` in order, over at most ``workers`` processes, reading ``items`` only a little ahead
    (so memory stays flat however long the input)."""
    if workers <= 1:
        yield from map(work, items)
        return
    # workers end with this process, even when it is killed (kill -9 leaves no orphans)
    pool = ProcessPoolExecutor(max_workers=workers, initializer=die_with_parent, initargs=(os.getpid(),))
    try:
        pending: deque[Future[_Out]] = deque()
        for item in items:
            pending.append(pool.submit(work, item))
            if len(pending) > 2 * workers:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
    finally:
        pool.shutdown(cancel_futures=True)
