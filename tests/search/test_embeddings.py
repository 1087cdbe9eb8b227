"""Both embedders: unit vectors, and meaning beats wording (across languages for USE)."""

from __future__ import annotations

import numpy as np
import pytest

from search.embeddings import MINILM_MODEL, USE_MODEL, Embedder, load_embedder


@pytest.fixture(scope="module", params=[USE_MODEL, MINILM_MODEL])
def any_embedder(request: pytest.FixtureRequest) -> Embedder:
    return load_embedder(request.param)


def test_vectors_are_unit_length_float32_one_per_text(any_embedder: Embedder) -> None:
    vectors = any_embedder.encode(["How do I open a ticket?", "Support phone number", "x"])
    assert vectors.dtype == np.float32 and vectors.shape[0] == 3
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-3)


def test_a_paraphrase_is_nearer_than_an_unrelated_sentence(any_embedder: Embedder) -> None:
    question, paraphrase, unrelated = any_embedder.encode(
        ["How can I reset my password?", "Steps to change a forgotten password", "Hotel breakfast hours"]
    )
    assert question @ paraphrase > question @ unrelated


def test_use_puts_a_spanish_question_near_its_portuguese_answer() -> None:
    use = load_embedder(USE_MODEL)
    question, answer, other = use.encode(
        [
            "¿Cómo cancelo una nota fiscal electrónica?",
            "Para cancelar a nota fiscal eletrônica, use a rotina de cancelamento dentro do prazo.",
            "O hóspede pode fazer o check-out pelo aplicativo do hotel.",
        ]
    )
    assert question @ answer > question @ other + 0.1


def test_an_unknown_model_name_says_what_to_set() -> None:
    with pytest.raises(FileNotFoundError, match="EMBEDDING_MODEL"):
        load_embedder("no-such-model")
