"""kg query for people: predeclared prefixes, --param, SELECT * order, typed JSON, readable
syntax errors, --list and --example (on the sample build)."""

from __future__ import annotations

import json

import pytest

from kg.cli import main
from kg.errors import KgError
from kg.query import example_description, example_queries
from kg.query.text import bind, parse_param, star_columns, syntax_message, undeclared_prefixes, variables

NASTY = 'x" } . ?s ?p ?o . FILTER(true) } #{ \\" \'\'\' """ SERVICE <http://127.0.0.1:1/> {'


def _json(capsys, *argv):
    assert main(["query", *argv]) == 0
    return json.loads(capsys.readouterr().out)


# -- pure functions ----------------------------------------------------------------------------

def test_param_values_are_rdf_terms():
    assert parse_param("name=ImageNet") == ("name", '"ImageNet"')
    assert parse_param("?t=<https://w3id.org/paper-kg/ontology#Metric>") == (
        "t", "<https://w3id.org/paper-kg/ontology#Metric>")
    assert parse_param("n:=12") == ("n", '"12"^^<http://www.w3.org/2001/XMLSchema#integer>')
    assert parse_param('d:="2024-01-01"^^xsd:date')[1].endswith("XMLSchema#date>")
    assert parse_param("c:=kg:Dataset") == ("c", "<https://w3id.org/paper-kg/ontology#Dataset>")
    # quotes and braces are escaped inside one literal
    name, term = parse_param("v=" + NASTY)
    assert term.startswith('"') and term.endswith('"') and '\\"' in term


@pytest.mark.parametrize("spec", ["novalue", "1x=a", "a b=c", "t=<http://a/> . ?s ?p ?o . <b:c>",
                                  "n:=12 . <a:b> <a:c> 3", "n:=[]", "n:=(1 2)", "n:=nope:x"])
def test_bad_params_are_refused(spec):
    with pytest.raises(KgError):
        parse_param(spec)


def test_bind_puts_values_at_the_start_of_the_where_clause():
    q = 'PREFIX a: <urn:a#> SELECT ?x (EXISTS { ?x ?p ?o } AS ?e) WHERE { ?x a:p "{" } # {'
    text, at, n = bind(q, {"x": "<urn:b>"})
    assert text == 'PREFIX a: <urn:a#> SELECT ?x (EXISTS { ?x ?p ?o } AS ?e) WHERE { VALUES ?x { <urn:b> }  ' \
                   '?x a:p "{" } # {'
    assert text[:at] + text[at + n:] == q
    t2, _, _ = bind("CONSTRUCT { ?x a ?c } WHERE { ?x a ?c }", {"c": "<urn:c>"})
    assert t2 == "CONSTRUCT { ?x a ?c } WHERE { VALUES ?c { <urn:c> }  ?x a ?c }"
    with pytest.raises(KgError, match="no variable"):
        bind("SELECT ?x WHERE { ?x ?p ?o }", {"y": '"1"'})
    with pytest.raises(KgError, match="short form"):
        bind("CONSTRUCT WHERE { ?x ?p ?o }", {"x": "<urn:x>"})


def test_star_columns_follow_the_query():
    q = "SELECT * WHERE { ?zz ?p ?aa . BIND(1 AS ?mm) # ?bb\n}"
    assert variables(q) == ["zz", "p", "aa", "mm"]
    assert star_columns(q, ["aa", "mm", "p", "zz"]) == ["zz", "p", "aa", "mm"]
    assert star_columns("SELECT ?b ?a WHERE { ?a ?p ?b }", ["b", "a"]) == ["b", "a"]


def test_syntax_message_is_one_line_with_position():
    msg = syntax_message("error at 3:18: expected one of ABS, AVG, [_], DAY", "SELECT ?s WHERE {\n ?s ?p ?o .\n")
    assert msg.startswith("SPARQL syntax error at line 3, column 18") and "\n" not in msg and "[_]" not in msg
    assert undeclared_prefixes("PREFIX ex: <urn:x#> SELECT * { ?s ex:p _:b . ?s foo:q kg:x }") == ["foo"]


# -- the command, on the sample build ------------------------------------------------------------

def test_predeclared_prefixes_and_own_prefix(sample_build, capsys):
    out, _ = sample_build
    q = "SELECT (COUNT(*) AS ?n) WHERE { ?p a kg:Paper ; dcterms:identifier ?id }"
    assert _json(capsys, q, "-g", str(out), "-f", "json") == [{"n": 197}]
    # a query's own PREFIX of the same name wins
    assert _json(capsys, "PREFIX kg: <urn:nothing#> " + q, "-g", str(out), "-f", "json") == [{"n": 0}]


def test_json_values_are_typed(sample_build, capsys):
    out, _ = sample_build
    rows = _json(capsys, "SELECT ?e ?n ?voc ?date ?nothing WHERE { ?e skos:prefLabel 'ImageNet' ; kg:paperCount ?n ; "
                         "kg:inVocabulary ?voc . ?p kg:usesDataset ?e ; dcterms:date ?date } ORDER BY ?date LIMIT 1",
                 "-g", str(out), "-f", "json")
    assert rows == [{"e": {"@id": "https://w3id.org/paper-kg/id/entity/imagenet"}, "n": rows[0]["n"], "voc": True,
                     "date": rows[0]["date"], "nothing": None}]
    assert isinstance(rows[0]["n"], int) and rows[0]["n"] >= 10
    assert len(rows[0]["date"]) == 10 and rows[0]["date"][4] == "-"  # ISO 8601


def test_select_star_columns_in_query_order(sample_build, capsys):
    out, _ = sample_build
    assert main(["query", "SELECT * WHERE { ?zz skos:prefLabel ?label ; kg:paperCount ?count } LIMIT 1",
                 "-g", str(out), "-f", "csv"]) == 0
    assert capsys.readouterr().out.splitlines()[0] == "zz,label,count"


def test_param_cannot_inject(sample_build, capsys):
    out, _ = sample_build
    # the value comes back exactly, as one literal
    rows = _json(capsys, "SELECT ?v WHERE { BIND(?name AS ?v) }", "-p", "name=" + NASTY, "-g", str(out), "-f", "json")
    assert rows == [{"v": NASTY}]
    # and matches nothing as a label, where an injected pattern would have matched everything
    assert _json(capsys, "SELECT ?e WHERE { ?e skos:prefLabel ?name }", "-p", "name=" + NASTY,
                 "-g", str(out), "-f", "json") == []
    rows = _json(capsys, "SELECT ?e WHERE { ?e skos:prefLabel ?name }", "-p", "name=ImageNet", "-g", str(out),
                 "-f", "json")
    assert rows == [{"e": {"@id": "https://w3id.org/paper-kg/id/entity/imagenet"}}]


def test_guard_still_applies_with_params(sample_build, capsys):
    out, _ = sample_build
    q = "SELECT ?o WHERE { SERVICE <http://127.0.0.1:1/sparql> { ?s ?p ?o } }"
    assert main(["query", q, "-p", "o=x", "-g", str(out)]) == 2
    assert "SERVICE" in capsys.readouterr().err
    deep = "SELECT ?x WHERE { " + "{ " * 300 + "?x ?p ?o " + "} " * 300 + "}"
    assert main(["query", deep, "-p", "x=<urn:x>", "-g", str(out)]) == 2
    assert "nest" in capsys.readouterr().err


def test_syntax_error_names_line_and_column(sample_build, capsys):
    out, _ = sample_build
    q = "SELECT ?s WHERE {\n  ?s a kg:Paper .\n  ?s foo:bar ?o }"
    assert main(["query", q, "-g", str(out)]) == 2
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and "line 3, column" in err and "unknown prefix foo:" in err
    # the position is the same with a parameter bound (the VALUES block does not shift it)
    q = "SELECT ?s WHERE { ?s a ?t . FILTER(?s = ) }"
    assert main(["query", q, "-g", str(out)]) == 2
    plain = capsys.readouterr().err
    assert main(["query", q, "-p", "t=<urn:x>", "-g", str(out)]) == 2
    assert capsys.readouterr().err == plain and "line 1, column" in plain


def test_list_and_example(sample_build, capsys):
    out, _ = sample_build
    assert main(["query", "--list"]) == 0
    listing = capsys.readouterr().out
    for name, text in example_queries().items():
        assert example_description(text) and f"{name} " in listing and example_description(text) in listing
    assert "--param x" in listing
    default = _json(capsys, "--example", "papers_using_both", "-g", str(out), "-f", "json")
    assert default  # a transformer and a CNN, by default
    pair = _json(capsys, "-e", "papers_using_both", "-p", "x=ImageNet", "-p", "y=cifar-10", "-g", str(out), "-f", "json")
    assert pair and {r["id"] for r in pair} != {r["id"] for r in default}
    assert main(["query", "-e", "no_such_example", "-g", str(out)]) == 2
    assert "kg query --list" in capsys.readouterr().err
    assert main(["query", "-g", str(out)]) == 2
