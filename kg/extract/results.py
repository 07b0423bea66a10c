"""Results: the numbers an abstract reports as measured outcomes ("achieves 85.1% top-1 accuracy on
ImageNet", "reduces latency by 40%"), each tied to a named metric, with its dataset and system.

What counts as a result follows ``../shared/gold/results/RESULTS-GUIDELINES.md``. The algorithm,
per sentence (:func:`find_results`, a pure function over the text, its sentence spans and the
entity mentions the pipeline found):

1. **Values** (:func:`kg.extract.values.find_values`): numbers with their unit, ranges and "±";
   not the numbers of a ratio written with a colon ("a 58:42 class ratio").
2. **Guards**: a number inside an entity name ("ResNet-50", "GPT-4", "mAP@0.5"), a year, a size
   ("7B", "10k"), a setting or count ("100 epochs", "3 datasets", "4-bit", "top-5", "p < 0.05"),
   a share of the data ("10% of the labels") is no result. A whole number without a unit must
   sit right next to its metric ("an F1 of 91").
3. **Metric**: the metric phrases of the sentence are the Metric mentions and the phrases that end
   in a metric head word (``ontology/results/lexicon.json``), each widened to the modifiers
   before it ("image-level AUROC", "average geodesic errors"). A value takes the phrase right after
   it ("85.1% top-1 accuracy", "3.2% higher accuracy"), else the nearest one before it ("accuracy
   of 85.1%", "accuracy from 61% to 75%", "F1, precision and recall of ..." in order); a value
   with no metric in its sentence takes the previous sentence's metric when that sentence names
   exactly one. A value with no metric is no result.
4. **Kind**: ``delta`` after "by", "improves", "outperforms", ..., before "improvement", "higher",
   "fewer", ..., with a "+" sign, a "x" unit or a speedup metric; else ``absolute``.
5. **Dataset**: a Dataset mention of the sentence (the one after "on"/"in" nearest the value, or
   in order with "respectively"), else none.
6. **System**: the first Method or Architecture named in the sentence before the value and not a
   baseline ("than X", "over X"), else the paper's own proposed method when the sentence says
   "our"/"we"; proposed when the system is the paper's own.

:class:`ResultFinder` is the spaCy component (``kg_results``) that writes ``doc._.kg_results``.
"""

from __future__ import annotations

import json
import re
from bisect import bisect_right
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

from spacy.language import Language
from spacy.tokens import Doc

from kg.config import ontology_dir
from spacy.lang.en.stop_words import STOP_WORDS

from kg.extract.batches import pipe_batches
from kg.extract.lexicon import is_verb_s_form, word_lists
from kg.extract.normalize import entity_key
from kg.extract.tokens import tokens
from kg.extract.values import find_values, parse_value
from kg.model import Mention, Result

if not Doc.has_extension("kg_results"):
    Doc.set_extension("kg_results", default=None)


@dataclass(frozen=True)
class ResultsLexicon:
    """The word lists of ``ontology/results/lexicon.json`` (see that folder's README)."""

    metric_heads: frozenset[str]
    acronym_heads: frozenset[str]
    phrase_stop: frozenset[str]
    delta_before: frozenset[str]
    delta_after: frozenset[str]
    delta_metrics: frozenset[str]
    absolute_before: frozenset[str]
    approximators: frozenset[str]
    cost_metrics: frozenset[str]
    size_suffixes: frozenset[str]
    not_result_before: frozenset[str]
    not_result_after: frozenset[str]
    share_nouns: frozenset[str]
    system_not_before: frozenset[str]
    keep_modifiers: frozenset[str]
    not_metrics: frozenset[str]


@lru_cache(maxsize=4)
def load_lexicon(path: str | None = None) -> ResultsLexicon:
    """Read the lexicon (default ``ontology/results/lexicon.json``).

    Raises
    ------
    ValueError
        The file is not a JSON object with the lists the extractor reads (names the file).
    """
    p = path or str(ontology_dir() / "results" / "lexicon.json")
    try:
        with open(p, encoding="utf-8") as f:
            data = json.load(f)
        lists = {k: frozenset(v) for k, v in data.items() if not k.startswith("_")}
        heads = lists["metric_heads"]
        # heads written in lower case match in any case; the others ("mAP", "AP") exactly
        acr = lists["acronym_heads_case_sensitive"] | {h for h in heads if h != h.lower()}
        return ResultsLexicon(
            metric_heads=frozenset(w.lower() for w in heads - acr), acronym_heads=acr,
            phrase_stop=lists["phrase_stop"], delta_before=lists["delta_before"], delta_after=lists["delta_after"],
            delta_metrics=lists["delta_metrics"], absolute_before=lists["absolute_before"],
            approximators=lists["approximators"],
            cost_metrics=lists["cost_metrics"], size_suffixes=lists["size_suffixes"],
            not_result_before=lists["not_result_before"], not_result_after=lists["not_result_after"],
            share_nouns=lists["share_nouns"], system_not_before=lists["system_not_before"],
            keep_modifiers=lists["keep_modifiers"], not_metrics=frozenset(entity_key(w) for w in lists["not_metrics"]))
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as e:
        raise ValueError(f"{p}: not a results lexicon ({type(e).__name__}: {e})") from None


# -- words around a position ---------------------------------------------------------------------

_WORD_RE = re.compile(r"[A-Za-z0-9][\w\-@'/.]*[\w%]|[A-Za-z0-9]|[^\sA-Za-z0-9]")
_CLAUSE_BREAK = frozenset({";", ".", "while", "whereas", "but", "although", "however"})


def _words_before(s: str, i: int, n: int) -> list[str]:
    """The last ``n`` words before character ``i`` of ``s``, lower case, nearest last."""
    return [w.lower() for w in _WORD_RE.findall(s[max(0, i - 12 * n):i])][-n:]


def _words_after(s: str, i: int, n: int) -> list[str]:
    return [w.lower() for w in _WORD_RE.findall(s[i:i + 12 * n])][:n]


def _word_count(s: str) -> int:
    return len(_WORD_RE.findall(s))


# -- metric phrases ------------------------------------------------------------------------------

#: A word as metric heads are written ("F1", "f1-score", "mAP@0.5", "top-1"); no trailing period.
_WORD_TOKEN_RE = re.compile(r"(?<![\w\-@])[A-Za-z0-9][\w\-@.]*\w|(?<![\w\-@])[A-Za-z]")
_MOD_RE = re.compile(r"(?<![\w.\-])([A-Za-z][\w\-@/]*)\s+$")


@dataclass
class _Phrase:
    start: int  #: character offsets in the sentence
    end: int
    text: str
    key: str
    is_cost: bool = False


def _is_modifier(w: str, lex: ResultsLexicon) -> bool:
    """Whether a word before a metric head can be part of the metric's name."""
    low = w.lower()
    if low in lex.keep_modifiers:
        return True
    if low in lex.phrase_stop or low in STOP_WORDS or low.endswith("ly") or len(w) < 2 and not w.isupper():
        return False
    if low in word_lists()[0] or is_verb_s_form(low) or low.endswith(("ing", "ed")) and "-" not in low:
        return False
    return True


def _widen(s: str, start: int, lex: ResultsLexicon, names: list[tuple[int, int]], max_words: int = 3) -> int:
    """Move a phrase's start left over modifier words ("image-level", "zero-shot robust"), never
    into another entity's name ("ImageNet-1k accuracy" is accuracy)."""
    for _ in range(max_words):
        m = _MOD_RE.search(s, max(0, start - 40), start)
        if not m or m.end() != start:
            break
        w = m.group(1)
        if not _is_modifier(w, lex) or any(x <= m.start() < y for x, y in names):
            break
        start = m.start()
    return start


def _metric_phrases(s: str, metrics: list[tuple[int, int, str]], lex: ResultsLexicon,
                    names: list[tuple[int, int]] = ()) -> list[_Phrase]:
    """Metric phrases of a sentence: Metric mentions and metric-head phrases, widened, longest kept."""
    spans: list[tuple[int, int, str | None]] = [(a, b, k) for a, b, k in metrics]
    exact = {(a, b): k for a, b, k in metrics}
    heads, acronyms = lex.metric_heads, lex.acronym_heads
    for m in _WORD_TOKEN_RE.finditer(s):  # a set lookup per word: far faster than one big regex
        w = m.group()
        if w.lower() not in heads and w not in acronyms:
            continue
        a, b = m.span()
        # a head followed by "score"/"rate" belongs to the longer phrase ("F1 score", "success rate")
        spans.append((a, b, None))
    out: list[_Phrase] = []
    for a, b, key in sorted(spans, key=lambda x: (x[0], -x[1])):
        if any(x <= a < y for x, y in names):
            continue  # a head word inside another entity's name
        a = _widen(s, a, lex, names)
        if out and a < out[-1].end:  # overlapping: join into one phrase
            last = out[-1]
            last.start, last.end = min(last.start, a), max(last.end, b)
            last.key = key or last.key
            last.text = s[last.start:last.end]
            continue
        out.append(_Phrase(a, b, s[a:b], key or ""))
    for p in out:
        # trim leading stop words a mention may start with ("the accuracy")
        words = p.text.split()
        while len(words) > 1 and words[0].lower() in _DETERMINERS:
            p.start += len(words[0]) + (len(p.text) - len(p.text.lstrip()))
            words = words[1:]
            p.text = s[p.start:p.end].lstrip()
        # the key of the Metric mention the phrase is exactly, else of the phrase ("image-level AUROC"
        # is not AUROC)
        p.key = exact.get((p.start, p.end)) or entity_key(p.text)
        p.is_cost = p.text.lower().split()[-1] in lex.cost_metrics
    return [p for p in out if p.text and p.text.lower() not in lex.phrase_stop and p.key not in lex.not_metrics]


_DETERMINERS = frozenset("a an the our its their this that these those".split())


# -- the extractor -------------------------------------------------------------------------------

#: Units that name their metric (the key is that of the vocabulary's concept).
_METRIC_UNITS = {"FPS": "frames per second", "fps": "frames per second"}
_DIGIT_RE = re.compile(r"\d")
#: The first digit of a run of digits (a search from a sentence's start sees the character before it).
_RUN_START_RE = re.compile(r"(?<!\d)\d")
_OWN_RE = re.compile(r"\b(?:our|we|proposed)\b", re.I)
_NEXT_WORD_RE = re.compile(r"\s*([A-Za-z][\w\-]*)")
_ON_BEFORE_RE = re.compile(r"\b(?:on|in|for|of|across|over)\s+(?:the\s+)?(?:\S+\s+)?$")
_SPREAD_BEFORE_RE = re.compile(r"(?:±|\\pm|\+/-)[\s$]*$")
_SHORT_FORM_RE = re.compile(r"\s*\(([A-Z][\w\-]{1,15})\)")
_YEAR_RE = re.compile(r"^(?:19|20)\d\d$")
_CONNECT_RE = re.compile(r"^[\s,:=(]*(?:(?:of|is|was|by|to|from|at|reaches|reaching|reached|achieves|achieving|achieved|"
                         r"obtains|attains|improved|improves|increased|decreased|reduced|drops|dropped|rose|rises|"
                         r"up|over|around|about|approximately|nearly|roughly|above|below|exceeding|only|of|an?|the|"
                         r"average|mean|score|scores|rate|value|values|as|high|low|as high as|as low as|"
                         r"respectively|and|with|improvement|gain|reduction|increase|decrease|jumps|went|"
                         r"\d\S*|,|:|=|\(|\)|~|≈|>|<|≥|≤)\s*)*$", re.I)
_AFTER_RE = re.compile(r"^[\s(]*(?:(?:absolute|relative|higher|lower|better|worse|more|less|fewer|faster|slower|"
                       r"improvement|improvements|gain|gains|increase|reduction|decrease|boost|drop|in|of|on|"
                       r"average|mean|overall|points?|pp|an?|the)\s*)*$", re.I)


def _guarded(s: str, a: int, b: int, value_text: str, lex: ResultsLexicon) -> bool:
    """Whether the value at [a, b) of sentence ``s`` is a size, setting, count, year or part of a name."""
    before = s[max(0, a - 3):a]
    after = s[b:b + 3]
    if before.endswith(("@", "top-", "Top-", "#", "v", "V", "^", "_", "/", "×", "x ")):
        return True
    if after[:1].isalpha() and after[:1] in lex.size_suffixes and not after[1:2].isalpha():
        return True  # 7B, 10k, 1.5M
    if after[:1] == "-" and after[1:2].isalpha() and not s[b:b + 6].startswith(("-fold", "-point")):
        return True  # 4-bit, 5-shot, 3-layer
    if after[:1] in ("/",) or after[:1].isalpha() and not value_text[-1:].isalpha():
        return True  # 1/3, 3rd, 10th
    v = parse_value(value_text)
    if v is None:
        return True
    if _SPREAD_BEFORE_RE.search(s, max(0, a - 12), a):
        return True  # the spread of the value before it: "62.53% ($\pm$ 1.59)"
    wb = _words_before(s, a, 2)
    if wb and (wb[-1] in lex.not_result_before or wb[-1] in ("<", ">", "≤", "≥") and len(wb) > 1 and len(wb[-2]) <= 2):
        return True
    if len(wb) == 2 and wb[-2] in ("p", "p-value", "α", "alpha") and wb[-1] in ("=", "<", ">", "of"):
        return True
    if not v.unit:
        if not v.decimal and len(v.numbers) == 1 and _YEAR_RE.match(str(int(abs(v.numbers[0])))):
            return True
        nxt = _words_after(s, b, 1)
        if nxt and nxt[0] in lex.not_result_after:
            return True
    elif v.unit in ("%", "pp"):
        nxt = _words_after(s, b, 3)
        if nxt[:1] == ["of"] and len(nxt) > 1 and nxt[1] in lex.share_nouns:
            return True  # 10% of the labels
        if nxt[:1] and nxt[0] in ("confidence", "ci", "credible", "percentile", "quantile", "of") and nxt[0] != "of":
            return True
    return False


def _kind(s: str, a: int, b: int, v, metric: _Phrase | None, lex: ResultsLexicon) -> str | None:
    """"absolute" or "delta" when the words around the value say which; None when they do not."""
    if v.unit == "x" or v.sign == "+" or v.unit in ("pp", "points"):
        return "delta"
    if metric is not None and metric.text.lower().split()[-1] in lex.delta_metrics:
        return "delta"
    # a change word right after the value, or right after its metric ("3.5% mAP gains", "2x fewer parameters")
    end = metric.end if metric is not None and metric.start >= b and metric.start - b < 30 else b
    for w in (_words_after(s, b, 1) + (_words_after(s, end, 1) if end != b else []))[:2]:
        if w in lex.delta_after and w not in ("of", "over", "above", "below", "compared"):
            return "delta"
    wb = _words_before(s, a, 6)[::-1]  # nearest first
    i = 0
    while i < len(wb) and (wb[i] in lex.approximators or wb[i] == "to" and i + 1 < len(wb) and wb[i + 1] == "up"
                           or wb[i] == "at" and i > 0 and wb[i - 1] in ("least", "most")):
        i += 1 + (wb[i] == "to")
    if i < len(wb):
        w = wb[i]
        if w == "by" or w in lex.delta_before:
            return "delta"
        if w == "of" and i + 1 < len(wb) and (wb[i + 1] in lex.delta_before or wb[i + 1] in lex.delta_after):
            return "delta"  # "an improvement of 3%", "a margin of"
        if w in lex.absolute_before:
            return "absolute"
    if _SHARE_OF_RE.match(s, b):
        return "delta"  # "97% of GPT-4's accuracy", "95% of the baseline's"
    for w in _words_after(s, b, 3) if end == b else _words_after(s, end, 2):
        if w in lex.delta_after and w != "of":
            if w in ("over", "above", "below") and metric is None:
                continue
            return "delta"
        if w not in ("in", "the", "a", "an", "absolute", "relative", "average", "mean", "pp", "points", "point"):
            break
    return None


_SHARE_OF_RE = re.compile(r"\s*of\s+(?:[\w\-.]+'s?\s|(?:the\s+)?(?:baseline|full|original|teacher|oracle|human)\b)")

def _nearest(items: Sequence, pos: int, key) -> int | None:
    best, dist = None, None
    for i, it in enumerate(items):
        d = abs(key(it) - pos)
        if dist is None or d < dist:
            best, dist = i, d
    return best


def find_results(text: str, sentence_spans: Sequence[tuple[int, int]], mentions: Iterable[Mention],
                 lexicon: ResultsLexicon | None = None) -> tuple[Result, ...]:
    """The results a paper's text reports.

    Parameters
    ----------
    text : str
        The paper text the mentions index into (title, blank line, abstract).
    sentence_spans : sequence of (int, int)
        Character spans of the sentences, in order.
    mentions : iterable of Mention
        The entity mentions found in the text.
    lexicon : ResultsLexicon, optional
        Word lists (default: ``ontology/results/lexicon.json``).

    Returns
    -------
    tuple of Result
        In text order; ``Result.sentence`` indexes ``sentence_spans``.
    """
    lex = lexicon or load_lexicon()
    starts = [a for a, _ in sentence_spans]
    # only sentences where a run of digits starts can report a result (between one start and the next)
    ends = starts[1:] + [len(text)]
    with_digits = [k for k, (a, b) in enumerate(zip(starts, ends)) if _RUN_START_RE.search(text, a, b)]
    if not with_digits:
        return ()
    mentions = sorted(mentions, key=lambda m: m.start)
    by_sent: dict[int, list[Mention]] = {}
    for m in mentions:
        k = bisect_right(starts, m.start) - 1
        if k >= 0:
            by_sent.setdefault(k, []).append(m)
    own = next((m for m in mentions if m.proposed and m.type in ("Method", "Architecture")), None)
    out: list[Result] = []
    reported: dict[int, list[_Phrase]] = {}  # metrics of the sentences that reported a result
    datasets_of: dict[int, list] = {}  # datasets a processed sentence passes on to the next
    surfaces: dict[str, dict[str, Mention]] | None = None  # name -> a mention of it, made when needed
    for si in with_digits:
        sa, sb = sentence_spans[si]
        s = text[sa:sb]
        prev_reported = si - 1 in reported
        prev_metrics = reported.get(si - 1, [])
        prev_datasets = datasets_of.get(si - 1)
        if prev_datasets is None:
            prev_datasets = [m for m in by_sent.get(si - 1, ()) if m.type == "Dataset"]
        ms = by_sent.get(si, [])
        names = [(m.start - sa, m.end - sa) for m in ms if m.type != "Metric"]
        mspans = [(m.start - sa, m.end - sa) for m in ms if m.type == "Metric"]
        found = [(a, a + len(s[a:b].rstrip())) for a, b in find_values(s)]
        values = [(a, b, s[a:b]) for a, b in found
                  if not any(x <= a < y for x, y in names) and not any(x <= a < y for x, y in mspans)
                  and not _guarded(s, a, b, s[a:b], lex)]
        metrics = _metric_phrases(s, [(m.start - sa, m.end - sa, m.key) for m in ms if m.type == "Metric"], lex,
                                  names + found) if values else []
        values = [v for v in values if not any(p.start <= v[0] < p.end for p in metrics)]
        if not values:
            continue
        if surfaces is None:
            surfaces = _surfaces(text, mentions)
        datasets = _also_written(s, sa, [m for m in ms if m.type == "Dataset"], surfaces["Dataset"])
        systems = _also_written(s, sa, [m for m in ms if m.type in ("Method", "Architecture")], surfaces["System"])
        pairs = _attach(s, values, metrics, prev_metrics if prev_reported else [], lex)
        respectively = "respectively" in s.lower()
        n_before = len(out)
        kinds: list[tuple[_Phrase | None, str]] = []  # (metric, kind) of each value so far
        for idx, ((a, b, vt), metric) in enumerate(zip(values, pairs)):
            v = parse_value(vt)
            assert v is not None
            if metric is None and v.unit in _METRIC_UNITS:  # "runs at 24 FPS": the unit names the metric
                metric = _Phrase(a, b, v.unit, entity_key(_METRIC_UNITS[v.unit]))
            kind = _kind(s, a, b, v, metric, lex)
            if kind is None and kinds:
                prev_metric, prev_kind = kinds[-1]
                gap = s[values[idx - 1][1]:a]
                if prev_metric is not None and prev_metric is metric and _word_count(gap) <= 6:
                    kind = prev_kind  # as the value before it with the same metric ("by 6-15% for A and 8-20% for B")
                elif _LIST_GAP_RE.fullmatch(gap if prev_metric is None or prev_metric.end > a
                                            or prev_metric.start < values[idx - 1][1]
                                            else gap.replace(prev_metric.text, "", 1)):
                    kind = prev_kind  # listed after it: "by 0.4%, 1.48 FID, 1.76% and 1.53%"
            kinds.append((metric, kind or "absolute"))
            if metric is None:
                continue
            if not v.unit and not v.decimal and (not _adjacent(s, a, b, metric) or _counts_something(s, b, metric)):
                continue
            kind = kind or "absolute"
            if metric.is_cost and kind == "absolute":
                continue  # "with 10M parameters" is a size; "2x fewer parameters" a result
            ds = _dataset(s, sa, a, b, datasets, values, idx, respectively) or \
                (prev_datasets[0] if not datasets and prev_reported and len({d.key for d in prev_datasets}) == 1
                 else None)  # one dataset named in the sentence before, which reported results on it
            sysm = _system(s, sa, a, systems, lex)
            if sysm is not None:
                system, skey, prop = sysm.text, sysm.key, sysm.proposed or (own is not None and sysm.key == own.key)
            elif own is not None and _OWN_RE.search(s):
                system, skey, prop = own.text, own.key, True
            else:
                system, skey, prop = None, None, bool(_OWN_RE.search(s))
            out.append(Result(
                metric=metric.text, metric_key=metric.key, value=vt, number=v.numbers[0],
                number_high=v.numbers[1] if len(v.numbers) > 1 else None, unit=v.unit, sign=v.sign, kind=kind,
                sentence=si, dataset=ds.text if ds else None, dataset_key=ds.key if ds else None,
                system=system, system_key=skey, proposed=prop))
        if len(out) > n_before:
            reported[si] = [p for p in metrics if not p.is_cost]
        datasets_of[si] = datasets if datasets or len(out) == n_before else prev_datasets
    return tuple(out)


def _surfaces(text: str, mentions: list[Mention]) -> dict[str, dict[str, Mention]]:
    """The names of a paper's datasets and systems, each with a mention of it, and the short forms
    defined right after them ("Real Time Ankom (RTA)")."""
    surfaces: dict[str, dict[str, Mention]] = {"Dataset": {}, "System": {}}
    for m in mentions:
        if m.type == "Dataset" or m.type in ("Method", "Architecture"):
            kind = "Dataset" if m.type == "Dataset" else "System"
            if len(m.text) > 2 and not m.text.islower():
                surfaces[kind].setdefault(m.text, m)
            short = _SHORT_FORM_RE.match(text, m.end)
            if short:
                surfaces[kind].setdefault(short.group(1), m)
    return surfaces


def _also_written(s: str, sa: int, found: list[Mention], surfaces: dict[str, Mention]) -> list:
    """The mentions of a sentence, plus the places where it writes a name the paper uses elsewhere
    as a mention of that kind (the recognizer may tag one occurrence and not another)."""
    out = list(found)
    taken = [(m.start - sa, m.end - sa) for m in found]
    for name, like in surfaces.items():
        i = s.find(name)
        while i >= 0:
            j = i + len(name)
            if (i == 0 or not s[i - 1].isalnum()) and (j >= len(s) or not s[j].isalnum()) \
                    and not any(x < j and i < y for x, y in taken):
                out.append(_Span(name, like.key, sa + i, sa + j, like.proposed, like.type))
                taken.append((i, j))
            i = s.find(name, j)
    return sorted(out, key=lambda m: m.start)


class _Span(NamedTuple):
    """A name written in a sentence (a mention, or another occurrence of a mention's text)."""

    text: str
    key: str
    start: int
    end: int
    proposed: bool = False
    type: str = ""


def _counts_something(s: str, b: int, metric: _Phrase) -> bool:
    """A whole number right before a word that is not its metric counts something ("with 5 NFE", "10 steps")."""
    m = _NEXT_WORD_RE.match(s, b)
    return bool(m) and not (b <= metric.start <= m.end())


def _adjacent(s: str, a: int, b: int, metric: _Phrase) -> bool:
    """A whole number with no unit counts only right next to its metric ("an F1 of 91", "FID 27")."""
    if metric.start >= b:
        return _word_count(s[b:metric.start]) <= 1
    return _word_count(s[metric.end:a]) <= 2


def _attach(s: str, values: list, metrics: list[_Phrase], prev: list[_Phrase], lex) -> list[_Phrase | None]:
    """The metric of each value (None: no metric)."""
    out: list[_Phrase | None] = []
    claimed: set[int] = set()  # metrics named right after a value ("1.48 FID"): that value's own
    for a, b, vt in values:
        choice = None
        after = [p for p in metrics if p.start >= b and _AFTER_RE.match(s[b:p.start]) and _word_count(s[b:p.start]) <= 3]
        if after:
            choice = after[0]
            claimed.add(id(choice))
        else:
            # not a metric another value claimed just before this one ("by 1.48 FID, 1.76% and ...")
            free = [p for p in metrics if not (id(p) in claimed and _LISTED_VALUES_RE.fullmatch(s[p.end:a]))]
            before = [p for p in free if p.end <= a and _word_count(s[p.end:a]) <= 8
                      and _CONNECT_RE.match(s[p.end:a])]
            if before:
                choice = before[-1]
            else:
                loose = [p for p in free if p.end <= a and _word_count(s[p.end:a]) <= 12
                         and not any(w in _CLAUSE_BREAK for w in _WORD_RE.findall(s[p.end:a]))
                         and not _NOT_METRIC_NOUN_RE.search(s, p.end, a)]
                if loose:
                    choice = loose[-1]
                elif out and out[-1] is not None and out[-1].end <= values[len(out) - 1][0] \
                        and _word_count(s[values[len(out) - 1][1]:a]) <= 12 \
                        and not any(out[-1].end <= p.start < a for p in metrics) \
                        and not _NOT_METRIC_NOUN_RE.search(s, values[len(out) - 1][1], a) \
                        and not any(w in _CLAUSE_BREAK for w in _WORD_RE.findall(s[values[len(out) - 1][1]:a])):
                    choice = out[-1]  # the metric of the value before ("an F1 of 85%, ... by 9.5%, ... by 21%")
                elif not metrics and len(prev) == 1:
                    choice = prev[0]
        out.append(choice)
    _respectively(s, values, metrics, out)
    return out


#: Nouns that name no metric but stand where one would ("a classification performance of 23.6%",
#: GUIDELINES 7.7): a metric named further back is not this number's.
_NOT_METRIC_NOUN_RE = re.compile(r"\b(?:performance|results?|gains?)\b", re.I)
#: What stands between values listed one after another: separators and other numbers.
_LISTED_VALUES_RE = re.compile(r"(?:[\s,;]|and|or|[+\-]?\d[\d.,]*\s?(?:\\?%)?)*")
_LIST_GAP_RE = re.compile(r"\s*(?:,|;)?\s*(?:and|or)?\s*")
_LIST_SEP_RE = re.compile(r"\s*(?:,|/|and|or|,\s*and|,\s*or)\s*")


def _respectively(s: str, values: list, metrics: list[_Phrase], out: list) -> None:
    """Metrics listed together before (or, with "respectively", after) as many values, paired in order."""
    if len(values) < 2:
        return
    if "respectively" in s.lower():
        last = values[-1][1]
        after = [p for p in metrics if p.start >= last]
        n = len(values)
        if len(after) >= n and all(_LIST_SEP_RE.fullmatch(s[x.end:y.start]) for x, y in zip(after[:n], after[1:n])) \
                and _word_count(s[last:after[0].start]) <= 6 \
                and all(_word_count(s[x[1]:y[0]]) <= 2 for x, y in zip(values, values[1:])):
            out[:] = after[:n]
            return
    first = values[0][0]
    listed = [p for p in metrics if p.end <= first]
    for n in range(len(values), 1, -1):
        group = listed[-n:]
        if len(group) == n and all(_LIST_SEP_RE.fullmatch(s[x.end:y.start]) for x, y in zip(group, group[1:])) \
                and all(_word_count(s[x[1]:y[0]]) <= 2 for x, y in zip(values[:n], values[1:n])) \
                and _word_count(s[group[-1].end:first]) <= 8 and all(o is group[-1] or o is None for o in out[:n]):
            for i in range(n):
                out[i] = group[i]
            return


def _dataset(s: str, sa: int, a: int, b: int, datasets: list[Mention], values: list, idx: int, respectively: bool):
    if not datasets:
        return None
    uniq: dict[str, Mention] = {}
    for d in sorted(datasets, key=lambda d: d.start):
        uniq.setdefault(d.key, d)
    ds = list(uniq.values())
    if len(ds) == 1:
        return ds[0]
    if respectively and len(ds) == len(values):
        return ds[idx]
    # the dataset after "on"/"in" nearest to the value, first one between it and the next value
    pos = sa + a
    marked = [d for d in ds if _ON_BEFORE_RE.search(s, max(0, d.start - sa - 30), max(0, d.start - sa))]
    nxt = values[idx + 1][0] if idx + 1 < len(values) else len(s)
    following = [d for d in marked if b <= d.start - sa < nxt]
    if following:
        return following[0]
    pool = marked or ds
    i = _nearest(pool, pos, lambda d: d.start)
    return pool[i] if i is not None else None


def _system(s: str, sa: int, a: int, systems: list[Mention], lex) -> Mention | None:
    for m in sorted(systems, key=lambda m: m.start):
        if m.start - sa >= a:
            break
        wb = _words_before(s, m.start - sa, 2)
        if any(w in lex.system_not_before for w in wb):
            continue
        return m
    return None


# -- spaCy component -----------------------------------------------------------------------------

@Language.factory(
    "kg_results",
    assigns=["doc._.kg_results"],
    requires=["doc._.kg_mentions", "token.is_sent_start"],
    default_config={"lexicon": None},
)
def make_result_finder(nlp: Language, name: str, lexicon: str | None) -> "ResultFinder":
    return ResultFinder(load_lexicon(lexicon))


class ResultFinder:
    """Writes the results of each Doc to ``doc._.kg_results`` (a tuple of :class:`~kg.model.Result`)."""

    def __init__(self, lexicon: ResultsLexicon):
        self.lexicon = lexicon

    def __call__(self, doc: Doc) -> Doc:
        tk = tokens(doc)
        # the text from the token view (Doc.text makes a Token object per token)
        text = tk.span_text(0, tk.n) + (" " if tk.n and tk.ws[-1] else "")
        if not _DIGIT_RE.search(text):
            doc._.kg_results = ()
            return doc
        idx = tk.idx + [len(text)]
        spans = [(idx[s], idx[e]) for s, e in tk.sentence_bounds()]
        doc._.kg_results = find_results(text, spans, doc._.kg_mentions or (), self.lexicon)
        return doc

    def pipe(self, docs: Iterable[Doc], batch_size: int = 64) -> Iterator[Doc]:
        """Process a stream of Docs a batch at a time (see :mod:`kg.extract.batches`)."""
        return pipe_batches(self, docs, batch_size)
