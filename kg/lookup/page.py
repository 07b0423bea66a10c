"""An entity's or paper's record (:mod:`kg.lookup`) as a self-contained HTML page (`kg serve`'s ``/id/...``).

Every text from papers and labels is HTML-escaped; links go only to this server's own pages
(``/id/entity/...``, ``/id/paper/...``, ``/`` for the graph view) and to a paper's ``http(s)`` URL.
The page loads nothing: its style is inline, it has no script, and the server sends it with a
Content-Security-Policy that forbids anything else.
"""

from __future__ import annotations

from html import escape

from kg.lookup import local_path
from kg.lookup.text import papers, unnamed_system
from kg.markup import clean_span, strip_markup

#: Sent with every page: nothing but the inline style may load or run.
CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src 'none'; base-uri 'none'; form-action 'none'"

_STYLE = """body{font:15px/1.5 system-ui,sans-serif;max-width:56em;margin:1.5em auto;padding:0 1em;color:#222}
h1{margin-bottom:.2em}.type{color:#666;font-weight:normal}nav{font-size:90%;margin-bottom:1em}
a{color:#0550ae;text-decoration:none}a:hover{text-decoration:underline}mark{background:#fff1a8;padding:0 .1em}
table{border-collapse:collapse}td,th{padding:.15em .8em .15em 0;text-align:left;vertical-align:top}
.ev{margin:.2em 0 .9em 1.2em}.meta{color:#555}.n{color:#666}code{font-size:90%}"""

TYPE_COLORS = {"Method": "#1f77b4", "Architecture": "#9467bd", "Dataset": "#2ca02c", "Metric": "#ff7f0e",
               "Task": "#d62728"}


def _e(text) -> str:
    return escape("" if text is None else str(text), quote=True)


def _link(iri: str, text: str) -> str:
    path = local_path(iri)
    return f'<a href="{_e(path)}">{_e(text)}</a>' if path else _e(text)


def _marked(sentence: str, mark) -> str:
    if not mark:
        return _e(sentence)
    a, b = mark
    return f"{_e(sentence[:a])}<mark>{_e(sentence[a:b])}</mark>{_e(sentence[b:])}"


def _paper_ref(ref: dict) -> str:
    title = ref.get("title") or ref.get("id") or ref["iri"]
    date = f' <span class="meta">{_e(ref["date"])}</span>' if ref.get("date") else ""
    return _link(ref["iri"], title) + date


def _page(title: str, body: list[str], iri: str) -> str:
    alternates = "".join(f'<link rel="alternate" type="{t}" href="">' for t in
                         ("text/turtle", "application/ld+json", "application/n-triples", "application/json"))
    return ("<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<meta name=\"viewport\" content=\"width=device-width\"><title>{_e(title)} - paper-kg</title>"
            f"{alternates}<style>{_STYLE}</style></head>\n<body>\n"
            f'<nav><a href="/">graph view</a> &middot; <a href="/leaderboards">leaderboards</a> &middot; '
            f'<a href="/sparql">SPARQL</a> &middot; '
            f"<code>{_e(iri)}</code></nav>\n" + "\n".join(body) + "\n</body></html>\n")


def entity_page(rec: dict) -> str:
    """The HTML page of an entity record."""
    color = TYPE_COLORS.get(rec["type"], "#333")
    body = [f'<h1>{_e(rec["label"])} <span class="type" style="color:{color}">{_e(rec["type"])}</span></h1>',
            f'<p class="meta">{papers(rec["paper_count"])}'
            f'{" &middot; in a curated vocabulary" if rec["in_vocabulary"] else ""}</p>']
    if rec["aliases"]:
        body.append(f"<p>Also written: {', '.join(_e(a) for a in rec['aliases'])}</p>")
    if rec["papers_per_year"]:
        body.append("<p>Papers per year: " + ", ".join(f"{_e(y)}&nbsp;<b>{n}</b>"
                                                        for y, n in rec["papers_per_year"].items()) + "</p>")
    body.append(f"<h2>Proposed by ({len(rec['proposed_by'])})</h2>")
    if not rec["proposed_by"]:
        body.append("<p>No paper of this build proposes it.</p>")
    for item in rec["proposed_by"]:
        body.append(f"<div>{_paper_ref(item['paper'])}</div>")
        if item["sentence"]:
            body.append(f'<div class="ev">{_marked(item["sentence"], item["mark"])}</div>')
    body.append("<h2>Co-occurs with</h2><table>")
    for typ, items in rec["cooccurring"].items():
        if items:
            cells = ", ".join(f'{_link(i["iri"], i["label"])} <span class="n">({i["papers"]})</span>' for i in items)
            body.append(f"<tr><th>{_e(typ)}</th><td>{cells}</td></tr>")
    body.append("</table><p class=\"meta\">(papers in common)</p>")
    body.append("<h2>Evaluated with</h2>")
    if rec["evaluations"]:
        body.append("<table><tr><th>dataset</th><th>metric</th><th>papers</th></tr>")
        for ev in rec["evaluations"]:
            body.append(f"<tr><td>{_link(ev['dataset']['iri'], ev['dataset']['label'])}</td>"
                        f"<td>{_link(ev['metric']['iri'], ev['metric']['label'])}</td><td>{ev['papers']}</td></tr>")
        body.append("</table>")
        if rec["evaluation_pairs"] > len(rec["evaluations"]):
            body.append(f"<p class=\"meta\">... and {rec['evaluation_pairs'] - len(rec['evaluations'])} more</p>")
    elif not rec.get("evaluations_in_graph", True):
        body.append("<p>Not in this graph (a build past 20,000 papers keeps no evaluation nodes).</p>")
    else:
        body.append("<p>No dataset and metric reported together in one sentence.</p>")
    if rec.get("leaderboards"):
        body.append('<h2>Results (<a href="/leaderboards">all leaderboards</a>)</h2>')
        for b in rec["leaderboards"]:
            better = "higher" if b["direction"] == "higher" else "lower"
            body.append(f"<h3>{_e(b['dataset'])} &middot; {_e(b['metric'])} <span class=\"meta\">({better} is "
                        f"better; best {len(b['best'])} of {b['results']})</span></h3><table>")
            for x in b["best"]:
                if x["system"]:
                    system = _e(x["system"]) + (" <span class=\"meta\">(the paper's own)</span>" if x["proposed"] else "")
                else:
                    system = f"<span class=\"meta\">{_e(unnamed_system(x['proposed']))}</span>"
                body.append(f"<tr><td><b>{_e(x['value'])}</b></td><td>{system}</td>"
                            f"<td>{_paper_ref(x['paper'])}</td></tr>")
            body.append("</table>")
    body.append(f"<h2>Evidence ({len(rec['evidence'])} of {papers(rec['evidence_papers'])}, most recent first)</h2>")
    for ev in rec["evidence"]:
        body.append(f"<div>{_paper_ref(ev['paper'])}</div>")
        body.append(f'<div class="ev">{_marked(ev["sentence"], ev["mark"])}</div>')
    return _page(rec["label"], body, rec["iri"])


def _marked_text(text: str, mentions: list[dict]) -> str:
    """The paper's text as a reader sees it (without LaTeX formatting, :mod:`kg.markup`)
    with each mention linked to its entity (overlapping ones after the first skipped)."""
    text, chars = strip_markup(text)
    out, at = [], 0
    for m in mentions:
        start, end = clean_span(chars, m["start"], m["end"])
        if start < at or text[start:end] != m["surface"]:
            continue
        out.append(_e(text[at:start]))
        path = local_path(m["entity"])
        out.append(f'<a href="{_e(path)}"><mark>{_e(m["surface"])}</mark></a>')
        at = end
    out.append(_e(text[at:]))
    return "".join(out).replace("\n", "<br>\n")


def paper_page(rec: dict) -> str:
    """The HTML page of a paper record."""
    title = rec["title"] or rec["id"]
    body = [f"<h1>{_e(title)}</h1>"]
    meta = [_e(rec["id"])]
    if rec["date"] or rec["date_text"]:
        meta.append(_e(rec["date"] or rec["date_text"]))
    if rec["authors"]:
        meta.append(_e(", ".join(rec["authors"])))
    elif rec["author_count"]:
        meta.append(f"{rec['author_count']} authors")
    url = rec["url"] or ""
    if url.startswith(("https://", "http://")):
        meta.append(f'<a href="{_e(url)}" rel="noopener noreferrer">{_e(url)}</a>')
    body.append(f"<p class=\"meta\">{' &middot; '.join(meta)}</p>")
    body.append("<table>")
    for typ, items in rec["entities"].items():
        if items:
            cells = ", ".join(_link(i["iri"], i["label"]) + (" <b>(proposed)</b>" if i["proposed"] else "")
                              for i in items)
            body.append(f"<tr><th>{_e(typ)}</th><td>{cells}</td></tr>")
    body.append("</table>")
    if rec["evaluations"]:
        body.append("<h2>Evaluations</h2><table><tr><th>dataset</th><th>metric</th><th>sentence</th></tr>")
        for ev in rec["evaluations"]:
            body.append(f"<tr><td>{_link(ev['dataset']['iri'], ev['dataset']['label'])}</td>"
                        f"<td>{_link(ev['metric']['iri'], ev['metric']['label'])}</td>"
                        f"<td>{_e(ev['sentence'])}</td></tr>")
        body.append("</table>")
    body.append("<h2>Text</h2>")
    body.append(f"<p>{_marked_text(rec['text'], rec['mentions'])}</p>")
    return _page(title, body, rec["iri"])


def record_page(rec: dict) -> str:
    return entity_page(rec) if rec["kind"] == "entity" else paper_page(rec)
