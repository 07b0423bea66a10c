"""A user's curation (`--vocab`, `--stoplist`, `--merge`) changes the graph of the sample as
expected, is recorded in the build, and survives `kg build --update` (equal to a full rebuild)."""

from __future__ import annotations

import csv
import json
import shutil

import pytest

from kg.build import build
from kg.cli import main
from kg.config import BuildConfig, CurationConfig, ExtractConfig
from kg.curation import load_curation, read_merges
from kg.errors import KgError

FAST = ExtractConfig(use_recognizer=False)
FMT = ("tables",)
TABLES = ("papers.csv", "entities.csv", "mentions.csv")


def _entities(out) -> dict[str, dict]:
    with open(out / "entities.csv", encoding="utf-8", newline="") as f:
        return {r["key"]: r for r in csv.DictReader(f)}


def _same(a, b) -> None:
    for name in TABLES:
        assert (a / name).read_bytes() == (b / name).read_bytes(), name


@pytest.fixture(scope="module")
def files(tmp_path_factory, sample_dir):
    d = tmp_path_factory.mktemp("curation-files")
    (d / "vocab.csv").write_text("label,type,aliases,case_sensitive,source\n"
                                 "multi-head curriculum,Method,,0,\n", encoding="utf-8")
    (d / "stop.txt").write_text("# never entities\nCNN\ntransformer   # the key of the entity\n", encoding="utf-8")
    (d / "merge.txt").write_text("CIFAR-100 -> CIFAR-10\n", encoding="utf-8")
    (d / "stop2.txt").write_text("ImageNet\n", encoding="utf-8")
    (d / "merge2.txt").write_text("ViT -> transformer\n", encoding="utf-8")
    pages = sorted(sample_dir.glob("*.txt"))
    c1 = CurationConfig(vocab=(d / "vocab.csv",), stoplist=(d / "stop.txt",), merge=(d / "merge.txt",))
    c2 = CurationConfig(vocab=(d / "vocab.csv",), stoplist=(d / "stop2.txt",), merge=(d / "merge2.txt",))
    return d, pages, c1, c2


@pytest.fixture(scope="module")
def builds(tmp_path_factory, files):
    """Full builds of the sample with each curation, and a build of its first two pages with
    the first curation (and a copy of it), to update."""
    _, pages, c1, c2 = files
    root = tmp_path_factory.mktemp("curation-builds")

    def run(out, inputs, curation=CurationConfig(), update=False):
        return build(BuildConfig(inputs=tuple(inputs), out_dir=root / out, formats=FMT, extract=FAST, quiet=True,
                                 jobs=1, curation=curation, update=update))

    results = {"full1": run("full1", pages, c1), "full2": run("full2", pages, c2), "half": run("half", pages[:2], c1)}
    shutil.copytree(root / "half", root / "half2", symlinks=True)
    return root, results, run


def test_stoplist_merge_and_vocab_change_the_graph(builds, files):
    root, results, _ = builds
    ents = _entities(root / "full1")
    sample = "".join(p.read_text(encoding="utf-8") for p in files[1])
    # stop list: "CNN" is an alias: its concept goes, with every spelling; "transformer" by its key
    assert "CNN" in sample and "Transformer" in sample
    assert "convolutional neural network" not in ents and "transformer" not in ents
    assert not any(e["label"].lower() in ("cnn", "transformer", "convolutional neural network") for e in ents.values())
    # merge: CIFAR-100 is now CIFAR-10
    assert "cifar 100" not in ents
    assert "CIFAR-100" in ents["cifar 10"]["alt_labels"].split("; ")
    # the user's vocabulary: a term the packaged one does not have
    assert ents["multi head curriculum"]["type"] == "Method"
    # the second curation: CNN back, ImageNet gone, ViT merged into transformer
    ents2 = _entities(root / "full2")
    assert "convolutional neural network" in ents2 and "imagenet" not in ents2 and "cifar 100" in ents2
    assert "vision transformer" not in ents2 and "ViT" in ents2["transformer"]["alt_labels"].split("; ")
    with open(root / "full2" / "mentions.csv", encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    keys = {r["entity_key"] for r in rows}
    assert "vision transformer" not in keys and "imagenet" not in keys
    assert any(r["text"] == "ViT" and r["entity_key"] == "transformer" for r in rows)


def test_curation_is_recorded_in_the_build(builds, files):
    root, results, _ = builds
    manifest = json.loads((root / "full1" / ".kg-cache" / "manifest.json").read_text(encoding="utf-8"))
    cur = manifest["curation"]
    assert [e["path"] for e in cur["stoplist"]] == [str(files[0] / "stop.txt")]
    copy = root / "full1" / ".kg-cache" / cur["merge"][0]["copy"]
    assert copy.read_text(encoding="utf-8") == "CIFAR-100 -> CIFAR-10\n"
    assert results["full1"].curation.summary().startswith("vocabulary ")


def test_update_with_the_same_curation_equals_a_full_rebuild(builds, files, capsys):
    root, results, run = builds
    _, pages, c1, _ = files
    capsys.readouterr()
    # no curation option: the update applies the previous build's (from its recorded copies)
    build(BuildConfig(inputs=tuple(pages[2:]), out_dir=root / "half", formats=FMT, extract=FAST, jobs=1,
                      update=True, quiet=False))
    err = capsys.readouterr().err
    assert "applies the curation of the previous build" in err and "extracted again" not in err
    _same(root / "half", root / "full1")


def test_update_with_another_curation_equals_a_full_rebuild(builds, files, capsys):
    root, results, run = builds
    _, pages, c1, c2 = files
    capsys.readouterr()
    build(BuildConfig(inputs=tuple(pages[2:]), out_dir=root / "half2", formats=FMT, extract=FAST, jobs=1,
                      update=True, curation=c2, quiet=False))
    assert "extracted again" in capsys.readouterr().err
    _same(root / "half2", root / "full2")
    # and back, with no new input: the previous build curated again
    assert main(["build", "--update", "--out", str(root / "half2"), "-f", "tables", "--fast", "-q", "-j", "1",
                 "--vocab", str(c1.vocab[0]), "--stoplist", str(c1.stoplist[0]), "--merge", str(c1.merge[0])]) == 0
    _same(root / "half2", root / "full1")


@pytest.mark.parametrize("kind, text, where", [
    ("merge", "CIFAR-100 -> CIFAR-10\nno arrow here\n", ":2"),
    ("merge", "a -> b\nb -> a\n", ":2"),
    ("merge", "x ->\n", ":1"),
    ("stoplist", "ok\n\xff\xfe bad\n", "not UTF-8"),
    ("vocab", "label,type\nfoo,Gadget\n", ":2"),
    ("vocab", "name,kind\nfoo,Method\n", ":1"),
])
def test_bad_curation_files_are_one_line_errors(tmp_path, files, kind, text, where):
    path = tmp_path / f"{kind}.txt"
    path.write_bytes(text.encode("latin-1"))
    config = CurationConfig(**{kind: (path,)})
    vocab = config.vocab or (files[0] / "vocab.csv",)  # (the vocabulary the builds above loaded)
    with pytest.raises(KgError) as e:
        load_curation(config, ExtractConfig(use_recognizer=False, extra_vocab=vocab))
    msg = str(e.value)
    assert str(path) in msg and where in msg and "\n" not in msg


def test_cli_reports_a_bad_curation_file(tmp_path, capsys):
    bad = tmp_path / "merge.txt"
    bad.write_text("good -> better\nbad line\n", encoding="utf-8")
    assert main(["build", "--fast", "-q", "--merge", str(bad), "--out", str(tmp_path / "o"), "-f", "tables"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("kg: error:") and f"{bad}:2" in err and "\n" not in err
    assert main(["extract", "--fast", "-q", "--stoplist", str(tmp_path / "missing.txt"), str(bad),
                 "-o", str(tmp_path / "p.jsonl")]) == 2
    assert "missing.txt" in capsys.readouterr().err


def test_extract_applies_the_curation(tmp_path, files, capsys):
    d, pages, _, _ = files
    out = {}
    for name, extra in (("plain", []), ("curated", ["--stoplist", str(d / "stop.txt"), "--merge",
                                                    str(d / "merge.txt")])):
        assert main(["extract", "--fast", "-q", str(pages[1]), "-o", str(tmp_path / f"{name}.jsonl"), *extra]) == 0
        out[name] = [json.loads(line) for line in (tmp_path / f"{name}.jsonl").read_text(encoding="utf-8").splitlines()]
    names = {k: {e["name"].lower() for p in v for e in p["entities"]} for k, v in out.items()}
    assert {"transformer", "cifar-100"} <= names["plain"]
    assert "transformer" not in names["curated"] and "cifar-100" not in names["curated"]
    # a paper that writes only "CIFAR-100" has the entity CIFAR-10, by that name, with its mentions
    only = [p for p in out["curated"] for e in p["entities"] if e["mentions"] == ["CIFAR-100"]]
    assert only and all(any(e["name"] == "CIFAR-10" for e in p["entities"]) for p in only)
    assert len(out["plain"]) == len(out["curated"])  # every paper is kept
    assert read_merges(d / "merge.txt") == [(1, "CIFAR-100", "CIFAR-10")]


def test_curation_keeps_the_results(files):
    """Curating a paper's entities keeps its results (an earlier version dropped every result of
    a paper whose mentions a stop list or merge changed), with merged entities' keys renamed."""
    from kg.extract import extract, make_pipeline
    from kg.read import read_papers

    _, pages, c1, _ = files
    curation = load_curation(c1, FAST)
    plain = list(extract(read_papers(pages), make_pipeline(FAST)))
    curated = [curation.apply(ex) for ex in plain]
    changed = [(a, b) for a, b in zip(plain, curated) if a is not b and a.results]
    assert changed  # papers with results whose entities the curation changed
    for a, b in changed:
        assert len(b.results) == len(a.results)
        for ra, rb in zip(a.results, b.results):
            assert (ra.value, ra.metric, ra.dataset) == (rb.value, rb.metric, rb.dataset)
            assert rb.dataset_key == ("cifar 10" if ra.dataset_key == "cifar 100" else ra.dataset_key)
    assert any(ra.dataset_key == "cifar 100" for a, _ in changed for ra in a.results)


def test_a_name_stops_or_merges_every_spelling_of_its_entity(tmp_path, learned_nlp):
    """A build merges keys spelled alike ("EfficientNet", "Efficient Net": kg.assemble.spelling),
    so a stop list or merge file that names one spelling acts on all of them (the sample, with
    both spellings: :func:`tests.conftest.respelled`)."""
    from kg.config import sample_corpus_dir
    from kg.extract import extract
    from kg.read import Corpus
    from tests.conftest import respelled

    plain = respelled(list(extract(Corpus([sample_corpus_dir()]), learned_nlp)))
    assert {"efficientnet", "efficient net"} <= {m.key for ex in plain for m in ex.mentions}
    (tmp_path / "stop.txt").write_text("EfficientNet\n", encoding="utf-8")
    (tmp_path / "merge.txt").write_text("EfficientNet -> MobileNet\n", encoding="utf-8")
    stop = load_curation(CurationConfig(stoplist=(tmp_path / "stop.txt",)), ExtractConfig())
    merge = load_curation(CurationConfig(merge=(tmp_path / "merge.txt",)), ExtractConfig())
    stopped = [stop.apply(ex) for ex in plain]
    assert not {"efficientnet", "efficient net"} & {m.key for ex in stopped for m in ex.mentions}
    merged = [merge.apply(ex) for ex in plain]
    renamed = [m for a, b in zip(plain, merged) for ma, m in zip(a.mentions, b.mentions)
               if ma.key in ("efficientnet", "efficient net")]
    assert renamed and {m.key for m in renamed} == {"mobilenet"}
    assert not {"efficientnet", "efficient net"} & {m.key for ex in merged for m in ex.mentions}


def test_a_spelling_never_reaches_another_vocabulary_concept(tmp_path, learned_nlp):
    """"A*3D" and "A3D" are two datasets of the vocabularies, spelled alike: a build keeps them
    apart (kg.assemble.spelling), and so does a stop list or merge that names one of them."""
    from kg.extract import extract
    from kg.model import Paper

    paper = Paper(id="x", title=None, abstract=(
        "We evaluate 3D detectors on the A*3D dataset and on KITTI, and video anomaly detection on the A3D dataset."))
    ex = next(extract([paper], learned_nlp))
    assert {"a 3d", "a3d"} <= {m.key for m in ex.mentions}
    (tmp_path / "stop.txt").write_text("A3D\n", encoding="utf-8")
    (tmp_path / "merge.txt").write_text("A3D -> KITTI\n", encoding="utf-8")
    stopped = load_curation(CurationConfig(stoplist=(tmp_path / "stop.txt",)), ExtractConfig()).apply(ex)
    assert "a3d" not in {m.key for m in stopped.mentions} and "a 3d" in {m.key for m in stopped.mentions}
    merged = load_curation(CurationConfig(merge=(tmp_path / "merge.txt",)), ExtractConfig()).apply(ex)
    assert [m.key for m in merged.mentions if m.text in ("A*3D", "A3D")] == ["a 3d", "kitti"]
