"""outbox: the 好差评 of a sent case, acknowledged or refused by the town server

Revision ID: 0009_i15b
Revises: 0008_i16
Create Date: 2026-11-30 10:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0009_i15b"
down_revision = "0008_i16"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("rating_sent_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("rating_refused", sa.String(length=200), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_column("rating_refused")
        batch_op.drop_column("rating_sent_at")
