"""cases: the packet's signed ``extra`` (the release and policy version it was made under)

Revision ID: s0007_i16
Revises: s0006_i18
Create Date: 2026-11-30 10:05:00
"""

import sqlalchemy as sa
from alembic import op

revision = "s0007_i16"
down_revision = "s0006_i18"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.add_column(sa.Column("extra", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_column("extra")
