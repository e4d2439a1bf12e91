"""The exception tree of imr-graph.

Every error the library raises derives from :class:`ImrGraphError`::

    ImrGraphError
     ├── LetterError            a letter could not be read or parsed (names the file)
     │    ├── UnreadableLetter   empty, binary, encrypted, corrupt, too large, bad encoding
     │    └── NotAnImrLetter     readable text, but no sign of an IMR determination
     ├── RecordError            a case-record line that is not JSON or breaks the contract
 ├── RecordShapeError       a JSON object or letter graph that is not a case record (names the field)
     ├── StoreError             a store directory that is locked, or is not a store
     ├── ValidationError        the graph breaks its SHACL shapes
     ├── QueryError             unknown query, bad parameter, SPARQL syntax, endpoint failure
     │    └── ModelError        the drivers model cannot be fitted on these items
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

    def __reduce__(self) -> tuple[type, tuple[str, str]]:  # survive the trip back from a worker
        return type(self), (self.path, self.reason)


class UnreadableLetter(LetterError):
    """The file holds no text we can read (empty, binary, encrypted, corrupt, too large)."""


class NotAnImrLetter(LetterError):
    """The file has text, but nothing in it looks like an IMR determination."""


class OutputError(ImrGraphError):
    """An output file could not be written."""


class RecordShapeError(ImrGraphError, ValueError):
    """A JSON object (or a letter's graph) that is not a case record; the message names the field.

    Also a ``ValueError``, as a malformed value is."""


class RecordError(ImrGraphError):
    """A line of a case-record file that cannot be read; names the file and the line."""

    def __init__(self, path: str | Path, line: int, reason: str) -> None:
        self.path = str(path)
        self.line = line
        self.reason = reason
        super().__init__(f"{self.path}, line {line}: {reason}")

    def __reduce__(self) -> tuple[type, tuple[str, int, str]]:  # survive the trip back from a worker
        return type(self), (self.path, self.line, self.reason)


class StoreError(ImrGraphError):
    """A store that cannot be opened (locked by another process, or not a store)."""


class ValidationError(ImrGraphError):
    """The graph does not conform to its SHACL shapes."""


class QueryError(ImrGraphError):
    """A query that cannot run: unknown name, bad parameter, syntax error, endpoint failure."""


class ModelError(QueryError):
    """The drivers model cannot be fitted (no items, or items of one outcome only)."""


def shown(value: object, limit: int = 80) -> str:
    """A value as an error message quotes it: its ``repr``, cut short when long (a message must
    not echo a hostile 100 kB value back).

    >>> shown("x" * 200)[:12], len(shown("x" * 200)) < 120
    ("'xxxxxxxxxxx", True)
    """
    text = repr(value)
    return text if len(text) <= limit else f"{text[: limit - 1]}… ({len(text):,} characters)"
