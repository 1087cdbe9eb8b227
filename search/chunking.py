"""Split articles into the passages that are indexed and returned by search."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from core.articles import Article

MAX_PASSAGE_CHARS = 1500


@dataclass(frozen=True)
class Passage:
    """One searchable piece of an article section, with the article metadata results need."""

    article_id: str
    section_id: str
    title: str
    section: str
    text: str
    lang: str
    product: str
    module: str
    url: str
    tags: tuple[str, ...]

    @property
    def embedding_text(self) -> str:
        return f"{self.title}. {self.section}. {self.text}"

    @property
    def lexical_text(self) -> str:
        return " ".join((self.title, self.section, self.text))

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Passage:
        return cls(**{**data, "tags": tuple(data["tags"])})


def split_paragraphs(text: str, max_chars: int = MAX_PASSAGE_CHARS) -> list[str]:
    """Pack whole paragraphs into pieces of at most ``max_chars`` (a longer paragraph stays whole)."""
    pieces: list[str] = []
    current = ""
    for paragraph in (p.strip() for p in text.split("\n\n")):
        if not paragraph:
            continue
        if current and len(current) + 2 + len(paragraph) > max_chars:
            pieces.append(current)
            current = paragraph
        else:
            current = f"{current}\n\n{paragraph}" if current else paragraph
    if current:
        pieces.append(current)
    return pieces


def passages_of(article: Article, max_chars: int = MAX_PASSAGE_CHARS) -> list[Passage]:
    """Every section of ``article`` as one or more passages, in reading order."""
    return [
        Passage(
            article_id=article.id,
            section_id=section.id,
            title=article.title,
            section=section.heading,
            text=piece,
            lang=article.lang,
            product=article.product,
            module=article.module,
            url=article.url,
            tags=article.tags,
        )
        for section in article.sections
        for piece in split_paragraphs(section.text, max_chars)
    ]
