"""onward distribution: an allocation may split a share of another allocation (its parent) within a county

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("allocations") as batch:
        batch.add_column(sa.Column("parent_allocation_id", sa.String(100)))
        batch.add_column(sa.Column("parent_recipient_id", sa.String(100)))
        batch.add_column(sa.Column("county_code", sa.String(2)))
        batch.create_foreign_key("fk_allocations_parent_allocation_id_allocations", "allocations",
                                 ["parent_allocation_id"], ["id"])
        batch.create_index("ix_allocations_parent", ["parent_allocation_id", "parent_recipient_id"])


def downgrade() -> None:
    with op.batch_alter_table("allocations") as batch:
        batch.drop_index("ix_allocations_parent")
        batch.drop_constraint("fk_allocations_parent_allocation_id_allocations", type_="foreignkey")
        batch.drop_column("county_code")
        batch.drop_column("parent_recipient_id")
        batch.drop_column("parent_allocation_id")
