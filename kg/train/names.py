"""What the annotators name a form by, learned from the training annotations: a model folder's
``names.tsv``, read by :mod:`kg.extract.recognizer`.

The annotations list every form a paper writes an entity in under one name. Some forms are
named the same way in nearly every paper that marks them: a verb form by its process
("fine-tuned" and "fine-tune" by fine-tuning), an adjective or a shortened name by the whole
("unsupervised" by unsupervised learning, "ablation" by ablation study, "autoregressive" by
autoregressive model), a short form the paper need not define ("3DGS", "RLVR"), another
wording ("visual language model" by vision-language model). A form that names one entity in at
least :data:`MIN_PAPERS` papers and in at least :data:`MIN_SHARE` of the papers that mark it is
learned as a name of that entity, unless the name is more general than the form (the name's
words a part of the form's: "classification accuracy" is named accuracy in 18 papers, but the
graph keeps the more precise entity). The recognizer names such a form so where it tags it and
no vocabulary knows it.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from pathlib import Path

from kg.extract.normalize import entity_key

#: Papers that must name a form the same way before it is learned.
MIN_PAPERS = 3
#: Share of the papers that mark a form that must name it so.
MIN_SHARE = 0.8


def learn_names(records: Iterable[Mapping], min_papers: int = MIN_PAPERS,
                min_share: float = MIN_SHARE) -> dict[tuple[str, str], tuple[str, str]]:
    """The names the annotations give forms of entities, per type.

    Parameters
    ----------
    records : iterable of mapping
        Gold records (``{"entities": [{"name", "type", "mentions", ...}]}``).
    min_papers : int
        Papers that must name a form of a type the same way.
    min_share : float
        Share of the papers marking the form with that type (under any name, its own
        included) that must.

    Returns
    -------
    dict of (str, str) to (str, str)
        (entity key of a form, type) -> entity key and label of its name (the name's most
        frequent spelling); forms named as themselves are not in it. A form is learned per type:
        "EM" named exact match as a Metric says nothing of an "EM" that is a Method.
    """
    named: dict[tuple[str, str], Counter] = defaultdict(Counter)  # (form key, type) -> name key -> papers
    marked: Counter = Counter()  # (form key, type) -> papers that mark it
    spellings: dict[str, Counter] = defaultdict(Counter)
    for rec in records:
        names: dict[tuple[str, str], set[str]] = {}
        for ent in rec["entities"]:
            key = entity_key(ent["name"])
            spellings[key][ent["name"]] += 1
            for form in (ent["name"], *ent.get("mentions", ())):
                names.setdefault((entity_key(form), ent["type"]), set()).add(key)
        for form, keys in names.items():
            marked[form] += 1
            named[form].update(sorted(keys))  # (sorted: ties go the same way whatever the hash seed)
    out: dict[tuple[str, str], tuple[str, str]] = {}
    for (form, typ), counts in named.items():
        key, n = counts.most_common(1)[0]
        if key == form or not form or n < min_papers or n < min_share * marked[form, typ]:
            continue
        if set(key.split()) < set(form.split()):
            continue  # a more general name
        out[form, typ] = (key, spellings[key].most_common(1)[0][0])
    return out


def write_names(names: Mapping[tuple[str, str], tuple[str, str]], path: Path) -> None:
    """Write a names table: form key, type, name key and name label, a line each, sorted
    (:func:`kg.extract.recognizer.read_names` reads it)."""
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        for form in sorted(names):
            f.write("\t".join((*form, *names[form])) + "\n")
