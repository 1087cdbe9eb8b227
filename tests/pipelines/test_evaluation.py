"""Retrieval evaluation: metrics, BEIR loading, both systems end to end, and a floor on our own set."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from core.settings import ROOT
from pipelines import evaluation
from pipelines.evaluation import EvalSet, evaluate, load_beir, metrics
from search.embeddings import Embedder

OUR_EVALSET = ROOT / "tests" / "evalset"
RESULT_KEYS = {"recall@1", "recall@5", "mrr@10", "queries", "p50_ms", "p95_ms"}

TINY_CORPUS = [
    {
        "_id": "nfe-pt",
        "title": "Prazo de emissão da nota fiscal eletrônica",
        "text": "A nota fiscal eletrônica deve ser emitida no Protheus antes da saída da mercadoria, e o "
        "cancelamento só é permitido em até vinte e quatro horas depois da autorização da SEFAZ.",
    },
    {
        "_id": "cierre-es",
        "title": "Cierre contable mensual en RM",
        "text": "El cierre contable del mes se realiza en el módulo de contabilidad después de conciliar "
        "las cuentas bancarias y revisar los asientos pendientes.",
    },
    {
        "_id": "password-en",
        "title": "Resetting a user password in the PMS",
        "text": "An administrator can reset a forgotten password from the user management screen; the user "
        "receives an email with a temporary link that expires after one hour.",
    },
]
TINY_QUERIES = [
    {"_id": "q1", "text": "cancelamento da nota fiscal eletrônica na SEFAZ", "lang": "pt"},
    {"_id": "q2", "text": "conciliar cuentas bancarias antes del cierre contable", "lang": "es"},
    {"_id": "q3", "text": "how do I reset a forgotten password", "lang": "en"},
]
TINY_QRELS = [("q1", "nfe-pt", 1), ("q2", "cierre-es", 1), ("q3", "password-en", 1), ("q3", "nfe-pt", 0)]


def write_beir(
    folder: Path,
    corpus: list[dict[str, str]] | None = TINY_CORPUS,
    queries: list[dict[str, str]] = TINY_QUERIES,
    qrels: list[tuple[str, str, int]] = TINY_QRELS,
) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    if corpus is not None:
        (folder / "corpus.jsonl").write_text(
            "".join(json.dumps(doc, ensure_ascii=False) + "\n" for doc in corpus), encoding="utf-8"
        )
    (folder / "queries.jsonl").write_text(
        "".join(json.dumps(query, ensure_ascii=False) + "\n" for query in queries), encoding="utf-8"
    )
    lines = ["query-id\tcorpus-id\tscore", *(f"{q}\t{d}\t{s}" for q, d, s in qrels)]
    (folder / "qrels.tsv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


@pytest.fixture
def tiny(tmp_path: Path) -> Path:
    return write_beir(tmp_path / "tiny")


@pytest.fixture(scope="module")
def our_result(embedder: Embedder) -> dict[str, dict[str, float]]:
    return evaluate(OUR_EVALSET, embedder, progress=False)


def test_metrics_on_hand_made_rankings() -> None:
    rankings = {
        "a": ["d1", "x", "y"],  # rank 1
        "b": ["x", "y", "d2"],  # rank 3
        "c": ["x", "y", "z", "w", "v", "u", "d3"],  # rank 7: outside the top 5, inside the top 10
        "d": ["x", "y"],  # not found
        "e": ["x", "d5", "d5b"],  # two relevant docs: the first one found counts (rank 2)
        "unjudged": ["d1"],  # no qrels: skipped
    }
    qrels = {"a": {"d1"}, "b": {"d2"}, "c": {"d3"}, "d": {"d4"}, "e": {"d5", "d5b"}, "other": {"d9"}}
    result = metrics(rankings, qrels)
    assert result["queries"] == 5
    assert result["recall@1"] == pytest.approx(1 / 5)
    assert result["recall@5"] == pytest.approx(3 / 5)
    assert result["mrr@10"] == pytest.approx((1 + 1 / 3 + 1 / 7 + 0 + 1 / 2) / 5)


def test_mrr_stops_at_rank_ten() -> None:
    ranking = [f"x{i}" for i in range(10)] + ["d1"]  # relevant doc at rank 11
    assert metrics({"a": ranking}, {"a": {"d1"}}) == {
        "recall@1": 0.0,
        "recall@5": 0.0,
        "mrr@10": 0.0,
        "queries": 1,
    }
    assert metrics({}, {})["queries"] == 0


def test_load_beir_reads_ids_positive_qrels_and_corpus_languages(tiny: Path) -> None:
    evalset = load_beir(tiny)
    assert isinstance(evalset, EvalSet)
    assert evalset.queries == {query["_id"]: query["text"] for query in TINY_QUERIES}
    assert evalset.qrels == {"q1": {"nfe-pt"}, "q2": {"cierre-es"}, "q3": {"password-en"}}  # score 0 dropped
    assert evalset.corpus is not None
    by_id = {article.id: article for article in evalset.corpus}
    assert {doc_id: article.lang for doc_id, article in by_id.items()} == {
        "nfe-pt": "pt-BR",
        "cierre-es": "es",
        "password-en": "en",
    }
    article = by_id["cierre-es"]
    assert (article.title, article.product, article.module, article.url) == (
        "Cierre contable mensual en RM",
        "eval",
        "eval",
        "",
    )
    assert [(s.id, s.heading, s.text) for s in article.sections] == [
        ("doc", article.title, TINY_CORPUS[1]["text"])
    ]


def test_load_beir_without_corpus_means_the_knowledge_base(tmp_path: Path) -> None:
    assert load_beir(write_beir(tmp_path / "kb", corpus=None)).corpus is None
    assert load_beir(OUR_EVALSET).corpus is None


def test_evaluate_tiny_set_reports_both_systems(tiny: Path, embedder: Embedder) -> None:
    result = evaluate(tiny, embedder, progress=False)
    assert set(result) == {"system", "bm25"}
    for values in result.values():
        assert set(values) == RESULT_KEYS
        assert values["queries"] == 3 and isinstance(values["queries"], int)
        assert 0 <= values["p50_ms"] <= values["p95_ms"]
        assert all(0.0 <= values[key] <= 1.0 for key in ("recall@1", "recall@5", "mrr@10"))
    assert result["system"]["recall@1"] == 1.0
    assert result["system"]["mrr@10"] == 1.0
    assert result["bm25"]["recall@1"] == 1.0


def test_evaluate_skips_unjudged_queries_and_ignores_unknown_docs(tmp_path: Path, embedder: Embedder) -> None:
    queries = [*TINY_QUERIES, {"_id": "q4", "text": "an unjudged question about passwords"}]
    qrels = [*TINY_QRELS, ("q5", "nfe-pt", 1), ("q2", "no-such-doc", 1), ("q6", "no-such-doc", 1)]
    queries.append({"_id": "q6", "text": "reset the password of a user"})
    folder = write_beir(tmp_path / "messy", queries=queries, qrels=qrels)
    result = evaluate(folder, embedder, progress=False)
    # q4 has no qrels and q5 no query: skipped; q6's only relevant doc is not in the corpus: a miss.
    assert result["system"]["queries"] == 4
    assert result["system"]["recall@1"] == 0.75


def test_our_evalset_stays_above_the_regression_floor(our_result: dict[str, dict[str, float]]) -> None:
    system = our_result["system"]
    assert system["queries"] == 226
    assert system["recall@1"] >= 0.85
    assert system["recall@5"] >= 0.95


def test_our_engine_is_at_least_as_good_as_bm25_on_our_set(our_result: dict[str, dict[str, float]]) -> None:
    assert our_result["bm25"]["queries"] == our_result["system"]["queries"]
    assert our_result["system"]["recall@1"] >= our_result["bm25"]["recall@1"]


def test_main_json_only_prints_json_and_nothing_else(
    tiny: Path,
    embedder: Embedder,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(evaluation, "load_embedder", lambda model: embedder)
    # main() points the root logger at the current stderr, which is capsys' buffer here.
    monkeypatch.setattr(evaluation, "configure_logging", lambda level: None)
    assert evaluation.main([str(tiny), "--json-only"]) == 0
    out = capsys.readouterr().out
    assert len(out.strip().splitlines()) == 1
    result = json.loads(out)
    assert set(result) == {"system", "bm25"}
    assert set(result["system"]) == RESULT_KEYS


def test_main_without_qrels_exits_2_with_a_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = write_beir(tmp_path / "noqrels")
    (folder / "qrels.tsv").unlink()
    assert evaluation.main([str(folder), "--json-only"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "qrels.tsv" in captured.err
