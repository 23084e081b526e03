"""How buyers spell words in chat, read as the words our training phrasings use.

Real buyers write 木有 for 没有, 蟹蟹 for 谢谢, haode for 好的 and answer with an
emoji (👍, 👎, 😡). The model only learns words it has seen, so these are read
as the word they stand for before features are made (data: chat_variants.yml
beside this module). Pure: no Rasa import; the tokenizer and the sentence
encoder apply it.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

from ruamel.yaml import YAML

DATA_PATH = Path(__file__).with_name("chat_variants.yml")


@functools.lru_cache(maxsize=1)
def _tables() -> tuple[re.Pattern[str] | None, dict[str, str], dict[str, str], frozenset[str]]:
    data = YAML(typ="safe").load(DATA_PATH.read_text(encoding="utf-8")) or {}
    same = {str(k): str(v) for k, v in (data.get("same_length") or {}).items()}
    for key, value in same.items():
        if len(key) != len(value):
            raise ValueError(f"{DATA_PATH}: same_length {key!r} -> {value!r} changes the length")
    # Longest first, so a longer spelling wins over a shorter one inside it.
    keys = sorted(same, key=len, reverse=True)
    pattern = re.compile("|".join(map(re.escape, keys))) if keys else None
    words = {str(k): str(v) for k, v in (data.get("token_words") or {}).items()}
    return pattern, same, words, frozenset(str(data.get("invisible") or ""))


def canonical_text(text: str) -> str:
    """`text` (already normalised) with same-length chat spellings replaced; same length."""
    pattern, same, _, _ = _tables()
    return pattern.sub(lambda m: same[m.group()], text) if pattern else text


def token_word(token: str) -> str:
    """The word a whole token stands for (an emoji, a Latin spelling), else the token.

    Invisible characters are removed first, so "👍\ufe0f" reads as 👍 and a token
    of invisible characters only becomes "" (the caller drops it).
    """
    _, _, words, invisible = _tables()
    visible = "".join(c for c in token if c not in invisible)
    return words.get(visible, visible)


@functools.lru_cache(maxsize=1)
def _spelling_pattern() -> re.Pattern[str] | None:
    words = _tables()[2]
    # Latin spellings only as whole words ("hao" not inside "haode" or "shao").
    alternatives = [
        rf"(?<![a-z0-9]){re.escape(k)}(?![a-z0-9])" if k.isascii() else re.escape(k)
        for k in sorted(words, key=len, reverse=True)
    ]
    return re.compile("|".join(alternatives)) if alternatives else None


def spelled_out(text: str) -> str:
    """`text` (already normalised) with every chat spelling and emoji written as the word
    meant and invisible characters removed (NOT length-preserving: for whole-text
    encoders, which would read every emoji as the same unknown symbol)."""
    _, _, words, invisible = _tables()
    text = "".join(c for c in canonical_text(text) if c not in invisible)
    pattern = _spelling_pattern()
    return pattern.sub(lambda m: words[m.group()], text) if pattern else text
