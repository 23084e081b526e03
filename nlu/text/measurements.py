"""Body measurements and sizes from a buyer's message.

`parse_measurements(text)` returns `(entity, value, start, end)` spans with offsets
into the ORIGINAL text (parsing runs on the length-preserving normalised text).
Units follow docs/architecture.md: height/bust/waist/hip/shoulder in cm, weight in
kg (Taobao buyers write 斤 = 0.5 kg), size as a label string.

Rules run from most to least specific; a span claimed by an earlier rule is never
re-read by a later one (so "1米62" is not also a bare 62, and an order id is
never a height). Implausible values are dropped and logged, never raised.

Jeans sizes: "27寸腰" is a size label ("27") and also a waist estimate of
round(27 * 2.54) = 69 cm, because Chinese jeans sizes are nominally the waist in
inches; the size advisor may use either.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable

from nlu.text.normalize import normalize
from nlu.text.numbers import ARABIC, CHINESE, DIGIT, NUM, digit_value, parse_number, tidy

logger = logging.getLogger(__name__)

Span = tuple[str, object, int, int]

PLAUSIBLE = {
    "height": (100, 210),
    "weight": (30, 150),
    "bust": (50, 150),
    "waist": (50, 150),
    "hip": (50, 150),
    "shoulder": (25, 60),
}
CM_PER_CHI = 100 / 3
CM_PER_INCH = 2.54
JEANS_SIZES = {"26", "27", "28", "29", "30"}

CM = r"(?:cm|厘米|公分)"
KG = r"(?:kg|公斤|千克)"
# Words that may sit between a keyword and its number: 身高是162, 体重大概115斤.
FILL = r"[\s:=是有为约在大概差不多只才快将近就]{0,6}"
BODY_KEYWORDS = {
    "bust": "胸围|上围|胸",
    "waist": "腰围|腰",
    "hip": "臀围|下围|臀|屁股",
    "shoulder": "肩宽|肩膀|肩",
}
LETTER_SIZES = {"s": "S", "m": "M", "l": "L", "xl": "XL", "xxl": "XXL", "2xl": "XXL"}
WORD_SIZES = {
    "小号": "S",
    "中号": "M",
    "大号": "L",
    "加大号": "XL",
    "均码": "均码",
    "f码": "均码",
    "freesize": "均码",
    "free size": "均码",
    "onesize": "均码",
    "one size": "均码",
}


class _Parser:
    """One parse of one message: the normalised text plus the claimed ranges."""

    def __init__(self, text: str) -> None:
        self.text = normalize(text)
        self.claimed = [False] * len(self.text)
        self.spans: list[Span] = []

    def free(self, start: int, end: int) -> bool:
        return not any(self.claimed[start:end])

    def claim(self, start: int, end: int) -> None:
        for i in range(start, end):
            self.claimed[i] = True

    def emit(self, entity: str, value: object, start: int, end: int) -> None:
        """Add a span if plausible; log and drop it otherwise. Always claims it."""
        self.claim(start, end)
        if isinstance(value, (int, float)):
            low, high = PLAUSIBLE[entity]
            if not low <= value <= high:
                logger.debug(  # not INFO: the span is the buyer's words
                    "dropped implausible %s=%s from %r",
                    entity,
                    value,
                    self.text[start:end],
                )
                return
            value = tidy(value)
        self.spans.append((entity, value, start, end))

    def each(self, pattern: str, handler: Callable[[re.Match], None]) -> None:
        for match in re.finditer(pattern, self.text):
            if self.free(match.start(), match.end()):
                handler(match)


def _metres(whole: str, rest: str | None) -> float | None:
    """1米62 -> 162, 1米6 -> 160, 一米六五 -> 165."""
    metres = parse_number(whole)
    if metres is None or metres not in (1, 2):
        return None
    if not rest:
        return metres * 100
    fraction = digit_value(rest)
    if fraction is None:
        return None
    return metres * 100 + (fraction * 10 if len(rest) == 1 else fraction)


def _weight_kg(value: float, unit: str | None) -> float:
    if unit and re.fullmatch(KG, unit):
        return value
    if unit == "斤":
        return value / 2
    # Bare number after 体重: Taobao buyers mean 斤 from about 70 up
    # (a 70 kg buyer would more often write 140); below that it is kg.
    return value / 2 if value >= 70 else value


def _chi(whole: str, tenth: str | None) -> float | None:
    """2尺1 -> 2.1 尺 -> 70 cm (1 尺 = 100/3 cm)."""
    value = parse_number(whole)
    if value is None:
        return None
    if tenth:
        fraction = digit_value(tenth)
        if fraction is None:
            return None
        value += fraction / 10
    return round(value * CM_PER_CHI)


def parse_measurements(text: str) -> list[Span]:
    """All height/weight/bust/waist/hip/shoulder/size spans in `text`; never raises."""
    try:
        return _parse(text if isinstance(text, str) else "")
    except Exception:  # noqa: BLE001 - a parser bug must not break the turn
        logger.exception("measurement parser failed on %r", text[:200])
        return []


def _parse(text: str) -> list[Span]:
    p = _Parser(text)
    t = p.text

    # Order ids and other long digit runs are claimed first so nothing reads into them.
    p.each(r"\d{7,}", lambda m: p.claim(m.start(), m.end()))

    # 号型 label 160/84A.
    p.each(
        # The body-type letter is required: "160/100斤" is height/weight, not a label.
        r"(?<![\d.])(1[4-8]\d)\s?/\s?(\d{2,3})([abyc])(?![\d/a-z])",
        lambda m: p.emit("size", f"{m.group(1)}/{m.group(2)}{m.group(3).upper()}", m.start(), m.end()),
    )

    # 三围92 79 96 / 三围92/79/96.
    def three(m: re.Match) -> None:
        for entity, group in (("bust", 1), ("waist", 2), ("hip", 3)):
            value = parse_number(m.group(group))
            if value is not None:
                p.emit(entity, value, m.start(group), m.end(group))

    sep = r"\s*[/\s,，、\-*]\s*"
    p.each(rf"三围{FILL}({NUM}){sep}({NUM}){sep}({NUM})", three)

    # Heights in metres: 1米62, 一米六, 1m62, 1.62米, 一点六二米.
    def metres(m: re.Match) -> None:
        value = _metres(m.group(1), m.group(2))
        if value is None or m.group(2) is None:
            logger.debug("dropped whole-metre height %r", m.group())  # buyer's words: not INFO
            p.claim(m.start(), m.end())
            return
        p.emit("height", value, m.start(), m.end())

    p.each(rf"((?<![\d.])[12]|[一两])\s?(?:米|m(?=\s?\d))(?:\s?({DIGIT}{{1,2}}))?(?![\d.])", metres)

    def decimal_metres(m: re.Match) -> None:
        value = parse_number(m.group(1))
        if value is not None:
            p.emit("height", value * 100, m.start(), m.end())

    p.each(rf"((?<![\d.])[12]\.\d{{1,2}}|[一两]点[{DIGIT[1:-1]}]{{1,2}})\s?(?:米|m)(?![a-z])", decimal_metres)

    # Jeans sizes in inches: 27寸腰, 腰27寸 -> size "27" + waist estimate.
    def inches(m: re.Match) -> None:
        start, end = m.start(1), m.end()
        size = str(int(m.group(1)))
        p.claim(m.start(), m.end())
        if size in JEANS_SIZES:
            p.spans.append(("size", size, start, end))
        p.emit("waist", round(int(size) * CM_PER_INCH), start, end)

    p.each(r"(?<![\d.])(2[4-9]|3[0-4])\s?寸(?!\d)", inches)

    # 尺 (waist in Chinese feet): 腰围2尺1, 2尺1, 二尺一.
    def chi(m: re.Match) -> None:
        value = _chi(m.group(1), m.group(2))
        if value is not None:
            p.emit("waist", value, m.start(1), m.end())

    p.each(rf"(?:腰围?{FILL})?((?<![\d.])[1-3]|[一二两三])\s?尺(?![码寸])(?:\s?({DIGIT}))?(?![\d.])", chi)

    # Weight with a unit: 115斤, 100来斤, 一百斤出头, 57.5kg, 57.5公斤.
    def weight_unit(m: re.Match) -> None:
        value = parse_number(m.group(1))
        if value is not None:
            p.emit("weight", _weight_kg(value, m.group(2)), m.start(), m.end())

    p.each(rf"({NUM})\s?[来多]?\s?(斤|{KG})", weight_unit)

    # Keyword + number: 身高162, 身高一六二, 胸围92, 肩宽39cm, 体重115.
    def keyword(entity: str) -> Callable[[re.Match], None]:
        def handler(m: re.Match) -> None:
            value = parse_number(m.group(1))
            if value is None:
                return
            if entity == "height" and value < 3:
                if not re.search(r"[.点]", m.group(1)):
                    return  # 个子高一点: an adverb, not a height
                value *= 100  # 身高1.62
            if entity == "weight":
                value = _weight_kg(value, None)
            p.emit(entity, value, m.start(1), m.end())

        return handler

    p.each(rf"(?:身高|个子|个头|高){FILL}({NUM})(?:\s?{CM})?", keyword("height"))
    p.each(rf"(?:体重|重){FILL}({NUM})", keyword("weight"))
    for entity, words in BODY_KEYWORDS.items():
        p.each(rf"(?:{words}){FILL}({NUM})(?:\s?{CM})?", keyword(entity))

    # A bare cm value with no keyword is a height: 162cm, 165厘米.
    p.each(
        rf"({NUM})\s?{CM}",
        lambda m: _emit_number(p, "height", m.group(1), m.start(), m.end()),
    )

    # Bare 3-digit heights: 162的个子, "162 115斤", "160左右" in a height context.
    bare = r"(?<![\d.])(1[4-9]\d)(?![\d.])"
    p.each(
        rf"{bare}(?=的?(?:个子|身高|个头))",
        lambda m: _emit_number(p, "height", m.group(1), m.start(), m.end()),
    )
    p.each(
        rf"{bare}(?=\s*[,，/、\s]?\s*(?:{NUM})\s?[来多]?\s?(?:斤|{KG}))",
        lambda m: _emit_number(p, "height", m.group(1), m.start(), m.end()),
    )
    p.each(
        rf"(?:我是?|本人|孩子|老妈|妈妈|女儿){FILL}{bare}",
        lambda m: _emit_number(p, "height", m.group(1), m.start(1), m.end(1)),
    )
    # In a height or size conversation a free 140-199 is a height ("160左右"),
    # unless it is money, a count or a discount ("满199减20", "150块").
    if re.search(rf"身高|个子|个头|高|{CM}|码|尺寸|号|size|穿", t):
        p.each(
            rf"(?<![¥$])(?<![满减]){bare}(?!\s?(?:元|块|rmb|件|天|个|单|%|折|减|包邮))",
            lambda m: _emit_number(p, "height", m.group(1), m.start(), m.end()),
        )

    _parse_sizes(p)
    return sorted(p.spans, key=lambda s: (s[2], s[3], s[0]))


def _emit_number(p: _Parser, entity: str, numeral: str, start: int, end: int) -> None:
    value = parse_number(numeral)
    if value is not None:
        p.emit(entity, value, start, end)


def _parse_sizes(p: _Parser) -> None:
    """Letter sizes (S/M/L/XL/XXL), word sizes (中号, 均码) and jeans sizes 26-30."""
    words = "|".join(sorted(map(re.escape, WORD_SIZES), key=len, reverse=True))
    p.each(words, lambda m: p.emit("size", WORD_SIZES[m.group()], m.start(), m.end()))

    # Letters must stand alone (not inside "cm", "3xl", "I'm", "size").
    p.each(
        r"(?<![a-z0-9'’/.\-_])(2xl|xxl|xl|l|m|s)(?![a-z0-9/.\-_@])",
        lambda m: p.emit("size", LETTER_SIZES[m.group(1)], m.start(1), m.end(1)),
    )

    def jeans(m: re.Match) -> None:
        p.emit("size", m.group(1), m.start(1), m.end(1))

    # 号 alone is not enough: "26号" is usually a date.
    p.each(r"(?<![\d.])(2[6-9]|30)(?=\s?码)", jeans)
    p.each(
        rf"(?:穿|尺码|码数|尺寸|size|拿|选|换){FILL}(?<![\d.])(2[6-9]|30)"
        rf"(?![\d.]|\s?(?:斤|{KG}|{CM}|岁|天|元|块|号订单))",
        jeans,
    )


__all__ = ["parse_measurements", "Span", "PLAUSIBLE", "ARABIC", "CHINESE"]
