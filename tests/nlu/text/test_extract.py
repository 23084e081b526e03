"""extract_entities(): catalogue matching, order ids and overlap resolution."""

from __future__ import annotations

import pytest

from nlu.components.entities import build_spacy_pipeline
from nlu.text.extract import extract_entities
from nlu.text.normalize import normalize
from tests.nlu.text.test_parsers import MEASUREMENTS

CASES = [
    ("订单5021873340001到哪了", [("order_id", "5021873340001", 2, 15)]),
    # 14 digits: not an order id, not a code, but a waybill number (中通 has 14).
    ("50218733400011", [("tracking_number", "50218733400011", 0, 14)]),
    # A waybill glued to letters: no order id inside it, no courier either.
    ("SF1000000009001", [("tracking_number", "SF1000000009001", 0, 15)]),
    ("单号sf1000000009001", [("tracking_number", "SF1000000009001", 2, 17)]),
    ("电话13812345678", []),  # 11 digits: a phone number is not a waybill
    # A pasted product link means the product its id= lists; nothing inside it is another entity.
    (
        "这个链接 https://item.taobao.com/item.htm?id=712345600201 有L码吗",
        [("product_code", "0201", 5, 53), ("size", "L", 55, 56)],
    ),
    (
        "https://detail.tmall.com/item.htm?spm=a1z10.3-b&id=712345600108&skuId=5021873340001",
        [("product_code", "108", 0, 83)],
    ),
    ("https://m.tb.cn/h.5Ab?id=712345600420 這個能退嗎", [("product_code", "0420", 0, 37)]),
    # An id the lexicon does not know yet: the actions look it up in the catalogue.
    ("item.taobao.com/item.htm?id=712345699999", [("item_id", "712345699999", 0, 40)]),
    # A short link without an id names nothing, and its characters name nothing either.
    ("https://m.tb.cn/h.0201xL 有货吗", []),
    ("0201有M吗", [("product_code", "0201", 0, 4), ("size", "M", 5, 6)]),
    ("9999有货吗", []),  # not in the catalogue
    ("10201", []),  # a code inside a longer number
    ("108 白的 s码", [("product_code", "108", 0, 3), ("color", "白色", 4, 5), ("size", "S", 7, 8)]),
    ("明白了", []),
    ("紅色羊毛大衣 有Ｍ碼嗎😀", [("product_code", "0201", 0, 6), ("size", "M", 8, 9)]),
    ("酒红色真丝衬衫会掉色吗", [("product_code", "0137", 0, 7), ("concern", "fading", 8, 10)]),
    ("能改走順豐嗎", [("courier", "顺丰速运", 3, 5)]),
    ("可以改发顺丰快递吗", [("courier", "顺丰速运", 4, 8)]),
    ("能不能发EMS", [("courier", "EMS", 4, 7)]),
    ("0255 27寸腰", [("product_code", "0255", 0, 4), ("size", "27", 5, 8), ("waist", 69, 5, 8)]),
    ("纯棉的会不会一洗就缩", [("concern", "material", 0, 2), ("concern", "shrinking", 9, 10)]),
    ("会不会起毛球", [("concern", "pilling", 3, 6)]),
    ("我要雾蓝色 S", [("color", "雾蓝", 2, 5), ("size", "S", 6, 7)]),
    # The order id wins: its digits are never a code or a height.
    ("5021873340108 162cm", [("order_id", "5021873340108", 0, 13), ("height", 162, 14, 19)]),
    (
        "Hi 我162cm／１１５斤，0201紅色要M還是L？😀",
        [
            ("height", 162, 4, 9),
            ("weight", 57.5, 10, 14),
            ("product_code", "0201", 15, 19),
            ("color", "红色", 19, 21),
            ("size", "M", 22, 23),
            ("size", "L", 25, 26),
        ],
    ),
]


def _tuples(found: list[dict]) -> list[tuple]:
    return [(e["entity"], e["value"], e["start"], e["end"]) for e in found]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_extract_entities(text: str, expected: list, catalogue: dict) -> None:
    assert _tuples(extract_entities(text, catalogue)) == expected


def test_spacy_ruler_and_plain_matcher_agree(catalogue: dict) -> None:
    nlp = build_spacy_pipeline(catalogue)
    texts = [t for t, _ in CASES] + [t for t, _ in MEASUREMENTS]
    for text in texts:
        doc = nlp(normalize(text))
        spans = [(e.label_, e.ent_id_, e.start_char, e.end_char) for e in doc.ents]
        assert extract_entities(text, catalogue, spans) == extract_entities(text, catalogue), text


def test_without_catalogue_only_numbers() -> None:
    assert _tuples(extract_entities("0201 162cm 红色", {})) == [("height", 162, 5, 10)]


# A Taobao/Tmall shop's order ids have 18-19 digits (`make lexicon` writes the lengths of its own).
TAOBAO_SHOP = {"order_id_lengths": [18, 19]}
LONG_ID_CASES = [
    ("我的订单4027731846512093318到哪了", [("order_id", "4027731846512093318", 4, 23)]),
    ("我的訂單 4027731846512093318 到哪了", [("order_id", "4027731846512093318", 5, 24)]),
    ("订单号：４０２７７３１８４６５１２０９３３１８", [("order_id", "4027731846512093318", 4, 23)]),
    ("402773184651209331 想退", [("order_id", "402773184651209331", 0, 18)]),
    # Not as long as this shop's order ids: a courier's digit-only waybill (申通 15 digits).
    ("773045128861934 到哪了", [("tracking_number", "773045128861934", 0, 15)]),
    # The demo's 13 digits are no order id of this shop; glued to letters a waybill as ever.
    ("5021873340108", []),
    ("SF1000000009001", [("tracking_number", "SF1000000009001", 0, 15)]),
    ("电话13812345678", []),
]


@pytest.mark.parametrize(("text", "expected"), LONG_ID_CASES)
def test_a_shops_own_order_id_lengths(text: str, expected: list) -> None:
    assert _tuples(extract_entities(text, TAOBAO_SHOP)) == expected


def test_before_the_shop_has_orders_13_and_15_to_19_digits_are_order_ids() -> None:
    for digits in ("5021873340108", "402773184651209", "4027731846512093318"):
        assert _tuples(extract_entities(f"订单{digits}", {})) == [("order_id", digits, 2, 2 + len(digits))]
    assert _tuples(extract_entities("50218733400011", {})) == [("tracking_number", "50218733400011", 0, 14)]


def test_the_demo_lexicon_reads_13_digits_as_an_order_id_and_19_as_a_number_to_look_up(
    catalogue: dict,
) -> None:
    assert catalogue["order_id_lengths"] == [13]
    # Read as a waybill by its length; the action then finds it among her orders too.
    assert _tuples(extract_entities("4027731846512093318", catalogue)) == [
        ("tracking_number", "4027731846512093318", 0, 19)
    ]
