"""Merge per-paper extractions into one graph: one entity per concept across papers."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from itertools import combinations

from kg.model import ENTITY_TYPES, Entity, Extraction, Paper


@dataclass
class KnowledgeGraph:
    """Papers, their extractions and the merged entities.

    Attributes
    ----------
    extractions : list of Extraction
        One per paper, in input order (papers with no entity included).
    entities : dict of str to Entity
        Merged entities by key.
    cooccurrence : Counter
        (key a, key b) with a < b -> number of papers mentioning both.
    """

    extractions: list[Extraction] = field(default_factory=list)
    entities: dict[str, Entity] = field(default_factory=dict)
    cooccurrence: Counter = field(default_factory=Counter)

    @property
    def papers(self) -> list[Paper]:
        return [e.paper for e in self.extractions]

    def entity_type(self, key: str) -> str:
        return self.entities[key].type


def assemble(extractions: Iterable[Extraction],
             finalize: Callable[[Paper], Paper] | None = None) -> KnowledgeGraph:
    """Merge extractions into a :class:`KnowledgeGraph`.

    An entity's type is the one most of its mentions carry (vocabulary mentions break ties);
    its label is the vocabulary label if any mention has one, else its most frequent label;
    its alternative labels are the other surface forms seen.

    Parameters
    ----------
    extractions : iterable of Extraction
    finalize : callable, optional
        Applied to each paper (the reader's duplicate merge, see kg.read.Corpus.finalize).
    """
    kg = KnowledgeGraph()
    types: dict[str, Counter] = defaultdict(Counter)
    labels: dict[str, Counter] = defaultdict(Counter)
    vocab_label: dict[str, str] = {}
    surfaces: dict[str, dict[str, None]] = defaultdict(dict)
    papers: dict[str, list[str]] = defaultdict(list)
    proposed_by: dict[str, list[str]] = defaultdict(list)
    for ex in extractions:
        if finalize is not None:
            ex = Extraction(finalize(ex.paper), ex.mentions, ex.sentences, ex.evaluations)
        kg.extractions.append(ex)
        pid = ex.paper.id
        keys: dict[str, None] = {}
        for m in ex.mentions:
            types[m.key][m.type] += 2 if m.in_vocabulary else 1
            labels[m.key][m.label] += 1
            if m.in_vocabulary:
                vocab_label.setdefault(m.key, m.label)
            surfaces[m.key].setdefault(m.text, None)
            if m.key not in keys:
                keys[m.key] = None
                papers[m.key].append(pid)
            if m.proposed and (not proposed_by[m.key] or proposed_by[m.key][-1] != pid):
                proposed_by[m.key].append(pid)
        for a, b in combinations(sorted(keys), 2):
            kg.cooccurrence[(a, b)] += 1
    order = {t: i for i, t in enumerate(ENTITY_TYPES)}
    for key in papers:
        typ = max(types[key].items(), key=lambda kv: (kv[1], -order[kv[0]]))[0]
        label = vocab_label.get(key) or labels[key].most_common(1)[0][0]
        alts = tuple(s for s in surfaces[key] if s != label)
        kg.entities[key] = Entity(key=key, type=typ, label=label, alt_labels=alts,  # type: ignore[arg-type]
                                  papers=tuple(papers[key]), proposed_by=tuple(proposed_by[key]),
                                  in_vocabulary=key in vocab_label)
    return kg
