"""The tokenizer every part of extraction shares: spaCy's English rules, with six changes for
the names research papers coin.

* A unit after a number stays on a coined name: spaCy splits "10K" into "10" + "K", and so also
  "RoadSeg10K" into "RoadSeg10" + "K", "ADE20K and" into "ADE20" + "K" + "and". Where the digits
  follow a letter (or a name and its hyphen) the token is a name, and stays whole ("Wikidata5M",
  "Flickr30K", "ImageNet-1K"); an amount ("10K") is split as before.
* A full stop after a digit and a capital is split off ("... on ADE20K." -> "ADE20K" + "."):
  spaCy kept it on the token, so the name was missed at a sentence end and the sentence did not end.
* A pair of parentheses around letters or digits inside a word stays on it ("SE(3)",
  "BigO(Bench)", "ResNet(50)", "f(x)", "O(N^2)"): spaCy split off the closing one, leaving
  "SE(3" + ")". An opening parenthesis is split off (with its partner) after a word of two
  lower-case letters and before a capital ("Models(LLMs)" -> "Models" + "(" + "LLMs" + ")"), so
  that the abbreviation is found, and after a name (two letters or digits) and before a capital
  or digit when nothing in the word closes it ("FiSCo(Fine-grained Semantic Computation)",
  "Qwen2.5-VL(3B and 7B)", "CoT(Chain-of-Thought)"): spaCy kept "Models(LLMs", "FiSCo(Fine" and
  "CoT(Chain" as one token. These read 473 of the 74,728 arXiv abstracts otherwise.
* A closing parenthesis before a word is split off, and a hyphen, full stop or slash after it
  ("(LLM)-based" -> "(" + "LLM" + ")" + "-" + "based", "(SSA).SSA", "(LGA)/gated"), so that the
  abbreviation is found and the word after it stands alone; spaCy kept "LLM)-based" as one
  token (2.2% of arXiv abstracts write one so). A parenthesis opened inside the same token
  stays: "SE(3)-Transformer", "CIFAR-10(0)-LT".
* spaCy's emoticons with a bracket ("):", "8)", ":(") are not kept as tokens: "(DBEAN): Dual-..."
  is "(" + "DBEAN" + ")" + ":" + ..., so that the abbreviation is found (0.8% of arXiv abstracts
  write "): "; none writes an emoticon).
* A vertical bar separates tokens ("MobileNet-V1|ResNet-50|ViT-B/16" lists three models): no name
  contains one. So does an arrow, inside a word or at its edge ("En→De", "45.2→50.1", "A →B",
  as :mod:`kg.markup` reads ``En$\\rightarrow$De``), so that a number on either side is read.

The vocabularies are tokenized with it too, so that a name in a list and in a text split alike.

A new word's lexeme gets only the attributes extraction reads (:data:`LEXEME_ATTRS`): spaCy's
English computes 23 per word (shape, prefix, suffix, norm, ``like_url``, ...), in Python, the
first time it sees the word, and that was a tenth of the rules' time on new text. The others
read as spaCy's defaults for an unset attribute (``token.shape_`` is "", ``token.is_title`` False).
"""

from __future__ import annotations

import re

import spacy
from spacy.attrs import IS_ALPHA, IS_PUNCT, IS_SPACE, IS_STOP, LIKE_NUM, LOWER
from spacy.language import Language
from spacy.util import compile_infix_regex, compile_prefix_regex, compile_suffix_regex

from kg.markup import ARROWS

#: The lexical attributes extraction reads (the flags of :class:`kg.extract.tokens.LexemeTable`,
#: and ``token.lower_`` in the abbreviation finder, the vocabularies and the word clusters):
#: the only ones a new word's lexeme is given.
LEXEME_ATTRS = frozenset({LOWER, IS_ALPHA, IS_STOP, IS_PUNCT, LIKE_NUM, IS_SPACE})

#: Digits right after a letter or a name and its hyphen: the end of a coined name's stem
#: ("RoadSeg10", "ADE20", "ReXGradient-160").
_NAME_DIGITS = re.compile(r"[A-Za-z]-?[0-9]+$")
#: An opening parenthesis between a word (two lower-case letters) and a capital: "Models(LLMs)".
_PAREN_AFTER_WORD = r"(?<=[a-z]{2})\((?=[A-Z])"
_WORD_PAREN = re.compile(_PAREN_AFTER_WORD)
#: What a pair of parentheses that stays inside a word holds: letters, digits and "_^.%'*"
#: ("SE(3)", "O(N^2)", "model(s)"; not "CoT(Chain-of-Thought)"), where no infix splits (not
#: "O(10^6)").
_INSIDE_WORD = re.compile(r"[\w^.%'*]+")
#: An opening parenthesis between a name (two letters or digits) and a capital or digit, with no
#: closing one left in the piece of text (a pair that stays was not split off as a suffix):
#: "FiSCo(Fine-grained ...)", "Qwen2.5-VL(3B and 7B)", "CoT(Chain-of-Thought)".
_PAREN_AFTER_NAME = r"(?<=[A-Za-z0-9]{2})\((?=[A-Z0-9][^)]*$)"
#: A closing parenthesis after a letter or digit and before a word, or before a hyphen, full
#: stop or slash and a word: "(LLM)-based", "(SSA).SSA", "1)We".
_CLOSE_BEFORE_WORD = r"(?<=[A-Za-z0-9])\)(?=[-./]?[A-Za-z])"
#: A hyphen, full stop or slash between a closing parenthesis and a word: "(LLM)-based".
_AFTER_CLOSE = r"(?<=\))[-./](?=[A-Za-z])"
#: A bracket: spaCy's special cases with one are emoticons ("):", "8)").
_BRACKET = re.compile(r"[()\[\]]")
#: A full stop after a digit and a capital: "ADE20K.", "GPT-4V.", "in 3D.".
_CODE_FULL_STOP = re.compile(r"(?<=[0-9][A-Z])\.$")


def _suffix_search(default, infixes):
    """spaCy's suffix search, except for a unit after a coined name's digits, with a full stop
    after a digit and a capital, and without a closing parenthesis whose partner is inside the
    word ("SE(3)"); ``infixes`` is the tokenizer's infix ``finditer``."""

    def search(text: str):
        m = _CODE_FULL_STOP.search(text)
        if m is not None:
            return m
        m = default(text)
        if m is None:
            return None
        if m.group().isalpha() and _NAME_DIGITS.search(text, 0, m.start()):
            return None  # "RoadSeg10K": the "K" is part of the name
        if m.group() == ")":
            i = text.rfind("(", 0, m.start())
            inside = text[i + 1:m.start()]
            if i > 0 and text[i - 1].isalnum() and _INSIDE_WORD.fullmatch(inside) \
                    and not _WORD_PAREN.match(text, i) and next(infixes(inside), None) is None:
                return None  # "SE(3)", "BigO(Bench)": the pair is part of the word ("Models(LLMs)" is not)
        return m

    return search


def _infix_finditer(default):
    """spaCy's infix search, except that a closing parenthesis (and a hyphen, full stop or slash
    after it) is not split off when the same piece of text opened it: "SE(3)-Transformer" and
    "CIFAR-10(0)-LT" stay whole, while "LLM)-based" (its "(" already split off as a prefix) and
    "Network(GAN)-based" (its "(" split here, before a capital) are split."""

    def finditer(text: str):
        matches = list(default(text))
        if ")" not in text:
            return matches
        split_at = {m.start() for m in matches if m.group() == "("}
        out = []
        for m in matches:
            close = m.start() if m.group() == ")" else m.start() - 1 if text[m.start() - 1:m.start()] == ")" else -1
            if close >= 0 and any(ch == "(" and i not in split_at for i, ch in enumerate(text[:close])):
                continue  # "SE(3)-": the parenthesis is inside a name
            out.append(m)
        return out

    return finditer


#: Arrows (those :mod:`kg.markup` reads math as), which the tokenizer splits off wherever they stand
#: ("En→De", "A →B").
_ARROWS = "[" + "".join(sorted(set(ARROWS.values()))) + "]"


def customize(nlp: Language) -> Language:
    """Give ``nlp`` the project's tokenizer rules (see the module docstring); returns ``nlp``."""
    tokenizer = nlp.tokenizer
    infixes = compile_infix_regex([*nlp.Defaults.infixes, r"\|", _ARROWS, _PAREN_AFTER_WORD, _PAREN_AFTER_NAME,
                                   _CLOSE_BEFORE_WORD, _AFTER_CLOSE]).finditer
    tokenizer.prefix_search = compile_prefix_regex([*nlp.Defaults.prefixes, _ARROWS]).search
    tokenizer.suffix_search = _suffix_search(compile_suffix_regex([*nlp.Defaults.suffixes, _ARROWS]).search, infixes)
    tokenizer.rules = {k: v for k, v in tokenizer.rules.items() if not _BRACKET.search(k)}
    tokenizer.infix_finditer = _infix_finditer(infixes)
    nlp.vocab.lex_attr_getters = {k: v for k, v in nlp.vocab.lex_attr_getters.items() if k in LEXEME_ATTRS}
    return nlp


def blank() -> Language:
    """``spacy.blank("en")`` with the project's tokenizer: the base of the extraction pipeline."""
    return customize(spacy.blank("en"))
