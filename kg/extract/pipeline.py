"""The extraction pipeline: ``spacy.blank("en")`` with the project's tokenizer rules
(:mod:`kg.extract.tokenizer`) plus our components, and the functions that run it over a stream
of papers, in one process or a pool of workers. Each text is read without its LaTeX formatting
(:mod:`kg.markup`), and the mentions' offsets are mapped back to the text as written.

Components, in order (each declares what it reads and writes)::

    kg_sentences       sentence starts (spaCy's sentencizer rules, line breaks, "e.g.");
                       doc._.title_end
    kg_abbreviations   doc._.abbreviations: (long form, short form) pairs
    kg_vocabulary      doc._.kg_candidates from the curated vocabularies
    kg_rules           doc._.kg_candidates for names no vocabulary knows
    kg_entities        doc._.kg_mentions: resolved, normalized, proposed or used
    kg_recognizer      (default; off in fast mode) doc._.kg_mentions again, from the learned
                       model `kg train` makes, which reads all of the above as features
    kg_results         doc._.kg_results: the results the text reports (metric, value, kind,
                       dataset, system), read off the sentences and the final mentions
"""

from __future__ import annotations

import multiprocessing as mp
import os
from collections import deque
from collections.abc import Iterable, Iterator
from itertools import islice

from spacy.language import Language

from kg.config import ExtractConfig
from kg.extract.tokenizer import blank
from kg.extract.tokens import tokens
from kg.gctune import use_bulk_gc
from kg.markup import CharMap, original_span, strip_markup
from kg.model import Evaluation, Extraction, Mention, Paper, Result

# Registering the factories is a side effect of importing their modules.
from kg.extract import abbreviation, entities, recognizer, results, rules, sentences, vocabulary  # noqa: F401


def make_pipeline(config: ExtractConfig | None = None) -> Language:
    """Build the extraction pipeline.

    Parameters
    ----------
    config : ExtractConfig, optional
        Which components to use and where the vocabularies are.
    """
    config = config or ExtractConfig()
    vocab = {"vocab_dir": str(config.vocab_dir) if config.vocab_dir else None,
             "extra_vocab": [str(p) for p in config.extra_vocab]}
    nlp = blank()
    nlp.add_pipe("kg_sentences")
    if config.use_abbreviations:
        nlp.add_pipe("kg_abbreviations")
    nlp.add_pipe("kg_vocabulary", config=vocab)
    if config.use_rules:
        nlp.add_pipe("kg_rules", config=vocab)
    nlp.add_pipe("kg_entities", config={**vocab, "min_confidence": config.min_confidence})
    if config.use_recognizer:
        model = str(config.recognizer_model) if config.recognizer_model else None
        nlp.add_pipe("kg_recognizer", config={**vocab, "model": model,
                                              "min_confidence": config.recognizer_min_confidence})
    if config.use_results:
        nlp.add_pipe("kg_results")
    return nlp


def _evaluations(mentions) -> tuple[Evaluation, ...]:
    """(dataset, metric) pairs said in one sentence."""
    by_sent: dict[int, tuple[set[str], set[str]]] = {}
    for m in mentions:
        if m.type in ("Dataset", "Metric"):
            d, k = by_sent.setdefault(m.sentence, (set(), set()))
            (d if m.type == "Dataset" else k).add(m.key)
    return tuple(Evaluation(d, k, s) for s, (ds, ks) in sorted(by_sent.items())
                 for d in sorted(ds) for k in sorted(ks))


#: What extraction finds in one text: its mentions, its sentences as character spans of the text
#: the Doc was made of, its results, and that text when it is not the paper's as written (None
#: without LaTeX markup: most papers, so little more goes back from a worker).
Found = tuple[tuple[Mention, ...], tuple[tuple[int, int], ...], tuple[Result, ...], str | None]


def _found(doc, text: str, chars: CharMap | None) -> Found:
    """What the pipeline found in ``doc``, made of ``text``: the mentions' offsets in the text
    as written (``chars`` maps the Doc's characters back to it: :func:`~kg.markup.strip_markup`;
    None when they are the same text), the sentences' in ``text``."""
    mentions = tuple(doc._.kg_mentions)
    if chars is not None:
        mentions = tuple(m._replace(start=a, end=b) for m in mentions
                         for a, b in (original_span(chars, m.start, m.end),))
    tk = tokens(doc)
    idx = tk.idx + [len(text)]  # (not len(doc.text): Doc.text joins every token)
    return (mentions, tuple((idx[s], idx[e]) for s, e in tk.sentence_bounds()), tuple(doc._.kg_results or ()),
            None if chars is None else text)


def to_extraction(paper: Paper, found: Found) -> Extraction:
    """The Extraction of a paper from what extraction found in its text."""
    mentions, spans, results, read = found
    text = paper.text if read is None else read  # what the Doc was made of
    return Extraction(paper=paper, mentions=mentions, sentences=tuple(text[a:b].strip() for a, b in spans),
                      evaluations=_evaluations(mentions), results=results)


def _prepared(papers: Iterable[Paper]) -> Iterator[tuple[str, tuple[Paper, str, CharMap | None]]]:
    for p in papers:
        text, chars = strip_markup(p.text)
        yield text, (p, text, chars)


def extract(papers: Iterable[Paper], nlp: Language, batch_size: int = 64) -> Iterator[Extraction]:
    """Run the pipeline over papers in this process, yielding one Extraction per paper.

    The pipeline reads each text without its LaTeX formatting (:mod:`kg.markup`): the
    mentions' offsets index into :attr:`Paper.text` as written, and the evidence sentences and
    results are the text a reader sees ("10.3%" for "10.3\\%")."""
    for doc, (paper, text, chars) in nlp.pipe(_prepared(papers), as_tuples=True, batch_size=batch_size):
        yield to_extraction(paper, _found(doc, text, chars))


_WORKER_NLP: Language | None = None


def _init_worker(config: ExtractConfig) -> None:
    global _WORKER_NLP  # one pipeline per worker process, built once
    use_bulk_gc()
    if _WORKER_NLP is None:
        _WORKER_NLP = make_pipeline(config)


def _work(texts: list[str]) -> list[Found]:
    assert _WORKER_NLP is not None
    prepared = [strip_markup(t) for t in texts]
    docs = _WORKER_NLP.pipe((clean for clean, _ in prepared), batch_size=64)
    return [_found(doc, clean, chars) for doc, (clean, chars) in zip(docs, prepared)]


def _chunks(items: Iterable[Paper], size: int) -> Iterator[list[Paper]]:
    it = iter(items)
    while chunk := list(islice(it, size)):
        yield chunk


def extract_parallel(papers: Iterable[Paper], config: ExtractConfig, jobs: int,
                     chunk_size: int = 256, nlp: Language | None = None) -> Iterator[Extraction]:
    """Extract with ``jobs`` worker processes, in input order.

    Workers receive only the texts and return only what they found (mentions and sentence
    spans), never Docs or papers, which is what makes a plain process pool several times
    faster than ``nlp.pipe(n_process=...)``. With ``jobs <= 1`` everything runs in this
    process.
    """
    if jobs <= 1:
        yield from extract(papers, nlp or make_pipeline(config))
        return
    global _WORKER_NLP
    method = "fork" if "fork" in mp.get_all_start_methods() else "spawn"
    if method == "fork":
        # Build once in the parent; forked workers share it copy-on-write.
        _WORKER_NLP = nlp or make_pipeline(config)
    ctx = mp.get_context(method)
    chunks = _chunks(papers, chunk_size)
    pending: deque = deque()
    try:
        with ctx.Pool(jobs, initializer=_init_worker, initargs=(config,)) as pool:
            # At most a few chunks per worker in flight (Pool.imap would read the whole input
            # ahead into its task queue), collected in input order.
            for chunk in islice(chunks, 3 * jobs):
                pending.append((chunk, pool.apply_async(_work, ([p.text for p in chunk],))))
            while pending:
                chunk, result = pending.popleft()
                found = result.get()
                for nxt in islice(chunks, 1):
                    pending.append((nxt, pool.apply_async(_work, ([p.text for p in nxt],))))
                for paper, f in zip(chunk, found):
                    yield to_extraction(paper, f)
    finally:
        _WORKER_NLP = None  # the workers are gone: the rest of a build needs no pipeline here


def default_jobs() -> int:
    """Worker processes to use by default: the cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1
