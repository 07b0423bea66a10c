"""Rules that find names no vocabulary knows.

* **Coined names** ("TinyViT", "MCUFormer", "X-Net", "Mamba-2") typed by their suffix or by
  the head noun that follows them ("RevCol network", "FoodSeg dataset"), or kept as the
  paper's method when it introduces them ("we propose X", "dubbed X", a title "X: ...").
* **Head-noun phrases**: a few plain modifiers before a head noun that fixes the type
  ("scene text recognition" -> Task, "pointer network" -> Architecture).
* **Examples of a typed hypernym** (Hearst patterns): "tasks such as X, Y and Z",
  "interaction models (e.g., DeepFM and DCN)", "benchmarks, including X".
* **One-word tasks** that something is for or that stand among other tasks: "fed to a classifier
  for detection.", "for classification, regression, and anomaly detection", "classification tasks".
* **Training procedures**: an adjective or compound before a training gerund ("joint training",
  "few-shot fine-tuning", "a progressive training strategy") -> Method; not when the gerund
  modifies a noun ("synthetic training data") or the adjective is an amount ("extensive training").

Pure token-sequence functions (:func:`find_rule_candidates`) are kept apart from the
``kg_rules`` component.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from itertools import compress
from operator import ne

from spacy.language import Language
from spacy.tokens import Doc

from kg.extract.batches import pipe_batches
from kg.extract.candidates import Candidate, add_candidates
from kg.extract.heads import ARCHITECTURE_SUFFIXES, EVALUATIVE, NAMING_CUES, PROPOSAL_VERBS
from kg.extract.lexicon import is_verb_s_form, method_heads, predicate_start
from kg.extract.normalize import entity_key, singular_phrase, singularize
from kg.extract.proposed import title_name
from kg.extract.tokens import TokenView, indices, indices_in, tokens
from kg.extract.vocabulary import Vocabulary, load_vocabulary

#: Head nouns after a name, and the type they give it ("X network", "X dataset").
NAME_HEADS = {
    "network": "Architecture", "net": "Architecture", "model": "Architecture",
    "architecture": "Architecture", "transformer": "Architecture", "encoder": "Architecture",
    "layer": "Architecture", "block": "Architecture", "module": "Architecture",
    "framework": "Method", "method": "Method", "algorithm": "Method", "approach": "Method",
    "technique": "Method", "strategy": "Method", "loss": "Method", "optimizer": "Method",
    "dataset": "Dataset", "benchmark": "Dataset", "corpus": "Dataset", "suite": "Dataset", "database": "Dataset",
    "score": "Metric", "metric": "Metric",
}
#: Head nouns for plain-word phrases (modifiers + head), a stricter subset of HEAD_TYPES.
PHRASE_HEADS = {w: "Task" for w in """detection classification segmentation recognition prediction
    forecasting generation translation retrieval answering captioning tracking localization
    summarization tagging completion inpainting denoising super-resolution spotting""".split()} | {
    "distillation": "Method", "regularization": "Method", "augmentation": "Method",
    "quantization": "Method", "pruning": "Method", "sampling": "Method", "decoding": "Method",
    "prompting": "Method",
} | {w: "Method" for w in method_heads()}  # "label smoothing", "gradient clipping" (PwC method heads)
#: "... neural network" is an Architecture family ("random neural network"); a bare
#: "adjective network" ("target network", "wider network") is not.
NETWORK_HEADS = frozenset({"network", "net"})
#: The words the head-noun phrases are looked for at.
_PHRASE_HEAD_WORDS = frozenset(PHRASE_HEADS) | NETWORK_HEADS
_ADJECTIVES = frozenset("""small large big tiny huge deep shallow wide wider narrow complex simple
    basic comprehensive poor faithful comparable sufficient dedicated adaptive learned
    deterministic efficient accurate high low higher lower good bad great best better worse
    strong weak full partial whole entire overall final initial original underlying given
    corresponding respective certain particular same similar novel traditional typical
    untrainable trainable robust powerful online offline social modern classical human
    significant substantial potential possible main major minor critical crucial essential
    limited unlimited""".split())
#: Hypernyms that type the examples listed after them ("robotic tasks such as localization,
#: mapping and obstacle detection"; Hearst 1992, "Automatic acquisition of hyponyms").
HYPERNYM_TYPES = {
    "task": "Task", "application": "Task", "problem": "Task",
    "dataset": "Dataset", "benchmark": "Dataset", "corpus": "Dataset",
    "metric": "Metric", "measure": "Metric",
    "model": "Architecture", "architecture": "Architecture", "network": "Architecture",
    "backbone": "Architecture", "layer": "Architecture",
    "method": "Method", "technique": "Method", "algorithm": "Method",
}
#: Heads of training and inference procedures: "joint training", "few-shot fine-tuning",
#: "dynamic inference" (Method).
TRAINING_HEADS = frozenset("training fine-tuning finetuning pretraining pre-training inference".split())
#: Adjectives of amount, cost or manner that make no named procedure ("extensive training").
_NOT_PROCEDURE = frozenset("""extensive expensive massive intensive exhaustive excessive prohibitive
    costly additional extra further continued repeated extended required necessary sufficient
    careful naive proper successful unsupervised supervised minimal designated specialized
    dedicated external internal biased accelerated independent separate local global surgical
    medical clinical professional in-house added real-time continuous""".split())
#: Words after a procedure that keep it a procedure ("a progressive training strategy").
_PROCEDURE_FOLLOWERS = frozenset("""strategy strategies scheme schemes paradigm paradigms procedure
    procedures recipe recipes stage stages phase phases approach approaches method methods
    framework frameworks pipeline pipelines""".split())
#: Words that may sit between a hypernym and its cue ("applications in various fields such as").
_HYPERNYM_PREPOSITIONS = frozenset({"in", "of", "for", "on", "with", "from"})
_DETERMINERS = frozenset("the a an their its our his her this these those that which whose".split())
#: Heads of application areas, places and things, which are not tasks.
_NOT_TASK_HEADS = frozenset("""system industry device platform tool domain field area sector market
    setting environment scenario product service company organization""".split())
#: Words that introduce the examples ("such as" is found by its first word).
_EXAMPLE_CUES = frozenset({"such", "e.g.", "e.g", "eg", "including"})
#: Last parts of hyphenated adjectives ("MLP-based", "CPU-centric", "task-specific").
_ADJECTIVE_PARTS = frozenset("""based centric aware driven free like specific level wise oriented
    agnostic guided dependent independent intensive friendly related only style""".split())


def _adjective_compound_end(tk: TokenView, k: int) -> bool:
    """Token ``k`` ends a hyphenated adjective: "MLP-[based]", "ELTEX-[enhanced]", "SAM2-[propagated]"."""
    low = tk.lower[k]
    return k >= 2 and tk.text[k - 1] == "-" and not tk.ws[k - 2] and not tk.ws[k - 1] and (
        low in _ADJECTIVE_PARTS or len(low) > 4 and low.endswith("ed") and not low.endswith(("cased", "eed")))


#: Endings of verb forms that are not modifiers ("delivering", "utilizes", "generates").
_VERB_SUFFIXES = ("ing", "izes", "ises", "ates", "ifies")
#: Endings of singular words in "s" ("news", "physics", "status", "analysis", "bias", "series").
_NOUN_S = ("ss", "us", "is", "as", "ics", "news", "ous", "ys", "series", "species")
_TITLE_STOPS = frozenset("for of with on in via to from by using towards toward through and , : -".split())
_CAMEL = re.compile(r"[a-z][A-Z]|[A-Z]{2,}[a-z]|[A-Za-z]\d|\d[A-Za-z]")
_NOT_MODIFIER_SUFFIX = ("ly", "'s")
_BAD_MODIFIERS = frozenset("""based use uses using via with without from into across within under over
    between among against toward towards including such like than then also only just very
    well much many few more most less least its their our your his her which that what whose
    where when while can could may might will would should must shall do does did done be been
    being is are was were has have had perform performs performed achieve achieves achieved
    improve improves improved enable enables enabled propose proposes proposed show shows
    shown demonstrate demonstrates demonstrated yield yields present presents address
    addresses tackle tackles study studies explore explores evaluate evaluates evaluated
    existing recent prior previous current future challenging difficult important key main
    real-world downstream various diverse several different general generic""".split())


def _head_forms() -> dict[str, str]:
    """Every head word of the rules and its plural -> the singular (the rules only ever
    compare singular heads, so other words need no singularizing)."""
    heads = set(NAME_HEADS) | set(PHRASE_HEADS) | NETWORK_HEADS | set(HYPERNYM_TYPES)
    forms = {}
    for h in heads:
        for f in (h, h + "s", h + "es", h[:-1] + "ies" if h.endswith("y") else h + "s"):
            if singularize(f) == h:
                forms[f] = h
    forms["corpora"] = "corpus"
    return forms


_NOT_IN_NAMES = frozenset("/|@\\=:_")


def _is_coined(text: str) -> bool:
    """Looks like a coined model/method name: inner capitals or letters mixed with digits
    (and no URL, path or list: "https://github.com/...", "ResNet-50|ConvNeXt-T")."""
    return (bool(_CAMEL.search(text)) and any(map(str.isalpha, text)) and len(text) >= 3
            and _NOT_IN_NAMES.isdisjoint(text) and "www." not in text)


#: Coined names of benchmarks: "MIRAGE-Bench", "TCVideoRSBenchmark", "EBench-18".
_BENCH_NAME = re.compile(r"[A-Za-z0-9]-?(?:Bench|Benchmark)(?:-?[0-9][0-9.]*[A-Za-z]?)?$")


#: Names of datasets by their last word: "PassNet-Dataset", "MMFR-Dataset", "Harbor Traffic Dataset".
_DATASET_NAME = re.compile(r"(?<=[A-Za-z0-9])([ -]?)(?:Dataset|Corpus)$")


def _suffix_type(name: str) -> str | None:
    """The type a coined name's own ending gives it: "-Bench" names a benchmark and "-Dataset" a
    dataset, a Dataset either way (guidelines 7.9), whatever head noun follows ("VBench score")
    or the title says. A plain word before "-Dataset" makes an adjective ("Cross-Dataset")."""
    if _BENCH_NAME.search(name):
        return "Dataset"
    m = _DATASET_NAME.search(name)
    if m is not None and (m.group(1) == " " or name[:m.start()].isupper() or _is_coined(name[:m.start()])):
        return "Dataset"
    return None


#: A model family's name and a version after it: "SAM2", "Llama3-8B", "Qwen2.5-VL", "Claude-3.5-Sonnet".
#: (Not "LLM4Rail", "LMM4Edit": a word after the digit makes a "for" name.)
_FAMILY_VERSION = re.compile(r"([A-Za-z][A-Za-z-]*?[A-Za-z])-?([0-9][0-9.]*[A-Za-z]{0,2}(?:-[A-Za-z0-9.]+)*)$")


#: Parts of a compound that says what a model maps between ("Text-to-Image", "Audio-Visual").
_MODALITY_PARTS = frozenset("""- to and text image images video audio speech vision visual language 3d motion
    sketch table code music shape graph point cloud multi cross non""".split())
#: Amounts written like names: "32B", "10B-token", "500K-entry", "2.5D".
_AMOUNT = re.compile(r"\d[\d.,]*[KMBDkmbd](?:-[a-z]+)?")
#: Last parts of title-case compounds that make adjectives ("Graph-Augmented", "MCP-native").
_COMPOUND_ADJECTIVE_ENDS = ("ed", "ing", "native", "like", "wise", "free", "aware", "based")


def _plain_compound(tk: TokenView, name: str, e: int) -> bool:
    """A unit the coined-name rule would take for a name that is an amount ("10B-token") or a
    compound of plain title-case words that is an adjective ("Graph-Augmented", "Co-Evolving") or
    the first part of a longer title-case name ("a Dual-Domain Fusion Network", "Multi-Modal
    Retrieval"), which the abbreviation and head rules read whole."""
    if _AMOUNT.fullmatch(name):
        return True
    parts = name.split("-")
    if len(parts) < 2 or not all(len(p) > 1 and p.isalpha() and (p.istitle() or p.islower()) for p in parts):
        return False  # a coined name: "XKD-Dial", "K-Steering"
    if parts[-1].lower().endswith(_COMPOUND_ADJECTIVE_ENDS):
        return True
    return e < tk.n and tk.alpha[e] and tk.text[e][:1].isupper()


#: Genre labels that head a title ("Position: ...", "Survey: ..."), not names.
_TITLE_GENRES = frozenset("position survey review tutorial demo perspective commentary editorial".split())


def _title_label(tk: TokenView, s: int, e: int) -> bool:
    """A title head before the colon that is no name: a genre label ("Position: ...") or a
    gerund phrase, the title's verb with its object ("Rethinking Model Efficiency: ...",
    "Breaking Block Boundaries: ...")."""
    first = tk.text[s]
    if e - s == 1:
        return first.lower() in _TITLE_GENRES
    return tk.alpha[s] and first.istitle() and first.endswith("ing") and len(first) > 5 and tk.text[s + 1] != "-"


def _family_variant(name: str, vocab: Vocabulary) -> bool:
    """Whether a coined name is a numbered version of a known architecture or model family
    ("SAM2", "Llama3-8B", "Qwen2.5-VL", "DenseNet-201"): its own entity (guidelines 4)."""
    m = _FAMILY_VERSION.match(name)
    if m is None or len(m.group(1)) < 3:
        return False
    concept = vocab.lookup(m.group(1))
    return concept is not None and concept.type == "Architecture"


def _name_units(tk: TokenView) -> list[tuple[int, int]]:
    """Maximal token runs joined by hyphens with no whitespace ("X", "-", "Net" -> one unit), in
    order; single tokens that lower-casing leaves as they are (most words) are left out."""
    n = tk.n
    text, ws, punct = tk.text, tk.ws, tk.punct
    units = []
    end = 0  # end of the last run
    for h in indices(text, "-"):  # only a hyphen joins tokens: read the text from those
        if h - 1 < end or h + 1 >= n or ws[h - 1] or ws[h] or punct[h + 1]:
            continue  # inside the run before, or no join
        j = h
        while j + 1 < n and text[j] == "-" and not ws[j - 1] and not ws[j] and not punct[j + 1]:
            j += 2
        units.append((h - 1, j))
        end = j
    cased = compress(range(n), map(ne, text, tk.lower))  # the tokens that lower-casing changes
    if not units:
        return [(i, i + 1) for i in cased]
    in_runs = {i for s, e in units for i in range(s, e)}
    units.extend([(i, i + 1) for i in cased if i not in in_runs])
    units.sort()
    return units


def _modifier_ok(tk: TokenView, i: int) -> bool:
    """A plain word that can sit inside a name: not a stop word, verb form, adverb or
    evaluative/size adjective."""
    low = tk.lower[i]
    if not (tk.alpha[i] or "-" in low) or tk.stop[i] or tk.punct[i] or tk.num[i] or len(low) < 2:
        return False
    if low in EVALUATIVE or low in _BAD_MODIFIERS or low in _ADJECTIVES or low.endswith(_NOT_MODIFIER_SUFFIX):
        return False
    # verb forms ("encourages", "delivering", "learned") unless part of a compound ("self-supervised")
    # ("seed", "speed" and "feed" are nouns)
    return "-" in low or not (low.endswith(_VERB_SUFFIXES) or low.endswith("ed") and not low.endswith("eed")
                              or low.endswith("es") and low[:-2] + "e" in _BAD_MODIFIERS)


def _usage_type(tk: TokenView, sing: list[str], s: int, e: int) -> str | None:
    """The type the abstract gives a name: the head noun right after its other occurrences
    ("MaTVLM model", "FastDepth network"), or of its apposition ("X, a ... network")."""
    name = tk.text[s:e]
    width = e - s
    votes: dict[str, int] = {}
    for i in indices(tk.text, name[0]):  # the occurrences of its first token
        if i < s or i > tk.n - width or i < e and i != s or tk.text[i:i + width] != name:
            continue
        j = i + width
        head = NAME_HEADS.get(sing[j]) if j < tk.n else None
        if head is None and j + 1 < tk.n and tk.text[j] == "," and tk.lower[j + 1] in ("a", "an", "the"):
            # apposition: "X, a lightweight ... network" (not a clause: "X, our models outperform")
            for k in range(j + 1, min(j + 8, tk.n)):
                if tk.punct[k] and not (tk.text[k] == "-" and not tk.ws[k - 1] and not tk.ws[k]):
                    break  # (a hyphen inside a compound does not end it: "a unified speech-vision model")
                head = NAME_HEADS.get(sing[k]) or head
        if head is None and i > 1:
            # the head before it: "a hybrid model MaTVLM", "Our proposed network, FastDepth"
            k = i - 2 if tk.text[i - 1] == "," else i - 1
            head = NAME_HEADS.get(sing[k])
        if head:
            votes[head] = votes.get(head, 0) + 1
    return max(votes, key=votes.get) if votes else None


def _hypernym_type(tk: TokenView, sing: list[str], cue: int) -> str | None:
    """The type given by the hypernym before an example cue ("tasks such as", "models (e.g.,"),
    or None when there is none or it is a coordination of two types ("architectures and tasks")."""
    k, skipped = cue - 1, 0
    while k >= 0 and tk.text[k] in ("(", ","):
        k -= 1
    while k >= 0 and skipped < 4 and not tk.punct[k]:
        typ = HYPERNYM_TYPES.get(sing[k])
        if typ is not None:
            if k >= 2 and tk.lower[k - 1] in ("and", "or") and HYPERNYM_TYPES.get(sing[k - 2], typ) != typ:
                return None
            return typ
        if tk.sent_start[k] or tk.stop[k] and tk.lower[k] not in _HYPERNYM_PREPOSITIONS \
                and tk.lower[k] not in EVALUATIVE:
            break  # "methods such as X but also including Y": Y is not an example of the methods
        k -= 1
        skipped += 1
    return None


def _example_items(tk: TokenView, start: int) -> list[tuple[int, int, bool]]:
    """The items of the list that starts at token ``start``: (start, end, closed) where closed
    says that a comma, conjunction or bracket ends the item (the last item of a list that runs
    on into the sentence may have swallowed a following word: "such as BatchNorm force the")."""
    items: list[tuple[int, int, bool]] = []
    text, lower, n = tk.text, tk.lower, tk.n
    i = j = start
    last = False  # after "and"/"or" comes the list's last item
    while j < n and j < start + 30:
        w = text[j]
        if w in (",", ";") or lower[j] in ("and", "or"):
            if j > i:
                items.append((i, j, True))
                if last:
                    return items  # "models such as X and Y, solve ...": the list ended
            last = last or lower[j] in ("and", "or")
            i = j + 1
        elif w == "-" and j > i and not tk.ws[j - 1] and not tk.ws[j]:
            j += 1  # "match-to-sample": the word after a hyphen belongs to the compound
        elif tk.punct[j] or tk.sent_start[j] and j > start or tk.stop[j] or lower[j] in ("etc", "etc."):
            closed = tk.punct[j] or lower[j] in ("etc", "etc.")
            # an item followed by a determiner is a verb with its object ("gathering their values");
            # an item after the list's commas without a conjunction is the clause going on
            # ("methods such as X, suffer from")
            if j > i and lower[j] not in _DETERMINERS and (last or closed or not items):
                if not closed and text[i][:1].isupper():
                    # a name runs on into a verb: "such as TumorVisNet highlight ..."
                    k = i + 1
                    while k < j and (text[k][:1].isupper() or tk.num[k] or text[k] == "-"
                                     or text[k - 1] == "-"):
                        k += 1
                    j = k
                items.append((i, j, closed))
            break
        j += 1
    return items


def _example_candidates(tk: TokenView, sing: list[str], vocab: Vocabulary, known: list) -> list[Candidate]:
    """Candidates for the examples of a typed hypernym: "tasks such as X, Y and Z",
    "interaction models (e.g., DeepFM and DCN)", "benchmarks, including X"."""
    out: list[Candidate] = []
    lower, text, n = tk.lower, tk.text, tk.n
    for cue in tk.find(_EXAMPLE_CUES):
        if lower[cue] == "such":
            if cue + 1 >= n or lower[cue + 1] != "as":
                continue
            start = cue + 2
        else:
            start = cue + 1
        typ = _hypernym_type(tk, sing, cue)
        if typ is None:
            continue
        while start < n and text[start] == ",":
            start += 1
        for s, e, closed in _example_items(tk, start):
            words = [k for k in range(s, e) if text[k] != "-"]
            if not 1 <= len(words) <= 4 or tk.num[s] or not (tk.alpha[s] or text[s][:1].isupper()):
                continue
            first = lower[s]
            compound = s + 1 < e and text[s + 1] == "-"
            if first in EVALUATIVE or first in _BAD_MODIFIERS or first in _ADJECTIVES and not compound or \
                    first.endswith(_NOT_MODIFIER_SUFFIX) or \
                    len(words) > 1 and first.endswith(("ing", "ed")) and not text[s][:1].isupper():
                continue  # "traversing neighboring nodes": a clause, not a name
            head = HYPERNYM_TYPES.get(sing[e - 1]) or NAME_HEADS.get(sing[e - 1])
            if head is not None and head != typ:
                continue  # "pre-trained vision models" among tasks
            if head is not None and e - s >= 3 and _adjective_compound_end(tk, e - 2):
                continue  # "U-Net, DiT, and AR-based architectures": a kind described, not named
            if typ == "Task" and singularize(lower[e - 1]) in _NOT_TASK_HEADS:
                continue  # "health care system", "entertainment industry": where, not what
            inside = [c for c in known if s <= c.start and c.end <= e]
            if any(c.start == s and c.end == e for c in inside) or not closed and any(c.start == s for c in inside):
                continue  # the vocabulary knows it, or the last item ran on past a known name
            phrase = tk.span_text(s, e)
            if vocab.is_generic(phrase) or vocab.lookup(phrase):
                continue
            if typ == "Dataset" and phrase.islower() and not any(map(str.isdigit, phrase)):
                continue  # datasets have names: "each dataset, including type, size, format"
            # names stay as written ("QFVS" is no plural); plain phrases are singular, lower case
            name = any(c.isupper() for c in phrase[1:]) or _is_coined(phrase)
            label = phrase if name else singular_phrase(phrase).lower()
            out.append(Candidate(s, e, entity_key(label), label, typ, "rule:example-of", 0.6))
    return out


def _procedure_candidates(tk: TokenView, vocab: Vocabulary, known: list) -> list[Candidate]:
    """Training procedures named by an adjective or a compound before a training gerund:
    "joint training", "sorted training", "few-shot fine-tuning", "multi-task pretraining".
    Noun modifiers name what is trained ("GNN training", "model training") and are left out."""
    out: list[Candidate] = []
    lower, text = tk.lower, tk.text
    known_spans = {(c.start, c.end) for c in known}
    for i in tk.find(TRAINING_HEADS | {"tuning"}):
        h = i  # the head's first token: "fine - tuning" is three
        if i >= 2 and text[i - 1] == "-" and not tk.ws[i - 2] and not tk.ws[i - 1] and lower[i - 2] in ("fine", "pre"):
            h = i - 2
        elif lower[i] == "tuning":
            continue
        j = h - 1
        if j < 0 or tk.sent_start[h] or not tk.alpha[j] or tk.stop[j]:
            continue
        compound = False
        while j > 1 and text[j - 1] == "-" and not tk.ws[j - 2] and not tk.ws[j - 1] and (tk.alpha[j - 2] or tk.num[j - 2]):
            j -= 2
            compound = True
        if j > 0 and text[j - 1] == "-" and not tk.ws[j - 1]:
            continue  # part of a longer compound we could not read
        word = lower[h - 1]
        first = lower[j] if not compound else "".join(lower[j:h])  # "end-to-end" is evaluative
        if i + 1 < tk.n and text[i + 1] == "-" and not tk.ws[i]:
            continue  # "Training-Free"
        if first in EVALUATIVE or first in _ADJECTIVES or first in _BAD_MODIFIERS or first in _NOT_PROCEDURE \
                or word in _NOT_PROCEDURE or word in _ADJECTIVE_PARTS and word not in ("wise", "level", "aware"):
            continue
        if not compound and not (word == "joint" or word.endswith(("al", "ic", "ive", "ous", "ed"))):
            continue
        if j > 0 and lower[j - 1] in _NOT_PROCEDURE:
            continue  # "without requiring extensive spectral pretraining": an amount of training
        if (j, i + 1) in known_spans or any(c.start < h and c.end > j for c in known):
            continue  # known, or the modifier is a known term ("transformer-based pretraining")
        nxt = i + 1
        if nxt < tk.n and not (tk.punct[nxt] or tk.stop[nxt] or lower[nxt] in _PROCEDURE_FOLLOWERS):
            continue  # a modifier of what follows: "synthetic training data", "aligned training dynamics"
        phrase = tk.span_text(j, i + 1)
        if vocab.is_generic(phrase) or vocab.lookup(phrase):
            continue
        label = phrase.lower() if not any(c.isupper() for c in phrase[1:]) else phrase
        out.append(Candidate(j, i + 1, entity_key(label), label, "Method", "rule:procedure", 0.6))
    return out


#: One-word tasks, annotated when the text presents them as what something is for (guidelines 7.10).
BARE_TASKS = frozenset("""classification regression segmentation detection recommendation retrieval
    forecasting translation summarization captioning tracking localization clustering navigation
    planning mapping editing denoising inpainting""".split())
_BARE_TASK_BEFORE = frozenset({"for", "and", "or", ","})
_BARE_TASK_AFTER = frozenset({"and", "or", ",", ".", ";", ":", ")", "task", "tasks", "problems"})


def _phrase_label(phrase: str) -> str:
    """The label of a phrase the rules found: singular, and lower case unless it has capitals
    past its first letter (an acronym or a coined name: "Bayesian optimization" -> "bayesian
    optimization", "GRPO updates" -> "GRPO update")."""
    label = singular_phrase(phrase)
    return label if any(c.isupper() for c in phrase[1:]) else label.lower()


def _covered(n: int, known: list) -> bytearray:
    """Per token of a Doc of ``n`` tokens: 1 where a known candidate covers it, else 0."""
    covered = bytearray(n)
    for c in known:
        covered[c.start:c.end] = b"\x01" * (c.end - c.start)
    return covered


def _bare_task_candidates(tk: TokenView, known: list) -> list[Candidate]:
    """One-word tasks standing alone as what something is for or among other tasks: "widely used
    for classification.", "tasks for online advertising and recommendation", "small
    classification tasks"."""
    out: list[Candidate] = []
    lower = tk.lower
    hits = [i for i in tk.find(BARE_TASKS) if 0 < i < tk.n - 1]
    if not hits:
        return out
    covered = _covered(tk.n, known)
    for i in hits:
        if covered[i] or lower[i - 1] not in _BARE_TASK_BEFORE or lower[i + 1] not in _BARE_TASK_AFTER:
            continue
        if lower[i - 1] in ("and", "or", ",") and not (i > 1 and (lower[i - 2] in BARE_TASKS or covered[i - 2])):
            continue  # a coordination with a task before it: "detection and tracking"
        out.append(Candidate(i, i + 1, lower[i], lower[i], "Task", "rule:bare-task", 0.6))
    return out


def find_rule_candidates(doc: Doc, vocab: Vocabulary) -> list[Candidate]:
    """Candidates for names the vocabularies do not know (see the module docstring)."""
    out: list[Candidate] = []
    tk = tokens(doc)
    n = tk.n
    lower, text = tk.lower, tk.text
    sing = list(map(_HEAD_FORMS.get, lower, lower))  # _HEAD_FORMS.get(w, w) for each word
    sing_set = set(sing)
    title_end = doc._.title_end  # (each doc._ access costs more than a pass over a short list)
    known_candidates = doc._.kg_candidates or []
    # -- title name: "UDC: A Unified ... Framework" ------------------------------------------
    tname = title_name(doc, title_end)
    if tname:
        s, e = tname
        name = tk.span_text(s, e)
        if e - s <= 3 and not vocab.lookup(name) and not vocab.is_generic(name) and not _title_label(tk, s, e) \
                and not any(tk.stop[i] for i in range(s, e)) \
                and all(text[i][:1].isupper() or text[i] == "-" or tk.num[i] for i in range(s, e)):
            # type from the head of the title's first noun phrase ("A Unified ... Framework for")
            rest = []
            for i in range(e + 1, title_end or n):
                if lower[i] in _TITLE_STOPS and not (text[i] == "-" and not tk.ws[i - 1] and not tk.ws[i]):
                    break  # (a hyphen inside a compound does not end the phrase: "A Large-Scale ... Dataset")
                rest.append(i)
            # (not the end of a compound inside the phrase: "A Cross-Dataset Analysis")
            head = next((NAME_HEADS[sing[i]] for i in reversed(rest) if sing[i] in NAME_HEADS
                         and (i == rest[-1] or text[i - 1] != "-" or tk.ws[i - 1])), None)
            typ = _suffix_type(name) or ("Architecture" if name.lower().endswith(ARCHITECTURE_SUFFIXES) else
                                         _usage_type(tk, sing, s, e) or head or "Method")
            out.append(Candidate(s, e, entity_key(name), name, typ, "rule:title-name", 0.75))
    # -- coined names ----------------------------------------------------------------------
    for s, e in _name_units(tk):
        if e - s == 1:
            name = text[s]
            if name == lower[s] or not _is_coined(name):  # most tokens are plain lower-case words
                continue
        else:
            name = tk.span_text(s, e)
            if not _is_coined(name) and not any(map(str.isupper, name[1:])):
                continue
        if not name[0].isalnum() or vocab.lookup(name) or vocab.is_generic(name):
            continue
        if _AMOUNT.fullmatch(name):
            continue  # "7B and 72B models": sizes, not names
        if e - s > 1 and (lower[e - 1] in _ADJECTIVE_PARTS or _adjective_compound_end(tk, e - 1)):
            continue  # "MLP-based models", "CPU-centric approach", "ELTEX-enhanced": an adjective, not a name
        head = NAME_HEADS.get(sing[e]) if e < n else None
        label = singular_phrase(name)
        if head is not None and e - s > 1 and all(text[k].istitle() and text[k].isalpha() or text[k] == "-"
                                                   for k in range(s, e)) and text[e][:1].isupper():
            continue  # a title-case compound before a title-case head: "A Zero-Shot Approach", "Multi-Agent Framework"
        if head is not None and e - s > 1 and all(lower[k] in _MODALITY_PARTS for k in range(s, e)):
            continue  # what a model maps between: "Text-to-Image models", "Vision-Language Models"
        suffix_type = _suffix_type(name)
        if head is not None:
            out.append(Candidate(s, e, entity_key(label), label, suffix_type or head, "rule:name+head", 0.7))
        elif suffix_type is not None:
            out.append(Candidate(s, e, entity_key(name), name, suffix_type, "rule:name-suffix", 0.65))
        elif _family_variant(name.rstrip("."), vocab):
            name = name.rstrip(".")  # "SAM2." ends a sentence
            out.append(Candidate(s, e, entity_key(name), name, "Architecture", "rule:model-variant", 0.7))
        elif name.lower().endswith(ARCHITECTURE_SUFFIXES) and _is_coined(name):
            out.append(Candidate(s, e, entity_key(label), label, "Architecture", "rule:name-suffix", 0.65))
        else:
            before = lower[max(0, s - 6):s]
            if (any(w in NAMING_CUES for w in before[-2:]) or (
                    any(w in PROPOSAL_VERBS for w in before) and any(w in ("we", "our") for w in before))) \
                    and not _plain_compound(tk, name, e):
                typ = _usage_type(tk, sing, s, e) or "Method"
                label = label.rstrip(".")  # "a method called GS-3I." ends a sentence
                out.append(Candidate(s, e, entity_key(label), label, typ, "rule:proposed-name", 0.6))
    # -- named variants of known architectures: "EfficientNet-B4" (its own entity) ---------------
    known = {(c.start, c.end): c for c in known_candidates if c.type == "Architecture"}
    for (s, e), c in known.items():
        if e + 1 < n and text[e] == "-" and not tk.ws[e - 1] and not tk.ws[e] \
                and text[e + 1][:1].isalnum() and any(ch.isdigit() or ch.isupper() for ch in text[e + 1]) \
                and not lower[e + 1].endswith(_COMPOUND_ADJECTIVE_ENDS):  # not "LLM-Based", "CNN-Guided"
            name = tk.span_text(s, e + 2).rstrip(".")  # "MobilenetV3-S." ends a sentence
            if not vocab.lookup(name):
                out.append(Candidate(s, e + 2, entity_key(name), name, "Architecture", "rule:model-variant", 0.7))
    # -- one-word tasks: "used for classification." -----------------------------------------------
    out.extend(_bare_task_candidates(tk, known_candidates))
    # -- training procedures: "joint training", "few-shot fine-tuning" ---------------------------
    out.extend(_procedure_candidates(tk, vocab, known_candidates))
    # -- examples of a typed hypernym: "tasks such as X, Y and Z" -------------------------------
    out.extend(_example_candidates(tk, sing, vocab, known_candidates))
    # -- head-noun phrases -------------------------------------------------------------------
    vocab_ends = {c.end for c in known_candidates}
    for i in indices_in(sing, _PHRASE_HEAD_WORDS, sing_set):  # (other words meet "continue")
        head_type = PHRASE_HEADS.get(sing[i])
        if sing[i] in NETWORK_HEADS and i > 0 and lower[i - 1] == "neural":
            head_type, i_mod = "Architecture", i - 1
        elif head_type is None or i + 1 in vocab_ends:
            continue  # no head, or a known term already ends here ("large [convolutional neural network]")
        else:
            i_mod = i
        j, words = i_mod, 0
        while j > 0 and words < 3 and not tk.sent_start[j]:
            if _modifier_ok(tk, j - 1):
                j -= 1
                # a hyphenated compound is one modifier ("single-stage", "random-feature")
                while j > 1 and text[j - 1] == "-" and not tk.ws[j - 2] and not tk.ws[j - 1] \
                        and tk.alpha[j - 2] and not tk.stop[j - 2]:
                    j -= 2
                words += 1
            else:
                break
        if j < i_mod:
            j = predicate_start(tk, j, i + 1)  # "to boost detection", "precise segmentation"
        if any(is_verb_s_form(lower[k]) for k in range(j, i_mod)):
            continue  # a clause: "ACS guides diffusion sampling", "this design confines sampling"
        if head_type == "Task" and lower[i] != sing[i]:
            continue  # a plural names outputs, not the task: "model predictions", "English translations"
        if j == i_mod or lower[j] in _ADJECTIVES or lower[j] in EVALUATIVE:
            continue
        if j > 0 and text[j - 1] == "-" and not tk.ws[j - 1]:
            continue  # the end of a compound: "end-to-[end automatic generation]"
        if lower[j].endswith("s") and not lower[j].endswith(_NOUN_S) \
                and tk.alpha[j] and not text[j][:1].isupper():
            continue  # a verb in the third person before its object: "progressively refines predictions"
        phrase = tk.span_text(j, i + 1)
        label = _phrase_label(phrase)
        key = entity_key(label)
        if key in vocab.generic or vocab.lookup(phrase):
            continue
        out.append(Candidate(j, i + 1, key, label, head_type, "rule:head-noun", 0.6))
    return out


_HEAD_FORMS = _head_forms()


@Language.factory(
    "kg_rules",
    assigns=["doc._.kg_candidates"],
    requires=["doc._.title_end", "token.is_sent_start", "doc._.abbreviations"],
    default_config={"vocab_dir": None, "extra_vocab": []},
)
def make_rules(nlp: Language, name: str, vocab_dir: str | None, extra_vocab: list[str]) -> "RuleMatcher":
    return RuleMatcher(load_vocabulary(vocab_dir, tuple(extra_vocab)))


class RuleMatcher:
    """Appends rule candidates to ``doc._.kg_candidates``."""

    def __init__(self, vocabulary: Vocabulary):
        self.vocabulary = vocabulary

    def __call__(self, doc: Doc) -> Doc:
        add_candidates(doc, find_rule_candidates(doc, self.vocabulary))
        return doc

    def pipe(self, docs: Iterable[Doc], batch_size: int = 64) -> Iterator[Doc]:
        """Process a stream of Docs a batch at a time (see :mod:`kg.extract.batches`)."""
        return pipe_batches(self, docs, batch_size)
