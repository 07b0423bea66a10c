"""Curated vocabularies and the spaCy component that matches them.

The vocabularies are data (``ontology/vocab/*.csv``, one row per concept: ``label, type,
aliases, case_sensitive, source``; see ``ontology/vocab/README.md``). :class:`Vocabulary`
loads them; the ``kg_vocabulary`` component matches every label and alias by walking tries of
their tokens (:class:`VocabularyMatcher`: exact text for acronyms and ambiguous words, lower
case otherwise, and in lower case the exact forms written as names) and appends
:class:`~kg.extract.candidates.Candidate` s to ``doc._.kg_candidates``.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
import hashlib
import os
import pickle
import re
from functools import lru_cache
from pathlib import Path

import spacy

from spacy.language import Language
from spacy.tokens import Doc

from kg.atomic import atomic_write
from kg.config import ontology_dir
from kg.errors import KgError
from kg.extract.batches import pipe_batches
from kg.extract.candidates import Candidate, add_candidates
from kg import markup
from kg.extract import normalize, tokenizer
from kg.extract.normalize import canonical_surface, entity_key
from kg.extract.tokens import indices_in, tokens
from kg.model import ENTITY_TYPES, EntityType

#: Generic head nouns that are not part of a name when what precedes them is the name itself.
GENERIC_HEADS = frozenset({"architecture", "architectures", "model", "models", "framework", "frameworks",
                           "method", "methods", "approach", "network", "networks", "dataset", "datasets",
                           "benchmark", "benchmarks", "algorithm", "algorithms", "technique", "score"})

#: Modifiers that name a subtype in common use and stay in an architecture's surface form while
#: the mention remains one of the base entity ("deep convolutional networks" is the CNN).
SUBTYPE_PREFIXES = frozenset({"deep"})

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
    plain words: "PART-OF", "InspiRe"), acronyms, all-capitals names and short mixed-case tokens."""
    if row_flag:
        return True
    if type_ == "Dataset":
        # ... unless no spelling of it is a plain word: a digit ("ImageNet-1K" is "ImageNet-1k"),
        # or a word in small letters beside an acronym ("Fashion-MNIST" is "Fashion MNist")
        parts = re.split(r"[\s\-]+", surface)
        return not (any(c.isdigit() for c in surface) and any(c.isalpha() for c in surface)
                    or len(parts) > 1 and any(p.isupper() and len(p) >= 4 for p in parts)
                    and any(any(c.islower() for c in p) for p in parts))
    letters = [c for c in surface if c.isalpha()]
    if not letters:
        return True
    upper = sum(c.isupper() for c in letters)
    # (an all-capitals name is an acronym or written as one: "REINFORCE" is not "to reinforce")
    return " " not in surface and (len(surface) <= 6 and upper >= 2 or surface.isalpha() and surface.isupper())


_PARTS = re.compile(r"[\s\-]+")
#: The plural of an acronym: "MUSes", "GANs".
_PLURAL_END = re.compile(r"[A-Z]e?s$")


def written_as_name(surface: str) -> bool:
    """Spelled as a name: a word with a capital after its first letter ("BraTS", "MNIST",
    "nuScenes", "Fashion MNist"; not "X-ray"), five letters or more, and not an acronym's plural
    ("MUSes"). A text spelled so is no plain word in any case, so it names a case-sensitive form
    with the same letters in another case ("BraTS" is the vocabulary's "BRATS"); shorter ones are
    the acronyms of many things ("RoSE", "MoDA", "NeMo")."""
    return sum(c.isalpha() for c in surface) >= 5 and not _PLURAL_END.search(surface) \
        and any(any(c.isupper() for c in w[1:]) for w in _PARTS.split(surface))


def _named_spelling(text: str) -> bool:
    """A text written as a name in mixed case ("BraTS", "NuScenes"): one in capitals only
    ("GRASP", "RELIC") is as often some other acronym."""
    return written_as_name(text) and any(c.islower() for c in text)


class Vocabulary:
    """Concepts by key, surface forms by case-folded or exact text, and the generic-term list.

    Parameters
    ----------
    vocab_dir : Path
        Folder with ``*.csv`` vocabularies and ``generic_terms.txt``.
    extra : sequence of Path
        A user's own vocabulary files in the same CSV format (`kg build --vocab`): their
        concepts win over the folder's where both claim a surface form, are matched even where
        ``generic_terms.txt`` lists them, and a row without a ``source`` counts as ``curated``.

    Raises
    ------
    KgError
        If the folder has no vocabulary, or a file cannot be read or has a bad row (one line
        naming the file and the row's line).
    """

    def __init__(self, vocab_dir: Path, extra: Iterable[Path] = ()):
        self.dir = Path(vocab_dir)
        files = sorted(self.dir.glob("*.csv"))
        if not files:
            raise KgError("no vocabulary files (*.csv)", str(self.dir))
        self.generic: frozenset[str] = self._read_generic(self.dir / "generic_terms.txt")
        self.concepts: dict[str, Concept] = {}
        self.folded: dict[str, str] = {}  # entity_key(surface) -> concept key (case-insensitive forms)
        self.exact: dict[str, str] = {}  # surface -> concept key (case-sensitive forms)
        self.named: dict[str, str] = {}  # lower-cased case-sensitive form written as a name -> concept key
        users = [c for f in extra for c in self._read_csv(Path(f), user=True)]
        rows = []
        for f in files:
            rows.extend(self._read_csv(f))
        rank = {s: i for i, s in enumerate(SOURCE_PRIORITY)}
        rows.sort(key=lambda r: rank.get(r.source, len(rank)))
        user_keys = {c.key for c in users}
        for c in users + rows:
            if c.key in self.generic and c.key not in user_keys or not c.key:
                continue
            if c.key not in self.concepts:
                self.concepts[c.key] = c
            owner = self.concepts[c.key]
            for s in (c.label, *c.aliases):
                s = canonical_surface(s)
                if not s or entity_key(s) in self.generic and c.key not in user_keys:
                    continue
                head, _, last = s.rpartition(" ")
                if head and last.lower() in GENERIC_HEADS and entity_key(head) in {c.key, *map(entity_key, c.aliases)}:
                    continue  # "Transformer architecture": the name is "Transformer" (guidelines 4)
                if _needs_case(s, c.case_sensitive, c.type):
                    self.exact.setdefault(s, owner.key)
                    if written_as_name(s):
                        self.named.setdefault(s.lower(), owner.key)
                else:
                    self.folded.setdefault(entity_key(s), owner.key)

    @staticmethod
    def _read_generic(path: Path) -> frozenset[str]:
        if not path.is_file():
            return frozenset()
        with open(path, encoding="utf-8") as f:
            return frozenset(entity_key(l.split("#", 1)[0]) for l in f if l.split("#", 1)[0].strip())

    @staticmethod
    def _read_csv(path: Path, user: bool = False) -> list[Concept]:
        out = []
        line = 1
        try:
            with open(path, encoding="utf-8", newline="") as f:
                reader = csv.DictReader(f)
                missing = {"label", "type"} - set(reader.fieldnames or ())
                if missing:
                    raise KgError(f"vocabulary lacks column(s) {', '.join(sorted(missing))} (the header must "
                                  "be: label,type,aliases,case_sensitive,source)", str(path), 1)
                for row in reader:
                    line = reader.line_num
                    t = (row.get("type") or "").strip()
                    if t not in ENTITY_TYPES:
                        raise KgError(f"unknown entity type {t!r} (one of {', '.join(ENTITY_TYPES)})", str(path),
                                      line)
                    # as extraction reads text (LaTeX math as names: "M$^3$-VOS" is "M3-VOS")
                    label = canonical_surface(markup.strip_markup(row["label"] or "")[0])
                    if user and not entity_key(label):
                        raise KgError("empty label", str(path), line)
                    flag = (row.get("case_sensitive") or "0").strip()
                    if user and flag not in ("0", "1"):
                        raise KgError(f"case_sensitive must be 0 or 1, not {flag!r}", str(path), line)
                    aliases = tuple(a.strip() for a in markup.strip_markup(row.get("aliases") or "")[0].split("|") if a.strip())
                    out.append(Concept(entity_key(label), label, t, aliases,  # type: ignore[arg-type]
                                       flag == "1",
                                       (row.get("source") or ("curated" if user else path.stem)).strip()))
        except UnicodeDecodeError:
            raise KgError("not UTF-8 text", str(path), line + 1) from None
        except csv.Error as e:
            raise KgError(f"malformed CSV: {e}", str(path), line + 1) from None
        except OSError as e:
            raise KgError(f"cannot read the vocabulary: {e.strerror or e}", str(path)) from None
        return out

    def lookup(self, surface: str) -> Concept | None:
        """The concept a surface form names, if any (exact forms first, then a name in another
        case, then case-folded)."""
        s = canonical_surface(surface)
        key = self.exact.get(s)
        if key is None and s.endswith("s"):
            key = self.exact.get(s[:-1])
        if key is None and _named_spelling(s):
            key = self.named.get(s.lower())
        if key is None:
            key = self.folded.get(entity_key(s))
        return self.concepts.get(key) if key else None

    def is_generic(self, surface: str) -> bool:
        return entity_key(surface) in self.generic

    def generic_spans(self, lower: list[str]) -> list[tuple[int, int]]:
        """Token spans of the generic phrases of two words or more in a text (its lower-cased
        tokens; hyphens are skipped, so "real-world data" is "real world data"): a word inside
        one is no entity either ("precision" in "precision agriculture")."""
        trie = self._generic_trie()
        spans = []
        for i in indices_in(lower, trie):
            node, j, end = trie.get(lower[i]), i + 1, 0
            while node is not None:
                if None in node:
                    end = j
                while j < len(lower) and lower[j] == "-":
                    j += 1
                if j >= len(lower):
                    break
                node = node.get(lower[j])
                j += 1
            if end:
                spans.append((i, end))
        return spans

    def _generic_trie(self) -> dict:
        """Words of the generic phrases of two words or more, as a trie (built once, pickled)."""
        if getattr(self, "_generic", None) is None:
            trie: dict = {}
            for key in self.generic:
                head, _, last = key.rpartition(" ")
                if not head:
                    continue
                for words in (key.split(), f"{head} {_plural(last)}".split()):
                    node = trie
                    for w in words:
                        node = node.setdefault(w, {})
                    node[None] = True
            self._generic = trie
        return self._generic

    def token_patterns(self) -> tuple[dict, dict, dict]:
        """Tries of token sequences to concept keys: (lower-cased tokens, exact tokens, lower-cased
        tokens of the exact forms written as names).

        Each trie is nested dicts keyed by token text; the key ``None`` holds the concept key
        of the sequence that ends there. Built once (and pickled with the vocabulary).
        """
        if getattr(self, "_tries", None) is None:
            folded, exact = self.surface_patterns()
            named: dict[str, set[str]] = {}
            for s, key in self.exact.items():
                if s.lower() in self.named:
                    named.setdefault(key, set()).add(s)
            tries: tuple[dict, dict, dict] = ({}, {}, {})
            tok = _tokenizer()
            for trie, table, lower in ((tries[0], folded, True), (tries[1], exact, False), (tries[2], named, True)):
                forms = [(key, form) for key, fs in table.items() for form in sorted(fs)]
                for (key, _), doc in zip(forms, tok.pipe(f for _, f in forms)):
                    node = trie
                    for t in doc:
                        node = node.setdefault(t.lower_ if lower else t.text, {})
                    node.setdefault(None, key)
            self._tries = tries
        return self._tries

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


def check_vocabulary_file(path: Path) -> int:
    """Read a user's vocabulary file (`--vocab`) as :class:`Vocabulary` will; its number of concepts.

    Raises
    ------
    KgError
        One line naming the file and the line of a bad row.
    """
    return len(Vocabulary._read_csv(Path(path), user=True))


_TOKENIZER = None


def _tokenizer():
    global _TOKENIZER  # the tokenizer the pipeline uses
    if _TOKENIZER is None:
        _TOKENIZER = tokenizer.blank().tokenizer
    return _TOKENIZER


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


#: A version marker after a space or a hyphen: "NYU Depth V2", "COCO-v1.5".
_VERSION = re.compile(r"(?<=[ -])[vV](?=\d+(?:\.\d+)*(?:$|[ -]))")


def _variants(s: str, acronym: bool = False) -> set[str]:
    out = {s, _plural(s)}
    if "-" in s and not acronym:
        out |= {s.replace("-", " "), s.replace("-", "")}
        out |= {_plural(v) for v in list(out)}
    if _VERSION.search(s):  # the case of a version marker names no other thing: "V2" = "v2"
        out |= {_VERSION.sub(v, form) for form in list(out) for v in "vV"}
    return out


def _cache_file(vocab_dir: Path, extra: Iterable[Path] = ()) -> Path | None:
    """Where the compiled vocabulary of ``vocab_dir`` is cached, keyed by its content.

    ``KG_CACHE_DIR``, else ``$XDG_CACHE_HOME/paper-kg``, else ``~/.cache/paper-kg``; None if
    no cache folder can be named.
    """
    h = hashlib.sha1(f"{spacy.__version__}|{_FORMAT}".encode())
    # the code that compiles it too: a change to matching rules must not meet an old cache
    for module in (__file__, normalize.__file__, tokenizer.__file__, markup.__file__):
        h.update(Path(module).read_bytes())
    for f in sorted(vocab_dir.glob("*.csv")) + sorted(vocab_dir.glob("*.txt")):
        h.update(f.name.encode())
        h.update(f.read_bytes())
    for f in extra:  # a user's files: by content (an unreadable one is reported by Vocabulary)
        h.update(b"user")
        try:
            h.update(Path(f).read_bytes())
        except OSError:
            return None
    base = os.environ.get("KG_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache"), "paper-kg")
    return Path(base) / f"vocabulary-{h.hexdigest()[:16]}.pickle" if base else None


_FORMAT = 7  # bump when Vocabulary's pickled shape (or entity_key, which keys it) changes


@lru_cache(maxsize=4)
def load_vocabulary(vocab_dir: str | None = None, extra: tuple[str, ...] = ()) -> Vocabulary:
    """Load the vocabulary in ``vocab_dir`` (default: the ontology's) with a user's ``extra``
    vocabulary files (:class:`Vocabulary`), once per process.

    Compiling it (parsing every list, tokenizing ~30,000 surface forms) takes a couple of
    seconds; the result is cached on disk, keyed by the files' content and the spaCy
    version, so later runs load it in a fraction of that. A cache that cannot be read or
    written is ignored.
    """
    path = Path(vocab_dir) if vocab_dir else ontology_dir() / "vocab"
    cache = _cache_file(path, [Path(f) for f in extra])
    if cache is not None and cache.is_file():
        try:
            with open(cache, "rb") as f:
                vocab = pickle.load(f)
            if isinstance(vocab, Vocabulary):
                return vocab
        except Exception:  # noqa: BLE001 - a stale or broken cache is rebuilt
            pass
    vocab = Vocabulary(path, [Path(f) for f in extra])
    vocab.token_patterns()
    vocab.generic_spans([])  # (builds the generic phrases' trie, pickled with the rest)
    if cache is not None:
        try:
            with atomic_write(cache, "wb") as f:
                pickle.dump(vocab, f, protocol=pickle.HIGHEST_PROTOCOL)
        except OSError:
            pass
    return vocab


if not Doc.has_extension("kg_candidates"):
    Doc.set_extension("kg_candidates", default=None)


@Language.factory(
    "kg_vocabulary",
    assigns=["doc._.kg_candidates"],
    default_config={"vocab_dir": None, "extra_vocab": []},
)
def make_vocabulary_matcher(nlp: Language, name: str, vocab_dir: str | None,
                            extra_vocab: list[str]) -> "VocabularyMatcher":
    return VocabularyMatcher(nlp, load_vocabulary(vocab_dir, tuple(extra_vocab)))


class VocabularyMatcher:
    """Finds every vocabulary term in a Doc by walking token tries.

    Every match is reported, nested ones included; the resolver picks among them.
    """

    def __init__(self, nlp: Language, vocabulary: Vocabulary):
        self.vocabulary = vocabulary
        self.folded, self.exact, self.named = vocabulary.token_patterns()

    def __call__(self, doc: Doc) -> Doc:
        concepts = self.vocabulary.concepts
        found = []
        n = len(doc)
        tk = tokens(doc)
        exact_spans = set()
        for trie, words, conf in ((self.exact, tk.text, 0.95), (self.folded, tk.lower, 0.9), (self.named, tk.lower, 0.9)):
            named = trie is self.named
            for i in indices_in(words, trie):  # the words that start a term
                node = trie.get(words[i])
                j = i + 1
                while node is not None:
                    key = node.get(None)
                    if key is not None and named and ((i, j) in exact_spans or not _named_spelling(tk.span_text(i, j))):
                        key = None  # found as written, or not written as a name ("Brats", "GRASP")
                    if key is not None:
                        if trie is self.exact:
                            exact_spans.add((i, j))
                        c = concepts[key]
                        found.append(Candidate(i, j, key, c.label, c.type, f"vocabulary:{c.source}", conf, True))
                        if i and c.type == "Architecture" and tk.lower[i - 1] in SUBTYPE_PREFIXES:
                            # "deep convolutional networks" is a form of the CNN (guidelines 4)
                            found.append(Candidate(i - 1, j, key, c.label, c.type, f"vocabulary:{c.source}",
                                                   conf, True))
                    if j >= n:
                        break
                    node = node.get(words[j])
                    j += 1
        add_candidates(doc, found)
        return doc

    def pipe(self, docs: Iterable[Doc], batch_size: int = 64) -> Iterator[Doc]:
        """Process a stream of Docs a batch at a time (see :mod:`kg.extract.batches`)."""
        return pipe_batches(self, docs, batch_size)
