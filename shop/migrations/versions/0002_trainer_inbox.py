"""Trainer inbox and agent duty: the gateway's desk records.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "trainer_inbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("model_intent", sa.String(length=64), nullable=True),
        sa.Column("confidence", sa.Float(), nullable=True),
        sa.Column("runner_up_intent", sa.String(length=64), nullable=True),
        sa.Column("runner_up_confidence", sa.Float(), nullable=True),
        sa.Column("reason", sa.String(length=16), nullable=False),
        sa.Column("agent_intent", sa.String(length=64), nullable=True),
        sa.Column("draft_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.CheckConstraint(
            "reason IN ('rejected', 'edited', 'low_confidence', 'unhandled')",
            name=op.f("ck_trainer_inbox_reason"),
        ),
        sa.CheckConstraint(
            "status IN ('new', 'labelled', 'dismissed')", name=op.f("ck_trainer_inbox_status")
        ),
        sa.ForeignKeyConstraint(
            ["draft_id"], ["drafts.id"], name=op.f("fk_trainer_inbox_draft_id_drafts"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_trainer_inbox")),
    )
    op.create_index(op.f("ix_trainer_inbox_draft_id"), "trainer_inbox", ["draft_id"], unique=False)
    op.create_index("ix_trainer_inbox_status", "trainer_inbox", ["status", "created_at"], unique=False)
    op.create_table(
        "agent_duty",
        sa.Column("agent_user_id", sa.String(length=64), nullable=False),
        sa.Column("on_duty", sa.Boolean(), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("agent_user_id", name=op.f("pk_agent_duty")),
    )


def downgrade() -> None:
    op.drop_table("agent_duty")
    op.drop_index("ix_trainer_inbox_status", table_name="trainer_inbox")
    op.drop_index(op.f("ix_trainer_inbox_draft_id"), table_name="trainer_inbox")
    op.drop_table("trainer_inbox")
