"""The built index on disk: its manifest, whether it is stale, and swapping a new build into place."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from search.glossary import glossary_hash
from search.store import (
    MANIFEST,
    PIPELINE_VERSION,
    Manifest,
    corpus_hash,
    read_manifest,
    replace_dir,
    write_manifest,
)

MODEL = "sentence-transformers/all-MiniLM-L6-v2"


def current_manifest() -> Manifest:
    return Manifest(
        pipeline_version=PIPELINE_VERSION,
        embedding_model=MODEL,
        glossary=glossary_hash(),
        corpus_hash=corpus_hash({"en-support-sla-priority": "a1", "es-soporte-sla-prioridad": "b2"}),
        articles=2,
        passages=9,
        built_at="2026-11-22T10:00:00+00:00",
    )


def test_an_index_built_by_this_pipeline_model_and_glossary_is_compatible() -> None:
    assert current_manifest().compatible(MODEL)


def test_an_index_built_by_another_pipeline_version_must_be_rebuilt() -> None:
    older = dataclasses.replace(current_manifest(), pipeline_version=PIPELINE_VERSION - 1)
    assert not older.compatible(MODEL)


def test_an_index_built_with_another_embedding_model_must_be_rebuilt() -> None:
    assert not current_manifest().compatible("intfloat/multilingual-e5-small")


def test_an_index_built_with_another_glossary_must_be_rebuilt() -> None:
    other_glossary = dataclasses.replace(current_manifest(), glossary="0123456789abcdef")
    assert not other_glossary.compatible(MODEL)


def test_a_changed_corpus_alone_does_not_make_the_index_unsearchable() -> None:
    """The corpus hash says what to re-ingest; the vectors of an unchanged pipeline stay reusable."""
    changed = dataclasses.replace(current_manifest(), corpus_hash=corpus_hash({"x": "y"}), articles=1)
    assert changed.compatible(MODEL)


def test_the_corpus_hash_does_not_depend_on_the_order_articles_were_read_in() -> None:
    forwards = {"en-a": "111", "es-b": "222", "pt-c": "333"}
    backwards = dict(reversed(list(forwards.items())))
    assert list(forwards) != list(backwards)
    assert corpus_hash(forwards) == corpus_hash(backwards)


def test_the_corpus_hash_changes_when_an_article_is_edited() -> None:
    before = {"en-a": "111", "es-b": "222"}
    assert corpus_hash({**before, "es-b": "223"}) != corpus_hash(before)


def test_the_corpus_hash_changes_when_an_article_is_added_or_removed() -> None:
    before = {"en-a": "111", "es-b": "222"}
    assert corpus_hash({**before, "pt-c": "333"}) != corpus_hash(before)
    assert corpus_hash({"en-a": "111"}) != corpus_hash(before)


def test_the_corpus_hash_ties_each_content_to_its_article() -> None:
    assert corpus_hash({"en-a": "111", "es-b": "222"}) != corpus_hash({"en-a": "222", "es-b": "111"})


def test_the_corpus_hash_is_a_stable_sha256_hex_digest() -> None:
    digest = corpus_hash({"en-a": "111"})
    assert digest == corpus_hash({"en-a": "111"})
    assert len(digest) == 64
    assert int(digest, 16) >= 0


def test_a_written_manifest_reads_back_unchanged(tmp_path: Path) -> None:
    manifest = current_manifest()
    write_manifest(tmp_path, manifest)
    assert (tmp_path / MANIFEST).is_file()
    assert read_manifest(tmp_path) == manifest


def test_the_manifest_file_is_readable_json(tmp_path: Path) -> None:
    write_manifest(tmp_path, current_manifest())
    data = json.loads((tmp_path / MANIFEST).read_text(encoding="utf-8"))
    assert data["pipeline_version"] == PIPELINE_VERSION
    assert data["embedding_model"] == MODEL


def test_a_folder_without_a_manifest_has_no_index(tmp_path: Path) -> None:
    assert read_manifest(tmp_path) is None
    assert read_manifest(tmp_path / "never-built") is None


@pytest.mark.parametrize(
    "content",
    [
        pytest.param('{"pipeline_version": 3, "embedding_model": ', id="truncated-write"),
        pytest.param("", id="empty-file"),
        pytest.param("[1, 2, 3]", id="not-an-object"),
        pytest.param('{"pipeline_version": 3}', id="missing-fields"),
        pytest.param(b"\xff\xfe\x00garbage", id="not-utf8"),
    ],
)
def test_a_broken_manifest_reads_as_no_index(tmp_path: Path, content: str | bytes) -> None:
    path = tmp_path / MANIFEST
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    assert read_manifest(tmp_path) is None


def test_a_manifest_from_a_format_with_unknown_fields_reads_as_no_index(tmp_path: Path) -> None:
    data = {**dataclasses.asdict(current_manifest()), "shards": 4}
    (tmp_path / MANIFEST).write_text(json.dumps(data), encoding="utf-8")
    assert read_manifest(tmp_path) is None


def build(folder: Path, files: dict[str, str]) -> Path:
    folder.mkdir()
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def contents(folder: Path) -> dict[str, str]:
    return {path.name: path.read_text(encoding="utf-8") for path in sorted(folder.iterdir())}


def test_the_first_build_is_moved_into_place(tmp_path: Path) -> None:
    staging = build(tmp_path / "index.staging", {"vectors.npy": "new", MANIFEST: "{}"})
    target = tmp_path / "index"
    replace_dir(staging, target)
    assert contents(target) == {MANIFEST: "{}", "vectors.npy": "new"}
    assert not staging.exists()


def test_a_new_build_replaces_the_old_index_entirely(tmp_path: Path) -> None:
    target = build(tmp_path / "index", {"vectors.npy": "old", "lexical.json": "old", MANIFEST: "old"})
    staging = build(tmp_path / "index.staging", {"vectors.npy": "new", MANIFEST: "new"})
    replace_dir(staging, target)
    # No file of the old build survives beside the new one: readers see one whole index.
    assert contents(target) == {MANIFEST: "new", "vectors.npy": "new"}


def test_swapping_leaves_neither_the_staging_folder_nor_a_backup_behind(tmp_path: Path) -> None:
    target = build(tmp_path / "index", {"vectors.npy": "old"})
    staging = build(tmp_path / "index.staging", {"vectors.npy": "new"})
    replace_dir(staging, target)
    assert sorted(path.name for path in tmp_path.iterdir()) == ["index"]


def test_a_backup_left_by_an_interrupted_swap_does_not_block_the_next_one(tmp_path: Path) -> None:
    build(tmp_path / "index.old", {"vectors.npy": "stale"})
    target = build(tmp_path / "index", {"vectors.npy": "old"})
    staging = build(tmp_path / "index.staging", {"vectors.npy": "new"})
    replace_dir(staging, target)
    assert contents(target) == {"vectors.npy": "new"}
    assert sorted(path.name for path in tmp_path.iterdir()) == ["index"]


def test_a_swapped_in_index_is_found_by_its_manifest(tmp_path: Path) -> None:
    staging = tmp_path / "index.staging"
    staging.mkdir()
    write_manifest(staging, current_manifest())
    replace_dir(staging, tmp_path / "index")
    manifest = read_manifest(tmp_path / "index")
    assert manifest is not None and manifest.compatible(MODEL)
