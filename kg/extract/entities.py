"""The resolver: turn candidates and abbreviations into the paper's mentions.

It decides, in order:

1. Abbreviation definitions: the long form's concept (from the vocabulary, the short form, or
   the long form's own head noun) is given to the short form, and every later use of the short
   form in the document becomes a mention of it ("UDC" -> unified neural divide-and-conquer
   framework, even where the vocabulary says CO is something else).
2. Overlaps: the longest candidate wins; on a tie, abbreviation > vocabulary > rules.
3. Generic words ("model", "deep learning") are never entities, nor the words inside a generic
   phrase ("precision" in "precision agriculture").
4. Proposed or used (:mod:`kg.extract.proposed`).

Results go to ``doc._.kg_mentions`` as :class:`~kg.model.Mention` records.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Iterator
from difflib import SequenceMatcher

from spacy.lang.en.stop_words import STOP_WORDS
from spacy.language import Language
from spacy.tokens import Doc, Span

from kg.config import ExtractConfig
from kg.extract.batches import pipe_batches
from kg.extract.candidates import Candidate, add_candidates
from kg.extract.heads import EVALUATIVE, PROPOSAL_VERBS, guess_type
from kg.extract.lexicon import word_lists
from kg.extract.normalize import canonical_surface, entity_key, singular_phrase, singularize
from kg.extract.proposed import is_proposal, title_name
from kg.extract.tokens import indices_in, tokens
from kg.extract.vocabulary import Vocabulary, load_vocabulary
from kg.model import Mention

if not Doc.has_extension("kg_mentions"):
    Doc.set_extension("kg_mentions", default=None)
if not Doc.has_extension("title_end"):
    Doc.set_extension("title_end", default=0)


def trim_modifiers(span: Span) -> Span:
    """Drop leading determiners and evaluative modifiers ("a novel", "large-scale")."""
    i, doc = span.start, span.doc
    while i < span.end - 1:
        t = doc[i]
        nxt = doc[i + 1].text if i + 1 < span.end else ""
        if t.lower_ in EVALUATIVE:
            i += 1
        elif nxt == "-" and i + 2 < span.end and f"{t.lower_}-{doc[i + 2].lower_}" in EVALUATIVE:
            i += 3
        else:
            break
    return doc[i:span.end]


def _same_head_concept(vocab: Vocabulary, short: str, long: str):
    """The vocabulary's concept for a short form when the paper's long form ends in the same
    word as that concept's label ("RAG" defined as "Retriever-augmented generation"); None when
    the short form is unknown or names something else there ("UDC" as a dataset)."""
    concept = vocab.lookup(short)
    if concept is None:
        return None
    return concept if entity_key(concept.label).rsplit(" ", 1)[-1] == entity_key(long).rsplit(" ", 1)[-1] else None


def _head_after(doc: Doc, short: Span):
    """The type of the head noun right after an abbreviation's short form, which then names
    only a part of a longer name: "a once-for-all (OFA) network", "our Decoupled Anomaly
    Alignment (DA) loss"."""
    i = short.end + (short.end < len(doc) and doc[short.end].text == ")")
    if i >= len(doc) or not doc[i].is_alpha:
        return None
    guess = guess_type([doc[i].text])
    return guess[0] if guess and guess[0] in ("Architecture", "Method", "Dataset") else None


#: Nouns in "-ing" that name things, not procedures ("magnetic resonance imaging").
_NOT_GERUNDS = frozenset("imaging building clothing housing string thing setting ring spring".split())


def _named_long_form(doc: Doc, long: Span) -> bool:
    """Whether a long form no head noun types still reads as the name of a method: the paper
    introduces it ("we propose frequency shifting (FreSh)", or it is in the title), it is a
    gerund ("frequency shifting") or it is written as a name ("Divide-Conquer-Reunion (DCR)").
    Other untyped long forms are mostly things and conditions ("optical coherence tomography",
    "diabetic retinopathy", "verifiable credentials") and are left out."""
    last = long[-1].lower_
    if long.start < doc._.title_end or last.endswith("ing") and last not in _NOT_GERUNDS:
        return True
    lower = tokens(doc).lower
    if all(t.text[:1].isupper() for t in long if t.is_alpha and not t.is_stop):
        # a name written as one, when coined ("Divide-Conquer-Reunion", "Tree-of-Thoughts") or
        # introduced, by the paper or by its method ("PDAF introduces a Latent Domain Prior")
        if sum(t.text == "-" for t in long) >= 2 \
                or any(w in PROPOSAL_VERBS for w in lower[max(long.sent.start, long.start - 6):long.start]):
            return True
    return is_proposal(lower, long.sent.start, long.start)


#: Endings of nouns that name a procedure or an operation ("coding", "annotation", "assessment").
_PROCEDURE_ENDINGS = ("tion", "sion", "ment", "ing", "ance", "ence", "sis", "ure", "al", "ics")


def _thing_long_form(long: Span) -> bool:
    """An untyped long form written in lower case whose head names a thing or a condition, not a
    procedure: "fluid antenna arrays (FAAs)", "post-traumatic stress disorder (PTSD)", "point
    cloud (PC)", "electronic health records (EHRs)". Long forms with capitals inside ("Parameter
    Efficient Knowledge trAnsfer") are written as names and are not things in this sense."""
    words = [t.text for t in long if t.is_alpha]
    if not words or any(ch.isupper() for w in words[1:] for ch in w) or any(ch.isupper() for ch in words[0][1:]):
        return False
    head = words[-1].lower()
    for i, t in enumerate(long):
        if i and t.lower_ in _HEAD_PREPOSITIONS:  # the head of "X of Y" is X's last word
            head = long[i - 1].lower_
            break
    return not singularize(head).endswith(_PROCEDURE_ENDINGS)


_HEAD_PREPOSITIONS = frozenset("for of with via in on to using from by through towards".split())


def _abbreviation_candidates(doc: Doc, vocab: Vocabulary, by_span: dict) -> list[Candidate]:
    """Candidates from abbreviation definitions and every later use of the short forms."""
    out: list[Candidate] = []
    short_concepts: dict[str, Candidate] = {}
    tk = tokens(doc)
    for long, short in doc._.abbreviations:
        # (on token indices and the token view's texts: Span and Token objects cost more)
        s, e = long.start, long.end
        # S-H already anchors the long form on the acronym's first letter: drop only articles.
        while e - s > 1 and tk.lower[s] in ("a", "an", "the", "our", "this"):
            s += 1
        while s > 0 and (tk.text[s] == "-" or tk.text[s - 1] == "-") and not tk.ws[s - 1]:
            s -= 1  # "Analog In-[memory Computing] (IMC)": the whole compound
        while e - s > 1 and not any(ch.isalnum() for ch in tk.text[s]):
            s += 1  # "(LLM)-[Guided Evolution] (GE)": not from the bracket
        long = doc[s:e]
        long_text, short_text = tk.span_text(s, e), tk.span_text(short.start, short.end)
        if e <= s or vocab.is_generic(long_text) or vocab.is_generic(short_text):
            continue
        known = by_span.get((s, e))
        # The short form alone is ambiguous ("UDC" is also a dataset): only the long form counts.
        concept = vocab.lookup(long_text)
        if known is not None:
            key, label, typ, conf, inv = known.key, known.label, known.type, known.confidence, True
            src = known.rule
        elif concept is not None:
            key, label, typ, conf, inv = concept.key, concept.label, concept.type, 0.9, True
            src = f"vocabulary:{concept.source}"
        elif (sc := _same_head_concept(vocab, short_text, long_text)) is not None:
            if SequenceMatcher(None, sc.key, entity_key(long_text)).ratio() >= 0.9:
                # "Retriever-augmented generation (RAG)": a variant spelling of the known RAG
                key, label, typ, conf, inv = sc.key, sc.label, sc.type, 0.85, True
                src = f"vocabulary:{sc.source}"
            else:
                # "spoken language models (SLMs)": not the vocabulary's SLM, but of its type
                label = singular_phrase(long_text)
                key, typ, conf, inv, src = entity_key(label), sc.type, 0.7, False, "abbreviation"
        else:
            # whitespace-separated words: "Click-through rate" is not cut at its "through"
            guess = guess_type([w for w in long_text.split() if any(ch.isalnum() for ch in w)]) \
                or guess_type([short_text])
            after = _head_after(doc, short)
            if guess is None and after is not None:
                guess = after, 0.6  # "once-for-all (OFA) network": the head after the short form
            if guess is None:
                typ, conf = "Method", 0.55 if _named_long_form(doc, long) and not _thing_long_form(long) else 0.45
            else:
                typ, conf = guess
            label = singular_phrase(long_text)
            key, inv, src = entity_key(label), False, "abbreviation"
        long_c = Candidate(long.start, long.end, key, label, typ, src, conf, inv)
        out.append(long_c)
        for form in {short_text, singularize(short_text)}:
            short_concepts.setdefault(form, long_c)
    if short_concepts:
        # each short form, or it with an "s" ("GNNs"), names its concept
        uses = {form + "s": c for form, c in short_concepts.items()}
        uses.update(short_concepts)
        for i in indices_in(tk.text, uses):
            c = uses[tk.text[i]]
            if not c.start <= i < c.end:
                out.append(Candidate(i, i + 1, c.key, c.label, c.type, "abbreviation",
                                     c.confidence, c.in_vocabulary))
    return out


_SUBJECTS = frozenset("we i they you it can could may might will would should must first then also".split())
_DETERMINERS = frozenset("the a an our their its this these those his her".split())
#: Metric words that, followed by "to" or after what they are to, name a property ("sensitivity to
#: noise", "contrast sensitivity", "prompt sensitivity").
_PROPERTY_READINGS = frozenset({"sensitivity"})
#: Words of degree or format that make a compound adjective of a metric word: "high-precision
#: mapping", "low-latency inference", "mixed-precision training".
_DEGREE_WORDS = frozenset("""high higher low lower full half mixed finite fixed arbitrary single double zero
    ultra""".split())
#: Qualifiers of a measured metric, not what a property is to ("test sensitivity").
_METRIC_QUALIFIERS = frozenset("test testing training validation mean average overall".split())


def _says_what_to(word: str) -> bool:
    """A noun or a classifying adjective before a property word, which says what the property is
    to ("contrast sensitivity", "temporal sensitivity"); not a word of degree ("high sensitivity",
    "greater sensitivity"), a participle, a qualifier of the metric or a function word."""
    return word.isalpha() and len(word) > 2 and word not in STOP_WORDS and word not in _METRIC_QUALIFIERS \
        and word not in EVALUATIVE and word not in word_lists()[1] and not word.endswith(("ed", "er", "est", "ly"))


def is_metric_use(lower: list[str], num: list[bool], start: int, end: int) -> bool:
    """False when a metric word is used as a verb ("we first recall the ...", "speed up the
    convergence"), as a property ("sensitivity to noise", "contrast sensitivity"), in a compound
    adjective ("high-precision mapping") or in an idiom ("at inference time"), where it names
    nothing measured (guidelines 7.6, 7.7)."""
    before = lower[start - 1] if start else ""
    after = lower[end] if end < len(lower) else ""
    if before in _SUBJECTS or after in _DETERMINERS:
        return False
    if before == "-" and start >= 2 and lower[start - 2] in _DEGREE_WORDS:
        return False
    if lower[end - 1] in _PROPERTY_READINGS and (
            after == "to" and not (end + 1 < len(lower) and num[end + 1]) or end - start == 1 and _says_what_to(before)):
        return False
    return not (before in ("at", "during") and lower[end - 1] == "time")


#: Nouns of a mechanism that a one-word task before them only qualifies ("the denoising process",
#: "a segmentation head", "the detection loss", "the denoising model"): the step, part or model is
#: meant, not the task.
_MECHANISM_NOUNS = frozenset("""process processes step steps stage stages loss losses head heads layer
    layers module modules mask masks map maps objective objectives trajectory trajectories schedule
    scheduler parameter parameters strength branch branches token tokens backbone decoder encoder
    diffusion expert experts operator operators phase phases iteration iterations kernel kernels
    model models network networks unet u-net procedure procedures pass passes timestep timesteps
    workflow workflows scheme schemes strategy strategies nature configuration configurations""".split())
#: Words before a one-word task that make it a step being run ("iterative denoising", "during
#: denoising"), as is an "X-step" compound before it ("full-step denoising").
_PROCEDURE_BEFORE = frozenset("iterative iteratively autoregressive auto-regressive stepwise step-wise during".split())


def is_task_modifier(lower: list[str], start: int, end: int, found_by_rule: bool = False) -> bool:
    """True when a one-word task only qualifies a mechanism noun after it ("denoising steps",
    "a classification head", "the denoising model") or names a step being run ("iterative
    denoising", "full-step denoising", "during denoising", "denoising a latent"): a bare task
    word is a Task only where the text presents it as a task (guidelines 7.10). A phrase the
    rules built is held to the first test ("generate high-resolution segmentation masks"); a
    known multi-word task is not ("object detection head")."""
    after = lower[end] if end < len(lower) else ""
    if (end - start == 1 or found_by_rule) and after in _MECHANISM_NOUNS:
        return True
    if end - start != 1:
        return False
    before = lower[start - 1] if start else ""
    if start >= 3 and lower[start - 2] == "-":
        before = f"{lower[start - 3]}-{before}"  # a compound: "step-wise", "full-step"
    return before in _PROCEDURE_BEFORE or before.endswith("-step") or after in _DETERMINERS


def resolve(doc: Doc, vocab: Vocabulary, min_confidence: float = ExtractConfig.min_confidence) -> list[Mention]:
    """Choose the mentions of a Doc from its candidates (see the module docstring)."""
    cands: list[Candidate] = list(doc._.kg_candidates or [])
    by_span = {(c.start, c.end): c for c in cands if c.rule.startswith("vocabulary")}
    cands.extend(_abbreviation_candidates(doc, vocab, by_span))
    tk = tokens(doc)
    cands = [c for c in cands if c.confidence >= min_confidence and c.key not in vocab.generic
             and (c.type != "Metric" or is_metric_use(tk.lower, tk.num, c.start, c.end))
             and (c.type != "Task" or not is_task_modifier(tk.lower, c.start, c.end, c.rule.startswith("rule:")))
             and "\\" not in c.label and "{" not in c.label]  # (LaTeX markup: "\\textbf{Mo}di")
    generic_spans = vocab.generic_spans(tk.lower)
    if generic_spans:  # a word inside a generic phrase is no entity ("precision" in "precision agriculture")
        cands = [c for c in cands if not any(s <= c.start and c.end <= e and e - s > c.end - c.start
                                             for s, e in generic_spans)]
    cands.sort(key=lambda c: (-(c.end - c.start), -c.priority, -c.confidence, c.start))
    taken = bytearray(len(doc))
    chosen: list[Candidate] = []
    for c in cands:
        if any(taken[c.start:c.end]):
            continue
        taken[c.start:c.end] = b"\x01" * (c.end - c.start)
        chosen.append(c)
    chosen.sort(key=lambda c: c.start)
    return to_mentions(doc, chosen)


#: What a paper proposes: in the annotations 43% of Methods, 25% of Datasets, 20% of
#: Architectures, but 3.5% of Metrics and 0.6% of Tasks (2,400 arXiv abstracts).
PROPOSABLE = frozenset({"Method", "Architecture", "Dataset"})


def to_mentions(doc: Doc, chosen: list[Candidate], proposed: set[str] | None = None) -> list[Mention]:
    """The :class:`~kg.model.Mention` records of the chosen, non-overlapping candidates (in
    text order): their surface text, sentence, and whether the paper proposes them (the keys
    in ``proposed``, when given; else by the rules of :mod:`kg.extract.proposed`)."""
    tk = tokens(doc)
    starts = [s for s, _ in tk.sentence_bounds()]
    tname = title_name(doc, doc._.title_end)
    proposed_keys = set()
    mentions = []
    for c in chosen:
        si = bisect_right(starts, c.start) - 1
        prop = False
        if proposed is not None:
            prop = c.key in proposed
        elif not c.in_vocabulary and c.type in PROPOSABLE:
            if tname and (c.start, c.end) == tname:
                prop = True
            else:
                prop = is_proposal(tk.lower, starts[si], c.start)
        if prop:
            proposed_keys.add(c.key)
        text = tk.span_text(c.start, c.end)
        if text.endswith(".") and not c.label.endswith("."):
            text = text[:-1]  # "MobilenetV3-S." at a sentence end: the tokenizer kept the full stop
        mentions.append((c, text, tk.idx[c.start], si))
    return [
        Mention(key=c.key, label=c.label, type=c.type, text=canonical_surface(text),
                start=start, end=start + len(text), sentence=si, rule=c.rule,
                proposed=c.key in proposed_keys, confidence=round(c.confidence, 3),
                in_vocabulary=c.in_vocabulary)
        for c, text, start, si in mentions
    ]


@Language.factory(
    "kg_entities",
    assigns=["doc._.kg_mentions"],
    requires=["doc._.kg_candidates", "doc._.abbreviations", "token.is_sent_start"],
    default_config={"vocab_dir": None, "extra_vocab": [], "min_confidence": ExtractConfig.min_confidence},
)
def make_resolver(nlp: Language, name: str, vocab_dir: str | None, extra_vocab: list[str],
                  min_confidence: float) -> "EntityResolver":
    return EntityResolver(load_vocabulary(vocab_dir, tuple(extra_vocab)), min_confidence)


class EntityResolver:
    """Writes the resolved :class:`~kg.model.Mention` list to ``doc._.kg_mentions``."""

    def __init__(self, vocabulary: Vocabulary, min_confidence: float):
        self.vocabulary = vocabulary
        self.min_confidence = min_confidence

    def __call__(self, doc: Doc) -> Doc:
        if doc._.kg_candidates is None:
            add_candidates(doc, [])
        doc._.kg_mentions = resolve(doc, self.vocabulary, self.min_confidence)
        return doc

    def pipe(self, docs: Iterable[Doc], batch_size: int = 64) -> Iterator[Doc]:
        """Process a stream of Docs a batch at a time (see :mod:`kg.extract.batches`)."""
        return pipe_batches(self, docs, batch_size)
