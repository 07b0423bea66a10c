"""Candidate mentions: what each matcher or rule proposes before the resolver decides."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from spacy.tokens import Doc

from kg.model import EntityType

#: Which finder wins when two candidates cover the same tokens.
RULE_PRIORITY = {"abbreviation": 3, "vocabulary": 2}


@dataclass(frozen=True, slots=True)
class Candidate:
    """A token span that some component thinks names an entity."""

    start: int  #: token index
    end: int  #: token index, exclusive
    key: str
    label: str
    type: EntityType
    rule: str
    confidence: float
    in_vocabulary: bool = False

    @property
    def priority(self) -> int:
        return _priority(self.rule)

    @property
    def source(self) -> str:
        """The vocabulary a candidate came from ("curated", "pwc-methods", ...), or ""."""
        return self.rule.split(":", 1)[1] if self.rule.startswith("vocabulary:") else ""


@lru_cache(maxsize=1024)
def _priority(rule: str) -> int:
    return RULE_PRIORITY.get(rule.split(":", 1)[0], 1)


def add_candidates(doc: Doc, items: Iterable[Candidate]) -> None:
    """Append candidates to ``doc._.kg_candidates`` (created on first use)."""
    ext = doc._  # (each doc._ makes an object)
    found = ext.kg_candidates
    if found is None:
        found = ext.kg_candidates = []
    found.extend(items)
