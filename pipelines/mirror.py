"""The files a sync keeps per source: ``{SYNCED_DIR}/{source}/<article id>.article.json`` + ``state.json``.

Why files: the ingest reads them like any other source, so the index is always built from what is on
disk. Why the swap: a new mirror is written to a hidden staging folder first and only then renamed
into place, and the old one is kept aside until the ingest that follows has succeeded; if anything
fails, the old mirror goes back. A crash between the two renames is repaired by the next sync.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from core.articles import Article, article_to_dict
from pipelines.ingestion import ARTICLE_SUFFIX, SourceDefaults, load_sources

STATE_FILE = "state.json"


@dataclass
class Mirror:
    """What the last sync of a source left: its articles by id and its state (empty when never synced)."""

    articles: dict[str, Article] = field(default_factory=dict)
    state: dict[str, Any] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)


def read_mirror(synced_dir: Path, source: str) -> Mirror:
    folder = synced_dir / source
    _recover(synced_dir, source)
    if not folder.is_dir():
        return Mirror()
    articles, problems, _ = load_sources([folder], SourceDefaults())
    try:
        state = json.loads((folder / STATE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        problems.append(f"{folder / STATE_FILE}: unreadable ({exc})")
        state = {}
    return Mirror({a.id: a for a in articles}, state if isinstance(state, dict) else {}, problems)


@contextmanager
def replaced(
    synced_dir: Path, source: str, articles: Iterable[Article], state: dict[str, Any]
) -> Iterator[None]:
    """The new mirror in place while the block runs; kept if it succeeds, the old one back if it raises."""
    folder, staging, backup = _paths(synced_dir, source)
    _recover(synced_dir, source)
    staging.mkdir(parents=True)
    for article in articles:
        text = json.dumps(article_to_dict(article), ensure_ascii=False, indent=1)
        (staging / f"{article.id}{ARTICLE_SUFFIX}").write_text(text, encoding="utf-8")
    (staging / STATE_FILE).write_text(json.dumps(state, indent=1), encoding="utf-8")
    if folder.exists():
        folder.rename(backup)
    staging.rename(folder)
    try:
        yield
    except BaseException:
        shutil.rmtree(folder)
        if backup.exists():
            backup.rename(folder)
        raise
    shutil.rmtree(backup, ignore_errors=True)


def _paths(synced_dir: Path, source: str) -> tuple[Path, Path, Path]:
    return synced_dir / source, synced_dir / f".{source}.new", synced_dir / f".{source}.old"


def _recover(synced_dir: Path, source: str) -> None:
    """Undo what a sync killed halfway left: a staging folder, or an old mirror set aside."""
    folder, staging, backup = _paths(synced_dir, source)
    if staging.exists():
        shutil.rmtree(staging)
    if backup.exists():
        if folder.exists():
            shutil.rmtree(backup)  # killed during its ingest: the new mirror is complete, keep it
        else:
            backup.rename(folder)  # killed between the renames
