"""Normalization: one concept, one key.

"CNN", "CNNs", "convolutional neural networks" and "Convolutional Neural Network" must end
up as one entity. :func:`entity_key` maps a surface form to a key that is insensitive to
case, regular plurals, hyphen/space variants and Unicode dashes; vocabularies and
abbreviations then map aliases ("CNN") onto their concept's key.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_DASHES = re.compile(r"[\u2010-\u2015\u2212]")
_SPACE_HYPHEN = re.compile(r"\s*-\s*")
_WS = re.compile(r"\s+")
_NON_KEY = re.compile(r"[^a-z0-9+#./ -]+")

#: Words whose plural/singular is not the regular "-s" rule, or that end in "s" singular.
_INVARIANT = frozenset({
    "analysis", "basis", "bias", "corpus", "class", "loss", "process", "mass", "gauss", "gas",
    "focus", "consensus", "status", "virus", "bus", "chaos", "cos", "lens", "axis", "thesis",
    "hypothesis", "synthesis", "diagnosis", "prognosis", "calculus", "genus", "locus", "nexus",
    "series", "species", "news", "physics", "mathematics", "statistics", "dynamics", "kinetics",
    "robotics", "linguistics", "economics", "genomics", "analytics", "semantics", "graphics",
    "ethics", "logistics", "optics", "mechanics", "electronics", "metrics", "kinematics",
    "classics", "gans", "cross", "glass", "less", "plus", "minus", "atlas", "canvas", "yes",
    "this", "its", "us", "is", "was", "has", "does", "as", "always", "across", "various",
    "previous", "numerous", "continuous", "autonomous", "heterogeneous", "homogeneous", "ros",
})
_IRREGULAR = {"indices": "index", "matrices": "matrix", "vertices": "vertex", "data": "data",
              "criteria": "criterion", "phenomena": "phenomenon", "analyses": "analysis",
              "hypotheses": "hypothesis", "bases": "basis", "biases": "bias", "axes": "axis", "corpora": "corpus",
              "children": "child", "people": "person", "mice": "mouse", "geese": "goose"}
_ACRONYM_PLURAL = re.compile(r"^([A-Z][A-Za-z0-9\-]*[A-Z0-9])s$")


@lru_cache(maxsize=1 << 16)
def singularize(word: str) -> str:
    """Singular of an English noun, conservatively (unknown endings are left alone).

    Acronym plurals lose their "s" ("CNNs" -> "CNN", "LLMs" -> "LLM").
    """
    if _ACRONYM_PLURAL.match(word):
        return word[:-1]
    if word[-2:].isupper() and word[-1:] == "S":
        return word  # an acronym ending in S, not a plural: "3DGS", "WildGS", "FPS"
    low = word.lower()
    if low in _IRREGULAR:
        return _match_case(_IRREGULAR[low], word)
    if len(low) <= 3 or low in _INVARIANT or not low.isalpha() and not low[-1:].isalpha():
        return word
    if low.endswith("ies") and len(low) > 4:
        return word[:-3] + ("y" if word[-3:].islower() else "Y")
    if low.endswith(("sses", "shes", "ches", "xes", "zes")):
        return word[:-2]
    if low.endswith(("ss", "us", "is", "ous", "ics")):
        return word
    if low.endswith("s") and not low.endswith("'s"):
        return word[:-1]
    return word


def _match_case(new: str, like: str) -> str:
    return new.upper() if like.isupper() else new.capitalize() if like[:1].isupper() else new


@lru_cache(maxsize=1 << 16)
def canonical_surface(text: str) -> str:
    """Surface form with Unicode normalized, dashes unified and spacing around hyphens removed."""
    t = unicodedata.normalize("NFKC", text)
    t = _DASHES.sub("-", t)
    t = _SPACE_HYPHEN.sub("-", t)
    return _WS.sub(" ", t).strip()


@lru_cache(maxsize=1 << 16)
def singular_phrase(text: str) -> str:
    """The phrase with its last word singularized ("graph neural networks" -> "graph neural network")."""
    t = canonical_surface(text)
    head, sep, last = t.rpartition(" ")
    if "-" in last and not sep:
        head, sep, last = t.rpartition("-")
    return f"{head}{sep}{singularize(last)}"


@lru_cache(maxsize=1 << 16)
def name_label(text: str) -> str:
    """The label of a name as a paper writes it: a phrase of common words in the singular
    ("graph neural networks" -> "graph neural network"), an acronym without its plural "s"
    ("CNNs" -> "CNN"), but a proper name as written ("Least Squares", "Gradient Boosting
    Trees", "TanksAndTemples"): its key (:func:`entity_key`) still folds the plural."""
    t = canonical_surface(text)
    last = t.rpartition(" ")[2]
    if any(ch.isupper() for ch in last[1:] if ch.isalpha()) and not _ACRONYM_PLURAL.match(last) \
            or last[:1].isupper() and not _ACRONYM_PLURAL.match(last) and t[:1].isupper() and " " in t \
            and all(w[:1].isupper() or not w[:1].isalpha() for w in t.split() if len(w) > 3):
        return t
    return singular_phrase(t)


def ascii_letters(text: str) -> str:
    """Letters outside ASCII as the ASCII letters a key can hold: an accent goes ("Fréchet" ->
    "Frechet", "Loève" -> "Loeve"), a Latin letter keeps its base ("Bjøntegaard" ->
    "Bjontegaard"), a Greek letter is its name ("τ-bench" -> "tau-bench", "μKE" -> "muKE");
    anything else stays (and :func:`entity_key` drops it)."""
    if text.isascii():
        return text
    out = []
    for ch in unicodedata.normalize("NFKD", text):
        if ch.isascii() or not ch.isalpha():
            if not unicodedata.combining(ch):
                out.append(ch)
            continue
        parts = unicodedata.name(ch, "").split()  # "LATIN SMALL LETTER O WITH STROKE"
        if len(parts) < 4 or parts[1] not in ("SMALL", "CAPITAL") or parts[2] != "LETTER":
            out.append(ch)
            continue
        small, letter = parts[1] == "SMALL", parts[3]
        if parts[0] == "LATIN" and len(letter) == 1:  # "ø" -> "o"
            out.append(letter.lower() if small else letter)
        elif parts[0] == "GREEK" and len(parts) == 4:  # "τ" -> "tau"
            out.append(letter.lower() if small else letter.capitalize())
        else:
            out.append(ch)
    return "".join(out)


@lru_cache(maxsize=1 << 16)
def entity_key(text: str) -> str:
    """Normalized key of a surface form: lower case, singular, hyphens and spaces equal, in ASCII
    letters (:func:`ascii_letters`: "Fréchet" and "Frechet" are one key, "τ-bench" is not "bench").

    >>> entity_key("Convolutional Neural Networks") == entity_key("convolutional-neural network")
    True
    >>> entity_key("Fréchet Inception Distance"), entity_key("τ-bench")
    ('frechet inception distance', 'tau bench')
    """
    t = ascii_letters(singular_phrase(text)).lower()
    t = t.replace("-", " ")
    t = _NON_KEY.sub(" ", t)
    return _WS.sub(" ", t).strip()


#: Spellings shorter than this merge nothing: "r 2" and "r2", "a 1" and "a1" may name other things.
MIN_SPELLING = 3
#: A space that does not stand between two digits ("qwen3 4b" and "qwen 34b" are two models).
_SPELLING_SPACE = re.compile(r"(?<![0-9]) | (?![0-9])")


def spelling(key: str) -> str | None:
    """What an entity key spells without its spaces ("gpt 4o" -> "gpt4o", "llama 3 8b" ->
    "llama3 8b": a space between two digits stays); None for a spelling too short to tell
    names apart (:data:`MIN_SPELLING`). Keys of one spelling are one entity across papers
    (:mod:`kg.assemble.spelling`).

    >>> spelling("gpt 4o") == spelling("gpt4o"), spelling("r 2")
    (True, None)
    """
    s = _SPELLING_SPACE.sub("", key) if " " in key else key
    return s if len(s) >= MIN_SPELLING else None


def slug(key: str) -> str:
    """URL-safe form of a key for IRIs and file names ([a-z0-9._-])."""
    s = re.sub(r"[^a-z0-9._-]+", "-", key.lower()).strip("-")
    return s or "x"
