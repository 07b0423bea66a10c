"""The Neo4j export: bulk-import CSVs, import.sh and load.cypher.

Built from the bundled sample corpus through the pipeline API. Without a Neo4j server the
most real check is Kuzu, an embedded Cypher database: load.cypher is translated mechanically
(a few documented rewrites) and run by Kuzu over the very CSV files written for Neo4j, then
Cypher queries are compared with the KnowledgeGraph.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import re
import shutil
import subprocess
from collections import Counter
from pathlib import Path

import pytest

import kg.assemble
import kg.extract
import kg.read
from kg.assemble.merge import KnowledgeGraph
from kg.config import ExtractConfig, ontology_dir, sample_corpus_dir
from kg.export import Bundle, writer
from kg.export.neo4j import write_neo4j
from kg.model import Evaluation, Extraction, Mention, Paper, Source

EXPECTED_HEADERS = {
    "papers.csv": "paperId:ID(Paper),title,abstract,date:date,dateText,authorCount:int,authors:string[],url,"
                  "categories:string[],sources:string[],:LABEL",
    "entities.csv": "entityId:ID(Entity),name,type,altLabels:string[],paperCount:int,inVocabulary:boolean,:LABEL",
    "mentions.csv": ":START_ID(Paper),:END_ID(Entity),:TYPE,proposed:boolean,mentionCount:int,evidence",
    "proposes.csv": ":START_ID(Paper),:END_ID(Entity),:TYPE,evidence",
    "cooccurs.csv": ":START_ID(Entity),:END_ID(Entity),:TYPE,weight:int",
    "evaluations.csv": ":START_ID(Entity),:END_ID(Entity),:TYPE,paperId,evidence",
    "results.csv": "resultId:ID(Result),paperId,metric,value:double,valueHigh:double,valueText,unit,kind,dataset,"
                   "system,proposed:boolean,evidence,:LABEL",
    "reports.csv": ":START_ID(Paper),:END_ID(Result),:TYPE",
    "result_links.csv": ":START_ID(Result),:END_ID(Entity),:TYPE",
}
NODE_FILES = ("papers.csv", "entities.csv", "results.csv")
REL_FILES = ("mentions.csv", "proposes.csv", "cooccurs.csv", "evaluations.csv", "reports.csv", "result_links.csv")
REL_TYPE = {"Method": "USES_METHOD", "Architecture": "USES_ARCHITECTURE", "Dataset": "USES_DATASET",
            "Metric": "REPORTS_METRIC", "Task": "ADDRESSES_TASK"}
#: Property types neo4j-admin 5 accepts in a header (each also as an array with "[]").
NEO4J_TYPES = {"int", "long", "float", "double", "boolean", "byte", "short", "char", "string", "point",
               "date", "localtime", "time", "localdatetime", "datetime", "duration"}

# Used only while ontology/vocab holds no vocabulary yet (the real one is used when present).
FALLBACK_VOCAB = """\
label,type,aliases,case_sensitive,source
graph neural network,Architecture,GNN,0,curated
convolutional neural network,Architecture,CNN|ConvNet,0,curated
transformer,Architecture,,0,curated
ImageNet,Dataset,,1,curated
accuracy,Metric,,0,curated
knowledge distillation,Method,KD,0,curated
image classification,Task,,0,curated
combinatorial optimization,Task,,0,curated
"""


# --------------------------------------------------------------------------- fixtures

@pytest.fixture(scope="module")
def graph(tmp_path_factory) -> KnowledgeGraph:
    config = None
    if not list((ontology_dir() / "vocab").glob("*.csv")):
        vocab = tmp_path_factory.mktemp("vocab")
        (vocab / "curated.csv").write_text(FALLBACK_VOCAB, encoding="utf-8")
        (vocab / "generic_terms.txt").write_text("model\ndeep learning\nmachine learning\n", encoding="utf-8")
        config = ExtractConfig(vocab_dir=vocab)
    corpus = kg.read.Corpus([sample_corpus_dir()])
    extractions = list(kg.extract.extract(corpus, kg.extract.make_pipeline(config)))
    g = kg.assemble.assemble(extractions, finalize=corpus.finalize)
    assert g.extractions and g.entities and g.cooccurrence
    return g


@pytest.fixture(scope="module")
def export(graph, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("out")
    paths = write_neo4j(Bundle(graph), out)
    assert paths == [out / "neo4j"]
    return paths[0]


@pytest.fixture(scope="module")
def tricky() -> KnowledgeGraph:
    """A hand-made graph whose values stress quoting, arrays, line breaks and formulas."""
    text_title = 'A "quoted", =cmd|\' /C calc\'!A0; title'
    paper = Paper(id="-1+2", abstract="Line one\nline two\r\nline three; with \"quotes\"", title=text_title,
                  date_text="Jun 29, 2024", date=dt.date(2024, 6, 29), authors=("Doe; Jane", "O\"Neil", ""),
                  author_count=3, sources=(Source("/x/a;b.txt", 3),), url="https://e.org/?a=1,b=2",
                  categories=("cs.LG", "cs;AI"))
    bare = Paper(id="p2", abstract="@SUM(A1) second abstract")  # no title, date, authors
    def m(key, label, typ, sentence, prop=False):
        return Mention(key, label, typ, label, 0, 1, sentence, "vocabulary", prop, 1.0, True)

    ex1 = Extraction(paper, (m("=formula", "=Formula", "Method", 0, True), m("imagenet", "ImageNet", "Dataset", 1),
                             m("accuracy", "accuracy", "Metric", 1), m("=formula", "=Formula", "Method", 1)),
                     sentences=(text_title, 'We report accuracy on ImageNet, "top-1".'),
                     evaluations=(Evaluation("imagenet", "accuracy", 1),))
    ex2 = Extraction(bare, (m("imagenet", "ImageNet", "Dataset", 0),), sentences=("@SUM(A1) second abstract",))
    return kg.assemble.assemble([ex1, ex2])


# --------------------------------------------------------------------------- helpers

def read_csv(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with open(path, encoding="utf-8", newline="") as f:
        reader = csv.reader(f)
        header = next(reader)
        return header, [dict(zip(header, row, strict=True)) for row in reader]


def split_array(v: str) -> list[str]:
    return v.split(";") if v else []


def expected_mentions(g: KnowledgeGraph) -> set[tuple[str, str, str]]:
    return {(ex.paper.id, m.key, REL_TYPE[g.entities[m.key].type]) for ex in g.extractions for m in ex.mentions}


def expected_evaluations(g: KnowledgeGraph) -> set[tuple[str, str, str]]:
    return {(ev.dataset, ev.metric, ex.paper.id) for ex in g.extractions for ev in ex.evaluations}


_FIELD = r'(?:"(?:[^"]|"")*"|)'  # fully quoted with doubled quotes, or empty
_LINE = re.compile(rf"{_FIELD}(?:,{_FIELD})*")


def cypher_statements(script: str) -> list[str]:
    """Split a Cypher script on ";" outside quotes, backticks and // comments; the text after
    the last ";" must be blank. Raises AssertionError on unbalanced quotes or brackets."""
    statements, buf, stack, quote, i = [], [], [], None, 0
    pairs = {")": "(", "]": "[", "}": "{"}
    while i < len(script):
        c = script[i]
        if quote:
            buf.append(c)
            if c == quote:
                quote = None
            elif c == "\\" and quote != "`":
                buf.append(script[i + 1])
                i += 1
        elif script.startswith("//", i):
            i = script.find("\n", i)
            i = len(script) if i < 0 else i
            continue
        elif c in "'\"`":
            quote = c
            buf.append(c)
        elif c in "([{":
            stack.append(c)
            buf.append(c)
        elif c in ")]}":
            assert stack and stack.pop() == pairs[c], f"unbalanced {c!r} near {''.join(buf)[-80:]!r}"
            buf.append(c)
        elif c == ";":
            assert not stack, f"unclosed {stack} in {''.join(buf)!r}"
            statements.append("".join(buf).strip())
            buf = []
        else:
            buf.append(c)
        i += 1
    assert quote is None, "unclosed quote"
    assert not stack, f"unclosed {stack}"
    assert not "".join(buf).strip(), f"statement without a final ';': {''.join(buf).strip()[:80]!r}"
    return statements


# --------------------------------------------------------------------------- files and headers

def test_files(export):
    assert sorted(p.name for p in export.iterdir()) == sorted(
        [*EXPECTED_HEADERS, "import.sh", "load.cypher", "README.md"])
    assert os.access(export / "import.sh", os.X_OK)


def test_writer_is_registered():
    assert writer("neo4j") is write_neo4j


def test_headers_exact(export):
    for name, header in EXPECTED_HEADERS.items():
        with open(export / name, encoding="utf-8", newline="") as f:
            assert f.readline() == header + "\n", name


def test_headers_valid_for_neo4j_admin(export):
    for name in EXPECTED_HEADERS:
        header, _ = read_csv(export / name)
        special = [h for h in header if h.startswith(":") or ":ID" in h]
        if name in NODE_FILES:
            assert sum(re.fullmatch(r"\w*:ID\(\w+\)", h) is not None for h in header) == 1, name
            assert ":LABEL" in header
        else:
            assert any(re.fullmatch(r":START_ID\(\w+\)", h) for h in header), name
            assert any(re.fullmatch(r":END_ID\(\w+\)", h) for h in header), name
            assert ":TYPE" in header
        props = [h.partition(":")[0] for h in header if h not in special]
        assert len(props) == len(set(props)) and all(re.fullmatch(r"[A-Za-z]\w*", p) for p in props), name
        for h in header:
            if h in special:
                continue
            typ = h.partition(":")[2]
            if typ:
                assert typ.removesuffix("[]") in NEO4J_TYPES, f"{name}: {h}"


def test_field_format(export):
    """One record per line; each field empty or fully quoted with doubled quotes; typed values parse."""
    for name in EXPECTED_HEADERS:
        header, rows = read_csv(export / name)
        lines = (export / name).read_text(encoding="utf-8").split("\n")
        assert lines[-1] == "" and len(lines) - 2 == len(rows), name
        for line in lines[1:-1]:
            assert "\r" not in line
            assert _LINE.fullmatch(line), f"{name}: {line[:120]}"  # (field count: read_csv's strict zip)
        for row in rows:
            for h, v in row.items():
                typ = h.partition(":")[2]
                if not v or h.startswith(":") or ":ID" in h:
                    continue
                if typ == "int":
                    int(v)
                elif typ == "double":
                    float(v)
                elif typ == "boolean":
                    assert v in ("true", "false")
                elif typ == "date":
                    dt.date.fromisoformat(v)
                elif typ.endswith("[]"):
                    assert all(item.strip() for item in v.split(";")), (name, h, v)


# --------------------------------------------------------------------------- content vs the graph

def test_ids_resolve_and_counts_match(graph, export):
    _, papers = read_csv(export / "papers.csv")
    _, entities = read_csv(export / "entities.csv")
    _, results = read_csv(export / "results.csv")
    ids = {"Paper": [r["paperId:ID(Paper)"] for r in papers], "Entity": [r["entityId:ID(Entity)"] for r in entities],
           "Result": [r["resultId:ID(Result)"] for r in results]}
    assert ids["Paper"] == [ex.paper.id for ex in graph.extractions]
    assert len(ids["Result"]) == sum(len(ex.results) for ex in graph.extractions)
    assert ids["Entity"] == list(graph.entities)
    assert all(len(v) == len(set(v)) for v in ids.values())
    ids = {k: set(v) for k, v in ids.items()}
    for name in REL_FILES:
        header, rows = read_csv(export / name)
        start = next(h for h in header if h.startswith(":START_ID"))
        end = next(h for h in header if h.startswith(":END_ID"))
        for row in rows:
            assert row[start] in ids[start[10:-1]], (name, row)
            assert row[end] in ids[end[8:-1]], (name, row)
    assert [r[":LABEL"] for r in papers] == ["Paper"] * len(papers)
    assert [r[":LABEL"] for r in entities] == [f"Entity;{e.type}" for e in graph.entities.values()]

    _, mentions = read_csv(export / "mentions.csv")
    assert {(r[":START_ID(Paper)"], r[":END_ID(Entity)"], r[":TYPE"]) for r in mentions} == expected_mentions(graph)
    assert len(mentions) == len(expected_mentions(graph))
    counts = Counter((ex.paper.id, m.key) for ex in graph.extractions for m in ex.mentions)
    assert {(r[":START_ID(Paper)"], r[":END_ID(Entity)"]): int(r["mentionCount:int"]) for r in mentions} == counts

    _, proposes = read_csv(export / "proposes.csv")
    proposed = {(ex.paper.id, m.key) for ex in graph.extractions for m in ex.mentions if m.proposed}
    assert len(proposes) == len(proposed)
    assert {(r[":START_ID(Paper)"], r[":END_ID(Entity)"]) for r in proposes} == proposed
    assert {(r[":START_ID(Paper)"], r[":END_ID(Entity)"]) for r in mentions if r["proposed:boolean"] == "true"} \
        == proposed
    assert {r[":TYPE"] for r in proposes} <= {"PROPOSES"}

    _, cooccurs = read_csv(export / "cooccurs.csv")
    assert {(r[":START_ID(Entity)"], r[":END_ID(Entity)"]): int(r["weight:int"]) for r in cooccurs} \
        == dict(graph.cooccurrence)
    assert len(cooccurs) == len(graph.cooccurrence)

    _, evaluations = read_csv(export / "evaluations.csv")
    triples = [(r[":START_ID(Entity)"], r[":END_ID(Entity)"], r["paperId"]) for r in evaluations]
    assert len(triples) == len(set(triples)) and set(triples) == expected_evaluations(graph)
    assert {r[":TYPE"] for r in evaluations} <= {"EVALUATED_WITH"}


def test_values_round_trip(graph, export):
    _, papers = read_csv(export / "papers.csv")
    for ex, row in zip(graph.extractions, papers, strict=True):
        p = ex.paper
        assert row["title"] == (p.title or "") and row["abstract"] == p.abstract.replace("\n", " ")
        assert row["date:date"] == (p.date.isoformat() if p.date else "")
        assert row["dateText"] == (p.date_text or "")
        assert row["authorCount:int"] == ("" if p.author_count is None else str(p.author_count))
        assert split_array(row["authors:string[]"]) == [a for a in p.authors if a]
        assert split_array(row["sources:string[]"]) == [str(s) for s in p.sources]
    _, entities = read_csv(export / "entities.csv")
    for e, row in zip(graph.entities.values(), entities, strict=True):
        assert (row["name"], row["type"], row["paperCount:int"], row["inVocabulary:boolean"]) == \
            (e.label, e.type, str(len(e.papers)), str(e.in_vocabulary).lower())
        assert split_array(row["altLabels:string[]"]) == list(e.alt_labels)


def test_tricky_values(tricky, tmp_path):
    """Quotes, ';' in array items, line breaks and formula-like text survive as data."""
    folder = write_neo4j(Bundle(tricky), tmp_path)[0]
    _, papers = read_csv(folder / "papers.csv")
    p1, p2 = papers
    assert p1["paperId:ID(Paper)"] == "-1+2"  # ids are never prefixed (they must match the relationships)
    assert p1["title"] == 'A "quoted", =cmd|\' /C calc\'!A0; title'
    assert p1["abstract"] == 'Line one line two line three; with "quotes"'
    assert split_array(p1["authors:string[]"]) == ["Doe, Jane", 'O"Neil']
    assert split_array(p1["categories:string[]"]) == ["cs.LG", "cs,AI"]
    assert split_array(p1["sources:string[]"]) == ["/x/a,b.txt:3"]
    assert p1["url"] == "https://e.org/?a=1,b=2"
    assert p2["abstract"] == "@SUM(A1) second abstract"
    raw = (folder / "papers.csv").read_text(encoding="utf-8").splitlines()[2]
    assert raw.startswith('"p2",,"@SUM(A1) second abstract",,,,,,,,"Paper"')  # missing = unquoted empty
    _, entities = read_csv(folder / "entities.csv")
    assert entities[0]["entityId:ID(Entity)"] == "=formula" and entities[0]["name"] == "=Formula"
    _, mentions = read_csv(folder / "mentions.csv")
    assert [(r[":END_ID(Entity)"], r[":TYPE"], r["mentionCount:int"], r["proposed:boolean"]) for r in mentions] == [
        ("=formula", "USES_METHOD", "2", "true"), ("imagenet", "USES_DATASET", "1", "false"),
        ("accuracy", "REPORTS_METRIC", "1", "false"), ("imagenet", "USES_DATASET", "1", "false")]
    _, evaluations = read_csv(folder / "evaluations.csv")
    assert evaluations == [{":START_ID(Entity)": "imagenet", ":END_ID(Entity)": "accuracy",
                            ":TYPE": "EVALUATED_WITH", "paperId": "-1+2",
                            "evidence": 'We report accuracy on ImageNet, "top-1".'}]


# --------------------------------------------------------------------------- import.sh

def test_import_sh(export, tmp_path):
    sh = shutil.which("sh")
    if sh is None:
        pytest.skip("no POSIX shell")
    subprocess.run([sh, "-n", str(export / "import.sh")], check=True)
    fake = tmp_path / "neo4j-admin"
    record = tmp_path / "args.txt"
    fake.write_text('#!/bin/sh\nfor f in papers.csv entities.csv mentions.csv proposes.csv cooccurs.csv '
                    'evaluations.csv; do test -f "$f" || exit 3; done\n'
                    'printf "%s\\n" "$@" > "$RECORD"\n', encoding="utf-8")
    fake.chmod(0o755)
    env = {**os.environ, "NEO4J_ADMIN": str(fake), "RECORD": str(record)}
    for args, db, overwrite in (([], "neo4j", "false"), (["papers_db"], "papers_db", "false"),
                                (["--overwrite"], "neo4j", "true"), (["mydb", "--overwrite"], "mydb", "true")):
        subprocess.run([str(export / "import.sh"), *args], check=True, env=env, cwd=tmp_path)
        argv = record.read_text(encoding="utf-8").splitlines()
        assert argv[:4] == ["database", "import", "full", db]
        assert [a for a in argv if a.startswith("--nodes=")] == [f"--nodes={n}" for n in NODE_FILES]
        assert [a for a in argv if a.startswith("--relationships=")] == [f"--relationships={n}" for n in REL_FILES]
        # nothing is overwritten unless told to (--overwrite)
        assert {"--array-delimiter=;", f"--overwrite-destination={overwrite}", "--delimiter=,", '--quote="',
                "--multiline-fields=false", "--id-type=string"} <= set(argv)
    # a refused import (the database exists) says how to replace it; bad arguments stop before neo4j-admin
    fake.write_text("#!/bin/sh\necho 'Database already exists' >&2\nexit 1\n", encoding="utf-8")
    r = subprocess.run([str(export / "import.sh"), "papers_db"], env=env, cwd=tmp_path, capture_output=True, text=True)
    assert r.returncode == 1 and "--overwrite papers_db" in r.stderr
    for bad in (["--force"], ["a", "b"]):
        r = subprocess.run([str(export / "import.sh"), *bad], env=env, cwd=tmp_path, capture_output=True, text=True)
        assert r.returncode == 2 and "Database already exists" not in r.stderr


# --------------------------------------------------------------------------- load.cypher (syntax shape)

LOAD_RE = re.compile(r"LOAD CSV WITH HEADERS FROM 'file:///([^']+)' AS row")


def test_load_cypher_shape(export):
    script = (export / "load.cypher").read_text(encoding="utf-8")
    statements = cypher_statements(script)
    assert statements[:3] == [
        "CREATE CONSTRAINT paper_id IF NOT EXISTS FOR (p:Paper) REQUIRE p.paperId IS UNIQUE",
        "CREATE CONSTRAINT entity_id IF NOT EXISTS FOR (e:Entity) REQUIRE e.entityId IS UNIQUE",
        "CREATE CONSTRAINT result_id IF NOT EXISTS FOR (r:Result) REQUIRE r.resultId IS UNIQUE"]
    covered: dict[str, set[str]] = {}
    loaded = []
    for st in statements[3:]:
        assert st.split()[0] in ("LOAD", "MATCH"), st[:60]
        assert re.search(r"CALL \{.*\} IN TRANSACTIONS OF \d+ ROWS$", st, re.S), st[:60]
        m = LOAD_RE.match(st)
        if not m:
            continue
        name = m.group(1)
        loaded.append(name)
        assert (export / name).is_file(), name
        header, rows = read_csv(export / name)
        for col in re.findall(r"row\.`([^`]+)`", st):
            assert col in header, (name, col)
        assert not re.search(r"row\.[A-Za-z]", st), "unquoted row.<column>"
        for t in re.findall(r"row\.`:TYPE` = '(\w+)'", st):
            covered.setdefault(name, set()).add(t)
        for prop in re.findall(r"\b[perabdm]\.(\w+) = ", st):  # every SET property is a header column
            assert prop in {h.partition(":")[0] for h in header}, (name, prop)
    assert set(loaded) == set(EXPECTED_HEADERS)
    for name in REL_FILES:  # every row of a relationship file is picked up by some block
        _, rows = read_csv(export / name)
        assert {r[":TYPE"] for r in rows} <= covered[name], name
    assert covered["mentions.csv"] == set(REL_TYPE.values())


# --------------------------------------------------------------------------- Kuzu

KUZU_TYPE = {"string": "STRING", "int": "INT64", "boolean": "BOOL", "date": "DATE", "string[]": "STRING[]",
             "double": "DOUBLE"}


def _kuzu_props(header) -> list[tuple[str, str]]:
    return [(h.partition(":")[0], KUZU_TYPE[h.partition(":")[2] or "string"]) for h in header
            if not (h.startswith(":") or ":ID" in h)]


def kuzu_schema() -> list[str]:
    """Kuzu tables derived from the Neo4j headers (Kuzu needs a schema up front)."""
    out = []
    for name, table in (("papers.csv", "Paper"), ("entities.csv", "Entity"), ("results.csv", "Result")):
        header = EXPECTED_HEADERS[name].split(",")
        key = header[0].partition(":")[0]
        cols = ", ".join(f"`{p}` {t}" for p, t in _kuzu_props(header) if p != key)
        out.append(f"CREATE NODE TABLE {table}(`{key}` STRING PRIMARY KEY, {cols})")
    rels = {**{t: "mentions.csv" for t in REL_TYPE.values()}, "PROPOSES": "proposes.csv",
            "CO_OCCURS_WITH": "cooccurs.csv", "EVALUATED_WITH": "evaluations.csv", "REPORTS_RESULT": "reports.csv",
            "MEASURED_WITH": "result_links.csv", "ON_DATASET": "result_links.csv", "ACHIEVED_BY": "result_links.csv"}
    for rel, name in rels.items():
        header = EXPECTED_HEADERS[name].split(",")
        src, dst = header[0][10:-1], header[1][8:-1]
        cols = "".join(f", `{p}` {t}" for p, t in _kuzu_props(header))
        out.append(f"CREATE REL TABLE {rel}(FROM {src} TO {dst}{cols})")
    return out


def to_kuzu(statement: str, folder: Path) -> str | None:
    """Rewrite one load.cypher statement for Kuzu, or None for those Kuzu has no use for.

    Rewrites: LOAD CSV ... AS row -> LOAD WITH HEADERS (<every column> STRING) FROM <path>
    (header=true), whose columns are variables, so row.`x` -> `x` and "WITH row WHERE" ->
    "WHERE"; the CALL { WITH row ... } IN TRANSACTIONS batching wrapper is dropped; split ->
    string_split, toInteger/toBoolean -> CAST. Skipped: the constraints (Kuzu's primary keys)
    and the extra type labels (a Kuzu node has exactly one table).
    """
    if statement.startswith("CREATE CONSTRAINT") or re.search(r"SET e:\w+ }", statement):
        return None
    m = LOAD_RE.match(statement)
    assert m, statement[:80]
    header = (folder / m.group(1)).read_text(encoding="utf-8").split("\n", 1)[0].split(",")
    cols = ", ".join(f"`{h}` STRING" for h in header)
    s = LOAD_RE.sub(f"LOAD WITH HEADERS ({cols}) FROM '{(folder / m.group(1)).as_posix()}' (header=true)", statement)
    s = s.replace("WITH row WHERE", "WHERE")
    s = re.sub(r"CALL \{\s*WITH row\s*", "", s)
    s = re.sub(r"\}\s*IN TRANSACTIONS OF \d+ ROWS\s*$", "", s)
    s = re.sub(r"row\.(`[^`]+`)", r"\1", s)
    s = re.sub(r"\bsplit\(", "string_split(", s)
    s = re.sub(r"toInteger\((`[^`]+`)\)", r"CAST(\1 AS INT64)", s)
    s = re.sub(r"toBoolean\((`[^`]+`)\)", r"CAST(\1 AS BOOL)", s)
    s = re.sub(r"toFloat\((`[^`]+`)\)", r"CAST(\1 AS DOUBLE)", s)
    assert "row" not in re.sub(r"`[^`]*`", "", s), s
    return s


def run_load_cypher(kuzu, folder: Path, db_path: Path):
    conn = kuzu.Connection(kuzu.Database(str(db_path)))
    for st in kuzu_schema():
        conn.execute(st)
    script = (folder / "load.cypher").read_text(encoding="utf-8")
    for _ in range(2):  # twice: MERGE makes the script idempotent
        for st in cypher_statements(script):
            q = to_kuzu(st, folder)
            if q is not None:
                try:
                    conn.execute(q)
                except RuntimeError as e:
                    raise AssertionError(f"Kuzu rejected:\n{q}\n{e}") from None
    return conn


def rows(conn, query: str, **params) -> list[list]:
    r = conn.execute(query, params) if params else conn.execute(query)
    out = []
    while r.has_next():
        out.append(r.get_next())
    return out


@pytest.fixture(scope="module")
def kuzu_db(export, tmp_path_factory):
    kuzu = pytest.importorskip("kuzu")
    return run_load_cypher(kuzu, export, tmp_path_factory.mktemp("kuzu") / "kg.kuzu")


def test_kuzu_reads_typed_columns(export):
    """Kuzu's CSV reader, told the types the headers declare, parses every field of every file."""
    kuzu = pytest.importorskip("kuzu")
    conn = kuzu.Connection(kuzu.Database(":memory:"))
    for name, header in EXPECTED_HEADERS.items():
        cols = []
        for h in header.split(","):
            typ = "" if h.startswith(":") or ":ID" in h else h.partition(":")[2]
            # arrays are read as text: Kuzu's own list syntax is [a,b], not a;b
            cols.append(f"`{h}` {KUZU_TYPE[typ.removesuffix('[]') or 'string']}")
        cols = ", ".join(cols)
        n = rows(conn, f"LOAD WITH HEADERS ({cols}) FROM '{(export / name).as_posix()}' (header=true) "
                       "RETURN count(*)")[0][0]
        assert n == len(read_csv(export / name)[1]), name


def test_kuzu_graph_matches(graph, kuzu_db):
    conn = kuzu_db
    assert rows(conn, "MATCH (p:Paper) RETURN count(p)") == [[len(graph.extractions)]]
    per_type = dict(rows(conn, "MATCH (e:Entity) RETURN e.type, count(e)"))
    assert per_type == dict(Counter(e.type for e in graph.entities.values()))

    # relationship counts, per type
    for t, rel in REL_TYPE.items():
        want = {(p, k) for p, k, r in expected_mentions(graph) if r == rel}
        got = rows(conn, f"MATCH (p:Paper)-[:{rel}]->(e:Entity) RETURN p.paperId, e.entityId, e.type")
        assert {(p, k) for p, k, _ in got} == want and len(got) == len(want), rel
        assert {et for _, _, et in got} <= {t}
    proposed = {(ex.paper.id, m.key) for ex in graph.extractions for m in ex.mentions if m.proposed}
    assert {tuple(r) for r in rows(conn, "MATCH (p:Paper)-[:PROPOSES]->(e:Entity) RETURN p.paperId, e.entityId")} \
        == proposed
    assert rows(conn, "MATCH ()-[r:PROPOSES]->() RETURN count(r)") == [[len(proposed)]]
    co = rows(conn, "MATCH (a:Entity)-[r:CO_OCCURS_WITH]->(b:Entity) RETURN a.entityId, b.entityId, r.weight")
    assert {(a, b): w for a, b, w in co} == dict(graph.cooccurrence) and len(co) == len(graph.cooccurrence)
    ev = rows(conn, "MATCH (d:Entity)-[r:EVALUATED_WITH]->(m:Entity) RETURN d.entityId, m.entityId, r.paperId")
    assert sorted(map(tuple, ev)) == sorted(expected_evaluations(graph))

    # the most-used dataset
    datasets = [e for e in graph.entities.values() if e.type == "Dataset"]
    if datasets:
        top = max(len(e.papers) for e in datasets)
        got = rows(conn, "MATCH (p:Paper)-[:USES_DATASET]->(d:Entity) RETURN d.entityId, count(p) AS n "
                         "ORDER BY n DESC")
        assert got[0][1] == top
        assert {k for k, n in got if n == top} == {e.key for e in datasets if len(e.papers) == top}

    # papers that use a given method (the one most papers use), and the properties on the edges
    method = max((e for e in graph.entities.values() if e.type == "Method"), key=lambda e: len(e.papers))
    got = rows(conn, "MATCH (p:Paper)-[r:USES_METHOD]->(m:Entity {entityId: $k}) "
                     "RETURN p.paperId, r.mentionCount, r.proposed", k=method.key)
    assert {p for p, _, _ in got} == set(method.papers)
    for pid, count, prop in got:
        ex = next(x for x in graph.extractions if x.paper.id == pid)
        assert count == sum(m.key == method.key for m in ex.mentions)
        assert prop == any(m.proposed for m in ex.mentions if m.key == method.key)


def test_kuzu_properties_round_trip(graph, kuzu_db):
    got = {r[0]: r[1:] for r in rows(kuzu_db, "MATCH (p:Paper) RETURN p.paperId, p.title, p.abstract, p.date, "
                                              "p.dateText, p.authorCount, p.authors, p.sources")}
    for ex in graph.extractions:
        p = ex.paper
        assert got[p.id] == [p.title, p.abstract, p.date, p.date_text, p.author_count,
                             list(p.authors) or None, [str(s) for s in p.sources] or None]
    ents = {r[0]: r[1:] for r in rows(kuzu_db, "MATCH (e:Entity) RETURN e.entityId, e.name, e.type, e.altLabels, "
                                               "e.paperCount, e.inVocabulary")}
    assert ents == {e.key: [e.label, e.type, list(e.alt_labels) or None, len(e.papers), e.in_vocabulary]
                    for e in graph.entities.values()}


def test_kuzu_tricky(tricky, tmp_path):
    kuzu = pytest.importorskip("kuzu")
    folder = write_neo4j(Bundle(tricky), tmp_path / "out")[0]
    conn = run_load_cypher(kuzu, folder, tmp_path / "kg.kuzu")
    papers = rows(conn, "MATCH (p:Paper) RETURN p.paperId, p.title, p.abstract, p.date, p.authors, p.categories, "
                        "p.url ORDER BY p.paperId")
    assert papers == [
        ["-1+2", 'A "quoted", =cmd|\' /C calc\'!A0; title', 'Line one line two line three; with "quotes"',
         dt.date(2024, 6, 29), ["Doe, Jane", 'O"Neil'], ["cs.LG", "cs,AI"], "https://e.org/?a=1,b=2"],
        ["p2", None, "@SUM(A1) second abstract", None, None, None, None]]
    assert rows(conn, "MATCH (d:Entity)-[r:EVALUATED_WITH]->(m:Entity) RETURN d.name, m.name, r.paperId, "
                      "r.evidence") == [["ImageNet", "accuracy", "-1+2", 'We report accuracy on ImageNet, "top-1".']]
    assert rows(conn, "MATCH (p:Paper)-[:PROPOSES]->(e:Entity) RETURN p.paperId, e.name") == [["-1+2", "=Formula"]]
    assert rows(conn, "MATCH (p:Paper)-[:USES_DATASET]->(d:Entity) RETURN count(p)") == [[2]]
