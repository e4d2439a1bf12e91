"""Which ACOEM 2004 chapter a cited page belongs to, from facts first.

Letters often cite "ACOEM Page(s): 303" with no chapter. A chapter whose page range the
published book gives (``schema:pageStart``/``schema:pageEnd`` in the catalog) places pages by
that range only: what letters cite beside a chapter can confirm it, never widen it (a letter's
"Chapter 12 … Page(s): 300-301 and 617-25" cites pages of another document beside chapter 12).
For a chapter with no published range, the range is the dense core of the pages letters cite
with it: the largest run of cited pages with no wide gap, never their whole spread, and no
page of a chapter whose range is published. A page outside every range stays unplaced.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache

#: Cited pages further apart than this belong to different runs (a chapter is 25–45 pages).
GAP = 20

PageRange = tuple[int, int]


@dataclass(frozen=True)
class ChapterRange:
    """Where a chapter's pages are, and whether the book says so or the letters suggest it."""

    start: int
    end: int
    published: bool

    def holds(self, pages: Iterable[PageRange]) -> bool:
        return all(self.start <= a and b <= self.end for a, b in pages)


@lru_cache(maxsize=1)
def published_ranges() -> dict[str, PageRange]:
    """The page ranges the catalog gives (the published book's), by chapter IRI."""
    from imr_graph.vocab import load_vocabulary

    return dict(load_vocabulary().published_pages)


def chapter_ranges(
    stated: Mapping[str, Iterable[PageRange]], published: Mapping[str, PageRange] | None = None
) -> dict[str, ChapterRange]:
    """Each chapter's range: the published one, else the dense core of the pages letters state.

    >>> ranges = chapter_ranges({"ch8": [(170, 171), (177, 178), (181, 183), (617, 625)]}, {"ch12": (286, 326)})
    >>> ranges["ch8"], ranges["ch12"]
    (ChapterRange(start=170, end=183, published=False), ChapterRange(start=286, end=326, published=True))
    """
    published = published_ranges() if published is None else published
    out = {part: ChapterRange(a, b, True) for part, (a, b) in published.items()}
    taken = list(published.values())
    for part, ranges in stated.items():
        if part in out:
            continue
        own = sorted(r for r in ranges if not any(a <= r[0] <= b or a <= r[1] <= b for a, b in taken))
        core = _densest_run(own)
        if core is not None:
            out[part] = ChapterRange(core[0], core[1], False)
    return out


def _densest_run(ranges: list[PageRange]) -> PageRange | None:
    """The run of ranges (sorted) with the most members whose neighbours are at most GAP apart."""
    runs: list[list[PageRange]] = []
    for r in ranges:
        if runs and r[0] - max(b for _, b in runs[-1]) <= GAP:
            runs[-1].append(r)
        else:
            runs.append([r])
    if not runs:
        return None
    best = max(runs, key=len)  # max keeps the first of equals: the lower pages
    return min(a for a, _ in best), max(b for _, b in best)


def place(pages: Iterable[PageRange], ranges: Mapping[str, ChapterRange]) -> str | None:
    """The one chapter whose range holds every page, or None (no chapter, or more than one).

    A published range outranks ranges drawn from letters.

    >>> ranges = {"ch12": ChapterRange(286, 326, True), "ch8": ChapterRange(170, 183, False)}
    >>> place([(300, 301)], ranges), place([(92, 92), (127, 127)], ranges), place([(617, 625)], ranges)
    ('ch12', None, None)
    """
    pages = list(pages)
    fits = [part for part, r in ranges.items() if r.holds(pages)]
    published = [part for part in fits if ranges[part].published]
    if published:
        fits = published
    return fits[0] if len(fits) == 1 else None
