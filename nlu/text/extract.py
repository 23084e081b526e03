"""All of the shop's rule-based entities for one message (pure, no Rasa).

`extract_entities(text, catalogue)` combines the measurement/size parsers with
catalogue look-ups (product codes and names, colours, couriers, concern words)
and order ids, resolves overlaps, and returns dicts with offsets into the
ORIGINAL text. The Rasa adapter (`nlu.components.entities`) may pass lexicon
spans found by its spaCy EntityRuler; without them a plain longest-match scan
over the same catalogue tables is used, so both paths give the same answer.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from nlu.text.measurements import parse_measurements
from nlu.text.normalize import normalize

logger = logging.getLogger(__name__)

# Lexicon tables in catalogue.json -> the entity they produce. Earlier entries win
# a tie between equally long matches.
LEXICON_TABLES = {
    "product_aliases": "product_code",
    "couriers": "courier",
    "colors": "color",
    "concerns": "concern",
}
# Lower rank wins an overlap; within a rank the longer span wins. A pasted link
# or tracking number is one thing: nothing inside it is another entity.
RANK = {"pasted": -1, "order_id": 0, "measurement": 1, "product_digits": 2, "lexicon": 3, "short": 4}

# How many digits the shop's order ids have is the shop's: `make lexicon` writes the lengths
# of its orders' ids into catalogue.json ("order_id_lengths": the demo's 13, a Taobao/Tmall
# shop's 18-19). Without them: the demo's 13 and Taobao's 15-19 (= shop.db.inputs).
DEFAULT_ORDER_ID_LENGTHS = (13, 15, 16, 17, 18, 19)
# A digit run standing alone; glued to letters it is part of a tracking number (SF1000000009001).
DIGIT_RUN_RE = re.compile(r"(?<![\da-z])\d+(?!\d)", re.IGNORECASE)
# Couriers' waybill numbers: 2-4 letters + 8-15 digits (SF..., YT...), or a digit run
# of 14-20 that is not as long as the shop's order ids (a phone number has 11, a
# listing's item id 12). The lengths overlap (申通 and 韵达 have 13-15 digits), so the
# actions look a number up among the buyer's orders and parcels both ways.
TRACKING_RE = re.compile(r"(?<![\da-z])(?:[a-z]{2,4}\d{8,15}|\d{14,20})(?![\da-z])", re.IGNORECASE)
# A link as pasted from the Taobao/Tmall app or site (short m.tb.cn links included);
# its item id is readable only when the link carries ``id=``.
# Host labels are ASCII and bounded, and a match starts only where a label can: a long
# run of letters or Chinese characters costs linear time, not quadratic backtracking.
LINK_RE = re.compile(
    r"(?<![a-z0-9.-])(?:https?://)?(?:[a-z0-9-]{1,63}\.){0,5}(?:taobao\.com|tmall\.com|tmall\.hk|tb\.cn)"
    r"(?:[/?#][^\s\u4e00-\u9fff，。！？]*)?",
    re.IGNORECASE,
)
ITEM_ID_RE = re.compile(r"[?&#]id=(\d{6,20})", re.IGNORECASE)
# Spans that only keep other rules out of a link without an item id we know.
_BLOCKER = "_pasted"
CODE_RE = re.compile(r"(?<!\d)(?<!\d\.)\d{3,4}(?!\d|\.\d)")

LexiconSpan = tuple[str, Any, int, int]


def load_catalogue(path: str | Path) -> dict[str, Any]:
    """Read the generated catalogue.json (see nlu.text.lexicon)."""
    return json.loads(Path(path).read_text(encoding="utf-8"))


def order_id_lengths(catalogue: dict[str, Any]) -> frozenset[int]:
    """How many digits the shop's order ids have (catalogue.json, else the defaults)."""
    return frozenset(int(n) for n in catalogue.get("order_id_lengths") or DEFAULT_ORDER_ID_LENGTHS)


def lexicon_entries(catalogue: dict[str, Any]) -> Iterable[tuple[str, str, Any]]:
    """(entity, alias, value) for every lexicon alias; aliases are normalised text."""
    for table, entity in LEXICON_TABLES.items():
        for alias, value in catalogue.get(table, {}).items():
            yield entity, alias, value


def match_lexicon(normalised: str, catalogue: dict[str, Any]) -> list[LexiconSpan]:
    """Greedy left-to-right longest match of the catalogue aliases."""
    table: dict[str, tuple[str, Any]] = {}
    for entity, alias, value in lexicon_entries(catalogue):
        table.setdefault(alias, (entity, value))
    if not table:
        return []
    longest = max(map(len, table))
    spans, i = [], 0
    while i < len(normalised):
        for length in range(min(longest, len(normalised) - i), 0, -1):
            hit = table.get(normalised[i : i + length])
            if hit:
                spans.append((hit[0], hit[1], i, i + length))
                i += length
                break
        else:
            i += 1
    return spans


def _short_colours(normalised: str, catalogue: dict[str, Any]) -> list[LexiconSpan]:
    short = catalogue.get("color_short", {})
    if not short:
        return []
    chars = "".join(map(re.escape, short))
    pattern = rf"(?<![明网空坦洁漂抹涂])([{chars}])(?=[的色款])"
    return [("color", short[m.group(1)], m.start(1), m.end(1)) for m in re.finditer(pattern, normalised)]


# "一洗就缩", "会不会缩": a bare 缩 after 就/会/洗 is the shrinking concern; elsewhere
# it is part of other words (缩短 = shorten a hem), so it is not a lexicon entry.
SHRINK_RE = re.compile(r"(?<=[就会洗])缩(?![短写减])")


def _short_concerns(normalised: str) -> list[LexiconSpan]:
    return [("concern", "shrinking", m.start(), m.end()) for m in SHRINK_RE.finditer(normalised)]


def extract_entities(
    text: str,
    catalogue: dict[str, Any],
    lexicon_spans: list[LexiconSpan] | None = None,
) -> list[dict[str, Any]]:
    """Entities in `text` as dicts with entity/value/start/end; never raises."""
    try:
        return _extract(text if isinstance(text, str) else "", catalogue, lexicon_spans)
    except Exception:  # noqa: BLE001 - a rule bug must not break the turn
        logger.exception("entity extraction failed on %r", str(text)[:200])
        return []


def _extract(
    text: str, catalogue: dict[str, Any], lexicon_spans: list[LexiconSpan] | None
) -> list[dict[str, Any]]:
    if not text.strip():
        return []
    normalised = normalize(text)
    candidates: list[tuple[int, str, Any, int, int]] = []

    lengths = order_id_lengths(catalogue)
    candidates.extend(_pasted(normalised, catalogue, lengths))
    for m in DIGIT_RUN_RE.finditer(normalised):
        if len(m.group()) in lengths:
            candidates.append((RANK["order_id"], "order_id", m.group(), m.start(), m.end()))
    for entity, value, start, end in parse_measurements(text):
        candidates.append((RANK["measurement"], entity, value, start, end))
    codes = catalogue.get("products", {})
    for m in CODE_RE.finditer(normalised):
        if m.group() in codes:
            candidates.append((RANK["product_digits"], "product_code", m.group(), m.start(), m.end()))
    if lexicon_spans is None:
        lexicon_spans = match_lexicon(normalised, catalogue)
    for entity, value, start, end in lexicon_spans:
        candidates.append((RANK["lexicon"], entity, value, start, end))
    short = _short_colours(normalised, catalogue) + _short_concerns(normalised)
    for entity, value, start, end in short:
        candidates.append((RANK["short"], entity, value, start, end))

    return _resolve(candidates)


def _pasted(
    normalised: str, catalogue: dict[str, Any], order_id_lengths: frozenset[int]
) -> list[tuple[int, str, Any, int, int]]:
    """Links (the product their id= lists, else the raw ``item_id``) and tracking numbers."""
    found = []
    item_ids = catalogue.get("item_ids", {})
    for m in LINK_RE.finditer(normalised):
        item = ITEM_ID_RE.search(m.group())
        if item is None:
            entity, value = _BLOCKER, None
        elif item.group(1) in item_ids:
            entity, value = "product_code", item_ids[item.group(1)]
        else:  # a listing newer than the model: the actions look it up in the catalogue
            entity, value = "item_id", item.group(1)
        found.append((RANK["pasted"], entity, value, m.start(), m.end()))
    for m in TRACKING_RE.finditer(normalised):
        if m.group().isdigit() and len(m.group()) in order_id_lengths:
            continue  # as long as the shop's order ids: read as one (the actions check her parcels too)
        found.append((RANK["pasted"], "tracking_number", m.group().upper(), m.start(), m.end()))
    return found


def _resolve(candidates: list[tuple[int, str, Any, int, int]]) -> list[dict[str, Any]]:
    """Keep the best non-overlapping spans.

    Identical spans from the measurement parser are kept together (27寸 is both a
    size and a waist estimate); any other overlap goes to the lower rank, then
    the longer span.
    """
    accepted: list[tuple[int, str, Any, int, int]] = []
    # Which accepted span holds each character: keeps this linear on long messages.
    holder: dict[int, tuple[int, int, int]] = {}
    for cand in sorted(candidates, key=lambda c: (c[0], c[3] - c[4], c[3])):
        rank, _, _, start, end = cand
        held = {holder[i] for i in range(start, end) if i in holder}
        if held:
            shares_measurement_span = rank == RANK["measurement"] and held == {(rank, start, end)}
            if not shares_measurement_span:
                continue
        accepted.append(cand)
        for i in range(start, end):
            holder[i] = (rank, start, end)
    accepted.sort(key=lambda c: (c[3], c[4], c[1]))
    return [
        {"entity": entity, "value": value, "start": start, "end": end}
        for _, entity, value, start, end in accepted
        if entity != _BLOCKER
    ]
