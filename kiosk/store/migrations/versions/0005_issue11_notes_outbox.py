"""encrypted server notes; outbox suspicion and quarantine times

Revision ID: 0005_i11
Revises: 0004_i14
Create Date: 2026-11-30 03:40:00

Server notes were stored in clear. The migration cannot encrypt them (it has no device
key), so it drops them and rewinds the changes cursor: the next sync pulls every status
change again and stores the notes encrypted (applying a status twice is harmless).
"""

import sqlalchemy as sa
from alembic import op

revision = "0005_i11"
down_revision = "0004_i14"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_column("server_note")
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.add_column(sa.Column("server_note", sa.LargeBinary(), nullable=True))
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("suspected_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("quarantined_at", sa.DateTime(), nullable=True))
    op.execute("UPDATE meta SET value = '0' WHERE key = 'sync.changes_cursor'")


def downgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_column("quarantined_at")
        batch_op.drop_column("suspected_at")
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_column("server_note")
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.add_column(sa.Column("server_note", sa.String(length=200), nullable=True))
