"""Knowledge gaps: questions without a confident answer, clustered by meaning.

Questions are embedded with the search engine's embedder and grouped by average-linkage
agglomerative clustering on cosine distance: two groups merge while their questions are, on
average, closer than ``MAX_DISTANCE``. Each cluster is labelled by the question nearest its centre.
"""

from __future__ import annotations

from collections import Counter

import numpy as np
from scipy.cluster.hierarchy import fcluster, linkage

from api.insights.models import ConversationEvent
from api.insights.schemas import GapCluster
from search.embeddings import Embedder

MAX_DISTANCE = 0.55  # cosine distance; paraphrases of one need sit well inside it with USE
MAX_QUESTIONS = 5000  # the most recent ones: clustering is quadratic in memory
EXAMPLES = 5


def gap_clusters(events: list[ConversationEvent], embedder: Embedder) -> list[GapCluster]:
    unanswered = [e for e in events if e.kind == "question" and not e.confident and e.question]
    unanswered = sorted(unanswered, key=lambda e: e.at)[-MAX_QUESTIONS:]
    if not unanswered:
        return []
    vectors = embedder.encode([e.question or "" for e in unanswered])
    if len(unanswered) == 1:
        labels = np.array([1])
    else:
        tree = linkage(vectors, method="average", metric="cosine")
        labels = fcluster(tree, t=MAX_DISTANCE, criterion="distance")
    clusters = []
    for label in np.unique(labels):
        members = np.flatnonzero(labels == label)
        centre = vectors[members].mean(axis=0)
        order = members[np.argsort(-(vectors[members] @ centre))]
        questions = [unanswered[i].question or "" for i in order]
        clusters.append(
            GapCluster(
                label=questions[0],
                count=len(members),
                examples=list(dict.fromkeys(questions))[:EXAMPLES],
                languages=dict(Counter(unanswered[i].lang for i in members)),
            )
        )
    return sorted(clusters, key=lambda c: (-c.count, c.label))
