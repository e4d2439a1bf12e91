"""ACOEM 2004 pages → chapter: published ranges first, letters' pages only as a dense core."""

from __future__ import annotations

import pytest

from imr_graph.iri import VOCAB
from imr_graph.pages import ChapterRange, chapter_ranges, place, published_ranges

CH12 = VOCAB + "guideline/acoem-2004-ch12"


def test_the_catalog_gives_chapter_12_its_published_pages() -> None:
    assert published_ranges() == {CH12: (286, 326)}


def test_letters_never_widen_a_published_range() -> None:
    ranges = chapter_ranges({CH12: [(300, 301), (617, 625), (92, 92)]})
    assert ranges[CH12] == ChapterRange(286, 326, published=True)


def test_an_unpublished_range_is_the_dense_core_of_the_stated_pages() -> None:
    stated = {"ch9": [(207, 209), (212, 214), (196, 197), (204, 204), (555, 556)], "ch13": [(343, 345), (347, 347)]}
    ranges = chapter_ranges(stated, {"ch12": (286, 326)})
    assert ranges["ch9"] == ChapterRange(196, 214, published=False)  # 555-556 is another document
    assert ranges["ch13"] == ChapterRange(343, 347, published=False)


def test_stated_pages_inside_a_published_range_belong_to_that_chapter() -> None:
    ranges = chapter_ranges({"ch13": [(300, 301), (340, 345)]}, {"ch12": (286, 326)})
    assert ranges["ch13"] == ChapterRange(340, 345, published=False)


PLACEMENTS = [
    ([(301, 301)], "ch12"),  # "2nd edition (2004) p 301"
    ([(300, 301), (303, 303)], "ch12"),
    ([(92, 92), (127, 127)], None),  # "ACOEM Page(s): 92,127": in no known chapter
    ([(617, 625)], None),
    ([(343, 344)], "ch13"),
    ([(320, 345)], None),  # across two chapters
    ([(196, 198)], "ch9"),
]


@pytest.mark.parametrize(("pages", "chapter"), PLACEMENTS)
def test_place(pages: list[tuple[int, int]], chapter: str | None) -> None:
    ranges = {
        "ch12": ChapterRange(286, 326, True),
        "ch13": ChapterRange(335, 350, False),
        "ch9": ChapterRange(195, 215, False),
    }
    assert place(pages, ranges) == chapter
