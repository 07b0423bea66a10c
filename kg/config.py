"""Defaults and options in one place.

Every stage takes its settings from these dataclasses; the command line only fills them in.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent

#: Namespace of our ontology terms and of the resources a build mints.
ONTOLOGY_NS = "https://w3id.org/paper-kg/ontology#"
RESOURCE_NS = "https://w3id.org/paper-kg/id/"

#: Every export format `kg build` knows, in the order they are written.
EXPORT_FORMATS: tuple[str, ...] = (
    "turtle", "ntriples", "jsonld", "graphml", "gexf", "html", "neo4j", "tables", "store",
)
#: What `kg build` writes unless told otherwise: one rendering per need. The store (for
#: `kg query` / `kg serve`), Turtle (RDF for every other tool), GraphML (Gephi, networkx,
#: yEd, Cytoscape), the HTML view, the Neo4j import files and the CSV tables. N-Triples and
#: JSON-LD render the same triples as Turtle, and GEXF the same graph as GraphML: they are
#: written on request (``--format ntriples,jsonld,gexf`` or ``--format all``).
DEFAULT_FORMATS: tuple[str, ...] = ("turtle", "graphml", "html", "neo4j", "tables", "store")
#: Formats written only on request.
ON_REQUEST_FORMATS: tuple[str, ...] = tuple(f for f in EXPORT_FORMATS if f not in DEFAULT_FORMATS)

#: Readers by name (see kg.read).
READERS: tuple[str, ...] = ("daily-papers", "jsonl", "csv", "arxiv")

#: SPARQL text limits (kg.query.guard): bracket nesting depth, and bracket/keyword/operator tokens.
QUERY_MAX_DEPTH = 128
QUERY_MAX_TOKENS = 20_000
#: Stack of the thread that runs a query (MiB): about 2.5 KiB per token at worst, so 20,000 tokens
#: need ~50 MiB. Address space only; pages are used as deep as a query really goes.
QUERY_STACK_MB = 256
#: What one query may allocate (MiB) beyond what its worker process holds at rest (`kg serve`, `kg query`).
QUERY_MAX_MEMORY_MB = 2048
#: A paper whose text (title and abstract) is longer is reported and skipped: spaCy refuses
#: longer texts (error E088, ``nlp.max_length``), and no abstract comes near it.
MAX_TEXT_CHARS = 1_000_000
#: A line of input longer than this is reported and skipped, read past in bounded chunks
#: (never held whole); room for a record at MAX_TEXT_CHARS written with JSON escapes.
MAX_LINE_CHARS = 8 * 1024 * 1024
#: How much of a file's start is read to choose its reader (whole lines, at least this many
#: characters); those lines are kept and read again by the reader, so a pipe loses nothing.
SNIFF_CHARS = 8192
#: Skipped records (and files) are all counted; this many are kept to be listed.
PROBLEMS_LISTED = 50


def ontology_dir() -> Path:
    """Folder holding kg.ttl, shapes.ttl and vocab/.

    An installed wheel carries it as ``kg/_ontology``; a source checkout (or an editable
    install) has it at the repository root. ``KG_ONTOLOGY_DIR`` overrides both.
    """
    env = os.environ.get("KG_ONTOLOGY_DIR")
    candidates = [Path(env)] if env else []
    candidates += [PACKAGE_DIR / "_ontology", PACKAGE_DIR.parent / "ontology"]
    for c in candidates:
        if (c / "kg.ttl").is_file():
            return c
    raise FileNotFoundError("the paper-kg ontology folder (kg.ttl, vocab/) is missing from this install")


def sample_corpus_dir() -> Path:
    """The bundled sample corpus (four Daily Papers listing pages)."""
    return PACKAGE_DIR / "sample" / "daily-papers"


@dataclass(frozen=True)
class ExtractConfig:
    """Settings of the extraction pipeline (see kg.extract.pipeline.make_pipeline)."""

    vocab_dir: Path | None = None  #: None: ontology_dir() / "vocab"
    use_rules: bool = True  #: pattern rules for names no vocabulary knows
    use_abbreviations: bool = True
    #: the rules' candidates below this confidence are dropped (in both modes: in the default one
    #: the rules' mentions are features of the recognizer, as it was trained)
    min_confidence: float = 0.5
    #: the learned recognizer's spans below this confidence (the mean marginal probability of their
    #: labels) are dropped: the knob between precision and recall (`--min-confidence`; 0.7, the
    #: lowest limit whose precision out of fold was 0.75, see the README's Quality section)
    recognizer_min_confidence: float = 0.7
    use_recognizer: bool = True  #: the learned recognizer (off: `--fast`, the rules alone)
    recognizer_model: Path | None = None  #: None: the packaged kg/models/arxiv-crf (kg train)
    use_results: bool = True  #: find the results abstracts report (kg/extract/results.py)
    #: a user's own vocabulary files, in the format of ontology/vocab/*.csv (`--vocab`, see kg.curation)
    extra_vocab: tuple[Path, ...] = ()


@dataclass(frozen=True)
class CurationConfig:
    """A user's curation of what becomes an entity, without editing the package (see kg.curation).

    The vocabulary files change extraction (:attr:`ExtractConfig.extra_vocab`); the stop lists
    and merge files change its result: a name on a stop list is never an entity, a merge file's
    ``alias -> canonical`` lines make the alias's mentions the canonical entity's.
    """

    vocab: tuple[Path, ...] = ()  #: `--vocab FILE`: CSV, label,type,aliases,case_sensitive,source
    stoplist: tuple[Path, ...] = ()  #: `--stoplist FILE`: one name (label, alias or key) a line
    merge: tuple[Path, ...] = ()  #: `--merge FILE`: one ``alias -> canonical`` a line

    def __bool__(self) -> bool:
        return bool(self.vocab or self.stoplist or self.merge)


@dataclass(frozen=True)
class BuildConfig:
    """Settings of `kg build`."""

    inputs: tuple[Path, ...] = ()
    out_dir: Path = Path("outputs")
    #: Export formats (names from EXPORT_FORMATS). None: DEFAULT_FORMATS, or with ``update``
    #: the formats the previous build in ``out_dir`` wrote (see kg.build.previous_formats).
    formats: tuple[str, ...] | None = None
    reader: str | None = None  #: force a reader; None: detect per file
    encoding: str | None = None  #: None: detect (BOM, UTF-8, then cp1252)
    jobs: int = 1
    extract: ExtractConfig = field(default_factory=ExtractConfig)
    #: stop lists and merges (and the vocabularies, also in extract.extra_vocab); an update with
    #: none of them applies the previous build's (see kg.curation)
    curation: CurationConfig = field(default_factory=CurationConfig)
    html_max_nodes: int = 2000  #: the most nodes the HTML view draws at once (larger builds open on their top entities)
    update: bool = False  #: add ``inputs`` to the build in ``out_dir`` (see kg.cache)
    engine: str = "local"  #: "local" (process pool) or "dask" (kg.extract.distributed)
    scheduler: str | None = None  #: Dask scheduler address; None starts a local cluster
    verbose: bool = False
    quiet: bool = False


#: Calendar periods `kg trends` can count papers by.
TREND_PERIODS: tuple[str, ...] = ("month", "quarter", "year")


@dataclass(frozen=True)
class TrendsConfig:
    """Settings of `kg trends` (see kg.trends.compute for the score they define)."""

    by: str = "month"  #: one of TREND_PERIODS
    window: int = 6  #: the score is fitted over the last this many periods
    min_papers: int = 10  #: an entity is ranked only if this many papers of the window mention it
    top: int = 5  #: entities listed (and drawn) per type and direction
    types: tuple[str, ...] = ()  #: entity types to rank; () for all five
    entities: tuple[str, ...] = ()  #: names to follow instead of ranking (labels, case-insensitive)
