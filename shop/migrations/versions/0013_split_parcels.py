"""Several parcels per order (拆单/分批发货, issue 21): ``shipments.order_id`` is no longer unique.

The unique constraint goes, a plain index on ``order_id`` stays (an order's
parcels are loaded by it). On SQLite dropping a constraint rebuilds the table
(batch mode, foreign keys off: ``shop/db/migrate.py``); ``tracking_events``
keep referring to the same shipment ids.

Downgrade puts the constraint back; it fails (and changes nothing) while an
order has two parcels: deleting one of them would lose its scans.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UNIQUE = "uq_shipments_order_id"
INDEX = "ix_shipments_order_id"


def upgrade() -> None:
    with op.batch_alter_table("shipments") as batch:
        batch.drop_constraint(UNIQUE, type_="unique")
        batch.create_index(INDEX, ["order_id"])


def downgrade() -> None:
    # Checked before any change: SQLite would not roll the table copy back.
    split = op.get_bind().execute(
        sa.text("SELECT order_id FROM shipments GROUP BY order_id HAVING COUNT(*) > 1 LIMIT 5")
    )
    orders = [row[0] for row in split]
    if orders:
        raise RuntimeError(f"cannot downgrade: orders shipped in several parcels: {orders}")
    with op.batch_alter_table("shipments") as batch:
        batch.drop_index(INDEX)
        batch.create_unique_constraint(UNIQUE, ["order_id"])
