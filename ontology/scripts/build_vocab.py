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
import gzip
import json
import re
import sys
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_SHARED = REPO_ROOT.parent / "shared"
DEFAULT_OUT = REPO_ROOT / "ontology" / "vocab"

HEADER = ["label", "type", "aliases", "case_sensitive", "source"]
TYPES = ("Method", "Architecture", "Dataset", "Metric", "Task")

TASK_TABLES = ("cv", "nlp", "other", "audio", "all")


def _names(text: str) -> frozenset:
    """Parse a ``|``- or newline-separated list of names into a frozenset.

    Parameters
    ----------
    text : str
        Names separated by ``|`` or line breaks; surrounding blanks ignored.

    Returns
    -------
    frozenset of str
        The non-empty, stripped names.
    """
    return frozenset(" ".join(n.split()) for n in re.split(r"[|\n]", text) if n.strip())


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
    COVID DNA RNA MRI CT ECG EEG EMG PPG X Y Z AR VR XR OK SSE DMA ESP GPS
    DAC DFA AMP ADA ABC IAN FGA STD USE NON MAS PO KP AE SPEED ROME PISA SMITH
    LOGAN OSCAR DANCE COLA FORK DIME HINT LEAF GRIN HAPPIER FIERCE GRANDE GALA
    NEAT MEND SEAM SNIP CRISS WYS SCARLET OASIS SNAIL SEER PICARD MARLIN
    CANINE TIME MAPS HOMER COUCH ENRICH LOL ADVANCE APE ACM IEEE NASA ASR
    MMD PCFG MMI MFA INS AVS ETC RAN TUM SIG REM FEM
    """.split()
)

#: Organisations, software and hardware that PwC lists among methods,
#: datasets or tasks.  Per the guidelines they are never entities.
NON_ENTITY_NAMES = frozenset(s.lower() for s in _names(
    """
    PyTorch DDP|Mesh-TensorFlow|BytePS|TorchBeast|DistDGL|KungFu|BAGUA|FlexFlow
    AutoSync|ByteScheduler|Herring|Tofu|Parallax|Crossbow|Dorylus|HetPipe
    Blink Communication|MushroomRL|myGym|MyGym|CARLA|LightAutoML|AutoGL|VEGA
    AutoSmart|Library|NNCF|Mobile Neural Network|MNN|rllib|Unity|PyTorch
    TensorFlow|Keras|JAX|ONNX|OpenAI|Google|DeepMind|Meta|NVIDIA|Microsoft
    """
))


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
                len(bare) == 1 and bare.isupper()
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
    for inner in re.findall(r"(?:(?<=\s)|^)\(([^()]*)\)(?=\s|$)", name):
        before = name.split("(" + inner + ")")[0].strip()
        if re.fullmatch(r"[A-Za-z][A-Za-z0-9\-+]{1,11}", inner) and is_acronym(inner) and (
            acronym_of(inner, before) or acronym_of(inner, name.replace("(" + inner + ")", ""))
        ):
            acronyms.append(inner)
        else:
            other = True
    base = norm_space(re.sub(r"(?:(?<=\s)|^)\([^()]*\)(?=\s|$)", " ", name))
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


# ---------------------------------------------------------------------------
# Methods (methods.json)
# ---------------------------------------------------------------------------

#: PwC collections whose members are architectures: model families, named
#: (pretrained) models, and components inside a network (layers, blocks,
#: attention mechanisms, convolutions, pooling, activation and output
#: functions, position embeddings, skip connections), following guidelines
#: section 7.2 ("architectural components are Architecture") and 7.3
#: ("non-neural model families are Architecture").
ARCHITECTURE_COLLECTIONS = _names(
    """
    3D Face Mesh Models|3D Object Detection Models|3D Representations
    6D Pose Estimation Models|Action Recognition Blocks|Action Recognition Models
    Activation Functions|Adaptive Activation Functions|Air Quality Forecasting
    Attention|Attention Mechanisms|Attention Modules|Attention Patterns
    Audio Model Blocks|Autoencoding Transformers|Autoregressive Transformers
    Backbone Architectures|Bidirectional Recurrent Neural Networks
    Binary Neural Networks|CAD Design Models|Code Generation Transformers
    Conditional Image-to-Image Translation Models|Contextualized Word Embeddings
    Conversational Models|Convolutional Neural Networks|Convolutions
    Copy Mechanisms|Deep Tabular Learning|Dependency Parsers|Deraining Models
    Dialogue State Trackers|Diffusion Models|Discriminators
    Document Understanding Models|Entity Recognition Models
    Entity Retrieval Models|Exaggeration Detection Models|Face Detection Models
    Face Recognition Models|Face Restoration Models|Face-to-Face Translation
    Factorization Machines|Feature Extractors|Feature Pyramid Blocks
    Feature Upsampling|Feedforward Networks|Few-Shot Image-to-Image Translation
    Font Generation Models|Gated Linear Networks|Generalized Additive Models
    Generalized Linear Models|Generative Adversarial Networks
    Generative Audio Models|Generative Models|Generative Sequence Models
    Generative Video Models|Global Context Modules|Graph Models|Graphics Models
    Human Object Interaction Detectors|Image Colorization Models
    Image Decomposition Models|Image Denoising Models|Image Feature Extractors
    Image Generation Models|Image Inpainting Modules|Image Manipulation Models
    Image Model Blocks|Image Models|Image Quality Models|Image Restoration Models
    Image Retrieval Models|Image Segmentation Models
    Image Super-Resolution Models|Incident Aggregation Models
    Instance Segmentation Models|Instance Segmentation Modules
    Interactive Semantic Segmentation Models|Lane Detection Models
    Language Model Components|Language Models|Layout Annotation Models
    Learning to Rank Models|Light-weight neural networks
    Likelihood-Based Generative Models|Localization Models
    Long-Range Interaction Layers|Machine Translation Models|Mask Branches
    Math Formula Detection Models|Medical Image Models|Mesh-Based Simulation Models
    Miscellaneous Components|Mixture-of-Experts|Monocular Depth Estimation Models
    Motion Prediction Models|Multi-Object Tracking Models|Music Transcription
    Music source separation|Non-Parametric Classification
    Non-Parametric Regression|OCR Models|Object Detection Models
    Object Detection Modules|One-Stage Object Detection Models|Open-Domain Chatbots
    Oriented Object Detection Models|Output Functions|Output Heads
    Paraphrase Generation Models|Passage Re-Ranking Models|Person Search Models
    Point Cloud Models|Pooling Operations|Portrait Matting Models
    Pose Estimation Blocks|Pose Estimation Models|Position Embeddings
    Position Recovery Models|Question Answering Models|RGB-D Saliency Detection Models
    RL Transformers|Reading Comprehension Models|Reading Order Detection Models
    Recurrent Neural Networks|Relation Extraction Models
    Reversible Image Conversion Models|RoI Feature Extractors
    Robotic Manipulation Models|Scene Text Models|Semantic Segmentation Models
    Semantic Segmentation Modules|Sequence Editing Models
    Sequence To Sequence Models|Sequential Blocks|Skip Connection Blocks
    Skip Connections|Speaker Diarization|Speech Embeddings|Speech Separation Models
    Speech Synthesis Blocks|Speech enhancement|Spreadsheet Formula Prediction Models
    Stereo Depth Estimation Models|Structured Prediction|Style Transfer Models
    Style Transfer Modules|Super-Resolution Models|Synthesized Attention Mechanisms
    Table Parsing Models|Table Question Answering Models|Taxonomy Expansion Models
    Temporal Convolutions|Text Classification Models|Text-to-Speech Models
    Textual Inference Models|Theorem Proving Models|Thermal Image Processing Models
    Time Series Modules|Trajectory Prediction Models|Transformers|Twin Networks
    VQA Models|Video Frame Interpolation|Video Inpainting Models
    Video Instance Segmentation Models|Video Interpolation Models|Video Model Blocks
    Video Object Segmentation Models|Video Panoptic Segmentation Models
    Video Quality Models|Video Recognition Models|Video Super-Resolution Models
    Video-Text Retrieval Models|Vision Transformers
    Vision and Language Pre-Trained Models|Working Memory Models
    """
)

#: Collections that mix architectures and techniques (embeddings,
#: representation learning, self-/semi-supervised learning, ...).  They do not
#: vote; the entry's head noun or name decides, defaulting to Method.
MIXED_COLLECTIONS = _names(
    """
    Graph Embeddings|Graph Representation Learning|Sentence Embeddings
    Span Representations|Image Representations|Point Cloud Representations
    Text Instance Representations|Representation Learning|Region Proposal
    Multi-Modal Methods|Domain Adaptation|Self-Supervised Learning
    Semi-Supervised Learning Methods|Neural Architecture Search
    Time Series Analysis|Recommendation Systems|Word Embeddings
    Static Word Embeddings|Document Embeddings|Topic Embeddings
    Adaptive Computation|Speech Recognition|Robust Training|Regularization
    Knowledge Distillation|Clustering|Dimensionality Reduction|Kernel Methods
    """
)

#: Collections that win over everything but an explicit override: the member
#: is a named (pretrained) model, so it is an Architecture even when its long
#: form ends in e.g. "Pre-training".
STRONG_ARCHITECTURE_COLLECTIONS = frozenset(
    {
        "Autoencoding Transformers", "Autoregressive Transformers",
        "Code Generation Transformers", "Vision and Language Pre-Trained Models",
        "Convolutional Neural Networks", "Light-weight neural networks",
        "Generative Adversarial Networks", "Vision Transformers", "Image Models",
    }
)

#: Collections whose members are evaluation measures.
METRIC_COLLECTIONS = frozenset(
    {"Image Semantic Segmentation Metric", "Dialog System Evaluation",
     "Document Summary Evaluation"}
)

#: Head nouns (last word of the long form) that make an entry a Method.
METHOD_HEADS = frozenset(
    """
    loss regularization regularizer augmentation optimization optimisation
    optimizer descent learning training distillation pruning sampling search
    initialization decay annealing warmup schedule scheduling smoothing dropout
    normalization standardization clipping averaging tuning fine-tuning
    finetuning prompting analysis estimation inference replay mining matching
    trace algorithm algorithms method gradient suppression exploration
    q-learning sarsa decomposition clustering quantization tokenization
    reduction adaptation transfer backpropagation propagation coding contrast
    warping trick penalty pretraining pre-training checkpointing sparsification
    consolidation minimization maximization policy factorization splatting
    whitening jittering erasing mixup cutmix cutout shuffling ensembling
    relaxation approximation selection labeling pseudo-labeling sgd
    """.split()
)

#: Head nouns that make an entry an Architecture.
ARCHITECTURE_HEADS = frozenset(
    """
    network networks net transformer transformers autoencoder encoder decoder
    layer block module unit units cell machine perceptron convolution attention
    pooling gan vae lstm rnn gru cnn gnn gcn mlp backbone head branch
    architecture model models process field fields memory connection mechanism
    resnet vit bert gpt
    """.split()
)

#: Name suffixes that mark a named network (ResNet, StyleGAN, SegFormer, ...).
ARCHITECTURE_NAME_RE = re.compile(
    r"(Net|NET|GAN|BERT|[Ff]ormer|ViT|VAE|CNN|RNN|GNN|GCN|LSTM|GRU|MLP|Transformer|GPT|T5)"
    r"(?:[-\s]?v?\d+[a-z]?)?(?:\+\+)?$"
)

#: Per-entry type decisions that the rules above get wrong.
METHOD_TYPE_OVERRIDES = {
    "CLIP": "Architecture", "BLIP": "Architecture", "DINO": "Method",
    "MoCo v3": "Method", "EsViT": "Method", "MAE": "Method", "M2D": "Method",
    "SimCLRv2": "Method", "BYOL": "Method", "SwAV": "Method",
    "Barlow Twins": "Method", "MoCo": "Method", "MoCo v2": "Method",
    "Noisy Student": "Method", "FixMatch": "Method", "DeepCluster": "Method",
    "Deep Ensembles": "Method", "Monte Carlo Dropout": "Method",
    "k-NN": "Method", "LIME": "Method", "SHAP": "Method", "CAM": "Method",
    "Grad-CAM": "Method", "XGrad-CAM": "Method", "PolyCAM": "Method",
    "DecomCAM": "Method", "Network Dissection": "Method", "NTK": "Method",
    "PCA": "Method", "ICA": "Method", "LDA": "Method", "SMOTE": "Method",
    "Deep Graph Infomax": "Method", "DGI": "Method", "GraphCL": "Method",
    "InfoGraph": "Method", "DeepWalk": "Method", "node2vec": "Method",
    "metapath2vec": "Method", "LINE": "Method", "TransE": "Method",
    "RotatE": "Method", "GloVe": "Method", "fastText": "Method",
    "CBoW Word2Vec": "Method", "Skip-gram Word2Vec": "Method",
    "SimCSE": "Method", "DeCLUTR": "Method", "TSDAE": "Method",
    "Mixture of Experts": "Architecture", "MoE": "Architecture",
    "Siamese Network": "Architecture", "SOM": "Architecture",
    "Capsule Network": "Architecture", "SynaNN": "Architecture",
    "DEQ": "Architecture", "GMVAE": "Architecture", "SCN": "Architecture",
    "Latent Diffusion Model": "Architecture", "AE": "Architecture",
    "Gaussian Process": "Architecture", "SVM": "Architecture",
    "CRF": "Architecture", "Logistic Regression": "Architecture",
    "Linear Regression": "Architecture", "Normalizing Flows": "Architecture",
    "RAG": "Method", "Step-DPO": "Method", "Cross-encoder Reranking": "Method",
    "MixLoRA": "Method", "Partial Hybrid Transfer Learning": "Method",
    "PonderNet": "Architecture", "Feature Selection": "Method",
    "HPO": "Method", "Contrastive Learning": "Method", "Self-Learning": "Method",
    "Accuracy-Robustness Area (ARA)": "Metric", "AUCC": "Metric",
    "Playstyle Distance": "Metric", "Policy Similarity Metric": "Metric",
    "DQN": "Architecture", "Dueling Network": "Architecture",
    "Stochastic Dueling Network": "Architecture", "NoisyNet-DQN": "Method",
    "Double DQN": "Method", "Rainbow DQN": "Method", "Ape-X DQN": "Method",
    "Mamba": "Architecture", "SNN": "Architecture", "AlphaFold": "Architecture",
    "Perceiver IO": "Architecture", "HINT": "Method", "SeqINT": "Method",
    "GER": "Task", "EncAttAgg": "Architecture", "SPEED": "Architecture",
    "Adapter": "Architecture", "Softmax": "Architecture",
    "Weight Tying": "Method", "Parameter Sharing": "Method",
    "Dense Connections": "Architecture", "Linear Layer": "Architecture",
    "Transformer": "Architecture", "Convolution": "Architecture",
    "Involution": "Architecture", "Maxout": "Architecture",
    "Label Smoothing": "Method", "Knowledge Distillation": "Method",
    "Flow Matching": "Method", "Denoising Score Matching": "Method",
    "Diffusion": "Method", "Seq2Seq": "Architecture",
    "Pointer Network": "Architecture", "WFST": "Architecture",
    "Graph Neural Network": "Architecture", "Neural Cache": "Architecture",
    "Wide&Deep": "Architecture", "Self-Attention Network": "Architecture",
}

#: Entries that are dropped: tools and systems rather than methods, junk
#: names, task names filed as methods, and names that are ordinary English
#: words with no reliable capitalised form.
METHOD_DROP = frozenset(s.lower() for s in _names(
    """
    (deleted method)|ooJpiued|STATEGAME MAINTAIN PICTURE BALANCED PLAY STABLE
    Accordion|Blender|Colorization|Coresets|Counterfactuals|Deflation|Demon
    Electric|Focus|Fragmentation|Grab|Gravity|Hamburger|Heatmap|Inpainting
    Jigsaw|Ontology|Parrot|Patching|Poly|Primer|Procrustes|Rendezvous|Soups
    Wizard|Phish|Sscs|Metrix|dhf|discgabor|hdxresnet|imagemorph|intgauss
    intgaussder|kdm|timecausgabor|timecauslimitkernel|time-caus-scsp|Diffusion
    Low-resolution input|High-resolution input|Low-level backbone
    High-level backbone|Cross-resolution features|Visual Analytics
    Estimation Statistics|Causal inference|Symbolic Deep Learning|Visual Parsing
    Poker Software Developer|KNN and IOU based verification|Explanation vs Attention
    self-mem + new data|ALQ and AMQ|GA-PID/NN-PID|b2b transfer learning
    Multi Loss ( BCE Loss + Focal Loss )  + Dice Loss|Internet Explorer
    Temporal attention|Visual Attention|Generalization|Distributional Generalization
    Calculation of Price Graphs Reversal Point Using Average Regression Lines Method
    Lower Bound on Transmission using Non-Linear Bounding Function in Single Image Dehazing
    Non-Linear-Bounding-Function|Hybrid AWT|Canvas Method|Self-Learning
    Safety-llamas|Sample Redistribution|Weights Reset|Local Augmentation
    Spatial Propagation|Ingredient|Estimation|GER
    Label Quality Model|Leverage Learning|Aggregated Learning|Tunable Network
    Mechanism Transfer|Symbolic rule learning|Attention Sinks|Quick Attention
    Low Rank Tensor Learning Paradigms
    """
))

#: Single-word names that are ordinary words in lower case but reliable when
#: capitalised: kept with ``case_sensitive=1``.
METHOD_CASE_SENSITIVE = frozenset(
    """
    Adam Adan Apollo Lion Lookahead Sophia Florence Galactica Chinchilla Pythia
    Meena Macaw Hydra Chimera Performer Reformer Synthesizer Siren Retrace Serf
    Fawkes Fishr Jukebox Bort Nipuna Dreamix Conffusion Morphence Involution
    Mamba Sarsa Smish Swish Mish Glow GLOW Sparrow Powerpropagation Vokenization
    Batchboost Adafactor Adabelief Charformer Fastformer Linformer Longformer
    Subformer Visformer Tacotron Xception Zoneout Maxout
    """.split()
)

#: Single-word names written in lower case as generic terms (dropout,
#: softmax, ...): their labels are lower-cased and matched case-insensitively.
METHOD_LOWERCASE = frozenset(
    """
    Dropout Softmax Softplus Sparsemax Convolution Involution Adapter Mixup
    Cutout Maxout Zoneout Swish Mish Pruning Transformer
    """.split()
)


#: Function words that mark a paper title rather than an expanded name.
TITLE_WORDS = frozenset({"using", "via", "towards", "toward", "through", "for", "based", "from"})


def clean_full_name(full_name: str | None, name: str = "") -> str:
    """Return a usable long form from a PwC ``full_name``.

    Paper subtitles after ``:`` or `` - ``, trailing punctuation and long
    sentence-like names are removed.

    Parameters
    ----------
    full_name : str or None
        The raw ``full_name`` field.
    name : str, optional
        The entry's short name, used to recognise "NAME - title" forms.

    Returns
    -------
    str
        The cleaned long form, or ``""`` when nothing usable is left.
    """
    text = norm_space(ascii_dashes(full_name or "")).replace("$", "")
    text = re.sub(r"\)+$", lambda m: ")" if text.count("(") else "", text)
    if re.search(r":\s*\S", text):
        return ""  # "NAME: A Paper Title" is a title, not a long form
    text = text.rstrip(":")
    if text.isupper() and len(text.split()) > 2:
        text = text.lower()
    if name and re.match(re.escape(name) + r"\s+-{1,2}\s", text):
        text = ""  # "SAFRAN - Scalable and fast ..." is a title, not a long form
    text = text.strip(" .,;:")
    if text.count("(") != text.count(")"):
        text = norm_space(text.replace("(", " ").replace(")", " "))
    words = text.split()
    if not words or len(words) > 7 or " - " in text:
        return ""
    if words[0].lower() in {"a", "an", "the"}:
        return ""
    if "/" in text and len(words) > 2:
        return ""
    # Paper-title phrasing ("... for Semantic Segmentation", "... using a
    # 2DCNN") is not a name.
    if len(words) >= 4 and set(w.lower() for w in words) & TITLE_WORDS:
        return ""
    return text


def head_type(label: str, name: str) -> str | None:
    """Guess Method or Architecture from the head noun of an entry.

    Parameters
    ----------
    label : str
        Cleaned long form (or the name when there is none).
    name : str
        The PwC short name.

    Returns
    -------
    str or None
        ``"Method"``, ``"Architecture"`` or ``None`` when the head noun says
        nothing.
    """
    words = re.split(r"[\s]+", label.lower())
    head = words[-1] if words else ""
    head = re.sub(r"[^a-z0-9\-]", "", head)
    head_tail = head.split("-")[-1]
    if head in METHOD_HEADS or head_tail in METHOD_HEADS:
        return "Method"
    if head in ARCHITECTURE_HEADS or head_tail in ARCHITECTURE_HEADS:
        return "Architecture"
    if ARCHITECTURE_NAME_RE.search(name) or ARCHITECTURE_NAME_RE.search(label):
        return "Architecture"
    return None


def method_type(entry: dict, label: str) -> str:
    """Decide the entity type of one PwC method entry.

    The decision order is: explicit override, metric collections, a strong
    model collection, the head noun of the long form, a majority vote of the
    entry's collections (:data:`ARCHITECTURE_COLLECTIONS` against all other
    non-mixed collections), and finally ``Method``.

    Parameters
    ----------
    entry : dict
        One record of ``methods.json``.
    label : str
        The cleaned long form used as label.

    Returns
    -------
    str
        ``"Method"``, ``"Architecture"`` or, for evaluation measures,
        ``"Metric"``.
    """
    name = norm_space(entry.get("name") or "")
    for key in (name, entry.get("full_name") or "", label):
        if key in METHOD_TYPE_OVERRIDES:
            return METHOD_TYPE_OVERRIDES[key]
    collections = [c.get("collection", "") for c in entry.get("collections") or []]
    if any(c in METRIC_COLLECTIONS for c in collections):
        return "Metric"
    by_head = head_type(label, name)
    if any(c in STRONG_ARCHITECTURE_COLLECTIONS for c in collections) and by_head != "Method":
        return "Architecture"
    if by_head:
        return by_head
    arch = sum(c in ARCHITECTURE_COLLECTIONS for c in collections)
    method = sum(c not in ARCHITECTURE_COLLECTIONS and c not in MIXED_COLLECTIONS for c in collections)
    if arch > method:
        return "Architecture"
    return "Method"


def method_label(name: str, long_form: str) -> tuple[str, list[str], bool]:
    """Choose the label, aliases and case flag for one method entry.

    Parameters
    ----------
    name : str
        PwC ``name`` (often an acronym).
    long_form : str
        Cleaned ``full_name``.

    Returns
    -------
    tuple of (str, list of str, bool)
        Label, aliases, and whether the label must be matched
        case-sensitively.
    """
    name, name_acr, _ = split_parenthetical(ascii_dashes(name))
    long_form, long_acr, _ = split_parenthetical(long_form) if long_form else ("", [], False)
    aliases = [*name_acr, *long_acr]
    if long_form and len(long_form) < len(name) and is_acronym(long_form):
        name, long_form = long_form, name
    if long_form and long_form.lower() != name.lower() and len(long_form) > len(name):
        label, aliases = long_form, [name, *aliases]
    else:
        label = name
    # A long form that merely repeats the name with a generic suffix
    # ("FINCH Clustering") keeps the name as an alias only.
    words = label.split()
    multi = len(words) >= 2
    if multi and not any(is_acronym(w) for w in words if w.lower() not in {"of", "and"}):
        label = singular_head(lower_generic(label))
    elif multi:
        label = singular_head(lower_generic(label))
    elif label in METHOD_LOWERCASE:
        label = label.lower()
    case_sensitive = label in METHOD_CASE_SENSITIVE or (
        is_short_acronym(label) and len(label) <= 5
    )
    return label, aliases, case_sensitive


def build_method_rows(methods: list[dict]) -> list[Row]:
    """Turn ``methods.json`` into vocabulary rows.

    Parameters
    ----------
    methods : list of dict
        The parsed ``methods.json``.

    Returns
    -------
    list of Row
        One row per kept entry (entries sharing a label are merged).
    """
    rows: dict[str, Row] = {}
    for entry in sorted(methods, key=lambda e: (e.get("url") or "", e.get("name") or "")):
        name = norm_space(ascii_dashes(entry.get("name") or ""))
        raw_full = entry.get("full_name") or name
        if not name or name.lower() in METHOD_DROP or raw_full.lower() in METHOD_DROP:
            continue
        if name.lower() in NON_ENTITY_NAMES or raw_full.lower() in NON_ENTITY_NAMES:
            continue
        if len(name.split()) > 6 or not re.search(r"[A-Za-z]", name):
            continue
        long_form = clean_full_name(raw_full, name)
        label, aliases, case_sensitive = method_label(name, long_form)
        if not label or len(label.split()) > 7:
            continue
        kind = method_type(entry, long_form or name)
        weight = int(entry.get("num_papers") or 0)
        # Generic-looking multi-word phrases with hardly any papers are
        # more likely noise than names.
        plain = all(is_plain_word(w) or w in {"-"} for w in re.split(r"[\s\-]+", label) if w)
        if plain and weight < 2 and not aliases:
            continue
        if ascii_dashes(name) != name or "\u2013" in (entry.get("full_name") or ""):
            aliases.append((entry.get("full_name") or "").strip())
        key = label.lower()
        if key in rows:
            row = rows[key]
            row.aliases.extend(aliases)
            if weight > row.weight:
                row.type, row.weight = kind, weight
            row.case_sensitive = row.case_sensitive and case_sensitive
        else:
            rows[key] = Row(label, kind, "pwc-methods", list(aliases), case_sensitive, weight)
    out = []
    for row in rows.values():
        variants = []
        for form in row.surface_forms():
            if "\u2013" in form or "\u2014" in form:
                variants.append(ascii_dashes(form))
        row.aliases = [a for a in row.aliases if a and len(a.split()) <= 7] + variants
        out.append(row)
    return out


# ---------------------------------------------------------------------------
# Task tables (tasks/*.csv, all_tasks.txt)
# ---------------------------------------------------------------------------


def read_task_tables(tasks_dir: Path) -> list[dict]:
    """Read the PwC task tables into plain dictionaries.

    Parameters
    ----------
    tasks_dir : pathlib.Path
        The ``data/pwc/tasks`` folder.

    Returns
    -------
    list of dict
        One dictionary per table row with the keys ``task``, ``datasets``,
        ``benchmarks``, ``metrics`` (lists of str), ``dataset_count`` (int)
        and ``description`` (str).  Rows of ``all_tasks.txt`` carry the task
        name only.
    """
    records: list[dict] = []
    for table in TASK_TABLES:
        path = tasks_dir / f"{table}_tasks_detailed.csv"
        with path.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                def items(column: str) -> list[str]:
                    value = row.get(column) or ""
                    return [v.strip() for v in value.split(";") if v.strip()]

                try:
                    count = int(float(row.get("Dataset Count") or 0))
                except ValueError:
                    count = 0
                records.append({
                    "task": row.get("Task Name") or "",
                    "datasets": items("Common Datasets (Top 10)"),
                    "benchmarks": items("Benchmarks"),
                    "metrics": items("SOTA Metrics"),
                    "dataset_count": count,
                    "description": row.get("Description (First 200 chars)") or "",
                })
    for line in (tasks_dir / "all_tasks.txt").read_text(encoding="utf-8").splitlines():
        name = line.strip().strip('"')
        if name:
            records.append({"task": name, "datasets": [], "benchmarks": [],
                            "metrics": [], "dataset_count": 0, "description": ""})
    return records


#: Ordinary English and generic academic words.  A name made only of these
#: words (``Weather``, ``Street Scene``, ``Playing Cards``) is too ambiguous to
#: be matched as a dataset, task or metric name, and an all-capitals acronym
#: spelling one of them (``FORK``, ``LEAF``) is not kept as an alias.
COMMON_WORDS = frozenset(
    """
    about above abstract abstracts academic accent access accident account
    accuracy acid action actions active activity actor actors ad adaptive
    address adult adults advanced advertising aerial affect age agent agents
    aging aid air aircraft airport album alert algebra all alpha american
    analysis anatomy anchor android animal animals annotated annotation
    annotations answer answers ant ants app apple application applications
    apps arc arch area areas argument arguments arm art article articles
    artificial artist artists arts asian aspect aspects assessment assistant
    astronomy atlas attack attacks attention attribute attributes audio author
    authors auto automatic autonomous average award baby babies back
    background badminton bag balance ball ballroom bank base baseball basic
    basket basketball batch battle beach beauty bed behavior behaviour
    benchmark benchmarks best beta bias big bike bill bio biology bird birds
    black blind block blocks blog blood blue board boat body bone book books
    border bottle bowl box boxes brain branch brand breakfast breast bridge
    brief broad brown budget building buildings bus business buy cable cake
    call camera cameras campus cancer capital car card cards care cars case
    cases cash cat catalog categories category cats cell cells center central
    chain chair chairs challenge change channel chapter character characters
    chart charts chat check chemical chemistry chess chest child children
    choice cinema circle circuit cities citizen city civil claim claims class
    classes classic classification clean clear clearance click client climate
    clinic clinical clock clothes clothing cloud clouds club coast code codes
    coffee cognitive coin cold collection college color colors colour column
    combat comet comment comments commerce common community company
    comparison complex component components computer concept concepts
    condition conditions connection consumer contact content context control
    conversation conversations cook cooking core corpus cost count counting
    country county court cover cows crash creative credit crime critical crop
    cross crowd crowds cube culture cup current customer customers cycle
    daily damage dance dark dart data database date day days deal death
    debate decision deep default defect defects delivery demand dense dental
    depth design desk detection development device devices diabetes
    diagnosis dialog dialogue dialogues diet difference digital digits dime
    direct disaster discovery discussion disease diseases display distance
    doc doctor document documents dog dogs domain door drawing dream dress
    drive driver driving drone drones drug drugs dynamic earth easy eating
    economic economy edge education effect effects elderly election
    electric electricity electronic element elephant email emails emergency
    emotion emotions employee end energy engine engineering english entity
    environment equation error essay essays estate ethics evaluate evaluation
    event events evidence exam example exchange exercise expert experts
    expression extended extra extreme eye eyes fabric face faces fact facts
    factory fair fake fall family fan farm fashion fast feature features
    feedback field figure file files film films final finance financial fine
    finer fire fish fisheye fit fitness flag flight flood floor flow flower
    flowers fluid fog foggy food foot football force forest fork form format
    forum frame free fresh friend friends frost frostbite fruit fruits full
    fun function furniture future galaxy game games garden gas gate gender
    general generation geo glass global goal gold good government graph
    graphs green grid ground group groups growth guide gun hair hand hands
    handwriting handbags happier happy hard hate haystack head health heart
    heartbeat heat help high hill hint history hold home hope hopper horse
    hospital host hot hotel hour house housekeep housing human humans
    humanoid humor ice idea identity image images impact implicit incident
    incidents income index indoor industry info information input insect
    instance instances instruction insurance intent interaction interest
    internet interview invoice item items job jobs joint journal judge jump
    kernel key keyboard kid kids kind kinship kitchen knowledge lab label
    labels lake land landmark language languages large law layer layout lead
    leaderboard leaf learning legal lesson letter letters level library
    life light line lines link linux list live liver load local location
    logic long loop loss low lung machine mail main mall man manual map maps
    market marketing match material materials math matrix meal measles
    measure media medical medicine medium meeting memory mental menu mesh
    meshes message messages meta metal method metric middle military mind
    mini minor mix mobile mode model models modern money monitor moral motion
    motor mountain mouse mouth move movie movies multi muscle museum music
    mushroom name names natural nature navigation neptune network networks
    neural new news night node noise noisy normal note notes novel number
    object objects ocean office oil online open opinion orchard order
    organ origin outdoor output page pages pain paint painting pair pairs
    panel panoptic paper papers parent park part parts party passage patch
    path patient patients pattern patterns pay peer pen people perception
    person personal persuasion pet phone photo photos physical physics piano
    picture pictures piece pig pipe place placenta places plan plane planet
    plant plants platform play player players plot point points poker police
    policy political politics pollen pool pop popular population port pose
    poser position post power practice prediction press price prices primary
    print prior private problem problems process product products profile
    program project property protein proteins public pupil puzzle quality
    quasar query question questions quiz race radar radio rain raindrop
    random range rank rate reading real recipe recipes recognition record
    red reference region regression relation relations remote replica report
    reports research resource response restaurant restricted result retail
    retrieval review reviews rewrite rich ride right risk river road robot
    robots rock role room rooftop root rule rules run running safety sale
    sales sample samples satellite scale scan scene scenes school science
    scientific score scores screen scribble sea search season second
    security segment segmentation self semantic sense sensor sensors
    sentence sentences sentiment sequence series server service set sets
    shape shapes share shelf shifts ship shoe shoes shop shopping short sign
    signal signals silhouettes simple simulation single site size skill
    skin sky sleep small smart soccer social software soil solar solid
    solids song songs sound source space spaces speaker speech sphere spiced
    sport sports spring sprites square stack stage standard star state
    station statistics status step stock stone store stories story strategy
    street stress structure student students study style subject summary
    sun support surface survey swimmer symbol synthetic system systems table
    tables talk target task tasks tax taxi team tech technology temperature
    tennis term test text texts texture theory thing thyroid ticket time
    title tool tools top topic topics torque total touch tour tower toy toys
    track trade traffic trail train training transfer transport travel tree
    trees trend trial trip truck true trust turn tweet tweets type types unit
    units universal university unknown unrestricted unruly update urban use
    user users value vehicle vehicles venture verse video videos view
    village vision visual voice volleyball vote walk wall war water wave
    weather web website weight wiki wild wind window wine winter wireframe
    woman women word words work worker world writing yeast young zone
    apron blob cheetah composition cyclone duke fingerprint frames heel how
    industrial laser malaria mathematics penguin quick retina satire shiny
    squirrel sudoku texas titanic touchdown olympics groove jacquard marmoset
    pylon lorenz lyra fandom seaquest aspirin ethanol hepatitis abalone
    soybean sunspot kaleidoscope surreal sketchy figment
    """.split()
)

#: Subjects of the MMLU and similar exam suites, and BIG-bench sub-task
#: names, that PwC lists as tasks: they are not research problems.
EXAM_SUBJECTS = _names(
    """
    abstract algebra|anatomy|astronomy|business ethics|clinical knowledge
    college biology|college chemistry|college computer science
    college mathematics|college medicine|college physics|computer security
    conceptual physics|econometrics|electrical engineering
    elementary mathematics|formal logic|global facts|high school biology
    high school chemistry|high school computer science
    high school european history|high school geography
    high school government and politics|high school macroeconomics
    high school mathematics|high school microeconomics|high school physics
    high school psychology|high school statistics|high school us history
    high school world history|human aging|human sexuality|international law
    jurisprudence|logical fallacies|management|marketing|medical genetics
    miscellaneous|moral disputes|moral scenarios|nutrition|philosophy
    prehistory|professional accounting|professional law|professional medicine
    professional psychology|public relations|security studies|sociology
    us foreign policy|virology|world religions|riddle sense
    nonsense words grammar|implicatures|anachronisms|misconceptions
    epidemiology|geophysics|ethics|informativeness|persuasiveness|negation
    navigate|sports understanding|date understanding|ruin names|hyperbaton
    penguins in a table|crass ai|analogical similarity|logical deduction
    temporal sequences|disambiguation qa|snarks|salient translation error detection
    tracking shuffled objects|web of lies|word sorting|dyck languages
    causal judgment|formal fallacies|geometric shapes|movie recommendation
    multistep arithmetic|object counting|reasoning about colored objects
    boolean expressions|physical intuition|figure of speech detection
    """
)

#: Single-word task names that are specific enough to match on their own
#: (bare "classification", "segmentation", "retrieval" are not: guidelines
#: section 7.10).
TASK_SINGLE_WORDS = frozenset(
    """
    summarization lemmatization lipreading colorization deblurring dehazing
    deraining demosaicking denoising binarization pansharpening retrosynthesis
    steganalysis super-resolution transliteration chunking decipherment
    cryptanalysis imputation de-identification re-ranking reranking
    uncropping derendering learning-to-rank text-to-image text-to-sql
    speech-to-text text-to-speech sql-to-text text-to-gql text-to-cypher
    text-to-3d inverse-tone-mapping geo-localization coreference-resolution
    slot-filling intent-classification tabular-classification
    tabular-regression dialogue-generation image-to-image
    """.split()
)

#: Task names that name a learning paradigm or a technique: the guidelines
#: (section 7.4) type these as Method.  Matched against the lower-cased name.
TASK_AS_METHOD_RE = re.compile(
    r"(reinforcement learning|(?<!un)supervised learning|unsupervised learning|"
    r"transfer learning|contrastive learning|representation learning|"
    r"meta-learning|meta learning|imitation learning|federated learning|"
    r"multi-task learning|multitask learning|metric learning|ensemble learning|"
    r"dictionary learning|in-context learning|prompt learning|active learning|"
    r"self-learning|q-learning|transductive learning|inductive learning|"
    r"multi-view learning|multiview learning|sparse learning|graph learning|"
    r"curriculum learning|knowledge distillation|data augmentation|"
    r"neural architecture search|architecture search|hyperparameter optimization|"
    r"bayesian optimization|dimensionality reduction|feature selection|"
    r"network pruning|(?<!de)quantization|model merging|prompt engineering|"
    r"weakly-supervised learning|weakly supervised learning|"
    r"self-supervised learning|semi-supervised learning|automl|"
    r"augmentation|adversarial training|word embeddings?)$"
)

#: Broad fields that PwC lists as tasks (guidelines section 3: excluded).
TASK_FIELD_RE = re.compile(
    r"(deep learning|machine learning|artificial intelligence|computer vision|"
    r"natural language processing|signal processing|data mining|robotics|"
    r"bioinformatics|medical imaging|speech processing|audio processing|"
    r"image processing|video processing|text mining|information retrieval)$"
)

#: Task names that are data types, components or leaderboard topics.
TASK_DROP = _names(
    """
    region proposal|point cloud|point clouds|face model|3d geometry|industrial robots
    skills evaluation
    """
)

#: Head nouns of PwC "tasks" that name a thing, a body of knowledge or a data type, not a
#: problem ("world knowledge", "AI agent", "computed tomography", "time series").
TASK_THING_HEADS = frozenset("knowledge series tomography agent agents graph".split())

#: Prepositions: a task name with one has its head before it ("action recognition in videos").
TASK_PREPOSITIONS = frozenset("in of from for with on to by under via".split())


def names_a_thing(label: str) -> bool:
    """Whether a PwC task name names things rather than a problem: its head (the last word,
    when no preposition comes before it and it does not start with a verb) is a plural
    ("knowledge graphs", "autonomous vehicles", "whole slide images", "board games") or a
    noun of a thing (:data:`TASK_THING_HEADS`)."""
    words = label.lower().split()
    if any(w in TASK_PREPOSITIONS for w in words):
        return False
    first, last = words[0], words[-1].rsplit("-", 1)[-1]
    if first.endswith("ing") or first in ("classify", "predict", "detect", "generate", "recognize"):
        return False  # a verb phrase names what is done: "predicting patient outcomes"
    plural = last.endswith("s") and not last.endswith(("ss", "us", "is", "as", "ics", "series")) \
        and not label.split()[-1][:-1].isupper()  # (an acronym: "multi-speaker TTS")
    return (plural and len(words) > 1) or last in TASK_THING_HEADS


#: Task names that are really architectures or model families.
TASK_AS_ARCHITECTURE_RE = re.compile(
    r"(language model|neural network|tensor network|block model|"
    r"mixture-of-experts|mixture of experts|attention|transformer)s?$"
)

#: Minimum weight (1 per listing + number of datasets) for a task to be kept.
MIN_TASK_WEIGHT = 3

#: Words that show a "task" matching TASK_AS_ARCHITECTURE_RE is a topic, not
#: a model family ("probing language models", "efficient neural network").
TASK_ARCH_NOISE = frozenset("with probing efficient deep dynamic pretrained classification".split())

#: Words that mark a leaderboard split, a competition or a setting rather
#: than a task.
TASK_JUNK_WORDS = frozenset(
    """
    dataset datasets benchmark benchmarks subtask track split level task
    challenge competition leaderboard shared setting settings et al
    """.split()
)


def clean_task_name(raw: str) -> tuple[str, list[str]] | None:
    """Clean one PwC task name.

    Parameters
    ----------
    raw : str
        Task name as found in the tables.

    Returns
    -------
    tuple of (str, list of str) or None
        The cleaned name in its original case and acronyms found in
        parentheses, or ``None`` when the name is junk.
    """
    name = norm_space(ascii_dashes(raw)).strip(" :;,.")
    if not name or not name.isascii() or "?" in name or '"' in name:
        return None
    if re.search(r"[:;/|+=<>,]| - |--|\bvs\.?\b|&", name):
        return None
    # language-pair leaderboards: "Translation deu-eng", "Translation cmn_Hans-fra", "es-en"
    if re.fullmatch(r"(Translation )?[a-z]{2,4}(?:_[A-Za-z]{4})?-[a-z]{2,4}(?:_[A-Za-z]{4})?", name):
        return None
    name = name.replace("_", " ")
    # lower-case kebab tags such as "named-entity-recognition"
    if " " not in name and name.islower() and name.count("-") >= 1 and "-to-" not in name:
        name = name.replace("-", " ")
    base, acronyms, other = split_parenthetical(name)
    if other or "(" in base or ")" in base:
        return None
    words = base.split()
    if not words or len(words) > 6:
        return None
    if words[0].lower() in {"a", "an", "the"}:
        return None
    if any(w.lower() in TASK_JUNK_WORDS for w in words):
        return None
    # bare numbers and sizes ("Task 2", "16k", "100M") are leaderboard noise
    if any(re.fullmatch(r"\d+(\.\d+)?[kKmMbB%]?", w) for w in words):
        return None
    if base.isupper() and len(words) > 1:
        base = base.lower()
    # oddly cased junk such as "MUlTI-LABEL-ClASSIFICATION"
    if re.search(r"[A-Z]{2,}[a-z][A-Z]", base) or re.search(r"[a-z]{2}[A-Z][a-z]*[A-Z]{2}", base):
        return None
    return base, acronyms


def build_task_rows(records: list[dict], dataset_keys: set[str]) -> list[Row]:
    """Build the task vocabulary.

    Parameters
    ----------
    records : list of dict
        Output of :func:`read_task_tables`.
    dataset_keys : set of str
        :func:`match_key` values of dataset names; single-token "tasks" that
        are really benchmarks (``MMLU``, ``GSM8K``) are left to the dataset
        file.

    Returns
    -------
    list of Row
        Task rows (plus paradigm rows typed Method and model-family rows
        typed Architecture).
    """
    weights: Counter = Counter()
    forms: dict[str, Counter] = defaultdict(Counter)
    acronyms: dict[str, set] = defaultdict(set)
    for rec in records:
        cleaned = clean_task_name(rec["task"])
        if cleaned is None:
            continue
        name, acrs = cleaned
        label = lower_generic(name)
        key = match_key(label)
        weights[key] += 1 + rec["dataset_count"]
        forms[key][label] += 1
        acronyms[key].update(acrs)
    rows = []
    for key in sorted(forms):
        label = max(forms[key].items(), key=lambda kv: (kv[1], " " in kv[0], -len(kv[0]), kv[0]))[0]
        low = label.lower()
        # tasks without any dataset in the tables are mostly one-off,
        # misspelt or leaderboard-specific names
        if weights[key] < MIN_TASK_WEIGHT:
            continue
        words = label.split()
        if low in EXAM_SUBJECTS or low in TASK_DROP or TASK_FIELD_RE.search(low):
            continue
        if names_a_thing(label) and not (TASK_AS_METHOD_RE.search(low) or TASK_AS_ARCHITECTURE_RE.search(low)):
            continue
        if len(words) == 1:
            if low not in TASK_SINGLE_WORDS:
                continue
            if key in dataset_keys:
                continue
        if all(w.lower() in COMMON_WORDS for w in re.split(r"[\s\-]+", label)) and len(words) <= 1:
            continue
        kind = "Task"
        if TASK_AS_METHOD_RE.search(low):
            kind = "Method"
        elif TASK_AS_ARCHITECTURE_RE.search(low):
            if len(words) > 3 or set(low.split()) & TASK_ARCH_NOISE:
                continue
            kind = "Architecture"
            label = singular_head(label)
        aliases = [f for f in forms[key] if f != label]
        aliases += sorted(acronyms[key])
        aliases += spelling_variants(label)
        rows.append(Row(label, kind, "pwc-tasks", aliases, False, weights[key]))
    return rows


# ---------------------------------------------------------------------------
# Datasets ("Common Datasets (Top 10)" and "Benchmarks" columns)
# ---------------------------------------------------------------------------

#: Trailing split, subset and setting markers stripped from benchmark names
#: ("COCO test-dev", "CIFAR-100 5-shot", "BSD100 4x upscaling").
DATASET_SUFFIX_RE = re.compile(
    r"(?:[\s_\-]+(?:test|val|valid|validation|dev|train|training|testing|"
    r"test-?dev|test-?std|test-standard|test-challenge|testfinal|minival|"
    r"test-clean|test-other|dev-clean|dev-other|test set|val set|dev set|"
    r"test split|val split|split|set|subset|fixed|public|private|full|"
    r"seen|unseen|in-domain|out-of-domain|zero-shot|few-shot|one-shot|"
    r"\d+-shot|\d+-way|k-shot|\d+x|\d+x upscaling|\d+ labels?|\d+ classes|"
    r"\d+(?:\.\d+)?% labeled(?: data)?|\d+(?:\.\d+)?%|labeled|unlabeled|"
    r"upscaling|\d+ frames|\d+k|\d+k steps|cross-subject|cross-view|"
    r"cross-setup|online|offline|easy|medium|hard)\.?)+$",
    re.IGNORECASE,
)

#: Generic trailing head nouns; stripped only when what remains is a name.
DATASET_HEAD_RE = re.compile(r"\s+(?:dataset|datasets|data set|data|benchmark|database)$", re.IGNORECASE)

#: Function words allowed inside Title Case dataset names.
FUNCTION_WORDS = frozenset("of in the and for on with from to at by a an de des la le".split())

#: Names that look like datasets in the tables but are products,
#: organisations or places (guidelines section 3).
DATASET_DROP = frozenset(
    s.lower() for s in """
    Reddit Yelp Yahoo Google Weibo Twitter YouTube Youtube Wikipedia Wiki Linux
    Stackoverflow Slashdot Foursquare Instacart Facebook Amazon Netflix Baidu
    Microsoft Alibaba Tencent OpenAI Android Github GitHub Quora Douyin TikTok
    Spotify Airbnb Uber Flickr Instagram Pinterest Tumblr Steam Kaggle DARPA
    ACM IEEE NASA NOAA London Berkeley Columbia Cornell Stanford Houston
    Wisconsin Dayton Botswana Florence Helen Jung Kumar Schiller Hansel Patzig
    Avalon Atari MuJoCo Minecraft Unity Synthetic Real Mixed Overall Other
    Unknown Average Total Leaderboard Test Val Dev Train SSL Custom Random
    Vimeo Unsplash Udacity Telegram Taobao Pokemon Pittsburgh Rambo Emilia
    """.split()
)


def strip_dataset_name(raw: str) -> str:
    """Reduce a benchmark string to the dataset name it refers to.

    Parameters
    ----------
    raw : str
        One item of the "Common Datasets" or "Benchmarks" column.

    Returns
    -------
    str
        The dataset name without split, subset or setting suffixes, or
        ``""`` when nothing usable is left.
    """
    name = norm_space(ascii_dashes(raw)).strip(" ,;:")
    if not name or "|" in name:
        return ""
    name = re.split(r",\s|\s[-:]\s|:\s|\s->\s|\s\(\d| to ", name)[0]
    name = re.sub(r"\s*\([^()]*\)$", "", name)
    name = re.sub(r"\s+\d+x\d+$", "", name)
    base, _acrs, _other = split_parenthetical(name)
    name = base.strip(" ,;:-")
    previous = None
    while previous != name:
        previous = name
        name = DATASET_SUFFIX_RE.sub("", name).strip(" ,;:-")
    return name


def looks_like_dataset(name: str, weight: int) -> bool:
    """Decide whether a cleaned string is a usable dataset name.

    Parameters
    ----------
    name : str
        Output of :func:`strip_dataset_name`.
    weight : int
        Number of table cells that mention the name.

    Returns
    -------
    bool
        ``True`` for name-like strings (a capital or a digit, at most six
        words, Title Case, not made of ordinary words only).
    """
    words = name.split()
    if not words or len(words) > 6 or len(name) < 2:
        return False
    if not re.search(r"[A-Z0-9]", name) or not re.search(r"[A-Za-z]", name):
        return False
    if words[0].lower() in {"a", "an", "this", "these", "our", "my"}:
        return False
    if name.lower() in DATASET_DROP or "et al" in name.lower() or "_" in name:
        return False
    if any(w.lower() in {"task", "subtask", "track", "shared"} for w in words):
        return False
    if name.isupper() and name.lower() in COMMON_WORDS:
        return False
    if re.search(r"[?;=<>{}()\[\]\\]|https?|www\.|\.com\b|\.org\b", name):
        return False
    # "122 People", "21 Ways": a number and ordinary words
    if re.fullmatch(r"\d+", words[0]) and len(words) > 1 and all(is_plain_word(w) for w in words[1:]) and weight < 3:
        return False
    if not name.isascii() and not re.fullmatch(r"[\w\s\-.'+!&/()é]+", name):
        return False
    # every ordinary word is capitalised (function words aside)
    for word in words:
        if is_plain_word(word) and word[0].islower() and word.lower() not in FUNCTION_WORDS:
            if len(words) > 1 or not re.search(r"\d", name):
                return False
    plain = [w for w in re.split(r"[\s\-]+", name) if w]
    if all(is_plain_word(w) for w in plain):
        content = [w.lower() for w in plain if w.lower() not in FUNCTION_WORDS]
        if not content:
            return False
        if all(w in COMMON_WORDS for w in content) and weight < 3:
            return False
        if len(content) == 1 and (content[0] in COMMON_WORDS or weight < 2):
            return False
        # descriptive phrases ("Bone Cement Removal with Audio-Monitoring")
        if weight < 3 and (len(content) < len(plain) or len(plain) >= 4):
            return False
    if re.fullmatch(r"[A-Z]{1,2}\d?", name) or name.upper() in AMBIGUOUS_ACRONYMS:
        return False
    if re.fullmatch(r"[\d.\-x%]+", name):
        return False
    return True


def build_dataset_rows(records: list[dict]) -> list[Row]:
    """Build the dataset vocabulary.

    Parameters
    ----------
    records : list of dict
        Output of :func:`read_task_tables`.

    Returns
    -------
    list of Row
        One row per dataset; spelling variants that share a
        :func:`match_key` (``CIFAR-10``/``CIFAR10``) are merged, the most
        frequent spelling becoming the label.
    """
    counts: Counter = Counter()
    for rec in records:
        for raw in rec["datasets"] + rec["benchmarks"]:
            name = strip_dataset_name(raw)
            if name:
                counts[name] += 1
    # "X Dataset" -> "X" when X is itself name-like
    renamed: Counter = Counter()
    long_forms: dict[str, set] = defaultdict(set)
    for name, count in counts.items():
        short = DATASET_HEAD_RE.sub("", name)
        if short != name and short and not all(
            is_plain_word(w) and w.lower() in COMMON_WORDS | FUNCTION_WORDS
            for w in re.split(r"[\s\-]+", short)
        ) and looks_like_dataset(short, count + counts.get(short, 0)):
            long_forms[short].add(name)
            name = short
        renamed[name] += count
    groups: dict[str, Counter] = defaultdict(Counter)
    for name, count in renamed.items():
        if looks_like_dataset(name, count):
            groups[match_key(name)][name] += count
    rows = []
    for key in sorted(groups):
        variants = groups[key]
        label = max(variants.items(), key=lambda kv: (kv[1], sum(c.isupper() for c in kv[0]), "-" in kv[0], kv[0]))[0]
        weight = sum(variants.values())
        aliases = [v for v in sorted(variants) if v != label]
        plain = all(is_plain_word(w) for w in re.split(r"[\s\-]+", label) if w)
        case_sensitive = plain or (is_short_acronym(label) and len(label) <= 5)
        rows.append(Row(label, "Dataset", "pwc-datasets", aliases, case_sensitive, weight))
    return rows


#: Words after a name that show it used as a dataset ("CAD dataset", "the SOD benchmark").
DATASET_CONTEXT_WORDS = frozenset("dataset datasets benchmark benchmarks corpus corpora leaderboard split splits".split())
#: Words of a long form that names data ("Describable Textures Dataset (DTD)").
DATA_LONG_FORM_WORDS = DATASET_CONTEXT_WORDS | {"data", "database", "collection", "challenge", "suite"}
_ARXIV_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9+.\-]*[A-Za-z0-9+]|[A-Za-z0-9]")
_DEFINITION = re.compile(r"((?:[\w-]+\s+){1,6})\(([A-Za-z0-9][\w-]*?)s?\)")
#: Definitions as something else needed before a one-word dataset name counts as ambiguous.
MIN_OTHER_DEFINITIONS = 3


def abbreviation_collisions(arxiv: Path, names: set[str]) -> set[str]:
    """One-word dataset names that arXiv abstracts mostly use as abbreviations of something
    else: "computer-aided design (CAD)", "end-to-end (E2E)", "salient object detection (SOD)".

    A name is ambiguous when the abstracts define it, at least
    :data:`MIN_OTHER_DEFINITIONS` times, as the short form of a lower-case phrase that names no
    data, and use it before "dataset"/"benchmark" fewer times than that. Such a name matched
    anywhere would mostly be a false Dataset; the extractor's context rules still find it
    where the text calls it a dataset.

    Parameters
    ----------
    arxiv : pathlib.Path
        The arXiv abstracts (``data/arxiv/*.jsonl.gz``).
    names : set of str
        One-word dataset surface forms.

    Returns
    -------
    set of str
        The ambiguous names.
    """
    as_dataset: Counter = Counter()
    as_other: Counter = Counter()
    with gzip.open(arxiv, "rt", encoding="utf-8") as f:
        for line in f:
            record = json.loads(line)
            text = f"{record.get('title') or ''} . {record.get('abstract') or ''}"
            words = _ARXIV_WORD.findall(text)
            for i, w in enumerate(words[:-1]):
                if w in names and words[i + 1].lower() in DATASET_CONTEXT_WORDS:
                    as_dataset[w] += 1
            for m in _DEFINITION.finditer(text):
                short, long_form = m.group(2), m.group(1).split()
                if short in names and long_form[-1].islower() and "bench" not in m.group(1).lower() \
                        and not DATA_LONG_FORM_WORDS & {w.lower() for w in long_form}:
                    as_other[short] += 1
    return {n for n, k in as_other.items() if k >= MIN_OTHER_DEFINITIONS and as_dataset[n] < k}


def drop_ambiguous_datasets(rows: list[Row], ambiguous: set[str]) -> list[Row]:
    """The dataset rows without the ambiguous surface forms (a row whose label is ambiguous
    goes; an ambiguous alias is removed from its row)."""
    out = []
    for row in rows:
        if row.label in ambiguous:
            continue
        row.aliases = [a for a in row.aliases if a not in ambiguous]
        out.append(row)
    return out


# ---------------------------------------------------------------------------
# Metrics ("SOTA Metrics" column)
# ---------------------------------------------------------------------------

#: Tokens that mark an evaluation measure.
METRIC_HEADS = frozenset(
    """
    accuracy error score precision recall f1 f-measure f-score f1-score
    measure distance correlation coefficient index rate loss divergence
    similarity ratio rank iou auc auroc auprc aupr ap map bleu rouge meteor
    cider spice psnr ssim ms-ssim lpips fid kid fvd wer cer eer mse rmse mae
    mape smape ndcg mrr mota motp hota idf1 mpjpe pa-mpjpe pck epe nme
    perplexity ppl bpc bpb flops gflops macs fps latency throughput runtime
    reward sensitivity specificity mcc nmi ari dice jaccard pq miou macc
    chamfer kappa elbo nll auc-roc roc-auc mae recall@k sari chrf ter bertscore
    clipscore mos stoi pesq si-sdr si-sdri si-snr si-snri sdr tar far frr
    mindcf ade fde nds mAP ssim rmsle r2 crps wape maape sfid inception
    """.split()
)

#: Words that may qualify a metric head in a metric name ("mean average
#: precision", "top-1 accuracy").  Names with any other word are usually a
#: leaderboard setting ("AUC on ACL tear") and are dropped.
METRIC_MODIFIERS = frozenset(
    """
    mean average averaged avg macro micro weighted balanced normalized
    normalised relative absolute squared square root log exact match word
    character equal intersection over union area under curve roc pr per
    class per-class median cross entropy expected calibration concordance
    pearson spearman kendall reciprocal cumulative discounted gain inception
    frechet fréchet earth mover's edit levenshtein cosine structural peak
    signal-to-noise noise signal end-point endpoint success hit hits box mask
    keypoint panoptic quality segmentation detection recognition cohen's
    matthews human-normalized robust attack top-1 top-5 top-3 top-10 top
    mutual information adjusted rand bits per byte char dim token tokens
    sentence bleu rouge f1 f-1 distance similarity error rate score index
    coefficient correlation ratio rank precision recall accuracy displacement
    final miss false positive negative true acceptance rejection opinion
    mean-squared of the percentage frame pixel point-wise pointwise
    intra clean
    """.split()
)

#: Metric names that are too generic or are table artefacts.
METRIC_DROP = frozenset(
    """
    overall open binary score average test validity extract exact error rate
    time speed memory parameters params epochs return success reward
    accuracy@ total mean other all val source-free natural images speech text
    sensors images med. imaging abductive harmonic mean average score
    success rate percentage correct percentage error rank top-1 top-5 top-10
    top-3 top-20 top-50 top kappa chamfer jaccard
    """.split()
) | frozenset({"natural images", "harmonic mean", "average score", "percentage correct",
               "text score", "mean performance", "average decisions", "number of params",
               "number of parameters"})

#: Prefixes that only say on which split a metric was measured (guidelines
#: section 7.8: train/test/validation variants are the base metric).
METRIC_SPLIT_PREFIX_RE = re.compile(r"^(?:test|val|valid|validation|eval|training|train|dev)\s+", re.I)


def clean_metric_name(raw: str) -> tuple[str, list[str]] | None:
    """Clean one metric name from the "SOTA Metrics" column.

    Parameters
    ----------
    raw : str
        One metric string, e.g. ``"Word Error Rate (WER)"`` or
        ``"Accuracy (%)"``.

    Returns
    -------
    tuple of (str, list of str) or None
        The cleaned name and acronyms from parentheses, or ``None`` for junk.
    """
    name = norm_space(ascii_dashes(raw)).strip(" ,;:%-")
    if not name or not name.isascii() or not re.search(r"[A-Za-z]{2}", name):
        return None
    name = re.sub(r"^%\s*", "", name)
    name = METRIC_SPLIT_PREFIX_RE.sub("", name)
    name = re.sub(r"\s*\((?:%|\s*%\s*|M|G|B|K|ms|s|sec|dB|mm|cm|m|min|h|hrs|GB|MB|x)\)\s*", " ", name)
    name = norm_space(re.sub(r"\s*%$", "", name))
    base, acronyms, _other = split_parenthetical(name)
    base = re.sub(r"\s*\([^()]*\)\s*$", "", base)
    if re.search(r"[:/,;=<>|]|\.\.|\(|\)", base):
        return None
    if re.match(r"\d", base) and not re.match(r"\d+D\b", base):
        return None
    words = base.split()
    if not words or len(words) > 5:
        return None
    if len(base) < 2:
        return None
    return base, acronyms


def is_metric_like(name: str) -> bool:
    """Tell whether a cleaned name contains a metric head token.

    Parameters
    ----------
    name : str
        A cleaned metric name.

    Returns
    -------
    bool
        ``True`` when one of its tokens (ignoring ``@k`` and numeric
        suffixes) is in :data:`METRIC_HEADS`.
    """
    for token in re.split(r"[\s]+", name.lower()):
        token = re.sub(r"@.*$", "", token)
        token = re.sub(r"[-_]?\d+(?:\.\d+)?$", "", token)
        if token in METRIC_HEADS or token.split("-")[0] in METRIC_HEADS or token.split("-")[-1] in METRIC_HEADS:
            return True
        if re.fullmatch(r"(map|ap|r|p|hit|hits|ndcg|mrr|recall|precision|pass|acc|top)", token):
            return True
    return False


def metric_words_ok(name: str) -> bool:
    """Tell whether every word of a metric name is a head or a modifier.

    Parameters
    ----------
    name : str
        A cleaned metric name.

    Returns
    -------
    bool
        ``True`` for names such as ``"mean average precision"`` or
        ``"mAP@0.5"``; ``False`` for leaderboard settings such as
        ``"AUC on ACL tear"``.
    """
    words = name.split()
    for word in words:
        token = re.sub(r"@.*$", "", word.lower()).strip(".")
        token = re.sub(r"[-_]?\d+(?:\.\d+)?[a-z]?$", "", token)
        if not token:
            continue
        if token in METRIC_HEADS or token in METRIC_MODIFIERS:
            continue
        if "-" in token and all(p in METRIC_HEADS | METRIC_MODIFIERS or not p for p in token.split("-")):
            continue
        if len(words) == 1 and is_acronym(word):
            continue
        return False
    return True


def build_metric_rows(records: list[dict]) -> list[Row]:
    """Build the metric vocabulary.

    Parameters
    ----------
    records : list of dict
        Output of :func:`read_task_tables`.

    Returns
    -------
    list of Row
        One row per metric; variants sharing a :func:`match_key` are merged.
    """
    counts: Counter = Counter()
    acronyms: dict[str, set] = defaultdict(set)
    for rec in records:
        for raw in rec["metrics"]:
            cleaned = clean_metric_name(raw)
            if cleaned is None:
                continue
            name, acrs = cleaned
            label = lower_generic(name)
            counts[label] += 1
            acronyms[match_key(label)].update(acrs)
    groups: dict[str, Counter] = defaultdict(Counter)
    for label, count in counts.items():
        groups[match_key(label)][label] += count
    rows = []
    for key in sorted(groups):
        variants = groups[key]
        weight = sum(variants.values())
        label = max(variants.items(), key=lambda kv: (kv[1], "-" in kv[0], kv[0]))[0]
        low = label.lower()
        if low in METRIC_DROP or not is_metric_like(label):
            continue
        words = label.split()
        if not metric_words_ok(label):
            continue
        if "@" in label and not re.search(r"@\s?\d+(?:\.\d+)?(?::\d+(?:\.\d+)?)?$", label):
            continue
        # one-off spellings are leaderboard noise unless they are plain words
        if weight < 2 and not all(is_plain_word(w) for w in re.split(r"[\s\-]+", label)):
            continue
        # rare single acronyms are table noise more often than names
        if len(words) == 1 and is_acronym(label) and weight < 3 and not is_metric_like(label):
            continue
        if weight < 2 and len(words) > 2:
            continue
        if label.upper() in AMBIGUOUS_ACRONYMS or (len(label) <= 2 and label.upper() not in {"AP", "PQ", "R2"}):
            continue
        if label.isupper() and low in COMMON_WORDS:
            continue
        aliases = [v for v in sorted(variants) if v != label] + sorted(acronyms[key])
        aliases += spelling_variants(label)
        case_sensitive = is_short_acronym(label) and len(label) <= 5
        rows.append(Row(label, "Metric", "pwc-metrics", aliases, case_sensitive, weight))
    return merge_acronym_rows(rows)


def merge_acronym_rows(rows: list[Row]) -> list[Row]:
    """Fold a row labelled by an acronym into the row that expands it.

    The tables list e.g. both ``CER`` and ``Character Error Rate (CER)``; the
    two rows are one concept, so the acronym row's weight and aliases move to
    the long-form row.

    Parameters
    ----------
    rows : list of Row
        Rows of one vocabulary.

    Returns
    -------
    list of Row
        The rows with acronym-only duplicates merged away.
    """
    expands: dict[str, Row] = {}
    for row in rows:
        if len(row.label.split()) > 1:
            for alias in row.aliases:
                if is_acronym(alias):
                    expands.setdefault(match_key(alias), row)
    out = []
    for row in rows:
        target = expands.get(match_key(row.label))
        if target is not None and target is not row and len(row.label.split()) == 1:
            target.weight += row.weight
            target.aliases.extend(row.aliases)
            continue
        out.append(row)
    return out


# ---------------------------------------------------------------------------
# Curated rows, negative list, conflict resolution
# ---------------------------------------------------------------------------


def read_vocab_csv(path: Path) -> list[Row]:
    """Read a vocabulary CSV (the curated list) into rows.

    Parameters
    ----------
    path : pathlib.Path
        A CSV file with the header ``label,type,aliases,case_sensitive,source``.

    Returns
    -------
    list of Row
        The rows; an absent file gives an empty list.

    Raises
    ------
    ValueError
        If the header is wrong or a row has an unknown type.
    """
    if not path.exists():
        return []
    rows = []
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader, None)
        if header != HEADER:
            raise ValueError(f"{path}: header must be {','.join(HEADER)}, got {header}")
        for lineno, record in enumerate(reader, start=2):
            if not record or not record[0].strip():
                continue
            if len(record) != len(HEADER):
                raise ValueError(f"{path}:{lineno}: expected {len(HEADER)} fields, got {len(record)}")
            label, kind, aliases, case_sensitive, source = record
            if kind not in TYPES:
                raise ValueError(f"{path}:{lineno}: unknown type {kind!r}")
            rows.append(Row(label.strip(), kind, source.strip() or "curated",
                            [a.strip() for a in aliases.split("|") if a.strip()],
                            case_sensitive.strip() == "1", 10**6))
    return rows


def read_generic_terms(path: Path) -> set[str]:
    """Read the negative list of generic phrases.

    Parameters
    ----------
    path : pathlib.Path
        ``generic_terms.txt``: one phrase per line, ``#`` starts a comment.

    Returns
    -------
    set of str
        :func:`match_key` of every phrase (empty when the file is absent).
    """
    if not path.exists():
        return set()
    terms = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        phrase = line.split("#", 1)[0].strip()
        if phrase:
            terms.add(match_key(phrase))
    return terms


def tidy_aliases(row: Row, generic: set[str]) -> None:
    """Remove aliases that add nothing or that are too risky to match.

    Dropped: case-only or plural-only variants of the label (unless the row
    is case-sensitive), aliases of one or two characters, ambiguous
    acronyms (:data:`AMBIGUOUS_ACRONYMS`), all-capital spellings of ordinary
    words, generic terms and duplicates.

    Parameters
    ----------
    row : Row
        A generated row; its ``aliases`` are replaced in place.
    generic : set of str
        Keys of the negative list.
    """
    kept: list[str] = []
    seen = {row.label} if row.case_sensitive else {row.label.lower()}
    label_low = row.label.lower()
    for alias in row.aliases:
        alias = norm_space(alias).strip(" -")
        if not alias or "|" in alias or len(alias.split()) > 8:
            continue
        low = alias.lower()
        key = alias if row.case_sensitive else low
        if key in seen or low in {label_low + "s", label_low + "es"} or label_low in {low + "s", low + "es"}:
            continue
        if len(alias) <= 2 or alias.upper() in AMBIGUOUS_ACRONYMS:
            continue
        if alias.isupper() and (low in COMMON_WORDS or any(
                len(w) > 3 and w.lower() in COMMON_WORDS for w in alias.split())):
            continue
        if match_key(alias) in generic or alias.lower() in NON_ENTITY_NAMES:
            continue
        # short all-capital acronyms of rarely used entries match other
        # things more often than the entry itself
        if re.fullmatch(r"[A-Z]{3}", alias) and row.weight < 5:
            continue
        seen.add(key)
        kept.append(alias)
    row.aliases = kept


def resolve(curated: list[Row], generated: dict[str, list[Row]], generic: set[str]) -> dict[str, list[Row]]:
    """Give every surface form to one row only.

    Curated rows win over generated ones; among generated files the order
    is that of ``generated`` (methods, metrics, tasks, datasets, as in the
    extractor's loader); within a file the more popular row wins.  Forms are
    compared by :func:`match_key`, also without a final "s".  A row whose label is taken, or is a generic term, is dropped; an
    alias that is taken is removed from the losing row.

    Parameters
    ----------
    curated : list of Row
        Rows of ``curated.csv``.
    generated : dict of str to list of Row
        Generated rows per output file name, in precedence order.
    generic : set of str
        Keys of the negative list.

    Returns
    -------
    dict of str to list of Row
        The surviving generated rows per file.
    """
    def keys(form: str) -> list[str]:
        key = match_key(form)
        return [key, key[:-1]] if key.endswith("s") and len(key) > 4 else [key]

    def taken(form: str, me: str) -> bool:
        return any(owner.get(k, me) != me for k in keys(form))

    owner: dict[str, str] = {}
    for row in curated:
        for form in row.surface_forms():
            for key in keys(form):
                owner.setdefault(key, "curated:" + row.label.lower())
    result: dict[str, list[Row]] = {}
    for fname, rows in generated.items():
        kept = []
        for row in sorted(rows, key=lambda r: (-r.weight, r.label.lower(), r.label)):
            me = fname + ":" + row.label.lower()
            label_key = match_key(row.label)
            if label_key in generic or row.label.lower() in NON_ENTITY_NAMES:
                continue
            if row.label.isupper() and row.label in AMBIGUOUS_ACRONYMS:
                continue
            if taken(row.label, me):
                continue
            tidy_aliases(row, generic)
            row.aliases = [a for a in row.aliases if not taken(a, me)]
            for form in row.surface_forms():
                for key in keys(form):
                    owner.setdefault(key, me)
            kept.append(row)
        result[fname] = kept
    return result


def write_rows(path: Path, rows: list[Row]) -> None:
    """Write rows as a sorted vocabulary CSV.

    Parameters
    ----------
    path : pathlib.Path
        Output file.
    rows : list of Row
        Rows to write; they are sorted by label (case-insensitive), then by
        exact label and type, so the file does not depend on input order.
    """
    records = sorted((r.as_record() for r in rows), key=lambda rec: (rec[0].lower(), rec[0], rec[1]))
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, quoting=csv.QUOTE_MINIMAL, lineterminator="\n")
        writer.writerow(HEADER)
        writer.writerows(records)


# ---------------------------------------------------------------------------
# Command line
# ---------------------------------------------------------------------------


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Parse the command line.

    Parameters
    ----------
    argv : list of str, optional
        Arguments (default: ``sys.argv[1:]``).

    Returns
    -------
    argparse.Namespace
        ``shared`` and ``out`` paths.
    """
    parser = argparse.ArgumentParser(
        description="Build the PwC-derived vocabularies (pwc_*.csv) used by the extractor.")
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED,
                        help="shared data folder (default: %(default)s)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT,
                        help="output folder; curated.csv and generic_terms.txt are read "
                             "from here (default: %(default)s)")
    return parser.parse_args(argv)


#: The arXiv abstracts that tell an ambiguous dataset short form (:func:`abbreviation_collisions`).
ARXIV = Path("data") / "arxiv" / "arxiv_cs_daily_2025_2026.jsonl.gz"


def missing_inputs(shared: Path) -> list[str]:
    """The input files of :func:`build` that ``shared`` lacks (without any of them the
    vocabularies would differ, so none is optional).

    Parameters
    ----------
    shared : pathlib.Path
        The shared data folder.

    Returns
    -------
    list of str
        Their paths relative to ``shared``.
    """
    tasks = Path("data") / "pwc" / "tasks"
    needed = [Path("data") / "pwc" / "methods.json", *(tasks / f"{t}_tasks_detailed.csv" for t in TASK_TABLES),
              tasks / "all_tasks.txt", ARXIV]
    return [str(p) for p in needed if not (shared / p).is_file()]


def build(shared: Path, out: Path) -> dict[str, list[Row]]:
    """Build all generated vocabularies and write them.

    Parameters
    ----------
    shared : pathlib.Path
        The shared data folder (with ``data/pwc``).
    out : pathlib.Path
        Output folder.

    Returns
    -------
    dict of str to list of Row
        The rows written, per file name.
    """
    pwc = shared / "data" / "pwc"
    methods = json.loads((pwc / "methods.json").read_text(encoding="utf-8"))
    records = read_task_tables(pwc / "tasks")
    datasets = build_dataset_rows(records)
    one_word = {f for row in datasets for f in (row.label, *row.aliases) if " " not in f}
    datasets = drop_ambiguous_datasets(datasets, abbreviation_collisions(shared / ARXIV, one_word))
    dataset_keys = {match_key(f) for row in datasets for f in row.surface_forms()}
    # precedence order, the same as the extractor's loader (kg.extract.vocabulary)
    generated = {
        "pwc_methods.csv": build_method_rows(methods),
        "pwc_metrics.csv": build_metric_rows(records),
        "pwc_tasks.csv": build_task_rows(records, dataset_keys),
        "pwc_datasets.csv": datasets,
    }
    curated = read_vocab_csv(out / "curated.csv")
    generic = read_generic_terms(out / "generic_terms.txt")
    result = resolve(curated, generated, generic)
    for fname, rows in result.items():
        write_rows(out / fname, rows)
    return result


def main(argv: list[str] | None = None) -> int:
    """Run the build and print row counts per file and per type.

    Parameters
    ----------
    argv : list of str, optional
        Command-line arguments.

    Returns
    -------
    int
        Process exit status (0 on success, 2 when the shared data is missing).
    """
    args = parse_args(argv)
    missing = missing_inputs(args.shared)
    if missing:
        print(f"error: not found in {args.shared} (use --shared): {', '.join(missing)}", file=sys.stderr)
        return 2
    result = build(args.shared, args.out)
    for fname, rows in result.items():
        by_type = Counter(r.type for r in rows)
        detail = ", ".join(f"{t}: {by_type[t]}" for t in TYPES if by_type[t])
        print(f"{args.out / fname}: {len(rows)} rows ({detail})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
