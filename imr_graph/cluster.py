"""Extraction on a Dask cluster: letters in partitions, one JSON Lines file per partition.

The letters are listed here, cut into partitions of :data:`PART_SIZE`, and each partition is
a task: a worker extracts its letters and writes ``part-NNNNN-HASH.jsonl`` (and the letters
that failed, ``part-NNNNN-HASH.failures``) into the output folder itself, atomically, returning
only counts and failures. Workers therefore need the
letters and the output folder at the same paths (a shared file system), and imr-graph
installed. ``imr-graph build FOLDER`` reads the parts in order.

A partition's name carries a hash of the letters in it, so ``--resume`` keeps parts already
written for the same letters and redoes the rest; parts left from another run are removed
when a run finishes. A worker that dies is replaced by the scheduler and its task re-run
(Dask's own retry); a letter that cannot be read is a failure, reported, never a lost batch.

Dask (``pip install 'imr-graph[dask]'``) is needed only here.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from imr_graph._atomic import atomic_writer
from imr_graph.errors import ImrGraphError, OutputError
from imr_graph.extract import BatchSummary, Failure, extract_line

#: Letters per partition: big enough that scheduling costs little, small enough to spread.
PART_SIZE = 2000
PART_GLOB = "part-*.jsonl"


@dataclass(frozen=True)
class Partition:
    """One task's letters and the file it writes."""

    index: int
    letters: tuple[str, ...]

    @property
    def name(self) -> str:
        digest = hashlib.sha256("\n".join(self.letters).encode()).hexdigest()[:12]
        return f"part-{self.index:05d}-{digest}.jsonl"


@dataclass(frozen=True)
class PartSummary:
    """What a worker reports for its partition (its records are in the file)."""

    name: str
    records: int
    items: int
    failures: tuple[Failure, ...]


def partitions(letters: list[str], size: int = PART_SIZE) -> list[Partition]:
    """Cut ``letters`` (in order) into partitions of at most ``size``."""
    return [Partition(k // size, tuple(letters[k : k + size])) for k in range(0, len(letters), size)]


def extract_partition(partition: Partition, folder: str) -> PartSummary:
    """Extract a partition's letters into ``folder/partition.name`` (runs on a worker)."""
    records = items = 0
    failures = []
    part = Path(folder) / partition.name
    with atomic_writer(part.with_suffix(".part")) as out:
        for path in partition.letters:
            result = extract_line(path)
            if isinstance(result, Failure):
                failures.append(result)
                continue
            records += 1
            items += result.items
            out.write(result.json + "\n")
    with atomic_writer(_failures_of(part)) as out:
        out.writelines(f.to_json() + "\n" for f in failures)
    os.replace(part.with_suffix(".part"), part)  # the part appears last: it marks the partition done
    return PartSummary(partition.name, records, items, tuple(failures))


def _failures_of(part: Path) -> Path:
    return part.with_name(part.name.removesuffix(".jsonl") + ".failures")


def _counted(part: Path) -> PartSummary:
    """The summary of a part written by an earlier run (``resume``)."""
    records = items = 0
    with part.open(encoding="utf-8") as handle:
        for line in handle:
            records += 1
            items += len(json.loads(line)["items"])
    failures: list[Failure] = []
    if _failures_of(part).exists():
        with _failures_of(part).open(encoding="utf-8") as handle:
            failures = [Failure(**json.loads(line)) for line in handle]
    return PartSummary(part.name, records, items, tuple(failures))


def run_dask_extract(
    letters: list[str],
    folder: str | Path,
    client: Any,
    *,
    size: int = PART_SIZE,
    resume: bool = False,
    on_part: Callable[[PartSummary, int], Any] | None = None,
) -> BatchSummary:
    """Extract ``letters`` on the cluster ``client`` reaches; write one part per partition.

    ``on_part(summary, letters)`` is called as each partition finishes (in any order). With
    ``resume``, parts already written for the same letters are kept (their letters were
    extracted, and their failures are reported again from the part's ``.failures`` file).
    """
    from distributed import as_completed

    root = Path(folder)
    try:
        root.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise OutputError(f"{root}: cannot write ({err.strerror or err})") from err
    parts = partitions(letters, size)
    wanted = {p.name for p in parts}
    summaries: list[PartSummary] = []
    todo = []
    for part in parts:
        if resume and (root / part.name).exists():
            summary = _counted(root / part.name)
            summaries.append(summary)
            if on_part is not None:
                on_part(summary, len(part.letters))
        else:
            todo.append(part)
    sizes = {p.name: len(p.letters) for p in todo}
    futures = client.map(extract_partition, todo, folder=str(root.resolve()), pure=False)
    for future in as_completed(futures):
        try:
            summary = future.result()
        except ImrGraphError:
            raise
        except Exception as err:  # a worker lost for good (KilledWorker), a folder it cannot see, …
            raise ImrGraphError(f"a partition failed on the cluster: {type(err).__name__}: {err}") from err
        summaries.append(summary)
        if on_part is not None:
            on_part(summary, sizes[summary.name])
    for stale in root.glob(PART_GLOB):  # parts of another run (other letters) would be read by build
        if stale.name not in wanted:
            stale.unlink()
            _failures_of(stale).unlink(missing_ok=True)
    failures = tuple(f for s in sorted(summaries, key=lambda s: s.name) for f in s.failures)
    return BatchSummary(sum(s.records for s in summaries), sum(s.items for s in summaries), failures)


@contextmanager
def dask_client(scheduler: str | None, workers: int | None = None) -> Iterator[Any]:
    """A client of the cluster at ``scheduler`` (``tcp://HOST:PORT``), or of a local cluster
    of ``workers`` processes (default: all cores) started for the run and stopped after it."""
    try:
        from distributed import Client, LocalCluster
    except ImportError as err:
        raise ImrGraphError("the Dask engine needs Dask: pip install 'imr-graph[dask]'") from err
    if scheduler is not None:
        try:
            client = Client(scheduler, timeout="5s")
        except OSError as err:
            raise ImrGraphError(f"cannot reach the Dask scheduler at {scheduler}: {err}") from err
        with client:
            yield client
        return
    count = workers or os.cpu_count() or 1
    with (
        LocalCluster(n_workers=count, threads_per_worker=1, processes=True, dashboard_address=":0") as cluster,
        Client(cluster) as client,
    ):
        yield client
