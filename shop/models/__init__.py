"""SQLAlchemy models of the shop database (see ``shop.models.base`` for conventions).

Every module of this package is imported here, so ``Base.metadata`` always
holds every table: Alembic autogenerate and the models-vs-migrations test
then cannot miss a model module that nobody happened to import.
"""

import importlib
import pkgutil

from shop.models.base import Base, Money, UTCDateTime, utcnow
from shop.models.catalogue import PlatformItem, Product, Promotion, ShopInfo, SizeChartRow, StockLevel
from shop.models.channel import (
    CONVERSATION_MODES,
    DECISION_ACTIONS,
    SENDING_ACTIONS,
    DRAFT_STATES,
    INBOUND_KINDS,
    INBOUND_STATUSES,
    OUTBOUND_STATUSES,
    PROACTIVE_STATUSES,
    AgentDecision,
    Conversation,
    Draft,
    FollowUpTask,
    InboundMessage,
    OutboundMessage,
    ProactiveMessage,
)
from shop.models.orders import (
    ORDER_STATUSES,
    RETURN_KINDS,
    RETURN_STATUSES,
    Order,
    OrderItem,
    ReturnRequest,
    Shipment,
    TrackingEvent,
)
from shop.models.people import Buyer, ChannelLink, LinkAttempt

__all__ = [
    "CONVERSATION_MODES",
    "DECISION_ACTIONS",
    "SENDING_ACTIONS",
    "DRAFT_STATES",
    "INBOUND_KINDS",
    "INBOUND_STATUSES",
    "ORDER_STATUSES",
    "OUTBOUND_STATUSES",
    "PROACTIVE_STATUSES",
    "RETURN_KINDS",
    "RETURN_STATUSES",
    "AgentDecision",
    "Base",
    "Buyer",
    "ChannelLink",
    "Conversation",
    "Draft",
    "FollowUpTask",
    "InboundMessage",
    "LinkAttempt",
    "Money",
    "Order",
    "OrderItem",
    "OutboundMessage",
    "PlatformItem",
    "ProactiveMessage",
    "Product",
    "Promotion",
    "ReturnRequest",
    "Shipment",
    "ShopInfo",
    "SizeChartRow",
    "StockLevel",
    "TrackingEvent",
    "UTCDateTime",
    "utcnow",
]

for _module in pkgutil.iter_modules(__path__):
    importlib.import_module(f"{__name__}.{_module.name}")
