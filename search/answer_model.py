"""Which candidate passage answers: a conditional logit over the answer features.

Each question's candidates compete: the model gives each a score (weights · features) and the
probability that it is the one answering is its softmax share among them. Fitted by maximum
likelihood with a little L2 on questions whose answering passages are known
(``python -m pipelines answers --fit``), never per question.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from scipy.optimize import minimize

from search.answer_features import LINE_FEATURES, feature_names

ANSWER_MODEL_FILE = Path(__file__).parent / "data" / "answer_model.json"
L2 = 0.3  # pulls the many kind-pair weights towards 0 unless the data insist


class AnswerModelMismatch(RuntimeError):
    """The saved model was fitted on other features than the data files now describe."""


@dataclass(frozen=True)
class AnswerCase:
    """One question's options for fitting (passages, or lines of a passage) and which of them answer."""

    features: np.ndarray  # one row per option
    answers: np.ndarray  # bool per option: shown, it holds the fact


@dataclass(frozen=True)
class AnswerModel:
    features: tuple[str, ...]
    weights: tuple[float, ...]  # of the passage features
    line_weights: tuple[float, ...]  # of the line features: which line leads
    fitted_on: dict[str, Any] = field(default_factory=dict)

    def scores(self, features: np.ndarray) -> np.ndarray:
        scores: np.ndarray = features @ np.asarray(self.weights)
        return scores

    def shares(self, features: np.ndarray) -> np.ndarray:
        """Each candidate's probability of being the one that answers."""
        scores = self.scores(features)
        exp = np.exp(scores - scores.max())
        shares: np.ndarray = exp / exp.sum()
        return shares

    def line_scores(self, line_features: np.ndarray) -> np.ndarray:
        scores: np.ndarray = line_features @ np.asarray(self.line_weights)
        return scores

    @classmethod
    def fit(cls, passages: list[AnswerCase], lines: list[AnswerCase], l2: float = L2) -> AnswerModel:
        """Maximum likelihood that an answering passage, and then an answering line, is chosen."""
        return cls(
            feature_names(),
            tuple(float(w) for w in conditional_logit(passages, len(feature_names()), l2)),
            tuple(float(w) for w in conditional_logit(lines, len(LINE_FEATURES), l2)),
        )

    def with_report(self, fitted_on: dict[str, Any]) -> AnswerModel:
        return AnswerModel(self.features, self.weights, self.line_weights, fitted_on)

    def save(self, path: Path = ANSWER_MODEL_FILE) -> None:
        data = {
            "weights": dict(zip(self.features, (round(w, 4) for w in self.weights), strict=True)),
            "line_weights": dict(zip(LINE_FEATURES, (round(w, 4) for w in self.line_weights), strict=True)),
            "fitted_on": self.fitted_on,
        }
        path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")

    @classmethod
    def packaged(cls, path: Path = ANSWER_MODEL_FILE) -> AnswerModel:
        data = json.loads(path.read_text(encoding="utf-8"))
        names = feature_names()
        if tuple(data["weights"]) != names or tuple(data.get("line_weights", ())) != LINE_FEATURES:
            raise AnswerModelMismatch(
                f"{path} was fitted on other features than search/data/*.yaml describe now; "
                "refit it with `python -m pipelines answers --fit`"
            )
        return cls(
            names,
            tuple(data["weights"][name] for name in names),
            tuple(data["line_weights"][name] for name in LINE_FEATURES),
            data.get("fitted_on", {}),
        )

    @classmethod
    def untrained(cls) -> AnswerModel:
        """All weights 0: for describing candidates before any model is fitted."""
        return cls(feature_names(), (0.0,) * len(feature_names()), (0.0,) * len(LINE_FEATURES))


def conditional_logit(cases: list[AnswerCase], width: int, l2: float) -> np.ndarray:
    """Weights maximising the likelihood that one of each case's answering options is chosen
    (softmax over the case's options), with L2; cases without an answering option are skipped."""
    usable = [case for case in cases if case.answers.any()]

    def loss(weights: np.ndarray) -> tuple[float, np.ndarray]:
        total, gradient = l2 * weights @ weights, 2 * l2 * weights
        for case in usable:
            scores = case.features @ weights
            shares = np.exp(scores - scores.max())
            shares /= shares.sum()
            held = shares * case.answers
            total -= np.log(held.sum() + 1e-12)
            gradient -= case.features.T @ (held / held.sum() - shares)
        return float(total), gradient

    weights: np.ndarray = minimize(loss, np.zeros(width), jac=True, method="L-BFGS-B").x
    return weights
