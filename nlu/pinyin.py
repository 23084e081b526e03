"""Pinyin of buyer tokens: homophone typos meet the word they stand for.

Phone keyboards type by pinyin, so a slip gives a character with the same sound
(腿货 for 退货, 蟹蟹 for 谢谢): the characters differ, the syllables agree. Tones
are dropped (the keyboard ignores them too). Pure: pypinyin ships its own
dictionary, nothing is downloaded.
"""

from __future__ import annotations

import functools

from pypinyin import Style, lazy_pinyin


@functools.lru_cache(maxsize=65536)
def syllables(token: str) -> str:
    """The token's toneless syllables, space-separated ("退货" -> "tui huo"); a token
    without Chinese characters is returned as it is."""
    if not any("\u3400" <= c <= "\u9fff" for c in token):
        return token
    return " ".join(s for s in lazy_pinyin(token, style=Style.NORMAL, errors="default") if s.strip())
