"""Platform item ids: a pasted Taobao/Tmall link (``id=``) names a catalogue product.

Issue 19 item 4; imports (issue 21) fill it from a shop's product export.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "platform_items",
        sa.Column("item_id", sa.String(length=32), nullable=False),
        sa.Column("product_code", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(
            ["product_code"],
            ["products.code"],
            name=op.f("fk_platform_items_product_code_products"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("item_id", name=op.f("pk_platform_items")),
    )
    op.create_index(op.f("ix_platform_items_product_code"), "platform_items", ["product_code"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_platform_items_product_code"), table_name="platform_items")
    op.drop_table("platform_items")
