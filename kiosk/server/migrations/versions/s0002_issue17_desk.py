"""desk console: staff, sessions, audit, materials, sms, ratings

Revision ID: s0002_i17
Revises: s0001
Create Date: 2026-11-30 03:08:41.745849
"""

import sqlalchemy as sa
from alembic import op

revision = "s0002_i17"
down_revision = "s0001"
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "desk_audit",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=True),
        sa.Column("staff_name", sa.String(length=64), nullable=False),
        sa.Column("desk", sa.String(length=64), nullable=False),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("case_id", sa.String(length=36), nullable=True),
        sa.Column("task_id", sa.Integer(), nullable=True),
        sa.Column("detail", sa.String(length=300), nullable=False),
        sa.Column("client", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_desk_audit")),
    )
    with op.batch_alter_table("desk_audit", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_desk_audit_at"), ["at"], unique=False)
        batch_op.create_index(batch_op.f("ix_desk_audit_case_id"), ["case_id"], unique=False)

    op.create_table(
        "desk_ratings",
        sa.Column("case_id", sa.String(length=36), nullable=False),
        sa.Column("device_id", sa.String(length=36), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("comment", sa.String(length=200), nullable=True),
        sa.Column("rated_at", sa.DateTime(), nullable=False),
        sa.Column("received_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("case_id", name=op.f("pk_desk_ratings")),
    )
    with op.batch_alter_table("desk_ratings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_desk_ratings_device_id"), ["device_id"], unique=False)

    op.create_table(
        "desk_staff",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("full_name", sa.String(length=64), nullable=False),
        sa.Column("desk", sa.String(length=64), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("password_hash", sa.String(length=200), nullable=False),
        sa.Column("failed_logins", sa.Integer(), nullable=False),
        sa.Column("locked_until", sa.DateTime(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("password_changed_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_desk_staff")),
        sa.UniqueConstraint("name", name=op.f("uq_desk_staff_name")),
    )
    op.create_table(
        "desk_materials",
        sa.Column("case_id", sa.String(length=36), nullable=False),
        sa.Column("material_id", sa.String(length=64), nullable=False),
        sa.Column("received_by", sa.String(length=64), nullable=False),
        sa.Column("desk", sa.String(length=64), nullable=False),
        sa.Column("received_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_desk_materials_case_id_cases")
        ),
        sa.PrimaryKeyConstraint("case_id", "material_id", name=op.f("pk_desk_materials")),
    )
    op.create_table(
        "desk_sessions",
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("csrf_token", sa.String(length=64), nullable=False),
        sa.Column("flash", sa.String(length=300), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["staff_id"], ["desk_staff.id"], name=op.f("fk_desk_sessions_staff_id_desk_staff")
        ),
        sa.PrimaryKeyConstraint("token_hash", name=op.f("pk_desk_sessions")),
    )
    with op.batch_alter_table("desk_sessions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_desk_sessions_staff_id"), ["staff_id"], unique=False)

    op.create_table(
        "desk_sms",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("case_id", sa.String(length=36), nullable=False),
        sa.Column("phone", sa.String(length=20), nullable=False),
        sa.Column("body", sa.String(length=300), nullable=False),
        sa.Column("reason", sa.String(length=20), nullable=False),
        sa.Column("state", sa.String(length=12), nullable=False),
        sa.Column("gateway", sa.String(length=64), nullable=False),
        sa.Column("error", sa.String(length=200), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_desk_sms_case_id_cases")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_desk_sms")),
    )
    with op.batch_alter_table("desk_sms", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_desk_sms_case_id"), ["case_id"], unique=False)


def downgrade() -> None:

    with op.batch_alter_table("desk_sms", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_desk_sms_case_id"))

    op.drop_table("desk_sms")
    with op.batch_alter_table("desk_sessions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_desk_sessions_staff_id"))

    op.drop_table("desk_sessions")
    op.drop_table("desk_materials")
    op.drop_table("desk_staff")
    with op.batch_alter_table("desk_ratings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_desk_ratings_device_id"))

    op.drop_table("desk_ratings")
    with op.batch_alter_table("desk_audit", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_desk_audit_case_id"))
        batch_op.drop_index(batch_op.f("ix_desk_audit_at"))

    op.drop_table("desk_audit")
