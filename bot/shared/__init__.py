"""Code both bot processes import: the Rasa server (components, channels) and the action server (actions).

Both run with bot/ as their working directory, so this package is importable from either.
"""
