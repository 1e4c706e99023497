"""api keys: the gateway's key store (one record per key, hashed) and its audit trail

Revision ID: 0001
Revises:
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "api_keys",
        sa.Column("key_id", sa.String(64), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("subject", sa.String(128), nullable=False),
        sa.Column("label", sa.String(200), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("county_code", sa.String(2), nullable=True),
        sa.Column("organisation_id", sa.String(64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(128), nullable=False),
        sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_by", sa.String(128), nullable=True),
        sa.Column("rotated_from", sa.String(64), nullable=True),
        sa.PrimaryKeyConstraint("key_id", name=op.f("pk_api_keys")),
        sa.UniqueConstraint("sha256", name=op.f("uq_api_keys_sha256")),
        sa.UniqueConstraint("rotated_from", name=op.f("uq_api_keys_rotated_from")),
        sa.ForeignKeyConstraint(["rotated_from"], ["api_keys.key_id"],
                                name=op.f("fk_api_keys_rotated_from_api_keys")),
    )
    with op.batch_alter_table("api_keys") as batch:
        batch.create_index(batch.f("ix_api_keys_subject"), ["subject"], unique=False)
        batch.create_index(batch.f("ix_api_keys_revoked_at"), ["revoked_at"], unique=False)
    op.create_table(
        "key_audit_events",
        sa.Column("id", sa.Integer, autoincrement=True, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(100), nullable=False),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("entity_type", sa.String(40), nullable=False),
        sa.Column("entity_id", sa.String(100), nullable=False),
        sa.Column("county_code", sa.String(2), nullable=True),
        sa.Column("before", sa.JSON, nullable=True),
        sa.Column("after", sa.JSON, nullable=True),
        sa.Column("request_id", sa.String(128), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_key_audit_events")),
    )
    with op.batch_alter_table("key_audit_events") as batch:
        for column in ("at", "entity_type", "entity_id", "county_code"):
            batch.create_index(batch.f(f"ix_key_audit_events_{column}"), [column], unique=False)


def downgrade() -> None:
    op.drop_table("key_audit_events")
    op.drop_table("api_keys")
