"""NLU component that tags every user message with its language (pt, es or en).

It emits a ``language`` entity, which fills the ``language`` slot; responses pick
their pt/es/en variation from that slot. What the user writes wins; a channel may
declare the language in the message metadata (``{"language": "es-MX"}``, e.g. from
the browser) for messages too short to tell. Single words ("ok", "no", "hello") are
unreliable evidence, so they emit nothing and the conversation keeps its language.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.nlu.constants import ENTITIES, METADATA, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from shared.languages import CODES, lingua_detector


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=False)
class LanguageDetector(GraphComponent, EntityExtractorMixin):
    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        # How far ahead the best language must be; below it the message is "unknown".
        return {"minimum_relative_distance": 0.1, "minimum_words": 2}

    def __init__(self, config: Dict[str, Any]) -> None:
        self._minimum_words = config["minimum_words"]
        self._detect = lingua_detector(config["minimum_relative_distance"])

    @classmethod
    def create(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "LanguageDetector":
        return cls(config)

    def detect(self, text: str, metadata: Optional[Dict[str, Any]] = None) -> Optional[str]:
        """Language of the text if it is clear, else the one the channel declared, else None."""
        if text and not text.startswith("/") and len(text.split()) >= self._minimum_words:
            language = self._detect(text)
            if language is not None:
                return language
        declared = str((metadata or {}).get("language") or "")[:2].lower()
        return declared if declared in CODES else None

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            code = self.detect(text, message.get(METADATA))
            if code is None:
                continue
            entity = {
                "entity": "language",
                "value": code,
                "start": 0,
                "end": len(text),
                "extractor": self.__class__.__name__,
            }
            message.set(ENTITIES, [*message.get(ENTITIES, []), entity], add_to_output=True)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data
