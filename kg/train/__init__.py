"""Training of the optional statistical recognizer (see :mod:`kg.train.ner`)."""
