"""cases keep their signed identity code and the last print problem

Revision ID: 0003_i12
Revises: 0002
Create Date: 2026-11-30 03:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0003_i12"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.add_column(sa.Column("identity_code", sa.String(length=400), nullable=True))
        batch_op.add_column(sa.Column("print_problem", sa.String(length=200), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_column("print_problem")
        batch_op.drop_column("identity_code")
