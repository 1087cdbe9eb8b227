"""What each ingest says of each source: pages loaded, sections, what was skipped and why, and the
markup an export left in the text (:mod:`knowledge.markup_leftovers`).

An export that starts leaking macro parameters or tags shows up here, per source and pattern, with
examples to find it, before customers read it in an answer.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from core.articles import Article
from knowledge.markup_leftovers import Leftover, find_leftovers

EXAMPLES = 5


@dataclass
class SourceQuality:
    source: str
    loaded: int = 0
    sections: int = 0
    skipped: list[str] = field(default_factory=list)  # one line per file or item, with the reason
    leftovers: list[Leftover] = field(default_factory=list)

    def summary(self) -> dict[str, object]:
        return {
            "source": self.source,
            "loaded": self.loaded,
            "sections": self.sections,
            "skipped": len(self.skipped),
            "skipped_reasons": self.skipped,
            "leftover_markup": dict(Counter(leftover.pattern for leftover in self.leftovers)),
            "leftover_examples": [
                {"pattern": x.pattern, "article": x.article_id, "section": x.section_id, "text": x.excerpt}
                for x in self.leftovers[:EXAMPLES]
            ],
        }

    def lines(self) -> list[str]:
        """The report as a person reads it on the terminal."""
        head = f"{self.source}: {self.loaded} pages, {self.sections} sections, {len(self.skipped)} skipped"
        counts = Counter(leftover.pattern for leftover in self.leftovers)
        if not counts:
            return [head + ", no leftover markup"]
        found = ", ".join(f"{pattern} {count}" for pattern, count in counts.most_common())
        examples = [
            f"  {x.pattern} in {x.article_id}#{x.section_id or 'title'}: {x.excerpt}"
            for x in self.leftovers[:EXAMPLES]
        ]
        return [f"{head}; leftover markup: {found}", *examples]


def source_quality(source: Path, articles: list[Article], skipped: list[str]) -> SourceQuality:
    return SourceQuality(
        source=str(source),
        loaded=len(articles),
        sections=sum(len(article.sections) for article in articles),
        skipped=list(skipped),
        leftovers=[leftover for article in articles for leftover in find_leftovers(article)],
    )
