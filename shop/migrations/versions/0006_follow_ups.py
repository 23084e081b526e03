"""Follow-up tasks are claimed and closed with a note; proactive messages are recorded once.

Issue 19 item 6: agents see the tasks (claim, close with a note, one open task
per order and reason), and the gateway's reminders are recorded before sending.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OPEN_ONLY = sa.text("done_at IS NULL")


def upgrade() -> None:
    with op.batch_alter_table("follow_up_tasks") as batch:
        batch.add_column(sa.Column("claimed_by", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("note", sa.Text(), nullable=True))
    op.create_index(
        "uq_follow_up_tasks_open",
        "follow_up_tasks",
        ["order_id", "reason"],
        unique=True,
        sqlite_where=OPEN_ONLY,
        postgresql_where=OPEN_ONLY,
    )
    op.create_table(
        "proactive_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.String(length=13), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("channel", sa.String(length=32), nullable=False),
        sa.Column("chat_id", sa.String(length=64), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("skip_reason", sa.String(length=64), nullable=True),
        sa.CheckConstraint(
            "status IN ('queued', 'sent', 'skipped')", name=op.f("ck_proactive_messages_status")
        ),
        sa.ForeignKeyConstraint(
            ["order_id"],
            ["orders.id"],
            name=op.f("fk_proactive_messages_order_id_orders"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_proactive_messages")),
        sa.UniqueConstraint("order_id", "kind", name=op.f("uq_proactive_messages_order_id_kind")),
    )


def downgrade() -> None:
    op.drop_table("proactive_messages")
    op.drop_index("uq_follow_up_tasks_open", table_name="follow_up_tasks")
    with op.batch_alter_table("follow_up_tasks") as batch:
        batch.drop_column("note")
        batch.drop_column("claimed_at")
        batch.drop_column("claimed_by")
