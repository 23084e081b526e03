"""Conversations remember since when they are in their mode (human mode's quiet time).

Issue 19 item 5: a chat put in human mode (the buyer asked for a person, or an
agent took over) goes back to the bot once no agent acted for a quiet time,
counted from this moment or the agents' last action in the chat.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("conversations") as batch:
        batch.add_column(sa.Column("mode_since", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("conversations") as batch:
        batch.drop_column("mode_since")
