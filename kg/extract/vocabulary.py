"""Curated vocabularies and the spaCy component that matches them.

The vocabularies are data (``ontology/vocab/*.csv``, one row per concept: ``label, type,
aliases, case_sensitive, source``; see ``ontology/vocab/README.md``). :class:`Vocabulary`
loads them; the ``kg_vocabulary`` component matches every label and alias with two
``PhraseMatcher`` s (case-insensitive on ``LOWER``, case-sensitive on ``ORTH`` for acronyms
and ambiguous words) and appends :class:`~kg.extract.candidates.Candidate` s to
``doc._.kg_candidates``.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc

from kg.config import ontology_dir
from kg.errors import KgError
from kg.extract.candidates import Candidate, add_candidates
from kg.extract.normalize import canonical_surface, entity_key
from kg.model import ENTITY_TYPES, EntityType

#: When two files define the same surface form, the earlier source wins.
SOURCE_PRIORITY = ("curated", "pwc-methods", "pwc-metrics", "pwc-tasks", "pwc-datasets")


@dataclass(frozen=True, slots=True)
class Concept:
    """One vocabulary concept."""

    key: str
    label: str
    type: EntityType
    aliases: tuple[str, ...]
    case_sensitive: bool
    source: str


def _needs_case(surface: str, row_flag: bool, type_: str = "") -> bool:
    """Match case-sensitively: flagged rows, dataset names (proper names that often spell
    plain words: "PART-OF", "InspiRe"), acronyms and short mixed-case tokens."""
    if row_flag or type_ == "Dataset":
        return True
    letters = [c for c in surface if c.isalpha()]
    if not letters:
        return True
    upper = sum(c.isupper() for c in letters)
    return " " not in surface and len(surface) <= 6 and upper >= 2


class Vocabulary:
    """Concepts by key, surface forms by case-folded or exact text, and the generic-term list.

    Parameters
    ----------
    vocab_dir : Path
        Folder with ``*.csv`` vocabularies and ``generic_terms.txt``.

    Raises
    ------
    KgError
        If the folder has no vocabulary, or a row has an unknown type.
    """

    def __init__(self, vocab_dir: Path):
        self.dir = Path(vocab_dir)
        files = sorted(self.dir.glob("*.csv"))
        if not files:
            raise KgError("no vocabulary files (*.csv)", str(self.dir))
        self.generic: frozenset[str] = self._read_generic(self.dir / "generic_terms.txt")
        self.concepts: dict[str, Concept] = {}
        self.folded: dict[str, str] = {}  # entity_key(surface) -> concept key (case-insensitive forms)
        self.exact: dict[str, str] = {}  # surface -> concept key (case-sensitive forms)
        rows = []
        for f in files:
            rows.extend(self._read_csv(f))
        rank = {s: i for i, s in enumerate(SOURCE_PRIORITY)}
        rows.sort(key=lambda r: rank.get(r.source, len(rank)))
        for c in rows:
            if c.key in self.generic or not c.key:
                continue
            if c.key not in self.concepts:
                self.concepts[c.key] = c
            owner = self.concepts[c.key]
            for s in (c.label, *c.aliases):
                s = canonical_surface(s)
                if not s or entity_key(s) in self.generic:
                    continue
                if _needs_case(s, c.case_sensitive, c.type):
                    self.exact.setdefault(s, owner.key)
                else:
                    self.folded.setdefault(entity_key(s), owner.key)

    @staticmethod
    def _read_generic(path: Path) -> frozenset[str]:
        if not path.is_file():
            return frozenset()
        with open(path, encoding="utf-8") as f:
            return frozenset(entity_key(l.split("#", 1)[0]) for l in f if l.split("#", 1)[0].strip())

    @staticmethod
    def _read_csv(path: Path) -> list[Concept]:
        out = []
        with open(path, encoding="utf-8", newline="") as f:
            reader = csv.DictReader(f)
            missing = {"label", "type"} - set(reader.fieldnames or ())
            if missing:
                raise KgError(f"vocabulary lacks column(s) {', '.join(sorted(missing))}", str(path), 1)
            for row in reader:
                t = (row.get("type") or "").strip()
                if t not in ENTITY_TYPES:
                    raise KgError(f"unknown entity type {t!r}", str(path), reader.line_num)
                label = canonical_surface(row["label"] or "")
                aliases = tuple(a.strip() for a in (row.get("aliases") or "").split("|") if a.strip())
                out.append(Concept(entity_key(label), label, t, aliases,  # type: ignore[arg-type]
                                   (row.get("case_sensitive") or "0").strip() == "1",
                                   (row.get("source") or path.stem).strip()))
        return out

    def lookup(self, surface: str) -> Concept | None:
        """The concept a surface form names, if any (exact forms first, then case-folded)."""
        s = canonical_surface(surface)
        key = self.exact.get(s)
        if key is None and s.endswith("s"):
            key = self.exact.get(s[:-1])
        if key is None:
            key = self.folded.get(entity_key(s))
        return self.concepts.get(key) if key else None

    def is_generic(self, surface: str) -> bool:
        return entity_key(surface) in self.generic

    def surface_patterns(self) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
        """Surface forms to match, by concept key: (case-folded forms, exact forms).

        Each form also gets its regular plural and its hyphen-less variants.
        """
        folded: dict[str, set[str]] = {}
        exact: dict[str, set[str]] = {}
        for s, key in self.exact.items():
            exact.setdefault(key, set()).update(_variants(s, acronym=True))
        # folded keys lose the original spelling; rebuild it from concept labels and aliases
        for c in self.concepts.values():
            for s in (c.label, *c.aliases):
                s = canonical_surface(s)
                if s and not _needs_case(s, c.case_sensitive, c.type) and self.folded.get(entity_key(s)) == c.key:
                    folded.setdefault(c.key, set()).update(v.lower() for v in _variants(s))
        return folded, exact


def _plural(s: str) -> str:
    last = s.rsplit(" ", 1)[-1]
    if last[-1:].isupper() or last[-1:].isdigit():
        return s + "s"
    low = last.lower()
    if low.endswith(("s", "x", "z", "ch", "sh")):
        return s + "es" if not low.endswith(("ss", "us", "is")) else s
    if low.endswith("y") and low[-2:-1] not in "aeiou":
        return s[:-1] + "ies"
    return s + "s"


def _variants(s: str, acronym: bool = False) -> set[str]:
    out = {s, _plural(s)}
    if "-" in s and not acronym:
        out |= {s.replace("-", " "), s.replace("-", "")}
        out |= {_plural(v) for v in list(out)}
    return out


@lru_cache(maxsize=4)
def load_vocabulary(vocab_dir: str | None = None) -> Vocabulary:
    """Load (once per process) the vocabulary in ``vocab_dir`` (default: the ontology's)."""
    return Vocabulary(Path(vocab_dir) if vocab_dir else ontology_dir() / "vocab")


if not Doc.has_extension("kg_candidates"):
    Doc.set_extension("kg_candidates", default=None)


@Language.factory(
    "kg_vocabulary",
    assigns=["doc._.kg_candidates"],
    default_config={"vocab_dir": None},
)
def make_vocabulary_matcher(nlp: Language, name: str, vocab_dir: str | None) -> "VocabularyMatcher":
    return VocabularyMatcher(nlp, load_vocabulary(vocab_dir))


class VocabularyMatcher:
    """Finds every vocabulary term in a Doc."""

    def __init__(self, nlp: Language, vocabulary: Vocabulary):
        self.vocabulary = vocabulary
        self.folded = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.exact = PhraseMatcher(nlp.vocab, attr="ORTH")
        folded, exact = vocabulary.surface_patterns()
        for matcher, table in ((self.folded, folded), (self.exact, exact)):
            for key, forms in table.items():
                matcher.add(key, list(nlp.tokenizer.pipe(sorted(forms))))

    def __call__(self, doc: Doc) -> Doc:
        concepts = self.vocabulary.concepts
        found = []
        for matcher, conf in ((self.exact, 0.95), (self.folded, 0.9)):
            for match_id, start, end in matcher(doc):
                c = concepts[doc.vocab.strings[match_id]]
                found.append(Candidate(start, end, c.key, c.label, c.type, f"vocabulary:{c.source}", conf, True))
        add_candidates(doc, found)
        return doc
