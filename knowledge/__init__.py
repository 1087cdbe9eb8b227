"""Knowledge-base articles and the loaders that read them from their sources."""

from knowledge.models import Article, ArticleError, Section

__all__ = ["Article", "ArticleError", "Section"]
