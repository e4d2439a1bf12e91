"""The README's examples, run: each ``$ imr-graph …`` line in a fenced block is followed by what
that command prints on the 130 real letters of ``../shared/corpus/real``.

    python -m tests.readme STORE          # say which examples differ
    python -m tests.readme STORE --write  # write what the commands print into the README

``STORE`` is a store built from those letters (``imr-graph extract ../shared/corpus/real -o
real.jsonl && imr-graph build real.jsonl --store STORE``); the README calls it graph.oxigraph.
"""

from __future__ import annotations

import re
import shlex
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

README = Path(__file__).resolve().parents[1] / "README.md"
_BLOCK = re.compile(r"```\n(?P<body>\$ imr-graph.*?)```", re.S)


def examples(text: str) -> Iterator[tuple[str, str]]:
    """Each example command (as written) and the output the README shows under it."""
    for block in _BLOCK.finditer(text):
        command, shown = "", []
        for line in [*block["body"].rstrip("\n").split("\n"), "$"]:
            if line.startswith("$"):
                if command:
                    yield command, "\n".join(shown).rstrip("\n")
                command, shown = line[2:], []
            else:
                shown.append(line)


def printed(command: str, store: str, invoke: Callable[[list[str]], tuple[str, str]]) -> str:
    """What ``command`` prints with ``store`` for graph.oxigraph: its table, and for the
    commands whose explanation the README shows too, what it says on stderr."""
    args = [store if word == "graph.oxigraph" else word for word in shlex.split(command)][1:]
    out, err = invoke(args)
    return (out.rstrip("\n") + ("\n" + err.rstrip("\n") if _with_legend(args) else "")).rstrip("\n")


def _with_legend(args: list[str]) -> bool:
    return args[0] == "drivers" or (args[:2] == ["query", "overturn-by-guideline"] and "--limit" not in args)


def refresh(text: str, store: str, invoke: Callable[[list[str]], tuple[str, str]]) -> str:
    def block(match: re.Match[str]) -> str:
        parts = []
        for command, _ in examples(match.group(0)):
            parts.append(f"$ {command}\n{printed(command, store, invoke)}")
        return "```\n" + "\n\n".join(parts) + "\n```"

    return _BLOCK.sub(block, text)


def _run(args: list[str]) -> tuple[str, str]:
    import subprocess

    done = subprocess.run(["imr-graph", *args], capture_output=True, text=True, check=False)
    return done.stdout, done.stderr


if __name__ == "__main__":
    store, write = sys.argv[1], "--write" in sys.argv
    if write:
        README.write_text(refresh(README.read_text(), store, _run))
    for command, shown in examples(README.read_text()):
        if printed(command, store, _run) != shown:
            print(f"differs: {command}")
