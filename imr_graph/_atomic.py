"""Output files that appear whole or not at all: written beside their target, then renamed."""

from __future__ import annotations

import errno
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from imr_graph.errors import OutputError

#: Errors that say the disk cannot take more (full, over quota, read-only, failing).
DISK_ERRORS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EROFS, errno.EIO})


@contextmanager
def atomic_writer(path: str | Path) -> Iterator[IO[str]]:
    """Write a text file so that it appears whole or not at all.

    A crash or Ctrl-C leaves the old file (or no file), never half of a new one.
    """
    with _atomic(Path(path), binary=False) as handle:
        yield handle


@contextmanager
def atomic_binary_writer(path: str | Path) -> Iterator[IO[bytes]]:
    """Like :func:`atomic_writer`, for bytes."""
    with _atomic(Path(path), binary=True) as handle:
        yield handle


@contextmanager
def _atomic(target: Path, binary: bool) -> Iterator[Any]:
    try:
        handle = tempfile.NamedTemporaryFile(  # noqa: SIM115 - closed below, then renamed into place
            "wb" if binary else "w",
            encoding=None if binary else "utf-8",
            # a file name that is not UTF-8 (kept as surrogates) is written as its JSON escape
            errors=None if binary else "backslashreplace",
            dir=target.parent or ".",
            prefix=f".{target.name}.",
            suffix=".part",
            delete=False,
        )
    except OSError as err:
        raise OutputError(f"{target}: cannot write ({err.strerror or err})") from err
    try:
        with handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(handle.name, 0o666 & ~_umask())  # a temporary file is private; the output is not
        os.replace(handle.name, target)
    except OSError as err:
        Path(handle.name).unlink(missing_ok=True)
        if err.errno in DISK_ERRORS:  # the disk, not the program: say which file, in one line
            raise OutputError(f"{target}: cannot write ({err.strerror})") from err
        raise
    except BaseException:
        Path(handle.name).unlink(missing_ok=True)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
