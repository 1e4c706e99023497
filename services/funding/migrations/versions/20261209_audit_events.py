"""audit events: funding's audit trail (shared.audit), who made agreements, allocations, requisitions and
their steps, spending reports, repayment claims, repayments and co-financing agreements

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-09
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "audit_events",
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
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_events")),
    )
    with op.batch_alter_table("audit_events") as batch:
        for column in ("at", "entity_type", "entity_id", "county_code"):
            batch.create_index(batch.f(f"ix_audit_events_{column}"), [column], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("audit_events") as batch:
        for column in ("at", "entity_type", "entity_id", "county_code"):
            batch.drop_index(batch.f(f"ix_audit_events_{column}"))
    op.drop_table("audit_events")
