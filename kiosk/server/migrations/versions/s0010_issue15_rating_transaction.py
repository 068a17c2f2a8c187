"""desk_ratings: the transaction a rating belongs to (一次一评: a bundle counts once)

A 家人去世 bundle is one transaction of several cases; the kiosk keeps the resident's one
rating on each case, so the server counts distinct ``transaction_id`` (the cases' shared
``bundle_id``, or the case's own id when it stands alone). Existing rows are filled in
from their case.

Revision ID: s0010_i15c
Revises: s0009_i18c
Create Date: 2026-11-30 11:40:00
"""

import sqlalchemy as sa
from alembic import op

revision = "s0010_i15c"
down_revision = "s0009_i18c"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("desk_ratings", schema=None) as batch_op:
        batch_op.add_column(sa.Column("transaction_id", sa.String(length=36), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_desk_ratings_transaction_id"), ["transaction_id"], unique=False
        )
    op.execute(
        "UPDATE desk_ratings SET transaction_id = COALESCE("
        "(SELECT cases.bundle_id FROM cases WHERE cases.id = desk_ratings.case_id), case_id)"
    )


def downgrade() -> None:
    with op.batch_alter_table("desk_ratings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_desk_ratings_transaction_id"))
        batch_op.drop_column("transaction_id")
