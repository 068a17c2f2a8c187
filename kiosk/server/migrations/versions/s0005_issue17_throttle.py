"""desk console: lockout state of login names that have no account

Revision ID: s0005_i17
Revises: s0004_i11
Create Date: 2026-11-30 06:00:00

Failed logins under unknown names are counted and locked like an account's, so the
login page does not tell which names exist (docs/desk.md "Security").
"""

import sqlalchemy as sa
from alembic import op

revision = "s0005_i17"
down_revision = "s0004_i11"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "desk_login_throttle",
        sa.Column("name_digest", sa.String(length=64), nullable=False),
        sa.Column("failed_logins", sa.Integer(), nullable=False),
        sa.Column("locked_until", sa.DateTime(), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("name_digest", name=op.f("pk_desk_login_throttle")),
    )
    with op.batch_alter_table("desk_login_throttle", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_desk_login_throttle_updated_at"), ["updated_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("desk_login_throttle", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_desk_login_throttle_updated_at"))
    op.drop_table("desk_login_throttle")
