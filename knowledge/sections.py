"""Helpers shared by loaders to turn headings into stable section ids."""

from __future__ import annotations

import re
import unicodedata


def slugify(text: str) -> str:
    """Lower-case ASCII slug: ``"Prazo do SLA"`` → ``"prazo-do-sla"``."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", folded.lower()).strip("-") or "section"


def unique_slugs(headings: list[str]) -> list[str]:
    """Slugs for headings, suffixed ``-2``, ``-3`` … where two headings repeat."""
    seen: dict[str, int] = {}
    slugs = []
    for heading in headings:
        slug = slugify(heading)
        seen[slug] = seen.get(slug, 0) + 1
        slugs.append(slug if seen[slug] == 1 else f"{slug}-{seen[slug]}")
    return slugs
