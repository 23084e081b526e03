"""Chinese and Arabic numeral parsing for the measurement parsers.

Buyers write "162", "一六二" (digit by digit), "一百一十五", "一百五" (=150),
"一点六二" and mix them with units. This module turns such a numeral string
into a number and offers a regex fragment that finds them; it never raises.
"""

from __future__ import annotations

import re

CN_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
CN_UNITS = {"十": 10, "百": 100, "千": 1000}

_CN_DIGIT_CLASS = "零〇一二两三四五六七八九"
_CN_CLASS = _CN_DIGIT_CLASS + "十百千"

# One numeral: Arabic (not part of a longer digit run, so order ids stay whole)
# or Chinese, with an optional decimal part.
ARABIC = r"(?<![\d.])\d+(?:\.\d+)?(?![\d])"
# Runs are capped: an unbounded run makes every regex that embeds NUM quadratic
# on a long line of numerals (no real measurement needs more than 12 characters).
CHINESE = rf"[{_CN_CLASS}]{{1,12}}(?:点[{_CN_DIGIT_CLASS}]{{1,4}})?"
NUM = rf"(?:{ARABIC}|{CHINESE})"
# A single digit (Arabic or Chinese), e.g. the "6" in 1米6 or the "六二" in 一米六二.
DIGIT = rf"[0-9{_CN_DIGIT_CLASS}]"


def _cn_int(text: str) -> int | None:
    """Parse an integer written in Chinese numerals, or None."""
    if not text or any(c not in CN_DIGITS and c not in CN_UNITS for c in text):
        return None
    if not any(c in CN_DIGITS for c in text):
        return None  # 百 alone is not a number
    if not any(c in CN_UNITS for c in text):
        # Digit-by-digit reading: 一六二 -> 162.
        return int("".join(str(CN_DIGITS[c]) for c in text))
    total = 0
    current = 0
    last_unit = 1
    for i, char in enumerate(text):
        if char in CN_DIGITS:
            current = current * 10 + CN_DIGITS[char] if current else CN_DIGITS[char]
            continue
        unit = CN_UNITS[char]
        if unit >= last_unit and total:
            return None  # 十百: not a well-formed numeral
        if current == 0 and i == 0 and unit == 10:
            current = 1  # 十五 = 15
        total += (current or 0) * unit
        current = 0
        last_unit = unit
    if current:
        # 一百五 = 150, 一千二 = 1200: a trailing digit counts in the next lower unit,
        # unless a 零 was written (一百零五 = 105).
        if last_unit >= 100 and "零" not in text and "〇" not in text:
            total += current * (last_unit // 10)
        else:
            total += current
    return total


def parse_number(text: str) -> float | None:
    """Parse an Arabic or Chinese numeral (with optional decimals) into a float.

    Returns None for anything that is not a numeral; never raises.
    """
    if not text:
        return None
    text = text.strip()
    try:
        if re.fullmatch(r"\d+(?:\.\d+)?", text):
            return float(text)
        if "点" in text:
            whole, _, frac = text.partition("点")
            whole_value = _cn_int(whole) if whole else 0
            if whole_value is None or not frac:
                return None
            digits = "".join(str(CN_DIGITS[c]) for c in frac if c in CN_DIGITS)
            if len(digits) != len(frac):
                return None
            return float(f"{whole_value}.{digits}")
        value = _cn_int(text)
        return None if value is None else float(value)
    except (ValueError, KeyError, OverflowError):
        return None


def digit_value(text: str) -> int | None:
    """Value of a run of single digits (Arabic or Chinese read digit by digit)."""
    if not text:
        return None
    out = []
    for char in text:
        if char.isdigit() and char.isascii():
            out.append(char)
        elif char in CN_DIGITS:
            out.append(str(CN_DIGITS[char]))
        else:
            return None
    return int("".join(out))


def tidy(value: float) -> int | float:
    """A whole number as int, anything else rounded to one decimal."""
    rounded = round(value, 1)
    return int(rounded) if rounded == int(rounded) else rounded
