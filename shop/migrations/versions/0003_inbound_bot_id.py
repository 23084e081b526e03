"""Inbound de-duplication per bot: a reused Telegram update id is not a redelivery.

Adds ``inbound_messages.bot_id`` (the receiving bot; '' for channels without
one) and makes the update key unique per (channel, bot_id, update_key). Rows
stored before keep bot_id ''.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("inbound_messages") as batch:
        batch.add_column(sa.Column("bot_id", sa.String(length=32), server_default="", nullable=False))
        batch.drop_constraint("uq_inbound_messages_channel_update_key", type_="unique")
        batch.create_unique_constraint(
            "uq_inbound_messages_channel_bot_id_update_key", ["channel", "bot_id", "update_key"]
        )


def downgrade() -> None:
    with op.batch_alter_table("inbound_messages") as batch:
        batch.drop_constraint("uq_inbound_messages_channel_bot_id_update_key", type_="unique")
        batch.create_unique_constraint("uq_inbound_messages_channel_update_key", ["channel", "update_key"])
        batch.drop_column("bot_id")
