"""Loaders that read knowledge-base articles from their sources (Markdown, Confluence, Zendesk).

They produce :class:`core.articles.Article` and know nothing of the search index.
"""
