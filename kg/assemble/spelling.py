"""One entity per name however papers space it: "GPT-4o" and "GPT4o", "Llama 3" and "LLaMA3",
"MATH-500" and "MATH500", "Stable Diffusion" and "StableDiffusion", "rein- forcement learning"
broken across a line.

An entity key already equates case, plurals, hyphens and spaces
(:func:`kg.extract.normalize.entity_key`), but a name written with neither a hyphen nor a space
where another paper has one gets a key of its own. Within one paper the text decides; across
papers assembly merges the keys that spell the same letters and digits (their
:func:`kg.extract.normalize.spelling`) into one: the key of a vocabulary concept if one of them is, else the key
most papers use, else the one with more spaces (a readable IRI), else the first in sorted
order; two keys that are both vocabulary concepts ("a 3d", A*3D, and "a3d", A3D) are two
things, and no key merges into either. A space between two digits stays ("qwen3 4b" and
"qwen 34b" are two models). The key, and so the entity's IRI, is chosen anew by each build: a
build with more papers may come to prefer another spelling. Curation names every spelling
(:class:`kg.curation.Curation`). In the first 5,000 arXiv abstracts of ``../shared/data/arxiv/``
the packaged recognizer gives 25,778 keys, 149 of them such second spellings of another (in 221
papers): "gpt4o" beside "gpt 4o" (4 and 125 papers), "llama3" beside "llama 3", "sam 2" beside
"sam2".
"""

from __future__ import annotations

from collections.abc import Container, Iterable, Mapping

from kg.extract.normalize import spelling
from kg.model import Evaluation, Extraction

__all__ = ["one_per_spelling", "rekey", "spelling", "spelling_merges"]


def one_per_spelling(keys: Iterable[str]) -> list[str]:
    """The keys of one paper, without those that spell the same as an earlier one: what its
    co-occurrence pairs are counted over, so that a pair counts the paper once when the
    spellings merge."""
    out, seen = [], set()
    for k in keys:
        s = spelling(k)
        if s is not None:
            if s in seen:
                continue
            seen.add(s)
        out.append(k)
    return out


def spelling_merges(papers: Mapping[str, int], vocabulary: Container[str] = ()) -> dict[str, str]:
    """Which keys merge into which.

    Parameters
    ----------
    papers : mapping of str to int
        Each entity key and the number of papers that use it.
    vocabulary : container of str
        The keys that are vocabulary concepts.

    Returns
    -------
    dict of str to str
        Each key that merges into another -> the key it merges into (see the module docstring
        for which one that is); keys that spell like no other are not in it.

    Examples
    --------
    >>> spelling_merges({"gpt 4o": 125, "gpt4o": 4, "gpt 4": 80})
    {'gpt4o': 'gpt 4o'}
    """
    groups: dict[str, list[str]] = {}
    for key in papers:
        s = spelling(key)
        if s is not None:
            groups.setdefault(s, []).append(key)
    out: dict[str, str] = {}
    for keys in groups.values():
        if len(keys) < 2:
            continue
        known = [k for k in keys if k in vocabulary]
        if len(known) > 1:
            continue  # two concepts the vocabularies tell apart ("A*3D" and "A3D"): no telling which
        keep = known[0] if known else min(keys, key=lambda k: (-papers[k], -k.count(" "), k))
        out.update((k, keep) for k in keys if k != keep)
    return out


def rekey(ex: Extraction, merges: Mapping[str, str]) -> Extraction:
    """The extraction with every key that ``merges`` names replaced by the key it merges into:
    in its mentions, its evaluations and its results; the extraction itself when none is."""
    if not merges:
        return ex
    get = merges.get
    mentions = ex.mentions
    if any(m.key in merges for m in mentions):
        mentions = tuple(m._replace(key=merges[m.key]) if m.key in merges else m for m in mentions)
    evaluations = ex.evaluations
    if any(e.dataset in merges or e.metric in merges for e in evaluations):
        evaluations = tuple(dict.fromkeys(Evaluation(get(e.dataset, e.dataset), get(e.metric, e.metric), e.sentence)
                                          for e in evaluations))
    results = ex.results
    if any(r.metric_key in merges or r.dataset_key in merges or r.system_key in merges for r in results):
        results = tuple(r.with_keys(lambda k: get(k, k)) for r in results)
    if mentions is ex.mentions and evaluations is ex.evaluations and results is ex.results:
        return ex
    return Extraction(ex.paper, mentions, ex.sentences, evaluations, results)
