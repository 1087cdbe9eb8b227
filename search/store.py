"""On-disk layout of a built index, and the manifest that says whether it is stale."""

from __future__ import annotations

import hashlib
import json
import shutil
from dataclasses import asdict, dataclass
from pathlib import Path

# Bump when chunking, tokenisation or scoring change, so old indexes are rebuilt.
PIPELINE_VERSION = 3
MANIFEST = "manifest.json"


@dataclass(frozen=True)
class Manifest:
    pipeline_version: int
    embedding_model: str
    glossary: str  # hash of the glossary the lexical terms were made with
    corpus_hash: str
    articles: int
    passages: int
    built_at: str

    def compatible(self, embedding_model: str) -> bool:
        """Built by this pipeline, glossary and model, so it can be searched and its vectors reused."""
        from search.glossary import glossary_hash

        return (
            self.pipeline_version == PIPELINE_VERSION
            and self.embedding_model == embedding_model
            and self.glossary == glossary_hash()
        )


def corpus_hash(article_hashes: dict[str, str]) -> str:
    """Content hash of the whole corpus from each article's hash, independent of file locations."""
    payload = "\n".join(f"{article_id} {digest}" for article_id, digest in sorted(article_hashes.items()))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def read_manifest(index_dir: Path) -> Manifest | None:
    try:
        return Manifest(**json.loads((index_dir / MANIFEST).read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError):
        return None


def write_manifest(index_dir: Path, manifest: Manifest) -> None:
    (index_dir / MANIFEST).write_text(json.dumps(asdict(manifest), indent=2), encoding="utf-8")


def replace_dir(staging: Path, target: Path) -> None:
    """Swap a fully written staging folder into place, so readers never see half an index."""
    backup = target.with_name(target.name + ".old")
    shutil.rmtree(backup, ignore_errors=True)
    if target.exists():
        target.rename(backup)
    staging.rename(target)
    shutil.rmtree(backup, ignore_errors=True)
