"""Mutated letters through `imr-graph extract`: no unhandled exception, every bad letter
reported, every good letter kept.

Letters are the embedded samples and, when ``../shared/corpus`` is beside the checkout, the
real ones (the PDFs also as their text). Each mutated letter gets one of: truncation at a
random point, shuffled lines or blocks, random bytes written over it, a 300 kB line, a wrong
encoding (UTF-16 without BOM, Latin-1, UTF-32), a duplicated body, garbage bytes under a .pdf
name, a PDF cut short or overwritten in part.
The good letters are mixed in unchanged and must all come back as records.

Then the inputs that attack the reader itself: a decompression bomb (216 MB of page content in
a file of a few hundred kilobytes), a FIFO, a device, a file name that is not UTF-8.

Usage::

    python bench/faults.py --letters 10000
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from imr_graph.extract import Failure, extract_paths, find_letters
from imr_graph.read import read_letter
from imr_graph.synthetic import bomb_pdf

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "corpus"


def _blocks(text: str, rng: random.Random) -> str:
    blocks = text.split("\n\n") if "\n\n" in text else text.splitlines()
    rng.shuffle(blocks)
    return "\n\n".join(blocks)


def mutate(name: str, data: bytes, rng: random.Random) -> tuple[str, bytes, str]:
    """One mutated copy: (file name, bytes, what was done)."""
    pdf = name.endswith(".pdf")
    if pdf:
        kind = rng.choice(["cut", "overwrite", "garbage"])
        if kind == "cut":
            return name, data[: rng.randrange(1, max(2, len(data)))], "pdf cut short"
        if kind == "overwrite":
            spot = rng.randrange(len(data))
            return name, data[:spot] + rng.randbytes(rng.randrange(1, 4000)) + data[spot + 4000 :], "pdf overwritten"
        return name, rng.randbytes(rng.randrange(1, 20_000)), "garbage pdf"
    text = data.decode("utf-8", "replace")
    kind = rng.choice(["truncate", "shuffle-lines", "shuffle-blocks", "bytes", "huge-line", "encoding", "duplicate"])
    if kind == "truncate":
        return name, data[: rng.randrange(0, len(data) + 1)], kind
    if kind == "shuffle-lines":
        lines = text.splitlines()
        rng.shuffle(lines)
        return name, "\n".join(lines).encode(), kind
    if kind == "shuffle-blocks":
        return name, _blocks(text, rng).encode(), kind
    if kind == "bytes":
        out = bytearray(data)
        for _ in range(rng.randrange(1, 200)):
            out[rng.randrange(len(out))] = rng.randrange(256)
        return name, bytes(out), kind
    if kind == "huge-line":
        spot = rng.randrange(len(text) + 1)
        return name, (text[:spot] + "x" * 300_000 + text[spot:]).encode(), kind
    if kind == "encoding":
        codec = rng.choice(["utf-16-le", "latin-1", "utf-32"])
        return name, text.encode(codec, "replace"), f"encoding {codec}"
    return name, (text + "\n" + text).encode(), kind


def hostile_inputs(folder: Path, good: bytes) -> dict[str, str]:
    """Inputs that attack the reader rather than the parser, each beside good letters: a
    decompression bomb, a FIFO, a name that is not UTF-8, and (given separately) a device."""
    made = {}
    bomb = folder / "h-bomb.pdf"
    bomb.write_bytes(bomb_pdf(216))  # 216 MB of page content in a file of a few hundred kB
    made[str(bomb)] = "decompression bomb"
    fifo = folder / "h-pipe.txt"
    os.mkfifo(fifo)
    made[str(fifo)] = "fifo"
    odd = os.fsdecode(bytes(folder) + b"/h-odd\xe9.txt")
    Path(odd).write_bytes(good)
    made[odd] = "name not UTF-8 (a good letter)"
    return made


def environment_faults(folder: Path, good: bytes) -> list[str]:
    """Faults of the machine around the letters, each tried once: a folder that cannot be
    listed, a full disk, a server that trickles its answer. One line each: what happened."""
    import http.server
    import subprocess
    import threading

    from imr_graph.endpoint import Endpoint
    from imr_graph.errors import ImrGraphError

    lines = []
    locked = folder / "locked"
    locked.mkdir()
    (locked / "inside.txt").write_bytes(good)
    (folder / "beside.txt").write_bytes(good)
    locked.chmod(0)
    folder.chmod(0o755)
    out = Path(tempfile.gettempdir()) / f"imr-faults-{os.getpid()}.jsonl"  # writable by whoever runs it
    command = [sys.executable, "-m", "imr_graph.cli", "extract", str(folder), "-o", str(out)]
    if os.geteuid() == 0:  # root lists every folder: run as nobody, for whom the folder is locked
        command = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", *command]
    run = subprocess.run(command, capture_output=True, text=True)
    locked.chmod(0o755)
    out.unlink(missing_ok=True)
    said = [line for line in run.stderr.splitlines() if "locked" in line]
    lines.append(f"unreadable folder: exit {run.returncode}: {said[0] if said else 'nothing said!'}")
    disk = folder / "disk"
    disk.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(disk)], capture_output=True)
    if mounted.returncode == 0:
        try:
            (disk / "filler").write_bytes(b"\0" * (os.statvfs(disk).f_bavail * os.statvfs(disk).f_frsize))
            run = subprocess.run(
                [sys.executable, "-m", "imr_graph.cli", "extract", str(ROOT / "imr_graph" / "sample" / "letters"),
                 "-o", str(disk / "out.jsonl")],
                capture_output=True, text=True,
            )  # fmt: skip
            last = run.stderr.strip().splitlines()[-1] if run.stderr.strip() else ""
            traceback = "Traceback" in run.stderr
            lines.append(f"full disk: exit {run.returncode}, traceback {traceback}: {last}")
        finally:
            subprocess.run(["umount", "-l", str(disk)], check=False)
    else:
        lines.append("full disk: not tried (cannot mount a small tmpfs here)")

    class Trickle(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "application/sparql-results+json")
            self.end_headers()
            try:
                for _ in range(60):
                    self.wfile.write(b" ")
                    self.wfile.flush()
                    time.sleep(0.25)
            except OSError:
                pass

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Trickle)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    start = time.perf_counter()
    try:
        Endpoint(f"http://127.0.0.1:{server.server_address[1]}/query", timeout=2, retries=1).select("SELECT * {}", {})
        outcome = "answered?!"
    except ImrGraphError as error:
        outcome = str(error)
    server.shutdown()
    lines.append(f"trickling server (2 s deadline): gave up after {time.perf_counter() - start:.1f} s: {outcome}")
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--letters", type=int, default=10_000, help="mutated letters to make")
    parser.add_argument("--seed", type=int, default=2013)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    sources = find_letters([ROOT / "imr_graph" / "sample" / "letters"])
    if SHARED.is_dir():
        sources += find_letters([SHARED / "seeds", SHARED / "real"])
    originals = [(Path(p).name, Path(p).read_bytes()) for p in sources]
    # the PDFs' own text as text letters too, so text mutations reach the 2016-17 layouts
    originals += [(Path(p).stem + ".txt", read_letter(p).text.encode()) for p in sources if p.endswith(".pdf")]
    with tempfile.TemporaryDirectory(prefix="imr-faults-") as tmp:
        folder = Path(tmp)
        kinds: dict[str, str] = {}
        for n in range(args.letters):
            name, data = originals[n % len(originals)]
            mutated_name, mutated, kind = mutate(name, data, rng)
            path = folder / f"m{n:06d}-{mutated_name}"
            path.write_bytes(mutated)
            kinds[str(path)] = kind
        for n, (name, data) in enumerate(originals):
            (folder / f"good{n:04d}-{name}").write_bytes(data)
        kinds.update(hostile_inputs(folder, originals[0][1]))
        kinds["/dev/zero"] = "device"
        start = time.perf_counter()
        results = list(extract_paths([folder, "/dev/zero"], workers=args.workers))
        seconds = time.perf_counter() - start
    failures = [r for r in results if isinstance(r, Failure)]
    internal = [f for f in failures if f.error == "InternalError"]
    good_lost = [f for f in failures if Path(f.path).name.startswith(("good", "h-odd"))]
    unnamed = [f for f in failures if not f.reason or not f.path]
    by_kind: Counter[str] = Counter(kinds.get(f.path, "good") for f in failures)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"{args.letters:,} mutated + {len(originals)} good letters + 4 hostile inputs: extract took {seconds:.0f} s")
    print(f"peak memory: {peak:.0f} MB (this process; it composed the bomb), {children:.0f} MB (largest worker)")
    print(f"records: {len(results) - len(failures):,}; reported failures: {len(failures):,}")
    print(f"unhandled (InternalError): {len(internal)}; good letters lost: {len(good_lost)}; unnamed: {len(unnamed)}")
    print("failures by mutation: " + ", ".join(f"{k} {n}" for k, n in sorted(by_kind.items())))
    for failure in internal[:10]:
        print(f"  {failure.path}: {failure.reason}")
    with tempfile.TemporaryDirectory(prefix="imr-faults-env-") as tmp:
        for line in environment_faults(Path(tmp), originals[0][1]):
            print(line)
    return 1 if internal or good_lost or unnamed else 0


if __name__ == "__main__":
    sys.exit(main())
