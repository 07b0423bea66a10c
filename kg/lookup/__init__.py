"""Look one entity or paper up in a build: what `kg show`, the IRI pages of `kg serve` and
``Build.show()`` report.

:class:`Lookup` answers from a build's graph (a pyoxigraph store, see :func:`kg.query.open_graph`)
with plain records (dicts of str, int, list; JSON as they are):

* :meth:`Lookup.resolve` turns a name into an IRI: an entity IRI, a paper IRI or id, an entity key,
  a preferred or alternative label (exact, then ignoring case, then ignoring spaces and
  punctuation); an unknown name raises
  :class:`NotFound` with the closest labels (:mod:`difflib`, then labels containing the name).
* :meth:`Lookup.entity` -- type, labels, papers per year, the papers that propose it with the
  sentence that says so, the entities it co-occurs with per type (papers in common), the datasets
  and metrics it is evaluated with (``kg:Evaluation``: a metric reported on a dataset in one
  sentence), evidence sentences with the mention's character span in the sentence, and the
  leaderboards of the results it is the metric, dataset or system of (``kg:Result``).
* :meth:`Lookup.paper` -- a paper's metadata, entities, evaluations and every mention.

Evidence comes from the graph's ``kg:Mention`` nodes (surface form, sentence, offsets). Builds
past :data:`kg.assemble.merge.LARGE_BUILD_PAPERS` papers leave those nodes (and the evaluations)
out of the RDF; there the mentions are read from the build's ``mentions.csv`` instead, which
always keeps them, and the records say ``"evidence_source": "mentions.csv"``.

Mention offsets in the graph are offsets in the paper's text (title, a blank line, abstract); a
record gives each sentence with ``mark``, the ``[start, end)`` of the mention in that sentence.
The triples about one entity or paper, for RDF answers, are :func:`kg.lookup.describe.describe`'s.
"""

from __future__ import annotations

import csv
import difflib
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

import pyoxigraph as ox

from kg.assemble.iris import paper_slug
from kg.cells import unguard as _unquote  # (cells of mentions.csv, as kg.export.tables wrote them)
from kg.config import RESOURCE_NS
from kg.errors import KgError
from kg.markup import clean_span, strip_markup
from kg.model import ENTITY_TYPES
from kg.query.text import PREFIXES

USES = {"Method": "usesMethod", "Architecture": "usesArchitecture", "Dataset": "usesDataset",
        "Metric": "reportsMetric", "Task": "addressesTask"}
ENTITY_NS = f"{RESOURCE_NS}entity/"
PAPER_NS = f"{RESOURCE_NS}paper/"
_ANY_USE = "|".join(f"kg:{p}" for p in USES.values())
_SLUG = re.compile(r"[A-Za-z0-9._-]+")

#: Defaults: co-occurring entities listed per type, evidence sentences (one per paper), suggestions.
TOP = 5
EVIDENCE = 10
SUGGESTIONS = 8


class NotFound(KgError):
    """No entity or paper by that name; ``suggestions`` holds close matches (label, type, papers, iri)."""

    def __init__(self, name: str, suggestions: list[dict] | None = None):
        self.name = name
        self.suggestions = suggestions or []
        hint = ""
        if self.suggestions:
            hint = "; did you mean: " + ", ".join(
                f"{_oneline(s['label'])} ({s['type']}, {s['papers']} paper{'' if s['papers'] == 1 else 's'})"
                for s in self.suggestions)
        super().__init__(f"no entity or paper named {_oneline(name)!r} in this build{hint}")


def _oneline(text: str, limit: int = 200) -> str:
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text[:limit])


def _v(term):
    """A pyoxigraph term as a Python value (None stays None)."""
    if term is None:
        return None
    if isinstance(term, ox.Literal):
        dt = term.datatype.value.rsplit("#", 1)[-1]
        if dt in ("integer", "nonNegativeInteger", "int", "long"):
            return int(term.value)
        if dt in ("decimal", "double", "float"):
            return float(term.value)
        if dt == "boolean":
            return term.value in ("true", "1")
    return term.value


def _bind(query: str, bind: dict) -> str:
    """``query`` with ``VALUES (?k ...) { (term ...) }`` at the start of its WHERE clause."""
    if not bind:
        return query
    terms = [v if isinstance(v, (ox.NamedNode, ox.Literal)) else ox.Literal(str(v)) for v in bind.values()]
    values = f"VALUES ({' '.join('?' + k for k in bind)}) {{ ({' '.join(str(t) for t in terms)}) }} "
    at = query.index("WHERE {") + len("WHERE {")
    return query[:at] + " " + values + query[at:]


def _loose(text: str) -> str:
    return re.sub(r"[\W_]+", "", text.casefold())


def _short_type(iri: str) -> str:
    return iri.rsplit("#", 1)[-1]


def local_path(iri: str) -> str | None:
    """``https://w3id.org/paper-kg/id/entity/lora`` -> ``/id/entity/lora`` (None for other IRIs)."""
    if iri.startswith(RESOURCE_NS):
        return "/id/" + iri[len(RESOURCE_NS):]
    return None


def mark_in_sentence(sentence: str, text: str | None, start: int, end: int, surface: str) -> list[int] | None:
    """Where a mention lies in its sentence: ``[start, end)`` in ``sentence``, or None.

    ``start``/``end`` are offsets in the paper's ``text`` (title, blank line, abstract, as
    written); when the text is known the sentence is found around them in the text as
    extraction read it (without LaTeX formatting, :mod:`kg.markup`, as the sentence is),
    else the surface form is searched for.
    """
    if text is not None and 0 <= start < end <= len(text):
        text, chars = strip_markup(text)
        start, end = clean_span(chars, start, end)
        pos = text.rfind(sentence, 0, start + len(sentence))  # the last one that starts by the mention
        if pos >= 0 and pos + len(sentence) >= end:
            return [start - pos, end - pos]
    i = sentence.find(surface) if surface else -1
    if i < 0 and surface:
        i = sentence.lower().find(surface.lower())
    return [i, i + len(surface)] if i >= 0 else None


class Lookup:
    """Entity and paper records from a build's graph.

    Parameters
    ----------
    store : pyoxigraph.Store
        The build's graph (:func:`kg.query.open_graph`).
    build_dir : Path, optional
        The build folder, for ``mentions.csv`` and ``entities.csv`` when the graph has no mention
        nodes (large builds).
    """

    def __init__(self, store: ox.Store, build_dir: Path | None = None):
        self.store = store
        self.build_dir = Path(build_dir) if build_dir is not None and Path(build_dir).is_dir() else None
        self._labels: list[tuple[str, str, str]] | None = None  # (label, iri, "label"|"alias")
        self._info_cache: dict[str, tuple[str, str, int]] = {}
        self._has_mentions: bool | None = None
        self._keys: dict[str, str] | None = None

    # -- queries ----------------------------------------------------------------------------------

    def _select(self, query: str, **bind) -> list[dict]:
        """Run a SELECT; each keyword binds a variable (``e=NamedNode(...)``, ``id="text"``) through a
        ``VALUES`` clause of pyoxigraph-serialized terms, so no value is ever spliced in as text."""
        res = self.store.query(_bind(query, bind), prefixes=PREFIXES)
        names = [v.value for v in res.variables]
        return [{n: _v(sol[n]) for n in names} for sol in res]

    def _ask(self, query: str, **bind) -> bool:
        return bool(self.store.query(_bind(query, bind), prefixes=PREFIXES))

    @property
    def has_mentions(self) -> bool:
        """Whether the graph holds ``kg:Mention`` nodes (every build but large ones)."""
        if self._has_mentions is None:
            self._has_mentions = self._ask("ASK WHERE { ?m a kg:Mention }")
        return self._has_mentions

    def _type_of(self, iri: str) -> str | None:
        rows = self._select("SELECT ?t WHERE { ?e a ?t }", e=ox.NamedNode(iri))
        for r in rows:
            t = _short_type(r["t"])
            if t in ENTITY_TYPES or t == "Paper":
                return t
        return None

    # -- names ------------------------------------------------------------------------------------

    def labels(self) -> list[tuple[str, str, str]]:
        """Every (label, entity IRI, "label" or "alias") of the graph (read once)."""
        if self._labels is None:
            rows = self._select("SELECT ?e ?l ?alt WHERE { { ?e skos:prefLabel ?l BIND(false AS ?alt) } "
                                "UNION { ?e skos:altLabel ?l BIND(true AS ?alt) } }")
            self._labels = [(r["l"], r["e"], "alias" if r["alt"] else "label") for r in rows]
        return self._labels

    def _info(self, iri: str) -> tuple[str, str, int]:
        """(label, type, papers) of an entity (``(iri, "?", 0)`` for no entity)."""
        if iri in self._info_cache:
            return self._info_cache[iri]
        rows = self._select("SELECT ?l ?t ?n WHERE { ?e skos:prefLabel ?l ; a ?t . OPTIONAL { ?e kg:paperCount ?n } }",
                            e=ox.NamedNode(iri))
        info = (iri, "?", 0)
        for r in rows:
            if _short_type(r["t"]) in ENTITY_TYPES:
                info = (r["l"], _short_type(r["t"]), r["n"] or 0)
        self._info_cache[iri] = info
        return info

    def resolve(self, name: str) -> dict:
        """Find what ``name`` names.

        Returns
        -------
        dict
            ``iri``, ``kind`` ("entity" or "paper"), ``matched_by`` (iri, paper id, key, label,
            alias, then "... (any case)" and "... (loose)": ignoring case, spaces and punctuation) and
            ``other_matches`` (other entities the name also names, most papers first: label, type,
            papers, iri).

        Raises
        ------
        NotFound
            With up to :data:`SUGGESTIONS` close labels.
        """
        name = name.strip()
        if not name:
            raise NotFound(name)
        if name.startswith(RESOURCE_NS) or name.startswith("/id/"):
            iri = RESOURCE_NS + name[4:] if name.startswith("/id/") else name
            try:
                kind = self._type_of(iri)
            except ValueError:
                kind = None
            if kind is not None:
                return {"iri": iri, "kind": "paper" if kind == "Paper" else "entity", "matched_by": "iri",
                        "other_matches": []}
            raise NotFound(name)
        rows = self._select("SELECT ?p WHERE { ?p dcterms:identifier ?id ; a kg:Paper }", id=name)
        if rows:
            return {"iri": rows[0]["p"], "kind": "paper", "matched_by": "paper id", "other_matches": []}
        from kg.assemble.iris import entity_iri

        matches: dict[str, str] = {}
        for how, prop in (("label", "skos:prefLabel"), ("alias", "skos:altLabel")):
            for r in self._select(f"SELECT ?e WHERE {{ ?e {prop} ?l }}", l=name):
                matches.setdefault(r["e"], how)
        for text in (name, re.sub(r"\s+", " ", name.lower().replace("-", " "))):
            iri = str(entity_iri(text))
            if iri not in matches and self._type_of(iri) in ENTITY_TYPES:
                matches[iri] = "key"
        if not matches:  # ignoring case, then also spaces and punctuation ("imagenet1k" = "ImageNet-1K")
            for fold, suffix in ((str.casefold, " (any case)"), (_loose, " (loose)")):
                folded = fold(name)
                for label, iri, how in self.labels():
                    if folded and fold(label) == folded:
                        matches.setdefault(iri, how + suffix)
                if matches:
                    break
        if not matches:
            raise NotFound(name, self.suggest(name))
        order = ("label", "alias", "key")
        ranked = sorted(matches, key=lambda i: (order.index(matches[i]) if matches[i] in order else 3,
                                                -self._info(i)[2], i))
        best = ranked[0]
        others = []
        for iri in sorted(ranked[1:], key=lambda i: (-self._info(i)[2], i)):
            label, typ, n = self._info(iri)
            others.append({"label": label, "type": typ, "papers": n, "iri": iri})
        return {"iri": best, "kind": "entity", "matched_by": matches[best], "other_matches": others}

    def suggest(self, name: str, n: int = SUGGESTIONS) -> list[dict]:
        """Entities whose label or alias is close to ``name`` (difflib), then that contain it."""
        folded = name.casefold()
        by_text: dict[str, list[str]] = defaultdict(list)
        for label, iri, _ in self.labels():
            by_text[label.casefold()].append(iri)
        texts = list(by_text)
        close = difflib.get_close_matches(folded, texts, n=n * 2, cutoff=0.6)
        containing = sorted((t for t in texts if folded in t and t not in close), key=len) if len(folded) >= 2 else []
        out, seen = [], set()
        for text in close + containing:
            for iri in by_text[text]:
                if iri in seen:
                    continue
                seen.add(iri)
                label, typ, papers = self._info(iri)
                out.append({"label": label, "type": typ, "papers": papers, "iri": iri})
            if len(out) >= n:
                break
        return out[:n]

    # -- records ----------------------------------------------------------------------------------

    def show(self, name: str, top: int = TOP, evidence: int = EVIDENCE) -> dict:
        """The record of what ``name`` names (:meth:`entity` or :meth:`paper`), with how it matched."""
        found = self.resolve(name)
        rec = self.entity(found["iri"], top, evidence) if found["kind"] == "entity" else self.paper(found["iri"])
        rec["query"] = name
        rec["matched_by"] = found["matched_by"]
        rec["other_matches"] = found["other_matches"]
        return rec

    def _papers(self, iris: list[str]) -> dict[str, dict]:
        """id, title, date, year and text of papers by IRI."""
        out: dict[str, dict] = {}
        for i in range(0, len(iris), 500):
            values = " ".join(str(ox.NamedNode(p)) for p in iris[i:i + 500])
            for r in self._select(
                    "SELECT ?p ?id ?title ?abstract ?date ?dateText WHERE { VALUES ?p { " + values + " } "
                    "?p dcterms:identifier ?id . OPTIONAL { ?p dcterms:title ?title } "
                    "OPTIONAL { ?p dcterms:abstract ?abstract } OPTIONAL { ?p dcterms:date ?date } "
                    "OPTIONAL { ?p kg:dateText ?dateText } }"):
                if r["p"] in out:
                    continue
                text = f"{r['title']}\n\n{r['abstract'] or ''}" if r["title"] else r["abstract"]
                out[r["p"]] = {"iri": r["p"], "id": r["id"], "title": r["title"], "date": r["date"],
                               "date_text": r["dateText"], "text": text}
        return out

    @staticmethod
    def _paper_ref(p: dict) -> dict:
        return {k: p[k] for k in ("iri", "id", "title", "date")}

    def entity(self, iri: str, top: int = TOP, evidence: int = EVIDENCE) -> dict:
        """Everything the build knows about one entity (see the module doc).

        Parameters
        ----------
        iri : str
        top : int
            Co-occurring entities listed per type (the most papers in common first); the
            evaluations list the ``max(10, 2 * top)`` dataset-metric pairs of most papers
            (``evaluation_pairs`` counts them all).
        evidence : int
            Evidence sentences: one per paper (its proposal mention, else its first), the most
            recent papers first (``evidence_papers`` counts the papers with a mention).

        Raises
        ------
        NotFound
            If ``iri`` is no entity of the graph.
        """
        e = ox.NamedNode(iri)
        label, typ, count = self._info(iri)
        if typ not in ENTITY_TYPES:
            raise NotFound(iri)
        aliases = sorted(r["l"] for r in self._select("SELECT ?l WHERE { ?e skos:altLabel ?l }", e=e))
        vocab = self._select("SELECT ?v WHERE { ?e kg:inVocabulary ?v }", e=e)
        use = f"kg:{USES[typ]}"
        using = self._select(f"SELECT ?p ?date ?dateText ?prop WHERE {{ ?p {use} ?e . "
                             "OPTIONAL { ?p dcterms:date ?date } OPTIONAL { ?p kg:dateText ?dateText } "
                             "BIND(EXISTS { ?p kg:proposes ?e } AS ?prop) }", e=e)
        years: Counter = Counter()
        dates: dict[str, str] = {}
        for r in using:
            if r["p"] in dates:
                continue
            dates[r["p"]] = r["date"] or ""
            m = re.search(r"\b(19|20)\d\d\b", r["date"] or r["dateText"] or "")
            years[m.group(0) if m else "undated"] += 1
        per_year = dict(sorted(years.items(), key=lambda kv: (kv[0] == "undated", kv[0])))
        proposers = sorted({r["p"] for r in using if r["prop"]}, key=lambda p: (dates.get(p, ""), p))

        cooc: dict[str, list[dict]] = {t: [] for t in ENTITY_TYPES}
        for r in self._select(
                f"SELECT ?o ?t ?l (COUNT(DISTINCT ?p) AS ?n) WHERE {{ ?p {use} ?e ; ({_ANY_USE}) ?o . "
                "FILTER(?o != ?e) ?o a ?t ; skos:prefLabel ?l } GROUP BY ?o ?t ?l ORDER BY DESC(?n) ?l", e=e):
            t = _short_type(r["t"])
            if t in cooc and len(cooc[t]) < top:
                cooc[t].append({"iri": r["o"], "label": r["l"], "type": t, "papers": r["n"]})

        if typ == "Dataset":
            where = "?ev kg:onDataset ?e ."
        elif typ == "Metric":
            where = "?ev kg:withMetric ?e ."
        else:
            where = f"?p {use} ?e ; kg:evaluation ?ev ."
        evaluations = [
            {"dataset": {"iri": r["d"], "label": r["dl"]}, "metric": {"iri": r["m"], "label": r["ml"]},
             "papers": r["n"]}
            for r in self._select(
                "SELECT ?d ?dl ?m ?ml (COUNT(DISTINCT ?p) AS ?n) WHERE { " + where +
                " ?p kg:evaluation ?ev . ?ev kg:onDataset ?d ; kg:withMetric ?m . "
                "?d skos:prefLabel ?dl . ?m skos:prefLabel ?ml } GROUP BY ?d ?dl ?m ?ml ORDER BY DESC(?n) ?dl ?ml",
                e=e)]

        # Every paper linked to the entity has a mention of it: the evidence is read for the papers
        # shown (the most recent, and the proposers) only.
        shown_papers = sorted(dates, key=lambda p: (dates[p], p), reverse=True)[:evidence]
        wanted = list(dict.fromkeys(proposers + shown_papers))
        mentions, source = self._entity_mentions(iri, wanted)
        first: dict[str, dict] = {}  # per paper: its proposal mention if any, else its first mention
        for m in sorted(mentions, key=lambda m: (m["paper"], not m["proposed"], m["start"])):
            first.setdefault(m["paper"], m)
        shown_papers = [p for p in shown_papers if p in first]
        papers = self._papers(wanted)

        def sentence_of(m: dict) -> dict:
            p = papers.get(m["paper"]) or {"iri": m["paper"], "id": None, "title": None, "date": None, "text": None}
            sent = m["sentence"] or ""
            return {"paper": self._paper_ref(p), "sentence": sent, "sentence_index": m["sentence_index"],
                    "surface": m["surface"], "proposed": m["proposed"],
                    "mark": mark_in_sentence(sent, p["text"], m["start"], m["end"], m["surface"]) if sent else None}

        proposed_by = []
        for p in proposers:
            ms = [m for m in mentions if m["paper"] == p and m["proposed"]]
            ref = self._paper_ref(papers[p]) if p in papers else {"iri": p, "id": None, "title": None, "date": None}
            item = {"paper": ref, "sentence": None, "mark": None}
            if ms:
                s = sentence_of(min(ms, key=lambda m: m["start"]))
                item.update(sentence=s["sentence"], mark=s["mark"])
            proposed_by.append(item)

        return {
            "kind": "entity", "iri": iri, "path": local_path(iri), "label": label, "type": typ,
            "aliases": aliases, "in_vocabulary": bool(vocab and vocab[0]["v"]), "paper_count": count,
            "papers_per_year": per_year, "proposed_by": proposed_by, "cooccurring": cooc,
            "evaluations": evaluations[:max(10, 2 * top)], "evaluation_pairs": len(evaluations),
            "evaluations_in_graph": self.has_mentions,  # large builds keep no kg:Evaluation (nor kg:Mention)
            "evidence": [sentence_of(first[p]) for p in shown_papers],
            "evidence_papers": len(dates) if source else 0, "evidence_source": source,
            "leaderboards": self._leaderboards(iri, top),
        }

    def _leaderboards(self, iri: str, top: int) -> list[dict]:
        """The leaderboards (:mod:`kg.assemble.leaderboard`) of the absolute results the entity is the
        metric, dataset or system of: the ``top`` boards with the most results, ``top`` rows each."""
        from kg.assemble.leaderboard import leaderboards
        from kg.query.leaderboard import graph_entries

        entries = graph_entries(self.store, entity=iri)
        return [{"dataset": b.dataset, "metric": b.metric, "direction": b.direction, "results": len(b.entries),
                 "best": [{"value": x.value, "system": x.system, "proposed": x.proposed, "sentence": x.sentence,
                           "paper": {"iri": f"{PAPER_NS}{paper_slug(x.paper_id)}", "id": x.paper_id,
                                     "title": x.paper_title, "date": x.date}} for x in b.entries[:top]]}
                for b in leaderboards(entries)[:top]]

    def _entity_mentions(self, iri: str, papers: list[str]) -> tuple[list[dict], str | None]:
        """The entity's mentions in ``papers`` (IRIs), and where they were read (None: nowhere)."""
        if not papers:
            return [], "graph" if self.has_mentions else None
        if self.has_mentions:
            rows = []
            for i in range(0, len(papers), 500):
                values = " ".join(str(ox.NamedNode(p)) for p in papers[i:i + 500])
                rows += self._select(
                    "SELECT ?p ?surface ?sentence ?si ?start ?end ?prop WHERE { VALUES ?p { " + values + " } "
                    "?m prov:wasDerivedFrom ?p ; kg:refersTo ?e ; kg:surfaceForm ?surface ; kg:sentenceIndex ?si ; "
                    "kg:charStart ?start ; kg:charEnd ?end ; kg:isProposal ?prop . "
                    "OPTIONAL { ?m kg:sentence ?sentence } }",
                    e=ox.NamedNode(iri))
            return [{"paper": r["p"], "surface": r["surface"], "sentence": r["sentence"], "sentence_index": r["si"],
                     "start": r["start"], "end": r["end"], "proposed": bool(r["prop"])} for r in rows], "graph"
        key = self._key_of(iri)
        if key is None:
            return [], None
        ids = {p.rsplit("/", 1)[1] for p in papers}
        rows = self._csv_mentions(
            lambda row: _unquote(row["entity_key"]) == key and paper_slug(_unquote(row["paper_id"])) in ids)
        return rows, "mentions.csv"

    # -- mentions.csv (large builds) ----------------------------------------------------------------

    def _key_of(self, iri: str) -> str | None:
        """An entity's key, from the build's ``entities.csv`` (the graph holds only its IRI)."""
        if self.build_dir is None or not (self.build_dir / "entities.csv").is_file():
            return None
        if self._keys is None:
            from kg.assemble.iris import entity_iri

            self._keys = {}
            csv.field_size_limit(sys.maxsize)
            with open(self.build_dir / "entities.csv", encoding="utf-8", newline="") as f:
                for row in csv.DictReader(f):
                    key = _unquote(row["key"])
                    self._keys[str(entity_iri(key))] = key
        return self._keys.get(iri)

    def _csv_mentions(self, keep) -> list[dict]:
        path = self.build_dir / "mentions.csv" if self.build_dir else None
        if path is None or not path.is_file():
            return []
        from kg.assemble.iris import paper_iri

        out = []
        csv.field_size_limit(sys.maxsize)
        with open(path, encoding="utf-8", newline="") as f:
            for row in csv.DictReader(f):
                if keep(row):
                    out.append({"paper": str(paper_iri(_unquote(row["paper_id"]))),
                                "entity_key": _unquote(row["entity_key"]),
                                "type": row["type"], "surface": _unquote(row["text"]),
                                "sentence": _unquote(row["sentence"]), "sentence_index": int(row["sentence_index"]),
                                "start": int(row["start"]), "end": int(row["end"]),
                                "proposed": row["proposed"] == "True"})
        return out

    # -- papers -----------------------------------------------------------------------------------

    def paper(self, iri: str) -> dict:
        """A paper: metadata, entities by type (proposed or used), evaluations, and its mentions.

        Raises
        ------
        NotFound
            If ``iri`` is no paper of the graph.
        """
        p = ox.NamedNode(iri)
        meta = self._select(
            "SELECT ?id ?title ?abstract ?date ?dateText ?url ?n WHERE { ?p a kg:Paper ; dcterms:identifier ?id . "
            "OPTIONAL { ?p dcterms:title ?title } OPTIONAL { ?p dcterms:abstract ?abstract } "
            "OPTIONAL { ?p dcterms:date ?date } OPTIONAL { ?p kg:dateText ?dateText } "
            "OPTIONAL { ?p schema:url ?url } OPTIONAL { ?p kg:authorCount ?n } }", p=p)
        if not meta:
            raise NotFound(iri)
        m = meta[0]
        many = {prop: sorted({r["v"] for r in self._select(f"SELECT ?v WHERE {{ ?p {prop} ?v }}", p=p)})
                for prop in ("dcterms:creator", "dcterms:subject", "kg:source")}
        entities: dict[str, list[dict]] = {t: [] for t in ENTITY_TYPES}
        for r in self._select(
                f"SELECT ?e ?t ?l ?n (EXISTS {{ ?p kg:proposes ?e }} AS ?prop) WHERE {{ ?p ({_ANY_USE}) ?e . "
                "?e a ?t ; skos:prefLabel ?l . OPTIONAL { ?e kg:paperCount ?n } } ORDER BY ?l", p=p):
            t = _short_type(r["t"])
            if t in entities:
                entities[t].append({"iri": r["e"], "label": r["l"], "type": t, "papers": r["n"] or 0,
                                    "proposed": bool(r["prop"])})
        evaluations = [
            {"dataset": {"iri": r["d"], "label": r["dl"]}, "metric": {"iri": r["m"], "label": r["ml"]},
             "sentence": r["s"]}
            for r in self._select(
                "SELECT ?d ?dl ?m ?ml ?s WHERE { ?p kg:evaluation ?ev . ?ev kg:onDataset ?d ; kg:withMetric ?m . "
                "?d skos:prefLabel ?dl . ?m skos:prefLabel ?ml OPTIONAL { ?ev kg:sentence ?s } } ORDER BY ?dl ?ml",
                p=p)]
        text = f"{m['title']}\n\n{m['abstract']}" if m["title"] else (m["abstract"] or "")
        if self.has_mentions:
            rows = self._select(
                "SELECT ?e ?surface ?start ?end ?prop WHERE { ?p kg:hasMention ?m . ?m kg:refersTo ?e ; "
                "kg:surfaceForm ?surface ; kg:charStart ?start ; kg:charEnd ?end ; kg:isProposal ?prop }", p=p)
            mentions = [{"entity": r["e"], "surface": r["surface"], "start": r["start"], "end": r["end"],
                         "proposed": bool(r["prop"])} for r in rows]
            source = "graph"
        else:
            from kg.assemble.iris import entity_iri

            rows = self._csv_mentions(lambda row: _unquote(row["paper_id"]) == m["id"])
            mentions = [{"entity": str(entity_iri(r["entity_key"])), "surface": r["surface"], "start": r["start"],
                         "end": r["end"], "proposed": r["proposed"]} for r in rows]
            source = "mentions.csv" if self.build_dir else None
        mentions.sort(key=lambda x: (x["start"], -x["end"]))
        return {
            "kind": "paper", "iri": iri, "path": local_path(iri), "id": m["id"], "title": m["title"],
            "date": m["date"], "date_text": m["dateText"], "url": m["url"], "author_count": m["n"],
            "authors": many["dcterms:creator"], "categories": many["dcterms:subject"], "sources": many["kg:source"],
            "abstract": m["abstract"], "text": text, "entities": entities, "evaluations": evaluations,
            "mentions": mentions, "evidence_source": source,
        }


def open_lookup(graph: Path) -> Lookup:
    """A :class:`Lookup` on a build folder (or an RDF file) as `kg query` opens it.

    A build folder's current version (``.kg-current``) is resolved once, so the store and the
    tables read are of the same build even if another build replaces it meanwhile.

    Raises
    ------
    KgError
        Nothing queryable at ``graph`` (see :func:`kg.query.open_graph`).
    """
    from kg.query import open_graph

    graph = Path(graph)
    if graph.is_dir() and (graph / ".kg-current").is_dir():
        graph = (graph / ".kg-current").resolve()
    return Lookup(open_graph(graph), graph if graph.is_dir() else None)


def entity_or_paper_iri(kind: str, slug: str) -> str | None:
    """The IRI of ``/id/{kind}/{slug}``, or None when ``slug`` cannot be one (see kg.assemble.iris)."""
    if kind not in ("entity", "paper") or not _SLUG.fullmatch(slug):
        return None
    return f"{RESOURCE_NS}{kind}/{slug}"
