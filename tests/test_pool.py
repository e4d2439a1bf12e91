"""The process map: results in order, and a worker's death costs only the item it was on."""

from __future__ import annotations

import os
import time
from concurrent.futures.process import BrokenProcessPool

import pytest

from imr_graph._pool import _submit, ordered_map, process_pool


def _square_or_die(n: int) -> int:
    if n == 3:
        os._exit(9)  # a worker killed for its memory, say
    time.sleep(0.01)
    return n * n


def _alone(n: int) -> int:
    """Read an item whose pool broke again, in a process of its own: -n if it kills that one too."""
    with process_pool(1) as pool:
        try:
            return pool.submit(_square_or_die, n).result()
        except BrokenProcessPool:
            return -n


def test_results_stay_in_order_and_a_dead_worker_costs_one_item() -> None:
    results = list(ordered_map(_square_or_die, range(12), 2, on_broken=_alone))
    assert results == [0, 1, 4, -3, 16, 25, 36, 49, 64, 81, 100, 121]


def test_without_a_fallback_the_death_is_raised() -> None:
    with pytest.raises(BrokenProcessPool):
        list(ordered_map(_square_or_die, range(12), 2))


def test_an_item_offered_to_a_broken_pool_is_read_as_broken() -> None:
    pool = process_pool(1)
    try:
        with pytest.raises(BrokenProcessPool):
            pool.submit(_square_or_die, 3).result()
        future = _submit(pool, _square_or_die, 4)  # the pool is broken: submit itself would raise
        with pytest.raises(BrokenProcessPool):
            future.result()
    finally:
        pool.shutdown()
