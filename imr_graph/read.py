"""Read a letter file (PDF or text) into cleaned text with page offsets.

The cleaned text is what every span points into: one letter, pages joined by a
newline, whitespace folded, blank lines dropped, PDF soft hyphens made visible.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
import zlib
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from imr_graph.errors import UnreadableLetter

#: Larger files are refused: real letters are a few hundred kilobytes at most.
MAX_BYTES = 20 * 1024 * 1024

_PDF_MAGIC = b"%PDF-"
_CONTROL_BYTES = bytes(b for b in range(32) if b not in (9, 10, 12, 13))
#: What a page reads as a space: control characters (not newline, form feed or carriage
#: return), tabs and the odd spaces.
_TO_SPACE = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f\t\u00a0\u2000-\u200b\u3000]")
#: The same as a byte table, for ASCII pages (most pages): ten times quicker than the pattern.
_ASCII_TO_SPACE = bytes(32 if _TO_SPACE.match(chr(b)) else b for b in range(256))


@dataclass(frozen=True)
class Letter:
    """A letter's cleaned text, where each page starts in it, and where it came from."""

    path: str
    text: str
    page_starts: tuple[int, ...]
    sha256: str
    warnings: tuple[str, ...] = ()

    @property
    def pages(self) -> int:
        return len(self.page_starts)

    def page_of(self, offset: int) -> int:
        """Return the 1-based page holding character ``offset``.

        >>> Letter("x", "ab\\ncd", (0, 3), "").page_of(4)
        2
        """
        return max(1, bisect_right(self.page_starts, offset))


def read_letter(path: str | Path, data: bytes | None = None) -> Letter:
    """Read a ``.pdf`` or text letter from ``path`` (or from ``data`` already in memory).

    Raises :class:`UnreadableLetter` naming the file and the reason when there is no
    usable text: empty, too large, binary, encrypted or corrupt PDF.
    """
    name = str(path)
    if data is None:
        data = _read_bounded(name)
    if len(data) > MAX_BYTES:
        raise UnreadableLetter(name, f"file is too large ({len(data):,} bytes; limit {MAX_BYTES:,})")
    if not data.strip():
        raise UnreadableLetter(name, "file is empty")
    digest = hashlib.sha256(data).hexdigest()
    if data.startswith(_PDF_MAGIC) or name.lower().endswith(".pdf"):
        pages = _pdf_pages(name, data)
        warnings: tuple[str, ...] = ()
    else:
        text, warnings = _decode(name, data)
        pages = text.split("\f")
    cleaned, starts = clean_pages(pages)
    if not cleaned.strip():
        raise UnreadableLetter(name, "no text could be read (a scanned image with no text layer?)")
    return Letter(name, cleaned, starts, digest, warnings)


def _read_bounded(name: str) -> bytes:
    """A regular file's bytes, read no further than the limit. A FIFO, device, socket or folder
    is refused before it is opened (reading one could wait forever or never end)."""
    try:
        info = os.stat(name)
        if stat.S_ISDIR(info.st_mode):
            os.listdir(name)  # an unreadable folder says so here; a readable one is no letter
            raise UnreadableLetter(name, "a folder, not a letter")
        if not stat.S_ISREG(info.st_mode):
            raise UnreadableLetter(name, f"not a regular file ({_kind(info.st_mode)}); not opened")
        if info.st_size > MAX_BYTES:
            raise UnreadableLetter(name, f"file is too large ({info.st_size:,} bytes; limit {MAX_BYTES:,})")
        with open(name, "rb") as handle:
            # its size and one byte more: a read of the limit would take 20 MB of memory each time
            data = handle.read(info.st_size + 1)
            if len(data) > info.st_size:  # it grew since: read on, but no further than the limit
                data += handle.read(MAX_BYTES + 1 - len(data))
    except OSError as err:
        raise UnreadableLetter(name, f"cannot open: {err.strerror or err}") from err
    if len(data) > MAX_BYTES:
        raise UnreadableLetter(name, f"file is too large (over {MAX_BYTES:,} bytes)")
    return data


def read_stream(name: str, stream: IO[bytes]) -> bytes:
    """Read a stream (standard input) no further than the letter size limit."""
    data = stream.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise UnreadableLetter(name, f"input is too large (over {MAX_BYTES:,} bytes)")
    return data


def _kind(mode: int) -> str:
    for test, kind in ((stat.S_ISFIFO, "a FIFO"), (stat.S_ISCHR, "a device"), (stat.S_ISBLK, "a device"),
                       (stat.S_ISSOCK, "a socket")):  # fmt: skip
        if test(mode):
            return kind
    return "not a file"


_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def lowered(text: str) -> str:
    """Lowercase ``text`` keeping every offset where it was.

    >>> lowered("Case NUMBER: CM16")
    'case number: cm16'
    >>> len(lowered("İ")) == 1  # a letter whose lowercase is longer stays as it is
    True
    """
    low = text.lower()  # fast; differs in length only for a few letters such as "İ"
    return low if len(low) == len(text) else text.translate(_ASCII_LOWER)


def word_starts(text: str, words: Iterable[str], start: int = 0, end: int | None = None) -> list[int]:
    """Where any of ``words`` begins in ``text[start:end]``, in order, each place once.

    Found with ``str.find``: far quicker than an alternation of the words, which Python's
    regex engine tries at every character.

    >>> word_starts("low back and back pain", ("back", "pain"))
    [4, 13, 18]
    """
    stop = len(text) if end is None else end
    found: set[int] = set()
    for word in words:
        at = text.find(word, start, stop)
        while at >= 0:
            found.add(at)
            at = text.find(word, at + 1, stop)
    return sorted(found)


def clean_pages(pages: Sequence[str]) -> tuple[str, tuple[int, ...]]:
    """Clean each page and join them; return the text and where each page starts.

    >>> clean_pages(["a  b \\n\\n c", "d"])
    ('a b\\nc\\nd', (0, 6))
    """
    parts: list[str] = []
    starts: list[int] = []
    offset = 0
    for page in pages:
        body = _clean_page(page)
        starts.append(offset)
        parts.append(body)
        offset += len(body) + 1
    return "\n".join(parts), tuple(starts)


def _clean_page(page: str) -> str:
    """Fold a page's whitespace: one space between words, no blank lines, no line-end spaces.

    Plain ``str`` replacements do most of it; they are several times faster than regexes here.
    """
    page = page.replace("\r\n", "\n").replace("\r", "\n")
    # PDFium reports a hyphen that ended a line as U+FFFE; U+00AD is the soft hyphen.
    page = page.replace("\ufffe", "-").replace("\u00ad", "-").replace("\ufeff", "")
    if page.isascii():
        page = page.encode("ascii").translate(_ASCII_TO_SPACE).decode("ascii")
    else:
        page = _TO_SPACE.sub(" ", page)
    while "  " in page:
        page = page.replace("  ", " ")
    page = page.replace(" \n", "\n").replace("\n ", "\n")
    while "\n\n" in page:
        page = page.replace("\n\n", "\n")
    return page.strip()


def _decode(name: str, data: bytes) -> tuple[str, tuple[str, ...]]:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16 with its byte-order mark
        try:
            return data.decode("utf-16"), ("decoded as UTF-16",)
        except UnicodeDecodeError as err:
            raise UnreadableLetter(name, f"UTF-16 text that does not decode (byte {err.start})") from err
    sample = data[:65536]
    if b"\x00" in sample or _binary_share(sample) > 0.10:
        raise UnreadableLetter(name, "binary data, not a text or PDF letter")
    try:
        return data.decode("utf-8-sig"), ()
    except UnicodeDecodeError as err:
        text = data.decode("cp1252", errors="replace")
        note = f"not valid UTF-8 (byte {err.start}); decoded as Windows-1252"
        return text, (note,)


def _binary_share(sample: bytes) -> float:
    if not sample:
        return 0.0
    odd = len(sample) - len(sample.translate(None, _CONTROL_BYTES))
    return odd / len(sample)


#: What the compressed streams of one PDF may inflate to, in all: real letters inflate to a few
#: megabytes; a decompression bomb (a small file of hundreds of megabytes of page content)
#: would take gigabytes once PDFium parses it.
MAX_INFLATED = 64 * 1024 * 1024
#: Streams smaller than this are not inflated to be measured: they cannot hold a bomb alone.
_SMALL_STREAM = 16 * 1024
_STREAM = re.compile(rb"/FlateDecode(?:(?!stream).){0,400}?stream\r?\n", re.S)
_END_STREAM = b"endstream"


def inflated_size(data: bytes, limit: int = MAX_INFLATED) -> int:
    """How many bytes a PDF's Flate streams inflate to, counting no further than ``limit`` + 1
    (measured in small pieces, so a bomb is never held in memory)."""
    total = 0
    for match in _STREAM.finditer(data):
        end = data.find(_END_STREAM, match.end())
        if end < 0 or end - match.end() < _SMALL_STREAM:
            continue
        inflater = zlib.decompressobj()
        chunk = data[match.end() : end]
        try:
            while chunk and total <= limit:
                total += len(inflater.decompress(chunk, 1 << 20))
                chunk = inflater.unconsumed_tail
        except zlib.error:
            continue  # a damaged stream: PDFium says what it makes of it
        if total > limit:
            break
    return total


def _pdf_pages(name: str, data: bytes) -> list[str]:
    import pypdfium2 as pdfium  # heavy; only PDF letters need it

    if inflated_size(data) > MAX_INFLATED:
        raise UnreadableLetter(
            name, f"its compressed streams inflate past {MAX_INFLATED // 2**20} MB; not read (a decompression bomb?)"
        )

    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as err:
        reason = str(err)
        if "password" in reason.lower():
            raise UnreadableLetter(name, "PDF is encrypted (password required)") from err
        raise UnreadableLetter(name, f"not a readable PDF ({reason})") from err
    try:
        pages: list[str] = []
        for index in range(len(pdf)):
            page = pdf[index]
            try:
                textpage = page.get_textpage()
                try:
                    pages.append(textpage.get_text_range())
                finally:
                    textpage.close()
            finally:
                page.close()
    except pdfium.PdfiumError as err:
        raise UnreadableLetter(name, f"PDF page could not be read ({err})") from err
    finally:
        pdf.close()
    if not pages:
        raise UnreadableLetter(name, "PDF has no pages")
    return pages
