"""Make repeated trainings in one process cheaper (the training worker installs this).

Three costs of `rasa train` repeat when a trainer retrains after adding a few
phrasings (docs/benchmarks.md, cProfile of a retrain):

- **YAML.** Rasa reads and schema-validates every data file several times per
  training. Parsed and validated content is kept here, keyed by the exact text,
  so only a changed file is parsed again. Callers get a deep copy: Rasa may
  change what it read.
- **Training data objects.** Rasa builds the NLU training data from the files
  five times per training. What one file holds, and what a list of files
  holds, are kept here by the files' exact bytes (the latest two lists only:
  each is the whole data set). Rasa only merges these into new objects, which
  copies every example, and never changes them.
- **Fingerprints of featurized data.** Rasa's training cache fingerprints every
  node's output, and again as the next node's input: every message with all its
  tokens and sparse features, a third of a retrain. A node that turns training
  data into training data (tokenizer, entity extractor, featurizers) is
  deterministic, so here its output's fingerprint is derived from its own
  fingerprint key, which already covers its class, code, config and inputs.
  The root of the chain (the data as read from the files) keeps Rasa's real
  fingerprint, so unchanged data still restores every component from the cache,
  and changed data never does. What is lost: a changed input that produces the
  identical output no longer counts as unchanged downstream, so that node's
  successors retrain (they would have anyway: new phrasings change every
  output).
- **Merging.** Each of Rasa's importers merges the data it gets into a new
  object (five merges per training): every example is deep-copied, and then
  re-fingerprinted to drop duplicates, because stripping the intent's blanks
  resets the cached fingerprint even when nothing was stripped. Here a message
  copies itself as the plain data it holds (a generic deep copy costs five
  times as much), and an unchanged intent keeps the fingerprint. Rasa's
  merging was 29 % of a warm retrain (py-spy), 11 % now.

Nothing here changes what is trained: a test trains with and without it and
compares the models' answers.
"""

from __future__ import annotations

import copy
import hashlib
import os
from collections import OrderedDict
from typing import Any, Callable, Dict, Iterable, Optional, Set, Text, Tuple

import rasa.shared.importers.utils as importer_utils
import rasa.shared.nlu.training_data.loading as nlu_loading
import rasa.shared.utils.io as rasa_io
import rasa.shared.utils.validation as rasa_validation
from rasa.engine.training.hooks import TrainingHook
from rasa.shared.nlu.constants import INTENT, RESPONSE
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

_ORIGINAL = {
    "load_data": nlu_loading.load_data,
    "training_data_from_paths": importer_utils.training_data_from_paths,
    "read_yaml": rasa_io.read_yaml,
    "validate_yaml_schema": rasa_validation.validate_yaml_schema,
    "on_before_node": TrainingHook.on_before_node,
    "on_after_node": TrainingHook.on_after_node,
    "sanitize_examples": TrainingData.sanitize_examples,
}
_parsed: Dict[Tuple[bytes, Text], Any] = {}
_files: "OrderedDict[Any, TrainingData]" = OrderedDict()
_file_lists: "OrderedDict[Any, TrainingData]" = OrderedDict()
_valid: Set[Tuple[Any, ...]] = set()
_TRANSFORMS = "shop_transforms_training_data"


def _digest(text: Text) -> bytes:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).digest()


def read_yaml(content: Text, reader_type: Any = "safe") -> Any:
    key = (_digest(content), str(reader_type))
    if key not in _parsed:
        _parsed[key] = _ORIGINAL["read_yaml"](content, reader_type)
    return copy.deepcopy(_parsed[key])


def _file_key(path: Text) -> Tuple[Text, bytes]:
    with open(path, "rb") as file:
        return str(path), hashlib.sha256(file.read()).digest()


def _kept(
    store: "OrderedDict[Any, TrainingData]", cap: int, key: Any, build: Callable[[], TrainingData]
) -> TrainingData:
    if key in store:
        store.move_to_end(key)
        return store[key]
    value = store[key] = build()
    while len(store) > cap:
        store.popitem(last=False)
    return value


def load_data(resource_name: Text, language: Optional[Text] = "en") -> TrainingData:
    if not os.path.isfile(resource_name):
        return _ORIGINAL["load_data"](resource_name, language)  # a folder: Rasa lists and loads its files
    key = (language, _file_key(resource_name))
    return _kept(_files, 512, key, lambda: _ORIGINAL["load_data"](resource_name, language))


def training_data_from_paths(paths: Iterable[Text], language: Text) -> TrainingData:
    paths = list(paths)
    if not all(os.path.isfile(path) for path in paths):
        return _ORIGINAL["training_data_from_paths"](paths, language)
    key = (language, tuple(_file_key(path) for path in paths))
    # Only the latest file lists: each is the whole data set.
    return _kept(_file_lists, 2, key, lambda: _ORIGINAL["training_data_from_paths"](paths, language))


def validate_yaml_schema(content: Text, schema_path: Text, *args: Any, **kwargs: Any) -> None:
    key = (_digest(content), schema_path, args, tuple(sorted(kwargs.items())))
    if key not in _valid:
        _ORIGINAL["validate_yaml_schema"](content, schema_path, *args, **kwargs)  # raises when invalid
        _valid.add(key)


def on_before_node(
    self: TrainingHook, node_name: Text, execution_context: Any, config: Dict, received_inputs: Dict
) -> Dict:
    data = _ORIGINAL["on_before_node"](self, node_name, execution_context, config, received_inputs)
    data[_TRANSFORMS] = any(isinstance(value, TrainingData) for value in received_inputs.values())
    return data


def on_after_node(
    self: TrainingHook,
    node_name: Text,
    execution_context: Any,
    config: Dict,
    output: Any,
    input_hook_data: Dict,
) -> None:
    if isinstance(output, TrainingData) and input_hook_data.get(_TRANSFORMS):
        derived = "derived-" + input_hook_data["fingerprint_key"]
        output.fingerprint = lambda: derived  # type: ignore[method-assign]
    _ORIGINAL["on_after_node"](self, node_name, execution_context, config, output, input_hook_data)


_ATOMS = (str, int, float, bool, type(None))


def _plain_copy(value: Any, memo: Dict[int, Any]) -> Any:
    """Deep copy of JSON-like data (what a message read from a file holds); anything
    else goes to `copy.deepcopy`."""
    kind = type(value)
    if kind in _ATOMS:
        return value
    if kind is dict:
        return {key: _plain_copy(item, memo) for key, item in value.items()}
    if kind is list:
        return [_plain_copy(item, memo) for item in value]
    if kind is set and all(type(item) in _ATOMS for item in value):
        return set(value)
    return copy.deepcopy(value, memo)


def message_deepcopy(self: Message, memo: Dict[int, Any]) -> Message:
    new = Message.__new__(Message)
    memo[id(self)] = new
    new.__dict__.update({name: _plain_copy(value, memo) for name, value in self.__dict__.items()})
    return new


def sanitize_examples(examples: list) -> list:
    """Rasa's, except that an annotation already stripped is not set again (setting it
    drops the message's cached fingerprint, which the de-duplication then recomputes)."""
    for example in examples:
        for key in (INTENT, RESPONSE):
            value = example.get(key)
            if value and value.strip() != value:
                example.set(key, value.strip())
    return list(OrderedDict.fromkeys(examples))


def install() -> None:
    """Idempotent. Only for a process that trains (nlu/training/worker.py), never a server."""
    nlu_loading.load_data = load_data
    importer_utils.training_data_from_paths = training_data_from_paths
    rasa_io.read_yaml = read_yaml
    rasa_validation.validate_yaml_schema = validate_yaml_schema
    TrainingHook.on_before_node = on_before_node  # type: ignore[method-assign]
    TrainingHook.on_after_node = on_after_node  # type: ignore[method-assign]
    Message.__deepcopy__ = message_deepcopy  # type: ignore[attr-defined]
    TrainingData.sanitize_examples = staticmethod(sanitize_examples)  # type: ignore[method-assign]


def uninstall() -> None:
    nlu_loading.load_data = _ORIGINAL["load_data"]
    importer_utils.training_data_from_paths = _ORIGINAL["training_data_from_paths"]
    rasa_io.read_yaml = _ORIGINAL["read_yaml"]
    rasa_validation.validate_yaml_schema = _ORIGINAL["validate_yaml_schema"]
    TrainingHook.on_before_node = _ORIGINAL["on_before_node"]  # type: ignore[method-assign]
    TrainingHook.on_after_node = _ORIGINAL["on_after_node"]  # type: ignore[method-assign]
    if "__deepcopy__" in Message.__dict__:
        del Message.__deepcopy__  # type: ignore[attr-defined]
    TrainingData.sanitize_examples = staticmethod(_ORIGINAL["sanitize_examples"])  # type: ignore[method-assign]
    _parsed.clear()
    _files.clear()
    _file_lists.clear()
    _valid.clear()
