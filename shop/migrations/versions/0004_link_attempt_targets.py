"""Link attempts remember their target (order digest, buyer) for per-target lock-outs.

Issue 16 item 4: the linking lock counts per order and per buyer too.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # batch mode: SQLite cannot add a foreign key to an existing table in place.
    with op.batch_alter_table("link_attempts") as batch:
        batch.add_column(sa.Column("order_key", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("buyer_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            op.f("fk_link_attempts_buyer_id_buyers"), "buyers", ["buyer_id"], ["id"], ondelete="CASCADE"
        )
        batch.create_index(op.f("ix_link_attempts_buyer"), ["buyer_id", "attempted_at"], unique=False)
        batch.create_index(op.f("ix_link_attempts_order"), ["order_key", "attempted_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("link_attempts") as batch:
        batch.drop_index(op.f("ix_link_attempts_order"))
        batch.drop_index(op.f("ix_link_attempts_buyer"))
        batch.drop_constraint(op.f("fk_link_attempts_buyer_id_buyers"), type_="foreignkey")
        batch.drop_column("buyer_id")
        batch.drop_column("order_key")
