"""A user's curation of the entities, without editing the package: `kg build` / `kg extract`
``--vocab FILE``, ``--stoplist FILE`` and ``--merge FILE``.

* ``--vocab``: extra concepts in the format of ``ontology/vocab/*.csv`` (a header
  ``label,type,aliases,case_sensitive,source``), read by the extraction pipeline beside the
  packaged vocabularies (:class:`kg.extract.vocabulary.Vocabulary`: the user's rows win).
* ``--stoplist``: one name a line (``#`` starts a comment): a label, an alias or a key. An
  entity that a name on the list names is never an entity: its mentions are dropped from every
  paper. A name the vocabularies know stops its concept (``CNN`` stops "convolutional neural
  network" and all its spellings); any other name stops the entity with that key.
* ``--merge``: one ``alias -> canonical`` a line: every mention of the alias's entity becomes
  one of the canonical entity (its key, label and, when the vocabularies know it, type). Chains
  (``a -> b``, ``b -> c``) resolve to their end; a cycle is an error.

A name on either list also acts on the spellings of its key that a build merges with it
("EfficientNet" stops "Efficient Net": :mod:`kg.assemble.spelling`).

Stop lists and merges apply to each paper's extraction after the pipeline (:meth:`Curation.apply`):
stop list first, then merges, then the stop list again on the merged names. A build keeps a
copy of each curation file and its hash in its ``--update`` cache (:func:`keep`, in
``OUT/.kg-cache/manifest.json`` and ``OUT/.kg-cache/curation/``). ``kg build --update`` with no
curation option applies the previous build's curation again (from those copies); with any,
exactly the curation given. When the curation differs from the previous build's, the previous
papers are extracted again (from the cache, so the old input need not be at hand): the result
equals a full rebuild with that curation, as an update with the same curation does.

A file that cannot be used stops the command with one line naming the file and line.
"""

from __future__ import annotations

import functools
import hashlib
import re
import shutil
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from kg.config import CurationConfig, ExtractConfig
from kg.errors import KgError, path_text
from kg.extract.normalize import spelling
from kg.model import Extraction, Mention, Result

KINDS = ("vocab", "stoplist", "merge")
#: Where a build keeps copies of its curation files (inside OUT/.kg-cache/).
COPIES = "curation"

_COMMENT = re.compile(r"(?:^|\s)#.*$")


def _lines(path: Path) -> Iterator[tuple[int, str]]:
    """(line number, text without comment) of each line of a curation file that has text."""
    try:
        with open(path, encoding="utf-8-sig") as f:
            for n, line in enumerate(f, 1):
                text = _COMMENT.sub("", line).strip()
                if text:
                    yield n, text
    except UnicodeDecodeError as e:
        raise KgError(f"not UTF-8 text ({e.reason} at byte {e.start})", path_text(path)) from None
    except OSError as e:
        raise KgError(f"cannot read the curation file: {e.strerror or e}", path_text(path)) from None


def read_stoplist(path: Path) -> list[tuple[int, str]]:
    """(line, name) of each name on a stop list."""
    return list(_lines(Path(path)))


def read_merges(path: Path) -> list[tuple[int, str, str]]:
    """(line, alias, canonical) of each ``alias -> canonical`` line of a merge file.

    Raises
    ------
    KgError
        For a line without ``->`` or with an empty side.
    """
    out = []
    for n, text in _lines(Path(path)):
        alias, sep, canonical = text.partition("->")
        alias, canonical = alias.strip(), canonical.strip()
        if not sep or not alias or not canonical or "->" in canonical:
            raise KgError(f"expected 'alias -> canonical', found {text[:60]!r}", path_text(path), n)
        out.append((n, alias, canonical))
    return out


def content_hash(paths: Iterable[Path]) -> str:
    h = hashlib.sha1()
    for p in paths:
        try:
            h.update(Path(p).read_bytes())
        except OSError as e:
            raise KgError(f"cannot read the curation file: {e.strerror or e}", path_text(p)) from None
        h.update(b"\0")
    return h.hexdigest()


def fingerprint(config: CurationConfig) -> str:
    """Identifies a curation by the content of its files (not their names or places)."""
    return hashlib.sha1("|".join(f"{k}:{content_hash(getattr(config, k))}" for k in KINDS).encode()).hexdigest()


@dataclass
class Curation:
    """Stop lists and merges, resolved to entity keys (see the module docstring).

    Attributes
    ----------
    stop : frozenset of str
        Keys of the entities that are never entities.
    merge : dict
        Key of an alias -> (key, label, type or None) of its canonical entity.
    config : CurationConfig
        The files it was read from.
    """

    stop: frozenset[str] = frozenset()
    merge: dict[str, tuple[str, str, str | None]] = field(default_factory=dict)
    config: CurationConfig = field(default_factory=CurationConfig)
    #: the same, by spelling: a build merges keys spelled alike (:mod:`kg.assemble.spelling`),
    #: so a name stops or merges every spelling of its entity ("EfficientNet", "Efficient Net")
    _stop_spellings: frozenset[str] = field(init=False, repr=False, compare=False)
    _merge_spellings: dict[str, tuple[str, str, str | None]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._stop_spellings = frozenset(filter(None, map(spelling, self.stop)))
        self._merge_spellings = {sp: target for key, target in self.merge.items() if (sp := spelling(key))}

    def __bool__(self) -> bool:
        return bool(self.stop or self.merge)

    def _stopped(self, m: Mention, entity_key) -> bool:
        stop = self.stop
        return m.key in stop or entity_key(m.label) in stop or entity_key(m.text) in stop \
            or not m.in_vocabulary and spelling(m.key) in self._stop_spellings

    def _target(self, m: Mention, entity_key) -> tuple[str, str, str | None] | None:
        """Where a mention merges to: its key's, its label's or (unless it is a vocabulary
        concept, which a build never merges with another: :mod:`kg.assemble.spelling`) its
        spelling's merge."""
        merge = self.merge
        return merge.get(m.key) or merge.get(entity_key(m.label)) \
            or (None if m.in_vocabulary else self._merge_spellings.get(spelling(m.key)))

    def apply(self, ex: Extraction) -> Extraction:
        """The extraction with stopped entities' mentions dropped and merged ones renamed (its
        evaluations, the dataset-metric pairs of a sentence, follow its mentions; its results
        stay, with merged entities' keys renamed)."""
        if not self or not (ex.mentions or ex.results):
            return ex
        from kg.extract.pipeline import _evaluations

        entity_key = _cached_key()

        out = []
        changed = False
        renamed: dict[str, str] = {}  # a merged mention's key -> its new key, for the results
        for m in ex.mentions:
            if self.stop and self._stopped(m, entity_key):
                changed = True
                continue
            target = self._target(m, entity_key) if self.merge else None
            if target is not None:
                key, label, typ = target
                m2 = m._replace(key=key, label=label, type=typ or m.type)
                if m2 != m:
                    changed = True
                    renamed[m.key] = key
                    m = m2
                    if self.stop and m.key in self.stop:
                        continue
            out.append(m)
        results = self._results(ex.results, renamed)
        if not changed and results == ex.results:
            return ex
        mentions = tuple(out) if changed else ex.mentions
        return Extraction(ex.paper, mentions, ex.sentences, _evaluations(mentions) if changed else ex.evaluations,
                          results)

    def _results(self, results: tuple[Result, ...], renamed: dict[str, str]) -> tuple[Result, ...]:
        """The results with the keys of merged entities renamed as the paper's mentions were
        (``renamed``), or by the merges where no mention has the key; a stopped entity's key
        stays: it joins no entity, as a result's metric that is no entity does."""
        if not self.merge:
            return results
        merge = self.merge
        return tuple(r.with_keys(lambda k: renamed.get(k) or merge.get(k, (k,))[0]) for r in results)

    def entity_name(self, key: str, name: str) -> str:
        """The name `kg extract` writes for an entity of a paper: a merged entity's canonical
        label (the paper may write only the alias), else ``name``."""
        target = self.merge.get(key)
        return target[1] if target is not None and target[0] == key else name

    def apply_all(self, extractions: Iterable[Extraction]) -> Iterator[Extraction]:
        if not self:
            yield from extractions
            return
        for ex in extractions:
            yield self.apply(ex)

    def summary(self) -> str:
        """What the curation holds, for `kg build`'s report."""
        parts = []
        if self.config.vocab:
            parts.append(f"vocabulary {', '.join(path_text(p) for p in self.config.vocab)}")
        if self.config.stoplist:
            parts.append(f"stop list {', '.join(path_text(p) for p in self.config.stoplist)} "
                         f"({len(self.stop)} entity key{'s' if len(self.stop) != 1 else ''})")
        if self.config.merge:
            aliases = sum(1 for k, (ck, _, _) in self.merge.items() if k != ck)
            parts.append(f"merges {', '.join(path_text(p) for p in self.config.merge)} "
                         f"({aliases} entity key{'s' if aliases != 1 else ''} merged into another)")
        return "; ".join(parts)


@functools.lru_cache(maxsize=1)
def _cached_key():
    """:func:`kg.extract.normalize.entity_key` with a cache: labels and surface forms repeat
    across papers, and a curated build asks for two keys per mention."""
    from kg.extract.normalize import entity_key

    return functools.lru_cache(maxsize=1 << 17)(entity_key)


def load_curation(config: CurationConfig, extract: ExtractConfig | None = None) -> Curation:
    """Read and resolve the stop lists and merge files of ``config``, with the vocabularies of
    ``extract`` (the packaged ones and ``extract.extra_vocab``) to map names to concepts.

    Raises
    ------
    KgError
        A file cannot be read or has a bad line, or the merges form a cycle (one line naming the
        file and line).
    """
    from kg.extract.vocabulary import check_vocabulary_file

    for p in config.vocab:  # checked now, before any work (the pipeline reads them later)
        check_vocabulary_file(p)
    if not (config.stoplist or config.merge):
        return Curation(config=config)
    from kg.extract.normalize import canonical_surface, entity_key
    from kg.extract.vocabulary import load_vocabulary

    stoplists = [(path, read_stoplist(path)) for path in config.stoplist]  # (a bad line stops here,
    merges = [(path, read_merges(path)) for path in config.merge]  # before the vocabularies load)
    extract = extract or ExtractConfig()
    vocab = load_vocabulary(str(extract.vocab_dir) if extract.vocab_dir else None,
                            tuple(str(p) for p in extract.extra_vocab))

    def keys(name: str) -> set[str]:
        out = {entity_key(name)}
        concept = vocab.lookup(name)
        if concept is not None:
            out.add(concept.key)
        return out - {""}

    stop: set[str] = set()
    for path, names in stoplists:
        for n, name in names:
            k = keys(name)
            if not k:
                raise KgError(f"{name!r} names no entity (no letter or digit)", path_text(path), n)
            stop |= k
    edges: dict[str, tuple[str, Path, int]] = {}  # alias key -> (canonical name, file, line)
    for path, lines in merges:
        for n, alias, canonical in lines:
            ak = keys(alias)
            if not ak or not entity_key(canonical):
                raise KgError("a name with no letter or digit", path_text(path), n)
            concept = vocab.lookup(canonical)
            ckey = concept.key if concept is not None else entity_key(canonical)
            for k in ak - {ckey}:  # (an alias the vocabulary already gives the canonical needs nothing)
                edges[k] = (canonical, Path(path), n)
    merge: dict[str, tuple[str, str, str | None]] = {}
    for key in list(edges):
        seen = [key]
        canonical, path, n = edges[key]
        while True:  # follow a chain to its end
            concept = vocab.lookup(canonical)
            ckey = concept.key if concept is not None else entity_key(canonical)
            if ckey in seen:
                raise KgError(f"merges form a cycle ({' -> '.join(seen + [ckey])})", path_text(path), n)
            if ckey not in edges:
                break
            seen.append(ckey)
            canonical, path, n = edges[ckey]
        if ckey == key:
            continue
        if concept is not None:
            merge[key] = (concept.key, concept.label, concept.type)
        else:
            merge[key] = (ckey, canonical_surface(canonical), None)
        merge.setdefault(ckey, (ckey, merge[key][1], None))  # the canonical's own mentions take its label
    return Curation(frozenset(stop), merge, config)


def keep(config: CurationConfig, folder: Path) -> dict:
    """Copy the curation files into ``folder/curation/`` and describe them for the cache's
    manifest: per kind, each file's path as given, its copy and its content's hash."""
    out: dict = {"fingerprint": fingerprint(config)}
    for kind in KINDS:
        entries = []
        for i, p in enumerate(getattr(config, kind)):
            copy = Path(COPIES) / f"{kind}-{i}{Path(p).suffix}"
            (folder / copy).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(p, folder / copy)
            entries.append({"path": path_text(p), "copy": str(copy), "sha1": content_hash([p])})
        out[kind] = entries
    return out


def recorded(manifest: dict, folder: Path) -> CurationConfig:
    """The curation a previous build recorded in its cache's ``manifest`` (from the copies in
    ``folder``, its cache folder)."""
    cur = manifest.get("curation") or {}
    return CurationConfig(**{k: tuple(folder / e["copy"] for e in cur.get(k, ())) for k in KINDS})
