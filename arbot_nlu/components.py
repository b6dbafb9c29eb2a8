"""Custom Rasa NLU components (rasa env only). Named in config.yml by module path."""

from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import ENTITIES
from rasa.shared.nlu.training_data.message import Message

from arbot_nlu.resolution import resolve


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=False)
class EntityResolver(GraphComponent):
    """Keeps one answer per span when the rules and DIET disagree (``arbot_nlu.resolution``).

    Goes after every entity extractor in the pipeline.
    """

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {
            "rule_extractor": "SpacyEntityExtractor",
            "rule_only": ["date", "invoice_number", "postal_code"],
        }

    def __init__(self, config: dict[str, Any]) -> None:
        self._rule_extractor = str(config["rule_extractor"])
        self._rule_only = frozenset(config["rule_only"])

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> EntityResolver:
        return cls(config)

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            entities = message.get(ENTITIES, [])
            if entities:
                kept = resolve(entities, self._rule_extractor, self._rule_only)
                message.set(ENTITIES, kept, add_to_output=True)
        return messages
