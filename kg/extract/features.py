"""Token features for the learned recognizer (:mod:`kg.extract.recognizer`).

Pure functions over plain data: the words of a document (a :class:`~kg.extract.tokens.TokenView`),
the spans the other components found (vocabulary terms, the rule pipeline's mentions,
abbreviation definitions) and a table of word clusters. Each token gets a list of string
features, the input of a linear-chain CRF:

- the word: lower case, shape ("Xx-dd"), prefix and suffixes, capitals, digits, its cluster at
  three granularities (:mod:`kg.train.clusters`);
- its neighbours: words at +-1 and +-2, shapes, clusters and span tags at +-1, the two bigrams;
- span tags: inside or at the edge of a vocabulary term (with its type and source), of a
  mention the rules found (with its type), of an abbreviation's long or short
  form;
- document context: a name-like word ("MoniRefer", "GPT-4o") gets the head nouns that follow
  *any* of its occurrences ("MoniRefer dataset" types every "MoniRefer"), and a short form
  gets its long form's head word ("Graph Neural Networks (GNNs)": every "GNNs" sees
  "networks"), and a name gets the head noun of a description of it, wherever the abstract
  gives one ("DOVE, a dynamic vision encoder": every "DOVE" sees "encoder"; "a benchmark
  called X": every "X" sees "benchmark").

What a word alone gives is computed once per word type and cached (:class:`WordFeatures`);
that and building the lists as few times as possible is what keeps this fast.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Mapping, Sequence
from itertools import compress
from typing import NamedTuple

from kg.extract.heads import DESCRIPTION_DETERMINERS, DESCRIPTION_ENDS, FRONTING_WORDS, HEAD_TYPES, NAMING_CUES
from kg.extract.tokens import TokenView
from kg.markup import ARROWS

#: A span with a tag: (start token, end token exclusive, tag).
TaggedSpan = tuple[int, int, str]

_UPPER = re.compile(r"[A-Z]")
_LOWER = re.compile(r"[a-z]")
_DIGIT = re.compile(r"[0-9]")
_REPEAT = re.compile(r"(.)\1+")


def word_shape(word: str) -> str:
    """The word with capitals as X, small letters as x, digits as d, runs cut to two
    ("ResNet-50" -> "XxxXxx-dd")."""
    s = _DIGIT.sub("d", _LOWER.sub("x", _UPPER.sub("X", word)))
    return _REPEAT.sub(r"\1\1", s)


def is_name_like(word: str) -> bool:
    """A capital first letter, a capital inside, or a digit: how names are written."""
    return word[:1].isupper() or any(ch.isdigit() for ch in word) or any(ch.isupper() for ch in word[1:])


class WordFeatures:
    """Features of a word on its own, computed once per word type.

    Parameters
    ----------
    clusters : mapping of str to tuple of str
        Lower-cased word -> its cluster ids, coarse to fine.
    max_words : int
        Words to remember at most (the table is cleared past it, which bounds its memory).
    """

    def __init__(self, clusters: Mapping[str, Sequence[str]], max_words: int = 200_000):
        self.clusters = clusters
        self.max_words = max_words
        self._cache: dict[str, Word] = {}

    def get(self, word: str) -> Word:
        """What the word gives (a :class:`Word`)."""
        hit = self._cache.get(word)
        if hit is None:
            if len(self._cache) > self.max_words:
                self._cache.clear()
            hit = self._cache[word] = self._compute(word)
        return hit

    def _compute(self, word: str) -> Word:
        low = word.lower()
        shape = word_shape(word)
        f = ["b", "w=" + low, "s=" + shape, "p3=" + low[:3], "x2=" + low[-2:], "x3=" + low[-3:], "x4=" + low[-4:]]
        if word[:1].isupper():
            f.append("cap")
        if any(ch.isupper() for ch in word[1:]):
            f.append("incap")
        if any(ch.isdigit() for ch in word):
            f.append("dig")
        if word.isspace():
            f.append("space")
        levels = self.clusters.get(low, ())
        f.extend(f"c{i}={c}" for i, c in enumerate(levels))
        cluster = levels[-1] if levels else ""
        return Word(f, shape, cluster, is_name_like(word), ("-1w=" + low, "-1s=" + shape, "-1c=" + cluster),
                    ("+1w=" + low, "+1s=" + shape, "+1c=" + cluster), "-2w=" + low, "+2w=" + low)


class Word(NamedTuple):
    """What a word gives, as the token itself and as a neighbour (made once per word type)."""

    features: list[str]  #: its own features
    shape: str
    cluster: str  #: its finest cluster, or ""
    name_like: bool  #: :func:`is_name_like`
    left: tuple[str, str, str]  #: word, shape and cluster as the token before ("-1w=...")
    right: tuple[str, str, str]  #: the same as the token after ("+1w=...")
    left2: str  #: the word two before ("-2w=...")
    right2: str  #: the word two after ("+2w=...")


def mention_spans(tk: TokenView, mentions: Iterable) -> list[TaggedSpan]:
    """Token ranges (start, end, type) of :class:`~kg.model.Mention` s, which give characters."""
    idx = tk.idx
    return [(s, max(bisect_left(idx, m.end), s + 1), m.type)
            for m in mentions if (s := bisect_left(idx, m.start)) < tk.n]


def span_tags(n: int, spans: Iterable[TaggedSpan], prefix: str) -> list[list[str]]:
    """Per token, "PREFIX:B-TAG" / "PREFIX:I-TAG" for each span it is in (and "PREFIX:U" for
    a one-token span)."""
    tags: list[list[str]] = [[] for _ in range(n)]
    for s, e, tag in spans:
        tags[s].append(f"{prefix}:B-{tag}")
        inside = f"{prefix}:I-{tag}"
        for i in range(s + 1, e):
            tags[i].append(inside)
        if e - s == 1:
            tags[s].append(prefix + ":U")
    return tags


def _head_word(low: str) -> str | None:
    """The word, or its singular by a final "s", when it is a head noun of :data:`HEAD_TYPES`."""
    if low in HEAD_TYPES:
        return low
    if low[-1:] == "s" and low[:-1] in HEAD_TYPES:
        return low[:-1]
    return None


def described_as(tk: TokenView, i: int) -> str | None:
    """The head noun of a description that follows the name at token ``i``: "DOVE, a dynamic
    vision encoder that ..." -> "encoder", "MatPredict: a dataset and ..." -> "dataset",
    "X (ABBR), the first benchmark for ..." -> "benchmark", "X is a ...", "X, which is a ...".
    The last head noun of at most eight words after a determiner, before punctuation other than a
    hyphen or a word that ends the phrase (:data:`DESCRIPTION_ENDS`); None when there is no such
    description, or when the comma closes a sentence's introductory phrase ("For MNIST, the
    teacher model achieves ...")."""
    n, text, lower, punct = tk.n, tk.text, tk.lower, tk.punct
    j = i + 1
    if j < n and text[j] == "(":  # "X (ABBR), a ..."
        for k in range(j + 1, min(j + 8, n)):
            if text[k] == ")":
                j = k + 1
                break
    if j >= n or not (text[j] in (",", ":") or lower[j] == "is"):
        return None
    if text[j] == "," and _in_fronted_phrase(tk, i):
        return None
    j += 1
    if j + 1 < n and lower[j] in ("which", "that") and lower[j + 1] in ("is", "are"):
        j += 2
    if j >= n or lower[j] not in DESCRIPTION_DETERMINERS:
        return None
    head = None
    for k in range(j + 1, min(j + 9, n)):
        if (punct[k] and text[k] != "-") or lower[k] in DESCRIPTION_ENDS:
            break
        head = _head_word(lower[k]) or head
    return head


def _in_fronted_phrase(tk: TokenView, i: int) -> bool:
    """Whether token ``i`` is in a sentence's introductory phrase ("For MNIST, ...": the sentence
    opens with a word of :data:`FRONTING_WORDS` and has no comma before ``i``)."""
    bounds = tk.sentence_bounds()
    s = bounds[bisect_right(bounds, (i, tk.n)) - 1][0]
    return s < i and tk.lower[s] in FRONTING_WORDS and "," not in tk.text[s:i]


def named_as(tk: TokenView, i: int) -> str | None:
    """The head noun that a name at token ``i`` is given to: "a framework called X", "a new
    benchmark, X", "our model: X" -> "framework", "benchmark", "model" (the nearest of the three
    words before "called", "named", ... (:data:`NAMING_CUES`), a comma or a colon)."""
    text, lower, punct = tk.text, tk.lower, tk.punct
    if i < 2 or not (lower[i - 1] in NAMING_CUES or text[i - 1] in (",", ":")):
        return None
    for k in range(i - 2, max(i - 5, -1), -1):
        if punct[k] and text[k] != "-":
            return None
        head = _head_word(lower[k])
        if head:
            return head
    return None


def document_context(tk: TokenView, abbreviations: Iterable[tuple[tuple[int, int], tuple[int, int]]],
                     clusters: Mapping[str, Sequence[str]], name_like: Sequence[bool] | None = None) -> list[list[str]]:
    """Per token, what the whole document says of its word (see the module docstring);
    ``name_like``: :func:`is_name_like` of each token, when the caller has it."""
    n = tk.n
    text, lower, punct = tk.text, tk.lower, tk.punct
    if name_like is None:
        name_like = [is_name_like(w) for w in text]
    ctx: dict[str, set[str]] = {}
    for i in compress(range(n), name_like):
        w = text[i]
        c = ctx.setdefault(w, set())
        for j in range(i + 1, min(i + 5, n)):  # the first head noun within four words
            if lower[j] in HEAD_TYPES:
                c.add("dR=" + lower[j])
                break
            if punct[j] and text[j] not in "-,":
                break
        if i:
            c.add("dL=" + lower[i - 1])
        if not punct[i]:
            head = described_as(tk, i)
            if head:
                c.update(("dA=" + head, "dAt=" + HEAD_TYPES[head]))
            head = named_as(tk, i)
            if head:
                c.update(("dB=" + head, "dBt=" + HEAD_TYPES[head]))
    out: list[list[str]] = [[] for _ in range(n)]
    for i in compress(range(n), name_like):
        c = ctx.get(text[i])
        if c:
            out[i].extend(sorted(c))  # sorted: a set's order changes with the process's hash seed
    for (_ls, le), (ss, se) in abbreviations:
        head = lower[le - 1]
        cues = ["abh=" + head]
        if head in HEAD_TYPES:
            cues.append("abt=" + HEAD_TYPES[head])
        levels = clusters.get(head)
        if levels:
            cues.append("abc=" + levels[-1])
        short = "".join(t + " " if w else t for t, w in zip(text[ss:se], tk.ws[ss:se])).strip()
        for i in range(n):
            if text[i] == short or text[i] == short + "s":
                out[i].extend(cues)
    return out


def token_features(tk: TokenView, words: WordFeatures, title_end: int,
                   vocabulary: Sequence[tuple[int, int, str, str]],
                   mentions: Sequence[TaggedSpan],
                   abbreviations: Sequence[tuple[tuple[int, int], tuple[int, int]]]) -> list[list[str]]:
    """The feature lists of a document's tokens.

    Parameters
    ----------
    tk : TokenView
        The document's tokens.
    words : WordFeatures
        Per-word features (and the cluster table).
    title_end : int
        Index of the first token after the title (0 when there is none).
    vocabulary : sequence of (start, end, type, source)
        Vocabulary terms found in the text (nested ones included).
    mentions : sequence of (start, end, type)
        The mentions the rule pipeline chose.
    abbreviations : sequence of ((start, end), (start, end))
        Token ranges of each abbreviation's long form and short form.
    """
    n = tk.n
    tags = span_tags(n, ((s, e, t) for s, e, t, _ in vocabulary), "voc")
    for i, extra in enumerate(span_tags(n, ((s, e, src) for s, e, _, src in vocabulary), "vsrc")):
        tags[i].extend(extra)
    for i, extra in enumerate(span_tags(n, mentions, "base")):
        tags[i].extend(extra)
    ab = [(s, e, "long") for (s, e), _ in abbreviations] + [(s, e, "short") for _, (s, e) in abbreviations]
    for i, extra in enumerate(span_tags(n, ab, "ab")):
        tags[i].extend(extra)
    shorts = {tk.span_text(s, e) for _, (s, e) in abbreviations}
    text, lower = tk.text, tk.lower
    if shorts:
        for i in range(n):
            w = text[i]
            if w in shorts or (w[-1:] == "s" and w[:-1] in shorts):
                tags[i].append("abuse")
    # the neighbours see the type tags (not the sources)
    near = [[t for t in ts if not t.startswith("vsrc")] if ts else ts for ts in tags]
    near_l = [["-1" + t for t in ts] if ts else ts for ts in near]
    near_r = [["+1" + t for t in ts] if ts else ts for ts in near]
    info = [words.get(w) for w in text]
    docf = document_context(tk, abbreviations, words.clusters, [x.name_like for x in info])
    starts = tk.sent_start or [False] * n
    out = []
    last = n - 1
    for i in range(n):
        f = info[i].features + tags[i] + docf[i]
        if i < title_end:
            f.append("title")
        if starts[i]:
            f.append("sstart")
        if i:
            f += info[i - 1].left
            f.append("bg-=" + lower[i - 1] + "|" + lower[i])
            f += near_l[i - 1]
            f.append(info[i - 2].left2 if i > 1 else "-2w=<s>")
        else:
            f += ("-1w=<s>", "-2w=<s>")
        if i < last:
            f += info[i + 1].right
            f.append("bg+=" + lower[i] + "|" + lower[i + 1])
            f += near_r[i + 1]
            f.append(info[i + 2].right2 if i + 1 < last else "+2w=</s>")
        else:
            f += ("+1w=</s>", "+2w=</s>")
        out.append(f)
    return out


# -- the second pass ---------------------------------------------------------------------------

def second_pass_features(features: Sequence[list[str]], lower: Sequence[str], labels: Sequence[str],
                         confidences: Sequence[float]) -> list[list[str]]:
    """The features of a second CRF that reads what a first one tagged (stacking, after
    Krishnan and Manning, 2006): each token keeps its own features and gets

    - its first-pass label and type and its neighbours' labels ("p1=B-Method", "p1t=Method",
      "p1-1=O", "p1+1=L-Method");
    - the confidence of the first-pass span it is in, in fifths, alone and with the type
      ("p1c=3", "p1c=3|Method");
    - what the first pass did elsewhere in the document: the types it gave other occurrences of
      the same word ("dt=Task", "dt=O"), and whether the token starts a sequence of words that
      the first pass tagged at a place other than this one ("dsB=Method|2", the length capped at
      4), is inside it after its first word ("dsI=Method") or ends it ("dsL=Method"); the types
      are those of every place the words were tagged, this one included.

    Parameters
    ----------
    features : sequence of list of str
        The first pass's features (:func:`token_features`) of each token.
    lower : sequence of str
        The lower-cased words.
    labels : sequence of str
        The first pass's BILOU labels.
    confidences : sequence of float
        The confidence of each span of ``labels`` (:func:`spans_of` order).

    Returns
    -------
    list of list of str
        Per token, its features and the second pass's (new lists; ``features`` is not changed).

    Raises
    ------
    ValueError
        When the lengths do not agree.
    """
    n = len(labels)
    if len(features) != n or len(lower) != n:
        raise ValueError(f"{len(features)} feature lists and {len(lower)} words for {n} labels")
    types = [lab[2:] if lab != "O" else "O" for lab in labels]
    spans = spans_of(labels)
    if len(confidences) != len(spans):
        raise ValueError(f"{len(confidences)} confidences for {len(spans)} spans")
    span_conf: list[str | None] = [None] * n
    for (s, e, _t), c in zip(spans, confidences):
        for i in range(s, e):
            span_conf[i] = f"p1c={min(int(c * 5), 4)}"
    # the types of each word's occurrences, counted
    counts: dict[str, dict[str, int]] = {}
    for w, t in zip(lower, types):
        c = counts.setdefault(w, {})
        c[t] = c.get(t, 0) + 1
    others: dict[tuple[str, str], list[str]] = {}
    # the tagged word sequences, by first word: (words, places and types)
    tagged: dict[tuple[str, ...], set[tuple[int, str]]] = {}
    for s, e, t in spans:
        tagged.setdefault(tuple(lower[s:e]), set()).add((s, t))
    by_first: dict[str, list[tuple[tuple[str, ...], set[tuple[int, str]]]]] = {}
    for words, hits in tagged.items():
        by_first.setdefault(words[0], []).append((words, hits))
    elsewhere: list[set[str]] = [set() for _ in range(n)]
    for i in range(n):
        for words, hits in by_first.get(lower[i], ()):
            length = len(words)
            if i + length > n or all(s == i for s, _ in hits) or tuple(lower[i:i + length]) != words:
                continue
            for _, t in hits:
                elsewhere[i].add(f"dsB={t}|{min(length, 4)}")
                for j in range(i + 1, i + length):
                    elsewhere[j].add("dsI=" + t)
                elsewhere[i + length - 1].add("dsL=" + t)
    # the strings each label and confidence give, made once per document
    own = {lab: ("p1=" + lab, "p1t=" + t) for lab, t in zip(labels, types)}
    before = {lab: "p1-1=" + lab for lab in own}
    after = {lab: "p1+1=" + lab for lab in own}
    before[None], after[None] = "p1-1=<s>", "p1+1=</s>"
    conf_pairs: dict[tuple[str, str], tuple[str, str]] = {}
    out = []
    for i in range(n):
        lab, t, w = labels[i], types[i], lower[i]
        extra = [*own[lab], before[labels[i - 1] if i else None], after[labels[i + 1] if i + 1 < n else None]]
        c = span_conf[i]
        if c is not None:
            pair = conf_pairs.get((c, t))
            if pair is None:
                pair = conf_pairs[c, t] = (c, c + "|" + t)
            extra += pair
        dt = others.get((w, t))
        if dt is None:
            dt = others[w, t] = sorted("dt=" + u for u, k in counts[w].items() if k > (u == t))
        extra += dt
        if elsewhere[i]:
            extra += sorted(elsewhere[i])
        out.append(features[i] + extra)
    return out


# -- proposed or used --------------------------------------------------------------------------

def entity_features(tk: TokenView, title_end: int, title_span: tuple[int, int] | None,
                    spans: Sequence[tuple[int, int]], typ: str, in_vocabulary: bool) -> list[str]:
    """Features of one entity of a paper, for the classifier of its ``proposed`` flag: its
    type, whether a vocabulary knows it, whether the title leads with it, how often and where
    it is mentioned, the words before each mention (in its sentence) and after it, whether the
    rule of :func:`kg.extract.proposed.is_proposal` holds, its head word and how it is written.

    Parameters
    ----------
    tk : TokenView
        The document's tokens (sentence starts set).
    title_end : int
        Index of the first token after the title.
    title_span : (int, int) or None
        The name the title leads with ("UDC: A Unified ..."), if any.
    spans : sequence of (start, end)
        The token ranges of the entity's mentions, in text order.
    typ : str
        The entity's type.
    in_vocabulary : bool
        Whether a vocabulary knows the entity.
    """
    from kg.extract.proposed import is_proposal

    lower, text = tk.lower, tk.text
    starts = [s for s, _ in tk.sentence_bounds()]
    f = ["b", "t=" + typ, f"inv={in_vocabulary}", f"n={min(len(spans), 4)}"]
    if any(s < title_end for s, _ in spans):
        f.append("intitle")
    if title_span is not None and tuple(title_span) in {tuple(x) for x in spans}:
        f.append("titlename")
    for s, e in spans:
        si = bisect_left(starts, s + 1) - 1
        if is_proposal(lower, starts[si], s):
            f.append("isprop")
        f.extend("b=" + w for w in lower[max(starts[si], s - 3):s])
        f.append(f"sent={min(si, 5)}")
        f.append("after=" + (lower[e] if e < tk.n else "</s>"))
    s0, e0 = spans[0]
    f += ["h=" + lower[e0 - 1], "shape=" + word_shape(text[s0])[:6], f"len={min(e0 - s0, 5)}"]
    if any(ch.isupper() for ch in text[s0][1:]):
        f.append("camel")
    return list(dict.fromkeys(f))


# -- labels -----------------------------------------------------------------------------------

def bilou(n: int, spans: Iterable[TaggedSpan]) -> list[str]:
    """BILOU labels of ``n`` tokens from non-overlapping typed spans ("U-Task", "B-Method", ...)."""
    y = ["O"] * n
    for s, e, t in spans:
        if e - s == 1:
            y[s] = "U-" + t
        else:
            y[s] = "B-" + t
            for i in range(s + 1, e - 1):
                y[i] = "I-" + t
            y[e - 1] = "L-" + t
    return y


#: Tokens no name contains: a tagged span that runs over one is the names on either side of it
#: ("MobileNet-V1|ResNet-50|ViT-B/16" lists three models; "Search → Extract → Assess" is steps,
#: "SFT→GRPO" two methods in turn, "En→De" a direction: no annotated name holds an arrow).
SEPARATORS = frozenset({"|", ";", *ARROWS.values()})

#: Closing brackets and the opening ones they pair with. A tagged span that holds a bracket
#: without its partner ran over the edge of a parenthesis ("Open-Vocabulary Detection (3D OVD",
#: "DBEAN): Dual-Directional Context-Aware Representation Learning"), and no name does: the
#: names are its parts.
BRACKETS = {")": "(", "]": "["}


def _has_alnum(word: str) -> bool:
    return any(ch.isalnum() for ch in word)


def split_at_separators(text: Sequence[str], start: int, end: int) -> list[tuple[int, int]]:
    """The parts of the token range [start, end) between :data:`SEPARATORS` and the
    :data:`BRACKETS` that have no partner inside the range, without the punctuation at their
    edges (none empty). Brackets pair across tokens ("P(i" + "," + "j" + ")"); one without a partner cuts
    only where its token is all punctuation. A range with nothing to cut is returned whole."""
    cuts, opened = [], []
    for i in range(start, end):
        w = text[i]
        if w in SEPARATORS:
            cuts.append(i)
            continue
        for ch in w:
            if ch == "(" or ch == "[":
                opened.append((i, ch))
            elif ch in BRACKETS:
                if opened and opened[-1][1] == BRACKETS[ch]:
                    opened.pop()
                else:
                    cuts.append(i)
    cuts.extend(i for i, _ in opened)
    cuts = sorted({i for i in cuts if not _has_alnum(text[i])})  # (a separator has none)
    if not cuts:
        return [(start, end)]
    parts, s = [], start
    for i in [*cuts, end]:
        e = i
        while s < e and not _has_alnum(text[s]):
            s += 1  # ": Dual-Directional ..." after "(DBEAN)"
        while e > s and not _has_alnum(text[e - 1]):
            e -= 1
        if e > s:
            parts.append((s, e))
        s = i + 1
    return parts


def spans_of(labels: Sequence[str]) -> list[TaggedSpan]:
    """Typed spans from BILOU (or BIO) labels; an ill-formed sequence ("O I-Task") still
    gives a span where its labels run."""
    spans: list[TaggedSpan] = []
    start, typ = -1, ""
    for i, lab in enumerate(labels):
        kind, t = lab[:1], lab[2:]
        if kind == "O":
            if start >= 0:
                spans.append((start, i, typ))
            start = -1
            continue
        if kind in "BU" or start < 0 or t != typ:
            if start >= 0:
                spans.append((start, i, typ))
            start, typ = i, t
        if kind in "LU":
            spans.append((start, i + 1, typ))
            start = -1
    if start >= 0:
        spans.append((start, len(labels), typ))
    return spans
