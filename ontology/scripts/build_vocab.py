#!/usr/bin/env python3
"""Build the entity vocabularies that the extractor's PhraseMatcher uses.

The script reads the Papers with Code (PwC) dumps shipped in the ``shared``
folder next to the repository root and writes four generated CSV files:

``pwc_methods.csv``
    Methods and architectures from ``data/pwc/methods.json``.  The PwC
    collection of each method decides between ``Architecture`` and ``Method``
    (see :data:`COLLECTION_TYPES`); the method's own head noun can override the
    collection (see :func:`head_type`).
``pwc_tasks.csv``
    Task names from ``data/pwc/tasks/all_tasks.txt`` and the ``*_detailed.csv``
    tables, filtered hard.  Learning paradigms that the annotation guidelines
    treat as methods (reinforcement learning, transfer learning, ...) are typed
    ``Method``.
``pwc_datasets.csv``
    Dataset names from the "Common Datasets (Top 10)" and "Benchmarks"
    columns, with split and setting suffixes (" test", " val", "(10-shot)",
    ", 40% Symmetric Noise", ...) stripped.
``pwc_metrics.csv``
    Metric names from the "SOTA Metrics" column.

All files share one format (UTF-8, header row, ``csv`` module,
``QUOTE_MINIMAL``)::

    label,type,aliases,case_sensitive,source

``aliases`` is a ``|``-joined list of other surface forms (acronyms, spelling
and hyphenation variants; plain plural or case variants are left to the
matcher).  ``case_sensitive`` is ``1`` when the label itself is risky in lower
case (short acronyms, names that are also English words).

Rows are written sorted, and every step is deterministic, so reruns give
byte-identical files.  The hand-curated ``curated.csv`` and the negative list
``generic_terms.txt`` in the output folder are read (never written): a
generated surface form that is a generic term, or that a curated row already
claims, is removed from the generated files so that the files never disagree
about a surface form.

The generated files are derived from Papers with Code data and are licensed
CC BY-SA 4.0 (credit: Papers with Code).

Examples
--------
Regenerate the files from the repository root::

    python ontology/scripts/build_vocab.py

Use another copy of the shared data and write elsewhere::

    python ontology/scripts/build_vocab.py --shared /data/shared --out /tmp/vocab
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import sys
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_SHARED = REPO_ROOT.parent / "shared"
DEFAULT_OUT = REPO_ROOT / "ontology" / "vocab"

HEADER = ["label", "type", "aliases", "case_sensitive", "source"]
TYPES = ("Method", "Architecture", "Dataset", "Metric", "Task")

TASK_TABLES = ("cv", "nlp", "other", "audio", "all")

# ---------------------------------------------------------------------------
# Word lists shared by all sources
# ---------------------------------------------------------------------------

#: Capitalised words that stay capitalised when a generic label is put in lower
#: case: people, places, languages, named theories and similar proper nouns.
PROPER_WORDS = frozenset(
    """
    Adam Alzheimer Alzheimer's Amharic Arabic Arnold Atari Bangla Bayes Bayesian
    Bellman Bengali Bernoulli Bezier Boltzmann Brownian Cantonese Carlo Cauchy
    Chebyshev Chinese Cox Croatian Czech Danish Dice Dirichlet Dutch Earth
    English Estonian Euclidean European Farsi Finnish Fisher Fourier French
    Frechet Fréchet Gabor Gaussian Gauss German Gibbs Glorot Go Greek Gromov
    Gumbel Haar Hamiltonian Hamming Hausdorff He Hebbian Hebrew Hessian Hindi
    Hinton Hopfield Huber Hungarian Indian Indonesian Inception Italian Jaccard
    Jacobian Japanese Jensen Kaiming Kalman Kannada Kendall Khmer Kolmogorov
    Korean Kullback Kutta Lagrange Lagrangian Langevin Laplace Laplacian Latin
    Lebesgue Legendre Leibler Levenshtein Lipschitz Lovasz Lovász Luong Malay
    Mahalanobis Mandarin Markov Marathi Matthews Metropolis Minecraft Mongolian
    Monte Nash Nepali Nesterov Newton Nyström Nystrom Parkinson Parkinson's
    Parzen Pearson Persian Poincaré Poincare Poisson Polish Portuguese Punjabi
    Q Riemannian Romanian Runge Russian Sanskrit Schrödinger Shannon Shapley
    Siamese Sinhala Sinkhorn Slovak Sobel Spanish Spearman Stein Student
    Swahili Swedish Tamil Taylor Telugu Thai Tibetan Turing Turkish Tversky
    Ukrainian Urdu Vietnamese Viterbi Voronoi Wasserstein Weibull Welsh Wiener
    Wikipedia Wolof Xavier Yoruba Zipf
    """.split()
)

#: Plural head nouns that are singularised in generic labels.
PLURAL_HEADS = {
    "networks": "network",
    "units": "unit",
    "flows": "flow",
    "ensembles": "ensemble",
    "connections": "connection",
    "algorithms": "algorithm",
    "autoencoders": "autoencoder",
    "models": "model",
    "machines": "machine",
    "encodings": "encoding",
    "embeddings": "embedding",
    "transformers": "transformer",
    "convolutions": "convolution",
    "layers": "layer",
    "blocks": "block",
    "modules": "module",
    "mechanisms": "mechanism",
    "activations": "activation",
    "graphs": "graph",
    "processes": "process",
    "perceptrons": "perceptron",
    "representations": "representation",
    "functions": "function",
    "games": "game",
}

#: Acronyms and short tokens that are never kept as a surface form, whatever
#: the source: English words in capitals, hardware, units, common non-ML
#: acronyms, and acronyms that are ambiguous between several ML concepts.
AMBIGUOUS_ACRONYMS = frozenset(
    """
    A AI ALL AM AN AND ANY ARE AS AT BASE BE BY CAN CD CPU CUDA DO DS EM FOR
    FPGA GPU GPUS HAS HOPE I IF IN INFO IS IT LINE ML MR NO NODE NOT OF ON ONE
    OR OUR RUN SO TPU THE TO TS UP US WE ECO SPIN FLIP MATE PAUSE VERSE PULSE
    AWARE MODERN SCARF SAINT FOCUS ALIGN HOC TAG TAR SENTS FORM MORPH LEMMA
    ARC SSL IOT IOU API APIS SQL HTML JSON XML PDF URL RGB RAM ROM SSD HDD
    COVID DNA RNA MRI CT ECG EEG EMG PPG X Y Z AR VR XR OK
    """.split()
)

#: Organisations, software and hardware that PwC lists among methods,
#: datasets or tasks.  Per the guidelines they are never entities.
NON_ENTITY_NAMES = frozenset(
    s.lower()
    for s in """
    PyTorch DDP|Mesh-TensorFlow|BytePS|TorchBeast|DistDGL|KungFu|BAGUA|FlexFlow
    AutoSync|ByteScheduler|Herring|Tofu|Parallax|Crossbow|Dorylus|HetPipe
    Blink Communication|MushroomRL|myGym|MyGym|CARLA|LightAutoML|AutoGL|VEGA
    AutoSmart|Library|NNCF|Mobile Neural Network|MNN|rllib|Unity|PyTorch
    TensorFlow|Keras|JAX|ONNX|OpenAI|Google|DeepMind|Meta|NVIDIA|Microsoft
    """.replace("\n", "|").split("|")
    if s.strip()
)


# ---------------------------------------------------------------------------
# Small text helpers
# ---------------------------------------------------------------------------


def norm_space(text: str) -> str:
    """Collapse runs of whitespace and strip the ends.

    Parameters
    ----------
    text : str
        Any string.

    Returns
    -------
    str
        The string with single spaces only.
    """
    return re.sub(r"\s+", " ", text or "").strip()


def ascii_dashes(text: str) -> str:
    """Replace typographic dashes and quotes with their ASCII forms.

    Parameters
    ----------
    text : str
        Any string.

    Returns
    -------
    str
        The string with en/em dashes as ``-`` and curly quotes as straight ones.
    """
    table = {"\u2013": "-", "\u2014": "-", "\u2010": "-", "\u2011": "-",
             "\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"'}
    return "".join(table.get(ch, ch) for ch in text)


def match_key(text: str) -> str:
    """Return the key under which surface forms are compared.

    Case, hyphens, spaces, dots and underscores are ignored, so ``CIFAR-10``,
    ``CIFAR10`` and ``cifar 10`` share one key.

    Parameters
    ----------
    text : str
        A surface form.

    Returns
    -------
    str
        Lower-cased alphanumeric key (other symbols such as ``+`` or ``@`` are
        kept because they change the meaning).
    """
    text = unicodedata.normalize("NFKC", ascii_dashes(text)).lower()
    return re.sub(r"[\s\-_.'’]+", "", text)


def is_plain_word(word: str) -> bool:
    """Tell whether a token is an ordinary (lower- or title-case) word.

    Parameters
    ----------
    word : str
        One token without spaces.

    Returns
    -------
    bool
        ``True`` for ``network`` or ``Network``; ``False`` for ``ResNet``,
        ``GAN``, ``3D`` or ``x2``.
    """
    return bool(re.fullmatch(r"[A-Za-z][a-z]*(?:'s)?", word))


def is_acronym(token: str) -> bool:
    """Tell whether a token looks like an acronym or a coined short name.

    Parameters
    ----------
    token : str
        One token.

    Returns
    -------
    bool
        ``True`` when the token has at least two capitals (``GAN``, ``mIoU``,
        ``ResNet``) or mixes letters and digits (``T5``, ``R2D2``).
    """
    caps = sum(ch.isupper() for ch in token)
    has_digit = any(ch.isdigit() for ch in token)
    has_alpha = any(ch.isalpha() for ch in token)
    return has_alpha and (caps >= 2 or (has_digit and caps >= 1))


def is_short_acronym(token: str) -> bool:
    """Tell whether a surface form must be matched case-sensitively.

    Parameters
    ----------
    token : str
        A surface form.

    Returns
    -------
    bool
        ``True`` for all-capital forms and for mixed-case forms of at most five
        characters (``GAN``, ``mIoU``, ``BERT``, ``LoRA``).
    """
    letters = [ch for ch in token if ch.isalpha()]
    if not letters:
        return False
    if all(ch.isupper() for ch in letters):
        return True
    mixed = any(ch.isupper() for ch in letters[1:])
    return mixed and len(token) <= 5


def lower_generic(phrase: str) -> str:
    """Put the ordinary words of a phrase in lower case.

    Words that are acronyms, contain digits or inner capitals, or belong to
    :data:`PROPER_WORDS` keep their case; hyphenated parts are treated one by
    one.

    Parameters
    ----------
    phrase : str
        A phrase in title case, e.g. ``"Part-Of-Speech Tagging"``.

    Returns
    -------
    str
        The phrase with generic words in lower case, e.g.
        ``"part-of-speech tagging"``.
    """
    out = []
    for word in phrase.split(" "):
        parts = word.split("-")
        new_parts = []
        for part in parts:
            bare = part.strip("()[],;:")
            if bare and is_plain_word(bare) and bare not in PROPER_WORDS and not (
                len(bare) == 1 and bare.isupper() and len(parts) == 1
            ):
                new_parts.append(part.lower())
            else:
                new_parts.append(part)
        out.append("-".join(new_parts))
    return " ".join(out)


def singular_head(phrase: str) -> str:
    """Singularise the last word of a phrase when it is a known plural head.

    Parameters
    ----------
    phrase : str
        A lower-cased generic phrase.

    Returns
    -------
    str
        The phrase with e.g. ``networks`` replaced by ``network``.
    """
    words = phrase.split(" ")
    last = words[-1]
    if last.lower() in PLURAL_HEADS and last.islower():
        words[-1] = PLURAL_HEADS[last.lower()]
    return " ".join(words)


def acronym_of(acronym: str, phrase: str) -> bool:
    """Check loosely whether ``acronym`` abbreviates ``phrase``.

    Parameters
    ----------
    acronym : str
        Candidate short form, e.g. ``"ABSA"``.
    phrase : str
        Candidate long form, e.g. ``"Aspect-Based Sentiment Analysis"``.

    Returns
    -------
    bool
        ``True`` when the capital letters of the acronym can be read, in order,
        from the initials of the phrase's words or word parts.
    """
    letters = [ch.lower() for ch in acronym if ch.isalpha() and ch.isupper()]
    if len(letters) < 2:
        return False
    parts = [p for p in re.split(r"[\s\-/]+", phrase) if p]
    initials = "".join(p[0].lower() for p in parts if p[0].isalnum())
    pos = 0
    for ch in letters:
        pos = initials.find(ch, pos)
        if pos < 0:
            return False
        pos += 1
    return letters[0] == initials[0]


def split_parenthetical(name: str) -> tuple[str, list[str], bool]:
    """Split ``"Long Form (ACR) rest"`` into the long form and its acronym.

    Parameters
    ----------
    name : str
        A raw name.

    Returns
    -------
    tuple of (str, list of str, bool)
        The name without parentheses, acronyms found in parentheses that
        abbreviate the text before them, and whether some other
        (non-acronym) parenthetical was removed.
    """
    acronyms: list[str] = []
    other = False
    for inner in re.findall(r"\(([^()]*)\)", name):
        before = name.split("(" + inner + ")")[0].strip()
        if re.fullmatch(r"[A-Za-z][A-Za-z0-9\-+]{1,11}", inner) and is_acronym(inner) and (
            acronym_of(inner, before) or acronym_of(inner, name.replace("(" + inner + ")", ""))
        ):
            acronyms.append(inner)
        else:
            other = True
    base = norm_space(re.sub(r"\([^()]*\)", " ", name))
    base = norm_space(base.replace("(", " ").replace(")", " "))
    return base, acronyms, other


# ---------------------------------------------------------------------------
# Rows
# ---------------------------------------------------------------------------


@dataclass
class Row:
    """One vocabulary entry before it is written.

    Attributes
    ----------
    label : str
        Canonical label.
    type : str
        One of :data:`TYPES`.
    source : str
        ``pwc-methods``, ``pwc-tasks``, ``pwc-datasets``, ``pwc-metrics`` or
        ``curated``.
    aliases : list of str
        Other surface forms.
    case_sensitive : bool
        Whether the label itself must be matched case-sensitively.
    weight : int
        Popularity used to settle conflicts (papers or table occurrences).
    """

    label: str
    type: str
    source: str
    aliases: list[str] = field(default_factory=list)
    case_sensitive: bool = False
    weight: int = 0

    def surface_forms(self) -> list[str]:
        """Return the label followed by the aliases."""
        return [self.label, *self.aliases]

    def as_record(self) -> list[str]:
        """Return the CSV record for this row."""
        seen = {self.label}
        aliases = []
        for alias in self.aliases:
            if alias not in seen:
                seen.add(alias)
                aliases.append(alias)
        return [
            self.label,
            self.type,
            "|".join(sorted(aliases, key=lambda a: (a.lower(), a))),
            "1" if self.case_sensitive else "0",
            self.source,
        ]


def clean_aliases(label: str, aliases: Iterable[str]) -> list[str]:
    """Drop empty, duplicate, case-only and plural-only alias variants.

    Parameters
    ----------
    label : str
        The row's label.
    aliases : iterable of str
        Candidate aliases.

    Returns
    -------
    list of str
        Aliases worth listing, in first-seen order.
    """
    out: list[str] = []
    seen_lower = {label.lower(), label.lower() + "s"}
    for alias in aliases:
        alias = norm_space(alias)
        if not alias or "|" in alias:
            continue
        low = alias.lower()
        # Acronyms keep their case variants (BERT vs Bert are not merged);
        # long forms differing only in case or a plain -s are dropped.
        if low in seen_lower and not (is_short_acronym(alias) and alias not in out and alias != label):
            continue
        if low in seen_lower and alias in out:
            continue
        if low in seen_lower and is_short_acronym(alias) and low == label.lower():
            continue
        seen_lower.add(low)
        out.append(alias)
    return out


def space_variants(label: str) -> list[str]:
    """Return the hyphen-to-space variant of a generic lower-case label.

    Parameters
    ----------
    label : str
        A label such as ``"few-shot learning"``.

    Returns
    -------
    list of str
        ``["few shot learning"]`` when a hyphen joins two lower-case words,
        else an empty list.
    """
    if not re.search(r"[a-z]-[a-z]", label):
        return []
    variant = re.sub(r"(?<=[a-z])-(?=[a-z])", " ", label)
    return [variant] if variant != label else []


def spelling_variants(label: str) -> list[str]:
    """Return British/American spelling variants of common ML words.

    Parameters
    ----------
    label : str
        A label.

    Returns
    -------
    list of str
        Variants such as ``language modeling`` for ``language modelling``.
    """
    pairs = [("modelling", "modeling"), ("labelling", "labeling"),
             ("normalisation", "normalization"), ("optimisation", "optimization"),
             ("regularisation", "regularization"), ("visualisation", "visualization"),
             ("generalisation", "generalization"), ("summarisation", "summarization"),
             ("recognise", "recognize"), ("colour", "color"), ("neighbour", "neighbor"),
             ("localisation", "localization"), ("characterisation", "characterization")]
    out = []
    low = label.lower()
    for brit, amer in pairs:
        if brit in low:
            out.append(re.sub(brit, amer, label, flags=re.I))
        elif amer in low:
            out.append(re.sub(amer, brit, label, flags=re.I))
    return out


def lowercase_word_counts(texts: Iterable[str]) -> Counter:
    """Count words written in lower case in running text.

    The counts tell which words are ordinary English (they occur in lower case
    in prose) and therefore ambiguous as names.

    Parameters
    ----------
    texts : iterable of str
        Descriptions from the PwC dumps.

    Returns
    -------
    collections.Counter
        Lower-case word -> number of lower-case occurrences.
    """
    counts: Counter = Counter()
    for text in texts:
        for word in re.findall(r"(?<![\w\-/])[a-z]+(?![\w\-/])", text or ""):
            counts[word] += 1
    return counts
