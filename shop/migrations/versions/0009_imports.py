"""Imports from a shop's exports (issue 21): restock dates, the folder watcher's memory.

``stock_levels.restock_on``: a stock export gives the restock as a date, which
stays true on the following days (``restock_days`` stays for fixed day counts).
``imported_files``: export files the folder watcher imported, by content hash.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("stock_levels") as batch:
        batch.add_column(sa.Column("restock_on", sa.Date(), nullable=True))
    op.create_table(
        "imported_files",
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("problems", sa.Integer(), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("sha256", name=op.f("pk_imported_files")),
    )


def downgrade() -> None:
    op.drop_table("imported_files")
    with op.batch_alter_table("stock_levels") as batch:
        batch.drop_column("restock_on")
