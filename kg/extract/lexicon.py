"""Part-of-speech word lists read off arXiv abstracts (``ontology/lexicon/``; made by
``ontology/scripts/build_lexicon.py``), and what they tell the rules.

The pipeline has no tagger; these lists tell the rules that a word before a head noun is a verb
("to *boost* detection", "*guide* expression recognition") or an evaluative adjective ("*precise*
segmentation", "leads to *inaccurate* predictions"), not a modifier that names a kind of task or
method ("*object* detection", "*semantic* segmentation").
"""

from __future__ import annotations

from functools import lru_cache

from kg.config import ontology_dir
from kg.extract.tokens import TokenView


def _read(name: str) -> frozenset[str]:
    path = ontology_dir() / "lexicon" / name
    if not path.is_file():
        return frozenset()
    with open(path, encoding="utf-8") as f:
        return frozenset(w for w in (l.strip() for l in f) if w and not w.startswith("#"))


@lru_cache(maxsize=1)
def word_lists() -> tuple[frozenset[str], frozenset[str]]:
    """(verbs, evaluative adjectives), lower case."""
    return _read("verbs.txt"), _read("adjectives.txt")


@lru_cache(maxsize=1)
def method_heads() -> frozenset[str]:
    """Head nouns that make a phrase of plain modifiers a Method ("label *smoothing*", "gradient
    *clipping*"), read off the Papers with Code method table by
    ``ontology/scripts/build_method_heads.py``."""
    return _read("method_heads.txt")


#: Words after which a verb or an adjective comes, not a name: modals and negation.
_VERB_CONTEXT = frozenset("can could may might will would should must cannot not often also".split())
#: Words in "-ly" that are no adverbs ("early detection", "anomaly detection", "we apply").
_NOT_ADVERBS = frozenset("""early daily weekly monthly yearly hourly friendly costly timely elderly family
    anomaly assembly supply monopoly likely unlikely lonely deadly lovely orderly quarterly butterfly
    only italy july poly apply supply reply rely multiply comply imply""".split())


def _unit_end(tk: TokenView, j: int, end: int) -> int:
    """End of the hyphenated compound that starts at token ``j`` ("fine-grained" is one word)."""
    k = j + 1
    while k + 1 < end and tk.text[k] == "-" and not tk.ws[k - 1] and not tk.ws[k]:
        k += 2
    return k


def is_verb_s_form(low: str) -> bool:
    """A third-person verb form of the lists ("guides", "confines", "promotes"), which in a noun
    phrase is the verb of a clause ("ACS guides diffusion sampling")."""
    verbs = word_lists()[0]
    return low.endswith("s") and (low[:-1] in verbs or low.endswith("es") and low[:-2] in verbs)


def predicate_start(tk: TokenView, j: int, end: int) -> int:
    """The start of a noun phrase [j, end) without a first word that reads as a verb or an
    evaluative adjective: a verb of the lists ("boost detection"), any word after a modal or an
    adverb ("can *affect* prediction", "often *hinder* localization", "socially *responsible*"),
    an adjective of the lists after "to" or such a verb ("lead to *inaccurate* predictions",
    "encourage *thorough* retrieval") or right before the head ("*precise* segmentation"; further
    from the head an adjective may name what is meant: "harmful content detection", "farthest
    point sampling"). Returns ``j`` when the first word stays."""
    verbs, adjectives = word_lists()
    after_verb = False
    while j < end - 1:
        k = _unit_end(tk, j, end)
        word = "".join(tk.lower[j:k])
        before = tk.lower[j - 1] if j else ""
        if word in verbs or before in _VERB_CONTEXT \
                or before.endswith("ly") and len(before) > 4 and before not in _NOT_ADVERBS and tk.alpha[j - 1]:
            j, after_verb = k, True  # then its object: "encourage *thorough* retrieval"
        elif word in adjectives and (before == "to" or after_verb or k == end - 1):
            return k
        else:
            break
    return j
