"""enrollment proof (nonces), token expiry, revocation, halls, server epoch

Revision ID: s0004_i11
Revises: s0003_i12
Create Date: 2026-11-30 03:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = "s0004_i11"
down_revision = "s0003_i12"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "auth_nonces",
        sa.Column("nonce_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("used_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("nonce_hash", name=op.f("pk_auth_nonces")),
    )
    op.create_table(
        "server_meta",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("value", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_server_meta")),
    )
    with op.batch_alter_table("devices", schema=None) as batch_op:
        batch_op.add_column(sa.Column("token_expires_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("revoked_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("hall", sa.String(length=64), nullable=True))
    with op.batch_alter_table("enrollment_codes", schema=None) as batch_op:
        batch_op.add_column(sa.Column("hall", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("enrollment_codes", schema=None) as batch_op:
        batch_op.drop_column("hall")
    with op.batch_alter_table("devices", schema=None) as batch_op:
        batch_op.drop_column("hall")
        batch_op.drop_column("revoked_at")
        batch_op.drop_column("token_expires_at")
    op.drop_table("server_meta")
    op.drop_table("auth_nonces")
