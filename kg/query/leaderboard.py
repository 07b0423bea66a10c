"""``kg leaderboard``: the leaderboards of a built graph, read from its RDF (``kg:Result`` nodes).

The results come from the graph by SPARQL (so any build folder or RDF file written by
``kg build`` serves), become :class:`kg.assemble.leaderboard.Entry` records and are ranked by
:func:`kg.assemble.leaderboard.leaderboards`. ``--task`` keeps the results of papers that address
a task whose label contains the text.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

from kg.assemble.leaderboard import Board, Entry, leaderboards
from kg.config import ONTOLOGY_NS
from kg.errors import KgError

RESULTS_QUERY = f"""
PREFIX kg: <{ONTOLOGY_NS}>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX schema: <https://schema.org/>
SELECT ?pid ?title ?date ?dateText ?url ?metricName ?metricLabel ?value ?valueText ?unit
       ?datasetName ?datasetLabel ?systemName ?proposed ?sentence
WHERE {{
  ?paper kg:reportsResult ?r ; dcterms:identifier ?pid .
  ?r kg:resultKind "absolute" ; kg:metricName ?metricName ; kg:value ?value ; kg:valueText ?valueText ;
     kg:datasetName ?datasetName ; kg:byProposedSystem ?proposed ; kg:sentence ?sentence .
  OPTIONAL {{ ?r kg:resultDataset ?d . ?d skos:prefLabel ?datasetLabel }}
  OPTIONAL {{ ?r kg:resultMetric ?m . ?m skos:prefLabel ?metricLabel }}
  OPTIONAL {{ ?r kg:unit ?unit }}
  OPTIONAL {{ ?r kg:systemName ?systemName }}
  OPTIONAL {{ ?paper dcterms:title ?title }}
  OPTIONAL {{ ?paper dcterms:date ?date }}
  OPTIONAL {{ ?paper kg:dateText ?dateText }}
  OPTIONAL {{ ?paper schema:url ?url }}
}}
"""

TASKS_QUERY = f"""
PREFIX kg: <{ONTOLOGY_NS}>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT DISTINCT ?pid ?task WHERE {{
  ?paper kg:reportsResult ?r ; dcterms:identifier ?pid ; kg:addressesTask ?t .
  ?t skos:prefLabel ?task .
}}
"""


def graph_entries(store, task: str | None = None, timeout: float = 60.0, entity: str | None = None) -> list[Entry]:
    """The absolute results with a dataset of a graph store, as leaderboard entries; with
    ``entity`` (an entity IRI), only those it is the metric, dataset or system of."""
    import pyoxigraph

    from kg.query import run_query

    query = RESULTS_QUERY
    if entity is not None:
        of = f"  ?r kg:resultMetric|kg:resultDataset|kg:resultSystem {pyoxigraph.NamedNode(entity)} .\n"
        query = query.replace("WHERE {\n", "WHERE {\n" + of, 1)
    cols, rows = run_query(store, query, timeout=timeout)
    keep = None
    if task:
        _, trows = run_query(store, TASKS_QUERY, timeout=timeout)
        t = task.lower()
        keep = {pid for pid, label in trows if t in label.lower()}
    out = []
    for row in rows:
        r = dict(zip(cols, row))
        if keep is not None and r["pid"] not in keep:
            continue
        try:
            number = float(r["value"])
        except ValueError:
            continue
        out.append(Entry(
            dataset=r["datasetLabel"] or r["datasetName"], metric=r["metricLabel"] or r["metricName"],
            value=r["valueText"], number=number, unit=r["unit"], system=r["systemName"] or None,
            proposed=r["proposed"] == "true", paper_id=r["pid"], paper_title=r["title"] or None,
            date=r["date"] or r["dateText"] or None, sentence=r["sentence"], url=r["url"] or None))
    return out


def graph_leaderboards(graph: Path, dataset: str | None = None, metric: str | None = None, task: str | None = None,
                       top: int | None = None) -> list[Board]:
    """The leaderboards of a build folder or RDF file (see :func:`kg.assemble.leaderboard.leaderboards`).

    Raises
    ------
    KgError
        No graph there, or a filter matches nothing.
    """
    from kg.query import open_graph

    if top is not None and top < 1:
        raise KgError("--top must be at least 1")
    entries = graph_entries(open_graph(graph), task)
    if not entries:
        why = f" of papers addressing a task like {task!r}" if task else ""
        raise KgError(f"the graph holds no absolute result with a dataset{why} (built before results "
                      "were extracted? rebuild it)", str(graph))
    boards = leaderboards(entries, dataset=dataset, metric=metric, top=top)
    if not boards:
        wanted = " and ".join(f"{k} {v!r}" for k, v in (("dataset", dataset), ("metric", metric)) if v)
        raise KgError(f"no leaderboard for {wanted}", str(graph))
    return boards


def format_boards(boards: list[Board], width: int = 100) -> str:
    """Boards as text: a heading per board, one line per result with its sentence below."""
    out = []
    for b in boards:
        better = "lower" if b.direction == "lower" else "higher"
        out.append(f"== {b.dataset} · {b.metric}  ({better} is better, {len(b.entries)} shown)")
        for i, e in enumerate(b.entries, 1):
            own = " (own)" if e.proposed else ""
            title = (e.paper_title or "").replace("\n", " ")
            title = title if len(title) <= 60 else title[:59] + "…"
            out.append(f"{i:3d}. {e.value:>12s}  {(e.system or '-') + own:28s} {e.paper_id}  {e.date or '':10s}  {title}")
            out.append(textwrap.indent(textwrap.fill(e.sentence.replace("\n", " "), width - 7), " " * 7))
        out.append("")
    return "\n".join(out)
