"""The web console's accounts (roles, argon2 hashes), its audit trail, and the indexes its pages read by.

Issue 20: agents, supervisors, trainers and the owner sign in to the console;
every action there is recorded with who and when. (Follow-up claims and notes
came with 0006.)

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "console_accounts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("display_name", sa.String(length=64), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=True),
        sa.CheckConstraint(
            "role IN ('agent', 'supervisor', 'trainer', 'owner')", name=op.f("ck_console_accounts_role")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_console_accounts")),
        sa.UniqueConstraint("username", name=op.f("uq_console_accounts_username")),
    )
    op.create_table(
        "console_audit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("who", sa.String(length=64), nullable=False),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("target", sa.String(length=128), nullable=True),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_console_audit")),
    )
    op.create_index("ix_console_audit_at", "console_audit", ["at"], unique=False)
    op.create_index(
        "ix_console_audit_action_target", "console_audit", ["action", "target", "at"], unique=False
    )
    # The gateway's outbox polls queued rows twice a second; the conversation page reads one chat.
    op.create_index(
        "ix_outbound_messages_status", "outbound_messages", ["status", "channel", "id"], unique=False
    )
    op.create_index(
        "ix_outbound_messages_chat", "outbound_messages", ["channel", "chat_id", "id"], unique=False
    )
    op.create_index(
        "ix_inbound_messages_chat", "inbound_messages", ["channel", "chat_id", "id"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_inbound_messages_chat", table_name="inbound_messages")
    op.drop_index("ix_outbound_messages_chat", table_name="outbound_messages")
    op.drop_index("ix_outbound_messages_status", table_name="outbound_messages")
    op.drop_index("ix_console_audit_action_target", table_name="console_audit")
    op.drop_index("ix_console_audit_at", table_name="console_audit")
    op.drop_table("console_audit")
    op.drop_table("console_accounts")
