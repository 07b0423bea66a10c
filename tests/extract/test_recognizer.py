"""The learned recognizer (kg_recognizer) in the default pipeline, on real abstracts."""

from __future__ import annotations

import json

import pytest

from kg.config import ExtractConfig
from kg.errors import KgError
from kg.extract import extract, make_pipeline
from kg.extract.recognizer import DEFAULT_MODEL, RecognizerModel
from kg.markup import clean_span, strip_markup
from kg.model import Paper
from kg.train import data as D


def _papers(n: int) -> list[Paper]:
    """Annotated arXiv abstracts the project carries (training papers of the model)."""
    recs = list(D.read_gold(D.project_annotation_files()[0]))[:n]
    return [Paper(id=r["id"], title=r["title"], abstract=r["abstract"]) for r in recs]


def test_the_packaged_model_is_small_and_complete():
    model = RecognizerModel(DEFAULT_MODEL)
    assert model.tagger.labels()
    size = sum(p.stat().st_size for p in DEFAULT_MODEL.iterdir())
    assert size < 25_000_000
    meta = json.loads((DEFAULT_MODEL / "meta.json").read_text(encoding="utf-8"))
    assert meta["papers"] >= 2000


def test_default_mentions_come_from_the_recognizer_and_fast_ones_from_the_rules(learned_nlp, nlp):
    papers = _papers(20)
    learned = [m for ex in extract(papers, learned_nlp) for m in ex.mentions]
    rules = [m for ex in extract(papers, nlp) for m in ex.mentions]
    assert {m.rule for m in learned} == {"learned"}
    assert "learned" not in {m.rule for m in rules}
    assert all(0 < m.confidence <= 1 for m in learned)
    # the recognizer finds more than the rules on text like the one it learned from
    assert len({(m.key, m.type) for m in learned}) > len({(m.key, m.type) for m in rules})


def test_spans_below_min_confidence_are_dropped(learned_nlp, sample_dir):
    """The recognizer keeps what it tags with at least ``ExtractConfig.recognizer_min_confidence``
    (0.7 by default): the same papers (the sample corpus, which it never trained on) without the
    limit give every kept span and some less confident ones."""
    from kg.read import Corpus

    papers = list(Corpus([sample_dir]))[:60]
    kept = [m for ex in extract(papers, learned_nlp) for m in ex.mentions]
    unlimited = make_pipeline()
    unlimited.get_pipe("kg_recognizer").min_confidence = 0.0  # (the rules' own limit stays: same features)
    everything = [m for ex in extract(papers, unlimited) for m in ex.mentions]
    limit = ExtractConfig().recognizer_min_confidence
    assert kept and all(m.confidence >= limit for m in kept)
    assert any(m.confidence < limit for m in everything)
    assert {(m.start, m.end) for m in kept} < {(m.start, m.end) for m in everything}


def test_mentions_do_not_overlap_and_match_the_text(learned_nlp):
    for ex in extract(_papers(30), learned_nlp):
        text, chars = strip_markup(ex.paper.text)  # offsets index the text as written; LaTeX in it goes
        spans = sorted((m.start, m.end) for m in ex.mentions)
        assert all(e <= s for (_, e), (s, _) in zip(spans, spans[1:]))
        for m in ex.mentions:
            a, b = clean_span(chars, m.start, m.end)
            assert text[a:b].replace("\n", " ") == m.text


def test_one_concept_has_one_type_in_a_paper(learned_nlp):
    for ex in extract(_papers(40), learned_nlp):
        types: dict[str, set[str]] = {}
        for m in ex.mentions:
            types.setdefault(m.key, set()).add(m.type)
        assert all(len(t) == 1 for t in types.values()), ex.paper.id


def test_a_short_form_names_its_long_forms_concept(learned_nlp):
    paper = Paper(id="x", title="Graph neural networks for molecules", abstract=(
        "We study Graph Neural Networks (GNNs) for property prediction. GNNs are trained on QM9, and our "
        "GNNs reach a lower mean absolute error than Transformers."))
    ex = next(extract([paper], learned_nlp))
    keys = {m.text: m.key for m in ex.mentions}
    assert "Graph Neural Networks" in keys and "GNNs" in keys
    assert keys["GNNs"] == keys["Graph Neural Networks"]


def test_tasks_and_metrics_are_not_proposed(learned_nlp):
    for ex in extract(_papers(40), learned_nlp):
        assert not any(m.proposed for m in ex.mentions if m.type in ("Task", "Metric")), ex.paper.id


def test_a_missing_model_is_one_clear_error(tmp_path):
    with pytest.raises(KgError, match="not a trained recognizer"):
        make_pipeline(ExtractConfig(recognizer_model=tmp_path / "nothing"))



def test_a_verb_form_names_the_process(learned_nlp):
    """Annotators name what a paper calls "fine-tuned" or "pre-trained" by the process
    (fine-tuning, pretraining): so does the recognizer, through the model's names table and the
    vocabulary's concept of that name. arXiv abstracts of ../shared/data/arxiv/ (2503.15781,
    2503.17646)."""
    papers = [Paper(id="2503.15781", title="", abstract=(
        "To address this, we propose a meta-curriculum training framework. The resulting model is then "
        "fine-tuned on the downstream tasks.")),
              Paper(id="2503.17646", title="", abstract=(
        "ViLA is first pre-trained on audio data in an unsupervised manner and then fine-tuned with a minimal "
        "amount of in-domain vibration data. We show that pre-training on audio improves fault diagnosis."))]
    found = [m for ex in extract(papers, learned_nlp) for m in ex.mentions]
    verbs = [m for m in found if m.text in ("fine-tuned", "pre-trained")]
    assert verbs
    assert all(m.key == {"fine-tuned": "fine tuning", "pre-trained": "pretraining"}[m.text] for m in verbs)
    assert all(m.label in ("fine-tuning", "pretraining") and m.in_vocabulary for m in verbs)


def test_a_learned_name_takes_a_vocabulary_concept_only_of_its_type(learned_nlp, monkeypatch):
    """The names table says what a form of a type is called; the vocabulary's concept of that
    name joins only when the concept has the same type (else the entity keeps the name without
    the vocabulary's backing, which counts double in the graph's type vote)."""
    model = learned_nlp.get_pipe("kg_recognizer").model
    paper = Paper(id="2503.15781", title="", abstract=(
        "To address this, we propose a meta-curriculum training framework. The resulting model is then "
        "fine-tuned on the downstream tasks."))

    def tuned(names):
        monkeypatch.setattr(model, "names", names)
        return [m for m in next(extract([paper], learned_nlp)).mentions if m.text == "fine-tuned"]

    (m,) = tuned({("fine tuned", "Method"): ("fine tuning", "fine-tuning")})
    assert (m.key, m.label, m.in_vocabulary) == ("fine tuning", "fine-tuning", True)
    (m,) = tuned({("fine tuned", "Method"): ("imagenet", "ImageNet")})  # a Dataset in the vocabulary
    assert (m.key, m.label, m.in_vocabulary) == ("imagenet", "ImageNet", False)
    (m,) = tuned({})
    assert (m.key, m.in_vocabulary) == ("fine tuned", False)


def test_a_bad_names_table_is_one_clear_error(tmp_path):
    import shutil

    from kg.extract.recognizer import read_names

    model = tmp_path / "model"
    shutil.copytree(DEFAULT_MODEL, model)
    with open(model / "names.tsv", "a", encoding="utf-8") as f:
        f.write("\nfine tuned\tMetod\tfine tuning\tfine-tuning\n")
    lines = (model / "names.tsv").read_text(encoding="utf-8").count("\n")
    with pytest.raises(KgError, match="not a names row") as e:
        read_names(model / "names.tsv")
    assert str(e.value).startswith(f"{model / 'names.tsv'}:{lines}: ")
    with pytest.raises(KgError, match="not a names row"):
        RecognizerModel(model)
