"""Merge duplicate papers and give every paper a stable id.

A record is the same paper as an earlier one when it has the same input id, the same
normalized title or the same normalized abstract, unless both carry ids of their own that
differ (two arXiv submissions with one abstract are two papers). The first
occurrence is kept; later ones add their source and fill in fields the first one lacked.

Ids: the input's id when it has one (an arXiv id as ``arXiv:2101.00001``); otherwise
``t-`` + a hash of the normalized title, or ``a-`` + a hash of the normalized abstract for an
untitled entry. Rebuilding the same input gives the same ids.
"""

from __future__ import annotations

import dataclasses
import hashlib
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from types import MappingProxyType

from kg.model import Paper, Problem

_FILLABLE = ("title", "date_text", "date", "author_count", "url", "upvotes")


def normalize_text(s: str) -> str:
    """Lower case, Unicode NFKC, whitespace collapsed: the key two copies of a text share."""
    return " ".join(unicodedata.normalize("NFKC", s).lower().split())


def _digest(s: str) -> str:
    return hashlib.sha1(s.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def derive_id(paper: Paper) -> str:
    """The stable id of a paper (its own id if the input gave one)."""
    if paper.id:
        return paper.id
    if paper.title:
        return "t-" + _digest(normalize_text(paper.title))
    return "a-" + _digest(normalize_text(paper.abstract))


class Deduplicator:
    """Streaming merge of duplicates.

    :meth:`unique` yields each paper at its first occurrence (so extraction can start at
    once) and passes Problems through. A later duplicate is folded into a small patch for
    its paper (its sources and the fields it fills in), which :meth:`finalize` applies to the
    paper afterwards. Memory: a few short keys per paper, plus one patch per duplicated paper.
    """

    def __init__(self) -> None:
        self._by_key: dict[str, str] | None = {}
        self._patches: dict[str, Paper] = {}
        self._input_ids: set[str] = set()
        self.entries = 0
        self.duplicates = 0
        self.untitled = 0

    @staticmethod
    def _keys(p: Paper) -> list[str]:
        keys = ["a:" + _digest(normalize_text(p.abstract))]
        if p.id:
            keys.append("i:" + p.id.lower())
        if p.title:
            keys.append("t:" + _digest(normalize_text(p.title)))
        return keys

    def unique(self, items: Iterable[Paper | Problem]) -> Iterator[Paper | Problem]:
        """Yield first occurrences (with their stable id) and Problems; fold in duplicates.

        Call it once: at the end of the input the key index is dropped (a million papers'
        keys take about 300 MB), keeping only what :meth:`finalize` needs.

        Raises
        ------
        RuntimeError
            If called again after a complete pass.
        """
        if self._by_key is None:
            raise RuntimeError("a Deduplicator reads its input once")
        yield from self._unique(items)
        self._by_key = None  # type: ignore[assignment]
        self._input_ids = set()

    def _unique(self, items: Iterable[Paper | Problem]) -> Iterator[Paper | Problem]:
        by_key = self._by_key
        assert by_key is not None
        for item in items:
            if isinstance(item, Problem):
                yield item
                continue
            self.entries += 1
            if not item.title:
                self.untitled += 1
            keys = self._keys(item)
            # The same id is the same paper, whatever else matches first; ids are unique.
            pid = by_key.get("i:" + item.id.lower()) if item.id else None
            if pid is None:
                pid = next((by_key[k] for k in keys if k in by_key), None)
                if pid is not None and item.id and pid != item.id and pid in self._input_ids:
                    pid = None  # two records with different ids of their own are two papers
            if pid is None and not item.id:
                # A derived id an input already gave as its own (an id such as "t-..." in the
                # input): the same id, so the same paper, never two papers sharing one id.
                pid = by_key.get("i:" + derive_id(item).lower())
            if pid is None:
                paper = dataclasses.replace(item, id=derive_id(item))
                for k in keys:
                    by_key.setdefault(k, paper.id)
                by_key["i:" + paper.id.lower()] = paper.id
                if item.id:
                    self._input_ids.add(paper.id)
                yield paper
                continue
            self.duplicates += 1
            for k in keys:
                by_key.setdefault(k, pid)
            patch = self._patches.get(pid)
            self._patches[pid] = merge(patch, item) if patch else item

    @property
    def patches(self) -> Mapping[str, Paper]:
        """The patch of each paper that had duplicates, by paper id (read-only)."""
        return MappingProxyType(self._patches)

    def finalize(self, paper: Paper) -> Paper:
        """The paper with every duplicate of it merged in."""
        return apply_patch(paper, self._patches)


def apply_patch(paper: Paper, patches: Mapping[str, Paper]) -> Paper:
    """``paper`` with its patch from ``patches`` (by paper id) merged in, if it has one."""
    patch = patches.get(paper.id)
    return merge(paper, patch) if patch else paper


def merge(base: Paper, dup: Paper) -> Paper:
    """Add ``dup``'s sources to ``base`` and fill the fields ``base`` lacks from ``dup``."""
    changes: dict = {"sources": base.sources + tuple(s for s in dup.sources if s not in base.sources)}
    for f in _FILLABLE:
        if getattr(base, f) is None and getattr(dup, f) is not None:
            changes[f] = getattr(dup, f)
    if not base.authors and dup.authors:
        changes["authors"] = dup.authors
    if not base.categories and dup.categories:
        changes["categories"] = dup.categories
    return dataclasses.replace(base, **changes)
