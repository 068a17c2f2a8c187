"""device numbers, one case per number, identity codes kept with cases

Revision ID: s0003_i12
Revises: s0002_i17
Create Date: 2026-11-30 03:40:00

Devices enrolled before this revision get numbers in enrollment order. A database
that already holds two cases with one number (kiosks that all used device number 1)
cannot take the unique constraint: the upgrade stops and names those numbers, so
staff can decide which case keeps its number before upgrading again.
"""

import sqlalchemy as sa
from alembic import op

revision = "s0003_i12"
down_revision = "s0002_i17"
branch_labels = None
depends_on = None


def upgrade() -> None:
    conn = op.get_bind()
    repeated = (
        conn.execute(sa.text("SELECT number FROM cases GROUP BY number HAVING COUNT(*) > 1"))
        .scalars()
        .all()
    )
    if repeated:
        raise RuntimeError(
            "cases share numbers: " + ", ".join(repeated[:20]) + " (renumber all but one "
            "of each with `UPDATE cases SET number = ...`, then upgrade again)"
        )
    with op.batch_alter_table("devices", schema=None) as batch_op:
        batch_op.add_column(sa.Column("device_no", sa.Integer(), nullable=True))
        batch_op.create_unique_constraint(batch_op.f("uq_devices_device_no"), ["device_no"])
    ids = conn.execute(sa.text("SELECT id FROM devices ORDER BY enrolled_at, id")).scalars().all()
    for no, device_id in enumerate(ids, start=1):
        conn.execute(
            sa.text("UPDATE devices SET device_no = :no WHERE id = :id"),
            {"no": no, "id": device_id},
        )
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.add_column(sa.Column("identity_code", sa.String(length=400), nullable=True))
        batch_op.drop_index(batch_op.f("ix_cases_number"))
        batch_op.create_unique_constraint(batch_op.f("uq_cases_number"), ["number"])


def downgrade() -> None:
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_cases_number"), type_="unique")
        batch_op.create_index(batch_op.f("ix_cases_number"), ["number"], unique=False)
        batch_op.drop_column("identity_code")
    with op.batch_alter_table("devices", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_devices_device_no"), type_="unique")
        batch_op.drop_column("device_no")
