"""Threshold changes: who applied which auto-send threshold, when, on what evidence.

Issue 20 (owner): thresholds proposed from agents' decisions are applied by the
owner and recorded (desk/analytics/apply.py).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "threshold_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("intent", sa.String(length=64), nullable=False),
        sa.Column("old_auto_send", sa.Boolean(), nullable=False),
        sa.Column("old_threshold", sa.Float(), nullable=False),
        sa.Column("new_auto_send", sa.Boolean(), nullable=False),
        sa.Column("new_threshold", sa.Float(), nullable=False),
        sa.Column("precision", sa.Float(), nullable=True),
        sa.Column("coverage", sa.Float(), nullable=True),
        sa.Column("decisions", sa.Integer(), nullable=False),
        sa.Column("period_start", sa.DateTime(timezone=True), nullable=True),
        sa.Column("period_end", sa.DateTime(timezone=True), nullable=True),
        sa.Column("applied_by", sa.String(length=64), nullable=False),
        sa.Column("applied_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_threshold_changes")),
    )
    op.create_index(
        "ix_threshold_changes_intent", "threshold_changes", ["intent", "applied_at"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_threshold_changes_intent", table_name="threshold_changes")
    op.drop_table("threshold_changes")
