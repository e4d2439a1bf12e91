"""The embedded sample corpus: letters composed for this project, no real case.

They cover every supported format, so the demo and the tests exercise each one.
"""

from __future__ import annotations

from pathlib import Path

LETTERS_DIR = Path(__file__).resolve().parent / "letters"


def sample_letters() -> list[Path]:
    """Return the paths of the sample letters, sorted."""
    return sorted(p for p in LETTERS_DIR.iterdir() if p.suffix in (".txt", ".pdf"))
