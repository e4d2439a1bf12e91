"""The exception tree of imr-graph.

Every error the library raises derives from :class:`ImrGraphError`::

    ImrGraphError
     ├── LetterError            a letter could not be read or parsed (names the file)
     │    ├── UnreadableLetter   empty, binary, encrypted, corrupt, too large, bad encoding
     │    └── NotAnImrLetter     readable text, but no sign of an IMR determination
     └── OutputError            an output file could not be written

The library never prints: problems inside a letter that still yields a record are
returned as warnings in the record; problems that stop a letter raise one of these.
"""

from __future__ import annotations

from pathlib import Path


class ImrGraphError(Exception):
    """Root of every error imr-graph raises."""


class LetterError(ImrGraphError):
    """A letter that cannot become a case record; carries the file and the reason."""

    def __init__(self, path: str | Path, reason: str) -> None:
        self.path = str(path)
        self.reason = reason
        super().__init__(f"{self.path}: {reason}")


class UnreadableLetter(LetterError):
    """The file holds no text we can read (empty, binary, encrypted, corrupt, too large)."""


class NotAnImrLetter(LetterError):
    """The file has text, but nothing in it looks like an IMR determination."""


class OutputError(ImrGraphError):
    """An output file could not be written."""
