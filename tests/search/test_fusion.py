"""Fusion of lexical and dense rankings: per-query standardisation and language-aware trust."""

from __future__ import annotations

import numpy as np
import pytest

from search.fusion import MIN_SPREAD, AdaptiveFusion, LexicalScores, ScoreStats


def scores(*values: float) -> np.ndarray:
    return np.array(values, dtype=np.float32)


def fuse_same_language(fusion: AdaptiveFusion, lexical: np.ndarray, dense: np.ndarray) -> np.ndarray:
    """Fuse candidates that are the whole corpus, all in the query's language, with no code matches."""
    return fusion.fuse(
        LexicalScores(lexical, np.zeros_like(lexical)),
        dense,
        ScoreStats.of(lexical),
        ScoreStats.of(dense),
        np.ones(lexical.size, dtype=bool),
    )


def test_score_stats_describe_the_mean_and_spread_of_one_rankers_scores() -> None:
    stats = ScoreStats.of(scores(1.0, 2.0, 3.0, 6.0))
    assert stats.mean == pytest.approx(3.0)
    assert stats.std == pytest.approx(np.std([1.0, 2.0, 3.0, 6.0]))


def test_standardised_scores_say_how_far_above_the_typical_passage_each_one_stands() -> None:
    raw = scores(2.0, 4.0, 6.0, 8.0, 30.0)
    z = ScoreStats.of(raw).standardise(raw)
    assert z.dtype == np.float32
    assert float(z.mean()) == pytest.approx(0.0, abs=1e-6)
    assert float(z.std()) == pytest.approx(1.0, abs=1e-6)
    assert int(np.argmax(z)) == 4


def test_constant_scores_standardise_to_zero_instead_of_dividing_by_zero() -> None:
    raw = scores(0.5, 0.5, 0.5)
    stats = ScoreStats.of(raw)
    assert stats.std == MIN_SPREAD
    z = stats.standardise(raw)
    assert np.all(np.isfinite(z))
    assert np.all(z == 0.0)


def test_a_query_matching_nothing_has_neutral_stats() -> None:
    assert ScoreStats.of(scores()) == ScoreStats(0.0, 1.0)
    assert ScoreStats.of_live(scores(0.0, 0.0), live=0) == ScoreStats(0.0, 1.0)


def test_stats_over_live_passages_ignore_the_zero_rows_of_deleted_ones() -> None:
    live_rows = scores(1.0, 2.0, 3.0, 6.0)
    with_deleted_rows = np.concatenate([live_rows, np.zeros(3, dtype=np.float32)])
    expected = ScoreStats.of(live_rows)
    stats = ScoreStats.of_live(with_deleted_rows, live=live_rows.size)
    assert stats.mean == pytest.approx(expected.mean)
    assert stats.std == pytest.approx(expected.std, rel=1e-5)


def test_stats_over_live_passages_with_equal_scores_do_not_divide_by_zero() -> None:
    stats = ScoreStats.of_live(scores(0.5, 0.5, 0.5, 0.0), live=3)
    assert stats.mean == pytest.approx(0.5)
    assert stats.std == MIN_SPREAD


def test_the_scale_of_bm25_for_this_query_does_not_change_the_fused_scores() -> None:
    lexical = scores(0.0, 1.5, 4.0, 9.0)
    dense = scores(0.2, 0.7, 0.1, 0.4)
    fusion = AdaptiveFusion()
    fused = fuse_same_language(fusion, lexical, dense)
    np.testing.assert_allclose(fuse_same_language(fusion, lexical * 25.0, dense), fused, atol=1e-5)


def test_a_shift_of_all_cosines_for_this_query_does_not_change_the_fused_scores() -> None:
    lexical = scores(0.0, 1.5, 4.0, 9.0)
    dense = scores(0.2, 0.7, 0.1, 0.4)
    fusion = AdaptiveFusion()
    fused = fuse_same_language(fusion, lexical, dense)
    np.testing.assert_allclose(fuse_same_language(fusion, lexical, dense + 0.3), fused, atol=1e-5)


def test_each_ranker_counts_equally_once_standardised() -> None:
    # Passage 0 is the clear lexical winner, passage 1 the equally clear dense winner.
    lexical = scores(10.0, 0.0, 0.0, 0.0)
    dense = scores(0.0, 0.9, 0.0, 0.0)
    fused = fuse_same_language(AdaptiveFusion(), lexical, dense)
    assert fused[0] == pytest.approx(fused[1])
    assert fused[0] > fused[2]


def test_the_fused_score_is_the_sum_of_both_standardised_scores_in_the_same_language() -> None:
    lexical = scores(0.0, 2.0, 5.0, 1.0)
    dense = scores(0.3, 0.1, 0.6, 0.2)
    fused = fuse_same_language(AdaptiveFusion(), lexical, dense)
    lexical_z = ScoreStats.of(lexical).standardise(lexical)
    dense_z = ScoreStats.of(dense).standardise(dense)
    assert fused.dtype == np.float32
    np.testing.assert_allclose(fused, lexical_z + dense_z, atol=1e-5)


def test_ordinary_word_matches_in_another_language_count_less() -> None:
    fusion = AdaptiveFusion()
    words = scores(6.0, 6.0)
    stats = ScoreStats(mean=1.0, std=2.0)
    same_language = np.array([True, False])
    fused = fusion.fuse(
        LexicalScores(words, scores(0.0, 0.0)), scores(0.5, 0.5), stats, ScoreStats(0.5, 1.0), same_language
    )
    assert fused[0] > fused[1]
    # Same words, same meaning: only the lexical evidence shrinks, to the cross-lingual share.
    assert fused[0] == pytest.approx((6.0 - 1.0) / 2.0)
    assert fused[1] == pytest.approx(fusion.cross_lingual_lexical * (6.0 - 1.0) / 2.0)


def test_a_foreign_passage_with_typical_word_matches_is_neither_rewarded_nor_penalised() -> None:
    """Down-weighting pulls lexical evidence towards the typical passage, not towards a zero score."""
    stats = ScoreStats(mean=3.0, std=1.5)
    fused = AdaptiveFusion().fuse(
        LexicalScores(scores(3.0, 3.0), scores(0.0, 0.0)),
        scores(0.0, 0.0),
        stats,
        ScoreStats(0.0, 1.0),
        np.array([True, False]),
    )
    np.testing.assert_allclose(fused, [0.0, 0.0], atol=1e-6)


def test_a_code_or_glossary_term_match_keeps_full_weight_in_any_language() -> None:
    words = scores(2.0, 2.0)
    stats = ScoreStats(mean=1.0, std=2.0)
    same_language = np.array([True, False])

    def fused_with(neutral: np.ndarray) -> np.ndarray:
        return AdaptiveFusion().fuse(
            LexicalScores(words, neutral), scores(0.0, 0.0), stats, ScoreStats(0.0, 1.0), same_language
        )

    lift = fused_with(scores(8.0, 8.0)) - fused_with(scores(0.0, 0.0))
    np.testing.assert_allclose(lift, [8.0 / 2.0, 8.0 / 2.0], atol=1e-6)


def test_a_foreign_passage_matching_the_code_outranks_one_matching_only_common_words() -> None:
    stats = ScoreStats(mean=1.0, std=2.0)
    fused = AdaptiveFusion().fuse(
        LexicalScores(words=scores(0.0, 6.0), neutral=scores(6.0, 0.0)),
        scores(0.4, 0.4),
        stats,
        ScoreStats(0.4, 0.1),
        np.array([False, False]),
    )
    assert fused[0] > fused[1]


def test_languages_are_trusted_alike_when_the_cross_lingual_weight_is_full() -> None:
    fused = AdaptiveFusion(cross_lingual_lexical=1.0).fuse(
        LexicalScores(scores(5.0, 5.0), scores(1.0, 1.0)),
        scores(0.3, 0.3),
        ScoreStats(2.0, 1.0),
        ScoreStats(0.2, 0.1),
        np.array([True, False]),
    )
    assert fused[0] == pytest.approx(fused[1])


def test_the_dense_weight_scales_the_semantic_evidence() -> None:
    lexical = scores(0.0, 0.0, 0.0)
    dense = scores(0.1, 0.5, 0.9)
    without_dense = fuse_same_language(AdaptiveFusion(dense=0.0), lexical, dense)
    doubled = fuse_same_language(AdaptiveFusion(dense=2.0), lexical, dense)
    np.testing.assert_allclose(without_dense, [0.0, 0.0, 0.0], atol=1e-6)
    np.testing.assert_allclose(doubled, 2.0 * ScoreStats.of(dense).standardise(dense), atol=1e-5)
