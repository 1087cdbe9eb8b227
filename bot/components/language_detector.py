"""NLU component that reports what each user message says about the conversation's language.

It emits a ``language`` entity whose value is pt, es or en and whose role is the kind of evidence:
``greeting`` ("hola", "oi", "hello": decisive), ``sentence`` (ordinary words, with lingua's
confidence as the entity's confidence) or ``channel`` (the language the channel declared in the
message metadata, e.g. the browser's). Names, e-mails, codes and single words give no evidence.
The conversation's language is decided from this evidence and the dialog's state by the
``action_validate_slot_mappings`` action (see ``shared/language_choice.py``).
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

from shared.language_choice import Evidence, evidence_of
from shared.languages import channel_language, lingua_confidence


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=False)
class LanguageDetector(GraphComponent, EntityExtractorMixin):
    def __init__(self, config: Dict[str, Any]) -> None:
        self._confidence_of = lingua_confidence()

    @classmethod
    def create(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "LanguageDetector":
        return cls(config)

    def evidence(self, text: str, metadata: Optional[Dict[str, Any]] = None) -> Optional[Evidence]:
        return evidence_of(text, channel_language(metadata), self._confidence_of)

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            found = self.evidence(text, message.get(METADATA))
            if found is None:
                continue
            entity = {
                "entity": "language",
                "value": found.code,
                "role": found.kind,
                "confidence_entity": round(found.confidence, 3),
                "start": 0,
                "end": len(text),
                "extractor": self.__class__.__name__,
            }
            message.set(ENTITIES, [*message.get(ENTITIES, []), entity], add_to_output=True)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data
