import pytest

from kg.extract.normalize import entity_key, name_label, singular_phrase, singularize, slug


def test_one_concept_one_key():
    forms = ["convolutional neural networks", "Convolutional Neural Network", "convolutional-neural network",
             "Convolutional  Neural\u2010Networks"]
    assert len({entity_key(f) for f in forms}) == 1


def test_singularize_is_conservative():
    assert singularize("CNNs") == "CNN" and singularize("LLMs") == "LLM"
    assert singularize("strategies") == "strategy" and singularize("networks") == "network"
    for w in ("analysis", "loss", "corpus", "class", "bias", "series", "GPU", "mass", "3DGS", "WildGS"):
        assert singularize(w) == w, w
    assert singular_phrase("Graph Neural Networks") == "Graph Neural Network"
    assert singular_phrase("Kolmogorov-Arnold Networks") == "Kolmogorov-Arnold Network"


def test_slug_is_url_safe():
    assert slug("graph neural network") == "graph-neural-network"
    assert slug("c++ / <script>") == "c-script"


@pytest.mark.parametrize("text, label", [
    ("graph neural networks", "graph neural network"),
    ("CNNs", "CNN"),
    ("Least Squares", "Least Squares"),  # issue 14, bug 4: proper names stay as written
    ("Gradient Boosting Trees", "Gradient Boosting Trees"),
    ("TanksAndTemples", "TanksAndTemples"),
    ("RoadSeg10K", "RoadSeg10K"),
    ("Graph neural networks", "Graph neural network"),
])
def test_name_label_singularizes_common_phrases_not_proper_names(text, label):
    assert name_label(text) == label
    assert entity_key(label) == entity_key(text)


@pytest.mark.parametrize("text, key", [
    # names from arXiv abstracts of ../shared/data/arxiv/: an accent goes, a Greek letter is its name
    ("Fréchet Inception Distance", "frechet inception distance"),
    ("Schrödinger bridges", "schrodinger bridge"),
    ("Bjøntegaard delta rates", "bjontegaard delta rate"),
    ("Karhunen-Loève expansion", "karhunen loeve expansion"),
    ("TÜV SÜD Rail", "tuv sud rail"),
    ("τ-bench", "tau bench"),
    ("μKE", "muke"),
    ("π0", "pi0"),
])
def test_keys_are_ascii_letters(text, key):
    assert entity_key(text) == key


def test_an_accent_is_the_same_key_and_a_greek_letter_another():
    assert entity_key("Fréchet distance") == entity_key("Frechet distance")
    assert entity_key("τ-bench") != entity_key("bench")  # it was "bench": the letter was dropped
