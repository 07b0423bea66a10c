"""paper-kg: a knowledge graph of methods, architectures, datasets, metrics and tasks from
research-paper abstracts.

Data flows one way: :mod:`kg.read` -> :mod:`kg.extract` -> :mod:`kg.assemble` ->
:mod:`kg.export`, then :mod:`kg.query` over what was built.
"""

__version__ = "0.1.0"


def open_build(path="outputs"):
    """Open a `kg build` output folder from Python (notebooks): see :mod:`kg.api`.

    >>> from kg import open_build                                   # doctest: +SKIP
    >>> b = open_build("outputs/")                                  # doctest: +SKIP
    >>> b.query("SELECT (COUNT(*) AS ?n) WHERE { ?p a kg:Paper }")  # doctest: +SKIP
    """
    from kg.api import open_build as _open

    return _open(path)
