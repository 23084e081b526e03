"""action_stock and action_shipping_fee on the demo shop."""

from __future__ import annotations

import pytest

from actions.shipping import ActionShippingFee
from actions.stock import ActionStock
from shop.policy.config import load_policy
from tests.actions.presale_fixtures import db_url, shop  # noqa: F401
from tests.trackers import make_tracker, run_action

pytestmark = pytest.mark.usefixtures("shop")
SHIPPING = load_policy().shipping


@pytest.mark.parametrize(
    ("entities", "rule", "expected"),
    [
        ({"product_code": "0201", "color": "红色", "size": "M"}, "stock_available", "红色M码有现货"),
        ({"product_code": "0201", "color": "红色", "size": "XL"}, "stock_low", "3件"),
        ({"product_code": "0201", "color": "红色", "size": "165/88A"}, "stock_restock", "7天"),
        ({"product_code": "0164", "color": "米白", "size": "L"}, "stock_restock", "14天"),
        ({"product_code": "0363", "color": "灰色"}, "stock_color", "M/L"),
        ({"product_code": "0201", "size": "xl"}, "stock_size", "红色"),
        ({"product_code": "0201"}, "stock_overview", "红色有S/M/XL、驼色有S/M/L"),
        ({"product_code": "0201", "color": "蓝色"}, "stock_unknown_color", "红色、驼色"),
        ({"color": "红色"}, "stock_ask_product", "商品"),
    ],
)
async def test_stock(entities: dict, rule: str, expected: str) -> None:
    run = await run_action(ActionStock(), make_tracker("ask_stock", entities=entities))
    assert run.rule == rule
    assert any(expected in t for t in run.texts())


async def test_restock_suggests_other_colours_and_says_it_is_an_estimate() -> None:
    tracker = make_tracker(
        "ask_stock", entities={"color": "红色", "size": "L"}, slots={"product_code": "0201"}
    )
    run = await run_action(ActionStock(), tracker)
    assert run.responses == ["utter_stock_restock", "utter_stock_other_colors"]
    assert run.facts["restock_days"] == 7
    assert all("预计" in t for t in run.texts(0))
    assert all("驼色" in t for t in run.texts(1))


@pytest.mark.parametrize(
    ("entities", "rule", "fee", "expected"),
    [
        ({"product_code": "0201"}, "shipping_free_product", 0.0, "包邮"),
        ({"product_code": "0164"}, "shipping_free_threshold", 0.0, "189元"),
        ({"product_code": "0363"}, "shipping_standard_fee", SHIPPING.standard_fee, "运费"),
        ({}, "shipping_general", SHIPPING.standard_fee, "99元"),
    ],
)
async def test_shipping_fee(entities: dict, rule: str, fee: float, expected: str) -> None:
    run = await run_action(ActionShippingFee(), make_tracker("ask_shipping_fee", entities=entities))
    assert (run.rule, run.facts["fee"]) == (rule, fee)
    assert run.responses == [f"utter_{rule}"]
    texts = run.texts()
    assert all(expected in t or "满99" in t for t in texts)
    assert all("中通快递" in t for t in texts if "发" in t)


async def test_standard_fee_names_the_amount() -> None:
    run = await run_action(
        ActionShippingFee(), make_tracker("ask_shipping_fee", entities={"product_code": "0363"})
    )
    assert all("10元" in t and "99元" in t for t in run.texts())


async def test_sf_on_request_adds_the_surcharge() -> None:
    tracker = make_tracker(
        "ask_shipping_fee", entities={"courier": "顺丰速运"}, slots={"product_code": "0201"}
    )
    run = await run_action(ActionShippingFee(), tracker)
    assert run.responses == ["utter_shipping_free_product", "utter_shipping_courier_on_request"]
    assert run.facts["surcharge"] == SHIPPING.sf_surcharge
    assert all("12元" in t and "顺丰速运" in t for t in run.texts(1))


async def test_remote_region_hands_off() -> None:
    tracker = make_tracker("ask_shipping_fee", text="寄到香港运费多少", slots={"product_code": "0201"})
    run = await run_action(ActionShippingFee(), tracker)
    assert (run.rule, run.draft["handoff"]) == ("shipping_remote_region", True)
    assert all("香港" in t for t in run.texts())


async def test_a_pasted_link_the_model_does_not_know_is_read_from_the_catalogue() -> None:
    # The extractor gives item_id for a listing newer than its lexicon; the catalogue knows it.
    tracker = make_tracker("ask_stock", entities={"item_id": "712345600201", "size": "L", "color": "驼色"})
    run = await run_action(ActionStock(), tracker)
    assert (run.rule, run.facts["product_code"]) == ("stock_available", "0201")
    unknown = make_tracker("ask_stock", entities={"item_id": "712345699999"})
    assert (await run_action(ActionStock(), unknown)).rule == "stock_ask_product"
