"""The token view against spaCy's own Token attributes, and its helpers."""

import pytest
import spacy

from kg.extract.batches import pipe_batches
from kg.extract.tokens import LexemeTable, TokenView, indices, indices_in, tokens

TEXT = ("UDC: A Unified  Framework for GNNs\n\nWe propose X-Net (e.g., 3.5x faster), naïve\u00a0CNNs;"
        " see Fig. 2 and https://x.org/a_b.  Done!\n")


@pytest.fixture(scope="module")
def nlp():
    return spacy.blank("en")


def test_view_holds_what_tokens_say(nlp):
    doc = nlp.make_doc(TEXT)
    for lexemes in (None, LexemeTable(nlp.vocab), LexemeTable(nlp.vocab, max_words=3)):
        tk = TokenView(doc, lexemes)
        assert tk.n == len(doc)
        assert tk.text == [t.text for t in doc]
        assert tk.lower == [t.text.lower() for t in doc]
        assert tk.idx == [t.idx for t in doc]
        assert tk.ws == [int(bool(t.whitespace_)) for t in doc]
        for name, attr in (("alpha", "is_alpha"), ("stop", "is_stop"), ("punct", "is_punct"),
                           ("num", "like_num"), ("space", "is_space")):
            assert getattr(tk, name) == [int(getattr(t, attr)) for t in doc], name


def test_a_small_lexeme_table_forgets_and_reads_again(nlp):
    table = LexemeTable(nlp.vocab, max_words=2)
    docs = [nlp.make_doc(t) for t in ("one two three four", "five six one", "two seven")]
    for doc in docs:
        assert TokenView(doc, table).text == [t.text for t in doc]


def test_span_text_is_the_span_text(nlp):
    doc = nlp.make_doc(TEXT)
    tk = TokenView(doc)
    for s in range(len(doc)):
        for e in range(s, len(doc) + 1):
            assert tk.span_text(s, e) == doc[s:e].text


def test_finding_words(nlp):
    doc = nlp.make_doc(TEXT)
    tk = tokens(doc)
    assert tokens(doc) is tk  # cached
    for members in ({"we", "propose", "and"}, frozenset({"."}), {"absent"}, {w: 1 for w in tk.lower[::3]},
                    set(tk.lower)):
        expected = [i for i, w in enumerate(tk.lower) if w in members]
        assert tk.find(members) == expected
        assert indices_in(tk.lower, members) == expected
        assert indices_in(tk.lower, members, set(tk.lower)) == expected
    assert tk.find({"UDC", "udc"}, lower=False) == [0]
    assert indices(tk.text, ",") == [i for i, w in enumerate(tk.text) if w == ","]
    assert indices([], "x") == []


def test_components_give_the_same_docs_in_batches(nlp):
    seen = []

    def component(doc):
        seen.append(doc)
        return doc

    docs = [nlp.make_doc(t) for t in ("a", "b c", "d", "e f g", "h")]
    assert list(pipe_batches(component, iter(docs), batch_size=2)) == docs
    assert seen == docs


def test_the_pipeline_finds_the_same_doc_by_doc_and_in_batches():
    from kg.extract import make_pipeline

    texts = [TEXT, "Graph Neural Networks (GNNs) beat CNNs on ImageNet.", "", "We introduce FooNet, a network."]
    nlp = make_pipeline()
    one_by_one = [nlp(t)._.kg_mentions for t in texts]
    assert [d._.kg_mentions for d in nlp.pipe(texts, batch_size=2)] == one_by_one
    assert any(one_by_one)
