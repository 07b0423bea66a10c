"""`kg show` as text: an entity or paper record (:mod:`kg.lookup`) for the terminal.

A mention is marked ``[[like this]]`` in its sentence. Text from papers is printed with control
characters escaped (:func:`kg.errors.printable`), so nothing read acts on the terminal.
"""

from __future__ import annotations

import textwrap

from kg.errors import counted, printable

WIDTH = 100


def marked(sentence: str, mark: list[int] | None, left: str = "[[", right: str = "]]") -> str:
    """``sentence`` with ``sentence[a:b]`` between ``left`` and ``right`` (unchanged without a mark)."""
    if not mark:
        return sentence
    a, b = mark
    return f"{sentence[:a]}{left}{sentence[a:b]}{right}{sentence[b:]}"


def papers(n: int) -> str:
    """``1 paper``, ``2 papers``."""
    return counted(n, "paper")


def _p(text) -> str:
    return printable(str(text)) if text is not None else ""


def unnamed_system(proposed: bool) -> str:
    """What a result's system column says when the sentence names no system."""
    return "the paper's own, not named" if proposed else "system not named"


def _who(system: str | None, proposed: bool) -> str:
    if not system:
        return f"({unnamed_system(proposed)})"
    return _p(system) + (" (the paper's own)" if proposed else "")


def _paper(ref: dict) -> str:
    date = f" ({ref['date']})" if ref.get("date") else ""
    title = _p(ref.get("title")) or "(untitled)"
    return f"{_p(ref.get('id'))}{date}  {title}"


def _wrap(text: str, indent: str) -> list[str]:
    return textwrap.wrap(text, WIDTH, initial_indent=indent, subsequent_indent=indent + "  ") or [indent]


def format_entity(rec: dict) -> str:
    out = [f"{_p(rec['label'])}  ({rec['type']}, {papers(rec['paper_count'])})", f"  IRI      {rec['iri']}"]
    if rec.get("matched_by") and rec["matched_by"] != "label":
        out.append(f"  matched  {_p(rec.get('query'))!s} by {rec['matched_by']}")
    if rec["aliases"]:
        out += _wrap("also     " + "; ".join(_p(a) for a in rec["aliases"]), "  ")
    out.append(f"  in a vocabulary: {'yes' if rec['in_vocabulary'] else 'no'}")
    if rec["papers_per_year"]:
        out.append("  papers per year: " + ", ".join(f"{y} {n}" for y, n in rec["papers_per_year"].items()))
    out.append("")
    out.append(f"Proposed by ({papers(len(rec['proposed_by']))}):" if rec["proposed_by"] else "Proposed by: no paper")
    for item in rec["proposed_by"]:
        out += _wrap(_paper(item["paper"]), "  ")
        if item["sentence"]:
            out += _wrap(_p(marked(item["sentence"], item["mark"])), "      ")
    out.append("")
    out.append("Co-occurs with (papers in common):")
    for typ, items in rec["cooccurring"].items():
        if items:
            out += _wrap(f"{typ}: " + ", ".join(f"{_p(i['label'])} ({i['papers']})" for i in items), "  ")
    if not any(rec["cooccurring"].values()):
        out.append("  nothing")
    out.append("")
    if rec["evaluations"]:
        if rec["type"] in ("Dataset", "Metric"):
            other = "metric" if rec["type"] == "Dataset" else "dataset"
            out.append("Evaluated with (the metrics reported on it, papers):" if other == "metric"
                       else "Evaluated with (the datasets it is reported on, papers):")
            out += [f"  {_p(e[other]['label'])} ({e['papers']})" for e in rec["evaluations"]]
        else:
            out.append("Evaluated with (dataset / metric reported in the papers that mention it, papers):")
            out += [f"  {_p(e['dataset']['label'])} / {_p(e['metric']['label'])} ({e['papers']})"
                    for e in rec["evaluations"]]
        if rec["evaluation_pairs"] > len(rec["evaluations"]):
            out.append(f"  ... and {rec['evaluation_pairs'] - len(rec['evaluations'])} more")
    elif not rec.get("evaluations_in_graph", True):
        out.append("Evaluated with: not in this graph (a build past 20,000 papers keeps no kg:Evaluation nodes)")
    else:
        out.append("Evaluated with: no dataset and metric reported together in one sentence")
    out.append("")
    for b in rec.get("leaderboards") or ():
        out.append(f"Results on {_p(b['dataset'])} / {_p(b['metric'])} ({b['direction']} is better; "
                   f"best {len(b['best'])} of {b['results']}):")
        for x in b["best"]:
            who = _who(x["system"], x["proposed"])
            out += _wrap(f"{_p(x['value'])}  {who}  {_paper(x['paper'])}".replace("   ", "  "), "  ")
    if rec.get("leaderboards"):
        out.append("")
    shown, total = len(rec["evidence"]), rec["evidence_papers"]
    if rec["evidence_source"] is None:
        out.append("Evidence: not in this graph (no mention nodes, and no mentions.csv beside it)")
    else:
        out.append(f"Evidence ({shown} of {papers(total)}, most recent first):")
    for ev in rec["evidence"]:
        out += _wrap(_paper(ev["paper"]), "  ")
        out += _wrap(_p(marked(ev["sentence"], ev["mark"])), "      ")
    if rec.get("other_matches"):
        out.append("")
        out.append("The name also matches: " + "; ".join(
            f"{_p(o['label'])} ({o['type']}, {papers(o['papers'])})" for o in rec["other_matches"]))
    return "\n".join(out) + "\n"


def format_paper(rec: dict) -> str:
    out = [f"{_p(rec['title']) or '(untitled)'}", f"  id       {_p(rec['id'])}", f"  IRI      {rec['iri']}"]
    if rec["date"] or rec["date_text"]:
        out.append(f"  date     {_p(rec['date'] or rec['date_text'])}")
    if rec["authors"]:
        out += _wrap("authors  " + ", ".join(_p(a) for a in rec["authors"]), "  ")
    if rec["url"]:
        out.append(f"  url      {_p(rec['url'])}")
    out.append("")
    for typ, items in rec["entities"].items():
        if items:
            out += _wrap(f"{typ}: " + ", ".join(_p(i["label"]) + (" (proposed)" if i["proposed"] else "")
                                                for i in items), "  ")
    if rec["evaluations"]:
        out.append("")
        out.append("Evaluations (dataset / metric):")
        out += [f"  {_p(e['dataset']['label'])} / {_p(e['metric']['label'])}" for e in rec["evaluations"]]
    return "\n".join(out) + "\n"


def format_record(rec: dict) -> str:
    """The text of an entity or paper record."""
    return format_entity(rec) if rec["kind"] == "entity" else format_paper(rec)
