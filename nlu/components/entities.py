"""Rasa adapter: the shop's rule-based entity extractor.

Runs a blank spaCy Chinese pipeline (character segmenter, no downloaded model)
with an EntityRuler built from data/lexicon/catalogue.json for product names,
colours, couriers and concern words, and hands its matches to the pure
`nlu.text.extract.extract_entities`, which adds numbers, sizes, measurements, codes
and order ids and resolves overlaps. The catalogue is copied into the model, so
a trained model does not depend on the working directory.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any, Dict, List, Optional, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

import nlu.text.extract
import nlu.text.measurements
import nlu.text.normalize
import nlu.text.numbers
from nlu.components._fingerprint import hash_paths
from nlu.text.extract import extract_entities, lexicon_entries, load_catalogue
from nlu.text.normalize import normalize

logger = logging.getLogger(__name__)

DEFAULT_CATALOGUE = "data/lexicon/catalogue.json"
CATALOGUE_FILE = "catalogue.json"
_PURE_MODULES = (nlu.text.extract, nlu.text.measurements, nlu.text.normalize, nlu.text.numbers)


def build_spacy_pipeline(catalogue: Dict[Text, Any]) -> Any:
    """A blank `zh` pipeline whose EntityRuler knows every catalogue alias."""
    import spacy

    try:
        nlp = spacy.blank("zh")
    except Exception:  # noqa: BLE001 - e.g. a configured segmenter is unavailable
        nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "char"}}})
    ruler = nlp.add_pipe("entity_ruler", config={"phrase_matcher_attr": "TEXT"})
    ruler.add_patterns(
        [
            {"label": entity, "pattern": alias, "id": str(value)}
            for entity, alias, value in lexicon_entries(catalogue)
        ]
    )
    return nlp


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=True)
class ShopEntityExtractor(GraphComponent, EntityExtractorMixin):
    """Catalogue, order-id, size and body-measurement entities by rule."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        """Where the generated catalogue table is read from at training time."""
        return {"catalogue_path": DEFAULT_CATALOGUE}

    @staticmethod
    def required_packages() -> List[Text]:
        """Packages the component needs (also part of Rasa's fingerprint)."""
        return ["spacy"]

    @classmethod
    def fingerprint_addon(cls, config: Dict[Text, Any]) -> Optional[str]:
        """Hash the catalogue file and the pure rule modules, not just the path."""
        merged = {**cls.get_default_config(), **(config or {})}
        paths = [merged["catalogue_path"], *(m.__file__ for m in _PURE_MODULES)]
        return hash_paths(paths)

    def __init__(
        self,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        catalogue: Optional[Dict[Text, Any]] = None,
    ) -> None:
        """Keep the catalogue and build the spaCy pipeline from it."""
        self._config = config
        self._model_storage = model_storage
        self._resource = resource
        self.catalogue = catalogue or {}
        self._nlp = build_spacy_pipeline(self.catalogue)

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> ShopEntityExtractor:
        """Create a new extractor from the catalogue file named in the config."""
        path = Path(config["catalogue_path"])
        if not path.is_file():
            logger.warning("catalogue %s not found: only numeric entities", path)
            return cls(config, model_storage, resource, {})
        return cls(config, model_storage, resource, load_catalogue(path))

    @classmethod
    def load(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> ShopEntityExtractor:
        """Load the catalogue that was copied into the model at training time."""
        try:
            with model_storage.read_from(resource) as directory:
                catalogue = load_catalogue(Path(directory) / CATALOGUE_FILE)
        except (ValueError, FileNotFoundError):
            logger.warning("no catalogue in the model; reading %s", config["catalogue_path"])
            return cls.create(config, model_storage, resource, execution_context)
        return cls(config, model_storage, resource, catalogue)

    def train(self, training_data: TrainingData) -> Resource:
        """Nothing to learn: persist the catalogue into the model."""
        self.persist()
        return self._resource

    def persist(self) -> None:
        """Write the catalogue into this component's model storage resource."""
        with self._model_storage.write_to(self._resource) as directory:
            (Path(directory) / CATALOGUE_FILE).write_text(
                json.dumps(self.catalogue, ensure_ascii=False), encoding="utf-8"
            )

    def lexicon_spans(self, text: Text) -> List[tuple]:
        """(entity, value, start, end) of the EntityRuler's matches on normalised text."""
        doc = self._nlp(normalize(text))
        return [(ent.label_, ent.ent_id_, ent.start_char, ent.end_char) for ent in doc.ents]

    def extract(self, text: Text) -> List[Dict[Text, Any]]:
        """Entities for one text, with this extractor's name."""
        if not text or not text.strip():
            return []
        entities = extract_entities(text, self.catalogue, self.lexicon_spans(text))
        for entity in entities:
            entity["text"] = text[entity["start"] : entity["end"]]
        return self.add_extractor_name(entities)

    def process(self, messages: List[Message]) -> List[Message]:
        """Append the rule entities to each message's entities."""
        for message in messages:
            text = message.get(TEXT)
            if not isinstance(text, str):
                continue
            found = self.extract(text)
            message.set(ENTITIES, message.get(ENTITIES, []) + found, add_to_output=True)
        return messages
