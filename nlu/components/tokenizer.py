"""Rasa adapter: jieba tokenizer on normalised text with offsets into the original.

Buyers mix Traditional/full-width/upper-case input with Simplified text. Tokens
are cut from `nlu.text.normalize.normalize(text)` (same length as the text), so each
token's `text` is the normalised form and its start/end point into what the
buyer typed. Whitespace tokens that jieba emits in mixed Chinese/English text
are dropped, and digit runs are split from letters/characters ("162cm" -> "162",
"cm") so that annotations like "[162](height)cm" align with token boundaries.
"""

from __future__ import annotations

import hashlib
import io
import logging
import re
from pathlib import Path
from typing import Any, Dict, List, Optional, Text

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.tokenizers.jieba_tokenizer import JiebaTokenizer
from rasa.nlu.tokenizers.tokenizer import Token
from rasa.shared.nlu.training_data.message import Message

import nlu.text.normalize
from nlu.components._fingerprint import hash_paths
from nlu.text.chat_variants import DATA_PATH as CHAT_VARIANTS_PATH
from nlu.text.chat_variants import canonical_text, token_word
from nlu.text.normalize import normalize

logger = logging.getLogger(__name__)

DEFAULT_DICTIONARY = "data/lexicon/jieba"
# A number (with decimals) or a run of anything else that is not whitespace.
# Contents already loaded into jieba's process-wide dictionary (see below).
_LOADED: set = set()
_PIECE_RE = re.compile(r"\d+(?:\.\d+)*|[^\d\s]+")


def split_pieces(word: str, start: int) -> List[tuple]:
    """Split one jieba word at digit/non-digit boundaries; drop whitespace.

    A word that stands for another (an emoji, a chat spelling: nlu/text/chat_variants.py)
    is one token with that word as its text, spanning what the buyer typed; a
    word of invisible characters only is dropped.
    """
    meant = token_word(word)
    if meant != word:
        return [(meant, start, start + len(word))] if meant.strip() else []
    return [(m.group(), start + m.start(), start + m.end()) for m in _PIECE_RE.finditer(word)]


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER, is_trainable=True)
class ShopJiebaTokenizer(JiebaTokenizer):
    """JiebaTokenizer on normalised text, with the shop's user dictionary."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        """Jieba's defaults, with the generated shop dictionary folder."""
        return {**JiebaTokenizer.get_default_config(), "dictionary_path": DEFAULT_DICTIONARY}

    @classmethod
    def fingerprint_addon(cls, config: Dict[Text, Any]) -> Optional[str]:
        """Hash the dictionary files (not just their path) and the normaliser."""
        merged = {**cls.get_default_config(), **(config or {})}
        paths = [nlu.text.normalize.__file__, CHAT_VARIANTS_PATH]
        if merged.get("dictionary_path"):
            paths.append(merged["dictionary_path"])
        return hash_paths(paths)

    def tokenize(self, message: Message, attribute: Text) -> List[Token]:
        """Tokens of the normalised text (chat spellings read as words), offsets into the original."""
        import jieba

        text = message.get(attribute) or ""
        normalised = canonical_text(normalize(text))
        tokens = [
            Token(piece, piece_start, piece_end)
            for word, start, _ in jieba.tokenize(normalised)
            for piece, piece_start, piece_end in split_pieces(word, start)
        ]
        return self._apply_token_pattern(tokens)

    @staticmethod
    def _load_custom_dictionary(path: Text) -> None:
        """Load every file in the dictionary folder, each distinct content once.

        jieba adds a user word's frequency to its global total on every load, and
        the total changes how it segments (more loads favour fewer, longer words).
        Rasa loads the folder on create and again on load, so without this guard
        the same text could be tokenized differently at training and at run time.
        """
        import jieba

        folder = Path(path)
        if not folder.is_dir():
            logger.warning("jieba dictionary folder %s does not exist", path)
            return
        for file in sorted(p for p in folder.iterdir() if p.is_file()):
            content = file.read_bytes()
            digest = hashlib.sha256(content).hexdigest()
            if digest in _LOADED:
                continue
            logger.info("Loading jieba user dictionary %s", file)
            jieba.load_userdict(io.BytesIO(content))
            _LOADED.add(digest)
