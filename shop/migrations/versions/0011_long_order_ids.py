"""Order ids up to 24 digits: a Taobao/Tmall 订单编号 has 18-19 (issue 21), the demo shop's 13.

Widens ``orders.id`` and every column that refers to an order. On SQLite this is
batch mode (each table copied, dropped and renamed): ``shop/migrations/env.py``
runs migrations with foreign keys off there, or dropping the old ``orders`` would
cascade-delete every order's items and parcels.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OLD, NEW = 13, 24
# (table, column, nullable): the order id and the columns referring to it.
ORDER_ID_COLUMNS = (
    ("orders", "id", False),
    ("order_items", "order_id", False),
    ("shipments", "order_id", False),
    ("follow_up_tasks", "order_id", True),
    ("proactive_messages", "order_id", False),
)


def _widen(old: int, new: int) -> None:
    for table, column, nullable in ORDER_ID_COLUMNS:
        with op.batch_alter_table(table) as batch:
            batch.alter_column(
                column,
                existing_type=sa.String(length=old),
                type_=sa.String(length=new),
                existing_nullable=nullable,
            )


def upgrade() -> None:
    _widen(OLD, NEW)


def downgrade() -> None:
    # Fails on PostgreSQL while an order id longer than 13 digits is stored (nothing is cut).
    _widen(NEW, OLD)
