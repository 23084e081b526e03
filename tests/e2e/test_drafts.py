"""The drafts end to end, against the demo shop's facts (data/demo_shop/shop.yaml).

Each test is one simulator run (several conversations are separated by an
empty line, which produces no record). The assertions check facts — sizes,
size labels, couriers, tracking numbers, hours, days, what was stored — not
the wording of any one template variant.
"""

from __future__ import annotations

import re

import pytest
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from shop.models import FollowUpTask, OrderItem, ReturnRequest
from tests.render import render

pytestmark = pytest.mark.e2e

# tb_ahua's order: nothing of it may reach tb_linlin.
AHUA = ("5021873349001", "顺丰", "SF1000000009001", "真丝", "阿华", "酒红色真丝衬衫")
SIZE_TOKEN = re.compile(r"(?<![A-Za-z])(XXL|XL|S|M|L)(?![A-Za-z])")
OFF_PLATFORM = ("微信", "支付宝转账", "银行卡", "转账", "加我")
MEASUREMENTS = "身高162 体重115斤 三围92 79 96 肩宽39"


def reply_of(record: dict) -> str:
    return "".join(record["replies"])


def sizes_named(text: str) -> set[str]:
    return set(SIZE_TOKEN.findall(text))


def assert_none_of_ahua(text: str) -> None:
    leaked = [word for word in AHUA if word in text]
    assert not leaked, f"another buyer's order leaked: {leaked} in {text}"


@pytest.fixture
def shop_db(demo_env):
    """The session's demo database, to check what the actions stored."""
    engine = create_engine(demo_env["DATABASE_URL"])
    with Session(engine) as session:
        yield session
    engine.dispose()


def test_seed_size_case_in_one_conversation(simulate):
    records = simulate(
        [MEASUREMENTS, "0201穿什么码", "108穿什么码", "0164穿什么码", "0254穿什么码"],
        buyer="tb_newbie",
    )
    assert len(records) == 5
    # Measurements alone: the product is asked for, nothing is advised yet.
    assert sizes_named(reply_of(records[0])) == set()
    expected = [
        ("红色羊毛大衣", "M", "160/84A"),
        ("收腰棉质衬衫连衣裙", "L", "165/88A"),
        ("高腰直筒西装裤", "L", "165/74A"),
        ("宽松圆领羊毛针织衫", "M", "160/84A"),
    ]
    for record, (product, size, label) in zip(records[1:], expected, strict=True):
        reply = reply_of(record)
        assert record["intent"] == "ask_size", record
        assert product in reply and label in reply, reply
        assert sizes_named(reply) == {size}, reply
        assert not record["handoff"] and record["policy_violations"] == []
    # The measurements were given once and remembered (weight shown in 斤 as given).
    assert "115斤" in reply_of(records[1]) and "162" in reply_of(records[1])


def test_elliptical_follow_ups_continue_the_question(simulate):
    records = simulate(
        [f"0201 {MEASUREMENTS} 穿什么码", "那108呢", "", "0164黑色有货吗", "米白呢"],
        buyer="tb_newbie",
    )
    size_first, size_follow, stock_first, stock_follow = records
    assert sizes_named(reply_of(size_first)) == {"M"}
    # "那108呢" after a size question is the size question for the dress.
    follow = reply_of(size_follow)
    assert "收腰棉质衬衫连衣裙" in follow and "165/88A" in follow and sizes_named(follow) == {"L"}
    # "米白呢" after a stock question: the off-white trousers, L sold out there.
    assert "黑色" in reply_of(stock_first)
    stock = reply_of(stock_follow)
    assert "米白" in stock and "高腰直筒西装裤" in stock
    assert sizes_named(stock) == {"S", "M", "XL"}, stock


def test_trousers_are_advised_from_the_waist(simulate):
    jeans, trousers = simulate(["0255牛仔裤27寸腰穿什么码", "", "0164腰围79穿什么码"], buyer="tb_newbie")
    reply = reply_of(jeans)
    # 27 inches ≈ 69 cm: jeans size 27 (160/68A), no question about the hip.
    assert "27" in reply and "160/68A" in reply and "臀围" not in reply, reply
    reply = reply_of(trousers)
    assert "165/74A" in reply and sizes_named(reply) == {"L"} and "臀围" not in reply, reply


def test_each_order_status(simulate, shop_db):
    records = simulate(
        [
            "5021873340001发货了吗",
            "5021873340002什么时候发货",
            "5021873340003到哪了",
            "5021873340006怎么一直没动静",
            "5021873340004显示签收了但我没收到",
            "5021873340005显示签收了但我没收到",
        ]
    )
    unpaid, paid, shipped, stale, not_got_4, not_got_5 = (reply_of(r) for r in records)
    assert all(r["intent"] == "ask_order_status" for r in records), [r["intent"] for r in records]
    for reply in (unpaid, paid, shipped, stale, not_got_4, not_got_5):
        assert_none_of_ahua(reply)

    # Awaiting payment: a reminder to pay on the order page, never elsewhere.
    assert "针织打底连衣裙" in unpaid and "付款" in unpaid
    assert not [w for w in OFF_PLATFORM if w in unpaid], unpaid
    # Paid 20 hours ago: the 48-hour promise and about 28 hours left.
    assert "48" in paid and "28" in paid and "红色羊毛大衣" in paid
    # Shipped: courier, tracking number, latest scan; the bot may answer alone.
    assert "中通快递" in shipped and "75300000000031" in shipped and "派件中" in shipped
    assert not records[2]["handoff"]
    # No scan for 4 days: an apology, an agent takes over, a task to chase the courier.
    assert "韵达快递" in stale and "43100000000066" in stale and "抱歉" in stale
    assert records[3]["handoff"] and not records[3]["auto_send"]
    tasks = shop_db.scalars(select(FollowUpTask).where(FollowUpTask.order_id == "5021873340006")).all()
    assert [t.reason for t in tasks] == ["tracking_stale"]
    # Signed for but not received: where to look first, and an agent checks with the courier.
    for record, tracking in ((records[4], "75300000000042"), (records[5], "75300000000055")):
        reply = reply_of(record)
        assert all(place in reply for place in ("快递柜", "物业", "家人")), reply
        assert tracking in reply and record["handoff"]
    assert "快递柜" in not_got_5  # 0005 was signed for by a parcel locker


def test_where_is_my_parcel_covers_the_parcels_on_the_way(simulate):
    parcels, dispatch = simulate(["我的快递到哪了", "", "什么时候发货"])
    reply = reply_of(parcels)
    assert parcels["intent"] == "ask_order_status"
    # Both shipped orders, each with courier, tracking number and latest scan.
    for fact in ("中通快递", "75300000000031", "派件中", "韵达快递", "43100000000066", "郑州转运中心"):
        assert fact in reply, fact
    # Not the orders that are not on the way, nothing of tb_ahua's.
    assert "针织打底连衣裙" not in reply and "红色羊毛大衣" not in reply
    assert_none_of_ahua(reply)
    # The T-shirt parcel has gone quiet: the whole draft goes to an agent.
    assert "抱歉" in reply and parcels["handoff"] and not parcels["auto_send"]
    # "When will it ship" is about dispatch: the paid coat is among what is considered.
    assert "红色羊毛大衣" in reply_of(dispatch)


def test_returns(simulate, shop_db):
    records = simulate(
        [
            "5021873340004我想退货",
            "好的",
            "",
            "5021873340005想退货",
            "",
            "5021873340007内衣想退货",
            "好的",
        ]
    )
    insured, confirmed, late, hygiene, hygiene_yes = (reply_of(r) for r in records)
    for reply in (insured, confirmed, late, hygiene, hygiene_yes):
        assert "恕不退换" not in reply
        assert_none_of_ahua(reply)

    # 0004: signed 3 days ago, 运费险: a no-reason return, the insurer pays the postage.
    assert "羊绒混纺高领毛衣" in insured and "7" in insured
    assert "运费险" in insured and "保险" in insured.replace("运费险", "")
    requests = shop_db.scalars(
        select(ReturnRequest).join(OrderItem).where(OrderItem.order_id == "5021873340004")
    ).all()
    assert [(r.kind, r.status) for r in requests] == [("return", "requested")]
    assert "羊绒混纺高领毛衣" in confirmed

    # 0005: signed 10 days ago: no no-reason return, but quality issues within 15 days (photos).
    assert "收腰棉质衬衫连衣裙" in late and "10" in late and "15" in late
    assert any(word in late for word in ("照片", "拍照", "图片")), "photos of the defect are requested"

    # 0007 underwear: no no-reason return; a "yes" afterwards creates nothing.
    assert "塑形无痕内衣套装" in hygiene and "无理由" in hygiene
    assert "15" in hygiene  # quality problems are still covered
    nothing = shop_db.scalars(
        select(ReturnRequest).join(OrderItem).where(OrderItem.order_id == "5021873340007")
    ).all()
    assert nothing == []


def test_another_buyers_order_looks_like_a_missing_one(simulate):
    foreign, missing = simulate(["5021873349001到哪了", "", "5021873340099到哪了"])
    not_found = set(render("utter_order_not_found"))
    for record in (foreign, missing):
        assert_none_of_ahua(reply_of(record))
        assert reply_of(record) in not_found, record
    same = ("intent", "handoff", "auto_send")
    assert [foreign[k] for k in same] == [missing[k] for k in same]


def test_bargain_mentions_the_newcomer_coupon_only_to_a_newcomer(simulate):
    [newbie] = simulate(["能便宜点吗"], buyer="tb_newbie")
    [regular] = simulate(["能便宜点吗"], buyer="tb_linlin")
    assert newbie["intent"] == regular["intent"] == "bargain"
    assert "新客" in reply_of(newbie) and "5元" in reply_of(newbie)
    assert "新客" not in reply_of(regular) and "无门槛" not in reply_of(regular)
    # Both may hear about the shop-wide offer; neither gets an invented discount.
    assert newbie["policy_violations"] == regular["policy_violations"] == []
