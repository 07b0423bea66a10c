"""Evaluation: score extraction against hand-annotated gold files.

* :mod:`kg.evaluate.gold` -- entity-level scoring of the daily-papers gold format with the
  matching rule of its GUIDELINES.md (section 9).
* :mod:`kg.evaluate.scierc` -- mention-level scoring on SciERC (exact token span and type).
"""
