"""Neo4j: a ``neo4j/`` folder with bulk-import CSVs, an import script and a ``LOAD CSV`` script.

Files written (all UTF-8, no BOM, "\\n" line ends)::

    neo4j/papers.csv       (:Paper nodes)
    neo4j/entities.csv     (:Entity:<Type> nodes)
    neo4j/mentions.csv     (Paper)-[:USES_METHOD|USES_ARCHITECTURE|USES_DATASET|REPORTS_METRIC|ADDRESSES_TASK]->(Entity)
    neo4j/proposes.csv     (Paper)-[:PROPOSES]->(Entity)
    neo4j/cooccurs.csv     (Entity)-[:CO_OCCURS_WITH {weight}]->(Entity), once per pair (key a < key b)
    neo4j/evaluations.csv  (Dataset)-[:EVALUATED_WITH {paperId, evidence}]->(Metric), once per paper
    neo4j/results.csv      (:Result nodes): a number a paper reports, with metric, value, kind, evidence
    neo4j/reports.csv      (Paper)-[:REPORTS_RESULT]->(Result)
    neo4j/result_links.csv (Result)-[:MEASURED_WITH]->(Metric), -[:ON_DATASET]->(Dataset),
                           -[:ACHIEVED_BY]->(Method or Architecture)
    neo4j/import.sh        `neo4j-admin database import full` (offline bulk import)
    neo4j/load.cypher      LOAD CSV script for a running server (reads the same CSVs)
    neo4j/README.md        both ways, step by step

CSV dialect (what both ``neo4j-admin`` and ``LOAD CSV`` read):

* The headers use the Neo4j 5 import syntax (``name:type``, ``:ID(space)``, ``:START_ID(space)``,
  ``:END_ID(space)``, ``:LABEL``, ``:TYPE``); see :data:`HEADERS`.
* Every non-empty field is quoted, with embedded quotes doubled. A missing value (None, empty
  string, empty list) is an *unquoted* empty field: neo4j-admin then sets no property (a quoted
  ``""`` would be an empty string, and a parse error for ``:date``/``:int`` columns), and
  ``LOAD CSV`` sees null or "" (load.cypher maps both to null).
* Arrays are joined with ";" (neo4j-admin's default ``--array-delimiter``); a ";" inside an item
  becomes "," and empty items are dropped, so splitting on ";" gives back exactly the items.
* Carriage returns and line feeds inside text become spaces, so every record is one line and
  neo4j-admin needs no ``--multiline-fields=true`` (which disables its parallel parsing).
* No spreadsheet-formula neutralization (:func:`kg.export.tables.safe_cell`): these files are
  data for Neo4j, and the quote that neutralization prepends would be stored in the database,
  change ids (a paper id or entity key starting with "-" would no longer match its
  relationships) and alter titles and evidence sentences. The ``tables`` export is the one
  meant for spreadsheets and is neutralized there.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO

from kg.assemble.merge import KnowledgeGraph
from kg.atomic import atomic_write
from kg.export.sinks import Sink, write_one
from kg.model import ENTITY_TYPES, Extraction

FOLDER = "neo4j"
ARRAY_DELIMITER = ";"

#: Relationship type of a paper -> entity edge, by the entity's type.
REL_TYPE = {"Method": "USES_METHOD", "Architecture": "USES_ARCHITECTURE", "Dataset": "USES_DATASET",
            "Metric": "REPORTS_METRIC", "Task": "ADDRESSES_TASK"}

#: Header of every CSV file, by file name.
HEADERS: dict[str, tuple[str, ...]] = {
    "papers.csv": ("paperId:ID(Paper)", "title", "abstract", "date:date", "dateText", "authorCount:int",
                   "authors:string[]", "url", "categories:string[]", "sources:string[]", ":LABEL"),
    "entities.csv": ("entityId:ID(Entity)", "name", "type", "altLabels:string[]", "paperCount:int",
                     "inVocabulary:boolean", ":LABEL"),
    "mentions.csv": (":START_ID(Paper)", ":END_ID(Entity)", ":TYPE", "proposed:boolean", "mentionCount:int",
                     "evidence"),
    "proposes.csv": (":START_ID(Paper)", ":END_ID(Entity)", ":TYPE", "evidence"),
    "cooccurs.csv": (":START_ID(Entity)", ":END_ID(Entity)", ":TYPE", "weight:int"),
    "evaluations.csv": (":START_ID(Entity)", ":END_ID(Entity)", ":TYPE", "paperId", "evidence"),
    "results.csv": ("resultId:ID(Result)", "paperId", "metric", "value:double", "valueHigh:double", "valueText",
                    "unit", "kind", "dataset", "system", "proposed:boolean", "evidence", ":LABEL"),
    "reports.csv": (":START_ID(Paper)", ":END_ID(Result)", ":TYPE"),
    "result_links.csv": (":START_ID(Result)", ":END_ID(Entity)", ":TYPE"),
}

#: Relationship type of a result -> entity edge, by the entity's role.
RESULT_REL = {"metric": "MEASURED_WITH", "dataset": "ON_DATASET", "system": "ACHIEVED_BY"}


# --------------------------------------------------------------------------- values -> fields

def _text(s: str) -> str:
    """One-line text: CR/LF (and NUL) become spaces."""
    if "\n" in s or "\r" in s or "\x00" in s:
        s = s.replace("\r\n", " ").replace("\r", " ").replace("\n", " ").replace("\x00", " ")
    return s


def _array(items: Iterable[str]) -> str:
    """Items joined with ";" (a ";" inside an item becomes ","; empty items are dropped)."""
    cleaned = (_text(str(i)).replace(ARRAY_DELIMITER, ",").strip() for i in items)
    return ARRAY_DELIMITER.join(i for i in cleaned if i)


def _field(v) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return '"true"' if v else '"false"'
    s = v if isinstance(v, str) else str(v)
    if not s:
        return ""  # unquoted empty field: no property (see the module docstring)
    return '"' + _text(s).replace('"', '""') + '"'


def _line(values: Iterable) -> str:
    return ",".join(_field(v) for v in values) + "\n"


# --------------------------------------------------------------------------- rows

def _sentence(ex: Extraction, i: int) -> str:
    return ex.sentences[i] if 0 <= i < len(ex.sentences) else ""


def paper_row(ex: Extraction) -> tuple:
    p = ex.paper
    return (p.id, p.title, p.abstract, p.date.isoformat() if p.date else None, p.date_text, p.author_count,
            _array(p.authors), p.url, _array(p.categories), _array(str(s) for s in p.sources), "Paper")


def entity_rows(kg: KnowledgeGraph) -> Iterator[tuple]:
    for e in kg.entities.values():
        yield (e.key, e.label, e.type, _array(e.alt_labels), len(e.papers), e.in_vocabulary,
               f"Entity{ARRAY_DELIMITER}{e.type}")


def paper_links(ex: Extraction) -> dict[str, dict]:
    """Per entity key mentioned in a paper (first-mention order): mention count, proposed flag,
    evidence sentence (first mention) and proposal sentence (first proposing mention)."""
    links: dict[str, dict] = {}
    for m in ex.mentions:
        link = links.get(m.key)
        if link is None:
            link = links[m.key] = {"count": 0, "proposed": False, "evidence": _sentence(ex, m.sentence),
                                   "proposal": ""}
        link["count"] += 1
        if m.proposed and not link["proposed"]:
            link["proposed"] = True
            link["proposal"] = _sentence(ex, m.sentence)
    return links


def mention_rows(ex: Extraction, links: dict[str, dict], kg: KnowledgeGraph) -> Iterator[tuple]:
    for key, link in links.items():
        yield (ex.paper.id, key, REL_TYPE[kg.entities[key].type], link["proposed"], link["count"],
               link["evidence"])


def propose_rows(ex: Extraction, links: dict[str, dict]) -> Iterator[tuple]:
    for key, link in links.items():
        if link["proposed"]:
            yield ex.paper.id, key, "PROPOSES", link["proposal"]


def cooccur_rows(kg: KnowledgeGraph) -> Iterator[tuple]:
    for (a, b), w in kg.cooccurrence.items():
        yield a, b, "CO_OCCURS_WITH", w


def cooccur_lines(kg: KnowledgeGraph) -> Iterator[str]:
    """:func:`cooccur_rows` as CSV lines (what :func:`_line` makes of them, the most numerous
    rows of a large build, with each key quoted once however many pairs it is in)."""
    quoted: dict[str, str] = {}

    def q(key: str) -> str:
        f = quoted.get(key)
        if f is None:
            f = quoted[key] = _field(key)
        return f

    for (a, b), w in kg.cooccurrence.items():
        yield f'{q(a)},{q(b)},"CO_OCCURS_WITH",{_field(w)}\n'


def evaluation_rows(ex: Extraction, kg: KnowledgeGraph) -> Iterator[tuple]:
    """One row per (dataset, metric) of a paper, with the first sentence saying it."""
    seen: set[tuple[str, str]] = set()
    for ev in ex.evaluations:
        pair = (ev.dataset, ev.metric)
        if pair in seen or ev.dataset not in kg.entities or ev.metric not in kg.entities:
            continue
        seen.add(pair)
        yield ev.dataset, ev.metric, "EVALUATED_WITH", ex.paper.id, _sentence(ex, ev.sentence)


def result_id(ex: Extraction, n: int) -> str:
    """The node id of a paper's n-th result."""
    return f"{ex.paper.id}#result-{n}"


def result_rows(ex: Extraction, kg: KnowledgeGraph) -> tuple[list[tuple], list[tuple], list[tuple]]:
    """A paper's :Result nodes, its REPORTS_RESULT edges and the result -> entity edges (to the
    entities the graph has)."""
    nodes, reports, links = [], [], []
    for n, r in enumerate(ex.results):
        rid = result_id(ex, n)
        nodes.append((rid, ex.paper.id, r.metric, r.number, r.number_high, r.value, r.unit, r.kind, r.dataset,
                      r.system, r.proposed, _sentence(ex, r.sentence), "Result"))
        reports.append((ex.paper.id, rid, "REPORTS_RESULT"))
        for role, key, types in (("metric", r.metric_key, ("Metric",)), ("dataset", r.dataset_key, ("Dataset",)),
                                 ("system", r.system_key, ("Method", "Architecture"))):
            if key is not None and key in kg.entities and kg.entity_type(key) in types:
                links.append((rid, key, RESULT_REL[role]))
    return nodes, reports, links


def _csv(stack: contextlib.ExitStack, folder: Path, name: str) -> IO[str]:
    """Open ``folder/name`` for an atomic write and write its header."""
    f = stack.enter_context(atomic_write(folder / name, "w", newline=""))
    f.write(",".join(HEADERS[name]) + "\n")  # header names hold no comma or quote
    return f


# --------------------------------------------------------------------------- import.sh

IMPORT_SH = """\
#!/bin/sh
# Bulk-import this folder into a Neo4j 5 database with neo4j-admin (offline, fastest way).
#
# Usage:   ./import.sh [--overwrite] [database]      database defaults to "neo4j"
#          NEO4J_ADMIN=/path/to/neo4j/bin/neo4j-admin ./import.sh mydb
#
# Stop the database first (Community: `neo4j stop`; Enterprise: `STOP DATABASE mydb`).
# "import full" creates the database from scratch. It never replaces an existing database
# unless told to: with --overwrite, everything in the database is lost and replaced by
# this graph; without it neo4j-admin refuses a database that exists.
# After the import start Neo4j (Enterprise, new database name: `CREATE DATABASE mydb`) and
# create the two uniqueness constraints at the top of load.cypher.
#
# Options:
#   --nodes / --relationships  labels and types come from the :LABEL / :TYPE columns
#   --delimiter / --quote      "," and '"' (the defaults, spelled out)
#   --array-delimiter          ";" splits authors, categories, sources, altLabels
#   --id-type=string           paper ids and entity keys are strings; ID spaces Paper and
#                              Entity keep the two sets of ids apart
#   --multiline-fields=false   the exporter replaced line breaks in text with spaces
#   --overwrite-destination    true only with --overwrite
# The database name comes first: from Neo4j 5.19 a trailing name would be taken as one
# more input file.
set -eu
OVERWRITE=false
DATABASE=
for arg in "$@"; do
    case "$arg" in
        --overwrite) OVERWRITE=true ;;
        -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
        -*) echo "import.sh: unknown option $arg (see --help)" >&2; exit 2 ;;
        *) if [ -n "$DATABASE" ]; then echo "import.sh: one database name only" >&2; exit 2; fi
           DATABASE="$arg" ;;
    esac
done
DATABASE="${DATABASE:-neo4j}"
NEO4J_ADMIN="${NEO4J_ADMIN:-neo4j-admin}"
cd "$(dirname "$0")"

if "$NEO4J_ADMIN" database import full "$DATABASE" \\
    --nodes=papers.csv \\
    --nodes=entities.csv \\
    --relationships=mentions.csv \\
    --relationships=proposes.csv \\
    --relationships=cooccurs.csv \\
    --relationships=evaluations.csv \\
    --nodes=results.csv \\
    --relationships=reports.csv \\
    --relationships=result_links.csv \\
    --delimiter="," \\
    --quote='"' \\
    --array-delimiter=";" \\
    --id-type=string \\
    --multiline-fields=false \\
    --overwrite-destination="$OVERWRITE"
then
    exit 0
else
    status=$?
    if [ "$OVERWRITE" = false ]; then
        echo "import.sh: the import failed; if database \\"$DATABASE\\" exists and may be replaced (all its" \\
             "data lost), run: $0 --overwrite $DATABASE" >&2
    fi
    exit "$status"
fi
"""


# --------------------------------------------------------------------------- load.cypher

LOAD_HEAD = """\
// Load the paper-kg graph into a RUNNING Neo4j 5 server with LOAD CSV (no APOC needed).
//
// 1. Copy the *.csv files of this folder into the server's import directory
//    (server.directories.import, by default <NEO4J_HOME>/import; in Docker /var/lib/neo4j/import).
//    'file:///papers.csv' below is resolved against that directory.
// 2. Run this file:   cypher-shell -u neo4j -p <password> -d neo4j -f load.cypher
//    In Neo4j Browser, run one statement at a time and prefix the batched ones with :auto
//    (":auto LOAD CSV ..."): CALL { ... } IN TRANSACTIONS needs an implicit transaction.
//
// It reads the same CSV files as neo4j-admin (import.sh): the typed header names such as
// `date:date` or `:START_ID(Paper)` are plain column names here, written in backticks, and the
// values are converted by hand (date(), toInteger(), toBoolean(), split(x, ';') for arrays).
// One set of files serves both ways of importing, so they cannot drift apart.
// Empty fields (null or '') set no property, as in neo4j-admin.
// Every write is a MERGE on the node ids, so running the script twice changes nothing.
// Relationship types cannot be parameters without APOC, so mentions.csv is read once per
// type, keeping the rows of that type.
// CALL { WITH row ... } is the Neo4j 5.0+ form (5.23+ also accepts CALL (row) { ... }).
"""


def _val(col: str) -> str:
    return f"row.`{col}`"


def _nullable(col: str) -> str:
    return f"CASE {_val(col)} WHEN '' THEN null ELSE {_val(col)} END"


def _convert(col: str) -> str:
    """Cypher expression turning a CSV field into the value its header type declares."""
    name, _, typ = col.partition(":")
    v = _val(col)
    if typ == "date":
        return f"CASE coalesce({v}, '') WHEN '' THEN null ELSE date({v}) END"
    if typ == "int":
        return f"toInteger({v})"
    if typ == "double":
        return f"toFloat({v})"
    if typ == "boolean":
        return f"toBoolean({v})"
    if typ == "string[]":
        return f"CASE coalesce({v}, '') WHEN '' THEN null ELSE split({v}, '{ARRAY_DELIMITER}') END"
    return _nullable(col)


def _prop(col: str) -> str:
    return col.partition(":")[0]


def _batched(file: str, body: list[str], where: str | None = None) -> str:
    lines = [f"LOAD CSV WITH HEADERS FROM 'file:///{file}' AS row"]
    if where:
        lines.append(f"WITH row WHERE {where}")
    lines += ["CALL {", "  WITH row"] + [f"  {b}" for b in body] + ["} IN TRANSACTIONS OF 1000 ROWS;"]
    return "\n".join(lines)


def _set(var: str, cols: Iterable[str]) -> list[str]:
    items = [f"{var}.{_prop(c)} = {_convert(c)}" for c in cols]
    if not items:
        return []
    return ["SET " + items[0] + ("," if len(items) > 1 else "")] + \
        [f"    {i}{',' if n < len(items) - 1 else ''}" for n, i in enumerate(items[1:], 1)]


def load_cypher() -> str:
    blocks = [LOAD_HEAD.rstrip("\n"),
              "// ---- constraints (also run these after a neo4j-admin import)\n"
              "CREATE CONSTRAINT paper_id IF NOT EXISTS FOR (p:Paper) REQUIRE p.paperId IS UNIQUE;\n"
              "CREATE CONSTRAINT entity_id IF NOT EXISTS FOR (e:Entity) REQUIRE e.entityId IS UNIQUE;\n"
              "CREATE CONSTRAINT result_id IF NOT EXISTS FOR (r:Result) REQUIRE r.resultId IS UNIQUE;"]
    h = HEADERS["papers.csv"]
    blocks.append("// ---- Paper nodes\n" + _batched(
        "papers.csv", [f"MERGE (p:Paper {{paperId: {_val(h[0])}}})"] + _set("p", h[1:-1])))
    h = HEADERS["entities.csv"]
    blocks.append("// ---- Entity nodes (the type label is added below)\n" + _batched(
        "entities.csv", [f"MERGE (e:Entity {{entityId: {_val(h[0])}}})"] + _set("e", h[1:-1])))
    blocks.append("// ---- a second label per entity type, as the :LABEL column says (Entity;Method, ...)\n"
                  + "\n".join(
        f"MATCH (e:Entity {{type: '{t}'}}) CALL {{ WITH e SET e:{t} }} IN TRANSACTIONS OF 10000 ROWS;"
        for t in ENTITY_TYPES))
    h = HEADERS["mentions.csv"]
    for t in ENTITY_TYPES:
        rel = REL_TYPE[t]
        blocks.append(f"// ---- (Paper)-[:{rel}]->(Entity:{t})\n" + _batched(
            "mentions.csv",
            [f"MATCH (p:Paper {{paperId: {_val(h[0])}}})", f"MATCH (e:Entity {{entityId: {_val(h[1])}}})",
             f"MERGE (p)-[r:{rel}]->(e)"] + _set("r", h[3:]),
            where=f"{_val(':TYPE')} = '{rel}'"))
    h = HEADERS["proposes.csv"]
    blocks.append("// ---- (Paper)-[:PROPOSES]->(Entity)\n" + _batched(
        "proposes.csv",
        [f"MATCH (p:Paper {{paperId: {_val(h[0])}}})", f"MATCH (e:Entity {{entityId: {_val(h[1])}}})",
         "MERGE (p)-[r:PROPOSES]->(e)"] + _set("r", h[3:]),
        where=f"{_val(':TYPE')} = 'PROPOSES'"))
    h = HEADERS["cooccurs.csv"]
    blocks.append("// ---- (Entity)-[:CO_OCCURS_WITH {weight}]->(Entity): once per pair, read it undirected\n"
                  + _batched(
        "cooccurs.csv",
        [f"MATCH (a:Entity {{entityId: {_val(h[0])}}})", f"MATCH (b:Entity {{entityId: {_val(h[1])}}})",
         "MERGE (a)-[r:CO_OCCURS_WITH]->(b)"] + _set("r", h[3:]),
        where=f"{_val(':TYPE')} = 'CO_OCCURS_WITH'"))
    h = HEADERS["evaluations.csv"]
    blocks.append("// ---- (Dataset)-[:EVALUATED_WITH {paperId}]->(Metric): one per paper reporting the pair\n"
                  + _batched(
        "evaluations.csv",
        [f"MATCH (d:Entity {{entityId: {_val(h[0])}}})", f"MATCH (m:Entity {{entityId: {_val(h[1])}}})",
         f"MERGE (d)-[r:EVALUATED_WITH {{paperId: {_val('paperId')}}}]->(m)"] + _set("r", h[4:]),
        where=f"{_val(':TYPE')} = 'EVALUATED_WITH'"))
    h = HEADERS["results.csv"]
    blocks.append("// ---- Result nodes\n" + _batched(
        "results.csv", [f"MERGE (x:Result {{resultId: {_val(h[0])}}})"] + _set("x", h[1:-1])))
    blocks.append("// ---- (Paper)-[:REPORTS_RESULT]->(Result)\n" + _batched(
        "reports.csv",
        [f"MATCH (p:Paper {{paperId: {_val(':START_ID(Paper)')}}})",
         f"MATCH (x:Result {{resultId: {_val(':END_ID(Result)')}}})", "MERGE (p)-[:REPORTS_RESULT]->(x)"],
        where=f"{_val(':TYPE')} = 'REPORTS_RESULT'"))
    for rel in RESULT_REL.values():
        blocks.append(f"// ---- (Result)-[:{rel}]->(Entity)\n" + _batched(
            "result_links.csv",
            [f"MATCH (x:Result {{resultId: {_val(':START_ID(Result)')}}})",
             f"MATCH (e:Entity {{entityId: {_val(':END_ID(Entity)')}}})", f"MERGE (x)-[:{rel}]->(e)"],
            where=f"{_val(':TYPE')} = '{rel}'"))
    return "\n\n".join(blocks) + "\n"


# --------------------------------------------------------------------------- README.md

README = """\
# paper-kg in Neo4j

This folder holds the knowledge graph as CSV files for Neo4j 5, and two ways to load them.

| file | contents |
| --- | --- |
| `papers.csv` | `:Paper` nodes: `paperId`, `title`, `abstract`, `date` (date), `dateText`, `authorCount`, `authors[]`, `url`, `categories[]`, `sources[]` |
| `entities.csv` | `:Entity` nodes with a second label `:Method`, `:Architecture`, `:Dataset`, `:Metric` or `:Task`: `entityId` (normalized key), `name`, `type`, `altLabels[]`, `paperCount`, `inVocabulary` |
| `mentions.csv` | `(:Paper)-[:USES_METHOD / USES_ARCHITECTURE / USES_DATASET / REPORTS_METRIC / ADDRESSES_TASK]->(:Entity)` with `proposed`, `mentionCount`, `evidence` (the sentence of the first mention) |
| `proposes.csv` | `(:Paper)-[:PROPOSES]->(:Entity)`: the paper introduces the entity; `evidence` |
| `cooccurs.csv` | `(:Entity)-[:CO_OCCURS_WITH {weight}]->(:Entity)`: `weight` papers mention both; stored once per pair, query it undirected: `(a)-[:CO_OCCURS_WITH]-(b)` |
| `evaluations.csv` | `(:Entity:Dataset)-[:EVALUATED_WITH {paperId, evidence}]->(:Entity:Metric)`: a paper reports the metric on the dataset |
| `results.csv` | `:Result` nodes: a number a paper reports: `resultId`, `paperId`, `metric` (as written), `value` (float), `valueHigh` (range end), `valueText` (as written), `unit`, `kind` (absolute or delta), `dataset`, `system`, `proposed`, `evidence` |
| `reports.csv` | `(:Paper)-[:REPORTS_RESULT]->(:Result)` |
| `result_links.csv` | `(:Result)-[:MEASURED_WITH]->(:Metric)`, `-[:ON_DATASET]->(:Dataset)`, `-[:ACHIEVED_BY]->(:Method or :Architecture)` |
| `import.sh` | offline bulk import with `neo4j-admin database import full` |
| `load.cypher` | `LOAD CSV` script for a running server |

Line breaks inside text were replaced with spaces, and `;` inside list items with `,`
(`;` separates list items). Empty fields mean "no value" and set no property.
The CSVs are not made safe for spreadsheets; open the `tables` export in a spreadsheet instead.

## Way 1: bulk import with neo4j-admin (fastest; the database is created from scratch)

1. Stop the database. Community Edition: `neo4j stop` (or stop the Neo4j Desktop DBMS).
   Enterprise Edition with another database: `STOP DATABASE mydb` in the `system` database.
2. Run the script from anywhere (it changes into this folder):

   ```sh
   ./import.sh                 # database "neo4j"; refused if it exists
   ./import.sh mydb            # another database name
   ./import.sh --overwrite     # replace the database "neo4j": everything in it is lost
   NEO4J_ADMIN=/opt/neo4j/bin/neo4j-admin ./import.sh   # if neo4j-admin is not on PATH
   ```

   With Docker (the same command inside the official image, data kept in a volume):

   ```sh
   docker run --rm -v "$PWD":/kg -v neo4j-data:/data neo4j:5 \\
       sh -c 'cd /kg && NEO4J_ADMIN=neo4j-admin sh import.sh neo4j'
   ```

3. Start Neo4j (`neo4j start`). Enterprise Edition, new database name: `CREATE DATABASE mydb`.
4. Create the uniqueness constraints (neo4j-admin does not create them):

   ```cypher
   CREATE CONSTRAINT paper_id IF NOT EXISTS FOR (p:Paper) REQUIRE p.paperId IS UNIQUE;
   CREATE CONSTRAINT entity_id IF NOT EXISTS FOR (e:Entity) REQUIRE e.entityId IS UNIQUE;
   ```

## Way 2: LOAD CSV into a running server (any existing database; can be re-run)

1. Copy the `*.csv` files into the server's import directory (setting
   `server.directories.import`; by default `<NEO4J_HOME>/import`, in Docker mount a folder at
   `/var/lib/neo4j/import`; in Neo4j Desktop: "Open folder > Import"). `file:///papers.csv`
   in the script refers to that directory.
2. Run the script:

   ```sh
   cypher-shell -a neo4j://localhost:7687 -u neo4j -p <password> -d neo4j -f load.cypher
   ```

   In Neo4j Browser, paste one statement at a time and put `:auto ` in front of each
   statement that uses `CALL { ... } IN TRANSACTIONS` (all `LOAD CSV` statements).
   The script creates the constraints first, then merges nodes and relationships, so running
   it again updates the graph instead of duplicating it.

## Try it

```cypher
// the most used datasets
MATCH (p:Paper)-[:USES_DATASET]->(d:Dataset)
RETURN d.name, count(p) AS papers ORDER BY papers DESC LIMIT 10;

// papers using a method, with the sentence that says so
MATCH (p:Paper)-[r:USES_METHOD]->(m:Method {name: 'knowledge distillation'})
RETURN p.title, p.date, r.evidence;

// a leaderboard: absolute results on a dataset, in one metric
MATCH (p:Paper)-[:REPORTS_RESULT]->(x:Result {kind: 'absolute'})-[:ON_DATASET]->(d:Dataset {name: 'ImageNet'})
MATCH (x)-[:MEASURED_WITH]->(m:Metric)
RETURN m.name, x.valueText, x.system, p.title, x.evidence ORDER BY m.name, x.value DESC;

// what is evaluated with which metric
MATCH (d:Dataset)-[r:EVALUATED_WITH]->(m:Metric)
RETURN d.name, m.name, count(r) AS papers ORDER BY papers DESC;

// entities that appear together most often
MATCH (a:Entity)-[c:CO_OCCURS_WITH]-(b:Entity) WHERE a.entityId < b.entityId
RETURN a.name, b.name, c.weight ORDER BY c.weight DESC LIMIT 20;
```
"""


# --------------------------------------------------------------------------- writer

def sink_neo4j(bundle, out_dir: Path) -> Sink:
    """Write the ``neo4j/`` folder (see the module docstring) from the stream of papers."""
    kg: KnowledgeGraph = bundle.kg
    folder = Path(out_dir) / FOLDER
    with contextlib.ExitStack() as stack:
        papers, mentions, proposes, evaluations, results, reports, result_links = (
            _csv(stack, folder, name) for name in ("papers.csv", "mentions.csv", "proposes.csv", "evaluations.csv",
                                                   "results.csv", "reports.csv", "result_links.csv"))
        while (ex := (yield)) is not None:
            papers.write(_line(paper_row(ex)))
            links = paper_links(ex)
            mentions.writelines(map(_line, mention_rows(ex, links, kg)))
            proposes.writelines(map(_line, propose_rows(ex, links)))
            evaluations.writelines(map(_line, evaluation_rows(ex, kg)))
            if ex.results:
                nodes, reps, rlinks = result_rows(ex, kg)
                results.writelines(map(_line, nodes))
                reports.writelines(map(_line, reps))
                result_links.writelines(map(_line, rlinks))
        _csv(stack, folder, "entities.csv").writelines(map(_line, entity_rows(kg)))
        _csv(stack, folder, "cooccurs.csv").writelines(cooccur_lines(kg))
    script = folder / "import.sh"
    with atomic_write(script, "w", newline="\n") as f:
        f.write(IMPORT_SH)
    mode = script.stat().st_mode
    os.chmod(script, mode | (mode & 0o444) >> 2)  # executable wherever readable
    with atomic_write(folder / "load.cypher", "w", newline="\n") as f:
        f.write(load_cypher())
    with atomic_write(folder / "README.md", "w", newline="\n") as f:
        f.write(README)
    return [folder]


def write_neo4j(bundle, out_dir: Path) -> list[Path]:
    """Write the ``neo4j/`` folder (see :func:`sink_neo4j`); returns the folder."""
    return write_one("neo4j", sink_neo4j(bundle, out_dir), bundle.kg.extractions)
