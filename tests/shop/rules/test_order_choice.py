"""Table tests of shop.rules.order_choice on tb_linlin's demo orders."""

from __future__ import annotations

import pytest

from shop.rules.order_choice import (
    ASK,
    CHOSEN,
    NO_ORDERS,
    NOT_FOUND,
    SEVERAL,
    OrderChoice,
    OrderHints,
    choose_order,
    choose_parcel,
)

OPEN = frozenset({"awaiting_payment", "paid", "shipped"})
DELIVERED = frozenset({"delivered"})

CASES = [
    # (name, hints, prefer, expected kind, expected order id or candidate ids)
    ("own order id", OrderHints(order_id="5021873340003"), OPEN, CHOSEN, "5021873340003"),
    ("order id with spaces", OrderHints(order_id=" 5021873340004 "), OPEN, CHOSEN, "5021873340004"),
    ("another buyer's order id", OrderHints(order_id="5021873349001"), OPEN, NOT_FOUND, None),
    ("non-existent order id", OrderHints(order_id="5021873340099"), OPEN, NOT_FOUND, None),
    ("product code entity", OrderHints(product_code="0201"), OPEN, CHOSEN, "5021873340002"),
    ("colour entity", OrderHints(color="深蓝"), OPEN, CHOSEN, "5021873340003"),
    ("name fragment jeans", OrderHints(text="我的牛仔裤到哪了"), OPEN, CHOSEN, "5021873340003"),
    ("name fragment sweater", OrderHints(text="那件毛衣想退"), DELIVERED, CHOSEN, "5021873340004"),
    ("name fragment underwear", OrderHints(text="内衣有点问题"), DELIVERED, CHOSEN, "5021873340007"),
    ("name fragment t-shirt", OrderHints(text="T恤怎么还没到"), OPEN, CHOSEN, "5021873340006"),
    ("two dresses, open one wins", OrderHints(text="连衣裙发货了吗"), OPEN, CHOSEN, "5021873340001"),
    ("two dresses, delivered one wins", OrderHints(text="连衣裙想退"), DELIVERED, CHOSEN, "5021873340005"),
    (
        "code and colour narrow each other",
        OrderHints(product_code="0201", color="红色"),
        OPEN,
        CHOSEN,
        "5021873340002",
    ),
    ("remembered order", OrderHints(remembered_order_id="5021873340006"), OPEN, CHOSEN, "5021873340006"),
    (
        "this message's product beats the remembered order",
        OrderHints(text="牛仔裤呢", remembered_order_id="5021873340006"),
        OPEN,
        CHOSEN,
        "5021873340003",
    ),
    (
        "remembered product",
        OrderHints(remembered_product_code="8951"),
        DELIVERED,
        CHOSEN,
        "5021873340004",
    ),
    (
        "remembered product of another status is ignored",
        OrderHints(remembered_product_code="8951"),
        OPEN,
        ASK,
        ("5021873340001", "5021873340002", "5021873340003"),
    ),
    (
        "several open orders: ask with the three most recent",
        OrderHints(text="我的快递到哪了"),
        OPEN,
        ASK,
        ("5021873340001", "5021873340002", "5021873340003"),
    ),
    (
        "several delivered orders: ask with them",
        OrderHints(text="我要退货"),
        DELIVERED,
        ASK,
        ("5021873340007", "5021873340004", "5021873340005"),
    ),
]


@pytest.mark.parametrize(("name", "hints", "prefer", "kind", "expected"), CASES, ids=[c[0] for c in CASES])
def test_choose_order(linlin, name, hints, prefer, kind, expected):
    choice = choose_order(linlin, hints, prefer=prefer)
    assert choice.kind == kind
    if kind == CHOSEN:
        assert choice.order.order_id == expected
    elif kind == ASK:
        assert tuple(o.order_id for o in choice.candidates) == expected


def test_foreign_and_missing_ids_are_indistinguishable(linlin):
    foreign = choose_order(linlin, OrderHints(order_id="5021873349001"))
    missing = choose_order(linlin, OrderHints(order_id="5021873340099"))
    assert foreign == missing == OrderChoice(NOT_FOUND)


def test_only_open_order_is_chosen(views):
    orders = [views["5021873340004"], views["5021873340003"]]
    choice = choose_order(orders, OrderHints())
    assert (choice.kind, choice.order.order_id, choice.how) == (
        CHOSEN,
        "5021873340003",
        "only_matching_status",
    )


def test_single_order_is_chosen_whatever_its_status(views):
    choice = choose_order([views["5021873340005"]], OrderHints(text="到哪了"))
    assert (choice.kind, choice.order.order_id) == (CHOSEN, "5021873340005")


def test_no_orders():
    assert choose_order([], OrderHints()).kind == NO_ORDERS
    # Naming an order without having any still reads as "not found".
    assert choose_order([], OrderHints(order_id="5021873340001")).kind == NOT_FOUND


@pytest.mark.parametrize("waybill", ["75300000000031", " 75300000000031 "])
def test_a_pasted_waybill_number_names_her_parcel(linlin, waybill):
    choice = choose_parcel(linlin, OrderHints(tracking_number=waybill))
    assert (choice.kind, choice.order.order_id, choice.how) == (CHOSEN, "5021873340003", "tracking_number")


def test_another_buyers_waybill_is_not_found(linlin, views):
    # SF1000000009001 is tb_ahua's parcel: for tb_linlin it does not exist.
    assert choose_parcel(linlin, OrderHints(tracking_number="SF1000000009001")).kind == NOT_FOUND
    ahua = [views["5021873349001"]]
    found = choose_order(ahua, OrderHints(tracking_number="sf1000000009001"))
    assert (found.kind, found.order.order_id) == (CHOSEN, "5021873349001")


PARCEL_CASES = [
    # (name, hints, expected kind, expected order id or ids)
    (
        "where is my parcel: both shipped ones",
        OrderHints(text="我的快递到哪了"),
        SEVERAL,
        ("5021873340003", "5021873340006"),
    ),
    ("the product named decides", OrderHints(text="牛仔裤的快递到哪了"), CHOSEN, "5021873340003"),
    ("a remembered order decides", OrderHints(remembered_order_id="5021873340006"), CHOSEN, "5021873340006"),
    # The coat is paid, not shipped: the open order it names is answered (dispatch promise).
    ("a product not on the way", OrderHints(text="大衣到哪了", product_code="0201"), CHOSEN, "5021873340002"),
    ("another buyer's order id", OrderHints(order_id="5021873349001"), NOT_FOUND, None),
]


@pytest.mark.parametrize(
    ("name", "hints", "kind", "expected"), PARCEL_CASES, ids=[c[0] for c in PARCEL_CASES]
)
def test_choose_parcel(linlin, name, hints, kind, expected):
    choice = choose_parcel(linlin, hints)
    assert choice.kind == kind
    if kind == CHOSEN:
        assert choice.order.order_id == expected
    elif kind == SEVERAL:
        assert tuple(o.order_id for o in choice.candidates) == expected


def test_one_parcel_on_the_way_is_the_answer(views):
    orders = [views[i] for i in ("5021873340002", "5021873340003", "5021873340004")]
    choice = choose_parcel(orders, OrderHints(text="我的包裹呢"))
    assert (choice.kind, choice.order.order_id) == (CHOSEN, "5021873340003")


def test_no_parcel_on_the_way_falls_back_to_the_open_orders(views):
    orders = [views[i] for i in ("5021873340002", "5021873340004", "5021873340005")]
    choice = choose_parcel(orders, OrderHints(text="我的快递到哪了"))
    assert (choice.kind, choice.order.order_id, choice.how) == (
        CHOSEN,
        "5021873340002",
        "only_matching_status",
    )


def test_no_more_than_three_parcels(views):
    from dataclasses import replace

    shipped = views["5021873340003"]
    orders = [
        replace(shipped, order_id=f"50218733400{n}", tracking_no=f"753000000000{n}") for n in range(10, 15)
    ]
    choice = choose_parcel(orders, OrderHints())
    assert choice.kind == SEVERAL and len(choice.candidates) == 3


def test_orders_sent_in_one_parcel_are_that_one_parcel(views):
    # 合并发货: two orders, one waybill; "where is my parcel" is about that parcel and all in it.
    from dataclasses import replace

    shipped = views["5021873340003"]
    other = replace(shipped, order_id="5021873340099", items=shipped.items[:1])
    choice = choose_parcel([shipped, other], OrderHints())
    assert (choice.kind, choice.order.order_id, choice.order.tracking_no) == (
        CHOSEN,
        "5021873340003",
        "75300000000031",
    )
    assert len(choice.order.items) == len(shipped.items) + 1


# A digit run may be an order id or a courier's digit-only waybill (lengths overlap: 申通 and
# 韵达 have 13-15 digits, the demo's orders 13, some shops' 15): the buyer's own orders decide.
def test_a_number_read_as_an_order_id_that_is_her_waybill_names_her_parcel(linlin):
    choice = choose_order(linlin, OrderHints(order_id="75300000000031"))
    assert (choice.kind, choice.order.order_id, choice.how) == (CHOSEN, "5021873340003", "tracking_number")


def test_a_number_read_as_a_waybill_that_is_her_order_id_names_her_order(linlin):
    choice = choose_parcel(linlin, OrderHints(tracking_number="5021873340006"))
    assert (choice.kind, choice.order.order_id, choice.how) == (CHOSEN, "5021873340006", "order_id")


def test_another_buyers_number_is_not_found_either_way(linlin):
    # tb_ahua's order and her SF parcel: not tb_linlin's, whichever way the number was read.
    for hints in (
        OrderHints(order_id="5021873349001"),
        OrderHints(tracking_number="5021873349001"),
        OrderHints(order_id="1000000009001"),
    ):
        assert choose_order(linlin, hints) == OrderChoice(NOT_FOUND)
