"""The export kinds we import and the columns we read of each (docs/imports.md documents them).

Headers are matched exactly after trimming; the first header of a column is the
one seller tools write and our documentation and samples use, the others are
spellings other tools (or older exports) use. A kind is recognised by its
required headers.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

from shop.imports import cells


@dataclass(frozen=True)
class Column:
    key: str
    headers: tuple[str, ...]
    parse: Callable[[Any], Any]
    required: bool = False
    timed: bool = False  # parse(value, zone): a local time of the shop

    @property
    def header(self) -> str:
        return self.headers[0]


@dataclass(frozen=True)
class Kind:
    name: str
    title: str  # Chinese name, for reports
    columns: tuple[Column, ...]

    def required(self) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if c.required)


def _text(limit: int) -> Callable[[Any], str]:
    return partial(cells.limited, limit=limit)


def _code(value: Any) -> str:
    return cells.limited(value, 16)


PRODUCTS = Kind(
    "products",
    "商品",
    (
        Column("code", ("商家编码", "商品编码", "货号"), _code, required=True),
        Column("name", ("宝贝标题", "商品标题", "商品名称"), _text(100), required=True),
        Column("price", ("价格", "一口价", "售价"), cells.money, required=True),
        Column("item_ids", ("宝贝ID", "商品ID", "宝贝id"), cells.listing),
        Column("category", ("类目", "宝贝类目", "分类"), _text(32)),
        Column("colors", ("颜色", "颜色分类"), cells.listing),
        Column("sizes", ("尺码",), cells.listing),
        Column("materials", ("材质", "面料成分", "成分含量"), cells.materials),
        Column("care", ("洗涤说明", "洗涤方式"), cells.text),
        Column("free_shipping", ("包邮",), cells.flag),
        Column("no_reason_return", ("七天无理由", "7天无理由退货"), cells.flag),
        Column("pairs_with", ("搭配", "搭配商品"), cells.listing),
    ),
)

SIZE_CHARTS = Kind(
    "size_charts",
    "尺码表",
    (
        Column("code", ("商家编码", "商品编码", "货号"), _code, required=True),
        Column("size", ("尺码",), _text(16), required=True),
        Column("label", ("号型",), _text(32)),
        Column("height", ("身高(cm)", "身高"), cells.span),
        Column("weight", ("体重(kg)", "体重"), cells.span),
        Column("weight_jin", ("体重(斤)",), cells.span),
        Column("bust", ("胸围(cm)", "胸围"), cells.span),
        Column("waist", ("腰围(cm)", "腰围"), cells.span),
        Column("hip", ("臀围(cm)", "臀围"), cells.span),
        Column("shoulder", ("肩宽(cm)", "肩宽"), cells.span),
    ),
)

STOCK = Kind(
    "stock",
    "库存",
    (
        Column("code", ("商家编码", "商品编码", "货号"), _code, required=True),
        Column("color", ("颜色", "颜色分类"), _text(32), required=True),
        Column("size", ("尺码",), _text(16), required=True),
        Column("quantity", ("库存", "可售库存", "数量"), cells.integer, required=True),
        Column("restock_on", ("预计到货日期", "到货日期"), cells.day),
        Column("restock_days", ("到货天数", "预计到货天数"), cells.integer),
    ),
)

BUYERS = Kind(
    "buyers",
    "买家",
    (
        Column("account", ("买家会员名", "会员名", "买家昵称"), _text(64), required=True),
        Column("name", ("称呼", "买家姓名"), _text(100)),
        Column("phone_tail", ("手机", "手机号", "收货人手机"), cells.phone_tail),
        Column("first_order_at", ("首次购买时间",), cells.moment, timed=True),
    ),
)

ORDERS = Kind(
    "orders",
    "订单",
    (
        Column("order_id", ("订单编号", "订单号"), cells.order_number, required=True),
        Column("account", ("买家会员名", "会员名", "买家昵称"), _text(64), required=True),
        Column("status", ("订单状态",), cells.text, required=True),
        Column("code", ("商家编码", "商品编码", "货号"), _code, required=True),
        Column("sku", ("颜色分类/尺码", "销售属性", "商品属性", "宝贝属性"), cells.sku, required=True),
        Column("qty", ("购买数量", "宝贝数量", "数量"), cells.integer),
        Column("price", ("价格", "宝贝单价", "商品单价"), cells.money),
        Column("title", ("宝贝标题", "商品标题"), cells.text),
        Column("created_at", ("订单创建时间", "创建时间", "下单时间"), cells.moment, timed=True),
        Column("paid_at", ("付款时间", "订单付款时间"), cells.moment, timed=True),
        Column("shipped_at", ("发货时间",), cells.moment, timed=True),
        Column("signed_at", ("签收时间", "确认收货时间"), cells.moment, timed=True),
        Column("courier", ("物流公司", "快递公司"), _text(32)),
        Column("tracking_nos", ("运单号", "物流单号", "快递单号"), cells.waybills),
        Column("shipping_fee", ("邮费", "运费", "买家应付邮费"), cells.money),
        Column("insurance", ("运费险",), cells.flag),
        Column("phone_tail", ("收货人手机", "联系手机", "收货人手机号"), cells.phone_tail),
    ),
)

TRACKING = Kind(
    "tracking",
    "物流轨迹",
    (
        Column("tracking_no", ("运单号", "物流单号", "快递单号"), _text(40), required=True),
        Column("occurred_at", ("时间", "物流时间", "扫描时间"), cells.moment, required=True, timed=True),
        Column("text", ("物流信息", "轨迹", "物流详情"), cells.text, required=True),
        Column("courier", ("物流公司", "快递公司"), _text(32)),
    ),
)

KINDS = {kind.name: kind for kind in (PRODUCTS, SIZE_CHARTS, STOCK, BUYERS, ORDERS, TRACKING)}
# Detection tries the kinds with the most required columns first (an order
# export also has the product code a stock export requires).
_DETECTION_ORDER = sorted(KINDS.values(), key=lambda k: -len(k.required()))


def header_of(kind: Kind, headers: tuple[str, ...]) -> dict[str, str]:
    """{column key: the header the file uses for it} for the columns present."""
    present = set(headers)
    out = {}
    for column in kind.columns:
        found = next((h for h in column.headers if h in present), None)
        if found is not None:
            out[column.key] = found
    return out


def detect_kind(headers: tuple[str, ...]) -> Kind | None:
    """The kind whose required columns the headers all have (the most specific one)."""
    for kind in _DETECTION_ORDER:
        found = header_of(kind, headers)
        if all(c.key in found for c in kind.required()):
            return kind
    return None
