"""Catalog names in letters: matching many names at once, and splitting lists of names.

Letters write a name with varying gaps ("Forearm, Wrist & Hand", "Forearm, Wrist, and
hand") and list names separated by commas, though some names hold commas of their own
("TENS, chronic pain (transcutaneous electrical nerve stimulation)"). Both the citation
grammar (``citations.py``) and the ODG grammar (``odg.py``) read names this way.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

from imr_graph.read import lowered, word_starts
from imr_graph.vocab import fold, load_vocabulary

_TRAILING_AND = re.compile(r",?\s*\band$")
_NUMBERED = re.compile(r"\d+(?:\.\d+)*\.?\s")
_NUMBERED_SECTION = re.compile(r",\s+(?=\d+(?:\.\d+)*\.?\s+[A-Z])")


#: Between the words of a name letters put spaces, commas, hyphens, '&' or 'and'.
NAME_GAP = r"[\s,&\-:()]*(?:and\s+)?"


@lru_cache(maxsize=4096)  # the same few names are looked up for every letter
def name_words(name: str) -> tuple[str, ...]:
    """A name's words for matching; 'and' is left out because the gap between words allows it."""
    return tuple(w for w in fold(name).split() if w != "and")


def trie_pattern(names: list[str]) -> str:
    """One regex for many names, built as a word trie so shared beginnings are tried once."""
    trie: dict[str, dict] = {}  # type: ignore[type-arg]
    for name in names:
        node = trie
        for word in name_words(name):
            node = node.setdefault(word, {})
        node[""] = {}  # a name ends here

    def pattern(node: dict) -> str:  # type: ignore[type-arg]
        options = []
        for word in sorted(w for w in node if w):
            child = node[word]
            head = re.escape(word).replace("/", r"\s*/\s*")
            rest = pattern(child) if any(child) else ""
            if rest:
                rest = f"(?:{NAME_GAP}{rest})" + ("?" if "" in child else "")
            options.append(head + rest)
        return "(?:" + "|".join(options) + ")"

    return pattern(trie)


def split_sections(text: str) -> tuple[str, ...]:
    """Split a ``Section(s):`` list, keeping names that contain commas whole.

    >>> split_sections("TENS, chronic pain (transcutaneous electrical nerve stimulation).")
    ('TENS, chronic pain (transcutaneous electrical nerve stimulation)',)
    >>> split_sections("Knee, Forearm, Wrist, & Hand.")
    ('Knee', 'Forearm, Wrist, & Hand')
    """
    body = " ".join(text.split()).strip().rstrip(".,; ")
    if body.endswith("and"):
        body = _TRAILING_AND.sub("", body)
    if not body:
        return ()
    if body[:1].isdigit() and _NUMBERED.match(body):
        return tuple(s.strip() for s in _NUMBERED_SECTION.split(body) if s.strip())
    known = known_sections()
    pieces = split_top_level(body)
    out: list[str] = []
    i = 0
    while i < len(pieces):
        for count in sorted(known, reverse=True):
            if fold(", ".join(pieces[i : i + count])) in known[count]:
                out.append(", ".join(pieces[i : i + count]))
                i += count
                break
        else:
            piece = pieces[i]
            if out and (piece[:1].islower() or piece.startswith(("&", "and "))):
                out[-1] = f"{out[-1]}, {piece}"
            else:
                out.append(piece)
            i += 1
    return tuple(out)


@lru_cache(maxsize=1)
def known_sections() -> dict[int, frozenset[str]]:
    """Folded section names that hold commas, by how many comma-separated pieces they span."""
    by_count: dict[int, set[str]] = {}
    for name in load_vocabulary().section_names:
        by_count.setdefault(name.count(",") + 1, set()).add(fold(name))
    return {count: frozenset(names) for count, names in by_count.items()}


def split_top_level(text: str) -> list[str]:
    """Split at ", " outside parentheses and brackets.

    >>> split_top_level("TENS (a, b), heat, (x")
    ['TENS (a, b)', 'heat', '(x']
    """
    if "(" not in text and "[" not in text:
        pieces = text.split(", ")
    else:  # only brackets and separators are looked at, not every character
        pieces = []
        depth = cursor = 0
        for token in _SPLIT_TOKEN.finditer(text):
            mark = token.group()
            if mark in ("(", "["):
                depth += 1
            elif mark in (")", "]"):
                depth = max(0, depth - 1)
            elif depth == 0:
                pieces.append(text[cursor : token.start()])
                cursor = token.end()
        pieces.append(text[cursor:])
    return [p.strip() for p in pieces if p.strip()]


#: What :func:`split_top_level` reads: brackets, and the separator.
_SPLIT_TOKEN = re.compile(r"[(\[)\]]|, ")


class NameFinder:
    """Find catalog names in text: lowercased (no re.IGNORECASE cost, offsets unchanged), and
    tried only where one of the names' first words stands, which ``str.find`` locates far
    faster than a large alternation tried at every character."""

    def __init__(self, names: list[str]) -> None:
        self.pattern = re.compile(rf"(?P<name>{trie_pattern(names)})(?![\w-])")
        firsts = {re.split(r"[^a-z0-9]", w[0])[0] for n in names if (w := name_words(n))}
        # a word that begins with another ("postsurgical", "post") stands where that one is found
        self.starts = tuple(sorted(w for w in firsts if not any(w != o and w.startswith(o) for o in firsts)))

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        low = lowered(text)
        reached = 0
        for at in word_starts(low, self.starts):
            if at < reached or (at > 0 and (low[at - 1].isalnum() or low[at - 1] in "_-")):
                continue
            match = self.pattern.match(low, at)
            if match:
                reached = match.end()
                yield match

    def search(self, text: str) -> re.Match[str] | None:
        return next(self.finditer(text), None)
