"""Custom Rasa NLU components (rasa env only). Named in config.yml by module path."""

from __future__ import annotations

import json
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from arbot_nlu.cues import apply_cues
from arbot_nlu.resolution import resolve
from arbot_nlu.short_replies import short_reply_intent, word_intents


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=False)
class EntityResolver(GraphComponent):
    """Keeps one answer per span when the rules and DIET disagree (``arbot_nlu.resolution``),
    then gives an identifier named by the word before it that word's label
    (``arbot_nlu.cues``: "folio 55210" is an invoice number, not a postal code).

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
            kept = resolve(entities, self._rule_extractor, self._rule_only)
            text = str(message.get(TEXT) or "")
            kept = apply_cues(text, kept, self._rule_extractor, type(self).__name__)
            if kept or entities:
                message.set(ENTITIES, kept, add_to_output=True)
        return messages


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class ShortReplyClassifier(GraphComponent):
    """A reply made only of one lexicon's words means its intent (``arbot_nlu.short_replies``).

    Learns the word lists from the training data's lookup tables; goes after DIET and
    before the FallbackClassifier, and replaces DIET's intent only for such replies.
    """

    FILE = "short_reply_words.json"

    def __init__(
        self, model_storage: ModelStorage, resource: Resource, words: dict[str, str]
    ) -> None:
        self._storage = model_storage
        self._resource = resource
        self._words = words

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> ShortReplyClassifier:
        return cls(model_storage, resource, {})

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> ShortReplyClassifier:
        try:
            with model_storage.read_from(resource) as folder:
                words = json.loads((folder / cls.FILE).read_text(encoding="utf-8"))
        except ValueError:  # not trained: nothing to decide
            words = {}
        return cls(model_storage, resource, words)

    def train(self, training_data: TrainingData) -> Resource:
        lexicons = {
            str(table["name"]): list(table["elements"]) for table in training_data.lookup_tables
        }
        self._words = word_intents(lexicons)
        with self._storage.write_to(self._resource) as folder:
            (folder / self.FILE).write_text(json.dumps(self._words), encoding="utf-8")
        return self._resource

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            meant = short_reply_intent(str(message.get(TEXT) or ""), self._words)
            if meant is None:
                continue
            ranking = [r for r in message.get(INTENT_RANKING_KEY, []) if r["name"] != meant]
            chosen = {"name": meant, "confidence": 1.0}
            message.set(INTENT, chosen, add_to_output=True)
            message.set(INTENT_RANKING_KEY, [chosen, *ranking], add_to_output=True)
        return messages
