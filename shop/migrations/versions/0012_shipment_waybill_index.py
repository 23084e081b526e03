"""An index on ``shipments.tracking_no``: shipments are looked up by waybill (issue 21).

A tracking export is matched to its parcels by 运单号, and a merged parcel
(合并发货: one waybill on several orders) is found by it on every order import.
Without the index each lookup of a chunk of waybills reads the whole table.
A plain CREATE INDEX: no table is rebuilt, on SQLite either.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEX = "ix_shipments_tracking_no"


def upgrade() -> None:
    op.create_index(INDEX, "shipments", ["tracking_no"])


def downgrade() -> None:
    op.drop_index(INDEX, table_name="shipments")
