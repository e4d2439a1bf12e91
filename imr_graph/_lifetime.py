"""Processes that end with their parent: pool workers and servers started by imr-graph.

On Linux the kernel is asked (``prctl(PR_SET_PDEATHSIG)``) to kill a child the moment its
parent dies, however it dies (``kill -9`` included). Elsewhere a watchdog thread in the child
polls for its parent and exits when it is gone.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys
import threading
import time

_PR_SET_PDEATHSIG = 1


def die_with_parent(parent: int) -> None:
    """Make this process (a child of ``parent``) end when ``parent`` ends.

    Meant to run first thing in a child: as a pool's ``initializer`` or a ``Popen``'s
    ``preexec_fn``.
    """
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):
            _watch(parent)
    else:
        _watch(parent)
    if os.getppid() != parent:  # the parent died before the request was made
        os._exit(1)


def _watch(parent: int) -> None:
    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1.0)
        os._exit(1)

    threading.Thread(target=watch, name="imr-graph-parent-watch", daemon=True).start()


def terminate_on_sigterm() -> None:
    """Turn SIGTERM into ``SystemExit`` in this (main) process, so that ``finally`` blocks and
    context managers run: children are stopped, temporary folders removed."""

    def stop(signum: int, _frame: object) -> None:
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, stop)
