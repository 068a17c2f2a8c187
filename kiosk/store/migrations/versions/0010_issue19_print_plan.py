"""cases: the print plan, the paper as plain data, encrypted (issue 19)

Revision ID: 0010_i19
Revises: 0009_i15b
Create Date: 2026-11-30 14:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0010_i19"
down_revision = "0009_i15b"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.add_column(sa.Column("print_plan", sa.LargeBinary(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_column("print_plan")
