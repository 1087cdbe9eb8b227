"""conversation events for deflection insights

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "conversation_events",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("conversation", sa.String(length=32), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("lang", sa.String(length=5), nullable=False),
        sa.Column("product", sa.String(length=80), nullable=True),
        sa.Column("question", sa.Text(), nullable=True),
        sa.Column("articles", sa.JSON(), nullable=False),
        sa.Column("confident", sa.Boolean(), nullable=True),
        sa.Column("article_id", sa.String(length=200), nullable=True),
        sa.Column("solved", sa.Boolean(), nullable=True),
        sa.Column("ticket_number", sa.Integer(), nullable=True),
        sa.Column("ticket_completeness", sa.Float(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_conversation_events_at", "conversation_events", ["at"])
    op.create_index("ix_conversation_events_kind", "conversation_events", ["kind"])
    op.create_index("ix_conversation_events_conversation", "conversation_events", ["conversation"])


def downgrade() -> None:
    op.drop_table("conversation_events")
