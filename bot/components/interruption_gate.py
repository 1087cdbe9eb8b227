"""NLU component that keeps ordinary answers from being read as interruptions of the ticket form.

The intent classifier sometimes hears "why?", "cancel" or "a person, please" in an ordinary answer
("desde hoy por la mañana", "Saldo de estoque divergente após virada"); the form then explains or
cancels instead of taking the answer, and asks the same question again, for ever. An interruption
intent is kept only when the message says so in words (``interruption_phrases.yml``) or the
classifier is very sure; otherwise the next intent of the ranking takes its place, and the form
takes the message as the answer it is.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Dict, List

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from shared.phrases import fold, phrase_patterns

PHRASES_PATH = Path(__file__).with_name("interruption_phrases.yml")


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class InterruptionGate(GraphComponent):
    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        # Above this confidence the classifier is trusted even without an explicit phrase. DIET is
        # often sure and wrong here ("nao, vamos continuar" is "cancel" at 1.00): near-certainty only.
        return {"trusted_confidence": 0.9999}

    def __init__(self, config: Dict[str, Any]) -> None:
        self._trusted = float(config["trusted_confidence"])
        self._patterns = phrase_patterns(PHRASES_PATH)

    @classmethod
    def create(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "InterruptionGate":
        return cls(config)

    def is_interruption(self, intent: str, text: str, confidence: float) -> bool:
        """Whether a message classified as ``intent`` really interrupts; other intents always pass."""
        pattern = self._patterns.get(intent)
        if pattern is None or text.startswith("/"):  # not an interruption, or a button's payload
            return True
        return confidence >= self._trusted or bool(pattern.search(fold(text)))

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            intent = message.get(INTENT) or {}
            name, confidence = intent.get("name"), float(intent.get("confidence") or 0.0)
            if not name or self.is_interruption(name, message.get(TEXT) or "", confidence):
                continue
            ranking = message.get(INTENT_RANKING_KEY) or []
            ranking = [r for r in ranking if r.get("name") not in self._patterns]
            if not ranking:
                continue
            message.set(INTENT, dict(ranking[0]), add_to_output=True)
            message.set(INTENT_RANKING_KEY, [*ranking, intent], add_to_output=True)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data
