"""What every other package shares: settings, logging, the article model and the languages.

It imports nothing else of the project, so ``knowledge``, ``search``, ``pipelines`` and ``api`` can all
depend on it without depending on each other.
"""
