"""Extraction as a batch: files and folders in, one case record per letter out.

One bad letter never stops a batch: it becomes a :class:`Failure` naming the file
and the reason, and the other letters go on. Output files are written atomically.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import os
import re
import signal
import sys
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, TypeVar

from imr_graph._pool import ordered_map, process_pool
from imr_graph.errors import ImrGraphError, LetterError
from imr_graph.parse import parse_letter
from imr_graph.read import MAX_BYTES, read_letter
from imr_graph.records import CaseRecord, record_json

LETTER_SUFFIXES = (".pdf", ".txt")
STDIN = "-"


@dataclass(frozen=True)
class Failure:
    """A letter that could not become a record, and why."""

    path: str
    error: str
    reason: str

    def to_dict(self) -> dict[str, str]:
        return {"path": self.path, "error": self.error, "reason": self.reason}

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}"

    def to_json(self) -> str:
        """One line of an ``--errors`` file."""
        return json.dumps(self.to_dict(), ensure_ascii=False)


Result = CaseRecord | Failure
_T = TypeVar("_T")


def find_letters(paths: Iterable[str | Path]) -> list[str]:
    """Expand files and folders (recursively) into letter paths, in a stable order.

    Named files are kept whatever their suffix; inside folders only ``.pdf`` and ``.txt``.
    """
    out: list[str] = []
    for raw in paths:
        path = str(raw)
        if path == STDIN or not Path(path).is_dir():
            out.append(path)
            continue
        found: list[str] = []  # strings, not Paths: 1.5 M letters listed in 9 s, 180 MB (rglob: 58 s, 700 MB)
        # a folder that cannot be listed is kept as a path of its own: it fails by name, not silently
        unreadable = functools.partial(_unlisted, found)
        for folder, _subfolders, files in os.walk(path, onerror=unreadable):
            found.extend(os.path.join(folder, f) for f in files if os.path.splitext(f)[1].lower() in LETTER_SUFFIXES)
        out.extend(sorted(found))
    return out


def _unlisted(found: list[str], error: OSError) -> None:
    if error.filename is not None:
        found.append(os.fsdecode(error.filename))


def extract_letter(path: str | Path, data: bytes | None = None) -> CaseRecord:
    """Read and parse one letter; raise a :class:`LetterError` naming it when it cannot."""
    return parse_letter(read_letter(path, data))


def extract_one(path: str, data: bytes | None = None) -> Result:
    """Like :func:`extract_letter`, but return a :class:`Failure` instead of raising."""
    try:
        return extract_letter(path, data)
    except LetterError as err:
        return Failure(err.path, type(err).__name__, err.reason)
    except ImrGraphError as err:
        return Failure(path, type(err).__name__, str(err))
    except Exception as err:  # a parser bug must not stop the batch; report it as one
        return Failure(path, "InternalError", f"{type(err).__name__}: {err}")


def extract_paths(paths: Iterable[str | Path], workers: int | None = None) -> Iterator[Result]:
    """Yield one result per letter, in input order, using ``workers`` processes.

    ``workers`` defaults to all cores; 1 runs in this process.
    """
    yield from _map(extract_one, find_letters(paths), workers)


def _map(work: Callable[[str, bytes | None], _T], letters: list[str], workers: int | None) -> Iterator[_T]:
    """Apply ``work`` to each letter in order, in this process or in a pool of ``workers``.

    Letters go to the pool a chunk at a time, only a few chunks ahead of the results read
    back, so memory does not grow with the number of letters."""
    count = workers if workers is not None else (os.cpu_count() or 1)
    # bounded: a letter larger than the limit fails as one, however much the input holds
    stdin_data = sys.stdin.buffer.read(MAX_BYTES + 1) if STDIN in letters else None
    if count <= 1 or len(letters) < 2 or stdin_data is not None:
        for path in letters:
            yield work(path, stdin_data if path == STDIN else None)
        return
    size = max(1, min(64, len(letters) // (count * 8) or 1))
    chunks = (letters[k : k + size] for k in range(0, len(letters), size))
    each = functools.partial(_each, work)
    isolate = functools.partial(_isolate, work)
    for results in ordered_map(each, chunks, count, initializer=_budget, on_broken=isolate):
        yield from results


#: What one worker may use: memory for everything it holds, seconds for one letter.
WORKER_MEMORY = 4 * 1024**3
LETTER_SECONDS = 120


def _budget() -> None:
    """In a worker: a memory ceiling, so a letter that would take the machine's memory kills
    only its worker (and is reported), never the batch or the machine; and the alarm that
    stops a letter over its time (:func:`_timed`)."""
    signal.signal(signal.SIGALRM, _overtime)
    try:
        import resource  # POSIX only

        resource.setrlimit(resource.RLIMIT_AS, (WORKER_MEMORY, WORKER_MEMORY))
    except (ImportError, ValueError, OSError):  # a platform or a limit that does not allow it
        pass


class _Overtime(Exception):
    pass


def _overtime(_signum: int, _frame: object) -> None:
    raise _Overtime


def _each(work: Callable[[str, bytes | None], _T], letters: list[str]) -> list[_T]:
    """In a worker: each letter of a chunk, each with its time budget."""
    return [_timed(work, path) for path in letters]


def _timed(work: Callable[[str, bytes | None], _T], path: str) -> _T:
    """In a worker (whose SIGALRM handler :func:`_budget` set): one letter, within its time."""
    signal.alarm(LETTER_SECONDS)
    try:
        return work(path, None)
    except _Overtime:
        return Failure(path, "UnreadableLetter", f"took longer than {LETTER_SECONDS} s; stopped")  # type: ignore[return-value]
    finally:
        signal.alarm(0)


def _isolate(work: Callable[[str, bytes | None], _T], letters: list[str]) -> list[_T]:
    """A chunk whose worker died: each letter again in a process of its own, so that only the
    letter that kills its worker fails (by name), and the others are read."""
    out = []
    for path in letters:
        with process_pool(1, _budget) as alone:
            try:
                out.append(alone.submit(_timed, work, path).result())
            except BrokenProcessPool:
                reason = "the worker reading it died (out of its memory budget, or crashed)"
                out.append(Failure(path, "UnreadableLetter", reason))  # type: ignore[arg-type]
    return out


@dataclass(frozen=True)
class _Line:
    """A record already serialized by the worker that extracted it (cheap to send back)."""

    json: str
    items: int
    path: str = ""
    id: str = ""
    warnings: tuple[str, ...] = ()
    #: each warning's kind (:func:`warning_kind`), worked out by the worker too
    kinds: tuple[str, ...] = ()

    def warning_lines(self) -> Iterator[str]:
        """The lines of a ``--warnings`` file for this letter: path, id, kind, warning."""
        for warning, kind in zip(self.warnings, self.kinds, strict=True):
            row = {"path": self.path, "id": self.id, "kind": kind, "warning": warning}
            yield json.dumps(row, ensure_ascii=False)


_WARNING_PLACE = re.compile(r"^item \d+: | \(page \d+, offset \d+\)$")
_WARNING_VALUE = re.compile(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"|\b\d+\b")


def warning_kind(warning: str) -> str:
    """What a warning is about, without the values and places it names.

    >>> warning_kind("item 2: the reviewer's guideline statement is missing (page 3, offset 1200)")
    "the reviewer's guideline statement is missing"
    >>> warning_kind("specialty 'Sports Medicinea' read as 'Sports Medicine' (a slip?) (page 1, offset 80)")
    'specialty … read as … (a slip?)'
    """
    return _WARNING_VALUE.sub("…", _WARNING_PLACE.sub("", warning)).strip()


def extract_line(path: str, data: bytes | None = None) -> _Line | Failure:
    """Extract one letter into its JSON line (what batch workers send back or write)."""
    result = extract_one(path, data)
    if isinstance(result, Failure):
        return result
    kinds = tuple(warning_kind(w) for w in result.warnings)
    return _Line(record_json(result), len(result.items), result.source.path, result.id, result.warnings, kinds)


@dataclass(frozen=True)
class BatchSummary:
    """How a batch went: how many letters became records and which failed."""

    records: int
    items: int
    failures: tuple[Failure, ...]
    #: how many letters had a warning of each kind
    warnings: dict[str, int] = dataclasses.field(default_factory=dict)

    def line(self) -> str:
        """The batch in one line, as ``extract`` ends: letters, items, failures, warnings by kind."""
        text = f"{self.records} letters, {self.items} items extracted; {len(self.failures)} failed"
        if self.warnings:
            kinds = ", ".join(f"{kind}: {n}" for kind, n in sorted(self.warnings.items(), key=lambda kv: -kv[1]))
            text += f"; letters with warnings: {kinds}"
        return text


def run_extract(
    paths: Iterable[str | Path],
    output: IO[str],
    *,
    workers: int | None = None,
    errors: IO[str] | None = None,
    on_result: Callable[[str | None, Failure | None], Any] | None = None,
    warnings: IO[str] | None = None,
) -> BatchSummary:
    """Extract every letter under ``paths`` and write JSON Lines to ``output``.

    Workers serialize their own records, so the writing process only writes lines.
    ``on_result(line, failure)`` is called once per letter (one of the two is None); each
    warning a record carries is also written to ``warnings`` as a JSON line when given.
    """
    records = items = 0
    failures: list[Failure] = []
    warned: Counter[str] = Counter()
    for result in _map(extract_line, find_letters(paths), workers):
        if isinstance(result, Failure):
            failures.append(result)
            if errors is not None:
                errors.write(result.to_json() + "\n")
            if on_result is not None:
                on_result(None, result)
            continue
        records += 1
        items += result.items
        warned.update(result.kinds)
        if warnings is not None:
            warnings.writelines(line + "\n" for line in result.warning_lines())
        output.write(result.json + "\n")
        if on_result is not None:
            on_result(result.json, None)
    return BatchSummary(records, items, tuple(failures), dict(warned))


def pending(letters: list[str], done: set[str]) -> list[str]:
    """The letters whose content is not among ``done`` (hashes from an earlier run's output)."""
    if not done:
        return letters
    return [path for path in letters if path == STDIN or letter_sha256(path) not in done]


def letter_sha256(path: str) -> str | None:
    """The SHA-256 of a letter file's bytes, or None when it cannot be read (extraction says why)."""
    import hashlib

    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()
    except OSError:
        return None
