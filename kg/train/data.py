"""Training data of the learned recognizer: which annotated papers, and their gold spans.

Sources, all annotated under ``../shared/gold/GUIDELINES.md`` in the gold format
(``{"id", "title", "abstract", "entities": [{"name", "type", "mentions", "proposed"}]}``):

- ``../shared/gold/arxiv/arxiv-annotated.jsonl``: 900 arXiv abstracts. The 180 papers listed in
  ``annotations/arxiv-eval-ids.txt`` are the **evaluation split**: never trained on. They were
  drawn once, by paper: the sorted ids shuffled with ``random.Random(20261206)``, the first 180.
- ``annotations/batch-NN.jsonl``: abstracts of ``../shared/gold/arxiv/pool.jsonl`` annotated
  for this project (see ``annotations/README.md``); ``overlap-NN.jsonl`` are the second,
  independent annotations used to measure agreement, trained on only where no batch holds the
  paper.

The gold set lists surface forms without offsets: :func:`gold_spans` finds every occurrence
of each mention in the text and keeps the longest where they overlap.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

from spacy.tokens import Doc

from kg.config import PACKAGE_DIR
from kg.errors import KgError
from kg.extract.features import TaggedSpan
from kg.markup import strip_markup

ANNOTATIONS_DIR = Path(__file__).resolve().parent / "annotations"
EVAL_IDS_FILE = ANNOTATIONS_DIR / "arxiv-eval-ids.txt"


def shared_dir() -> Path:
    """``../shared`` beside the source checkout, or ``$KG_SHARED``."""
    import os

    env = os.environ.get("KG_SHARED")
    return Path(env) if env else PACKAGE_DIR.parent.parent / "shared"


def eval_ids() -> frozenset[str]:
    """Ids of the arXiv evaluation split (never trained or tuned on)."""
    return frozenset(EVAL_IDS_FILE.read_text(encoding="utf-8").split())


def read_gold(path: Path) -> Iterator[dict]:
    """Records of a gold-format JSON Lines file.

    Raises
    ------
    KgError
        For a missing file or a line that is not a gold record.
    """
    path = Path(path)
    if not path.is_file():
        raise KgError("no such annotation file", str(path))
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                rec = json.loads(line)
                if not isinstance(rec, dict) or not rec["id"] or not isinstance(rec["entities"], list):
                    raise KeyError
            except (json.JSONDecodeError, KeyError, TypeError):
                raise KgError("not a gold record (id, title, abstract, entities)", f"{path}:{n}") from None
            yield rec


def project_annotation_files() -> list[Path]:
    """The project's own annotation files: batches first, then the overlap files."""
    return sorted(ANNOTATIONS_DIR.glob("batch-*.jsonl")) + sorted(ANNOTATIONS_DIR.glob("overlap-*.jsonl"))


def training_records(shared: Path | None = None, extra: Iterable[Path] = (), project: bool = True) -> list[dict]:
    """Every annotated paper to train on: the arXiv set without its evaluation split, the
    project's annotations (unless ``project`` is false), and ``extra`` files; one record per
    paper (the first read).

    Raises
    ------
    KgError
        When the arXiv annotations are missing, or a file holds an evaluation paper.
    """
    shared = Path(shared) if shared else shared_dir()
    arxiv = shared / "gold" / "arxiv" / "arxiv-annotated.jsonl"
    held_out = eval_ids()
    out: dict[str, dict] = {}
    for rec in read_gold(arxiv):
        if rec["id"] not in held_out:
            out.setdefault(rec["id"], rec)
    for path in [*(project_annotation_files() if project else ()), *map(Path, extra)]:
        for rec in read_gold(path):
            if rec["id"] in held_out:
                raise KgError(f"paper {rec['id']} is in the arXiv evaluation split", str(path))
            out.setdefault(rec["id"], rec)
    return list(out.values())


def record_text(rec: dict) -> str:
    """The text a record's mentions are in, as :attr:`kg.model.Paper.text` makes it (training
    reads it as extraction does, without LaTeX formatting: :func:`kg.markup.strip_markup`)."""
    title = rec.get("title") or ""
    return f"{title}\n\n{rec['abstract']}" if title else rec["abstract"]


def _occurrences(doc: Doc, rec: dict) -> list[tuple[int, int, str, int]]:
    """(start, end, type, entity index) of every occurrence of the record's mentions, longest
    first where they overlap, in text order."""
    text = doc.text
    found = []
    for n, ent in enumerate(rec["entities"]):
        for m in {strip_markup(m)[0] for m in (*ent.get("mentions", ()), ent["name"])}:  # as the Doc reads them
            if not m.strip():
                continue
            for mo in re.finditer(re.escape(m), text):
                a, b = mo.span()
                if a and text[a - 1].isalnum() and m[0].isalnum() or b < len(text) and text[b].isalnum() and m[-1].isalnum():
                    continue
                found.append((a, b, ent["type"], n))
    found.sort(key=lambda o: (o[0] - o[1], o[0]))
    taken = bytearray(len(doc))
    spans = []
    for a, b, t, n in found:
        span = doc.char_span(a, b)
        if span is None:
            wide = doc.char_span(a, b, alignment_mode="expand")
            if wide is None or wide.text != text[a:b] + ".":
                continue
            span = wide
        if any(taken[span.start:span.end]):
            continue
        taken[span.start:span.end] = b"\x01" * (span.end - span.start)
        spans.append((span.start, span.end, t, n))
    return sorted(spans)


def gold_spans(doc: Doc, rec: dict) -> list[TaggedSpan]:
    """Token spans of every occurrence of the record's mentions in ``doc`` (made from
    :func:`record_text` without its LaTeX formatting; the mentions are read the same way, so
    "Fr\\'echet Inception Distance" is found as "Fréchet Inception Distance"), longest first
    where they overlap.

    An occurrence counts where it is a whole word at both ends and its ends fall on token
    boundaries (a full stop the tokenizer left on the last token is allowed: "ADE20K.").
    """
    return [(s, e, t) for s, e, t, _ in _occurrences(doc, rec)]


def gold_entities(doc: Doc, rec: dict) -> list[tuple[dict, list[tuple[int, int]]]]:
    """Each entity of the record that occurs in ``doc``, with the token spans of its mentions
    (as :func:`gold_spans` finds them)."""
    spans: dict[int, list[tuple[int, int]]] = {}
    for s, e, _t, n in _occurrences(doc, rec):
        spans.setdefault(n, []).append((s, e))
    return [(rec["entities"][n], sp) for n, sp in sorted(spans.items())]
