"""cases.pages_announced: photographed pages a QR-imported case's paper said were still
to come (shown as expected until the kiosk's manifest arrives)

Revision ID: s0009_i18c
Revises: s0008_i15
Create Date: 2026-11-30 11:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = "s0009_i18c"
down_revision = "s0008_i15"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.add_column(sa.Column("pages_announced", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_column("pages_announced")
