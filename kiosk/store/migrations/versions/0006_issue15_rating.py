"""好差评: the resident's rating of a finished transaction, stored with each case

Revision ID: 0006_i15
Revises: 0005_i11
Create Date: 2026-11-30 07:25:00

Five levels (GB/T 39734-2020 一次一评), an optional reason code for the lower two (a code
from a fixed list: never free text, so no personal data), and when it was given.
"""

import sqlalchemy as sa
from alembic import op

revision = "0006_i15"
down_revision = "0005_i11"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.add_column(sa.Column("rating", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("rating_reason", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("rated_at", sa.DateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_column("rated_at")
        batch_op.drop_column("rating_reason")
        batch_op.drop_column("rating")
