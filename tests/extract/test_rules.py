"""Context rules for names no vocabulary knows (kg.extract.rules), on real sentences.

Unless a test says otherwise the sentences are from arXiv abstracts (shared/data/arxiv).
"""

from __future__ import annotations

from kg.extract import extract, paper_entities
from kg.extract.normalize import singular_phrase
from kg.model import Paper


def found(nlp, text, title=None):
    """(type, lower-cased singular name) -> rules that found it, for one paper (names are as
    the paper writes them, plurals included: the singular keeps these tests about what is found)."""
    ex = next(extract([Paper(id="x", title=title, abstract=text)], nlp))
    rules: dict[str, set] = {}
    for m in ex.mentions:
        rules.setdefault(m.key, set()).add(m.rule)
    return {(e["type"], singular_phrase(e["name"]).lower()): rules[e["key"]] for e in paper_entities(ex)}


# -- examples of a typed hypernym (Hearst patterns) ----------------------------------------------

def test_examples_of_tasks_are_tasks(nlp):
    got = found(nlp, "In low-light environments, the performance of computer vision algorithms often "
                     "deteriorates significantly, adversely affecting key vision tasks such as segmentation, "
                     "detection, and classification.")
    for task in ("segmentation", "detection", "classification"):
        assert ("Task", task) in got


def test_examples_of_methods_and_datasets_take_the_hypernym_type(nlp):
    got = found(nlp, "Inspired by methods such as SiTH and MagicMan, which perform 360-degree reconstruction "
                     "from a frontal image, we introduce a pipeline.")
    assert ("Method", "sith") in got and ("Method", "magicman") in got
    got = found(nlp, "Experimental results show that SpiVG surpasses existing methods across multiple datasets "
                     "such as SumMe, TVSum, VideoXum, and QFVS.")
    assert ("Dataset", "qfvs") in got and "rule:example-of" in got[("Dataset", "qfvs")]


def test_the_sentence_after_a_list_is_not_an_example(nlp):
    got = found(nlp, "The obtained results reveal that even top-performing models, such as OpenAI o3 and "
                     "GPT-5, solve only half of the problems, highlighting the challenge of code generation.")
    assert ("Architecture", "gpt-5") in got
    assert not any(name in ("solve", "solve only half") for _, name in got)


def test_a_verb_with_its_object_is_not_an_example(nlp):
    # daily-papers sample (PyTorch-Direct)
    got = found(nlp, "Unlike conventional neural networks, mini-batching input samples in GNNs requires "
                     "complicated tasks such as traversing neighboring nodes and gathering their feature values.")
    assert not any(t == "Task" for t, _ in got)


def test_coordinated_hypernyms_of_two_types_give_no_type(nlp):
    # daily-papers sample (SortedNet): "architectures and tasks" could type the examples either way
    got = found(nlp, "Our general dynamic training approach is demonstrated across various architectures and "
                     "tasks, including large language models and pre-trained vision models.")
    assert ("Architecture", "large language model") in got
    assert not any(t == "Task" for t, _ in got)


# -- head-noun phrases ---------------------------------------------------------------------------

def test_a_noun_ending_in_eed_is_a_modifier_not_a_past_tense(nlp):
    # daily-papers sample (USAGE)
    got = found(nlp, "Seed area generation is usually the starting point of weakly supervised semantic "
                     "segmentation (WSSS).")
    assert ("Task", "seed area generation") in got


def test_a_verb_in_the_third_person_is_not_a_modifier(nlp):
    got = found(nlp, "To address these challenges, we propose DeepMesh, a framework that optimizes mesh "
                     "generation through two key innovations.")
    assert ("Task", "mesh generation") in got
    assert not any("optimizes" in name for _, name in got)


# -- coined names --------------------------------------------------------------------------------

def test_a_hyphenated_adjective_is_not_a_name(nlp):
    got = found(nlp, "From the sample concepts tested, we achieved high classification accuracy, suggesting the "
                     "potential for LLM-based methods to improve computational phenotyping processes.")
    assert not any(name == "llm-based" for _, name in got)
    assert ("Architecture", "large language model") in got  # the LLM inside it still counts


def test_a_coined_name_ending_in_lm_is_a_language_model(nlp):
    # daily-papers sample (MLP Memory)
    got = found(nlp, "Unlike kNN-LM, which impairs reasoning, our MLP memory improves StrategyQA performance.")
    assert ("Architecture", "knn-lm") in got


def test_a_named_variant_does_not_keep_the_full_stop(nlp):
    got = found(nlp, "In this paper, we systematically revisit forgetting in DFT across two standard benchmarks "
                     "under eight CSS settings using two representative backbones: ResNet101 and Swin-B. "
                     "The results hold.")
    assert ("Architecture", "swin-b") in got


def test_a_proposed_name_takes_the_type_of_its_apposition(nlp):
    got = found(nlp, "In this paper, we introduce FontGuard, a novel font watermarking model that harnesses the "
                     "capabilities of font models and language-guided contrastive learning.")
    assert ("Architecture", "fontguard") in got
    got = found(nlp, "To address these limitations, we introduce LoVR, a benchmark specifically designed for long "
                     "video-text retrieval.")
    assert ("Dataset", "lovr") in got


def test_a_title_name_takes_the_type_of_the_head_before_it(nlp):
    # daily-papers sample (FastDepth)
    got = found(nlp, "Our proposed network, FastDepth, runs at 178 fps on an NVIDIA Jetson TX2 GPU.",
                title="FastDepth: Fast Monocular Depth Estimation on Embedded Systems")
    assert ("Architecture", "fastdepth") in got


# -- training procedures ---------------------------------------------------------------------------

def test_an_adjective_before_a_training_gerund_names_a_procedure(nlp):
    # arXiv 2507.20019, 2508.02324
    assert ("Method", "episodic training") in found(
        nlp, "Our method combines episodic training with prototypical networks and domain resampling to adapt "
             "quickly to new anomaly detection tasks.")
    assert ("Method", "progressive training") in found(
        nlp, "Moreover, we adopt a progressive training strategy that starts with non-text-to-text rendering, "
             "evolves from simple to complex textual inputs, and gradually scales up to paragraph-level "
             "descriptions.")


def test_a_compound_before_fine_tuning_names_a_procedure(nlp):
    # arXiv 2505.22067: "fine-tuning" is three tokens
    assert ("Method", "few-shot fine-tuning") in found(
        nlp, "The selected scenarios are used for few-shot fine-tuning, enabling targeted adaptation with "
             "minimal data.")


def test_a_training_gerund_modifying_a_noun_or_an_amount_is_no_procedure(nlp):
    # arXiv 2505.05475, 2508.01731
    assert not any(t.endswith(" training") for _, t in found(
        nlp, "Our method generates synthetic training data through video diffusion, enhances it with identity "
             "preservation and image restoration modules, and utilizes this refined data to train 3DGS avatars."))
    assert not any(t.endswith(" pretraining") for _, t in found(
        nlp, "To leverage the advantages of spectral imagery in earth observation, we explore whether existing "
             "RSFMs can be effectively adapted to process diverse spectral modalities without requiring extensive "
             "spectral pretraining."))


def test_a_verb_in_the_third_person_before_a_task_head_is_no_modifier(nlp):
    # arXiv 2504.14309, 2504.03520
    assert not any("prediction" in t for _, t in found(
        nlp, "Combined with deep supervision, this mechanism progressively refines predictions, ap-plying "
             "supervision at each recursive step to ensure consistent improvements in accuracy."))
    assert ("Task", "bias detection") in found(
        nlp, "Traditional bias detection methods, predominantly reliant on human moderation, suffer from "
             "subjective interpretations and scalability constraints.")


def test_the_end_of_a_hyphenated_compound_starts_no_phrase(nlp):
    # arXiv 2509.25857
    assert not any(t.startswith("end ") for _, t in found(
        nlp, "In this paper, we propose a novel end-to-end automatic generation approach for vector sketch "
             "animation."))


# -- one-word tasks ------------------------------------------------------------------------------

def test_a_one_word_task_that_something_is_for_is_a_task(nlp):
    # arXiv 2508.02409, 2507.21471
    assert ("Task", "detection") in found(
        nlp, "Then, we develop a transformer-based encoder to capture the inherent connection among the multiple "
             "feature images to generate a feature map, which is further fed to a classifier for detection.")
    tasks = found(nlp, "The selected methods transform each spectrum into low dimensional feature sets, which are "
                       "fed into few shot prompt templates for classification, regression, and anomaly detection.")
    assert ("Task", "classification") in tasks and ("Task", "regression") in tasks


def test_a_one_word_task_with_a_complement_is_left_alone(nlp):
    # arXiv 2503.17024: "classification of ..." is not presented as a task of its own here
    assert ("Task", "classification") not in found(
        nlp, "Supervised contrastive learning (SupCon) has proven to be a powerful alternative to the standard "
             "cross-entropy loss for classification of multi-class balanced datasets.")


def test_a_title_case_compound_before_a_title_case_head_is_no_name(nlp):
    # arXiv 2507.21035, 2507.16158
    assert not any(t == "multi-agent" for _, t in found(
        nlp, "Gene expression analysis holds the key to many biomedical discoveries, yet extracting insights from "
             "raw transcriptomic data remains formidable.",
        title="GenoMAS: A Multi-Agent Framework for Scientific Discovery via Code-Driven Gene Expression Analysis"))
    assert not any(t == "multi-modal" for _, t in found(
        nlp, "Semantic segmentation in remote sensing (RS) has advanced significantly with the incorporation of "
             "multi-modal data.",
        title="AMMNet: An Asymmetric Multi-Modal Network for Remote Sensing Semantic Segmentation"))


def test_an_adjective_before_inference_names_a_procedure_but_real_time_does_not(nlp):
    # arXiv 2507.19182, 2507.12600
    assert ("Method", "lifted inference") in found(
        nlp, "We investigate lifted inference on ordered domains with predecessor relations, where the elements of "
             "the domain respect a total (cyclic) order.")
    assert not any(t.endswith(" inference") for _, t in found(
        nlp, "Our method offers real-time inference for both static single-frame drapes and dynamic drapes over "
             "pose sequences."))


# -- part-of-speech word lists (kg.extract.lexicon) ---------------------------------------------

def test_a_verb_or_an_evaluative_adjective_starts_no_task_name(nlp):
    got = found(nlp, "Recent vision-language approaches have introduced semantic textual descriptions to guide "
                     "expression recognition, yet they often hinder localization accuracy.")
    assert ("Task", "expression recognition") in got
    assert not any(name in ("guide expression recognition", "hinder localization") for _, name in got)
    got = found(nlp, "The pre-trained DINOv2 encoder achieves precise segmentation results, while noisy pseudo-labels "
                     "lead to inaccurate classifications.")
    assert not any(name in ("precise segmentation", "inaccurate classification") for _, name in got)


def test_a_plural_head_names_outputs_not_a_task(nlp):
    got = found(nlp, "Explainable AI techniques reveal that model predictions rely heavily on content, and we "
                     "release the source texts with English translations.")
    assert not any(t == "Task" for t, _ in got)
    got = found(nlp, "We study construction worker detection on real sites.")
    assert ("Task", "construction worker detection") in got


def test_lexicon_lists_are_read(nlp):
    from kg.extract.lexicon import word_lists

    verbs, adjectives = word_lists()
    assert {"enhance", "boost", "hinder"} <= verbs and "detection" not in verbs
    assert {"precise", "inaccurate"} <= adjectives and not {"semantic", "visual", "object"} & adjectives


def test_a_coined_bench_name_is_a_dataset(nlp):
    got = found(nlp, "To address this gap, we introduce UserBench, a user-centric benchmark. Experiments on "
                     "ProcessBench, MATH, and GSMPlus show the effectiveness, with a RewardBench score of 85.15.")
    for name in ("userbench", "processbench", "rewardbench"):
        assert ("Dataset", name) in got
    got = found(nlp, "Our model attains state-of-the-art results.", title="MIRAGE-Bench: Measuring Illusions in "
                                                                          "Risky Agent Settings")
    assert ("Dataset", "mirage-bench") in got


def test_a_numbered_version_of_a_known_model_family_is_an_architecture(nlp):
    got = found(nlp, "We conducted extensive experiments on Qwen2.5-7B, Llama3.1-8B and SAM2, and compare with "
                     "DenseNet-201.")
    for name in ("qwen2.5-7b", "llama3.1-8b", "sam2", "densenet-201"):
        assert ("Architecture", name) in got
    got = found(nlp, "Extensive experiments show that LMM4Edit achieves outstanding performance.")
    assert ("Architecture", "lmm4edit") not in got


def test_sampling_decoding_and_prompting_phrases_are_methods_but_not_clauses(nlp):
    got = found(nlp, "Furthermore, we adopt a contrastive decoding strategy to reduce hallucinations, and select "
                     "experiences via reward-gated rejection sampling and zero-shot prompting.")
    for name in ("contrastive decoding", "rejection sampling", "zero-shot prompting"):
        assert ("Method", name) in got
    got = found(nlp, "For generating each curriculum, ACS guides diffusion sampling process by an adversarial loss.")
    assert not any(name.startswith("acs guides") for _, name in got)


def test_procedure_heads_from_the_method_table_make_methods(nlp):
    # heads read off Papers with Code by ontology/scripts/build_method_heads.py
    from kg.extract.lexicon import method_heads

    assert {"annealing", "clipping", "smoothing"} <= method_heads()
    assert not method_heads() & {"propagation", "coding", "refinement"}  # processes, tasks and steps
    got = found(nlp, "The learner combines differentiable soft tree models with a temperature annealing process "
                     "during training and log-domain clipping of the features.")
    assert ("Method", "temperature annealing") in got and ("Method", "log-domain clipping") in got
    got = found(nlp, "Modular pipelines suffer from error propagation across brittle interfaces.")
    assert ("Method", "error propagation") not in got


def test_textbook_training_and_interpretability_techniques_are_known_methods(nlp):
    got = found(nlp, "We localize the influential layers via causal tracing and activation patching, train the "
                     "retriever with hard negative mining, and find that CutMix yields the greatest improvement.")
    for name in ("causal tracing", "activation patching", "hard negative mining", "cutmix"):
        assert ("Method", name) in got


def test_plain_title_case_compounds_and_amounts_are_no_proposed_names(nlp):
    got = found(nlp, "We propose a Graph-Augmented retriever and a Dual-Domain Fusion Network, trained on "
                     "10B-token scale. We introduce K-Steering, which steers activations.")
    assert not any(name in ("graph-augmented", "dual-domain", "10b-token") for _, name in got)
    assert ("Method", "k-steering") in got


def test_a_gerund_phrase_or_a_genre_label_before_the_title_colon_is_no_name(nlp):
    got = found(nlp, "We study efficiency.", title="Rethinking Model Efficiency: A Study of Sparse Experts")
    assert not any(name.startswith("rethinking") for _, name in got)
    got = found(nlp, "We argue that benchmarks are saturated.", title="Position: Benchmarks Are Saturated")
    assert not any(name == "position" for _, name in got)
    got = found(nlp, "We present a study.", title="Phantom: Subject-Consistent Video Generation")
    assert ("Method", "phantom") in got


def test_statistical_tests_are_known_methods(nlp):
    # analysis techniques are Methods (guidelines 7.14, "A/B test")
    got = found(nlp, "All gains are statistically significant (McNemar's test, p < 0.001); between-group "
                     "comparisons used the Mann-Whitney U test and a one-way ANOVA after Bonferroni correction.")
    for name in ("mcnemar's test", "mann-whitney u test", "analysis of variance", "bonferroni correction"):
        assert ("Method", name) in got


def test_an_apposition_with_hyphenated_modifiers_types_the_name_before_it(nlp):
    # arXiv 2503.12446, 2503.12844 ("X, a ... <head>": the head is past hyphenated compounds)
    got = found(nlp, "In this paper, we introduce BREEN, a data-efficient encoder-free multimodal architecture "
                     "that mitigates these issues.",
                title="BREEN: Bridge Data-Efficient Encoder-Free Multimodal Learning with Learnable Queries")
    assert ("Architecture", "breen") in got
    got = found(nlp, "We present GuideDog, a novel accessibility-aware guide dataset containing 22K image-"
                     "description pairs.")
    assert ("Dataset", "guidedog") in got


def test_a_known_model_before_a_hyphenated_adjective_is_no_variant(nlp):
    got = found(nlp, "We grade answers with LLM-Based graders and CNN-Guided sampling, and compare with "
                     "EfficientNet-B4.")
    assert ("Architecture", "efficientnet-b4") in got
    assert not any(name in ("llm-based", "cnn-guided") for _, name in got), got


def test_a_hyphenated_participle_makes_an_adjective_not_a_name(nlp):
    # arXiv 2503.13014, 2503.20829 and others
    got = found(nlp, "Our results show that the ELTEX-enhanced model achieves competitive performance. It covers "
                     "video generation models, including U-Net, DiT, and AR-based architectures, and a "
                     "SAM2-propagated mask.")
    names = {name for _, name in got}
    assert not names & {"eltex-enhanced", "ar-based architecture", "sam2-propagated"}, got
    assert ("Architecture", "u-net") in got


def test_a_database_apposition_names_a_dataset(nlp):
    got = found(nlp, "For the experimental framework, we introduce the FoodNExTDB, a unique food image database "
                     "that contains 9,263 expert-labeled images.")
    assert ("Dataset", "foodnextdb") in got


def test_plain_lower_case_words_are_no_dataset_examples(nlp):
    got = found(nlp, "We investigate the characteristics of each dataset, including type, size, format, and "
                     "collection methods. We test on benchmarks such as CIFAR-100 and Teeth3DS.")
    datasets = {name for typ, name in got if typ == "Dataset"}
    assert not datasets & {"type", "size", "format"}, got
    assert "teeth3ds" in datasets  # an acronym-like name ending in S is no plural


def test_an_amount_before_datasets_is_no_dataset_name(nlp):
    got = found(nlp, "Our method achieved 83.6% average accuracy across 13 datasets and wins on 10 out of 11 "
                     "benchmarks, including 2 WMT19 datasets.")
    datasets = {name for typ, name in got if typ == "Dataset"}
    assert not datasets & {"13", "11", "2"} and "wmt19" in datasets, got


def test_sizes_latex_markup_and_a_task_phrase_before_a_part_give_no_names(nlp):
    # arXiv abstracts: "for 7B and 72B models", "MoScNet (\textbf{Mo}di \textbf{Sc}ript \textbf{Net}work)",
    # "to generate high-resolution segmentation masks"
    got = found(nlp, "It outperforms existing methods by 2.3% and 2.8% for 7B and 72B models, respectively. We "
                     "further introduce MoScNet (\\textbf{Mo}di \\textbf{Sc}ript \\textbf{Net}work), a network "
                     "for transliteration. We design an efficient decoder to generate high-resolution "
                     "segmentation masks.")
    names = {name for _, name in got}
    assert not names & {"7b", "72b"}, got
    assert not any("\\" in name or "{" in name for name in names), got
    assert not any(name.startswith("generate") for name in names), got
    # read without its markup, "MoScNet (Modi Script Network)" defines a short form
    assert ("Architecture", "modi script network") in got


def test_a_compound_of_modalities_before_a_head_is_no_name(nlp):
    got = found(nlp, "Image generation saw dramatic advances by leveraging Text-to-Image models, and Q-Former "
                     "modules bridge them.")
    names = {name for _, name in got}
    assert "text-to-image" not in names, got
    assert ("Architecture", "q-former") in got


# -- names in titles -----------------------------------------------------------------------------

def test_a_title_name_takes_the_type_of_a_head_after_a_hyphenated_compound(nlp, learned_nlp):
    # arXiv 2505.00228: the head search stopped at the hyphen of "Large-Scale" and typed it Method
    title = "ReXGradient-160K: A Large-Scale Publicly Available Dataset of Chest Radiographs with Free-text Reports"
    abstract = ("We present ReXGradient-160K, representing the largest publicly available chest X-ray dataset to "
                "date in terms of the number of patients.")
    for pipeline in (nlp, learned_nlp):
        assert ("Dataset", "rexgradient-160k") in found(pipeline, abstract, title=title)


# -- names ending in "Dataset" -------------------------------------------------------------------

def test_a_name_ending_in_dataset_is_a_dataset(nlp, learned_nlp):
    # arXiv 2505.17144, 2503.21210, 2505.15408: typed Method, or cut to "MMFR-", before
    texts = [
        (None, "Specifically, we first create the MDIT-Dataset with dual-implicit toxicity using the proposed "
               "Multi-stage Human-in-loop In-context Generation method.", "mdit-dataset"),
        (None, "To facilitate this task, we introduce the Multi-Modal Forgery Reasoning dataset (MMFR-Dataset), a "
               "large-scale dataset containing 100K images across 10 generative models.", "mmfr-dataset"),
        ("Mouse Lockbox Dataset: Behavior Recognition for Mice Solving Lockboxes",
         "We present a video dataset of mice solving lockboxes.", "mouse lockbox dataset"),
    ]
    for title, text, name in texts:
        for pipeline in (nlp, learned_nlp):
            got = found(pipeline, text, title=title)
            assert ("Dataset", name) in got, (name, pipeline.pipe_names[-1])
            assert not any(n.endswith("-") or t == "Method" and "dataset" in n for t, n in got)


def test_a_plain_word_before_dataset_makes_an_adjective(nlp):
    # arXiv 2506.00447
    got = found(nlp, "We rigorously benchmark SynergiProtoNet across diverse evaluation settings including "
                     "Monolingual Intra-Dataset Evaluation, Monolingual Inter-Dataset Evaluation, Cross-Lingual "
                     "Transfer, and Split Digit Testing.")
    assert not any(t == "Dataset" for t, _ in got)


def test_a_form_of_use_is_no_modifier(nlp, learned_nlp):
    # issue 14's example; arXiv 2505.21874, 2503.18159
    texts = {
        "We propose to use recurrent neural network (RNN) based models for tracking.":
            ("Architecture", "recurrent neural network"),
        "Medical image segmentation methods generally assume that the process from medical image to segmentation "
        "is unbiased, and use neural networks to establish conditional probability models to complete the "
        "segmentation task.": ("Architecture", "neural networks"),
        "For efficiency, we use iterative distillation to reduce the steps required for animation generation and "
        "achieve more than 8x speedup in inference.": ("Method", "iterative distillation"),
    }
    for text, entity in texts.items():
        for pipeline in (nlp, learned_nlp):
            ex = next(extract([Paper(id="x", title=None, abstract=text)], pipeline))
            ents = {(e["type"], e["name"].lower()): e for e in paper_entities(ex)}
            assert entity in ents and not ents[entity]["proposed"], (entity, pipeline.pipe_names[-1])
            assert not any(name.startswith("use ") for _, name in ents)
