"""`kg validate`: the sample build conforms to ontology/shapes.ttl; broken graphs do not."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest
import rdflib.namespace as rns
from rdflib import Graph, Literal, Namespace

from kg.validate import add_validate_parser, cmd_validate, validate_graph

KG = Namespace("https://w3id.org/paper-kg/ontology#")
NNI = "<http://www.w3.org/2001/XMLSchema#nonNegativeInteger>"

#: A minimal graph that conforms: one paper, one entity, one mention.
TINY = f"""\
<https://w3id.org/paper-kg/id/paper/p1> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{KG}Paper> .
<https://w3id.org/paper-kg/id/paper/p1> <http://purl.org/dc/terms/identifier> "p1" .
<https://w3id.org/paper-kg/id/paper/p1> <http://purl.org/dc/terms/abstract> "We use BERT." .
<https://w3id.org/paper-kg/id/paper/p1> <{KG}source> "x.txt:1" .
<https://w3id.org/paper-kg/id/paper/p1> <{KG}usesArchitecture> <https://w3id.org/paper-kg/id/entity/bert> .
<https://w3id.org/paper-kg/id/paper/p1> <{KG}hasMention> <https://w3id.org/paper-kg/id/mention/p1/0> .
<https://w3id.org/paper-kg/id/mention/p1/0> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{KG}Mention> .
<https://w3id.org/paper-kg/id/mention/p1/0> <{KG}refersTo> <https://w3id.org/paper-kg/id/entity/bert> .
<https://w3id.org/paper-kg/id/mention/p1/0> <{KG}surfaceForm> "BERT" .
<https://w3id.org/paper-kg/id/mention/p1/0> <{KG}charStart> "7"^^{NNI} .
<https://w3id.org/paper-kg/id/mention/p1/0> <{KG}charEnd> "11"^^{NNI} .
<https://w3id.org/paper-kg/id/entity/bert> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{KG}Architecture> .
<https://w3id.org/paper-kg/id/entity/bert> <http://www.w3.org/2004/02/skos/core#prefLabel> "BERT" .
"""


def _run(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="kg")
    add_validate_parser(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["validate", *argv])
    assert args.func is cmd_validate
    return args.func(args)


@pytest.fixture(scope="module")
def broken(sample_build, tmp_path_factory) -> tuple[Path, dict[str, str]]:
    """A copy of the sample graph with three faults; returns (file, what was broken)."""
    out, _ = sample_build
    g = Graph()
    g.parse(out / "graph.nt", format="nt")
    # 1. one paper loses every dcterms:abstract
    paper = sorted(g.subjects(rns.RDF.type, KG.Paper))[0]
    assert (paper, rns.DCTERMS.abstract, None) in g
    g.remove((paper, rns.DCTERMS.abstract, None))
    # 2. one kg:usesDataset points to a kg:Method
    citing = sorted(g.subjects(KG.usesDataset, None))[0]
    method = sorted(g.subjects(rns.RDF.type, KG.Method))[0]
    g.add((citing, KG.usesDataset, method))
    # 3. one mention gets charStart > charEnd
    mention = sorted(g.subjects(rns.RDF.type, KG.Mention))[0]
    end = int(g.value(mention, KG.charEnd))
    g.set((mention, KG.charStart, Literal(end + 5, datatype=rns.XSD.nonNegativeInteger)))
    path = tmp_path_factory.mktemp("broken") / "broken.nt"
    g.serialize(path, format="nt", encoding="utf-8")
    return path, {"paper": paper.split("/")[-1], "method": method.split("/")[-1],
                  "mention": str(mention)}


def test_sample_build_conforms(sample_build):
    out, _ = sample_build
    conforms, lines = validate_graph(out)
    assert conforms, "\n".join(lines[:20])
    assert lines == []


def test_broken_copy_does_not_conform_and_names_each_violation(broken):
    path, what = broken
    conforms, lines = validate_graph(path)
    assert not conforms
    abstract = [x for x in lines if "dcterms:abstract" in x]
    assert len(abstract) == 1 and what["paper"] in abstract[0] and "non-empty dcterms:abstract" in abstract[0]
    uses = [x for x in lines if "kg:usesDataset must be a kg:Dataset" in x]
    assert len(uses) == 1 and what["method"] in uses[0]
    chars = [x for x in lines if "charStart must be <= its kg:charEnd" in x]
    assert len(chars) == 1 and what["mention"] in chars[0] and "kg:charStart" in chars[0]
    assert len(lines) == 3, lines


BAD_TINY = (TINY.replace('"7"^^', '"12"^^')  # charStart > charEnd, and the entity used as a dataset
            + f"<https://w3id.org/paper-kg/id/paper/p1> <{KG}usesDataset> <https://w3id.org/paper-kg/id/entity/bert> .\n")


def test_cli_exit_codes(tmp_path, capsys):
    good = tmp_path / "good.nt"
    good.write_text(TINY, encoding="utf-8")
    assert _run([str(good)]) == 0
    assert "conforms" in capsys.readouterr().out

    bad = tmp_path / "bad.nt"
    bad.write_text(BAD_TINY, encoding="utf-8")
    assert _run([str(bad), "--limit", "1"]) == 1
    out = capsys.readouterr().out.splitlines()
    assert "does NOT conform" in out[0] and "2 violations" in out[0]
    assert len([x for x in out if x.startswith("  ") and "|" in x]) == 1 and "1 more" in out[-1]

    assert _run([str(tmp_path / "missing")]) == 2
    assert "no such graph file" in capsys.readouterr().err
    junk = tmp_path / "junk.ttl"
    junk.write_text("this is not turtle", encoding="utf-8")
    assert _run([str(junk)]) == 2
    assert "cannot parse RDF" in capsys.readouterr().err


def test_cli_on_build_folders(sample_build, tmp_path, capsys):
    out, _ = sample_build
    assert _run([str(out)]) == 0
    assert capsys.readouterr().out.startswith(f"{out / 'graph.nt'}: conforms")
    folder = tmp_path / "build"
    folder.mkdir()
    (folder / "graph.nt").write_text(BAD_TINY, encoding="utf-8")
    assert _run([str(folder)]) == 1
    printed = capsys.readouterr().out
    assert "2 violations" in printed and "charStart must be <= its kg:charEnd" in printed
    assert "kg:usesDataset must be a kg:Dataset" in printed
    empty = tmp_path / "empty"
    empty.mkdir()
    assert _run([str(empty)]) == 2
    assert "no built RDF graph here" in capsys.readouterr().err
