"""Matching what customers type against phrase lists kept in YAML: accents and case ignored, whole words."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path
from typing import Dict, List, Pattern

import yaml


def fold(text: str) -> str:
    """Lower case without accents, for matching what customers type with or without them."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def phrase_patterns(path: Path) -> Dict[str, Pattern[str]]:
    """One pattern per key of a YAML file of phrase lists, matching any of its phrases as whole words.

    Match it against ``fold(text)``.
    """
    data: Dict[str, List[str]] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return {
        key: re.compile(r"(?<!\w)(?:" + "|".join(re.escape(fold(str(p))) for p in phrases) + r")(?!\w)")
        for key, phrases in data.items()
    }
