"""cases: the published release and the policy version a case was made under (issue 16)

Revision ID: 0008_i16
Revises: 0007_i18
Create Date: 2026-11-30 10:05:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0008_i16"
down_revision = "0007_i18"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.add_column(sa.Column("release", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("policy_version", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_column("policy_version")
        batch_op.drop_column("release")
