"""paper-kg: a knowledge graph of methods, architectures, datasets, metrics and tasks from
research-paper abstracts.

Data flows one way: :mod:`kg.read` -> :mod:`kg.extract` -> :mod:`kg.assemble` ->
:mod:`kg.export`, then :mod:`kg.query` over what was built.
"""

__version__ = "0.1.0"
