"""Head nouns and cue words that tell an entity's type from its own words or from the words
that describe it.

Pure data and functions; used by the abbreviation resolver (a long form no vocabulary knows),
by the rules for names no vocabulary knows, and by the learned recognizer's features (the head
noun of a description of a name: :func:`kg.extract.features.described_as`).
"""

from __future__ import annotations

from kg.model import EntityType

#: Last word of a phrase -> type. Checked on the singular, lower-cased head.
HEAD_TYPES: dict[str, EntityType] = {}
for _t, _words in {
    "Architecture": """network net transformer former encoder decoder autoencoder perceptron
        layer block module unit cell attention convolution embedding head adapter backbone
        gnn cnn rnn lstm gru mlp llm vit gan vae kan machine model tree forest""",
    "Method": """learning training distillation optimization optimisation regularization
        normalization augmentation search descent propagation backpropagation sampling pruning
        quantization tuning finetuning fine-tuning pretraining pre-training algorithm method
        technique strategy procedure scheme analysis inference estimation decomposition
        factorization aggregation initialization adaptation alignment loss mechanism
        programming retrieval-augmented dropout compression encoding prompting
        framework paradigm""",
    "Dataset": "dataset benchmark corpus suite database collection bank leaderboard",
    "Metric": """accuracy error score rate precision recall auc loss latency throughput
        perplexity divergence bleu rouge f1 mse rmse mae mape iou map similarity
        flops complexity index ratio metric measure indicator coefficient""",
    "Task": """detection classification segmentation recognition prediction forecasting
        generation translation retrieval answering captioning tracking localization
        summarization parsing tagging reconstruction synthesis completion matching
        regression clustering identification diagnosis verification inpainting
        super-resolution denoising editing navigation planning control modeling modelling
        categorization
        understanding reasoning grounding""",
}.items():
    for _w in _words.split():
        HEAD_TYPES.setdefault(_w, _t)  # type: ignore[arg-type]

#: Suffixes of coined model names ("ResNet", "MCUFormer", "HTNet", "DeepONet").
ARCHITECTURE_SUFFIXES = ("net", "former", "gpt", "bert", "vit", "mamba", "gan", "vae", "llama", "lm",
                         "mlp", "cnn", "rnn", "lstm", "gnn", "nerf", "unet", "diffusion")

#: Modifiers dropped from the start of a phrase: scope and evaluative words (guidelines §4).
EVALUATIVE = frozenset("""a an the our this these those its their novel new proposed simple
    efficient effective lightweight light-weight large-scale small-scale high-efficiency
    high-performance plain vanilla standard conventional traditional existing popular
    state-of-the-art sota powerful robust general generic unified various several many
    different multiple specific typical classic classical modern recent improved enhanced
    advanced robust scalable flexible accurate fast faster better best strong stronger
    well-known widely-used commonly-used two-stage single-stage one-stage end-to-end
    first second two three four five six such same other both each any all more most
    so-called called named dubbed termed i.e. e.g. further additional separate numerous useful""".split())

#: Cues that the sentence introduces the paper's own contribution.
PROPOSAL_VERBS = frozenset("""propose proposes proposed introduce introduces introduced present
    presents presented develop develops developed devise devises devised design designs
    designed build builds built create creates created construct constructs constructed
    contribute contributes offer offers introducing proposing presenting devising""".split())
NAMING_CUES = frozenset("dubbed called named termed coined".split())
#: Words that open a description of a name after it ("DOVE, a dynamic vision encoder").
DESCRIPTION_DETERMINERS = frozenset("a an the our this its".split())
#: Words that end the head phrase of such a description ("a framework *for* ...", "an encoder
#: *that* ...").
DESCRIPTION_ENDS = frozenset("""for that which to with of in on by from and or via using based where who
    trained designed built capable is are we it""".split())


_PREPOSITIONS = frozenset("for of with via in on to using from by through towards".split())
#: Words that open a sentence's introductory phrase, whose comma is no apposition: "For MNIST, the
#: teacher model achieves 98%", "Unlike CLIP, our model ...".
FRONTING_WORDS = _PREPOSITIONS | frozenset("""unlike compared beyond besides like after before across at over
    under without while when although though as since whereas despite beside against""".split())


def guess_type(words: list[str]) -> tuple[EntityType, float] | None:
    """Type of a phrase from its head noun (the last word), with a confidence.

    Parameters
    ----------
    words : list of str
        The phrase's words (hyphenated compounds split or not).

    Returns
    -------
    (type, confidence) or None
        None when no head noun or suffix gives the type.
    """
    from kg.extract.normalize import singularize

    # The head of "X for Y" / "X of Y" is X's last word ("optimization paradigm for ... Generation").
    for i, w in enumerate(words):
        if i and w.lower() in _PREPOSITIONS:
            words = words[:i]
            break
    if not words:
        return None
    last = singularize(words[-1].strip("\"'`()[]{}")).lower()  # '"Hallucination Score"'
    pieces = last.split("-")
    if last in HEAD_TYPES:
        return HEAD_TYPES[last], 0.8
    if pieces[-1] in HEAD_TYPES:
        return HEAD_TYPES[pieces[-1]], 0.75
    if len(last) > 3 and last.endswith(ARCHITECTURE_SUFFIXES):
        return "Architecture", 0.7
    return None
