"""When the first hit is good enough to answer with: a logistic model fitted on labelled questions.

The model turns evidence about the first hit (its fused score, its lead over the second hit, its
cosine with the question, how much of the question's vocabulary it contains, and how likely the
answer model finds the passage shown) into a probability that the answer shown holds what was
asked. ``confident`` means that probability reaches the threshold chosen for the precision we
promise (see ``python -m pipelines calibrate``).

Usage::

    model = ConfidenceModel.packaged()                 # search/data/confidence.json
    p = model.probability(HitEvidence.of(top=4.1, second=2.0, dense=0.52, coverage=0.8, answer=0.7))
    model.is_confident(p)
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

CALIBRATION_FILE = Path(__file__).parent / "data" / "confidence.json"
NO_SECOND_MARGIN = 2.0  # a lone hit leads by this much (standardised units): clearly ahead


@dataclass(frozen=True)
class HitEvidence:
    """What is known about the first hit of a search, as the model's features."""

    top: float  # fused score of the first hit
    margin: float  # its lead over the second hit
    dense: float  # cosine between question and passage
    coverage: float  # IDF-weighted share of the question's words found in the passage
    answer: float = 1.0  # the answer model's probability for the passage shown (1: no other was weighed)

    @classmethod
    def of(
        cls, top: float, second: float | None, dense: float, coverage: float, answer: float = 1.0
    ) -> HitEvidence:
        return cls(top, NO_SECOND_MARGIN if second is None else top - second, dense, coverage, answer)

    def features(self) -> np.ndarray:
        return np.array([self.top, self.margin, self.dense, self.coverage, self.answer], dtype=np.float64)


@dataclass(frozen=True)
class ConfidenceModel:
    """Logistic regression over ``HitEvidence`` features plus the decision threshold."""

    weights: tuple[float, ...]
    bias: float
    threshold: float
    fitted_on: dict[str, Any] = field(default_factory=dict)  # what it was fitted on and how it scored
    # Below ``threshold`` but at least this, the first hit is worth offering as a possible answer.
    suggest_threshold: float | None = None

    def probability(self, evidence: HitEvidence) -> float:
        z = float(evidence.features() @ np.asarray(self.weights)) + self.bias
        return 1.0 / (1.0 + math.exp(-max(min(z, 50.0), -50.0)))

    def is_confident(self, probability: float) -> bool:
        return probability >= self.threshold

    def is_worth_suggesting(self, probability: float) -> bool:
        return probability >= min(self.threshold, self.suggest_threshold or self.threshold)

    @classmethod
    def fit(cls, evidence: list[HitEvidence], correct: list[bool], l2: float = 0.01) -> ConfidenceModel:
        """Maximum-likelihood weights (with a little L2) by Newton's method; threshold 0.5 until chosen."""
        x = np.array([e.features() for e in evidence])
        y = np.array(correct, dtype=np.float64)
        mean, std = x.mean(axis=0), x.std(axis=0) + 1e-9  # fit on standardised features, then unfold
        design = np.hstack([(x - mean) / std, np.ones((len(x), 1))])
        beta = np.zeros(design.shape[1])
        penalty = np.diag([l2] * (design.shape[1] - 1) + [0.0])
        for _ in range(50):
            p = 1.0 / (1.0 + np.exp(-np.clip(design @ beta, -50, 50)))
            gradient = design.T @ (p - y) + penalty @ beta
            hessian = design.T @ (design * (p * (1 - p))[:, None]) + penalty + 1e-9 * np.eye(len(beta))
            step = np.linalg.solve(hessian, gradient)
            beta -= step
            if np.abs(step).max() < 1e-8:
                break
        weights = beta[:-1] / std
        bias = float(beta[-1] - (beta[:-1] * mean / std).sum())
        return cls(tuple(float(w) for w in weights), bias, 0.5)

    def with_threshold(
        self, threshold: float, fitted_on: dict[str, Any], suggest_threshold: float | None = None
    ) -> ConfidenceModel:
        return ConfidenceModel(self.weights, self.bias, threshold, fitted_on, suggest_threshold)

    def save(self, path: Path = CALIBRATION_FILE) -> None:
        path.write_text(json.dumps(asdict(self), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")

    @classmethod
    def packaged(cls, path: Path = CALIBRATION_FILE) -> ConfidenceModel:
        data = json.loads(path.read_text(encoding="utf-8"))
        return cls(
            tuple(data["weights"]), data["bias"], data["threshold"], data.get("fitted_on", {}),
            data.get("suggest_threshold"),
        )  # fmt: skip


def threshold_for_precision(
    probabilities: list[float], correct: list[bool], answerable: int, precision: float
) -> tuple[float, float, float]:
    """Lowest threshold whose confident answers reach ``precision``: (threshold, precision, recall).

    Recall is over the ``answerable`` questions (in-domain ones), so a confident wrong article hurts
    precision and a correct one left unconfident hurts recall.
    """
    best = (1.0, 1.0, 0.0)
    for threshold in sorted(set(probabilities), reverse=True):
        chosen = [c for p, c in zip(probabilities, correct, strict=True) if p >= threshold]
        reached = sum(chosen) / len(chosen)
        if reached >= precision:
            best = (threshold, reached, sum(chosen) / max(answerable, 1))
    return best
