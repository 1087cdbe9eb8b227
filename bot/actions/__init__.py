"""Custom actions: thin adapters between the dialog and the support API.

``rasa run actions`` imports this package and every module in it, and registers each Action
subclass it finds, so a new module needs no registration here.
"""
