"""files sent in chats, linked to their conversation and ticket

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "chat_files",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("conversation", sa.String(length=200), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("mime_type", sa.String(length=100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("uploaded_by_key", sa.Integer(), nullable=False),
        sa.Column("ticket_number", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["ticket_number"], ["tickets.number"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_chat_files_conversation", "chat_files", ["conversation"])
    op.create_index("ix_chat_files_ticket_number", "chat_files", ["ticket_number"])


def downgrade() -> None:
    op.drop_index("ix_chat_files_ticket_number", table_name="chat_files")
    op.drop_index("ix_chat_files_conversation", table_name="chat_files")
    op.drop_table("chat_files")
