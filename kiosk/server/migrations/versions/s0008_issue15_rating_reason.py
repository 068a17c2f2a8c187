"""desk_ratings: the reason code of a low 好差评, and an index for counts by day

Revision ID: s0008_i15
Revises: s0007_i16
Create Date: 2026-11-30 10:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "s0008_i15"
down_revision = "s0007_i16"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("desk_ratings", schema=None) as batch_op:
        batch_op.add_column(sa.Column("reason", sa.String(length=20), nullable=True))
        batch_op.create_index(batch_op.f("ix_desk_ratings_rated_at"), ["rated_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("desk_ratings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_desk_ratings_rated_at"))
        batch_op.drop_column("reason")
